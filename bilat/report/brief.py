"""The brief: what the store knows, as a short paper in which every sentence cites.

``build_brief`` reads merged facts, figure series, conflicts and source
profiles from the store and fills sentence templates with their fields, so the
same store always gives the same brief (no language model). It has five parts:

- **What's happened**: the latest developments (events, agreements, transfers,
  new figures of the last twelve months before the newest source), newest first;
- **Key figures**: per tracked measure, the current value, its date, earlier
  values and how many documents give it;
- **How we got here**: the dated agreements, transfers and events before that,
  oldest first, then the undated ones;
- **What the sources say**: per document, its angle, what only it reports,
  where it disagrees with others and how specific it is;
- **Unconfirmed and open**: reported talks and potential sales, planned and
  reported events, conflicting and unmatched figures.

Each sentence (or table row) cites numbered references; a reference is one
document and the quote the statement rests on. ``to_markdown``, ``to_html``
(one self-contained file: inline CSS, nothing loaded from elsewhere, every
piece of document text escaped) and ``to_pdf`` (fpdf2) render a brief.
"""
from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import heapq
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from bilat import __version__
from bilat.bulk import without_gc
from bilat.extract import AREAS
from bilat.resolve import profiles as profiling
from bilat.resolve.series import (
    EXACT_TOLERANCE,
    Digest,
    Point,
    Series,
    build_series,
    conflict_digest,
    overlaps,
)
from bilat.store import cache

from .paper import (
    EMPTY,
    Brief,
    Cites,
    Item,
    Part,
    Reference,
    Section,
    Table,
    brief_from_json,
    brief_to_json,
)
from .timeline import (
    AREA_NAMES,
    Library,
    Source,
    cap,
    check_area,
    clause_for,
    dated_by_source,
    entries_for,
    fact_date,
    figure_value,
    is_currency,
    join_names,
    long_date,
    on_or_after,
    parse_since,
    plural,
    primary_report,
    quantity,
    redundant_events,
    sentence_for,
    short_date,
    transfer_clause,
    when,
    without_date,
)

TITLE = "Vietnam–United States Defense Cooperation"
SECTIONS = (
    ("happened", "What's happened"),
    ("figures", "Key figures"),
    ("history", "How we got here"),
    ("sources", "What the sources say"),
    ("open", "Unconfirmed and open"),
)
RECENT_DAYS = 365
# A statement cites at most this many sources; the rest are counted ("+12 more").
MAX_CITES = 6
# A brief stays readable on a store of thousands of documents: each part shows at
# most this many entries, the best supported, and says what it leaves out.
LIMITS = {"happened": 30, "figures": 40, "history": 100, "sources": 25, "talks": 15, "pending": 15,
          "conflicts": 10, "undated": 10, "disagreements": 3, "previous": 6}
KIND_ORDER = {"event": 0, "agreement": 1, "transfer": 2, "figure": 3}
EVENT_ORDER = ("visit", "talks", "agreement_signing", "relationship_upgrade", "delivery", "exercise", "port_call",
               "expo", "announcement", "cancellation", "other")


class Citer:
    """Numbers references in order of first citation."""

    def __init__(self):
        self.numbers: dict[tuple, int] = {}
        self.references: list[Reference] = []
        self.cited: list[Source] = []  # the source behind each reference

    def __call__(self, sources) -> Cites:
        unique = list({s.key: s for s in sources}.values())
        chosen = unique
        if len(unique) > MAX_CITES:  # sources already in the list first, then in the order given
            chosen = sorted(unique, key=lambda s: s.key not in self.numbers)[:MAX_CITES]
        out = Cites()
        out.more = len(unique) - len(chosen)
        for s in chosen:
            if s.key not in self.numbers:
                self.numbers[s.key] = len(self.references) + 1
                self.cited.append(s)
                self.references.append(Reference(
                    len(self.references) + 1, s.document_id, s.name, s.location, s.publisher, s.title,
                    s.published, s.quote, s.start, s.end))
            out.append(self.numbers[s.key])
        out.sort()
        return out

    def add_quotes(self, library: Library) -> None:
        """Quotes for references made from outline reports, read in one go once the brief is written."""
        found = library.quotes([s for s in self.cited if s.quote is None])
        self.references = [r if r.quote is not None else replace(r, quote=found.get(s.fact_id, ""))
                           for r, s in zip(self.references, self.cited)]


def _item(text: str, cites: list[int], lead: str | None = None) -> Item:
    return Item([Part(text, cites)], lead=lead)


