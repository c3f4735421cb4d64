"""Read-side of reconciliation: merged facts, series, conflicts, sources, entities.

Functions of a :class:`~bilat.store.Store`, which exposes each as a method.
"""
from __future__ import annotations

from sqlalchemy import func, select

from bilat.errors import NotFound, QueryError
from bilat.resolve import profiles
from bilat.resolve.series import build_series, find_conflicts
from bilat.extract import AREAS, KINDS

from . import merged
from .schema import appearances, entities, mentions, sentences


def merged_facts(store, kind: str | None = None, area: str | None = None) -> list[dict]:
    if kind is not None and kind not in KINDS:
        raise QueryError(f"unknown kind {kind!r}; choose one of: {', '.join(KINDS)}")
    with store.engine.connect() as conn:
        found = merged.merged(conn, store._current_ids(), kind)
    return [m for m in found if area is None or m["area"] == area]


def merged_outline(store, kind: str | None = None) -> list[dict]:
    if kind is not None and kind not in KINDS:
        raise QueryError(f"unknown kind {kind!r}; choose one of: {', '.join(KINDS)}")
    with store.engine.connect() as conn:
        return merged.outline(conn, store._current_ids(), kind)


def report_details(store, reports: list[dict], fields: bool = True) -> None:
    with store.engine.connect() as conn:
        merged.details(conn, reports, fields)


def merged_fact(store, ref: str) -> dict:
    ref = ref.strip().lower()
    if len(ref) < 6:
        raise QueryError("give at least 6 characters of a fact id")
    with store.engine.connect() as conn:
        from .schema import merged_facts as table, fact_merges

        ids = [r for (r,) in conn.execute(select(table.c.id).where(table.c.id.startswith(ref)))]
        if not ids:  # a report id leads to its merged fact
            ids = [r for (r,) in conn.execute(
                select(fact_merges.c.merged_id).where(fact_merges.c.fact_id.startswith(ref)))]
        ids = sorted(set(ids))
        if len(ids) != 1:
            raise NotFound(f"no fact matches {ref!r}" if not ids else f"{ref!r} matches {len(ids)} facts")
        found = merged.merged(conn, store._current_ids(), merged_id=ids[0])
    if not found:
        raise NotFound(f"fact {ref!r} has no report in a current document")
    return found[0]


def figure_series(store, area: str | None = None, measure: str | None = None):
    if area is not None and area not in AREAS:
        raise QueryError(f"unknown area {area!r}; choose one of: {', '.join(AREAS)}")
    series = build_series(merged_facts(store, "figure"))
    if area:
        series = [s for s in series if s.area == area]
    if measure:
        needle = measure.lower()
        series = [s for s in series if needle in s.label.lower() or needle in s.key.lower()]
    return series


def conflicts(store):
    return find_conflicts(build_series(merged_facts(store, "figure")))


def source_profiles(store, by: str = "document") -> list[dict]:
    if by not in ("document", "publisher"):
        raise QueryError("profiles are by 'document' or 'publisher'")
    docs = profiles.document_profiles(store.documents(), merged_facts(store))
    return docs if by == "document" else profiles.publisher_profiles(docs)


def entity_list(store, type: str | None = None) -> list[dict]:
    current = store._current_ids()
    with store.engine.connect() as conn:
        query = (
            select(entities.c.id, entities.c.name, entities.c.type, entities.c.country, entities.c.source,
                   func.count(mentions.c.id).label("mentions"),
                   func.count(func.distinct(mentions.c.document_id)).label("documents"))
            .join(mentions, mentions.c.entity_id == entities.c.id)
            .where(mentions.c.document_id.in_(current))
            .group_by(entities.c.id)
            .order_by(func.count(func.distinct(mentions.c.document_id)).desc(), entities.c.name)
        )
        if type:
            query = query.where(entities.c.type == type)
        return [dict(r) for r in conn.execute(query).mappings()]


def entity_types(store) -> dict[str, str]:
    """Each known entity's canonical name and type (what wording a fact needs)."""
    with store.engine.connect() as conn:
        return dict(conn.execute(select(entities.c.name, entities.c.type)).all())


def entity_detail(store, name: str) -> dict:
    """An entity by id, name or any surface form seen in a document."""
    needle = name.strip()
    current = store._current_ids()
    with store.engine.connect() as conn:
        row = conn.execute(select(entities).where(
            (func.lower(entities.c.id) == needle.lower()) | (func.lower(entities.c.name) == needle.lower())
        )).mappings().first()
        if row is None:
            found = conn.execute(select(mentions.c.entity_id).where(func.lower(mentions.c.text) == needle.lower())
                                 .limit(1)).scalar()
            row = conn.execute(select(entities).where(entities.c.id == found)).mappings().first() if found else None
        if row is None:
            raise NotFound(f"no entity named {name!r} (try `bilat entities`)")
        first = (select(appearances.c.document_id, func.min(appearances.c.name).label("name"))
                 .group_by(appearances.c.document_id).subquery())
        rows = conn.execute(
            select(mentions.c.document_id, mentions.c.start, mentions.c.end, mentions.c.text,
                   mentions.c.sentence_idx, sentences.c.text.label("sentence"), first.c.name.label("doc"))
            .outerjoin(sentences, (sentences.c.document_id == mentions.c.document_id)
                       & (sentences.c.idx == mentions.c.sentence_idx))
            .join(first, first.c.document_id == mentions.c.document_id)
            .where(mentions.c.entity_id == row["id"], mentions.c.document_id.in_(current))
            .order_by(mentions.c.document_id, mentions.c.start)
        ).mappings().all()
    detail = dict(row)
    detail["mentions"] = [dict(r) for r in rows]
    detail["aliases"] = sorted({r["text"] for r in rows})
    docs = {r["document_id"]: r["doc"] for r in rows}
    detail["documents"] = [{"document_id": k, "name": v} for k, v in docs.items()]
    spans = {(r["document_id"], r["sentence_idx"]) for r in rows}
    detail["facts"] = [
        {"id": m["id"], "kind": m["kind"], "label": m["label"], "sources": m["sources"]}
        for m in merged_facts(store)
        if any((r["document_id"], r["sentence_idx"]) in spans for r in m["reports"])
    ]
    return detail
