"""The store: documents, their appearances and versions, sentences, facts.

Writes go through :meth:`Store.add_document`, one transaction per document,
or through a :meth:`Store.writer`, which batches many documents per commit
with a savepoint each, so an interrupted run leaves every document either
fully stored or absent.
"""
from __future__ import annotations

import bisect
import datetime as dt
import functools
import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import and_, create_engine, event, func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError

from bilat.documents import Document
from bilat.errors import NotFound, StoreError
from bilat.extract import Fact
from bilat.nlp import Sentence
from bilat.resolve import near_duplicates
from bilat.resolve.measures import preceding_text

from . import knowledge, merged, schema, search
from .schema import appearances, documents, entities, evidence, facts, mentions, sentences, sketches

DEFAULT_DB = "bilat.db"


def default_db_path() -> str:
    """``$BILAT_DB`` if set, else ``./bilat.db``."""
    return os.environ.get("BILAT_DB") or DEFAULT_DB


def open_store(db: str | os.PathLike | None = None) -> Store:
    return Store(db if db is not None else default_db_path())


@dataclass(frozen=True)
class AddResult:
    """What storing one document did.

    status: ``new`` (a new document), ``version`` (new content at a known
    location), ``copy`` (identical text already stored), ``syndicated``
    (near-duplicate of a stored document), ``unchanged`` (seen before).
    """

    status: str
    document_id: int
    similarity: float = 1.0
    replaced_document_id: int | None = None


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _insert_rows(conn: Connection, table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert many rows, each a tuple in ``columns`` order. On SQLite the tuples
    go to the driver as they are: building and converting one dict per row
    through SQLAlchemy costs about as much as SQLite's insert itself, for
    hundreds of rows per document. Values must be plain ints, floats, strings
    and None (none of these columns' types converts values on SQLite)."""
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(_insert_sql(table.name, columns), rows)
    else:
        conn.execute(table.insert(), [dict(zip(columns, row)) for row in rows])


@functools.cache
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)  # quoted: "end" is a keyword
    return f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"


class Store:
    def __init__(self, db: str | os.PathLike):
        self.db = str(db)
        url = self.db if "://" in self.db else f"sqlite:///{self.db}"
        if url.startswith("sqlite:///") and self.db != ":memory:":
            parent = Path(url.removeprefix("sqlite:///")).parent
            if not parent.exists():
                raise StoreError(f"{self.db}: folder {parent} does not exist")
        try:
            self.engine: Engine = create_engine(url, future=True)
        except Exception as exc:
            raise StoreError(f"{self.db}: cannot open database ({exc})") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.migrate()

    # -- lifecycle ---------------------------------------------------------
    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def shareable(self) -> bool:
        """Whether other processes can open this database (not in-memory)."""
        return self.db not in (":memory:", "sqlite://", "sqlite:///:memory:")

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return self._version(conn)

    def _version(self, conn: Connection) -> int:
        if not self.engine.dialect.has_table(conn, "meta"):
            return 0
        value = conn.execute(
            select(schema.meta.c.value).where(schema.meta.c.key == schema.SCHEMA_VERSION_KEY)
        ).scalar()
        return int(value) if value else 0

    def migrate(self) -> None:
        try:
            with self.engine.connect() as conn:
                current = self._version(conn)
        except DatabaseError as exc:
            raise StoreError(f"{self.db}: not a bilat database ({exc.orig})") from None
        if current > schema.LATEST:
            raise StoreError(
                f"{self.db}: schema version {current} is newer than this bilat ({schema.LATEST}); upgrade bilat"
            )
        for version in range(current + 1, schema.LATEST + 1):
            with self.engine.begin() as conn:
                schema.MIGRATIONS[version](conn)
                conn.execute(schema.meta.delete().where(schema.meta.c.key == schema.SCHEMA_VERSION_KEY))
                conn.execute(schema.meta.insert().values(key=schema.SCHEMA_VERSION_KEY, value=str(version)))

    # -- writing -----------------------------------------------------------
    def has_appearance(self, location: str, raw_hash: str) -> int | None:
        """The document id already stored for these exact bytes at this location."""
        with self.engine.connect() as conn:
            return conn.execute(
                select(appearances.c.document_id).where(
                    and_(appearances.c.location == location, appearances.c.raw_hash == raw_hash)
                )
            ).scalar()

    def add_document(self, doc: Document, sents: list[Sentence], found: list[Fact],
                     found_mentions: Sequence = (), sketch: near_duplicates.Sketch | None = None) -> AddResult:
        """Store ``doc`` with its sentences, facts and entity mentions in one
        transaction. ``sketch``: its near-duplicate sketch, if already computed."""
        with self.engine.begin() as conn:
            return self._add(conn, doc, sents, found, found_mentions, sketch)

    def writer(self, max_documents: int = 128, max_seconds: float = 3.0) -> BatchWriter:
        """A writer adding many documents with few commits (see :class:`BatchWriter`);
        use it as a context manager. An in-memory store commits every document:
        all its connections are one SQLite connection, which readers would reset."""
        if not self.shareable:
            max_documents = 1
        return BatchWriter(self, max_documents, max_seconds)

    def _add(self, conn: Connection, doc: Document, sents: list[Sentence], found: list[Fact],
             found_mentions: Sequence = (), doc_sketch: near_duplicates.Sketch | None = None) -> AddResult:
        known = conn.execute(
            select(appearances.c.document_id).where(
                and_(appearances.c.location == doc.location, appearances.c.raw_hash == doc.raw_hash)
            )
        ).scalar()
        if known is not None:
            return AddResult("unchanged", known)
        previous = self._current_appearance(conn, doc.location)
        existing = conn.execute(select(documents.c.id).where(documents.c.hash == doc.content_hash)).scalar()
        if doc_sketch is None:
            doc_sketch = near_duplicates.sketch(doc.text)
        if existing is not None:
            status, doc_id, similarity = "copy", existing, 1.0
        else:
            exclude = previous["document_id"] if previous else None
            match = self._near_duplicate(conn, doc_sketch, exclude)
            if match:
                status, (doc_id, similarity) = "syndicated", match
            else:
                doc_id = self._insert_document(conn, doc, sents, doc_sketch, found, found_mentions)
                status = "version" if previous else "new"
                similarity = 1.0
        relation = {"copy": "copy", "syndicated": "syndicated"}.get(status, "original")
        if previous and previous["document_id"] == doc_id and status == "copy":
            status = "unchanged"  # same text at the same place, only the bytes differ
        new_appearance = conn.execute(appearances.insert().values(
            document_id=doc_id, location=doc.location, name=doc.name, raw_hash=doc.raw_hash,
            relation=relation, similarity=round(similarity, 4), title=doc.title,
            publisher=doc.publisher, author=doc.author, published=doc.published, seen_at=_now(),
        )).inserted_primary_key[0]
        if previous:
            conn.execute(appearances.update().where(appearances.c.id == previous["id"])
                         .values(superseded_by=new_appearance))
        replaced = previous["document_id"] if previous and previous["document_id"] != doc_id else None
        return AddResult(status, doc_id, similarity, replaced)

    def _current_appearance(self, conn: Connection, location: str):
        return conn.execute(
            select(appearances.c.id, appearances.c.document_id)
            .where(and_(appearances.c.location == location, appearances.c.superseded_by.is_(None)))
            .order_by(appearances.c.id.desc()).limit(1)
        ).mappings().first()

    def _near_duplicate(self, conn: Connection, doc_sketch: near_duplicates.Sketch, exclude: int | None):
        if not doc_sketch.hashes:
            return None
        shared = func.count().label("shared")
        query = (
            select(sketches.c.document_id, shared)
            .where(sketches.c.hash.in_(doc_sketch.hashes))
            .group_by(sketches.c.document_id)
            .having(shared >= near_duplicates.min_shared(len(doc_sketch.hashes)))
            .order_by(shared.desc()).limit(5)
        )
        best = None
        for candidate, _count in conn.execute(query).all():
            if candidate == exclude:
                continue
            other = near_duplicates.Sketch(
                [h for (h,) in conn.execute(select(sketches.c.hash).where(sketches.c.document_id == candidate))],
                conn.execute(select(documents.c.shingle_count).where(documents.c.id == candidate)).scalar() or 0,
            )
            similarity = near_duplicates.near_duplicate(doc_sketch, other)
            if similarity is not None and (best is None or similarity > best[1]):
                best = (candidate, similarity)
        return best

    def _insert_document(self, conn, doc: Document, sents, doc_sketch, found, found_mentions) -> int:
        doc_id = conn.execute(documents.insert().values(
            hash=doc.content_hash, title=doc.title, publisher=doc.publisher, author=doc.author,
            published=doc.published, language=doc.language, format=doc.format, text=doc.text,
            word_count=doc.word_count, body_word_count=doc.body_word_count, sentence_count=len(sents), shingle_count=doc_sketch.shingles,
            extra=json.dumps(doc.extra, ensure_ascii=False) if doc.extra else None, created_at=_now(),
        )).inserted_primary_key[0]
        _insert_rows(conn, sentences, ("document_id", "idx", "start", "end", "text"),
                     [(doc_id, s.index, s.start, s.end, s.text) for s in sents])
        _insert_rows(conn, sketches, ("document_id", "hash"), [(doc_id, h) for h in doc_sketch.hashes])
        self._write_facts(conn, doc_id, doc.content_hash, found, doc.text)
        self._write_mentions(conn, doc_id, found_mentions, sents)
        search.index_document(conn, doc_id, doc.title, doc.text)
        return doc_id

    def replace_facts(self, document_id: int, found: list[Fact], found_mentions: Sequence | None = None) -> int:
        """Atomically replace every fact (and, if given, every entity mention)
        of one document: what re-extraction does."""
        with self.engine.begin() as conn:
            row = conn.execute(select(documents.c.hash, documents.c.text)
                               .where(documents.c.id == document_id)).first()
            if row is None:
                raise NotFound(f"no document with id {document_id}")
            doc_hash, text = row
            merged.unlink_document(conn, document_id)
            old = select(facts.c.id).where(facts.c.document_id == document_id)
            conn.execute(evidence.delete().where(evidence.c.fact_id.in_(old)))
            conn.execute(facts.delete().where(facts.c.document_id == document_id))
            written = self._write_facts(conn, document_id, doc_hash, found, text)
            if found_mentions is not None:
                conn.execute(mentions.delete().where(mentions.c.document_id == document_id))
                sents = conn.execute(select(sentences.c.idx, sentences.c.start, sentences.c.end)
                                     .where(sentences.c.document_id == document_id)
                                     .order_by(sentences.c.idx)).all()
                self._write_mentions(conn, document_id, found_mentions,
                                     [Sentence(i, a, b, "") for i, a, b in sents])
            return written

    def _write_mentions(self, conn, doc_id: int, found_mentions: Sequence, sents: Sequence[Sentence]) -> None:
        if not found_mentions:
            return
        wanted = {m.entity: m for m in found_mentions}
        known = {row[0] for row in conn.execute(select(entities.c.id).where(entities.c.id.in_(list(wanted))))}
        new = [{"id": e, "name": m.name, "type": m.type, "country": m.country,
                "source": getattr(m, "source", "gazetteer")} for e, m in wanted.items() if e not in known]
        if new:
            conn.execute(entities.insert(), new)
        starts = [s.start for s in sents]
        rows = []
        for m in found_mentions:
            i = bisect.bisect_right(starts, m.start) - 1
            idx = sents[i].index if i >= 0 and m.start < sents[i].end else None
            rows.append((doc_id, m.entity, idx, m.start, m.end, m.text))
        _insert_rows(conn, mentions, ("document_id", "entity_id", "sentence_idx", "start", "end", "text"), rows)

    def _write_facts(self, conn, doc_id: int, doc_hash: str, found: list[Fact], text: str) -> int:
        rows, proofs, seen, kept = [], [], set(), []
        now = _now()
        for fact in found:
            fid = fact.fact_id(doc_hash)
            if fid in seen:
                continue
            seen.add(fid)
            kept.append((fid, fact))
            rows.append((fid, doc_id, fact.kind, fact.area, json.dumps(fact.fields, ensure_ascii=False),
                         fact.confidence, fact.extractor, now))
            ev = fact.evidence
            proofs.append((fid, doc_id, ev.sentence_idx, ev.start, ev.end, ev.quote))
        if rows:
            _insert_rows(conn, facts, ("id", "document_id", "kind", "area", "data", "confidence", "extractor",
                                       "created_at"), rows)
            _insert_rows(conn, evidence, ("fact_id", "document_id", "sentence_idx", "start", "end", "quote"), proofs)
            merged.link_reports(conn, [
                {"id": fid, "kind": f.kind, "fields": f.fields, "quote": f.evidence.quote,
                 "document_id": doc_id, "area": f.area, "start": f.evidence.start, "end": f.evidence.end,
                 "keys": f.extra.get("merge_keys"), "context": preceding_text(text, f.evidence.start)}
                for fid, f in kept])
        return len(rows)

    # -- reading -----------------------------------------------------------
    def _current_ids(self):
        """Documents that some location still shows (old versions excluded)."""
        return select(appearances.c.document_id).where(appearances.c.superseded_by.is_(None))

    def documents(self, include_superseded: bool = False) -> list[dict]:
        first_seen = (
            select(appearances.c.document_id, func.min(appearances.c.id).label("first"),
                   func.count().label("appearances"))
            .group_by(appearances.c.document_id).subquery()
        )
        query = (
            select(documents.c.id, documents.c.hash, documents.c.title, documents.c.publisher,
                   documents.c.author, documents.c.published, documents.c.language, documents.c.format,
                   documents.c.word_count, documents.c.body_word_count, documents.c.sentence_count,
                   appearances.c.name,
                   appearances.c.location, first_seen.c.appearances)
            .join(first_seen, first_seen.c.document_id == documents.c.id)
            .join(appearances, appearances.c.id == first_seen.c.first)
            .order_by(documents.c.id)
        )
        if not include_superseded:
            query = query.where(documents.c.id.in_(self._current_ids()))
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
            counts = dict(conn.execute(
                select(facts.c.document_id, func.count()).group_by(facts.c.document_id)).all())
        for row in rows:
            row["facts"] = counts.get(row["id"], 0)
            row["current"] = True if not include_superseded else None
        if include_superseded:
            current = self._current_set()
            for row in rows:
                row["current"] = row["id"] in current
        return rows

    def _current_set(self) -> set[int]:
        with self.engine.connect() as conn:
            return {r for (r,) in conn.execute(self._current_ids())}

    def resolve_ref(self, ref: str) -> int:
        """A document id from an id, a hash prefix (6+ hex digits), or a name/location."""
        ref = str(ref).strip()
        with self.engine.connect() as conn:
            if ref.isdigit():
                found = conn.execute(select(documents.c.id).where(documents.c.id == int(ref))).scalar()
                if found is not None:
                    return found
            if len(ref) >= 6 and all(c in "0123456789abcdef" for c in ref.lower()):
                ids = conn.execute(select(documents.c.id).where(documents.c.hash.startswith(ref.lower()))).all()
                if len(ids) == 1:
                    return ids[0][0]
            rows = conn.execute(
                select(appearances.c.document_id)
                .where((appearances.c.name == ref) | (appearances.c.location == ref))
                .order_by(appearances.c.superseded_by.is_(None).desc(), appearances.c.id.desc())
            ).all()
            if rows:
                return rows[0][0]
        raise NotFound(f"no document matches {ref!r} (use an id, a hash prefix or a file name)")

    def document(self, ref: str | int) -> dict:
        doc_id = self.resolve_ref(str(ref))
        with self.engine.connect() as conn:
            row = dict(conn.execute(select(documents).where(documents.c.id == doc_id)).mappings().one())
            row["extra"] = json.loads(row["extra"]) if row["extra"] else {}
            row["appearances"] = [dict(r) for r in conn.execute(
                select(appearances).where(appearances.c.document_id == doc_id).order_by(appearances.c.id)
            ).mappings()]
            row["facts"] = conn.execute(
                select(func.count()).select_from(facts).where(facts.c.document_id == doc_id)).scalar()
        row["current"] = any(a["superseded_by"] is None for a in row["appearances"])
        return row

    def sentences(self, ref: str | int) -> list[dict]:
        doc_id = self.resolve_ref(str(ref))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(
                select(sentences).where(sentences.c.document_id == doc_id).order_by(sentences.c.idx)
            ).mappings()]

    def search(self, query: str, limit: int = 20) -> list[dict]:
        with self.engine.connect() as conn:
            return search.search(conn, query, limit, current_only=self._current_ids())

    def appearance_names(self) -> dict[int, list[tuple[str, str]]]:
        """For each document, the (name, relation) of its current appearances, first seen first."""
        names: dict[int, list[tuple[str, str]]] = {}
        with self.engine.connect() as conn:
            rows = conn.execute(select(appearances.c.document_id, appearances.c.name, appearances.c.relation)
                                .where(appearances.c.superseded_by.is_(None)).order_by(appearances.c.id))
            for doc_id, name, relation in rows:
                seen = names.setdefault(doc_id, [])
                if name not in (n for n, _ in seen):
                    seen.append((name, relation))
        return names

    def facts(self, kind: str | None = None, include_superseded: bool = False) -> list[dict]:
        """Facts in the export shape of GUIDELINES.md, in document order; ``doc``
        is the name the document was first seen under."""
        first = (select(appearances.c.document_id, func.min(appearances.c.id).label("first"))
                 .group_by(appearances.c.document_id).subquery())
        query = (
            select(facts.c.id, facts.c.kind, facts.c.area, facts.c.data, facts.c.confidence,
                   facts.c.document_id, evidence.c.start, evidence.c.end, evidence.c.quote,
                   evidence.c.sentence_idx, appearances.c.name)
            .join(evidence, evidence.c.fact_id == facts.c.id)
            .join(first, first.c.document_id == facts.c.document_id)
            .join(appearances, appearances.c.id == first.c.first)
            .order_by(facts.c.document_id, evidence.c.start, facts.c.kind, facts.c.id)
        )
        if kind:
            query = query.where(facts.c.kind == kind)
        if not include_superseded:
            query = query.where(facts.c.document_id.in_(self._current_ids()))
        out = []
        with self.engine.connect() as conn:
            for row in conn.execute(query).mappings():
                record = {"kind": row["kind"], "doc": row["name"], "quote": row["quote"]}
                record.update(json.loads(row["data"]))
                record.update({"area": row["area"], "start": row["start"], "end": row["end"],
                               "id": row["id"], "confidence": row["confidence"],
                               "document_id": row["document_id"], "sentence": row["sentence_idx"]})
                out.append(record)
        return out

    # -- knowledge: merged facts, series, conflicts, sources, entities -------
    def merged_facts(self, kind: str | None = None, area: str | None = None) -> list[dict]:
        """Facts merged across documents, each with its supporting reports."""
        return knowledge.merged_facts(self, kind, area)

    def merged_outline(self, kind: str | None = None) -> list[dict]:
        """Like :meth:`merged_facts`, faster on a large store, but its reports
        lack ``fields`` and ``quote``: :meth:`report_details` adds them."""
        return knowledge.merged_outline(self, kind)

    def report_details(self, reports: list[dict], fields: bool = True) -> None:
        """Add ``quote`` and ``sentence_idx`` and, unless ``fields`` is False, ``fields`` and
        ``reason`` to outline reports, in place."""
        knowledge.report_details(self, reports, fields)

    def merged_fact(self, ref: str) -> dict:
        """One merged fact by id prefix (or the id of one of its reports)."""
        return knowledge.merged_fact(self, ref)

    def figure_series(self, area: str | None = None, measure: str | None = None):
        """Figures per measure over time, the latest marked current."""
        return knowledge.figure_series(self, area, measure)

    def conflicts(self):
        """Figures for the same measure and period that cannot both be true."""
        return knowledge.conflicts(self)

    def source_profiles(self, by: str = "document") -> list[dict]:
        """Specificity, hedging, corroboration and unique facts per document or publisher."""
        return knowledge.source_profiles(self, by)

    def entities(self, type: str | None = None) -> list[dict]:
        return knowledge.entity_list(self, type)

    def entity(self, name: str) -> dict:
        return knowledge.entity_detail(self, name)

    def stats(self) -> dict:
        current = self._current_ids()
        with self.engine.connect() as conn:
            def count(table, *where):
                q = select(func.count()).select_from(table)
                for w in where:
                    q = q.where(w)
                return conn.execute(q).scalar() or 0

            by_kind = dict(conn.execute(
                select(facts.c.kind, func.count()).where(facts.c.document_id.in_(current))
                .group_by(facts.c.kind)).all())
            by_lang = dict(conn.execute(
                select(documents.c.language, func.count()).where(documents.c.id.in_(current))
                .group_by(documents.c.language)).all())
            by_relation = dict(conn.execute(
                select(appearances.c.relation, func.count()).group_by(appearances.c.relation)).all())
            return {
                "database": self.db,
                "schema_version": self._version(conn),
                "documents": count(documents, documents.c.id.in_(current)),
                "superseded_versions": count(documents, documents.c.id.not_in(current)),
                "appearances": count(appearances),
                "appearances_by_relation": by_relation,
                "sentences": count(sentences, sentences.c.document_id.in_(current)),
                "words": conn.execute(select(func.coalesce(func.sum(documents.c.word_count), 0))
                                      .where(documents.c.id.in_(current))).scalar(),
                "facts": sum(by_kind.values()),
                "facts_by_kind": {k: by_kind.get(k, 0) for k in ("figure", "agreement", "transfer", "event")},
                "languages": {str(k): v for k, v in by_lang.items()},
            }


