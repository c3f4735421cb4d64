"""Merged-fact summaries (schema v7) and what the brief reads through them.

``Store.merged_outline`` must give the same merged facts as
``Store.merged_facts`` (which rebuilds them from every report), through every
way the store changes: new documents, new versions of a document,
re-extraction and the migration that fills the summaries of an older store.
The conflict digest and the brief's partial source profiles must agree with
the plain computations they stand in for.
"""
from __future__ import annotations

import random
import sqlite3
from itertools import combinations

from conftest import CORPUS, random_series

import bilat
from bilat import pipeline
from bilat.resolve import profiles
from bilat.resolve.series import Point, Series, conflict_digest, find_conflicts


def assert_outline_matches(store) -> None:
    full, light = store.merged_facts(), store.merged_outline()
    assert [m["id"] for m in light] == [m["id"] for m in full]
    for f, m in zip(full, light):
        for key in ("kind", "label", "key", "series", "series_label", "area", "fields", "sources"):
            assert m[key] == f[key], (key, f["label"])
        assert m["documents"] == {r["document_id"] for r in f["reports"]}
        spans = [(r["fact_id"], r["document_id"], r["published"], r["start"], r["end"]) for r in f["reports"]]
        assert [(r["fact_id"], r["document_id"], r["published"], r["start"], r["end"]) for r in m["reports"]] == spans
    reports = [r for m in light for r in m["reports"]]
    store.report_details(reports)
    assert [(r["quote"], r["fields"], r["reason"], r["sentence_idx"]) for r in reports] == [
        (r["quote"], r["fields"], r["reason"], r["sentence_idx"]) for m in full for r in m["reports"]]


def article(folder, name: str, body: str, date: str = "12 May 2024"):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"{name.split('.')[0].replace('_', ' ').title()}\n\nHanoi | {date}\n\n{body}\n", encoding="utf-8")
    return path


COMMITTED = ("The United States has now committed $300 million to the dioxin cleanup at Bien Hoa air base, "
             "officials said on Monday.")


def test_outline_matches_merged_facts_on_the_corpus(corpus_store):
    assert len(corpus_store.merged_outline()) > 50
    assert_outline_matches(corpus_store)


def test_outline_follows_new_versions_and_reextraction(tmp_path):
    docs, db = tmp_path / "docs", str(tmp_path / "t.db")
    article(docs, "first_report.txt", COMMITTED + " A second phase of the work begins next year.")
    article(docs, "second_report.txt", COMMITTED, "14 May 2024")
    bilat.ingest([str(docs)], db=db)
    with bilat.open_store(db) as store:
        (shared,) = [m for m in store.merged_outline("figure") if m["sources"] == 2]
        assert_outline_matches(store)
    # a new version of the first: the old one's reports stay linked but are no longer current
    article(docs, "first_report.txt", COMMITTED.replace("$300 million", "$310 million"))
    assert [i.status for i in bilat.ingest([str(docs / "first_report.txt")], db=db).items] == ["version"]
    with bilat.open_store(db) as store:
        assert_outline_matches(store)
        outlined = store.merged_outline()
        # facts with a superseded source are built from their current reports (which have quotes)
        assert any("quote" in r for m in outlined for r in m["reports"])
        again = {m["id"]: m for m in outlined}[shared["id"]]
        assert again["sources"] == 1 and len(again["documents"]) == 1
        pipeline.reextract(store)
        assert_outline_matches(store)


def test_migration_fills_the_summaries_of_an_older_store(tmp_path):
    db = tmp_path / "old.db"
    bilat.ingest([str(CORPUS)], db=str(db))
    with bilat.open_store(db) as store:
        expected = store.merged_facts()
    con = sqlite3.connect(db)  # as a store made before schema 7 would be: no summaries
    con.execute("UPDATE merged_facts SET summary = NULL")
    con.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with bilat.open_store(db) as store:
        assert store.schema_version() == 7
        assert [m["id"] for m in store.merged_outline()] == [m["id"] for m in expected]
        assert_outline_matches(store)


def two_series(seed: int) -> list[Series]:
    rng = random.Random(seed)
    return [random_series(rng, name, 90) for name in ("x", "y")]


def test_conflict_digest_agrees_with_listing_every_conflict():
    series = two_series(11)
    every = find_conflicts(series)
    assert len(every) > 100
    wanted = frozenset({2, 5})
    in_area = {f"x{i}" for i in range(0, 90, 3)}  # "area": a third of series x

    def scope(p: Point) -> tuple[bool, bool]:
        return p.merged_id in in_area, (p.as_of or "") >= "2021-04"

    def kept(c) -> bool:
        a, b = scope(c.a), scope(c.b)
        return (a[0] or b[0]) and (a[1] or b[1])

    key = lambda c: (c.a.merged_id, c.b.merged_id)  # noqa: E731
    for limit, chosen in ((5, scope), (500, None)):
        digest = conflict_digest(series, limit, wanted, chosen)
        listed = [c for c in every if chosen is None or kept(c)]
        assert digest.count == len(listed)
        # the best supported, then the newest date, then the first listed
        ranked = sorted(range(len(listed)), key=lambda i: (listed[i].a.sources + listed[i].b.sources,
                                                           max(listed[i].a.as_of, listed[i].b.as_of), -i),
                        reverse=True)
        assert [key(c) for c in digest.best] == [key(listed[i]) for i in sorted(ranked[:limit])]
        for doc in wanted:
            assert [key(c) for c in digest.by_doc.get(doc, [])] == [
                key(c) for c in every if doc in c.a.documents | c.b.documents]


def test_conflicts_come_in_the_order_of_comparing_every_pair():
    (series, _) = two_series(5)
    levels = [p for p in series.points if p.change != "increment" and p.as_of]
    by_year = {}
    for p in levels:
        by_year.setdefault(p.as_of[:4], []).append(p)
    pairs = [(a.merged_id, b.merged_id) for c in (c for group in by_year.values() for c in combinations(group, 2))
             for a, b in [c]]
    found = [(c.a.merged_id, c.b.merged_id) for c in find_conflicts([series])]
    assert found == [p for p in pairs if p in set(found)]


def test_profiles_in_detail_only_where_asked(corpus_store):
    docs, merged = corpus_store.documents(), corpus_store.merged_facts()
    everything = {p["document_id"]: p for p in profiles.document_profiles(docs, merged)}
    some = {d["id"] for d in docs[:3]}
    partial = {p["document_id"]: p for p in profiles.document_profiles(docs, merged, detail_for=some)}
    assert partial.keys() == everything.keys()
    for doc_id, p in partial.items():
        full = everything[doc_id]
        assert (p["facts"], p["only_here"], p["corroborated_share"]) == (
            full["facts"], full["only_here"], full["corroborated_share"])
        if doc_id in some:
            assert p == full
        else:
            assert p["hedged_share"] is None and p["only_here_facts"] == []
    assert any(everything[d]["hedged_share"] for d in everything)


def test_details_by_lookup_and_by_one_scan_agree(corpus_store, monkeypatch):
    from bilat.store import merged

    def details_of(reports):
        corpus_store.report_details(reports)
        return [(r["fact_id"], r["quote"], r["fields"], r["reason"], r["sentence_idx"]) for r in reports]

    some = [r for m in corpus_store.merged_outline() for r in m["reports"]]
    looked_up = details_of(some)
    monkeypatch.setattr(merged, "_DETAILS_SCAN", 0)  # every call reads the whole tables
    scanned = details_of([{k: r[k] for k in ("merged_id", "fact_id", "document_id", "start", "end")} for r in some])
    assert scanned == looked_up and len(looked_up) > 50
