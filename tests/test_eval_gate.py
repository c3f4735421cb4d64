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


@pytest.fixture(scope="module")
def heldout_store(tmp_path_factory):
    """The held-out documents (not their README), ingested once."""
    import bilat

    db = tmp_path_factory.mktemp("heldout") / "heldout.db"
    report = bilat.ingest([str(p) for p in sorted(HELDOUT.iterdir()) if p.name != "README.md"], db=str(db))
    assert report.ok and len(report.items) == 10, report.failed
    with bilat.open_store(db) as store:
        yield store


@pytest.mark.parametrize("kind", KINDS)
def test_heldout_floor(heldout_store, scores, kind):
    _check(_scores("heldout", heldout_store, HELDOUT_GOLD, scores)[kind], FLOORS["heldout"][kind])


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
