"""The brief and the timeline, on real stores built from the seeds and the sample corpus."""
from __future__ import annotations

import html
import json
import re

import pytest
from conftest import CORPUS, needs_shared
from sqlalchemy import select

import bilat
from bilat.errors import QueryError
from bilat.store import schema
from bilat.report import brief as briefing
from bilat.report import pdf
from bilat.report import timeline as timelines

PARTS = ["What's happened", "Key figures", "How we got here", "What the sources say", "Unconfirmed and open"]
CITE = re.compile(r"(?<!\\)\[(\d+(?:, \d+)*)\]")
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def seeds_brief(seeds_store):
    return briefing.build_brief(seeds_store)


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "evil.md").write_text(
        "---\n"
        f'title: "Evil {HOSTILE} title"\n'
        'publisher: "Bad <b>Press</b>"\n'
        "published: 2025-03-04\n"
        "---\n\n"
        f"# Evil {HOSTILE} title\n\n"
        f"On 3 March 2025, the United States delivered six ScanEagle drones to Vietnam {HOSTILE} under a grant.\n\n"
        "US funding for Bien Hoa dioxin remediation now totals US$500 million, officials said on 3 March 2025 "
        f"{HOSTILE}.\n", encoding="utf-8")
    db = folder / "hostile.db"
    report = bilat.ingest([str(folder / "evil.md")], db=str(db))
    assert report.ok, report.failed
    s = bilat.open_store(db)
    yield s
    s.close()


# -- helpers ------------------------------------------------------------------------


def cited_docs(brief, item) -> set[str]:
    return {brief.references[n - 1].name[:3] for n in item.citations}


def items_of(brief, key: str):
    return [item for k, item in brief.all_items() if k == key]


def md_parts(markdown: str) -> dict[str, list[str]]:
    """The Markdown lines of each numbered part, keyed by its title."""
    parts, current = {}, None
    for line in markdown.splitlines():
        m = re.match(r"^## (?:\d+\. )?(.+)$", line)
        if m:
            current = m.group(1)
            parts[current] = []
        elif current:
            parts[current].append(line)
    return parts


def without_quotes(text: str) -> str:
    return re.sub(r"“[^”]*”", "“…”", text)


def assert_every_sentence_cites(markdown: str) -> int:
    """Every line of prose in the five parts is a bullet or table row that cites,
    ends on its citation, and has no sentence without one. Returns the count."""
    parts = md_parts(markdown)
    assert list(parts)[:5] == PARTS
    checked = 0
    for title in PARTS:
        for line in parts[title]:
            if not line.strip() or line.startswith(("### ", "|---")):
                continue
            if line.startswith("| Measure |"):
                continue
            if line == f"_{briefing.EMPTY}_" or re.fullmatch(r"_[^_].*_", line) and title == "What the sources say":
                continue  # the empty-part note; a source's date and file name under its heading
            assert line.startswith(("- ", "| ")), f"{title}: prose outside an item: {line!r}"
            assert CITE.search(line), f"{title}: no citation in {line!r}"
            if line.startswith("- "):
                assert re.search(r"\]\.$", line), f"{title}: sentence does not end on its citation: {line!r}"
                for sentence in re.split(r"(?<=[a-z]{3}[.!?])\s+(?=[A-Z])", without_quotes(line[2:])):
                    assert CITE.search(sentence), f"{title}: uncited sentence {sentence!r} in {line!r}"
            checked += 1
    return checked


def assert_references_resolve(store, brief) -> None:
    for _, item in brief.all_items():
        assert all(1 <= n <= len(brief.references) for n in item.citations)
    cited = {n for _, item in brief.all_items() for n in item.citations}
    assert cited == set(range(1, len(brief.references) + 1)), "every reference is cited, every citation listed"
    texts = {}
    for ref in brief.references:
        if ref.document_id not in texts:
            texts[ref.document_id] = store.document(ref.document_id)["text"]
        text = texts[ref.document_id]
        assert ref.quote in text
        assert text[ref.start:ref.end] == ref.quote
        assert ref.location and ref.name


def assert_self_contained(page: str, brief=None) -> None:
    assert page.count("<html") == 1 and "<style>" in page
    assert not re.search(r"<script|<link|<iframe|<img|<object|@import|url\(", page, re.IGNORECASE)
    assert not re.search(r"\ssrc\s*=", page, re.IGNORECASE)
    allowed = {r.location for r in brief.references} if brief else set()
    for href in re.findall(r'href="([^"]*)"', page):
        assert href.startswith("#ref-") or href in allowed, href


