"""Merged facts in the store: linking reports as they arrive, and reading
facts with their corroboration, figure series, conflicts and source profiles.

Linking is incremental: a new report looks up merged facts by its key (an
indexed column) and joins the first compatible one, or starts a new one.
Series, conflicts and profiles are computed when asked, from the links.

Each merged fact also keeps a *summary* (JSON: its own fields, area and
documents) and its reports' *outlines* (JSON: each report's id, document,
span, publication date, area and the fields the merged fact's own are built
from, in reading order). Linking keeps both up to date, so :func:`outline`
gives every merged fact from one table, without reading every report.
"""
from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence

import orjson
from sqlalchemy import and_, bindparam, delete, exists, select
from sqlalchemy.engine import Connection

from bilat.bulk import without_gc
from bilat.resolve import merge
from bilat.resolve.measures import preceding_text

from .schema import appearances, documents, evidence, fact_merges, facts, merged_facts


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def link_reports(conn: Connection, rows: list[dict]) -> None:
    """Join each new report to a merged fact. A row has the report's ``id``,
    ``kind``, ``fields``, ``quote``, ``document_id``, ``area``, ``start``,
    ``end`` and either ``keys`` (from merge.keys_for) or ``context`` (the text
    before the quote) to compute them.

    One query fetches the candidates for all of a document's keys and the
    links are written in two batched inserts, so adding a document costs a
    few statements whatever the size of the store.
    """
    keyed = []
    for row in rows:
        report = merge.report_of(row["kind"], row["fields"], row.get("quote", ""))
        key, series = row.get("keys") or merge.keys_for(row["kind"], row["fields"], row.get("quote", ""),
                                                         row.get("context"))
        keyed.append((row, report, key, series))
    candidates: dict[str, list[dict]] = defaultdict(list)
    wanted = sorted({k for _, _, key, _ in keyed for k in (key.value, *key.alternates)})
    for chunk in (wanted[i:i + 500] for i in range(0, len(wanted), 500)):
        # Ordered by id, not by time: which fact a report joins never depends on the clock.
        for r in conn.execute(select(merged_facts.c.id, merged_facts.c.key, merged_facts.c.data,
                                     merged_facts.c.summary, merged_facts.c.outlines)
                              .where(merged_facts.c.key.in_(chunk)).order_by(merged_facts.c.id)).mappings():
            kept = None  # None: left for rebuild_summaries
            if r["summary"] and r["outlines"]:
                kept = {"base": orjson.loads(r["summary"])["fields"], "reports": orjson.loads(r["outlines"])}
            candidates[r["key"]].append({"id": r["id"], "fields": json.loads(r["data"]), "summary": kept})
    published = _published_of(conn, {row["document_id"] for row in rows})
    new_facts, links, widened, summarised = [], [], {}, {}
    for row, report, key, (series, series_label) in keyed:
        target, reason = None, None
        for candidate in (c for k in (key.value, *key.alternates) for c in candidates[k]):
            ok, why = merge.compatible({"kind": report["kind"], **candidate["fields"]}, report)
            if ok:
                target, reason = candidate["id"], why
                if report["kind"] == "figure":  # remember the range of values joined so far
                    fields, value = candidate["fields"], float(report.get("value") or 0)
                    fields["_min"] = min(float(fields.get("_min", fields.get("value") or 0)), value)
                    fields["_max"] = max(float(fields.get("_max", fields.get("value") or 0)), value)
                    widened[target] = fields
                if candidate["summary"] is not None:  # None: left for rebuild_summaries
                    _add_outline(candidate["summary"], row, published.get(row["document_id"]))
                    summarised[target] = (report["kind"], candidate["summary"])
                break
        if target is None:
            target = hashlib.sha256(f"{key.value}|{row['id']}".encode()).hexdigest()
            fields = {**row["fields"], "_quote": row.get("quote", "")}
            summary = _add_outline({"base": {}, "reports": []}, row, published.get(row["document_id"]))
            new_facts.append({"id": target, "kind": report["kind"], "key": key.value, "label": key.description,
                              "series": series, "series_label": series_label,
                              "data": fields, "summary": summary, "created_at": _now()})
            candidates[key.value].append({"id": target, "fields": fields, "summary": summary})
            reason = "first report of this fact"
        links.append({"fact_id": row["id"], "merged_id": target, "reason": reason})
    if new_facts:  # dumped only now: later rows of this batch may have joined them
        conn.execute(merged_facts.insert(), [
            {**f, "data": _dumps(f["data"]), **_stored(f["kind"], f["summary"])} for f in new_facts])
    new_ids = {f["id"] for f in new_facts}
    for merged_id in (widened.keys() | summarised.keys()) - new_ids:
        values = _stored(*summarised[merged_id]) if merged_id in summarised else {}
        if merged_id in widened:
            values["data"] = _dumps(widened[merged_id])
        conn.execute(merged_facts.update().where(merged_facts.c.id == merged_id).values(**values))
    if links:
        conn.execute(fact_merges.insert(), links)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _published_of(conn: Connection, document_ids) -> dict[int, str | None]:
    ids = sorted(d for d in document_ids if d is not None)
    return {d: p for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500))
            for d, p in conn.execute(select(documents.c.id, documents.c.published).where(documents.c.id.in_(chunk)))}


