"""Candidate facts for a question, read from the store, and how well each covers it."""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy import text as sql_text

from bilat.nlp import gazetteer
from bilat.store.merged import _representative
from bilat.store.schema import (
    appearances,
    documents,
    evidence,
    fact_merges,
    facts,
    mentions,
    merged_facts,
)

from .question import _TOKEN, Question, Term, normalise, stem
from .tuning import (
    FIGURE_QUOTE_CREDIT,
    FOUND_COVERAGE,
    QUOTE_CREDIT,
    SCORED_REPORTS,
    SYNONYM_CREDIT,
    WORD_COVERAGE,
)

# -- candidates -----------------------------------------------------------------------------

@dataclass
class Candidate:
    """A merged fact with what is needed to score it."""
    fact: dict
    field_text: str
    quote_text: str
    field_stems: set
    quote_stems: set
    entities: set                 # named in the reports' sentences
    field_entities: set = field(default_factory=set)  # named by the fact's own fields
    report_texts: list = field(default_factory=list)     # per report (distinct sentence): normalised quote
    report_stems: list = field(default_factory=list)
    report_entities: list = field(default_factory=list)
    score: float = 0.0
    coverage: float = 0.0
    word_coverage: float = 0.0
    fit: float = 0.0
    entity_hits: int = 0
    matched: list = field(default_factory=list)


def _fact_field_text(fact: dict) -> str:
    f = fact["fields"]
    parts = [fact.get("label") or "", fact.get("series_label") or ""]
    for key, value in f.items():
        if key.startswith("_") or key in ("qualifier", "change", "confidence"):
            continue
        if isinstance(value, list):
            parts.extend(str(v) for v in value)
        elif isinstance(value, str):
            parts.append(value.replace("_", " "))
    return " | ".join(parts)


def _field_entities(fact: dict) -> set[str]:
    ids: set[str] = set()
    f = fact["fields"]
    for key in ("supplier", "recipient"):
        if f.get(key):
            ids.add(f[key])
    for code in f.get("parties") or []:
        ids.add(code)
    if fact["kind"] == "transfer" and f.get("item"):
        ids.add(gazetteer._slug(re.sub(r"\s*\(.*\)$", "", f["item"])))
    return ids


def _current(store):
    return store._current_ids()


def _fts_documents(conn, query: str, current: set[int], limit: int) -> list[int]:
    if not query or conn.dialect.name != "sqlite":
        return []
    rows = conn.execute(sql_text(
        "SELECT rowid FROM documents_fts WHERE documents_fts MATCH :q "
        "ORDER BY bm25(documents_fts, 5.0, 1.0) LIMIT :n"), {"q": query, "n": limit * 2}).all()
    return [r for (r,) in rows if r in current][:limit]


def _reports_query():
    return (
        select(fact_merges.c.merged_id, fact_merges.c.reason, facts.c.id.label("fact_id"), facts.c.kind,
               facts.c.data, facts.c.area, facts.c.document_id, documents.c.publisher, documents.c.published,
               documents.c.title, evidence.c.quote, evidence.c.start, evidence.c.end, evidence.c.sentence_idx,
               merged_facts.c.label.label("m_label"), merged_facts.c.key.label("m_key"),
               merged_facts.c.series.label("m_series"), merged_facts.c.series_label.label("m_series_label"))
        .join(facts, facts.c.id == fact_merges.c.fact_id)
        .join(merged_facts, merged_facts.c.id == fact_merges.c.merged_id)
        .join(documents, documents.c.id == facts.c.document_id)
        .join(evidence, evidence.c.fact_id == facts.c.id)
        .order_by(documents.c.published, facts.c.document_id, evidence.c.start)
    )


_HEAD = ("m_label", "m_key", "m_series", "m_series_label")


def _merged(conn, current: set[int], merged_ids: list[str] | None = None,
            kinds: list[str] | None = None) -> list[dict]:
    """Merged facts (the shape of ``Store.merged_facts``, with every report) of current
    documents, restricted to some ids or kinds."""
    query = _reports_query()
    if merged_ids is not None:
        if not merged_ids:
            return []
        query = query.where(fact_merges.c.merged_id.in_(merged_ids))
    if kinds is not None:
        query = query.where(facts.c.kind.in_(kinds))
    grouped: dict[str, list[dict]] = defaultdict(list)
    heads: dict[str, tuple] = {}
    result = conn.execute(query)
    keys = list(result.keys())
    for row in result.all():
        item = dict(zip(keys, row))
        if item["document_id"] not in current:
            continue
        mid = item["merged_id"]
        heads[mid] = tuple(item.pop(k) for k in _HEAD)
        item["fields"] = json.loads(item.pop("data"))
        grouped[mid].append(item)
    if not grouped:
        return []
    meta = _doc_meta(conn, {r["document_id"] for reps in grouped.values() for r in reps})
    out = []
    for mid, reps in grouped.items():
        for r in reps:
            doc = meta.get(r["document_id"], {})
            r["name"], r["location"] = doc.get("name"), doc.get("location")
        label, key, series_key, series_label = heads[mid]
        kind = reps[0]["kind"]
        out.append({
            "id": mid, "kind": kind, "label": label, "key": key, "series": series_key, "series_label": series_label,
            "area": reps[0]["area"],
            "fields": reps[0]["fields"] if len(reps) == 1 else _representative(kind, [r["fields"] for r in reps]),
            "sources": len({r["document_id"] for r in reps}), "reports": reps,
        })
    out.sort(key=lambda m: (-m["sources"], m["kind"], m["label"]))
    return out