# -- the seeds: what the issue asks for -------------------------------------------------


@needs_shared
def test_bien_hoa_figures_cite_002_and_003(seeds_brief):
    items = [item for _, item in seeds_brief.all_items()]
    added = [i for i in items if "US$130 million" in i.text and "Bien Hoa" in i.text]
    assert added, "the $130 million added for Bien Hoa is in the brief"
    assert any({"002", "003"} <= cited_docs(seeds_brief, i) for i in added)
    total = [i for i in items if "US$430 million" in i.text]
    assert total and all("002" in cited_docs(seeds_brief, i) for i in total)
    happened = " ".join(i.text for i in items_of(seeds_brief, "happened"))
    assert "US$430 million" in happened and "up from US$300 million" in happened
    assert "rose by an additional US$130 million" in happened


@needs_shared
def test_key_figures_table(seeds_brief):
    table = seeds_brief.section("figures").table
    assert table.columns == ["Measure", "Current value", "As of", "Previous values", "Sources"]
    rows = {row[0].text: row for row in table.rows}
    added = rows["US funding for Bien Hoa dioxin remediation (added)"]
    assert added[1].text == "+US$130 million" and added[4].text.startswith("3")
    assert {"000", "002", "003"} <= cited_docs(seeds_brief, added[1])
    total = rows["US funding for Bien Hoa dioxin remediation (total)"]
    assert total[1].text == "US$430 million" and "US$300 million" in total[3].text and "US$218 million" in total[3].text
    repatriated = rows["US service members' remains repatriated from Vietnam"]
    assert repatriated[1].text == "994" and "734" in repatriated[3].text and repatriated[4].text == "2"
    identified = rows["US service members' remains identified (Vietnam, since 1973)"]
    assert identified[1].text == "740" and {"000", "002"} <= cited_docs(seeds_brief, identified[1])
    for row in table.rows:
        assert any(cell.citations for cell in row), row[0].text


@needs_shared
def test_mia_figures_and_2011_mou(seeds_brief):
    texts = [i.text for _, i in seeds_brief.all_items()]
    assert any("994" in t and "repatriated" in t for t in texts)
    assert any("740" in t and "identified" in t for t in texts)
    mou = [i for i in items_of(seeds_brief, "history")
           if i.lead == "2011" and "Memorandum of Understanding" in i.text]
    assert mou and {"002", "004"} <= cited_docs(seeds_brief, mou[0])


@needs_shared
def test_every_sentence_cites_and_every_citation_resolves(seeds_store, seeds_brief):
    cells = {id(cell) for row in seeds_brief.section("figures").table.rows for cell in row}
    for key, item in seeds_brief.all_items():
        if id(item) in cells:
            continue  # a table row cites in its value cells (checked in test_key_figures_table)
        assert item.citations, (key, item.text)
        assert item.parts[-1].citations, f"{key}: {item.text!r} does not end on a citation"
    markdown = briefing.to_markdown(seeds_brief)
    assert assert_every_sentence_cites(markdown) > 40
    numbers = {int(n) for m in CITE.finditer(markdown.split("## References")[0]) for n in m.group(1).split(", ")}
    assert numbers == set(range(1, len(seeds_brief.references) + 1))
    assert_references_resolve(seeds_store, seeds_brief)


@needs_shared
def test_parts_are_filled(seeds_brief):
    happened = items_of(seeds_brief, "happened")
    assert "Hanoi" in happened[0].text or "Hegseth" in happened[0].text
    dates = [i.text for i in happened if i.text.startswith("On ")]
    assert dates and all("2025" in d for d in dates)
    history = [i for i in seeds_brief.section("history").items if i.lead != "Undated"]
    years = [int(i.lead[-4:]) for i in history]
    assert years == sorted(years) and years[0] < 2015
    sources = seeds_brief.section("sources").subsections
    assert len(sources) == 5
    for sub in sources:
        texts = " ".join(i.text for i in sub.items)
        assert "Its angle is" in texts and "specific" in texts and "Only it reports" in texts
    open_items = " ".join(i.text for i in seeds_brief.section("open").items)
    for needle in ("C-130", "F-16", "Planned for 2026"):
        assert needle in open_items


@needs_shared
def test_brief_is_deterministic(seeds_store, seeds_brief):
    again = briefing.build_brief(seeds_store, use_cache=False)
    assert briefing.to_markdown(again) == briefing.to_markdown(seeds_brief)
    assert briefing.to_html(again) == briefing.to_html(seeds_brief)


