"""Facts out, in the record shape of GUIDELINES.md (one record per fact)."""
from __future__ import annotations

import csv
import io
import json
from typing import IO

from bilat.errors import QueryError
from bilat.extract import KINDS

EXPORT_FORMATS = ("jsonl", "csv")
COMMON_FIELDS = ("kind", "doc", "quote", "area", "start", "end", "id", "confidence")
EXTRA_FIELDS = ("appearance",)
KIND_FIELDS = {
    "figure": ("value", "unit", "counted", "qualifier", "as_of", "change", "measure", "subject"),
    "agreement": ("name", "type", "date", "parties"),
    "transfer": ("item", "quantity", "supplier", "recipient", "mechanism", "status", "date"),
    "event": ("type", "date", "actors", "location", "modality"),
}
CSV_COLUMNS = list(dict.fromkeys(
    [*COMMON_FIELDS, *(f for kind in KINDS for f in KIND_FIELDS[kind]), *EXTRA_FIELDS]))


def export_records(store, kind: str | None = None, every_appearance: bool = True) -> list[dict]:
    """Facts of the current documents, each a dict in the export shape.

    A document seen under several names (an identical or syndicated copy)
    states its facts under each of them: ``doc`` is the file or URL the record
    came from, and ``appearance`` says whether that is the original or a copy
    (offsets always refer to the stored text of the original). With
    ``every_appearance=False`` each fact is listed once, under the first name.
    """
    if kind is not None and kind not in KINDS:
        raise QueryError(f"unknown kind {kind!r}; choose one of: {', '.join(KINDS)}")
    names = store.appearance_names() if every_appearance else {}
    records = []
    for fact in store.facts(kind=kind):
        record = {name: fact.get(name) for name in COMMON_FIELDS}
        record.update({name: fact.get(name) for name in KIND_FIELDS[fact["kind"]]})
        for name, relation in names.get(fact["document_id"], [(fact["doc"], "original")]):
            records.append({**record, "doc": name, "appearance": relation})
    return records


def export_facts(store, out: IO[str], kind: str | None = None, format: str = "jsonl",
                 every_appearance: bool = True) -> int:
    """Write facts to ``out`` as JSON Lines or CSV; return how many records."""
    if format not in EXPORT_FORMATS:
        raise QueryError(f"unknown export format {format!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
    records = export_records(store, kind, every_appearance)
    if format == "jsonl":
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow({k: _csv_cell(v) for k, v in record.items()})
    return len(records)


def _csv_cell(value):
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def to_string(store, kind: str | None = None, format: str = "jsonl") -> str:
    buffer = io.StringIO()
    export_facts(store, buffer, kind, format)
    return buffer.getvalue()


def merged_records(store, kind: str | None = None) -> list[dict]:
    """One record per merged fact: the kind's fields, how many documents report
    it, and every supporting report (document, publisher, date, quote, offsets)."""
    records = []
    for m in store.merged_facts(kind):
        record = {"kind": m["kind"], "id": m["id"], "label": m["label"], "area": m["area"]}
        record.update({name: m["fields"].get(name) for name in KIND_FIELDS[m["kind"]]})
        record["n_sources"] = m["sources"]
        record["sources"] = [
            {"doc": r["name"], "publisher": r["publisher"], "published": r["published"], "quote": r["quote"],
             "start": r["start"], "end": r["end"], "report_id": r["fact_id"], "joined": r["reason"]}
            for r in m["reports"]
        ]
        records.append(record)
    return records


def export_merged(store, out: IO[str], kind: str | None = None, format: str = "jsonl") -> int:
    """Write merged facts with their sources; CSV lists the documents in one cell."""
    if format not in EXPORT_FORMATS:
        raise QueryError(f"unknown export format {format!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
    records = merged_records(store, kind)
    if format == "jsonl":
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return len(records)
    columns = ["kind", "id", "label", "area", *dict.fromkeys(f for k in KINDS for f in KIND_FIELDS[k]),
               "n_sources", "documents"]
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for record in records:
        row = {k: _csv_cell(v) for k, v in record.items() if k != "sources"}
        row["documents"] = "; ".join(sorted({s["doc"] or "" for s in record["sources"]}))
        writer.writerow(row)
    return len(records)
