from __future__ import annotations

from pathlib import Path

import pytest

import bilat

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
CORPUS = ROOT / "examples" / "corpus"

needs_shared = pytest.mark.skipif(
    not SEEDS.is_dir(), reason="../shared/seeds is absent: seed tests need ../shared beside the project"
)


def seed(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix`` (e.g. "002")."""
    matches = sorted(SEEDS.glob(f"{prefix}_*"))
    if not matches:
        pytest.skip(f"seed {prefix} not found in {SEEDS}")
    return matches[0]


@pytest.fixture
def store(tmp_path):
    s = bilat.open_store(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture(scope="session")
def seeds_store(tmp_path_factory):
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent: seed tests need ../shared beside the project")
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    report = bilat.ingest([str(SEEDS)], db=str(db))
    assert report.ok, report.failed
    s = bilat.open_store(db)
    yield s
    s.close()


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory):
    """The sample corpus (examples/corpus), ingested once for every test that reads it."""
    db = tmp_path_factory.mktemp("corpus") / "corpus.db"
    report = bilat.ingest([str(CORPUS)], db=str(db))
    assert report.ok, report.failed
    s = bilat.open_store(db)
    yield s
    s.close()


def stored_text(store, name: str) -> str:
    return store.document(name)["text"]


def random_series(rng, name: str, size: int):
    """A series of ``size`` random figures (values, qualifiers, dates of every precision,
    one or two of 12 documents), ordered as build_series orders them."""
    from bilat.resolve.series import Point, Series

    dates = ["2021", "2021-03", "2021-03-05", "2021-03-20", "2021-04", "2021-04-02", "2022", "2022-01-09", None]
    points = []
    for i in range(size):
        docs = rng.sample(range(12), rng.choice([1, 1, 2]))
        points.append(Point(f"{name}{i}", float(rng.choice([90, 100, 101, 120, 300])), "USD",
                            rng.choice(["exact", "approx", "at_least", "at_most"]), rng.choice(dates),
                            rng.choice(["level", "level", "increment"]), len(docs),
                            [{"document_id": d} for d in docs]))
    points.sort(key=lambda p: (p.as_of or "", p.value))
    return Series(name, name.upper(), "USD", "general", points)
