"""Full-text search over stored documents (SQLite FTS5, BM25 ranking)."""
from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from bilat.errors import QueryError

HIGHLIGHT_OPEN, HIGHLIGHT_CLOSE = "\x02", "\x03"
_TOKEN = re.compile(r"\w[\w'’.-]*\w|\w", re.UNICODE)


def index_document(conn: Connection, doc_id: int, title: str | None, body: str) -> None:
    if conn.dialect.name != "sqlite":
        return
    conn.execute(text("INSERT INTO documents_fts(rowid, title, text) VALUES (:id, :title, :text)"),
                 {"id": doc_id, "title": title or "", "text": body})


def plain_query(query: str) -> str:
    """Every word of ``query`` as a quoted FTS5 term (implicit AND)."""
    tokens = _TOKEN.findall(query)
    return " ".join('"' + t.replace('"', '""') + '"' for t in tokens)


def search(conn: Connection, query: str, limit: int, current_only) -> list[dict]:
    """Ranked hits with a highlighted snippet. ``query`` may use FTS5 syntax
    (``"exact phrase"``, ``OR``, ``NOT``, ``prefix*``); anything else is read
    as plain words that must all occur."""
    if not query or not query.strip():
        raise QueryError("empty search query")
    if conn.dialect.name != "sqlite":
        raise QueryError("full-text search needs the SQLite store")
    uses_syntax = bool(re.search(r'["*()]|\b(?:AND|OR|NOT|NEAR)\b', query))
    candidates = [query, plain_query(query)] if uses_syntax else [plain_query(query)]
    last_error = None
    for fts_query in candidates:
        if not fts_query.strip():
            continue
        try:
            return _run(conn, fts_query, limit, current_only)
        except OperationalError as exc:
            last_error = exc
    if last_error is None:
        raise QueryError(f"search query {query!r} has no words to look for")
    raise QueryError(f"bad search query {query!r}: {last_error.orig}")


def _run(conn: Connection, fts_query: str, limit: int, current_only) -> list[dict]:
    current = {row[0] for row in conn.execute(current_only)}
    sql = text(
        "SELECT rowid, bm25(documents_fts, 5.0, 1.0) AS score, "
        "snippet(documents_fts, 1, :open, :close, '…', 14) AS snippet "
        "FROM documents_fts WHERE documents_fts MATCH :q ORDER BY score LIMIT :limit"
    )
    rows = conn.execute(sql, {"q": fts_query, "open": HIGHLIGHT_OPEN, "close": HIGHLIGHT_CLOSE,
                              "limit": limit * 3}).all()
    hits = []
    for rowid, score, snippet in rows:
        if rowid not in current:
            continue
        meta = conn.execute(
            text("SELECT d.title, d.publisher, d.published, a.name FROM documents d "
                 "JOIN appearances a ON a.document_id = d.id WHERE d.id = :id ORDER BY a.id LIMIT 1"),
            {"id": rowid},
        ).mappings().first()
        hits.append({
            "document_id": rowid, "name": meta["name"], "title": meta["title"],
            "publisher": meta["publisher"], "published": meta["published"],
            "score": round(-score, 6),
            "snippet": snippet.replace(HIGHLIGHT_OPEN, "**").replace(HIGHLIGHT_CLOSE, "**"),
            "highlighted": snippet,
        })
        if len(hits) >= limit:
            break
    return hits