def _sentence_entities(conn, doc_ids, sentences_wanted: set | None = None) -> dict[tuple[int, int], set[str]]:
    """Entity ids named in each (document, sentence); only those sentences when given."""
    table: dict[tuple[int, int], set[str]] = defaultdict(set)
    if not doc_ids:
        return table
    doc_ids = sorted(doc_ids)
    for start in range(0, len(doc_ids), 500):
        chunk = doc_ids[start:start + 500]
        rows = conn.execute(select(mentions.c.document_id, mentions.c.sentence_idx, mentions.c.entity_id)
                            .where(mentions.c.document_id.in_(chunk))).all()
        for doc, idx, eid in rows:
            if sentences_wanted is None or (doc, idx) in sentences_wanted:
                table[(doc, idx)].add(eid)
    return table


def _report_sentences(found: list[dict]) -> set[tuple[int, int]]:
    return {(r["document_id"], r.get("sentence_idx")) for m in found for r in m["reports"][:SCORED_REPORTS]}


# -- scoring --------------------------------------------------------------------------------

_FIT = {
    "figure": {"figure": 1.0, "transfer": 0.6, "agreement": 0.15, "event": 0.15},
    "date": {"agreement": 1.0, "event": 0.9, "transfer": 0.6, "figure": 0.2},
    "transfer": {"transfer": 1.0, "event": 0.3, "figure": 0.2, "agreement": 0.1},
    "status": {"transfer": 1.0, "event": 0.25, "figure": 0.2, "agreement": 0.2},
    "who": {"event": 1.0, "agreement": 0.6, "figure": 0.3, "transfer": 0.3},
    "general": {"figure": 1.0, "agreement": 1.0, "event": 1.0, "transfer": 1.0},
}


def _fit(q: Question, fact: dict) -> float:
    kind, f = fact["kind"], fact["fields"]
    fit = _FIT[q.type][kind]
    if q.type == "figure":
        if kind == "figure" and q.unit and f.get("unit") != q.unit:
            fit *= 0.45
        if kind == "transfer" and not f.get("quantity"):
            fit *= 0.3
    elif q.type == "date":
        if not (f.get("date") or f.get("as_of")):
            fit *= 0.3
    return fit


def _match_term(term: Term, c: Candidate) -> float:
    """Credit (0..1) a candidate earns for one term: full in the fact's own
    fields, less when only its quoted sentences have it (for figures much less:
    a sentence may be about another of its numbers), averaged over the reports
    so that one report listing several things does not lend them all its words."""
    quote_credit = FIGURE_QUOTE_CREDIT if c.fact["kind"] == "figure" else QUOTE_CREDIT
    if term.entity:
        if term.entity in c.field_entities or any(p.search(c.field_text) for p in term.patterns):
            return 1.0
        # an entity named by any report counts: corroborating reports need not restate the recipient
        hit = any(term.entity in ids or any(p.search(t) for p in term.patterns)
                  for ids, t in zip(c.report_entities, c.report_texts))
        return quote_credit + 0.2 if hit else 0.0
    if term.patterns:  # a phrase (a Vietnamese phrase and its English gloss)
        if any(p.search(c.field_text) for p in term.patterns):
            return 1.0
        hits = [any(p.search(t) for p in term.patterns) for t in c.report_texts]
        credit = quote_credit * sum(hits) / len(hits) if hits else 0.0
        if credit or not term.stems:
            return credit
    if term.stems & c.field_stems:
        return 1.0
    if term.synonyms & c.field_stems:
        return SYNONYM_CREDIT
    if not c.report_stems:
        return 0.0
    total = 0.0
    for words in c.report_stems:
        if term.stems & words:
            total += quote_credit
        elif term.synonyms & words:
            total += quote_credit * SYNONYM_CREDIT
    return total / len(c.report_stems)


def _score(q: Question, c: Candidate) -> None:
    got, words = 0.0, 0.0
    c.matched, c.entity_hits = [], 0
    for term in q.terms:
        credit = _match_term(term, c)
        if credit:
            got += credit * term.weight
            c.matched.append(term.label)
            if term.entity and term.topic:
                c.entity_hits += 1
            if term.topic and not term.entity:
                words += credit
    c.coverage = got / q.total_weight
    c.word_coverage = words / q.topic_words if q.topic_words else 1.0
    c.fit = _fit(q, c.fact)
    c.score = c.coverage * c.fit + 0.02 * min(c.fact["sources"] - 1, 4)


