"""Figures over time: series per measure, the current value, and conflicts.

Pure functions over merged figures (as ``Store.merged_facts("figure")``
returns them). A series is every merged figure of one measure and unit,
ordered by as_of; the latest dated level is current and earlier ones are
superseded. Two levels of the same period whose ranges cannot overlap, once
qualifiers are read ("over 990" is a floor, "about 300" a band), conflict —
when different sources state them: one source's own list of values is a
breakdown or a change, not a disagreement.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from bilat.bulk import without_gc

EXACT_TOLERANCE = 0.005
APPROX_TOLERANCE = 0.10


@dataclass
class Point:
    merged_id: str
    value: float
    unit: str
    qualifier: str
    as_of: str | None
    change: str
    sources: int
    reports: list[dict]
    status: str = "undated"  # current | superseded | increment | undated[, consistent|, inconsistent]

    @property
    def low(self) -> float:
        if self.qualifier == "at_most":
            return float("-inf")
        tolerance = APPROX_TOLERANCE if self.qualifier == "approx" else EXACT_TOLERANCE
        return self.value * (1 - tolerance) if self.qualifier != "at_least" else self.value

    @property
    def high(self) -> float:
        if self.qualifier == "at_least":
            return float("inf")
        tolerance = APPROX_TOLERANCE if self.qualifier == "approx" else EXACT_TOLERANCE
        return self.value * (1 + tolerance) if self.qualifier != "at_most" else self.value

    @cached_property
    def documents(self) -> frozenset:
        """The documents stating this value."""
        return frozenset(r.get("document_id") for r in self.reports)

    def as_dict(self) -> dict:
        return {"id": self.merged_id, "value": self.value, "unit": self.unit, "qualifier": self.qualifier,
                "as_of": self.as_of, "change": self.change, "status": self.status, "sources": self.sources,
                "reports": [_report_summary(r) for r in self.reports]}


@dataclass
class Series:
    key: str
    label: str
    unit: str
    area: str
    points: list[Point] = field(default_factory=list)

    @property
    def current(self) -> Point | None:
        return next((p for p in reversed(self.points) if p.status == "current"), None)

    def as_dict(self) -> dict:
        current = self.current
        return {"key": self.key, "label": self.label, "unit": self.unit, "area": self.area,
                "current": current.as_dict() if current else None,
                "points": [p.as_dict() for p in self.points]}


@dataclass
class Conflict:
    series: Series
    a: Point
    b: Point

    @property
    def reason(self) -> str:  # worded when asked: a large store can hold many conflicts
        return f"{_describe(self.a)} and {_describe(self.b)} for the same period cannot both be true"

    def as_dict(self) -> dict:
        return {"measure": self.series.label, "key": self.series.key, "unit": self.series.unit,
                "reason": self.reason, "sides": [self.a.as_dict(), self.b.as_dict()]}


def _sortable(date: str | None) -> str:
    return date or ""


def _report_summary(report: dict) -> dict:
    return {"doc": report.get("name"), "publisher": report.get("publisher"), "published": report.get("published"),
            "quote": report.get("quote"), "start": report.get("start"), "end": report.get("end")}


@without_gc
def build_series(merged_figures: list[dict]) -> list[Series]:
    grouped: dict[tuple, Series] = {}
    for fact in merged_figures:
        f = fact["fields"]
        if f.get("value") is None:
            continue
        key = (fact["series"] or fact["key"], f.get("unit"))
        series = grouped.setdefault(key, Series(key[0], fact["series_label"] or fact["label"], f.get("unit"),
                                                fact.get("area") or "general"))
        series.points.append(Point(fact["id"], float(f["value"]), f.get("unit"), f.get("qualifier") or "exact",
                                   f.get("as_of"), f.get("change") or "level", fact["sources"], fact["reports"]))
    for series in grouped.values():
        series.points.sort(key=lambda p: (_sortable(p.as_of), p.value))
        levels = [p for p in series.points if p.change != "increment"]
        for p in series.points:
            p.status = "increment" if p.change == "increment" else ("undated" if not p.as_of else "superseded")
        dated = [p for p in levels if p.as_of]
        if dated:
            latest = max(_sortable(p.as_of) for p in dated)
            # Several levels as of the same date: the best supported, then the one
            # stated later in the text, then the larger (a source saying "from $300
            # million to $430 million" gives both in one sentence; totals grow).
            newest = max((p for p in dated if _sortable(p.as_of) == latest),
                         key=lambda p: (p.sources, max(r.get("start") or 0 for r in p.reports), p.value))
            newest.status = "current"
            for p in levels:  # an undated value can still be read against the current one
                if not p.as_of:
                    p.status = "undated, consistent" if overlaps(p, newest) else "undated, inconsistent"
    return sorted(grouped.values(), key=lambda s: (-sum(p.sources for p in s.points), s.label))


def overlaps(a: Point, b: Point) -> bool:
    """Whether both values can be true at once ("over 990" and 994 can)."""
    return not (a.high < b.low or b.high < a.low)


def same_period(a: str | None, b: str | None) -> bool:
    """Both dated, and equal at the coarser of month or their own precision."""
    if not a or not b:
        return False
    precision = min(len(a), len(b), 7)
    return a[:precision] == b[:precision]


@without_gc
def find_conflicts(series_list: list[Series]) -> list[Conflict]:
    return [Conflict(series, a, b) for series, a, b in conflicting_pairs(series_list)]


def conflicting_pairs(series_list: list[Series]):
    """(series, a, b) for each conflict, in the order of :func:`find_conflicts`,
    without building a :class:`Conflict` for each: a large store can hold many."""
    for series in series_list:
        levels = [p for p in series.points if p.change != "increment" and p.as_of]
        by_year: dict[str, list[Point]] = {}
        for p in levels:  # only values of the same year can share a period
            by_year.setdefault(p.as_of[:4], []).append(p)
        for group in by_year.values():
            for a, b in _conflicting_pairs(group):
                yield series, a, b


def _conflicting_pairs(group: list[Point]):
    """Pairs of one year's values that conflict, in the order of ``combinations(group, 2)``.

    Two values dated to different months cannot share a period, so a month-dated
    value is only compared with its own month and with coarser dates: this keeps
    the work near the number of conflicts rather than the square of the values.
    """
    docs = [p.documents for p in group]
    bounds = [(p.low, p.high) for p in group]
    month = [p.as_of[:7] if len(p.as_of) >= 7 else None for p in group]
    coarse = [i for i, m in enumerate(month) if m is None]
    by_month: dict[str, list[int]] = {}
    for i, m in enumerate(month):
        if m is not None:
            by_month.setdefault(m, []).append(i)
    for i, a in enumerate(group):
        if month[i] is None:
            later = range(i + 1, len(group))
        else:
            same = by_month[month[i]]
            later = same[bisect_right(same, i):]
            if coarse:
                later = sorted(later + coarse[bisect_right(coarse, i):])
        for j in later:
            b = group[j]
            # both with a month: the same one already; a bare year: the group's year
            if (month[i] is None or month[j] is None) and 4 < min(len(a.as_of), len(b.as_of)):
                if not same_period(a.as_of, b.as_of):
                    continue
            if not (bounds[i][1] < bounds[j][0] or bounds[j][1] < bounds[i][0]):
                continue
            # A disagreement needs a source on each side that does not state the other
            # value: one source's own list or "from $300 million to $430 million" is not one.
            if docs[i] <= docs[j] or docs[j] <= docs[i]:  # subset tests allocate nothing
                continue
            yield a, b


def _describe(p: Point) -> str:
    words = {"at_least": "at least ", "at_most": "at most ", "approx": "about ", "exact": ""}
    return f"{words.get(p.qualifier, '')}{p.value:,.0f} {p.unit} (as of {p.as_of})"
