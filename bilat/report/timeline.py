"""The timeline: dated agreements, transfers and events, oldest first, each cited.

``build_timeline`` reads merged facts from the store and turns each dated
agreement, transfer and event into an :class:`Entry` whose text comes from a
template filled with the fact's fields (no language model, so the same store
always gives the same timeline). Every entry cites the documents that report
the fact, each with the quote it rests on. The sentence templates here are
shared with the brief (:mod:`bilat.report.brief`).
"""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field

from bilat.errors import QueryError
from bilat.extract import AREAS
from bilat.store import knowledge

# -- citable sources -----------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One citable report: a document and the quote a statement rests on."""

    document_id: int
    name: str           # the file name or URL the document was first seen under
    location: str       # full path or URL
    publisher: str | None
    title: str | None
    published: str | None
    quote: str | None   # None until Library.quotes fills it (reports read as outlines)
    start: int
    end: int
    fact_id: str | None = field(default=None, compare=False)

    @property
    def key(self) -> tuple:
        return (self.document_id, self.start, self.end)

    def as_dict(self) -> dict:
        return {"doc": self.name, "location": self.location, "publisher": self.publisher, "title": self.title,
                "published": self.published, "quote": self.quote, "start": self.start, "end": self.end}


class Library:
    """Document metadata and entity types, read once, to turn reports into sources."""

    def __init__(self, store):
        self.store = store
        self.docs = {d["id"]: d for d in store.documents()}
        self.entity_types = knowledge.entity_types(store)

    def fill(self, reports: list[dict], fields: bool = True) -> None:
        """Give outline reports (see ``Store.merged_outline``) their quotes and, unless
        ``fields`` is False, their fields."""
        if any("quote" not in r or (fields and "fields" not in r) for r in reports):
            self.store.report_details(reports, fields)

    def quotes(self, sources: list[Source]) -> dict[str, str]:
        """The quotes of sources made from outline reports, by report id."""
        reports = [{"fact_id": s.fact_id} for s in sources if s.quote is None and s.fact_id]
        self.store.report_details(reports, fields=False)
        return {r["fact_id"]: r["quote"] for r in reports if "quote" in r}

    def source(self, report: dict) -> Source:
        doc = self.docs.get(report["document_id"], {})
        return Source(
            document_id=report["document_id"], name=report.get("name") or doc.get("name") or "",
            location=doc.get("location") or report.get("name") or "",
            publisher=report.get("publisher") or doc.get("publisher"),
            title=report.get("title") or doc.get("title"),
            published=report.get("published") or doc.get("published"),
            quote=report.get("quote"), start=report["start"], end=report["end"], fact_id=report.get("fact_id"))

    @staticmethod
    def source_keys(reports: list[dict]) -> set[tuple]:
        """The keys of :meth:`sources`, without building them."""
        return {(r["document_id"], r["start"], r["end"]) for r in _first_per_document(reports)}

    def sources(self, reports: list[dict]) -> list[Source]:
        """One source per document (its first report in the text), oldest document first."""
        found = [self.source(r) for r in _first_per_document(reports)]
        return sorted(found, key=lambda s: (s.published or "9999", s.document_id))


def _first_per_document(reports) -> list[dict]:
    """Each document's first report in its text (the first given, on a tie)."""
    first: dict[int, dict] = {}
    for r in reports:
        seen = first.get(r["document_id"])
        if seen is None or (r.get("start") or 0) < (seen.get("start") or 0):
            first[r["document_id"]] = r
    return list(first.values())


# -- dates ----------------------------------------------------------------------

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _parts(date: str | None):
    m = _ISO.match(str(date or ""))
    if not m:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    month = int(month) if month and 1 <= int(month) <= 12 else None
    return int(year), month, int(day) if day and month else None


def long_date(date: str | None) -> str:
    """2025-11-02 -> 2 November 2025; 2025-11 -> November 2025; 2025 -> 2025."""
    return _written(date, short=False)


def short_date(date: str | None) -> str:
    """2025-11-02 -> 2 Nov 2025; 2025-11 -> Nov 2025; 2025 -> 2025."""
    return _written(date, short=True)