# An outline: [report id, document, start, end, published, area, date, as_of, status].
_FACT, _DOC, _START, _END, _PUBLISHED, _AREA, _DATE, _AS_OF, _STATUS = range(9)


def _reading_order(o: list) -> tuple:
    """The order ``reports`` returns: undated documents first, then by date, document and position."""
    return (o[_PUBLISHED] is not None, o[_PUBLISHED] or "", o[_DOC], o[_START])


def _outline_of(row: dict, published: str | None) -> list:
    f = row["fields"]
    return [row["id"], row["document_id"], row["start"], row["end"], published, row.get("area"),
            f.get("date"), f.get("as_of"), f.get("status")]


def _add_outline(kept: dict, row: dict, published: str | None) -> dict:
    """Add one report to a merged fact's outlines, in reading order. ``kept["base"]``
    holds the fields the fact's own are built from: the first report's."""
    o = _outline_of(row, published)
    outlines = kept["reports"]
    at = bisect.bisect_right([_reading_order(x) for x in outlines], _reading_order(o))
    outlines.insert(at, o)
    if at == 0:
        kept["base"] = dict(row["fields"])
    return kept


def _stored(kind: str, kept: dict) -> dict[str, str]:
    """The ``summary`` and ``outlines`` columns of a merged fact."""
    outlines = kept["reports"]
    summary = {"fields": _represented(kind, kept["base"], ((o[_DATE], o[_AS_OF], o[_STATUS]) for o in outlines)),
               "area": outlines[0][_AREA],
               "documents": list(dict.fromkeys(o[_DOC] for o in outlines))}
    return {"summary": _dumps(summary), "outlines": _dumps(outlines)}


def _represented(kind: str, base: dict, stated) -> dict:
    """A merged fact's own fields: the first report's (``base``), with the most specific
    date and, for transfers, the furthest status that any report states; ``stated`` holds
    each report's (date, as_of, status)."""
    stated = list(stated)
    fields = dict(base)
    for name, at in (("as_of", 1), ("date", 0)):
        dates = [s[at] for s in stated if s[at]]
        if dates:
            fields[name] = max(dates, key=_specificity)
    if kind == "transfer":
        statuses = [s[2] for s in stated if s[2] in _STATUS_ORDER]
        if statuses:
            fields["status"] = max(statuses, key=_STATUS_ORDER.index)
    return fields