def _acceptable(q: Question, c: Candidate) -> bool:
    """Enough of the question covered, and the entities it names (not just "Vietnam") among them."""
    needed = q.entity_terms
    if needed and c.entity_hits < max(1, (len(needed) + 1) // 2):
        return False
    if not any(t.topic for t in q.terms):
        return False
    if not any(t.topic and t.label in c.matched for t in q.terms):
        return False
    # the question's words matter too, unless it names two or more things and the fact has them all
    words_waived = len(needed) >= 2 and c.entity_hits == len(needed)
    return c.coverage >= FOUND_COVERAGE and (c.word_coverage >= WORD_COVERAGE or words_waived)


def _needles(q: Question) -> list[str]:
    """Substrings of which a fact's text must hold one to be worth scoring (topic terms only)."""
    out: list[str] = []
    named = [t for t in q.terms if t.entity and t.topic]
    for t in named or q.terms:  # a question naming an entity is answered only by facts naming it
        if not t.topic:
            continue
        out.extend(t.aliases)
        out.extend(w for w in (*t.stems, *t.synonyms) if len(w) >= 2)
        if t.patterns and not t.entity:
            out.append(t.label)
    return [n for n in dict.fromkeys(out) if n]


def _first_pass(conn, q: Question, doc_ids: list[int], kinds: list[str]) -> list[dict]:
    """The reports in ``doc_ids`` whose label or quote holds a topic term, grouped as
    merged facts (one plain query, JSON read only for the rows kept)."""
    needles = _needles(q)
    if not doc_ids or not needles:
        return []
    marks = ",".join("?" * len(doc_ids))
    kind_marks = ",".join("?" * len(kinds))
    rows = conn.exec_driver_sql(
        "SELECT fm.merged_id, f.kind, f.data, f.document_id, e.quote, e.sentence_idx, e.start, e.\"end\", "
        "mf.label, mf.key, mf.series, mf.series_label FROM facts f "
        "JOIN evidence e ON e.fact_id = f.id JOIN fact_merges fm ON fm.fact_id = f.id "
        "JOIN merged_facts mf ON mf.id = fm.merged_id "
        # "+f.kind": not the kind index (it would scan every fact of a kind), the document one
        f"WHERE f.document_id IN ({marks}) AND +f.kind IN ({kind_marks})", (*doc_ids, *kinds)).all()
    grouped: dict[str, dict] = {}
    fold = gazetteer.fold
    for mid, kind, data, doc, quote, idx, start, end, label, key, series, series_label in rows:
        text = fold(f"{label} {series_label or ''} {quote}").lower()
        if not any(n in text for n in needles):
            continue
        report = {"merged_id": mid, "kind": kind, "fields": json.loads(data), "document_id": doc, "quote": quote,
                  "sentence_idx": idx, "start": start, "end": end}
        m = grouped.get(mid)
        if m is None:
            grouped[mid] = {"id": mid, "kind": kind, "label": label, "key": key, "series": series,
                            "series_label": series_label, "fields": report["fields"], "reports": [report]}
        else:
            m["reports"].append(report)
    for m in grouped.values():
        m["sources"] = len({r["document_id"] for r in m["reports"]})
    return list(grouped.values())


def _read(text: str, cache: dict) -> tuple[str, set]:
    """Normalised text and its stems, once per distinct text in one question."""
    hit = cache.get(text)
    if hit is None:
        norm = normalise(text)
        hit = cache[text] = (norm, {stem(t) for t in _TOKEN.findall(norm)})
    return hit


def _candidate(fact: dict, sentence_entities: dict, cache: dict | None = None) -> Candidate:
    cache = {} if cache is None else cache
    field_text, field_words = _read(_fact_field_text(fact), cache)
    texts, word_sets, entity_sets, seen = [], [], [], set()
    for r in fact["reports"][:SCORED_REPORTS]:
        key = (r["document_id"], r.get("sentence_idx"), r["quote"])
        if key in seen:  # one sentence giving the fact twice counts once
            continue
        seen.add(key)
        norm, words = _read(r["quote"], cache)
        texts.append(norm)
        word_sets.append(words)
        entity_sets.append(sentence_entities.get((r["document_id"], r.get("sentence_idx")), set()))
    quote_text = " | ".join(texts)
    return Candidate(fact, field_text, quote_text, field_words,
                     set().union(*word_sets) if word_sets else set(),
                     set().union(*entity_sets) if entity_sets else set(),
                     _field_entities(fact), texts, word_sets, entity_sets)

def _doc_meta(conn, doc_ids) -> dict[int, dict]:
    first = (select(appearances.c.document_id, func.min(appearances.c.id).label("first"))
             .where(appearances.c.document_id.in_(list(doc_ids))).group_by(appearances.c.document_id).subquery())
    rows = conn.execute(select(documents.c.id, documents.c.title, documents.c.publisher, documents.c.published,
                               appearances.c.name, appearances.c.location)
                        .join(first, first.c.document_id == documents.c.id)
                        .join(appearances, appearances.c.id == first.c.first)).mappings()
    return {r["id"]: {"name": r["name"], "title": r["title"], "publisher": r["publisher"],
                      "published": r["published"], "location": r["location"]} for r in rows}