def _written(date: str | None, short: bool) -> str:
    p = _parts(date)
    if not p:
        return str(date or "undated")
    year, month, day = p
    if not month:
        return str(year)
    name = MONTHS[month - 1][:3] if short else MONTHS[month - 1]
    return f"{day} {name} {year}" if day else f"{name} {year}"


def when(date: str | None) -> str:
    """The opening of a sentence: On 2 November 2025 / In November 2025 / In 2025."""
    p = _parts(date)
    if p and p[2]:
        return f"On {long_date(date)}"
    return f"In {long_date(date)}"


def on_or_after(date: str | None, since: str | None) -> bool:
    """Whether a date (of any precision) can fall on or after ``since``:
    "2025" counts for since 2025-06-01."""
    if not since:
        return True
    if not date:
        return False
    date = str(date)
    return date >= since[:len(date)]


def parse_since(since) -> str | None:
    """``since`` as an ISO date prefix (YYYY, YYYY-MM or YYYY-MM-DD), or None."""
    if since is None or since == "":
        return None
    if isinstance(since, (dt.date, dt.datetime)):
        return since.strftime("%Y-%m-%d")
    text = str(since).strip()
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text) or not _parts(text):
        raise QueryError(f"--since wants a date as YYYY, YYYY-MM or YYYY-MM-DD, not {since!r}")
    return text


def check_area(area: str | None) -> None:
    if area is not None and area not in AREAS:
        raise QueryError(f"unknown area {area!r}; choose one of: {', '.join(AREAS)}")


def fact_date(fact: dict) -> str | None:
    """The date a merged fact is about: its own date or as_of."""
    f = fact["fields"]
    return f.get("date") or f.get("as_of") or None


def dated_by_source(fact: dict) -> str | None:
    """The fact's own date, else the latest publication date of the documents reporting it."""
    own = fact_date(fact)
    if own:
        return str(own)
    published = [r.get("published") for r in fact["reports"] if r.get("published")]
    return max(published) if published else None


# -- phrases ---------------------------------------------------------------------

COUNTRIES = {"US": "the United States", "VN": "Vietnam", "CN": "China", "RU": "Russia", "JP": "Japan",
             "IN": "India", "KR": "South Korea", "AU": "Australia", "PH": "the Philippines"}
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve")
AREA_NAMES = {
    "war_legacy": "war legacy", "maritime_security": "maritime security", "defense_trade": "defense trade",
    "training": "training", "peacekeeping": "peacekeeping", "sar_hadr": "search and rescue and disaster relief",
    "cybersecurity": "cybersecurity", "military_medicine": "military medicine", "dialogue": "dialogue",
    "multilateral": "multilateral cooperation", "general": "the relationship in general",
}
_THE = re.compile(r"^(?:United |U\.S\. |US |Department |Ministry |Communist |Vietnam People|Vietnam Coast|"
                  r"Defense POW|White House|Pentagon|Philippines)")


def country(code: str | None) -> str:
    if not code:
        return "an unnamed party"
    return COUNTRIES.get(code, code)


def cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def join_names(names: list[str]) -> str:
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def with_article(name: str) -> str:
    return f"the {name}" if _THE.match(name) else name


def actors_phrase(actors, types: dict[str, str]) -> str:
    """People first (they say more than their countries), else every party named."""
    actors = [a for a in (actors or []) if a]
    people = [a for a in actors if types.get(a) == "person"]
    chosen = list(dict.fromkeys(people or actors))[:4]
    return join_names([with_article(a) for a in chosen])


def plural(noun: str) -> str:
    head, sep, tail = noun.partition(" (")
    if head.endswith(("s", "x", "ch", "sh")):
        head += "es"
    elif head.endswith("y") and not head.endswith(("ay", "ey", "oy", "uy")):
        head = head[:-1] + "ies"
    else:
        head += "s"
    return head + (sep + tail if sep else "")


def quantity(n, item: str) -> str:
    if n in (None, ""):
        return plural(item)
    try:
        n = int(n)
    except (TypeError, ValueError):
        return f"{n} {plural(item)}"
    word = NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else f"{n:,}"
    return f"{word} {item if n == 1 else plural(item)}"


