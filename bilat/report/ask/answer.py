"""The answer: its sentences, each citing numbered references, composed by question type."""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from sqlalchemy import select

from bilat.nlp import gazetteer
from bilat.resolve.series import build_series, find_conflicts
from bilat.store.schema import (
    merged_facts,
)

from .candidates import Candidate, _merged
from .question import Question
from .tuning import ALSO_RATIO, DATE_ALSO_RATIO, RECENT_FOR_CONFLICTS, SERIES_POINTS

# -- the answer -----------------------------------------------------------------------------

@dataclass
class Answer:
    question: str
    found: bool
    sentences: list[dict]          # {"text", "citations": [n...], "fact_id", "kind"}
    references: list[dict]         # {"n", "document_id", "name", "title", "publisher", "published", ...}
    related: list[dict]            # passages: {"document_id", "name", "sentence", "start", "end", "text", ...}
    method: str                    # facts | passages (full-text[, semantic]) | none
    question_type: str = "general"
    parsed: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(_with_marks(s) for s in self.sentences)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["text"] = self.text
        return data


def _with_marks(sentence: dict) -> str:
    marks = "".join(f"[{n}]" for n in sentence.get("citations") or [])
    body = sentence["text"].rstrip()
    if marks and body.endswith((".", "?", "!")):
        return f"{body[:-1]} {marks}{body[-1]}"
    return f"{body} {marks}".rstrip()


class _References:
    def __init__(self):
        self.items: list[dict] = []
        self._index: dict[tuple, int] = {}

    def cite(self, reports: list[dict], fact_id: str | None = None, most: int = 3) -> list[int]:
        out: list[int] = []
        seen_docs: set[int] = set()
        for r in reports:
            if r["document_id"] in seen_docs:
                continue
            seen_docs.add(r["document_id"])
            key = (r["document_id"], r["start"], r["end"])
            if key not in self._index:
                self.items.append({
                    "n": len(self.items) + 1, "document_id": r["document_id"], "name": r.get("name"),
                    "title": r.get("title"), "publisher": r.get("publisher"), "published": r.get("published"),
                    "location": r.get("location"), "start": r["start"], "end": r["end"], "quote": r["quote"],
                    "fact_id": fact_id,
                })
                self._index[key] = len(self.items)
            out.append(self._index[key])
            if len(out) >= most:
                break
        return out


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def format_date(value: str | None, preposition: bool = False) -> str:
    """"2011" -> "2011", "2011-09" -> "September 2011", "2025-11-02" -> "2 November 2025";
    with ``preposition``: "in 2011", "in September 2011", "on 2 November 2025"."""
    if not value:
        return "undated" if not preposition else "at an unknown date"
    parts = str(value).split("-")
    try:
        if len(parts) >= 3:
            out = f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
            return f"on {out}" if preposition else out
        if len(parts) == 2:
            out = f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
            return f"in {out}" if preposition else out
    except (ValueError, IndexError):
        pass
    return f"in {value}" if preposition else str(value)


def format_value(value, unit: str | None, qualifier: str | None = None, change: str | None = None) -> str:
    v = float(value)
    if unit == "USD":
        if abs(v) >= 1e9:
            body = f"${v / 1e9:,.10g} billion"
        elif abs(v) >= 1e6:
            body = f"${v / 1e6:,.10g} million"
        else:
            body = f"${v:,.10g}"
    elif unit == "percent":
        body = f"{v:,.10g}%"
    elif unit in (None, "count"):
        body = f"{v:,.10g}"
    else:
        body = f"{v:,.10g} {unit}"
    words = {"at_least": "at least ", "at_most": "up to ", "approx": "about "}
    body = words.get(qualifier or "", "") + body
    if change == "increment":
        body = "an additional " + body
    return body


def _country(code: str | None) -> str:
    if not code:
        return "unknown"
    record = gazetteer.entity(code)
    if not record:
        return code
    name = record["name"]
    return "the " + name if re.match(r"(United|Philippines|Netherlands)\b", name) else name


def _plural(item: str, quantity) -> str:
    if quantity in (None, 1):
        return item
    head, paren = re.match(r"^(.*?)(\s*\(.*\))?$", item).groups()
    if head.endswith(("s", "x", "ch", "sh")):
        head += "es"
    elif re.search(r"[^aeiou]y$", head):
        head = head[:-1] + "ies"
    else:
        head += "s"
    return head + (paren or "")


_STATUS = {"delivered": "delivered", "committed": "committed", "in_talks": "under discussion (talks reported)",
           "declined": "declined"}
