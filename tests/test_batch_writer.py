"""The batch writer ingest uses: many documents per commit, yet each one
all-or-nothing, and an in-memory store still works."""
from __future__ import annotations

import sqlite3

import pytest

import bilat
from bilat import pipeline
from bilat.extract import Evidence, Fact

TEXTS = {
    "a.txt": "Coast guard training expands\n\nThe United States will train forty Vietnam Coast Guard officers "
             "in Da Nang this year, officials said on April 3, 2024.\n",
    "b.txt": "Dioxin cleanup at Bien Hoa\n\nWork at Bien Hoa air base continued in 2023 with new funding, "
             "the embassy said in a statement on Monday.\n",
    "c.txt": "Search for the missing\n\nJoint teams excavated two sites in Quang Tri province during March, "
             "the agency said after the season ended.\n",
}


def prepared(tmp_path, store, name):
    path = tmp_path / name
    path.write_text(TEXTS[name], encoding="utf-8")
    result = pipeline.prepare(str(path), store)
    assert isinstance(result, pipeline.Prepared)
    return result


def counts(db, name):
    con = sqlite3.connect(db)
    try:
        ids = [r[0] for r in con.execute("SELECT document_id FROM appearances WHERE name=?", (name,))]
        doc_rows = con.execute("SELECT count(*) FROM documents WHERE title=?", (TEXTS[name].split("\n")[0],)).fetchone()[0]
        fts = con.execute("SELECT count(*) FROM documents_fts WHERE title=?", (TEXTS[name].split("\n")[0],)).fetchone()[0]
        return len(ids), doc_rows, fts
    finally:
        con.close()


def test_a_document_that_fails_is_rolled_back_alone(tmp_path):
    db = str(tmp_path / "t.db")
    with bilat.open_store(db) as store:
        a, b, c = (prepared(tmp_path, store, n) for n in ("a.txt", "b.txt", "c.txt"))
        # not JSON-serialisable: fails in the middle of writing b, after its document row
        b.facts.append(Fact(kind="figure", area="training", fields={"value": object()}, evidence=Evidence(0, 1, "D")))
        with store.writer(max_documents=100, max_seconds=100) as writer:
            assert pipeline.commit(a, writer).status == "new"
            with pytest.raises(TypeError):
                pipeline.commit(b, writer)
            assert counts(db, "a.txt") == (1, 1, 1)  # committed before the error was raised
            assert counts(db, "b.txt") == (0, 0, 0)
            assert pipeline.commit(c, writer).status == "new"  # the writer goes on
            assert counts(db, "c.txt") == (0, 0, 0)  # not committed yet
        assert counts(db, "c.txt") == (1, 1, 1)  # committed on close
        assert [d["name"] for d in store.documents()] == ["a.txt", "c.txt"]
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM sentences WHERE document_id NOT IN (SELECT id FROM documents)").fetchone()[0] == 0
    con.close()


def test_batched_ingest_is_idempotent_and_sees_its_own_documents(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "copy.txt").write_text(TEXTS["a.txt"] + "\n\n", encoding="utf-8")  # same text, in the same batch
    db = str(tmp_path / "t.db")
    first = bilat.ingest([str(folder)], db=db, jobs=2)
    assert sorted(i.status for i in first.items) == ["copy", "new", "new", "new"]
    again = bilat.ingest([str(folder)], db=db, jobs=2)
    assert [i.status for i in again.items] == ["unchanged"] * 4


def test_in_memory_store(tmp_path):
    for name, text in TEXTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with bilat.open_store(":memory:") as store:
        report = bilat.ingest([str(tmp_path / n) for n in TEXTS], store)
        assert [i.status for i in report.items] == ["new", "new", "new"]
        assert len(store.documents()) == 3
        again = bilat.ingest([str(tmp_path / n) for n in TEXTS], store)
        assert [i.status for i in again.items] == ["unchanged"] * 3