def excerpt(quote: str, limit: int = 220) -> str:
    quote = " ".join(quote.split())
    if len(quote) <= limit:
        return quote
    cut = quote[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


_CURRENCY = {"USD": "US$", "AUD": "A$", "SGD": "S$", "CAD": "C$", "NZD": "NZ$", "EUR": "€", "GBP": "£", "JPY": "¥"}
_UNITS = {"percent": "%", "m3": " m³", "m2": " m²", "km2": " km²", "ha": " ha", "km": " km", "t": " tonnes",
          "kg": " kg", "l": " litres"}


def is_currency(unit: str | None) -> bool:
    return bool(unit) and len(unit) == 3 and unit.isalpha() and unit.isupper()


def _number(value: float) -> str:
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= scale:
            text = f"{value / scale:,.3f}".rstrip("0").rstrip(".")
            return f"{text} {word}"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def money_or_amount(value: float, unit: str | None) -> str:
    number = _number(float(value))
    if is_currency(unit):
        prefix = _CURRENCY.get(unit)
        return f"{prefix}{number}" if prefix else f"{unit} {number}"
    if unit in (None, "", "count"):
        return number
    return number + _UNITS.get(unit, f" {unit}")


def figure_value(value: float, unit: str | None, qualifier: str | None = None, change: str | None = None) -> str:
    """US$430 million, over 990, about 37 ha, +US$130 million."""
    words = {"at_least": "over ", "at_most": "up to ", "approx": "about "}
    sign = "+" if change == "increment" else ""
    return f"{words.get(qualifier or 'exact', '')}{sign}{money_or_amount(value, unit)}"


# -- sentences ----------------------------------------------------------------------

MECHANISMS = {"eda": "as Excess Defense Articles", "fmf": "with Foreign Military Financing",
              "fms": "through Foreign Military Sales", "dcs": "through a direct commercial sale",
              "grant": "as a grant", "sale": "in a sale"}
AGREEMENT_VERBS = {"joint_statement": "issued", "joint_vision_statement": "adopted", "treaty": "concluded",
                   "action_plan": "adopted"}
THIN_EVENTS = ("other", "announcement", "cancellation", "delivery")
_KNOWN_EVENTS = ("talks", "visit", "agreement_signing", "exercise", "port_call", "expo", "relationship_upgrade",
                 *THIN_EVENTS)


def agreement_clause(fields: dict) -> str:
    """Vietnam and the United States signed the 2011 MoU ... (no date, no period)."""
    name = (fields.get("name") or fields.get("type") or "agreement").strip()
    if not re.match(r"(?i)(the|a|an)\s", name):
        name = "the " + name
    verb = AGREEMENT_VERBS.get(fields.get("type"), "signed")
    parties = fields.get("parties") or []
    if parties:
        return f"{cap(join_names([country(p) for p in parties]))} {verb} {name}"
    return f"{cap(name)} was {verb}"


def transfer_clause(fields: dict) -> str:
    item = fields.get("item") or "equipment"
    what = quantity(fields.get("quantity"), item)
    supplier, recipient = country(fields.get("supplier")), country(fields.get("recipient"))
    mechanism = fields.get("mechanism")
    how = f" {MECHANISMS[mechanism]}" if mechanism in MECHANISMS else ""
    status = fields.get("status")
    if status == "delivered":
        return f"{cap(supplier)} delivered {what} to {recipient}{how}"
    if status == "committed":
        if mechanism in ("sale", "fms", "dcs"):
            return f"{cap(recipient)} agreed to buy {what} from {supplier}{how.replace(' in a sale', '')}"
        return f"{cap(supplier)} committed to provide {what} to {recipient}{how}"
    if status == "declined":
        return f"{cap(recipient)} declined {what} offered by {supplier}{how}"
    if status == "in_talks":
        deal = "sale" if mechanism in ("sale", "fms", "dcs") else "transfer"
        return f"Talks on a possible {deal} of {plural(item) if not fields.get('quantity') else what} " \
               f"from {supplier} to {recipient} are reported, with no deal confirmed"
    return f"{cap(supplier)} and {recipient} discussed {what}"


def _countries(actors, types: dict[str, str]) -> list[str]:
    return [a for a in actors or [] if types.get(a) == "country"]


def _at(loc: str, types: dict[str, str]) -> str:
    return f"in {loc}" if types.get(loc) == "country" else f"at {loc}"


def event_clause(fields: dict, quote: str, types: dict[str, str]) -> str:
    """An event that took place, without its date: "Pete Hegseth and Phan Van
    Giang met during a visit to Vietnam". Events a template would misstate are
    given by their quote: types that say little (other, announcement, delivery,
    cancellation), events not (yet) confirmed, and events naming more than two
    countries (a template would pair the wrong ones)."""
    kind = fields.get("type") or "other"
    loc = fields.get("location")
    raw = [a for a in fields.get("actors") or [] if a]
    actors = actors_phrase(raw, types)
    people = [a for a in raw if types.get(a) == "person"]
    others = list(dict.fromkeys(a for a in raw if types.get(a) != "person"))
    where = f" in {loc}" if loc else ""
    if is_thin(fields, types):
        return f"In {loc}: “{excerpt(quote)}”" if loc else f"“{excerpt(quote)}”"
    if kind == "talks":
        return f"{cap(actors) or 'The two sides'} held talks{where}"
    if kind == "visit":
        if len(people) == 1:
            return f"{people[0]} visited {loc}" if loc else f"{people[0]} paid a visit"
        return f"{cap(actors)} met during a visit{' to ' + loc if loc else ''}" if actors \
            else f"A visit took place{where}"
    if kind == "agreement_signing":
        return f"{cap(actors) or 'The two sides'} signed an agreement{where}"
    if kind == "exercise":
        return f"{cap(actors) or 'The two sides'} held an exercise{' off ' + loc if loc else ''}"
    if kind == "port_call":
        return f"A port call was made {_at(loc, types)}" if loc else "A port call was made"
    if kind == "expo":
        return f"A defense expo was held{where}" + (f", with {actors} taking part" if actors else "")
    # relationship_upgrade: between exactly two parties (is_thin sends the rest to their quote)
    return f"{cap(join_names([with_article(a) for a in others]))} upgraded their relations"


def is_thin(fields: dict, types: dict[str, str]) -> bool:
    """Whether an event is better given by its quote than by a template."""
    kind = fields.get("type") or "other"
    if kind in THIN_EVENTS or kind not in _KNOWN_EVENTS:
        return True
    if (fields.get("modality") or "occurred") != "occurred":
        return True
    raw = fields.get("actors") or []
    if len(set(_countries(raw, types))) > 2:
        return True
    if kind == "relationship_upgrade":
        others = {a for a in raw if types.get(a) != "person"}
        return len(others) != 2
    return False


def event_sentence(fields: dict, quote: str, types: dict[str, str], date: str | None) -> str:
    modality = fields.get("modality") or "occurred"
    if modality == "planned":
        return f"Planned for {long_date(date) if date else 'a date not given'}: “{excerpt(quote)}”"
    if modality == "reported":
        return f"Reported, not confirmed ({long_date(date) if date else 'undated'}): “{excerpt(quote)}”"
    if is_thin(fields, types):
        loc = fields.get("location")
        return f"{when(date)}{', in ' + loc if loc else ''}: “{excerpt(quote)}”"
    clause = event_clause(fields, quote, types)
    return f"{when(date)}, {clause[:1].lower() + clause[1:] if _lower_ok(clause) else clause}"


def _lower_ok(clause: str) -> bool:
    """Whether the clause's first word is a common word (A, The, Talks) rather than a name."""
    first = clause.split(" ", 1)[0]
    return first in ("A", "An", "The", "Talks", "In")


def primary_report(fact: dict) -> dict:
    """The report a sentence quotes: from the earliest dated source (as citations are ordered)."""
    return min(fact["reports"], key=lambda r: (r.get("published") or "9999", r["document_id"], r.get("start") or 0))


def clause_for(fact: dict, types: dict[str, str]) -> str:
    """A fact as a clause without its date (agreements, transfers, events)."""
    if fact["kind"] == "agreement":
        return agreement_clause(fact["fields"])
    if fact["kind"] == "transfer":
        return transfer_clause(fact["fields"])
    if fact["kind"] == "event":
        quote = primary_report(fact)["quote"] if fact["reports"] else ""
        return event_clause(fact["fields"], quote, types)
    return fact["label"]


def sentence_for(fact: dict, types: dict[str, str]) -> str:
    """A full sentence (without citations and final period) with the date first."""
    date = fact_date(fact)
    if fact["kind"] == "event":
        quote = primary_report(fact)["quote"] if fact["reports"] else ""
        return event_sentence(fact["fields"], quote, types, date)
    clause = clause_for(fact, types)
    if not date:
        return clause
    return f"{when(date)}, {clause[:1].lower() + clause[1:] if _lower_ok(clause) else clause}"


# -- which facts make the timeline ----------------------------------------------------


def _evidence_spans(facts: list[dict]) -> set[tuple]:
    return {(r["document_id"], r["start"]) for f in facts for r in f["reports"]}


def redundant_events(events: list[dict], others: list[dict]) -> set[str]:
    """Events that only restate an agreement or a transfer from the same sentences
    ("In 2015 the two countries signed an MOU" is the MOU, not a second entry)."""
    spans = _evidence_spans(others)
    drop = set()
    for e in events:
        if e["fields"].get("type") in ("agreement_signing", "announcement", "delivery") and e["reports"] and all(
                (r["document_id"], r["start"]) in spans for r in e["reports"]):
            drop.add(e["id"])
    return drop


def status_of(fact: dict) -> str:
    """occurred / planned / reported for events; the transfer status; "agreed" for agreements."""
    f = fact["fields"]
    if fact["kind"] == "event":
        return f.get("modality") or "occurred"
    if fact["kind"] == "transfer":
        return f.get("status") or "unknown"
    return "agreed"


def selected_facts(store, area: str | None, since: str | None) -> list[dict]:
    """Merged agreements, transfers and events of the area, on or after ``since``
    (undated facts are judged by their sources' publication dates)."""
    found = [m for m in store.merged_outline() if m["kind"] in ("agreement", "transfer", "event")
             and (area is None or m["area"] == area)]
    return [m for m in found if on_or_after(dated_by_source(m), since)]


# -- the timeline ----------------------------------------------------------------------


@dataclass
class Entry:
    date: str
    kind: str
    text: str
    citations: list[Source] = field(default_factory=list)
    status: str = ""
    area: str = ""
    fact_id: str = ""

    def as_dict(self) -> dict:
        return {"date": self.date, "kind": self.kind, "status": self.status, "area": self.area,
                "fact": self.fact_id, "text": self.text, "citations": [c.as_dict() for c in self.citations]}


def entries_for(facts: list[dict], library: Library, cited: bool = True) -> list[Entry]:
    """Dated facts as timeline entries, oldest first. With ``cited`` False the
    entries have no citations yet (a caller citing only some of many entries
    cites them from their facts)."""
    dated = [f for f in facts if fact_date(f)]
    events = [f for f in dated if f["kind"] == "event"]
    others = [f for f in facts if f["kind"] in ("agreement", "transfer")]
    drop = redundant_events(events, others)
    entries, reports = [], {}
    for f in dated:
        if f["id"] in drop:
            continue
        entries.append(Entry(date=str(fact_date(f)), kind=f["kind"], text=sentence_for(f, library.entity_types),
                             citations=library.sources(f["reports"]) if cited else [], status=status_of(f),
                             area=f["area"] or "", fact_id=f["id"]))
        reports[f["id"]] = f["reports"]
    order = {"agreement": 0, "transfer": 1, "event": 2}
    entries.sort(key=lambda e: (e.date, order.get(e.kind, 3), e.text))
    return _without_echoes(entries, lambda e: library.source_keys(reports[e.fact_id]))


def _without_echoes(entries: list[Entry], cited_as) -> list[Entry]:
    """Drop an entry that only quotes what another entry of the same date states
    from the same sentences (a visit and the upgrade "established during" it).
    ``cited_as(entry)`` gives the keys of the sources an entry cites."""
    def quoted(e: Entry) -> bool:
        return "“" in e.text and e.kind == "event"

    same_date: dict = {}
    for e in entries:  # compare only entries of one date: the whole list would be quadratic
        same_date.setdefault(e.date, []).append(e)
    keys: dict[int, set] = {}

    def key(e: Entry) -> set:  # only entries that may be echoes, and their neighbours, need them
        if id(e) not in keys:
            keys[id(e)] = cited_as(e)
        return keys[id(e)]

    keep = []
    for e in entries:
        if quoted(e) and any(o is not e and not quoted(o) and key(e) <= key(o) for o in same_date[e.date]):
            continue
        keep.append(e)
    return keep


def build_timeline(store, area: str | None = None, since=None) -> list[Entry]:
    """Dated agreements, transfers and events of the store, oldest first, each
    with its sources (one quote per document)."""
    check_area(area)
    since = parse_since(since)
    library = Library(store)
    facts = selected_facts(store, area, since)
    library.fill([r for m in facts for r in m["reports"]], fields=False)  # every quote, read in batches
    return entries_for(facts, library)


# -- rendering ---------------------------------------------------------------------------

TIMELINE_TITLE = "Timeline of Vietnam–United States defense cooperation"


def number_citations(entries: list[Entry]) -> tuple[list[list[int]], list[Source]]:
    """Citation numbers per entry, and the reference list in order of first citation."""
    numbers: dict[tuple, int] = {}
    refs: list[Source] = []
    per_entry = []
    for e in entries:
        mine = []
        for s in e.citations:
            if s.key not in numbers:
                numbers[s.key] = len(refs) + 1
                refs.append(s)
            mine.append(numbers[s.key])
        per_entry.append(sorted(set(mine)))
    return per_entry, refs


def _scope(area: str | None, since: str | None) -> str:
    bits = [f"Area: {AREA_NAMES.get(area, area)}" if area else "All areas of cooperation"]
    if since:
        bits.append(f"since {long_date(since)}")
    return ", ".join(bits)


_DATE_OPENING = re.compile(r"^(?:On|In) [^,:“]+(?:, |: )")


def without_date(entry: Entry) -> str:
    """The entry's text without its opening date phrase, for layouts that show the date apart."""
    if entry.text.startswith(("Planned", "Reported")):
        return entry.text
    return cap(_DATE_OPENING.sub("", entry.text, count=1))


def status_note(entry: Entry) -> str:
    """"committed", "planned"... when the entry is not a settled fact ("" when it is)."""
    return "" if entry.status in ("occurred", "agreed", "delivered") else entry.status.replace("_", " ")


def to_markdown(entries: list[Entry], area: str | None = None, since: str | None = None) -> str:
    from .render import md_escape, md_reference  # shared with the brief

    numbers, refs = number_citations(entries)
    lines = [TIMELINE_TITLE.join(("# ", "")), "", f"_{_scope(area, since)} · {len(entries)} entries, oldest first_", ""]
    for e, nums in zip(entries, numbers):
        note = f" ({status_note(e)})" if status_note(e) else ""
        lines.append(f"- **{short_date(e.date)}** · {e.kind}{note} — {md_escape(without_date(e))} "
                     f"[{', '.join(map(str, nums))}].")
    lines += ["", "## References", ""]
    for i, source in enumerate(refs, 1):
        lines += [md_reference(i, source), ""]
    return "\n".join(lines).rstrip() + "\n"


def to_json(entries: list[Entry]) -> str:
    return json.dumps([e.as_dict() for e in entries], ensure_ascii=False, indent=2) + "\n"


def to_html(entries: list[Entry], area: str | None = None, since: str | None = None) -> str:
    """One self-contained HTML page (inline CSS, nothing loaded from elsewhere)."""
    from .render import cite_html, html_page, reference_html

    numbers, refs = number_citations(entries)
    esc = html.escape
    rows = []
    for e, nums in zip(entries, numbers):
        note = f'<span class="tag">{esc(status_note(e))}</span>' if status_note(e) else ""
        rows.append(f'<li><span class="when">{esc(short_date(e.date))}</span><span class="what">'
                    f'<span class="kind">{esc(e.kind)}</span>{note}{esc(without_date(e))}{cite_html(nums)}.'
                    f"</span></li>")
    body = (f'<header class="titleblock"><p class="kicker">bilat · timeline</p><h1>{esc(TIMELINE_TITLE)}</h1>'
            f'<p class="scope">{esc(_scope(area, since))} · {len(entries)} entries, oldest first</p></header>'
            f'<section><ol class="timeline">{"".join(rows)}</ol></section>'
            f'<section class="refs"><h2>References</h2><ol>'
            f'{"".join(reference_html(i, s) for i, s in enumerate(refs, 1))}</ol></section>')
    return html_page(TIMELINE_TITLE, body)