class BatchWriter:
    """Adds documents for one ingest run with few commits, each document still
    all-or-nothing.

    Documents go into a shared transaction, each inside its own savepoint: a
    document that fails to write is rolled back alone, the ones before it are
    committed, and the error is raised. The transaction is committed every
    ``max_documents`` documents, when it is ``max_seconds`` old, on
    :meth:`flush` (call it before waiting for more input) and on close, so an
    interrupted run still leaves every document either fully stored or absent,
    and loses at most the last uncommitted batch. A commit per document costs
    more than writing a typical document: the full-text index flushes its
    segment and the write-ahead log rewrites the shared index pages each time.
    """

    def __init__(self, store: Store, max_documents: int = 128, max_seconds: float = 3.0):
        self.store = store
        self.max_documents = max(1, max_documents)
        self.max_seconds = max_seconds
        self._conn: Connection | None = None
        self._tx = None
        self._pending = 0
        self._since = 0.0

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def add_document(self, doc: Document, sents: list[Sentence], found: list[Fact],
                     found_mentions: Sequence = (), sketch: near_duplicates.Sketch | None = None) -> AddResult:
        """Like :meth:`Store.add_document`; visible to other connections once committed."""
        if self._tx is None:
            self._begin()
        try:
            with self._conn.begin_nested():
                result = self.store._add(self._conn, doc, sents, found, found_mentions, sketch)
        except BaseException:
            self.commit()  # keep the documents written before this one
            raise
        self._pending += 1
        if self._pending >= self.max_documents or time.monotonic() - self._since >= self.max_seconds:
            self.commit()
        return result

    def seconds_left(self) -> float | None:
        """How long the pending documents may wait for their commit (None: none pending)."""
        if self._tx is None:
            return None
        return max(0.0, self._since + self.max_seconds - time.monotonic())

    def flush(self) -> None:
        """Commit what is pending: call before a wait that may be long."""
        self.commit()

    def commit(self) -> None:
        tx, self._tx, self._pending = self._tx, None, 0
        if tx is not None:
            tx.commit()
        if self.max_documents == 1:
            self._close_connection()  # (in-memory: the pool hands this connection to readers too)

    def close(self) -> None:
        try:
            self.commit()
        finally:
            self._close_connection()  # (after a failed commit, this rolls back)

    def _close_connection(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()

    def _begin(self) -> None:
        if self._conn is None:
            self._conn = self.store.engine.connect()
        self._tx = self._conn.begin()
        if self.store.is_sqlite:
            # pysqlite defers BEGIN to the first write, so the first savepoint would
            # otherwise open (and its release commit) the transaction. IMMEDIATE: take
            # the write lock now (waiting busy_timeout for it) rather than fail to
            # upgrade a read snapshot later if another process writes in between.
            self._conn.exec_driver_sql("BEGIN IMMEDIATE")
        self._since = time.monotonic()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # 64 MB of page cache (the default is 2 MB): writing a document updates
    # indexes keyed by hashes, that is pages all over the file.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()