_SIGNED = {"mou", "agreement", "treaty", "letter_of_intent", "action_plan", "protocol", "contract"}


def _describe(fact: dict) -> str:
    """One plain sentence for a merged fact (no citation marks)."""
    f, kind = fact["fields"], fact["kind"]
    if kind == "figure":
        label = fact.get("series_label") or f.get("measure") or fact["label"]
        value = format_value(f["value"], f.get("unit"), f.get("qualifier"), f.get("change"))
        when = f" as of {format_date(f.get('as_of'))}" if f.get("as_of") else ""
        return f"{_cap(label)}: {value}{when}."
    if kind == "agreement":
        name = f.get("name") or (f.get("type") or "agreement").replace("_", " ")
        verb = "signed" if f.get("type") in _SIGNED else "adopted"
        parties = " and ".join(_country(p) for p in f.get("parties") or [])
        between = f" between {parties}" if parties else ""
        if not re.match(r"(the|a|an)\b", name, re.I):
            name = "the " + name
        return f"{_cap(name)} was {verb}{between} {format_date(f.get('date'), True)}."
    if kind == "transfer":
        qty = f.get("quantity")
        item = _plural(f.get("item") or "equipment", qty)
        amount = f"{qty:g} " if isinstance(qty, (int, float)) else ""
        status = _STATUS.get(f.get("status"), f.get("status") or "status unknown")
        mech = f.get("mechanism")
        shown = mech.upper() if mech in ("eda", "fmf", "fms", "dcs") else mech
        how = f" ({shown})" if mech and mech != "unknown" else ""
        when = f", {format_date(f.get('date'))}" if f.get("date") else ""
        return (f"{_cap(amount + item)} from {_country(f.get('supplier'))} to {_country(f.get('recipient'))}: "
                f"{status}{how}{when}.")
    # event
    etype = (f.get("type") or "other").replace("_", " ")
    where = f" in {f['location']}" if f.get("location") else ""
    modality = f.get("modality")
    note = f" ({modality})" if modality and modality != "occurred" else ""
    quote = _short(fact["reports"][0]["quote"])
    head = f"{_cap(etype)}{where} {format_date(f.get('date'), True)}" if etype != "other" else \
        _cap(format_date(f.get("date"), True)) + where
    return f"{head}{note}: \u201c{quote}\u201d"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _short(quote: str, most: int = 220) -> str:
    quote = " ".join(quote.split())
    return quote if len(quote) <= most else quote[:most].rsplit(" ", 1)[0] + "…"


# -- composing answers by question type -------------------------------------------------------

def _answer_figure(q: Question, best: list[Candidate], conn, current, refs: _References, limit: int) -> list[dict]:
    """The best-matching series: its current value, earlier values, increments, conflicts."""
    by_series: dict[str, float] = {}
    for c in best:
        if c.fact["kind"] != "figure":
            continue
        key = c.fact.get("series") or c.fact["key"]
        bonus = 0.04 if (c.fact["fields"].get("change") or "level") != "increment" else 0.0
        by_series[key] = max(by_series.get(key, 0.0), c.score + bonus)
    if not by_series:
        return []
    ranked = sorted(by_series.items(), key=lambda kv: -kv[1])
    keys = [k for k, s in ranked if s >= ranked[0][1] * ALSO_RATIO][:3]
    facts_by_key = {k: [] for k in keys}
    loaded = _merged(conn, current, merged_ids=_series_members(conn, keys))
    for m in loaded:
        if m.get("series") in facts_by_key:
            facts_by_key[m["series"]].append(m)
    for c in best:  # figures without a series key
        key = c.fact.get("series") or c.fact["key"]
        if key in facts_by_key and not facts_by_key[key]:
            facts_by_key[key].append(c.fact)
    # a series' size counts a little when two match equally well
    sized = sorted(keys, key=lambda k: -(by_series[k] + 0.01 * min(len(facts_by_key[k]), 5)))
    out: list[dict] = []
    for rank, key in enumerate(sized):
        group = facts_by_key[key]
        if not group:
            continue
        series_list = build_series(group)
        if not series_list:
            continue
        series = max(series_list, key=lambda s: len(s.points))
        out.extend(_series_sentences(series, refs, main=rank == 0))
        if len(out) >= limit:
            break
    return out[:max(limit, 1)]


