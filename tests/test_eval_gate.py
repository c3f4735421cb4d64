"""The eval gate: extraction quality may not drop below the floors pinned in
eval/floors.json, on the seeds (development set) and on the sample corpus
(hand-labelled gold in eval/corpus_gold.jsonl). The store's export is scored
by bilat's evaluator and, as a cross-check, by the shared scorer."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bilat.report import evaluate as ev
from bilat.report.export import export_records
from conftest import ROOT, SHARED, needs_shared

FLOORS = json.loads((ROOT / "eval" / "floors.json").read_text())
SEEDS_GOLD = SHARED / "gold" / "seeds.jsonl"
CORPUS_GOLD = ROOT / "eval" / "corpus_gold.jsonl"
HELDOUT = ROOT / "eval" / "heldout"
HELDOUT_GOLD = ROOT / "eval" / "heldout_gold.jsonl"
HELDOUT2 = ROOT / "eval" / "heldout2"
HELDOUT2_GOLD = ROOT / "eval" / "heldout2_gold.jsonl"
KINDS = ("figure", "agreement", "transfer", "event")


@pytest.fixture(scope="module")
def scores():
    """Scores per gold set, computed once."""
    return {}


def _scores(name, store, gold, cache):
    if name not in cache:
        cache[name] = ev.evaluate(ev.load_records(gold), export_records(store))
    return cache[name]


def _check(score, floor):
    assert score.f1 >= floor["f1"], (
        f"{score.kind} F1 {score.f1:.3f} < floor {floor['f1']} (tp {score.tp}, fp {score.fp}, fn {score.fn})")
    for attribute in ("as_of", "qualifier"):
        if attribute in floor:
            accuracy = score.accuracy(attribute)
            assert accuracy is not None and accuracy >= floor[attribute], (score.kind, attribute, accuracy)


@needs_shared
@pytest.mark.parametrize("kind", KINDS)
def test_seeds_floor(seeds_store, scores, kind):
    _check(_scores("seeds", seeds_store, SEEDS_GOLD, scores)[kind], FLOORS["seeds"][kind])


@pytest.mark.parametrize("kind", KINDS)
def test_corpus_floor(corpus_store, scores, kind):
    _check(_scores("corpus", corpus_store, CORPUS_GOLD, scores)[kind], FLOORS["corpus"][kind])


def _ingested(folder, tmp_path_factory, expected: int):
    """A held-out folder's documents (not its README), ingested into a new store."""
    import bilat

    db = tmp_path_factory.mktemp(folder.name) / "heldout.db"
    report = bilat.ingest([str(p) for p in sorted(folder.iterdir()) if p.name != "README.md"], db=str(db))
    assert report.ok and len(report.items) == expected, report.failed
    return bilat.open_store(db)


@pytest.fixture(scope="module")
def heldout_store(tmp_path_factory):
    with _ingested(HELDOUT, tmp_path_factory, 10) as store:
        yield store


@pytest.fixture(scope="module")
def heldout2_store(tmp_path_factory):
    with _ingested(HELDOUT2, tmp_path_factory, 8) as store:
        yield store


@pytest.mark.parametrize("kind", KINDS)
def test_heldout_floor(heldout_store, scores, kind):
    _check(_scores("heldout", heldout_store, HELDOUT_GOLD, scores)[kind], FLOORS["heldout"][kind])


@pytest.mark.parametrize("kind", KINDS)
def test_second_heldout_floor(heldout2_store, scores, kind):
    _check(_scores("heldout2", heldout2_store, HELDOUT2_GOLD, scores)[kind], FLOORS["heldout2"][kind])


@needs_shared
def test_shared_scorer_agrees(seeds_store, corpus_store, scores, tmp_path):
    for name, store, gold in (("seeds", seeds_store, SEEDS_GOLD), ("corpus", corpus_store, CORPUS_GOLD)):
        out = tmp_path / f"{name}.jsonl"
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in export_records(store)))
        run = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(gold), str(out), "--json"],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        theirs = json.loads(run.stdout.strip().splitlines()[-1])
        ours = _scores(name, store, gold, scores)
        for kind in KINDS:
            assert abs(theirs[kind]["f1"] - ours[kind].f1) < 1e-3, (name, kind, theirs[kind], ours[kind].as_dict())