def rebuild_summaries(conn: Connection, merged_ids=None) -> None:
    """Summaries and outlines of these merged facts (all when None) from their reports, in any document."""
    every = select(documents.c.id)
    if merged_ids is None:
        chunks = [None]
    else:
        ids = sorted(merged_ids)
        chunks = [ids[i:i + 500] for i in range(0, len(ids), 500)]
    for chunk in chunks:
        built: dict[str, tuple[str, dict]] = {}
        for r in reports(conn, every, merged_ids=chunk):  # already in reading order
            row = {"id": r["fact_id"], "document_id": r["document_id"], "start": r["start"], "end": r["end"],
                   "area": r["area"], "fields": r["fields"]}
            _, kept = built.setdefault(r["merged_id"], (r["kind"], {"base": dict(r["fields"]), "reports": []}))
            kept["reports"].append(_outline_of(row, r["published"]))
        if built:
            conn.execute(merged_facts.update().where(merged_facts.c.id == bindparam("mid"))
                         .values(summary=bindparam("new_summary"), outlines=bindparam("new_outlines")),
                         [{"mid": mid, **{f"new_{k}": v for k, v in _stored(kind, kept).items()}}
                          for mid, (kind, kept) in built.items()])


def unlink_document(conn: Connection, document_id: int) -> None:
    """Forget a document's reports (before re-extraction); drop merged facts left without any."""
    touched = [r for (r,) in conn.execute(
        select(fact_merges.c.merged_id).join(facts, facts.c.id == fact_merges.c.fact_id)
        .where(facts.c.document_id == document_id))]
    conn.execute(delete(fact_merges).where(
        fact_merges.c.fact_id.in_(select(facts.c.id).where(facts.c.document_id == document_id))))
    if touched:
        orphan = ~exists().where(fact_merges.c.merged_id == merged_facts.c.id)
        conn.execute(delete(merged_facts).where(and_(merged_facts.c.id.in_(touched), orphan)))
        rebuild_summaries(conn, set(touched))


def relink_all(conn: Connection) -> None:
    """Link every stored report (used when the merged tables are created)."""
    texts = dict(conn.execute(select(documents.c.id, documents.c.text)).all())
    rows = [{"id": r.id, "kind": r.kind, "fields": json.loads(r.data), "quote": r.quote,
             "document_id": r.document_id, "area": r.area, "start": r.start, "end": r.end,
             "context": preceding_text(texts.get(r.document_id, ""), r.start)}
            for r in conn.execute(select(facts.c.id, facts.c.kind, facts.c.data, facts.c.document_id, facts.c.area,
                                         evidence.c.quote, evidence.c.start, evidence.c.end)
                                  .join(evidence, evidence.c.fact_id == facts.c.id).order_by(facts.c.document_id))]
    link_reports(conn, rows)


# -- reading ----------------------------------------------------------------

@without_gc
def reports(conn: Connection, current_ids, kind: str | None = None, merged_id: str | None = None,
            merged_ids: list[str] | None = None) -> list[dict]:
    """Every report of current documents with its merged fact, source and evidence,
    ordered by publication date, document and position.

    Each table is read once and joined here: on a large store that is several
    times faster than SQLite joining on the text ids.
    """
    current = {d for (d,) in conn.execute(current_ids)}
    fact_query = select(facts.c.id, facts.c.kind, facts.c.data, facts.c.area, facts.c.document_id)
    link_query = select(fact_merges.c.fact_id, fact_merges.c.merged_id, fact_merges.c.reason)
    evidence_query = select(evidence.c.fact_id, evidence.c.quote, evidence.c.start, evidence.c.end,
                            evidence.c.sentence_idx)
    if kind:
        fact_query = fact_query.where(facts.c.kind == kind)
    if merged_id or merged_ids:
        which = fact_merges.c.merged_id == merged_id if merged_id else fact_merges.c.merged_id.in_(merged_ids)
        chosen = select(fact_merges.c.fact_id).where(which)
        fact_query = fact_query.where(facts.c.id.in_(chosen))
        link_query = link_query.where(which)
        evidence_query = evidence_query.where(evidence.c.fact_id.in_(chosen))
    found = {fid: (k, data, area, doc) for fid, k, data, area, doc in conn.execute(fact_query).all() if doc in current}
    links = {fid: (mid, reason) for fid, mid, reason in conn.execute(link_query).all() if fid in found}
    docs = {doc_id: (publisher, published, title) for doc_id, publisher, published, title in conn.execute(
        select(documents.c.id, documents.c.publisher, documents.c.published, documents.c.title)
        .where(documents.c.id.in_(current_ids)))}
    names: dict[int, str] = {}
    for doc_id, name in conn.execute(select(appearances.c.document_id, appearances.c.name)
                                     .where(appearances.c.relation == "original").order_by(appearances.c.id)):
        names.setdefault(doc_id, name)
    out = []
    for fid, quote, start, end, sentence_idx in conn.execute(evidence_query).all():
        if fid not in links:
            continue
        k, data, area, doc_id = found[fid]
        mid, reason = links[fid]
        publisher, published, title = docs[doc_id]
        out.append({"merged_id": mid, "reason": reason, "fact_id": fid, "kind": k, "fields": json.loads(data),
                    "area": area, "document_id": doc_id, "publisher": publisher, "published": published,
                    "title": title, "name": names.get(doc_id), "quote": quote, "start": start, "end": end,
                    "sentence_idx": sentence_idx})
    # SQL's order: undated documents first, then by date, document and position
    out.sort(key=lambda r: (r["published"] is not None, r["published"] or "", r["document_id"], r["start"]))
    return out


