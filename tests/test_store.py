"""The store: idempotent ingest, versions, copies, near-duplicates,
transactions, migrations, search, facts and the export contract."""
from __future__ import annotations

import csv
import io
import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

import bilat
from bilat.errors import NotFound, QueryError, StoreError
from bilat.extract import Evidence, Fact
from bilat.report import export
from bilat.store import schema
from conftest import SHARED, needs_shared, seed

ARTICLE = """US and Vietnam expand coast guard training

By Sample Wire | April 3, 2024

The United States will train more Vietnam Coast Guard officers this year under an expanded programme, officials said on Wednesday.
The courses cover boarding procedures, search and rescue, and maintenance of patrol boats supplied since 2017.
Officials said the first group of forty officers would begin classes in Da Nang in June.
Both sides described the programme as part of a broader effort to strengthen maritime law enforcement in the region.
"""


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def snapshot(db):
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("documents", "appearances", "sentences", "sketches", "facts", "evidence")}
    finally:
        con.close()


def test_ingest_twice_changes_nothing(tmp_path):
    src = write(tmp_path / "a.txt", ARTICLE)
    db = str(tmp_path / "t.db")
    first = bilat.ingest([src], db=db)
    assert [i.status for i in first.items] == ["new"]
    before = snapshot(db)
    second = bilat.ingest([src, src], db=db)
    assert [i.status for i in second.items] == ["unchanged", "unchanged"]
    assert snapshot(db) == before


def test_changed_file_becomes_new_version(tmp_path):
    path = tmp_path / "a.txt"
    db = str(tmp_path / "t.db")
    write(path, ARTICLE)
    bilat.ingest([str(path)], db=db)
    write(path, ARTICLE.replace("forty officers", "sixty officers").replace("in June", "in July")
          + "A second phase is planned for 2026, with courses in Hai Phong and Can Tho.\n")
    report = bilat.ingest([str(path)], db=db)
    assert report.items[0].status == "version"
    with bilat.open_store(db) as store:
        current = store.documents()
        assert len(current) == 1
        assert "sixty officers" in store.document(current[0]["id"])["text"]
        everything = store.documents(include_superseded=True)
        assert len(everything) == 2
        old = next(d for d in everything if not d["current"])
        assert "forty officers" in store.document(old["id"])["text"]
        assert store.stats()["superseded_versions"] == 1
        # search only sees the current version
        assert store.search("sixty") and not store.search("forty")


def test_same_text_elsewhere_is_one_document_two_appearances(tmp_path):
    db = str(tmp_path / "t.db")
    a = write(tmp_path / "a.txt", ARTICLE)
    b = write(tmp_path / "copy.txt", ARTICLE + "\n\n")  # other bytes, same cleaned text
    report = bilat.ingest([a, b], db=db)
    assert [i.status for i in report.items] == ["new", "copy"]
    with bilat.open_store(db) as store:
        (doc,) = store.documents()
        detail = store.document(doc["id"])
        assert [a["relation"] for a in detail["appearances"]] == ["original", "copy"]


def test_syndicated_near_duplicate_is_recorded_not_stored_twice(tmp_path):
    db = str(tmp_path / "t.db")
    original = write(tmp_path / "wire.txt", ARTICLE)
    syndicated = ARTICLE.replace("By Sample Wire | April 3, 2024", "Republished from Sample Wire | April 4, 2024")
    syndicated += "This article first appeared on Sample Wire.\n"
    copy = write(tmp_path / "paper.txt", syndicated)
    report = bilat.ingest([original, copy], db=db)
    assert [i.status for i in report.items] == ["new", "syndicated"]
    assert report.items[0].document_id == report.items[1].document_id
    with bilat.open_store(db) as store:
        assert len(store.documents()) == 1
        apps = store.document(report.items[0].document_id)["appearances"]
        assert apps[1]["relation"] == "syndicated"
        assert 0.6 <= apps[1]["similarity"] < 1.0  # Jaccard estimate: a copy, yet not identical
        assert apps[1]["name"] == "paper.txt"


def test_different_articles_are_not_merged(tmp_path):
    db = str(tmp_path / "t.db")
    a = write(tmp_path / "a.txt", ARTICLE)
    other = ("Hegseth visits Hanoi\n\nHanoi | November 2, 2025\n\n"
             "The US defense secretary held talks with Vietnam's defense minister on war legacy cooperation, "
             "cybersecurity and training. The two sides agreed to expand search for missing soldiers and to keep "
             "working on dioxin remediation at Bien Hoa air base.\n")
    b = write(tmp_path / "b.txt", other)
    report = bilat.ingest([a, b], db=db)
    assert [i.status for i in report.items] == ["new", "new"]


def test_interrupted_run_leaves_consistent_database(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(300):
        body = " ".join(f"Sentence {j} of note {i} about cooperation number {i * 1000 + j}." for j in range(40))
        write(folder / f"n{i:03d}.txt", f"Note {i} on defense ties\n\n{body}\n")
    db = tmp_path / "t.db"
    proc = subprocess.Popen([sys.executable, "-m", "bilat.cli", "ingest", str(folder), "--db", str(db)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        time.sleep(0.2)
        if db.exists():
            try:
                con = sqlite3.connect(db)
                n = con.execute("SELECT count(*) FROM documents").fetchone()[0]
                con.close()
            except sqlite3.OperationalError:
                n = 0
            if n >= 5:
                break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert 0 < stored < 300, "kill the run mid-way: adjust the corpus size if this fails"
    # every stored document is complete: sentences, appearance, search index
    for doc_id, expected in con.execute("SELECT id, sentence_count FROM documents"):
        assert con.execute("SELECT count(*) FROM sentences WHERE document_id=?", (doc_id,)).fetchone()[0] == expected
        assert con.execute("SELECT count(*) FROM appearances WHERE document_id=?", (doc_id,)).fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM documents_fts WHERE rowid=?", (doc_id,)).fetchone()[0] == 1
    con.close()
    report = bilat.ingest([str(folder)], db=str(db))
    assert report.ok
    assert report.counts().get("new") == 300 - stored
    assert report.counts().get("unchanged") == stored


def test_schema_version_and_refusal_of_newer_schema(tmp_path):
    db = tmp_path / "t.db"
    with bilat.open_store(db) as store:
        assert store.schema_version() == schema.LATEST
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(schema.LATEST + 1),))
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer"):
        bilat.open_store(db)


def test_not_a_database(tmp_path):
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="bogus.db"):
        bilat.open_store(bogus)