# -- the kept brief -------------------------------------------------------------------


def test_kept_brief_is_reused_until_the_store_changes(tmp_path):
    db = tmp_path / "kept.db"
    assert bilat.ingest([str(CORPUS / name) for name in sorted(p.name for p in CORPUS.glob("*.md"))[:4]],
                        db=str(db)).ok
    with bilat.open_store(db) as store:
        fresh = briefing.build_brief(store, use_cache=False)
        first = briefing.build_brief(store)
        assert briefing.to_markdown(first) == briefing.to_markdown(fresh)
        with store.engine.connect() as conn:
            kept = conn.execute(select(schema.cache.c.name)).scalars().all()
        assert len(kept) == 1 and kept[0].startswith("brief:")
        again = briefing.build_brief(store)
        assert briefing.to_markdown(again) == briefing.to_markdown(fresh)
        assert briefing.to_html(again) == briefing.to_html(fresh)
        assert briefing.build_brief(store, area="war_legacy").area == "war_legacy"  # one entry per scope
    # a new document: the kept brief is stale and must not be served
    extra = tmp_path / "extra.md"
    extra.write_text("---\ntitle: Extra\npublisher: Test Wire\npublished: 2031-05-02\n---\n\n"
                     "On 1 May 2031, the United States delivered four ScanEagle drones to Vietnam's navy.\n",
                     encoding="utf-8")
    assert bilat.ingest([str(extra)], db=str(db)).ok
    with bilat.open_store(db) as store:
        after = briefing.build_brief(store)
        assert "Extra" in briefing.to_markdown(after) and "Extra" not in briefing.to_markdown(fresh)
        assert briefing.to_markdown(after) == briefing.to_markdown(briefing.build_brief(store, use_cache=False))
        # re-extraction (facts replaced, same documents) also makes it stale
        doc_id = store.resolve_ref("extra.md")
        store.replace_facts(doc_id, [])
        replaced = briefing.build_brief(store)
        def happened(b):
            return " ".join(i.text for i in b.section("happened").items)

        assert "ScanEagle" in happened(after) and "ScanEagle" not in happened(replaced)


def test_generation_rises_with_every_change(tmp_path):
    from bilat.store import cache

    db = tmp_path / "gen.db"
    with bilat.open_store(db) as store, store.engine.connect() as conn:
        start = int(cache.generation(conn))
    assert bilat.ingest([str(CORPUS)], db=str(db)).ok
    with bilat.open_store(db) as store:
        with store.engine.connect() as conn:
            after_ingest = int(cache.generation(conn))
        assert after_ingest > start
        assert cache.save(store, "probe", "x") and cache.load(store, "probe") == "x"
        with store.engine.connect() as conn:
            assert int(cache.generation(conn)) == after_ingest, "saving a result is not a change"
    assert bilat.ingest([str(CORPUS)], db=str(db)).ok  # idempotent: nothing new
    with bilat.open_store(db) as store:
        assert cache.load(store, "probe") == "x"


# -- a brief stays readable on a large store ---------------------------------------------


def test_capped_parts_say_what_they_leave_out(corpus_store, monkeypatch):
    full = briefing.build_brief(corpus_store, use_cache=False)
    small = {key: 2 for key in briefing.LIMITS} | {"disagreements": 0}
    monkeypatch.setattr(briefing, "LIMITS", small)
    monkeypatch.setattr(briefing, "MAX_CITES", 1)
    capped = briefing.build_brief(corpus_store, use_cache=False)
    assert len(capped.section("happened").items) == 2 < len(full.section("happened").items)
    assert len(capped.section("history").items) == 2 < len(full.section("history").items)
    assert len(capped.section("figures").table.rows) == 2 < len(full.section("figures").table.rows)
    assert len(capped.section("sources").subsections) == 2 < len(full.section("sources").subsections)
    for key in ("happened", "history", "figures", "sources"):
        note = capped.section(key).omitted
        assert note and re.search(r"This part shows 2 of \d+ ", note) and "`bilat " in note, (key, note)
        assert full.section(key).omitted is None
    # the sources kept are those with the most facts
    facts = {p["document_id"]: p["facts"] for p in corpus_store.source_profiles()}
    kept = [int(s.key.split("-")[1]) for s in capped.section("sources").subsections]
    assert min(facts[d] for d in kept) >= max(v for d, v in facts.items() if d not in kept)
    # one citation per statement, the others counted; every reference is cited
    parts = [p for _, item in capped.all_items() for p in item.parts]
    assert all(len(p.citations) <= 1 for p in parts)
    assert any(p.more for p in parts)
    markdown = briefing.to_markdown(capped)
    assert re.search(r"\[\d+ \+\d+ more\]", markdown)
    cited = {n for p in parts for n in p.citations}
    assert cited == set(range(1, len(capped.references) + 1))
    assert len(capped.references) < len(full.references)
    html = briefing.to_html(capped)
    assert "This part shows 2 of" in html and "more]</sup>" in html
    assert "_This part shows 2 of" in markdown