@without_gc
def merged(conn: Connection, current_ids, kind: str | None = None, merged_id: str | None = None,
           merged_ids: list[str] | None = None) -> list[dict]:
    """Merged facts with their supporting reports, most corroborated first."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for report in reports(conn, current_ids, kind, merged_id, merged_ids):
        grouped[report["merged_id"]].append(report)
    if not grouped:
        return []
    head_query = select(merged_facts.c.id, merged_facts.c.kind, merged_facts.c.label, merged_facts.c.key,
                        merged_facts.c.series, merged_facts.c.series_label)
    if merged_id:
        head_query = head_query.where(merged_facts.c.id == merged_id)
    elif merged_ids:
        head_query = head_query.where(merged_facts.c.id.in_(merged_ids))
    elif kind:
        head_query = head_query.where(merged_facts.c.kind == kind)
    heads = {row[0]: row for row in conn.execute(head_query).all() if row[0] in grouped}
    out = []
    for mid, reps in grouped.items():
        _, head_kind, label, key, series, series_label = heads[mid]
        fields = _representative(head_kind, [r["fields"] for r in reps])
        documents_seen = {r["document_id"] for r in reps}
        out.append({
            "id": mid, "kind": head_kind, "label": label, "key": key,
            "series": series, "series_label": series_label,
            "area": reps[0]["area"], "fields": fields,
            "sources": len(documents_seen), "reports": reps,
        })
    out.sort(key=lambda m: (-m["sources"], m["kind"], m["label"], m["id"]))
    return out


@without_gc
def outline(conn: Connection, current_ids, kind: str | None = None) -> list[dict]:
    """Merged facts as :func:`merged` gives them, read from their summaries,
    but each report has only its ``merged_id``, ``fact_id``, ``document_id``,
    the document's ``published`` date, and its span (``start``, ``end``):
    :func:`details` adds its quote and fields where needed (the few facts with
    a source superseded by a newer version are built from their reports, and
    have everything). Each fact also has its ``documents``, a frozenset, and
    its reports are read from their outlines only when first used. Fast on a
    large store: one row per merged fact, no join.
    """
    current = dict(conn.execute(select(documents.c.id, documents.c.published)
                                .where(documents.c.id.in_(current_ids))).all())
    query = select(merged_facts.c.id, merged_facts.c.kind, merged_facts.c.label, merged_facts.c.key,
                   merged_facts.c.series, merged_facts.c.series_label, merged_facts.c.summary,
                   merged_facts.c.outlines)
    if kind:
        query = query.where(merged_facts.c.kind == kind)
    # SQLite sorts the text columns (its byte order of UTF-8 is Python's order of strings);
    # a stable sort by support then leaves the order merged() gives
    query = query.order_by(merged_facts.c.kind, merged_facts.c.label, merged_facts.c.id)
    out, stale = [], []
    for mid, head_kind, label, key, series, series_label, summary, outlines in conn.execute(query).all():
        if summary is None or outlines is None:
            stale.append(mid)
            continue
        summary = orjson.loads(summary)
        seen = summary["documents"]
        shown = sum(d in current for d in seen) if len(seen) > 1 else seen[0] in current
        if shown < len(seen):
            if shown:
                stale.append(mid)  # an old version among its sources: built from the current ones
            continue
        out.append({"id": mid, "kind": head_kind, "label": label, "key": key, "series": series,
                    "series_label": series_label, "area": summary["area"], "fields": summary["fields"],
                    "sources": len(seen), "documents": frozenset(seen),
                    "reports": OutlinedReports(mid, outlines, current)})
    for chunk in (stale[i:i + 500] for i in range(0, len(stale), 500)):
        out += ({**m, "documents": frozenset(r["document_id"] for r in m["reports"])}
                for m in merged(conn, current_ids, merged_ids=chunk))
    if stale or conn.dialect.name != "sqlite":  # other databases may collate text otherwise
        out.sort(key=lambda m: (m["kind"], m["label"], m["id"]))
    out.sort(key=lambda m: -m["sources"])
    return out


class OutlinedReports(Sequence):
    """A merged fact's reports as :func:`outline` gives them, made from the
    stored outlines the first time they are used: a brief reads the reports of
    only some of many facts."""

    __slots__ = ("_merged_id", "_outlines", "_published", "_reports")

    def __init__(self, merged_id: str, outlines: str, published: dict):
        self._merged_id, self._outlines, self._published, self._reports = merged_id, outlines, published, None

    def _made(self) -> list[dict]:
        if self._reports is None:
            mid, published = self._merged_id, self._published
            self._reports = [{"merged_id": mid, "fact_id": o[_FACT], "document_id": o[_DOC],
                              "published": published[o[_DOC]], "start": o[_START], "end": o[_END]}
                             for o in orjson.loads(self._outlines)]
            self._outlines = None
        return self._reports

    def __getitem__(self, index):
        return self._made()[index]

    def __len__(self) -> int:
        return len(self._made())

    def __iter__(self):
        return iter(self._made())

    def __repr__(self) -> str:
        return repr(self._made())


_DETAILS_SCAN = 5000  # from this many reports on, details() reads the whole table once


def details(conn: Connection, reports: list[dict], fields: bool = True) -> None:
    """Add each report's ``quote`` and ``sentence_idx`` where missing (in place)
    and, unless ``fields`` is False, its ``fields`` and ``reason``."""
    def wanting(name: str) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = defaultdict(list)
        for r in reports:
            if name not in r:
                found[r["fact_id"]].append(r)
        return found

    for name, query in (("quote", select(evidence.c.fact_id, evidence.c.quote, evidence.c.sentence_idx)),
                        ("fields", select(facts.c.id, facts.c.data, fact_merges.c.reason)
                         .join(fact_merges, fact_merges.c.fact_id == facts.c.id))):
        if name == "fields" and not fields:
            break
        missing = wanting(name)
        ids = sorted(missing)
        key = query.selected_columns[0]
        # many reports: one pass over the table beats looking each up by its text id
        chunks = [None] if len(ids) > _DETAILS_SCAN else (ids[i:i + 500] for i in range(0, len(ids), 500))
        for chunk in chunks:
            for fid, a, b in conn.execute(query if chunk is None else query.where(key.in_(chunk))):
                if fid not in missing:
                    continue
                found = {"quote": a, "sentence_idx": b} if name == "quote" else {"fields": json.loads(a), "reason": b}
                for r in missing[fid]:
                    r.update(found)


_STATUS_ORDER = ("declined", "in_talks", "committed", "delivered")  # a transfer's furthest status wins


def _specificity(date) -> tuple:
    return (len(str(date)), str(date))


def _representative(kind: str, reports: list[dict]) -> dict:
    """The merged fact's fields from its reports' fields, in reading order."""
    return _represented(kind, reports[0], ((r.get("date"), r.get("as_of"), r.get("status")) for r in reports))