def test_search_ranks_and_folds_diacritics(tmp_path):
    db = str(tmp_path / "t.db")
    write(tmp_path / "a.txt", "Dioxin at Biên Hòa\n\nCleanup at Biên Hòa air base continues. Biên Hòa is the largest hotspot.\n")
    write(tmp_path / "b.txt", "Training note\n\nOfficers trained in Da Nang. Bien Hoa was mentioned once in passing today.\n")
    bilat.ingest([str(tmp_path)], db=db)
    with bilat.open_store(db) as store:
        hits = store.search("Bien Hoa")
        assert [h["name"] for h in hits] == ["a.txt", "b.txt"]
        assert "**Biên**" in hits[0]["snippet"]
        assert store.search('"air base" OR nothingmatches')[0]["name"] == "a.txt"
        with pytest.raises(QueryError):
            store.search("   ")


def test_resolve_ref(tmp_path):
    db = str(tmp_path / "t.db")
    bilat.ingest([write(tmp_path / "a.txt", ARTICLE)], db=db)
    with bilat.open_store(db) as store:
        doc = store.documents()[0]
        assert store.document(doc["hash"][:8])["id"] == doc["id"]
        assert store.document("a.txt")["id"] == doc["id"]
        assert store.document(str(doc["id"]))["id"] == doc["id"]
        with pytest.raises(NotFound):
            store.document("nothing-like-this")


def _figure_from(store, name, phrase):
    doc = store.document(name)
    start = doc["text"].index(phrase)
    sent = next(s for s in store.sentences(doc["id"]) if s["start"] <= start < s["end"])
    return doc, Fact(
        kind="figure", area="war_legacy", confidence=0.9, extractor="test",
        fields={"value": 130000000, "unit": "USD", "counted": None, "qualifier": "exact", "as_of": "2025-11-02",
                "change": "increment", "measure": "US funding for Bien Hoa, added", "subject": "Bien Hoa"},
        evidence=Evidence(sent["start"], sent["end"], sent["text"], sent["idx"]),
    )


@needs_shared
def test_export_contract_scores_with_shared_scorer(tmp_path):
    db = str(tmp_path / "t.db")
    bilat.ingest([str(seed("002"))], db=db)
    with bilat.open_store(db) as store:
        doc, fact = _figure_from(store, seed("002").name, "additional US$130 million")
        assert store.replace_facts(doc["id"], [fact, fact]) == 1  # same fact twice is stored once
        records = export.export_records(store)
        out = tmp_path / "facts.jsonl"
        with open(out, "w") as fh:
            assert export.export_facts(store, fh) == 1
    (record,) = records
    assert record["doc"] == seed("002").name
    assert record["kind"] == "figure" and record["value"] == 130000000 and record["unit"] == "USD"
    assert doc["text"][record["start"]:record["end"]] == record["quote"]
    for key in ("kind", "doc", "quote", "area", "start", "end", "id", "value", "unit", "counted",
                "qualifier", "as_of", "change", "measure", "subject"):
        assert key in record
    scored = subprocess.run(
        [sys.executable, str(SHARED / "eval" / "score.py"), str(SHARED / "gold" / "seeds.jsonl"), str(out), "--json"],
        capture_output=True, text=True)
    assert scored.returncode == 0, scored.stderr
    figure = json.loads(scored.stdout.strip().splitlines()[-1])["figure"]
    assert figure["tp"] == 1 and figure["fp"] == 0  # the hand-made fact matches a gold figure


def test_replace_facts_is_atomic_and_csv_export(tmp_path):
    db = str(tmp_path / "t.db")
    bilat.ingest([write(tmp_path / "a.txt", ARTICLE)], db=db)
    with bilat.open_store(db) as store:
        doc = store.documents()[0]
        text = store.document(doc["id"])["text"]
        phrase = "forty officers"
        start = text.index(phrase)
        fact = Fact(kind="figure", area="training", fields={"value": 40, "unit": "count", "counted": "officer",
                    "qualifier": "exact", "as_of": "2024-04-03", "change": "level", "measure": "officers in first group",
                    "subject": "coast guard training"}, evidence=Evidence(start, start + len(phrase), phrase))
        store.replace_facts(doc["id"], [fact])
        bad = Fact(kind="figure", area="training", fields={"value": object()}, evidence=Evidence(0, 1, "U"))
        with pytest.raises(TypeError):
            store.replace_facts(doc["id"], [bad])  # not JSON-serialisable: the old facts must survive
        assert len(store.facts()) == 1
        buffer = io.StringIO()
        export.export_facts(store, buffer, format="csv")
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert rows[0]["kind"] == "figure" and rows[0]["value"] == "40" and rows[0]["quote"] == phrase
    assert list(rows[0])[:3] == ["kind", "doc", "quote"]


def test_export_rejects_unknown_kind_and_format(store):
    with pytest.raises(QueryError):
        export.export_records(store, kind="rumour")
    with pytest.raises(QueryError):
        export.export_facts(store, io.StringIO(), format="xml")