# -- building ----------------------------------------------------------------------------


def _minus_days(date: str, days: int) -> str:
    parts = [int(x) for x in date.split("-")[:3]]
    while len(parts) < 3:
        parts.append(12 if len(parts) == 1 else 28)
    return (dt.date(*parts) - dt.timedelta(days=days)).isoformat()


@dataclass
class _Row:
    """A series as the brief shows it."""

    series: Series
    shown: Point                 # the current value, else the latest change
    backing: list[Point]         # undated points that agree with it
    matches: list[tuple[dict, Point]]  # same amount under another (untracked) description
    earlier: list[Point]         # other values, newest first
    areas: set[str]
    documents: frozenset[int] | None = None  # every document behind the row, once asked

    @property
    def date(self) -> str | None:
        return self.shown.as_of


class _Builder:
    def __init__(self, store, area, since, title):
        check_area(area)
        self.store = store
        self.area = area
        self.since = parse_since(since)
        self.title = title or TITLE
        self.lib = Library(store)
        self.types = self.lib.entity_types
        self.cite = Citer()
        everything = store.merged_outline()  # reports without quotes: see Citer.add_quotes
        self.by_id = {m["id"]: m for m in everything}
        in_area = everything if area is None else [m for m in everything if m["area"] == area]
        self.facts = in_area if not self.since else [m for m in in_area
                                                     if on_or_after(dated_by_source(m), self.since)]
        published = sorted(d["published"] for d in self.lib.docs.values() if d.get("published"))
        dates = [] if published else [str(fact_date(m)) for m in self.facts if fact_date(m)]
        self.as_of = published[-1] if published else max(dates, default=None)
        recent = _minus_days(self.as_of, RECENT_DAYS) if self.as_of else None
        self.recent_from = max(filter(None, [recent, self.since]), default=None)
        self.first_published = published[0] if published else None
        self.series = build_series([m for m in everything if m["kind"] == "figure"])
        self.rows = self._rows()

    # -- helpers
    def sources(self, reports) -> list[Source]:
        return self.lib.sources(reports)

    def cites(self, *points_or_facts) -> list[int]:
        reports = []
        for x in points_or_facts:
            reports += x.reports if isinstance(x, Point) else x["reports"]
        return self.cite(self.sources(reports))

    def sentence(self, m: dict) -> str:
        if m["kind"] == "event":  # worded from its quote
            self.lib.fill([primary_report(m)], fields=False)
        return sentence_for(m, self.types)

    def recent(self, date) -> bool:
        return bool(date) and on_or_after(str(date), self.recent_from)

    def of_kind(self, kind: str) -> list[dict]:
        return self._by_kind.get(kind, [])

    @cached_property
    def _by_kind(self) -> dict[str, list[dict]]:
        grouped: dict[str, list[dict]] = {}
        for m in self.facts:
            grouped.setdefault(m["kind"], []).append(m)
        return grouped

    # -- key figures: which series, and how
    def _rows(self) -> list[_Row]:
        # An untracked measure stated once can give a tracked measure's amount under another
        # name: those single values, per unit and by value, to look up within a tolerance.
        singles: dict[str, list[tuple[float, Point]]] = {}
        for s in self.series:
            if s.key.startswith("auto:") and len(s.points) == 1 and s.points[0].merged_id in self.by_id:
                singles.setdefault(s.unit, []).append((s.points[0].value, s.points[0]))
        for found in singles.values():
            found.sort(key=lambda x: x[0])
        rows, absorbed = [], set()
        for s in self.series:
            if s.key.startswith("auto:"):
                continue
            row = self._row(s, singles)
            if row:
                rows.append(row)
                absorbed |= {p.merged_id for _, p in row.matches}
        for s in self.series:  # untracked measures: only when two documents give them
            if s.key.startswith("auto:") and not any(p.merged_id in absorbed for p in s.points):
                row = self._row(s, {})
                if row and len(self._docs(row)) >= 2:
                    rows.append(row)
        # newest first; on one date, the best supported, then by area
        rows.sort(key=lambda r: (-len(self._docs(r)), self._area_rank(r), r.series.label))
        rows.sort(key=lambda r: r.date or "", reverse=True)
        return rows

    def _docs(self, row: _Row) -> frozenset[int]:
        if row.documents is None:
            row.documents = frozenset().union(*(p.documents for p in (row.shown, *row.backing,
                                                                      *(q for _, q in row.matches))))
        return row.documents

    def _row(self, s: Series, singles: dict) -> _Row | None:
        areas = {self.by_id[p.merged_id]["area"] for p in s.points if p.merged_id in self.by_id}
        if self.area and self.area not in areas:
            return None
        points = [p for p in s.points if on_or_after(self._point_date(p), self.since)]
        if not points:
            return None
        dated = [p for p in points if p.as_of]
        current = s.current
        shown = current if any(p is current for p in points) else None
        if shown is None and dated:
            shown = dated[-1]
        if shown is None:
            shown = points[-1]
        def agrees(p: Point) -> bool:  # an undated value that says the same
            return p is not shown and not p.as_of and p.change == shown.change and (
                abs(p.value - shown.value) <= EXACT_TOLERANCE * max(abs(shown.value), 1)
                or (p.change != "increment" and overlaps(p, shown)))

        backing = [p for p in points if agrees(p)]
        backed = {id(p) for p in backing}
        earlier = [p for p in reversed(points) if p is not shown and id(p) not in backed]
        matches = []
        if is_currency(s.unit) and shown.value >= 1e6:
            near = singles.get(s.unit, [])
            low = bisect.bisect_left(near, shown.value * (1 - EXACT_TOLERANCE) - 1, key=lambda x: x[0])
            high = bisect.bisect_right(near, shown.value * (1 + EXACT_TOLERANCE) + 1, key=lambda x: x[0])
            for _, p in sorted(near[low:high], key=lambda x: x[1].merged_id):  # by id: never by load order
                fact = self.by_id[p.merged_id]
                if abs(p.value - shown.value) > EXACT_TOLERANCE * shown.value:
                    continue
                if p.as_of and shown.as_of and p.as_of[:4] != shown.as_of[:4]:
                    continue
                if not (fact["area"] in areas or fact["area"] == "general" or "general" in areas):
                    continue
                if not on_or_after(self._point_date(p), self.since):
                    continue
                matches.append((fact, p))
        return _Row(s, shown, backing, matches, earlier, areas)

    def _point_date(self, p: Point) -> str | None:
        if p.as_of:
            return p.as_of
        published = [r.get("published") for r in p.reports if r.get("published")]
        return max(published) if published else None

    # -- sections
    def happened(self) -> Section:
        # (date, order within a date, support, how to word it): worded only once chosen,
        # since wording a statement numbers its references
        found: list[tuple[str, tuple, int, Callable[[], Item]]] = []
        events = [m for m in self.of_kind("event") if (m["fields"].get("modality") or "occurred") == "occurred"]
        drop = redundant_events(events, self.of_kind("agreement") + self.of_kind("transfer"))
        candidates = [m for m in events if m["id"] not in drop] + self.of_kind("agreement") + [
            m for m in self.of_kind("transfer") if m["fields"].get("status") in ("delivered", "committed", "declined")]
        for m in candidates:
            date = fact_date(m)
            if self.recent(date):
                found.append((str(date), self._weight(m), m["sources"],
                              lambda m=m: _item(self.sentence(m), self.cites(m))))
        for row in self.rows:
            if self.recent(row.date):
                order = (KIND_ORDER["figure"], self._area_rank(row), -len(self._docs(row)), row.series.label)
                found.append((str(row.date), order, len(self._docs(row)), lambda row=row: self.figure_item(row)))
        shown = best_supported(found, LIMITS["happened"], support=lambda x: x[2], newest=lambda x: x[0])
        # newest first; on one date: events (visits and talks before the rest), agreements, transfers, figures
        shown.sort(key=lambda x: x[1])
        shown.sort(key=lambda x: x[0], reverse=True)
        return Section("happened", "What's happened", items=[x[3]() for x in shown],
                       omitted=omitted([(len(shown), len(found), "recent developments")], "`bilat timeline`"))

    def _weight(self, m: dict) -> tuple:
        f = m["fields"]
        event = EVENT_ORDER.index(f.get("type")) if f.get("type") in EVENT_ORDER else len(EVENT_ORDER)
        return (KIND_ORDER[m["kind"]], event, -m["sources"], m["label"])

    def _area_rank(self, row: _Row) -> int:
        fact = self.by_id.get(row.shown.merged_id)
        areas = [fact["area"]] if fact and fact["area"] != "general" else []
        areas += sorted(a for a in row.areas if a != "general")
        return AREAS.index(areas[0]) if areas and areas[0] in AREAS else len(AREAS)

    def figure_item(self, row: _Row) -> Item:
        s, p = row.series, row.shown
        value = figure_value(p.value, p.unit, p.qualifier)
        date = f"as of {long_date(p.as_of)}" if p.as_of else "(undated)"
        if p.change == "increment":
            base = re.sub(r"\s*\((?:added|increase|increment)\)\s*$", "", s.label)
            parts = [Part(f"{base} rose by an additional {value} {date}", self.cites(p, *row.backing))]
        else:
            parts = [Part(f"{s.label} stands at {value} {date}", self.cites(p, *row.backing))]
            before = next((q for q in row.earlier if q.change == p.change and q.as_of
                           and abs(q.value - p.value) > EXACT_TOLERANCE * max(p.value, 1)), None)
            if before is not None:
                direction = "up" if p.value > before.value else "down"
                parts.append(Part(f", {direction} from {figure_value(before.value, before.unit, before.qualifier)}"
                                  f" ({long_date(before.as_of)})", self.cites(before)))
        for fact, q in row.matches:
            parts.append(Part(f"; another source gives the same amount for “{_figure_label(fact)}”",
                              self.cites(q)))
        return Item(parts)

    def figures(self) -> Section:
        table = Table(["Measure", "Current value", "As of", "Previous values", "Sources"], [])
        notes = []
        chosen = best_supported(self.rows, LIMITS["figures"], support=lambda r: len(self._docs(r)),
                                newest=lambda r: r.date or "")
        kept = {id(r) for r in chosen}
        for row in (r for r in self.rows if id(r) in kept):
            p = row.shown
            value = Item([Part(figure_value(p.value, p.unit, p.qualifier, p.change),
                               self.cites(p, *row.backing, *(q for _, q in row.matches)))], end="")
            earlier = []
            for q in row.earlier[:LIMITS["previous"]]:
                sep = "; " if earlier else ""
                earlier.append(Part(f"{sep}{figure_value(q.value, q.unit, q.qualifier, q.change)} "
                                    f"({short_date(q.as_of) if q.as_of else 'undated'})", self.cites(q)))
            if len(row.earlier) > LIMITS["previous"]:
                earlier.append(Part(f"; and {len(row.earlier) - LIMITS['previous']:,} older values "
                                    "(`bilat figures` lists them)"))
            n = len(self._docs(row))
            mark = "†" if row.matches else ""
            table.rows.append([
                Item([Part(row.series.label)], end=""), value,
                Item([Part(short_date(p.as_of) if p.as_of else "undated")], end=""),
                Item(earlier or [Part("—")], end=""),
                Item([Part(f"{n}{mark}")], end=""),
            ])
            for fact, q in row.matches:
                notes.append(Item([Part(f"† {row.series.label}: one source gives the same amount, "
                                        f"{figure_value(q.value, q.unit, q.qualifier)}, as “{_figure_label(fact)}” "
                                        f"without naming the measure; it is counted as a source", self.cites(q))]))
        return Section("figures", "Key figures", table=table if table.rows else None, notes=notes,
                       omitted=omitted([(len(chosen), len(self.rows), "measures")], "`bilat figures`"))

    def history(self) -> Section:
        settled = [m for m in self.facts if m["kind"] in ("agreement", "transfer", "event") and not self._open(m)]
        self.lib.fill([primary_report(m) for m in settled if m["kind"] == "event" and fact_date(m)],
                      fields=False)  # events are worded from their quotes
        # cited once chosen: citing every entry of a large store would read thousands of sources
        dated = [e for e in entries_for(settled, self.lib, cited=False) if not self.recent(e.date)]
        undated = [m for m in settled if m["kind"] in ("agreement", "transfer") and not fact_date(m)]
        undated.sort(key=lambda m: (KIND_ORDER[m["kind"]], -m["sources"], m["label"]))
        found = ([(e, self.by_id[e.fact_id]["sources"]) for e in dated]
                 + [(m, m["sources"]) for m in undated])
        chosen = {id(x) for x, _ in best_supported(found, LIMITS["history"], support=lambda x: x[1])}
        items = [Item([Part(without_date(e), self.cites(self.by_id[e.fact_id]))], lead=short_date(e.date))
                 for e in dated if id(e) in chosen]
        items += [Item([Part(cap(clause_for(m, self.types)), self.cites(m))], lead="Undated")
                  for m in undated if id(m) in chosen]
        return Section("history", "How we got here", items=items,
                       omitted=omitted([(len(items), len(found), "earlier developments")], "`bilat timeline`"))

    def _open(self, m: dict) -> bool:
        f = m["fields"]
        if m["kind"] == "event":
            return (f.get("modality") or "occurred") in ("planned", "reported")
        if m["kind"] == "transfer":
            return f.get("status") == "in_talks"
        return False

    def sources_section(self) -> Section:
        docs = list(self.lib.docs.values())
        # hedging needs every report's quote: worked out only for the sources shown
        profiles = profiling.document_profiles(docs, self.facts, detail_for=frozenset())
        filtered = bool(self.area or self.since)
        profiles = [p for p in profiles if p["facts"] or not filtered]
        facts_of: dict[int, list[dict]] = {}
        for m in self.facts:
            for doc_id in m["documents"]:
                facts_of.setdefault(doc_id, []).append(m)
        self._facts_of, self._first_reports = facts_of, {}
        ranked = [p for p in profiles if p["facts"]]
        chosen = {p["document_id"] for p in best_supported(profiles, LIMITS["sources"], support=lambda p: p["facts"],
                                                             newest=lambda p: p.get("published") or "")}
        self._profiled = frozenset(chosen)
        wanted = {m["id"] for doc_id in chosen for m in facts_of.get(doc_id, [])}
        theirs = [m for m in self.facts if m["id"] in wanted]
        self.lib.fill([r for m in theirs for r in m["reports"] if r["document_id"] in chosen])
        detailed = {p["document_id"]: p for p in profiling.document_profiles(
            [self.lib.docs[d] for d in chosen], theirs, detail_for=chosen)}
        for p in profiles:
            if p["document_id"] in chosen:
                p.update(detailed[p["document_id"]])
        subs = []
        for p in (p for p in profiles if p["document_id"] in chosen):
            doc = self.lib.docs[p["document_id"]]
            mine = facts_of.get(p["document_id"], [])
            sub = Section(f"source-{p['document_id']}", _source_heading(doc), meta=_source_meta(doc))
            sub.items += self._angle(p, mine)
            if p["facts"]:
                sub.items.append(self._specificity(p, ranked))
                sub.items += self._only_here(p)
                sub.items += self._disagreements(p)
            subs.append(sub)
        return Section("sources", "What the sources say", subsections=subs,
                       omitted=omitted([(len(subs), len(profiles), "sources")], "`bilat sources`",
                                       chosen_by="those with the most facts"))

    def _own(self, fact: dict, doc_id: int) -> list[dict]:
        return [r for r in fact["reports"] if r["document_id"] == doc_id]

    def _angle(self, profile: dict, mine: list[dict]) -> list[Item]:
        doc_id = profile["document_id"]
        if not mine:
            first = self.store.sentences(doc_id)[:1]
            text = self.store.document(doc_id)["text"]
            if not first:
                return []
            s = first[0]
            src = Source(doc_id, profile["name"], self.lib.docs[doc_id]["location"], profile["publisher"],
                         profile["title"], profile["published"], text[s["start"]:s["end"]], s["start"], s["end"])
            return [_item("It states no figure, agreement, transfer or event that bilat can check; it argues "
                          "rather than reports", self.cite([src]))]
        areas = Counter(m["area"] or "general" for m in mine)
        kinds = Counter(m["kind"] for m in mine)
        top = sorted(areas.items(), key=lambda kv: (-kv[1], kv[0]))
        n = len(mine)
        if top[0][1] == n:
            share = "its only fact" if n == 1 else f"all {n} of its facts"
        else:
            share = f"{top[0][1]} of its {n} facts"
        phrase = f"{AREA_NAMES.get(top[0][0], top[0][0])} ({share})"
        if len(top) > 1:
            phrase += f" and {AREA_NAMES.get(top[1][0], top[1][0])} ({top[1][1]})"
        stated = [_counted(k, kind) for kind, k in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))]
        stated_as = stated[0] if len(stated) == 1 else ", ".join(stated[:-1]) + " and " + stated[-1]
        examples = sorted((m for m in mine if (m["area"] or "general") == top[0][0]),
                          key=lambda m: min(r["start"] for r in self._own(m, doc_id)))[:2]
        reports = [min(self._own(m, doc_id), key=lambda r: r["start"]) for m in examples]
        text = f"Its angle is {phrase}; it states {stated_as}"
        return [_item(text, self.cite([self.lib.source(r) for r in reports]))]

    def _first_report(self, doc_id: int) -> dict | None:
        """A document's earliest report among the facts in scope."""
        if doc_id not in self._first_reports:
            first = None
            for m in self._facts_of.get(doc_id, []):
                for r in m["reports"]:
                    if r["document_id"] == doc_id and (first is None or r["start"] < first["start"]):
                        first = r
            self._first_reports[doc_id] = first
        return self._first_reports[doc_id]

    @cached_property
    def _conflicts(self) -> Digest:
        """Of every conflict (a large store can hold hundreds of thousands): how many are in
        scope, the best supported of those, and all those of the sources the brief profiles."""
        scope = None
        if self.area or self.since:
            def scope(p: Point) -> tuple[bool, bool]:
                return (not self.area or self.by_id.get(p.merged_id, {}).get("area") == self.area,
                        on_or_after(p.as_of, self.since))
        return conflict_digest(self.series, LIMITS["conflicts"], self._profiled, scope)  # sources_section comes first

    @cached_property
    def _undated_inconsistent_by_doc(self) -> dict[int, list]:
        by_doc: dict[int, list] = {}
        for row in self.rows:
            for q in row.earlier:
                if q.status == "undated, inconsistent":
                    for doc_id in sorted({r["document_id"] for r in q.reports}):
                        by_doc.setdefault(doc_id, []).append((row, q))
        return by_doc

    def _in_area(self, c) -> bool:
        return not self.area or bool({self.by_id.get(x.merged_id, {}).get("area") for x in (c.a, c.b)} & {self.area})

    def _doc_source(self, doc_id: int) -> list[Source]:
        report = self._first_report(doc_id)
        return [self.lib.source(report)] if report else []

    def _specificity(self, p: dict, ranked: list[dict]) -> Item:
        rank = ranked.index(p) + 1
        place = ("the most specific" if rank == 1 else "the least specific" if rank == len(ranked)
                 else f"the {_ordinal(rank)} most specific")
        disagrees = bool(self._conflicts.by_doc.get(p["document_id"]))
        text = (f"It is {place} of the {len(ranked)} sources with facts, at {p['facts_per_1000_words']:.1f} facts "
                f"per 1,000 words; {p['hedged_share']:.0%} of its claims are hedged and "
                f"{p['corroborated_share']:.0%} are also reported by another document")
        if not disagrees:
            text += ", and none of its figures conflicts with another source"
        return _item(text, self.cite(self._doc_source(p["document_id"])))

    def _only_here(self, p: dict) -> list[Item]:
        own = [self.by_id[f["id"]] for f in p["only_here_facts"] if f["id"] in self.by_id]
        if not own:
            if p["facts"]:
                return [_item("Everything it reports is also reported by another document",
                              self.cite(self._doc_source(p["document_id"])))]
            return []
        own.sort(key=lambda m: (KIND_ORDER[m["kind"]] if m["kind"] != "figure" else -1,
                                min(r["start"] for r in self._own(m, p["document_id"]))))
        shown = own[:4]
        lead = (f"Only it reports {len(own)} of its facts" + (", among them " if len(own) > len(shown) else ": "))
        parts = [Part(lead)]
        for i, m in enumerate(shown):
            sep = "" if i == 0 else "; "
            report = min(self._own(m, p["document_id"]), key=lambda r: r["start"])
            parts.append(Part(sep + self._phrase(m), self.cite([self.lib.source(report)])))
        return [Item(parts)]

    def _phrase(self, m: dict) -> str:
        f = m["fields"]
        if m["kind"] == "figure":
            label = m.get("series_label") or m["label"]
            date = f" ({short_date(f.get('as_of'))})" if f.get("as_of") else ""
            return f"{label}, {figure_value(f['value'], f.get('unit'), f.get('qualifier'), f.get('change'))}{date}"
        if m["kind"] == "agreement":
            date = f" ({short_date(f.get('date'))})" if f.get("date") else ""
            return f"{f.get('name') or f.get('type')}{date}"
        if m["kind"] == "transfer":
            status = (f.get("status") or "").replace("_", " ")
            return f"{quantity(f.get('quantity'), f.get('item') or 'equipment')} ({status})"
        date = f.get("date")
        label = "event" if f.get("type") in (None, "other") else f["type"].replace("_", " ")
        where = f" in {f['location']}" if f.get("location") else ""
        return f"{label}{where}{' (' + short_date(date) + ')' if date else ''}"

    def _in(self, doc_id: int, point: Point) -> bool:
        return any(r["document_id"] == doc_id for r in point.reports)

    def _disagreements(self, p: dict) -> list[Item]:
        doc_id = p["document_id"]
        out = []
        mine_all = [c for c in self._conflicts.by_doc.get(doc_id, []) if self._in_area(c)]
        mine_all.sort(key=lambda c: -(c.a.sources + c.b.sources))  # the best supported first
        for c in mine_all[:LIMITS["disagreements"]]:
            mine, theirs = (c.a, c.b) if self._in(doc_id, c.a) else (c.b, c.a)
            other = [r for r in theirs.reports if r["document_id"] != doc_id]
            who = join_names(sorted({_who(self.lib.docs.get(r["document_id"], {})) for r in other}))
            out.append(Item([
                Part(f"It disagrees with {who} on {c.series.label} for {_period(mine.as_of, theirs.as_of)}: it gives "
                     f"{figure_value(mine.value, mine.unit, mine.qualifier)}",
                     self.cite([self.lib.source(r) for r in self._first_per_doc(mine.reports, doc_id)])),
                Part(f", the other source {figure_value(theirs.value, theirs.unit, theirs.qualifier)}",
                     self.cite(self.sources(other))),
            ]))
        if len(mine_all) > LIMITS["disagreements"]:
            more = len(mine_all) - LIMITS["disagreements"]
            out.append(_item(f"It disagrees with other sources on {more:,} more figure{'s' if more != 1 else ''} "
                             "(`bilat conflicts` lists them)", self.cite(self._doc_source(doc_id))))
        for row, q in self._undated_inconsistent_by_doc.get(doc_id, [])[:LIMITS["disagreements"]]:
            cur = row.shown
            out.append(Item([
                Part(f"Its undated figure for {row.series.label}, "
                     f"{figure_value(q.value, q.unit, q.qualifier)}, does not match",
                     self.cite([self.lib.source(r) for r in self._first_per_doc(q.reports, doc_id)])),
                Part(f" the current {figure_value(cur.value, cur.unit, cur.qualifier)} "
                     f"({long_date(cur.as_of)})", self.cites(cur)),
            ]))
        return out

    def _first_per_doc(self, reports, doc_id) -> list[dict]:
        own = [r for r in reports if r["document_id"] == doc_id]
        return [min(own, key=lambda r: r["start"])] if own else []

    def open_section(self) -> Section:
        items = []
        talks = [m for m in self.of_kind("transfer") if m["fields"].get("status") == "in_talks"]
        talks.sort(key=lambda m: (-m["sources"], m["fields"].get("item") or ""))
        counts = [(min(len(talks), LIMITS["talks"]), len(talks), "reported talks")]
        for m in talks[:LIMITS["talks"]]:
            date = fact_date(m)
            text = transfer_clause(m["fields"])
            if date:
                text = f"{when(date)}, {text[:1].lower()}{text[1:]}"
            items.append(_item(text, self.cites(m)))
        pending = [m for m in self.of_kind("event") if (m["fields"].get("modality") or "occurred")
                   in ("planned", "reported")]
        restated = redundant_events(pending, self.of_kind("agreement") + self.of_kind("transfer"))
        pending = [m for m in pending if m["id"] not in restated]
        chosen = {m["id"] for m in best_supported(pending, LIMITS["pending"], support=lambda m: m["sources"])}
        counts.append((len(chosen), len(pending), "planned or reported events"))
        pending.sort(key=lambda m: (m["fields"].get("modality") != "planned", str(fact_date(m) or ""), m["id"]))
        for m in pending:
            if m["id"] in chosen:
                items.append(_item(self.sentence(m), self.cites(m)))
        shown = self._conflicts.best
        counts.append((len(shown), self._conflicts.count, "disagreements"))
        for c in shown:
            items.append(Item([
                Part(f"Sources disagree on {c.series.label} for {_period(c.a.as_of, c.b.as_of)}: "
                     f"{figure_value(c.a.value, c.a.unit, c.a.qualifier)}", self.cites(c.a)),
                Part(f" against {figure_value(c.b.value, c.b.unit, c.b.qualifier)}", self.cites(c.b)),
            ]))
        mismatched = [(row, q) for row in self.rows for q in row.earlier if q.status == "undated, inconsistent"]
        kept = best_supported(mismatched, LIMITS["undated"], support=lambda x: x[1].sources)
        counts.append((len(kept), len(mismatched), "undated figures that do not match"))
        for row, q in kept:
            cur = row.shown
            items.append(Item([
                Part(f"An undated figure of {figure_value(q.value, q.unit, q.qualifier)} for "
                     f"{row.series.label} does not match", self.cites(q)),
                Part(f" the current value, {figure_value(cur.value, cur.unit, cur.qualifier)} as of "
                     f"{long_date(cur.as_of)}", self.cites(cur)),
            ]))
        return Section("open", "Unconfirmed and open", items=items,
                       omitted=omitted(counts, "`bilat facts` and `bilat conflicts`"))

    def build(self) -> Brief:
        sections = [self.happened(), self.figures(), self.history(), self.sources_section(), self.open_section()]
        self.cite.add_quotes(self.lib)
        involved = {r.document_id for r in self.cite.references}
        return Brief(self.title, self.area, self.since, self.as_of, self.recent_from, len(involved),
                     self.first_published, self.as_of, sections, self.cite.references)


