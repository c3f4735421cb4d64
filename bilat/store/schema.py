"""Tables, defined once with SQLAlchemy Core, and the migrations that build them.

The schema version lives in the ``meta`` table. Each migration is a function
run in its own transaction; a database is never left half-migrated.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    BigInteger, Column, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table, Text,
    UniqueConstraint, inspect, text,
)
from sqlalchemy.engine import Connection

metadata = MetaData()

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hash", String(64), nullable=False, unique=True),  # sha256 of the cleaned text
    Column("title", Text),
    Column("publisher", Text),
    Column("author", Text),
    Column("published", String(32)),
    Column("language", String(16)),
    Column("format", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("word_count", Integer, nullable=False),
    Column("body_word_count", Integer),  # words before any notes/references section
    Column("sentence_count", Integer, nullable=False),
    Column("shingle_count", Integer, nullable=False),  # distinct word 5-grams, for near-duplicates
    Column("extra", Text),  # JSON: metadata the format carried beyond the columns
    Column("created_at", String(32), nullable=False),
)

# Every time a document was seen: where (path or URL), as what bytes, and how
# it relates to the document (the original, an identical copy, a near-duplicate
# syndicated copy). A location whose content changed keeps its old appearance,
# marked superseded by the new one: that is the version history.
appearances = Table(
    "appearances", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, index=True),
    Column("location", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("raw_hash", String(64), nullable=False),
    Column("relation", String(16), nullable=False),  # original | copy | syndicated
    Column("similarity", Float, nullable=False),
    Column("title", Text),
    Column("publisher", Text),
    Column("author", Text),
    Column("published", String(32)),
    Column("seen_at", String(32), nullable=False),
    Column("superseded_by", Integer, ForeignKey("appearances.id")),
    UniqueConstraint("location", "raw_hash", name="uq_appearance_location_raw"),
)
Index("ix_appearances_location", appearances.c.location)

sentences = Table(
    "sentences", metadata,
    Column("document_id", Integer, ForeignKey("documents.id"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
)

# Bottom-k sketch of each document's word shingles, for near-duplicate lookup.
sketches = Table(
    "sketches", metadata,
    Column("document_id", Integer, ForeignKey("documents.id"), primary_key=True),
    Column("hash", BigInteger, primary_key=True),
)
# (hash, document_id) covers the near-duplicate lookup, which reads thousands
# of rows per document when boilerplate shingles are common; see _v6.
Index("ix_sketches_hash_document", sketches.c.hash, sketches.c.document_id)

facts = Table(
    "facts", metadata,
    Column("id", String(64), primary_key=True),  # content hash of document, kind, fields, span
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False, index=True),
    Column("area", String(32)),
    Column("data", Text, nullable=False),  # JSON: the kind's fields as in GUIDELINES.md
    Column("confidence", Float, nullable=False),
    Column("extractor", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
)

evidence = Table(
    "evidence", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("fact_id", String(64), ForeignKey("facts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, index=True),
    Column("sentence_idx", Integer),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("quote", Text, nullable=False),
)

# Canonical entities (countries, organisations, people, places, programs,
# equipment) and every mention of one in a document, with its span.
entities = Table(
    "entities", metadata,
    Column("id", String(128), primary_key=True),  # ISO code for countries, a slug otherwise
    Column("name", Text, nullable=False),
    Column("type", String(16), nullable=False),
    Column("country", String(8)),
    Column("source", String(16), nullable=False),  # gazetteer | ner
)

mentions = Table(
    "mentions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, index=True),
    Column("entity_id", String(128), ForeignKey("entities.id"), nullable=False, index=True),
    Column("sentence_idx", Integer),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
)

# One fact, many reports: a merged fact and the reports (rows of ``facts``)
# joined to it, each with the reason it was joined.
merged_facts = Table(
    "merged_facts", metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False, index=True),
    Column("key", Text, nullable=False, index=True),
    Column("label", Text, nullable=False),
    Column("series", Text, index=True),  # figures: the measure they belong to
    Column("series_label", Text),
    Column("data", Text, nullable=False),  # the first report's fields, JSON
    Column("summary", Text),  # JSON: its own fields, area and documents (see merged.py)
    Column("outlines", Text),  # JSON: each report's outline, in reading order
    Column("created_at", String(32), nullable=False),
)

fact_merges = Table(
    "fact_merges", metadata,
    Column("fact_id", String(64), ForeignKey("facts.id", ondelete="CASCADE"), primary_key=True),
    Column("merged_id", String(64), ForeignKey("merged_facts.id"), nullable=False, index=True),
    Column("reason", Text, nullable=False),
)

# Sentence embeddings for the optional semantic search of `bilat ask`, per model.
sentence_vectors = Table(
    "sentence_vectors", metadata,
    Column("document_id", Integer, ForeignKey("documents.id"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("model", String(64), primary_key=True),
    Column("vector", LargeBinary, nullable=False),
)

# Results kept until the store changes (bilat.store.cache), e.g. a built brief.
cache = Table(
    "cache", metadata,
    Column("name", Text, primary_key=True),
    Column("generation", Text, nullable=False),
    Column("data", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
)

SCHEMA_VERSION_KEY = "schema_version"
GENERATION_KEY = "generation"  # raised by triggers on every change of content (see _v5)


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[meta, documents, appearances, sentences, sketches, facts, evidence])
    if conn.dialect.name == "sqlite":
        # External-content-free FTS5 index of current document text; diacritics
        # folded so "Bien Hoa" finds "Biên Hòa".
        conn.execute(text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5("
            "title, text, tokenize = 'unicode61 remove_diacritics 2')"
        ))


def _v2(conn: Connection) -> None:
    metadata.create_all(conn, tables=[entities, mentions])


def _v3(conn: Connection) -> None:
    from .merged import relink_all  # late: merged.py imports this module

    metadata.create_all(conn, tables=[merged_facts, fact_merges])
    relink_all(conn)


def _v4(conn: Connection) -> None:
    metadata.create_all(conn, tables=[sentence_vectors])


# Every change a derived result depends on goes through one of these: a document
# appearing (new, copy, version) or being superseded, and facts being written or
# replaced (re-extraction). One small update per row costs little next to the row.
_CHANGES = [("appearances", "INSERT"), ("appearances", "UPDATE"), ("appearances", "DELETE"),
            ("facts", "INSERT"), ("facts", "UPDATE"), ("facts", "DELETE")]


def _v5(conn: Connection) -> None:
    metadata.create_all(conn, tables=[cache])
    conn.execute(meta.insert().values(key=GENERATION_KEY, value="0"))
    if conn.dialect.name != "sqlite":
        return  # no counter: results are not cached
    for table, change in _CHANGES:
        conn.execute(text(
            f"CREATE TRIGGER IF NOT EXISTS generation_{table}_{change.lower()} AFTER {change} ON {table} "
            f"BEGIN UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = '{GENERATION_KEY}'; END"))


def _v6(conn: Connection) -> None:
    # The hash-only index made SQLite read the table row of every match to get its document.
    conn.execute(text("DROP INDEX IF EXISTS ix_sketches_hash"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_sketches_hash_document ON sketches (hash, document_id)"))


def _v7(conn: Connection) -> None:
    from .merged import rebuild_summaries  # late: merged.py imports this module

    # A store made at v3 by this code has the columns already (create_all uses the current table).
    present = {c["name"] for c in inspect(conn).get_columns("merged_facts")}
    for column in ("summary", "outlines"):
        if column not in present:
            conn.execute(text(f"ALTER TABLE merged_facts ADD COLUMN {column} TEXT"))
    rebuild_summaries(conn)


# version -> migration taking the database from version-1 to version.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _v1, 2: _v2, 3: _v3, 4: _v4, 5: _v5, 6: _v6, 7: _v7}
LATEST = max(MIGRATIONS)