# -- filters --------------------------------------------------------------------------


@needs_shared
def test_area_filters(seeds_store, seeds_brief):
    brief = briefing.build_brief(seeds_store, area="war_legacy")
    assert brief.area == "war_legacy"
    labels = [row[0].text for row in brief.section("figures").table.rows]
    assert "US funding for Bien Hoa dioxin remediation (total)" in labels
    assert not any("Foreign Military" in label or "aircraft carrier" in label for label in labels)
    everything = " ".join(i.text for _, i in brief.all_items())
    assert "Joint Vision Statement" not in everything and "C-130" not in everything
    assert len(brief.references) < len(seeds_brief.references)
    assert_every_sentence_cites(briefing.to_markdown(brief))
    assert_references_resolve(seeds_store, brief)
    with pytest.raises(QueryError):
        briefing.build_brief(seeds_store, area="space_program")


@needs_shared
def test_since_filters(seeds_store):
    brief = briefing.build_brief(seeds_store, since="2025-01-01")
    assert brief.since == "2025-01-01"
    for item in brief.section("history").items:
        assert item.lead == "Undated" or item.lead.endswith("2025")
    for row in brief.section("figures").table.rows:
        assert row[2].text.endswith("2025") or row[2].text == "undated"
        assert not re.search(r"20(0\d|1\d|2[0-4])\)", row[3].text), row[3].text
    everything = " ".join(i.text for _, i in brief.all_items())
    assert "2011" not in " ".join(i.lead or "" for i in brief.section("history").items)
    assert "US$218 million" not in everything and "734" not in everything
    assert "US$430 million" in everything
    assert_every_sentence_cites(briefing.to_markdown(brief))
    with pytest.raises(QueryError):
        briefing.build_brief(seeds_store, since="last week")


# -- renderings ------------------------------------------------------------------------


@needs_shared
def test_html_is_one_self_contained_file(seeds_brief, tmp_path):
    page = briefing.to_html(seeds_brief)
    assert_self_contained(page, seeds_brief)
    for title in PARTS:
        assert html.escape(title) in page
    assert page.count('class="cite"') >= len(seeds_brief.references)
    assert f'id="ref-{len(seeds_brief.references)}"' in page
    (tmp_path / "brief.html").write_text(page, encoding="utf-8")


def test_hostile_text_is_escaped(hostile_store):
    brief = briefing.build_brief(hostile_store)
    assert any(HOSTILE in r.quote or HOSTILE in (r.title or "") for r in brief.references), \
        "the hostile text reaches the brief"
    page = briefing.to_html(brief)
    assert HOSTILE not in page and "<b>Press" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert_self_contained(page, brief)
    markdown = briefing.to_markdown(brief)
    assert HOSTILE not in markdown and "\\<script\\>" in markdown
    entries = timelines.build_timeline(hostile_store)
    timeline_page = timelines.to_html(entries)
    assert HOSTILE not in timeline_page and "&lt;script&gt;" in timeline_page
    assert HOSTILE not in timelines.to_markdown(entries)


def test_links_only_to_web_sources():
    ref = briefing.Reference(1, 1, "x", "javascript:alert(1)", "P", "T", None, "q", 0, 1)
    assert "href" not in briefing.reference_html(1, ref)
    ref = briefing.Reference(1, 1, "x", 'https://example.org/a"onmouseover="x', "P", "T", None, "q", 0, 1)
    assert "onmouseover" not in briefing.reference_html(1, ref).split("href=")[-1].split(">")[0]
    ref = briefing.Reference(1, 1, "x", "https://example.org/a?b=1&c=2", "P", "T", None, "q", 0, 1)
    assert 'href="https://example.org/a?b=1&amp;c=2"' in briefing.reference_html(1, ref)