def best_supported(entries: list, limit: int, support: Callable, newest: Callable | None = None) -> list:
    """At most ``limit`` entries: the most supported, then the newest, then the first given; in their given order."""
    if len(entries) <= limit:
        return list(entries)
    if newest:
        keyed = ((support(e), newest(e), -i) for i, e in enumerate(entries))
    else:
        keyed = ((support(e), -i) for i, e in enumerate(entries))
    keep = {-k[-1] for k in heapq.nlargest(limit, keyed)}
    return [e for i, e in enumerate(entries) if i in keep]


def omitted(counts: list[tuple[int, int, str]], where: str, chosen_by: str = "the best supported") -> str | None:
    """The note under a capped part: ``counts`` are (shown, found, what)."""
    cut = [f"{shown:,} of {found:,} {what}" for shown, found, what in counts if found > shown]
    if not cut:
        return None
    listing = cut[0] if len(cut) == 1 else ", ".join(cut[:-1]) + " and " + cut[-1]
    return f"This part shows {listing}, {chosen_by}; {where} {'list' if ' and ' in where else 'lists'} them all."


def _who(doc: dict) -> str:
    """A source as a sentence names it: its publisher, else its title, else its file."""
    return doc.get("publisher") or (f"“{doc['title']}”" if doc.get("title") else None) or doc.get("name") \
        or "another source"


