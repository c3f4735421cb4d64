"""The brief as data: numbered references, sentences made of cited parts, sections.

What :mod:`bilat.report.brief` builds and :mod:`bilat.report.render` and
:mod:`bilat.report.pdf` lay out; also its JSON form, which the store keeps.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

from .timeline import AREA_NAMES, long_date

EMPTY = "Nothing in the store for this selection."
METHOD = ("Generated from the bilat store without a language model; every statement cites the document and the "
          "quote it rests on.")


def ref_title(ref) -> str:
    return (ref.title or ref.name or "").strip().rstrip(".")


def safe_url(location: str) -> str | None:
    """The location if it is a plain http(s) URL, safe to link to."""
    return location if re.match(r"(?i)^https?://[^\s\"'<>]+$", location or "") else None


def more_sources(more: int) -> str:
    return f" +{more:,} more" if more else ""


# -- the data structure ---------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A numbered reference: one document and the quote a statement rests on."""

    number: int
    document_id: int
    name: str
    location: str
    publisher: str | None
    title: str | None
    published: str | None
    quote: str
    start: int
    end: int

    def as_dict(self) -> dict:
        return {"number": self.number, "doc": self.name, "location": self.location, "publisher": self.publisher,
                "title": self.title, "published": self.published, "quote": self.quote,
                "start": self.start, "end": self.end}


class Cites(list):
    """Reference numbers, and how many further sources state the same but are not listed."""

    more = 0


@dataclass
class Part:
    """A stretch of text followed by its citations; ``more`` counts the
    further sources that state it, beyond the ones cited (see ``MAX_CITES``)."""

    text: str
    citations: list[int] = field(default_factory=list)
    more: int = 0

    def __post_init__(self):
        self.more = self.more or getattr(self.citations, "more", 0)


@dataclass
class Item:
    """One sentence (or one table cell), made of parts that each may cite.
    ``lead`` is a short label shown before it (a date in the history)."""

    parts: list[Part]
    lead: str | None = None
    end: str = "."

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts)

    @property
    def citations(self) -> list[int]:
        return sorted({n for p in self.parts for n in p.citations})


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Item]]


@dataclass
class Section:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    table: Table | None = None
    notes: list[Item] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    meta: str | None = None  # a sub-heading's second line (source subsections)
    omitted: str | None = None  # what a capped section leaves out, and where to find it

    @property
    def empty(self) -> bool:
        return not (self.items or (self.table and self.table.rows) or self.notes or self.subsections)


@dataclass
class Brief:
    title: str
    area: str | None
    since: str | None
    as_of: str | None          # the newest publication date among the sources
    recent_from: str | None    # "What's happened" starts here
    documents: int
    first_published: str | None
    last_published: str | None
    sections: list[Section]
    references: list[Reference]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def all_items(self):
        """Every (section key, item) pair, table cells and notes included."""
        for s in self.sections:
            yield from _items(s, s.key)

    @property
    def scope(self) -> str:
        bits = [f"Area: {AREA_NAMES.get(self.area, self.area)}" if self.area else "All areas of cooperation"]
        if self.since:
            bits.append(f"since {long_date(self.since)}")
        return ", ".join(bits)

    @property
    def coverage(self) -> str:
        span = ""
        if self.first_published and self.last_published:
            span = f", published {long_date(self.first_published)} to {long_date(self.last_published)}"
        return f"{self.documents} source document{'s' if self.documents != 1 else ''}{span}"


def _items(section: Section, key: str):
    for item in section.items:
        yield key, item
    if section.table:
        for row in section.table.rows:
            for cell in row:
                yield key, cell
    for item in section.notes:
        yield key, item
    for sub in section.subsections:
        yield from _items(sub, key)


def brief_to_json(brief: Brief) -> str:
    return json.dumps(asdict(brief), ensure_ascii=False)


def brief_from_json(text: str) -> Brief:
    data = json.loads(text)

    def item(d: dict) -> Item:
        return Item([Part(p["text"], p["citations"], p["more"]) for p in d["parts"]], d["lead"], d["end"])

    def section(d: dict) -> Section:
        table = Table(d["table"]["columns"], [[item(c) for c in row] for row in d["table"]["rows"]]) \
            if d["table"] else None
        return Section(d["key"], d["title"], [item(i) for i in d["items"]], table, [item(i) for i in d["notes"]],
                       [section(x) for x in d["subsections"]], d["meta"], d["omitted"])

    data["sections"] = [section(x) for x in data["sections"]]
    data["references"] = [Reference(**r) for r in data["references"]]
    return Brief(**data)