def _series_members(conn, keys: list[str]) -> list[str]:
    """Merged figures of these series, the latest ones only when a series is long:
    the answer shows the current value, a few earlier ones and recent conflicts."""
    out: list[str] = []
    rows = conn.execute(select(merged_facts.c.id, merged_facts.c.series, merged_facts.c.data)
                        .where(merged_facts.c.series.in_(keys))).all()
    by_key: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for mid, key, data in rows:
        by_key[key].append((json.loads(data).get("as_of") or "", mid))
    for key, members in by_key.items():
        dated = sorted((m for m in members if m[0]), reverse=True)[:SERIES_POINTS]
        undated = sorted(m for m in members if not m[0])[:SERIES_POINTS // 3]
        out.extend(mid for _, mid in dated + undated)
    return out


def _series_sentences(series, refs: _References, main: bool) -> list[dict]:
    label = _cap(series.label)
    current = series.current
    levels = [p for p in series.points if p.change != "increment"]
    increments = [p for p in series.points if p.change == "increment"]
    out: list[dict] = []
    if current is None and levels:
        current = max(levels, key=lambda p: (p.as_of or "", p.sources))
    if current is not None:
        when = f" as of {format_date(current.as_of)}" if current.as_of else ""
        latest = " (the latest value in the store)" if main and len(levels) > 1 else ""
        out.append({"text": f"{label}: {format_value(current.value, current.unit, current.qualifier)}{when}{latest}.",
                    "citations": refs.cite(current.reports, current.merged_id), "fact_id": current.merged_id,
                    "kind": "figure", "value": current.value, "unit": current.unit, "as_of": current.as_of,
                    "status": "current"})
        earlier = sorted((p for p in levels if p is not current), key=lambda p: p.as_of or "", reverse=True)[:3]
        if earlier and main:
            parts, cites = [], []
            for p in earlier:
                date = format_date(p.as_of) if p.as_of else "undated"
                n = refs.cite(p.reports, p.merged_id)
                cites.extend(n)
                parts.append(f"{format_value(p.value, p.unit, p.qualifier)} ({date}) "
                             + "".join(f"[{i}]" for i in n))
            out.append({"text": "Earlier or other values: " + "; ".join(parts) + ".", "citations": [],
                        "fact_id": None, "kind": "figure", "status": "earlier"})
    if increments:
        newest = sorted(increments, key=lambda p: (p.as_of or "", p.sources), reverse=True)
        p = newest[0]
        reports = [r for q in newest if q.value == p.value for r in q.reports]
        when = f" as of {format_date(p.as_of)}" if p.as_of else ""
        out.append({"text": f"{label}: {format_value(p.value, p.unit, p.qualifier, 'increment')}{when}.",
                    "citations": refs.cite(reports, p.merged_id), "fact_id": p.merged_id, "kind": "figure",
                    "value": p.value, "unit": p.unit, "as_of": p.as_of, "status": "increment"})
    recent = sorted(levels, key=lambda p: p.as_of or "", reverse=True)[:RECENT_FOR_CONFLICTS]
    recent_series = type(series)(series.key, series.label, series.unit, series.area,
                                 sorted(recent, key=lambda p: (p.as_of or "", p.value)))
    for conflict in find_conflicts([recent_series])[-1:] if main else []:
        a, b = conflict.a, conflict.b
        na, nb = refs.cite(a.reports, a.merged_id), refs.cite(b.reports, b.merged_id)
        out.append({"text": (f"Sources disagree for {format_date(a.as_of)}: "
                             f"{format_value(a.value, a.unit, a.qualifier)} {''.join(f'[{i}]' for i in na)} against "
                             f"{format_value(b.value, b.unit, b.qualifier)} {''.join(f'[{i}]' for i in nb)}."),
                    "citations": [], "fact_id": None, "kind": "figure", "status": "conflict"})
    return out


def _answer_transfers(q: Question, best: list[Candidate], refs: _References, limit: int) -> list[dict]:
    """One sentence per equipment family, specific families before generic ones."""
    transfers = [c for c in best if c.fact["kind"] == "transfer"]
    records = gazetteer._records()
    order = ["declined", "in_talks", "committed", "delivered"]
    by_item: dict[str, list[Candidate]] = defaultdict(list)
    for c in transfers:
        by_item[re.sub(r"\s*\(.*\)$", "", c.fact["fields"].get("item") or "")].append(c)
    chosen: dict[str, Candidate] = {}
    for item, group in by_item.items():  # of the close matches, the furthest status and the largest quantity
        top = max(c.score for c in group)
        close = [c for c in group if c.score >= top * ALSO_RATIO]
        chosen[item] = max(close, key=lambda c: (
            order.index(c.fact["fields"].get("status")) if c.fact["fields"].get("status") in order else -1,
            c.fact["fields"].get("quantity") or 0, c.score))

    def generic(item: str) -> bool:
        return bool(records.get(gazetteer._slug(item), {}).get("generic"))

    specific = [i for i in chosen if not generic(i)]
    items = specific or list(chosen)
    items.sort(key=lambda i: -max(c.score for c in by_item[i]))
    out = []
    for item in items[:limit]:
        c = chosen[item]
        out.append({"text": _describe(c.fact), "citations": refs.cite(c.fact["reports"], c.fact["id"]),
                    "fact_id": c.fact["id"], "kind": "transfer", "item": item,
                    "status": c.fact["fields"].get("status")})
    if out:
        n = len(out)
        out.insert(0, {"text": f"The store records {n} kind{'s' if n > 1 else ''} of equipment matching the question:",
                       "citations": [], "fact_id": None, "kind": "transfer", "status": "summary"})
    return out


def _answer_status(q: Question, best: list[Candidate], refs: _References, limit: int) -> list[dict]:
    """Yes / no / not confirmed, from the furthest status of the matching transfers."""
    transfers = [c for c in best if c.fact["kind"] == "transfer"]
    if not transfers:
        return []
    order = ["declined", "in_talks", "committed", "delivered"]
    by_status: dict[str, list[Candidate]] = defaultdict(list)
    for c in transfers:
        by_status[c.fact["fields"].get("status") or "unknown"].append(c)
    out = []
    furthest = max(by_status, key=lambda s: order.index(s) if s in order else -1)
    lead_fact = max(by_status[furthest], key=lambda c: c.score).fact
    f = lead_fact["fields"]
    item = _plural(re.sub(r"\s*\(.*\)$", "", f.get("item") or "equipment"), f.get("quantity") or 2)
    to = _country(f.get("recipient"))
    cites = refs.cite(lead_fact["reports"], lead_fact["id"])
    if furthest == "delivered":
        text = f"Yes: {item} from {_country(f.get('supplier'))} have been delivered to {to}."
    elif furthest == "committed":
        text = f"Yes, committed: {to} has a commitment for {item} from {_country(f.get('supplier'))}."
    elif furthest == "in_talks":
        text = (f"Not confirmed: the store only has reports of talks on {item} between "
                f"{_country(f.get('supplier'))} and {to}, no purchase.")
    elif furthest == "declined":
        text = f"No: the store reports that {to} declined {item}."
    else:
        text = _describe(lead_fact)
    out.append({"text": text, "citations": cites, "fact_id": lead_fact["id"], "kind": "transfer",
                "status": furthest})
    for status in sorted(by_status, key=lambda s: -(order.index(s) if s in order else -1)):
        if status == furthest:
            continue
        c = max(by_status[status], key=lambda c: c.score)
        g = c.fact["fields"]
        thing = re.sub(r"\s*\(.*\)$", "", g.get("item") or "equipment")
        if status == "declined":
            text = f"The store also reports that {_country(g.get('recipient'))} has declined {_a(thing)} before."
        else:
            text = "Also: " + _describe(c.fact)
        out.append({"text": text, "citations": refs.cite(c.fact["reports"], c.fact["id"]), "fact_id": c.fact["id"],
                    "kind": "transfer", "status": status})
        if len(out) >= limit:
            break
    return out


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" or re.match(r"[FHLMNRSX]-", noun) else "a ") + noun


def _answer_facts(q: Question, best: list[Candidate], refs: _References, limit: int) -> list[dict]:
    top = best[0].score
    ratio = DATE_ALSO_RATIO if q.type == "date" else ALSO_RATIO
    out = []
    quoted: set[tuple] = set()
    for c in best:
        if c.score < top * ratio or len(out) >= limit:
            break
        spans = tuple(sorted((r["document_id"], r["start"]) for r in c.fact["reports"]))
        if spans in quoted:  # the same sentences as a fact already given (a visit and its talks)
            continue
        quoted.add(spans)
        text = _describe(c.fact)
        if q.type == "who":
            asked = {t.entity for t in q.terms if t.entity}
            people = sorted({(gazetteer.entity(e) or {}).get("name") for e in c.entities | c.field_entities
                             if e not in asked and (gazetteer.entity(e) or {}).get("type") == "person"} - {None})
            if not people:  # the actors the event names, when no person is named
                people = [a for a in c.fact["fields"].get("actors") or [] if a]
            if people:
                text = f"{', '.join(people)} — " + text
        if out and q.type != "who":
            text = "Also: " + text
        out.append({"text": text, "citations": refs.cite(c.fact["reports"], c.fact["id"]), "fact_id": c.fact["id"],
                    "kind": c.fact["kind"]})
    return out


