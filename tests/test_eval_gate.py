"""The eval gate: extraction quality on the seeds may not drop below the
floors pinned in eval/floors.json, scored by bilat's evaluator and, as a
cross-check, by the shared scorer."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bilat.report import evaluate as ev
from bilat.report.export import export_records
from conftest import ROOT, SHARED, needs_shared

pytestmark = needs_shared
GOLD = SHARED / "gold" / "seeds.jsonl"
FLOORS = json.loads((ROOT / "eval" / "floors.json").read_text())


@pytest.fixture(scope="module")
def seed_scores(seeds_store):
    return ev.evaluate(ev.load_records(GOLD), export_records(seeds_store))


@pytest.mark.parametrize("kind", ["figure", "agreement", "transfer", "event"])
def test_f1_floor(seed_scores, kind):
    score = seed_scores[kind]
    assert score.f1 >= FLOORS[kind]["f1"], (
        f"{kind} F1 {score.f1:.3f} < floor {FLOORS[kind]['f1']} (tp {score.tp}, fp {score.fp}, fn {score.fn})")


@pytest.mark.parametrize("attribute", ["as_of", "qualifier"])
def test_figure_attribute_floor(seed_scores, attribute):
    accuracy = seed_scores["figure"].accuracy(attribute)
    assert accuracy is not None and accuracy >= FLOORS["figure"][attribute]


def test_shared_scorer_agrees(seeds_store, seed_scores, tmp_path):
    out = tmp_path / "facts.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in export_records(seeds_store)))
    run = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(GOLD), str(out), "--json"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    theirs = json.loads(run.stdout.strip().splitlines()[-1])
    for kind in ("figure", "agreement", "transfer", "event"):
        entry = theirs[kind] if kind in theirs else theirs.get("kinds", {}).get(kind)
        assert entry is not None, run.stdout
        assert abs(entry["f1"] - seed_scores[kind].f1) < 1e-3, (kind, entry, seed_scores[kind].as_dict())