@needs_shared
def test_pdf_has_the_parts(seeds_brief, tmp_path):
    from pypdf import PdfReader

    path = briefing.to_pdf(seeds_brief, tmp_path / "brief.pdf")
    assert path.is_file() and path.stat().st_size > 5000
    text = "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    text = text.replace("’", "'")
    for title in [*PARTS, "References"]:
        assert title in text, title
    assert "US$430 million" in text


def test_pdf_keeps_vietnamese(corpus_store, tmp_path):
    from pypdf import PdfReader

    if pdf._unicode_fonts() is None:
        pytest.skip("font-source-serif-pro / font-source-sans-pro not installed: core fonts, no Vietnamese")
    path = briefing.to_pdf(briefing.build_brief(corpus_store), tmp_path / "corpus.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    assert "Đà Nẵng" in text


def test_core_font_fallback_transliterates():
    # Latin-1 letters stay (the core fonts have them); the rest lose their marks
    assert briefing.transliterate("Tàu sân bay thăm Đà Nẵng – “ok”") == 'Tàu sân bay tham Dà Nang - "ok"'


# -- the sample corpus --------------------------------------------------------------------


def test_corpus_brief(corpus_store):
    brief = briefing.build_brief(corpus_store)
    assert_every_sentence_cites(briefing.to_markdown(brief))
    assert_references_resolve(corpus_store, brief)
    open_items = brief.section("open").items
    conflict = [i for i in open_items if i.text.startswith("Sources disagree on US funding for Bien Hoa")]
    assert conflict, [i.text for i in open_items]
    assert {"11_", "12_"} <= cited_docs(brief, conflict[0])
    subs = {s.meta.split(" · ")[-1]: s for s in brief.section("sources").subsections}
    opinion = subs["14_opinion-shared-horizons.txt"]
    assert "no figure, agreement, transfer or event" in opinion.items[0].text and opinion.items[0].citations
    assert any("disagrees with" in i.text for i in subs["11_bien-hoa-funding-2024.txt"].items)
    assert any(s.title.startswith("Bản tin mẫu") for s in subs.values())
    assert_self_contained(briefing.to_html(brief), brief)


# -- the timeline ---------------------------------------------------------------------------


def test_timeline_sorted_and_cited(corpus_store):
    entries = timelines.build_timeline(corpus_store)
    assert len(entries) > 20
    assert [e.date for e in entries] == sorted(e.date for e in entries)
    assert {e.kind for e in entries} == {"agreement", "transfer", "event"}
    texts = {}
    for e in entries:
        assert e.citations and e.text
        for c in e.citations:
            texts.setdefault(c.document_id, corpus_store.document(c.document_id)["text"])
            assert texts[c.document_id][c.start:c.end] == c.quote
    markdown = timelines.to_markdown(entries)
    lines = [line for line in markdown.splitlines() if line.startswith("- **")]
    assert len(lines) == len(entries) and all(CITE.search(line) for line in lines)
    data = json.loads(timelines.to_json(entries))
    assert [d["date"] for d in data] == [e.date for e in entries]
    assert all(d["citations"] and d["citations"][0]["quote"] for d in data)
    assert_self_contained(timelines.to_html(entries))


def test_timeline_filters(corpus_store):
    entries = timelines.build_timeline(corpus_store, area="maritime_security", since="2019")
    assert entries and all(e.area == "maritime_security" and e.date >= "2019" for e in entries)
    everything = timelines.build_timeline(corpus_store)
    assert len(entries) < len(everything)
    with pytest.raises(QueryError):
        timelines.build_timeline(corpus_store, since="2019/01/01")


@needs_shared
def test_seed_timeline_has_the_2011_mou(seeds_store):
    entries = timelines.build_timeline(seeds_store)
    mou = [e for e in entries if e.date.startswith("2011") and e.kind == "agreement"]
    assert mou and {c.name[:3] for c in mou[0].citations} == {"002", "004"}
    assert not any(e.kind == "event" and e.text.startswith("In 2015, Vietnam and the United States signed")
                   for e in entries), "an event restating an agreement is not listed twice"


def test_pdf_without_the_font_packages(corpus_store, tmp_path, monkeypatch):
    from pypdf import PdfReader

    monkeypatch.setattr(pdf, "_unicode_fonts", lambda: None)
    path = briefing.to_pdf(briefing.build_brief(corpus_store), tmp_path / "core.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    assert "Key figures" in text and "Dà Nang" in text
