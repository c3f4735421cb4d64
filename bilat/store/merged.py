"""Merged facts in the store: linking reports as they arrive, and reading
facts with their corroboration, figure series, conflicts and source profiles.

Linking is incremental: a new report looks up merged facts by its key (an
indexed column) and joins the first compatible one, or starts a new one.
Series, conflicts and profiles are computed when asked, from the links.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict

from sqlalchemy import and_, delete, exists, select
from sqlalchemy.engine import Connection

from bilat.bulk import without_gc
from bilat.resolve import merge
from bilat.resolve.measures import preceding_text

from .schema import appearances, documents, evidence, fact_merges, facts, merged_facts


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def link_reports(conn: Connection, rows: list[dict]) -> None:
    """Join each new report to a merged fact. A row has the report's ``id``,
    ``kind``, ``fields``, ``quote`` and either ``keys`` (from merge.keys_for)
    or ``context`` (the text before the quote) to compute them.

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
        for r in conn.execute(select(merged_facts.c.id, merged_facts.c.key, merged_facts.c.data)
                              .where(merged_facts.c.key.in_(chunk)).order_by(merged_facts.c.id)).mappings():
            candidates[r["key"]].append({"id": r["id"], "fields": json.loads(r["data"])})
    new_facts, links, widened = [], [], {}
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
                break
        if target is None:
            target = hashlib.sha256(f"{key.value}|{row['id']}".encode()).hexdigest()
            fields = {**row["fields"], "_quote": row.get("quote", "")}
            new_facts.append({"id": target, "kind": report["kind"], "key": key.value, "label": key.description,
                              "series": series, "series_label": series_label,
                              "data": fields, "created_at": _now()})
            candidates[key.value].append({"id": target, "fields": fields})
            reason = "first report of this fact"
        links.append({"fact_id": row["id"], "merged_id": target, "reason": reason})
    if new_facts:
        conn.execute(merged_facts.insert(), [
            {**f, "data": json.dumps(f["data"], ensure_ascii=False)} for f in new_facts])
    new_ids = {f["id"] for f in new_facts}
    for merged_id, fields in widened.items():
        if merged_id not in new_ids:
            conn.execute(merged_facts.update().where(merged_facts.c.id == merged_id)
                         .values(data=json.dumps(fields, ensure_ascii=False)))
    if links:
        conn.execute(fact_merges.insert(), links)


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


def relink_all(conn: Connection) -> None:
    """Link every stored report (used when the merged tables are created)."""
    texts = dict(conn.execute(select(documents.c.id, documents.c.text)).all())
    rows = [{"id": r.id, "kind": r.kind, "fields": json.loads(r.data), "quote": r.quote,
             "context": preceding_text(texts.get(r.document_id, ""), r.start)}
            for r in conn.execute(select(facts.c.id, facts.c.kind, facts.c.data, facts.c.document_id,
                                         evidence.c.quote, evidence.c.start)
                                  .join(evidence, evidence.c.fact_id == facts.c.id).order_by(facts.c.document_id))]
    link_reports(conn, rows)


# -- reading ----------------------------------------------------------------

@without_gc
def reports(conn: Connection, current_ids, kind: str | None = None, merged_id: str | None = None) -> list[dict]:
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
    if merged_id:
        chosen = select(fact_merges.c.fact_id).where(fact_merges.c.merged_id == merged_id)
        fact_query = fact_query.where(facts.c.id.in_(chosen))
        link_query = link_query.where(fact_merges.c.merged_id == merged_id)
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
def merged(conn: Connection, current_ids, kind: str | None = None, merged_id: str | None = None) -> list[dict]:
    """Merged facts with their supporting reports, most corroborated first."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for report in reports(conn, current_ids, kind, merged_id):
        grouped[report["merged_id"]].append(report)
    if not grouped:
        return []
    head_query = select(merged_facts.c.id, merged_facts.c.kind, merged_facts.c.label, merged_facts.c.key,
                        merged_facts.c.series, merged_facts.c.series_label)
    if merged_id:
        head_query = head_query.where(merged_facts.c.id == merged_id)
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
    out.sort(key=lambda m: (-m["sources"], m["kind"], m["label"]))
    return out


def _representative(kind: str, reports: list[dict]) -> dict:
    """The merged fact's fields: the most specific date and, for transfers,
    the furthest status any report gives."""
    fields = dict(reports[0])
    for name in ("as_of", "date"):
        dates = [r.get(name) for r in reports if r.get(name)]
        if dates:
            fields[name] = max(dates, key=lambda d: (len(str(d)), str(d)))
    if kind == "transfer":
        order = ["declined", "in_talks", "committed", "delivered"]
        statuses = [r.get("status") for r in reports if r.get("status") in order]
        if statuses:
            fields["status"] = max(statuses, key=order.index)
    return fields