def _period(a: str, b: str) -> str:
    """The period two conflicting values share: their common month, or year."""
    precision = min(len(a), len(b), 7)
    return long_date(a[:precision])


def _figure_label(fact: dict) -> str:
    return fact.get("series_label") or fact["fields"].get("measure") or fact["label"]


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun if n == 1 else plural(noun)}"


def _ordinal(n: int) -> str:
    words = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
    if n <= len(words):
        return words[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _source_heading(doc: dict) -> str:
    return f"{doc.get('publisher') or 'Unknown publisher'}: {doc.get('title') or doc.get('name')}"


def _source_meta(doc: dict) -> str:
    date = long_date(doc["published"]) if doc.get("published") else "undated"
    return f"{date} · {doc.get('name')}"


@without_gc
def build_brief(store, area: str | None = None, since=None, title: str | None = None,
                use_cache: bool = True) -> Brief:
    """The brief for ``area`` (all areas when None) and facts dated on or after
    ``since`` (YYYY, YYYY-MM or YYYY-MM-DD; undated facts count with their
    sources' publication dates).

    A brief depends only on the store, so it is kept there and reused until a
    document or fact changes (:mod:`bilat.store.cache`); ``use_cache=False``
    always builds it afresh.
    """
    check_area(area)
    name = _cache_name(area, parse_since(since), title)
    if use_cache:
        kept = cache.load(store, name)
        if kept is not None:
            return brief_from_json(kept)
    paper = _Builder(store, area, since, title).build()
    if use_cache:
        cache.save(store, name, brief_to_json(paper))
    return paper


def _cache_name(area, since, title) -> str:
    # the code that words a brief is part of the key: a new bilat never serves an old wording
    sources = ("brief.py", "paper.py", "timeline.py")
    code = hashlib.sha256(b"".join(Path(__file__).with_name(f).read_bytes() for f in sources))
    return "brief:" + json.dumps([__version__, code.hexdigest()[:16], area, since, title])





# The renderers, re-exported: ``brief.to_markdown(brief.build_brief(store))``.
from .pdf import to_pdf, transliterate  # noqa: E402
from .render import md_escape, md_reference, reference_html, to_html, to_markdown  # noqa: E402

__all__ = ["build_brief", "Brief", "Reference", "LIMITS", "MAX_CITES", "brief_from_json", "brief_to_json",
           "to_markdown", "to_html", "to_pdf", "transliterate", "md_escape", "md_reference", "reference_html",
           "EMPTY"]
