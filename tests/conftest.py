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
