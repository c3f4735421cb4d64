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

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np  # imported where conflicts are compared: every command would pay for it

from bilat.bulk import without_gc

EXACT_TOLERANCE = 0.005
APPROX_TOLERANCE = 0.10
_QUALIFIERS = {"exact": 0, "approx": 1, "at_least": 2, "at_most": 3}


@dataclass(eq=False, slots=True)  # a value is itself: compared by identity; many, so slots
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
    doc_set: frozenset | None = None  # the documents stating it, when known; else read from the reports

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

    @property
    def documents(self) -> frozenset:
        """The documents stating this value."""
        if self.doc_set is None:
            self.doc_set = frozenset(r.get("document_id") for r in self.reports)
        return self.doc_set

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
        series = grouped.get(key)
        if series is None:
            series = grouped[key] = Series(key[0], fact["series_label"] or fact["label"], f.get("unit"),
                                           fact.get("area") or "general")
        change = f.get("change") or "level"
        as_of = f.get("as_of")
        status = "increment" if change == "increment" else ("superseded" if as_of else "undated")
        series.points.append(Point(fact["id"], float(f["value"]), f.get("unit"), f.get("qualifier") or "exact",
                                   as_of, change, fact["sources"], fact["reports"], status, fact.get("documents")))
    for series in grouped.values():
        series.points.sort(key=lambda p: (p.as_of or "", p.value))
        levels = [p for p in series.points if p.change != "increment"]
        dated = [p for p in levels if p.as_of]
        if dated:
            latest = max(p.as_of for p in dated)
            # Several levels as of the same date: the best supported, then the one
            # stated later in the text, then the larger (a source saying "from $300
            # million to $430 million" gives both in one sentence; totals grow).
            newest = max((p for p in dated if p.as_of == latest),
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
    found = _Pairs(series_list)
    for i, j in zip(found.first.tolist(), found.second.tolist()):
        yield found.series_of(i), found.points[i], found.points[j]


@dataclass
class Digest:
    """What a summary shows of many conflicts (see :func:`conflict_digest`)."""

    count: int = 0                                      # conflicts in scope
    best: list[Conflict] = field(default_factory=list)  # the best supported in scope, in the order found
    by_doc: dict[int, list[Conflict]] = field(default_factory=dict)  # every conflict of each wanted document


def conflict_digest(series_list: list[Series], limit: int, wanted=frozenset(), scope=None) -> Digest:
    """Count the conflicts, keep the ``limit`` best supported (most sources on
    both sides, then the newest, then the first found) and every conflict
    involving a ``wanted`` document, building a :class:`Conflict` only for those.

    ``scope(point)`` gives (in area, in period): a conflict is in scope when
    either side is in the area and either side in the period. ``by_doc``
    ignores the scope.
    """
    import numpy as np

    found, digest = _Pairs(series_list), Digest()
    first, second, points = found.first, found.second, found.points
    if wanted and len(first):
        touching = np.array([not p.documents.isdisjoint(wanted) for p in points])
        for i, j in zip(*(x[touching[first] | touching[second]].tolist() for x in (first, second))):
            c = Conflict(found.series_of(i), points[i], points[j])
            for doc_id in sorted((c.a.documents | c.b.documents) & wanted):
                digest.by_doc.setdefault(doc_id, []).append(c)
    if scope is not None and len(first):
        in_area, in_period = (np.array(flags, dtype=bool) for flags in zip(*(scope(p) for p in points)))
        chosen = (in_area[first] | in_area[second]) & (in_period[first] | in_period[second])
        first, second = first[chosen], second[chosen]
    digest.count = len(first)
    if digest.count:
        ranks = {d: k for k, d in enumerate(sorted({p.as_of for p in points}))}
        sources = np.array([p.sources for p in points])
        dated = np.array([ranks[p.as_of] for p in points])
        support = sources[first] + sources[second]
        newest = np.maximum(dated[first], dated[second])
        # the best supported, then the newest, then the first found: the few at or above
        # the limit's combined score, ranked exactly (a full sort of many conflicts costs more)
        score = support * (len(ranks) + 1) + newest
        candidates = np.flatnonzero(score >= np.partition(score, -limit)[-limit]) if len(score) > limit \
            else np.arange(len(score))
        top = np.sort(candidates[np.lexsort((candidates, -score[candidates]))][:limit])
        digest.best = [Conflict(found.series_of(i), points[i], points[j])
                       for i, j in zip(first[top].tolist(), second[top].tolist())]
    return digest


class _Pairs:
    """Every conflicting pair of values, as index arrays into ``points``.

    A pair conflicts when both values are levels of one series and period,
    their ranges cannot overlap, and each side has a source that does not state
    the other value (one source's own list, or "from $300 million to $430
    million", is not a disagreement). Values of one year are compared all at
    once as arrays; pairs come in the order of ``combinations`` over each
    series' values of a year, series by series.
    """

    CHUNK = 1 << 21  # pairs compared at once: bounds memory on very large groups

    def __init__(self, series_list: list[Series]):
        self.points: list[Point] = []
        self._series: list[Series] = []
        owners, ends = [], []
        for series in series_list:
            by_year: dict[str, list[Point]] = {}
            for p in series.points:
                if p.change != "increment" and p.as_of:
                    by_year.setdefault(p.as_of[:4], []).append(p)
            for group in by_year.values():
                if len(group) > 1:
                    self.points += group
                    owners += [len(self._series)] * len(group)
                    ends += [len(self.points)] * len(group)
                    self._series.append(series)
        self._owner = owners
        self.first, self.second = self._compare(ends)

    def series_of(self, i: int) -> Series:
        return self._series[self._owner[i]]

    def _compare(self, ends: list[int]) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        ends = np.array(ends, dtype=np.int64)
        points = self.points
        n = len(points)
        if n < 2:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        value = np.array([p.value for p in points])
        qualifier = np.array([_QUALIFIERS.get(p.qualifier, 0) for p in points])
        tolerance = np.where(qualifier == _QUALIFIERS["approx"], APPROX_TOLERANCE, EXACT_TOLERANCE)
        low = np.where(qualifier == _QUALIFIERS["at_most"], -np.inf,  # as Point.low and Point.high
                       np.where(qualifier == _QUALIFIERS["at_least"], value, value * (1 - tolerance)))
        high = np.where(qualifier == _QUALIFIERS["at_least"], np.inf,
                        np.where(qualifier == _QUALIFIERS["at_most"], value, value * (1 + tolerance)))
        # a month-dated value shares a period with its own month and with a bare year
        months = [p.as_of[:7] if len(p.as_of) >= 7 else "" for p in points]
        odd = np.array([4 < len(p.as_of) < 7 for p in points])  # a rare precision: compared as strings
        # one document each (most values): one source's own values when it is the same document
        single = np.array([next(iter(d)) if len(d) == 1 else -1 - i
                           for i, d in enumerate(p.documents for p in points)])
        codes = {m: k for k, m in enumerate(sorted(set(months)))}  # "" (a bare year) sorts first
        month = np.array([codes[m] for m in months]) - (1 if "" in codes else 0)
        multi = single < 0
        later = ends - np.arange(n) - 1  # how many values after each in its group
        cumulative = np.cumsum(later)
        firsts, seconds = [], []
        start = 0
        while start < n:  # rows of pairs, a chunk at a time
            done = int(cumulative[start - 1]) if start else 0
            stop = max(int(np.searchsorted(cumulative, done + self.CHUNK, side="right")), start + 1)
            counts = later[start:stop]
            total = int(counts.sum())
            first = np.repeat(np.arange(start, stop), counts)
            offsets = np.cumsum(counts) - counts
            second = first + 1 + (np.arange(total) - np.repeat(offsets, counts))
            keep = ((high[first] < low[second]) | (high[second] < low[first])) \
                & ((month[first] == month[second]) | (month[first] < 0) | (month[second] < 0)) \
                & (single[first] != single[second])
            for k in np.flatnonzero((odd[first] | odd[second]) & keep).tolist():
                keep[k] = same_period(points[first[k]].as_of, points[second[k]].as_of)
            for k in np.flatnonzero((multi[first] | multi[second]) & keep).tolist():
                a, b = points[first[k]].documents, points[second[k]].documents
                keep[k] = not (a <= b or b <= a)
            firsts.append(first[keep])
            seconds.append(second[keep])
            start = stop
        return np.concatenate(firsts), np.concatenate(seconds)


def _describe(p: Point) -> str:
    words = {"at_least": "at least ", "at_most": "at most ", "approx": "about ", "exact": ""}
    return f"{words.get(p.qualifier, '')}{p.value:,.0f} {p.unit} (as of {p.as_of})"
