"""Transfers: equipment given, sold, offered or discussed.

Each equipment mention from the gazetteer (families in
``bilat/data/equipment.yaml``) in a clause or sentence with a transfer cue
(``bilat/data/transfers.yaml``) is a transfer: its quantity is the number
written before it ("24 Metal Shark patrol boats", "a second-hand F-16" = 1),
its status and mechanism come from the cue words, supplier and recipient from
the countries around it and the family's maker. An ordinal anaphor ("promised
the delivery of the third one") is one more unit of the family named last, and
"a third cutter" one more of the cutter family named last. An individually
named unit ("the ex-USCGC Morgenthau", "CSB 8020 (ex-Morgenthau)") is one unit
of its family, with its own status and date. A part of a batch is a record of
its own: "the first five of 12 trainers were delivered" gives 12 committed and
5 delivered, "the first five arrived" 5 delivered of the family named last.
One record per (item, quantity, status) in a document; a generic family
("helicopters") is dropped when a named family of its category with the same
quantity is there, and a record without a quantity when its family has one
with a quantity and the same status.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, partial

from bilat.data import DataFileError, load_yaml
from bilat.nlp.annotate import AnnotatedDocument
from bilat.nlp.gazetteer import entities, entity

from .context import countries_in, is_citation, main_countries, paragraph_of, reference_start
from .model import Evidence, Fact

NAME = "transfers"
DATA_FILE = "transfers.yaml"
STATUSES = ("declined", "in_talks", "committed", "delivered")
MECHANISMS = ("eda", "fmf", "fms", "dcs", "grant", "sale")
MARITIME_ENTITIES = {"us-coast-guard", "vietnam-coast-guard", "us-navy", "vietnam-peoples-navy",
                     "vietnam-border-guard", "vietnam-fisheries-surveillance", "philippine-coast-guard",
                     "philippine-navy", "china-coast-guard", "chinese-navy"}

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
                "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
                "forty": 40, "fifty": 50, "dozen": 12, "a dozen": 12, "a pair of": 2, "a couple of": 2,
                "a": 1, "an": 1, "another": 1, "single": 1, "a single": 1, "half a dozen": 6}
ORDINALS = r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|final|last|next"
COUNT_WORDS = r"\d{1,3}|" + "|".join(w for w, n in NUMBER_WORDS.items() if " " not in w and n > 1 and w != "dozen")
SHIP_CATEGORIES = ("ship", "boat")


def _err(message: str) -> DataFileError:
    return DataFileError(f"bilat/data/{DATA_FILE}: {message}")


def _alternation(patterns, where: str, flags: int = re.I) -> re.Pattern:
    if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) for p in patterns):
        raise _err(f"'{where}' must be a non-empty list of strings")
    try:
        return re.compile(r"(?<![\w\-])(?:" + "|".join(patterns) + r")(?![\w\-])", flags)
    except re.error as exc:
        raise _err(f"bad pattern in '{where}' ({exc})") from None


@lru_cache(maxsize=1)
def _rules() -> dict:
    data = load_yaml(DATA_FILE)
    status = data.get("status")
    if not isinstance(status, dict) or set(status) != set(STATUSES):
        raise _err(f"'status' must map exactly {STATUSES} to cue lists")
    mechanism = data.get("mechanism")
    if not isinstance(mechanism, dict) or not set(mechanism) <= set(MECHANISMS):
        raise _err(f"'mechanism' must map some of {MECHANISMS} to cue lists")
    blockers = data.get("quantity_blockers")
    if not isinstance(blockers, list) or not all(isinstance(b, str) for b in blockers):
        raise _err("'quantity_blockers' must be a list of strings (quote words YAML reads as booleans: \"on\")")
    try:
        anaphor = re.compile(str(data.get("anaphor")), re.I)
    except re.error as exc:
        raise _err(f"bad 'anaphor' pattern ({exc})") from None
    labels = _alternation(data.get("source_labels"), "source_labels", 0).pattern
    return {
        "status": [(name, _alternation(status[name], f"status.{name}")) for name in STATUSES],
        "mechanism": [(name, _alternation(cues, f"mechanism.{name}",
                                          0 if all(c.isupper() for c in cues) else re.I))
                      for name, cues in mechanism.items()],
        "blockers": {b.lower() for b in blockers},
        "generic_blockers": _alternation(data.get("generic_blockers"), "generic_blockers"),
        "anaphor": anaphor,
        "sources": re.compile(r"(?:^|[.!?)\"'’”]\s+)[#*_\s]*" + labels + r"\s*:", re.M),
        "partial": _partial_rules(data.get("partial"), status["delivered"]),
        "units": _unit_rules(data.get("named_units")),
    }


def _words(data: dict, key: str, where: str) -> str:
    values = data.get(key)
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise _err(f"'{where}.{key}' must be a non-empty list of strings")
    return "|".join(values)


def _partial_rules(data, delivered: list[str]) -> dict:
    """"the first five were delivered": determiner, number, noun, auxiliary, cue."""
    if not isinstance(data, dict) or not all(isinstance(data.get(k), dict) for k in ("nouns", "auxiliaries")):
        raise _err("'partial' must map determiners, auxiliaries, arrival_cues and nouns")
    nouns, aux = data["nouns"], data["auxiliaries"]
    try:
        pattern = re.compile(
            r"\bthe\s+(?:(?:" + _words(data, "determiners", "partial") + r")\s+)?(?P<n>" + COUNT_WORDS + r")"
            r"(?:\s+(?P<noun>" + "|".join(map(re.escape, nouns)) + r"))?\s+"
            r"(?:(?:(?P<committed>" + _words(aux, "committed", "partial.auxiliaries") + r")|"
            + _words(aux, "delivered", "partial.auxiliaries") + r")\s+)?(?:\w+ly\s+)?"
            r"(?:" + "|".join(delivered) + "|" + _words(data, "arrival_cues", "partial") + r")(?![\w\-])", re.I)
    except re.error as exc:
        raise _err(f"bad pattern in 'partial' ({exc})") from None
    return {"pattern": pattern, "nouns": {n.lower(): set(c) for n, c in nouns.items()}}


_NAME_WORD = r"(?:[A-Z][A-Za-z'’\-]*|[A-Z]\.|(?:de|del|da|do|dos|van|von|der|di|la|le)(?=\s+[A-Z]))"
_NAME = _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){0,3}"  # "John Midgett", "Gregorio del Pilar", "John S. McCain"


def _unit_rules(data) -> dict:
    """Ship prefixes and hull numbers that name one unit, with fallback families."""
    if not isinstance(data, dict) or not all(isinstance(data.get(k), dict) and data[k]
                                             for k in ("prefixes", "hull_numbers")):
        raise _err("'named_units' must map 'prefixes' and 'hull_numbers' to fallback families")
    by_name = {e["name"]: e["id"] for e in entities("equipment")}
    fallbacks = {**data["prefixes"], **data["hull_numbers"]}
    unknown = sorted(f for f in fallbacks.values() if f not in by_name)
    if unknown:
        raise _err(f"'named_units': unknown families {unknown} (names from equipment.yaml)")
    former = "(?:" + _words(data, "former", "named_units") + ")"
    hulls = [re.compile(h) for h in data["hull_numbers"]]
    try:
        pattern = re.compile(
            r"(?<![\w\-])(?:(?P<prefixed>(?i:" + former + r")?(?P<prefix>" + "|".join(data["prefixes"]) + r")\s+"
            r"(?P<name>" + _NAME + r"))|(?P<hull>" + "|".join(h.pattern for h in hulls) + r"))"
            r"(?:\s*\(\s*(?i:" + former + r")(?P<former>" + _NAME + r"))?(?![\w\-])")
        renamed = re.compile(r"(?<![\w\-])(?:" + _words(data, "renamed", "named_units") + r")\s+$", re.I)
    except re.error as exc:
        raise _err(f"bad pattern in 'named_units' ({exc})") from None
    return {"pattern": pattern, "renamed": renamed,
            "prefixes": {p: by_name[f] for p, f in data["prefixes"].items()},
            "hulls": [(h, by_name[f]) for h, f in zip(hulls, data["hull_numbers"].values())]}


# --- clauses, quantities, cues -------------------------------------------------------

_CLAUSE_BREAK = re.compile(r"[;()\[\]]|,\s*|\s[-–—]\s|\s(?:and|but) (?=(?:is|are|was|were|has|have|had|will|would)\b)")


def _clause(text: str, s: int, e: int, start: int, end: int) -> tuple[int, int]:
    """The stretch of [s, e) between clause breaks that holds [start, end)."""
    left, right = s, e
    for m in _CLAUSE_BREAK.finditer(text, s, e):
        if m.end() <= start:
            left = m.end()
        elif m.start() >= end:
            right = m.start()
            break
    return left, right


def _cues(rules: dict, text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return sorted((m.start(), m.end(), name) for name, pattern in rules["status"]
                  for m in pattern.finditer(text, start, end))


def _status(rules: dict, text: str, start: int, end: int, at: int) -> str | None:
    """The status cued in [start, end) for equipment named at offset ``at``."""
    cues = _cues(rules, text, start, end)
    names = {name for _, _, name in cues}
    for name in ("declined", "in_talks"):
        if name in names:
            return name
    if not cues:
        return None
    before = [c for c in cues if c[1] <= at]
    if not before:
        return cues[0][2]
    nearest = before[-1]
    if nearest[2] == "delivered":
        governing = [c for c in before[:-1] if c[2] == "committed" and
                     len(text[c[1]:nearest[0]].split()) <= 8]
        if governing:
            return "committed"
    return nearest[2]


def _mechanism(rules: dict, text: str, start: int, end: int) -> str:
    for name, pattern in rules["mechanism"]:
        if pattern.search(text, start, end):
            return name
    return "unknown"


_QTY = re.compile(r"(?:(?<=\s)|^)(?P<q>(?:" + COUNT_WORDS + r")\s+dozen|half a dozen|"
                  r"\d{1,4}(?:,\d{3})?|a dozen|a pair of|a couple of|a single|"
                  + "|".join(w for w in NUMBER_WORDS if " " not in w) + r")\s+$", re.I)
_ORDINAL_BEFORE = re.compile(r"\b(?:the|a|an|its|their|his|her)\s+(?:" + ORDINALS + r")\s+(?:(?P<w>[\w\-.]+)\s+)?$",
                             re.I)
_PART_OF = re.compile(r"(?<![\w\-])(?P<n>one|" + COUNT_WORDS + r")\s+of\s+(?:the\s+|its\s+|their\s+)?$", re.I)


def _ordinal_quantity(before: str) -> int | None:
    """1 after "a third", "the next"; the number after "the first five"."""
    m = _ORDINAL_BEFORE.search(before)
    if m is None:
        return None
    word = (m.group("w") or "").lower()
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word, 1)


def _quantity(rules: dict, text: str, clause_start: int, mention) -> tuple[int | None, int | None]:
    """The number written just before an equipment mention (up to three modifier
    words between: "two decommissioned Hamilton-class cutters"), and the part
    of it named before ("the first five of 12 trainers" = 12, part 5)."""
    before = text[clause_start:mention.start]
    ordinal = _ordinal_quantity(before)
    if ordinal is not None:
        return ordinal, None
    plural = _is_plural(mention)
    words = list(re.finditer(r"\S+", before))
    for skipped in range(0, 5):
        if skipped > len(words):
            break
        cut = words[len(words) - skipped].start() if skipped else len(before)
        head = before[:cut]
        m = _QTY.search(head)
        if m:
            return _number(m.group("q"), plural), _part_of(head[:m.start()])
        if skipped < len(words):
            word = words[len(words) - 1 - skipped].group().lower().strip(",.")
            if word in rules["blockers"] or re.search(r"\d", word) or word in ("a", "an", "the"):
                break
    return None, None


def _number(q: str, plural: bool) -> int | None:
    q = " ".join(q.lower().split())
    if q.endswith(" dozen") and q not in NUMBER_WORDS:  # "two dozen", "3 dozen"
        times = _number(q.rsplit(" ", 1)[0], False)
        return times * 12 if times else None
    if q.replace(",", "").isdigit():
        value = int(q.replace(",", ""))
        if 1900 <= value <= 2100 and "," not in q:
            return None  # a year, not a count
        return value
    value = NUMBER_WORDS.get(q)
    if value == 1 and plural:
        return None  # "a" before a plural belongs to another phrase ("a fleet of")
    return value


def _part_of(head: str) -> int | None:
    m = _PART_OF.search(head)
    return _number(m.group("n"), False) if m else None


def _is_plural(mention) -> bool:
    text = mention.text.rstrip()
    return text.lower().endswith("s") and not text.lower().endswith(("ss", "us", "is"))


# --- parties ---------------------------------------------------------------------------

def _parties(adoc: AnnotatedDocument, sentence, family: dict, pair: list[str]) -> tuple[str, str]:
    near = countries_in(adoc, sentence.start, sentence.end)
    home = "VN" if "VN" in pair else pair[0]
    supplier = family.get("country")
    if supplier is None or supplier == home:
        foreign = [c for c in near if c != home] or [c for c in pair if c != home] or ["US"]
        supplier = supplier or foreign[0]
    recipient = home if supplier != home else next((c for c in near if c != supplier), pair[-1])
    return supplier, recipient


# --- extraction --------------------------------------------------------------------------

@dataclass
class _Candidate:
    item: str
    family: dict
    quantity: int | None
    status: str
    mechanism: str
    supplier: str
    recipient: str
    date: str | None
    evidence: Evidence
    area: str
    confidence: float
    unit: str | None = None  # a named unit's key

    @property
    def generic(self) -> bool:
        return self.family["generic"] and self.unit is None


def _area(adoc: AnnotatedDocument, family: dict, sentence) -> str:
    if family.get("category") in ("ship", "boat"):
        return "maritime_security"
    mentions = adoc.mentions_in(sentence.start, sentence.end)
    words = list(adoc.text[sentence.start:sentence.end])
    for m in mentions:
        if m.type == "equipment":  # "maritime patrol aircraft" is not maritime security
            words[m.start - sentence.start:m.end - sentence.start] = " " * (m.end - m.start)
    if any(m.entity in MARITIME_ENTITIES for m in mentions) or re.search(
            r"\b(?:maritime|coast guard|naval|navy)\b", "".join(words), re.I):
        return "maritime_security"
    return "defense_trade"


def _date(adoc: AnnotatedDocument, start: int, end: int, sentence) -> str | None:
    for lo, hi in ((start, end), (sentence.start, sentence.end)):
        dates = [d for d in adoc.dates_in(lo, hi) if d.qualifier not in ("by", "until", "before")]
        if dates:
            return dates[0].value
    return None


def _quote(sentence) -> tuple[int, int, str]:
    return sentence.start, sentence.end, sentence.text


def extract(adoc: AnnotatedDocument) -> list[Fact]:
    rules = _rules()
    text = adoc.text
    ref_start = reference_start(adoc)
    pair = main_countries(adoc, ref_start)
    candidates: list[_Candidate] = []
    recent: list[str] = []  # families in the order of mention, for anaphors
    for sentence in adoc.sentences:
        equipment = [m for m in adoc.mentions_in(sentence.start, sentence.end) if m.type == "equipment"]
        units, covered = _named_units(rules, adoc, sentence)
        equipment = [m for m in equipment if not any(m.start < e and s < m.end for s, e in covered)]
        items = sorted([(m, entity(m.entity)) for m in equipment] + [(u, entity(u.entity)) for u in units],
                       key=lambda x: x[0].start)
        items += [(a, entity(a.entity)) for a in _anaphors(rules, text, sentence, items, recent)]
        if not items or is_citation(adoc, sentence, ref_start) or _in_sources(rules, text, sentence):
            continue
        if _NOTHING.match(text, sentence.start, sentence.end):
            continue  # "No fighter or helicopter sale has been concluded": nothing was transferred
        items.sort(key=lambda x: x[0].start)
        candidates += _sentence_candidates(rules, adoc, sentence, items, recent, pair)
        recent += [m.entity for m, _ in items]
    return [_fact(c) for c in _dedupe(candidates)]


_NOTHING = re.compile(r"[\s\-*•]*(?:No|Neither|None of)\b")


@dataclass(frozen=True)
class _Ref:
    """Units of a family that are not a gazetteer mention of it: an anaphor ("the
    third one", "the first five were delivered") or a named unit ("the ex-USCGC
    Mellon"), whose own words run to ``span_end`` (a list of units)."""
    start: int
    end: int
    text: str
    entity: str
    quantity: int
    status: str | None = None
    unit: str | None = None  # a named unit's key ("morgenthau")
    span_end: int = 0


def _in_sources(rules: dict, text: str, sentence) -> bool:
    """Whether a "Sources:" label opens this sentence or one before it on its line."""
    line_start = text.rfind("\n", 0, sentence.start) + 1
    return rules["sources"].search(text, line_start, sentence.end) is not None


def _sentence_candidates(rules: dict, adoc: AnnotatedDocument, sentence, items: list, recent: list[str],
                         pair: list[str]) -> list[_Candidate]:
    text = adoc.text
    named_categories = {f["category"] for m, f in items if not f["generic"] or _is_unit(m)}
    unit_families = {m.entity for m, _ in items if _is_unit(m)}
    generic_blocked = bool(rules["generic_blockers"].search(text, sentence.start, sentence.end))
    out: list[_Candidate] = []
    for mention, family in items:
        ref, unit = isinstance(mention, _Ref), _is_unit(mention)
        if family["generic"] and (generic_blocked or (family["category"] in named_categories and not unit)):
            continue  # "the largest cutters" beside "Hamilton-class cutters"; "naval vessels" on a port call
        cs, ce = ((mention.start, mention.span_end) if unit
                  else _clause(text, sentence.start, sentence.end, mention.start, mention.end))
        status = (mention.status if ref else None) or _status(rules, text, cs, ce, mention.start) \
            or _status(rules, text, sentence.start, sentence.end, mention.start)
        if status is None:
            continue
        quantity, part = (mention.quantity, None) if ref else _quantity(rules, text, cs, mention)
        if not ref and quantity == 1 and mention.entity in unit_families:
            continue  # "a Hamilton-class cutter, the USCGC Morgenthau": the unit is the record
        if not ref and family["generic"] and _ORDINAL_BEFORE.search(text[cs:mention.start]):
            family = entity(_referent(items, recent, mention.start, {family["category"]}) or family["id"])
        make = partial(_candidate, rules, adoc, sentence, pair, (cs, ce))
        if part is None:
            out.append(make(family, quantity, status, mention))
            continue
        delivered = any(name == "delivered" for _, _, name in _cues(rules, text, cs, ce))
        out.append(make(family, quantity, "committed" if status == "delivered" else status, mention))
        out.append(make(family, part, "delivered" if delivered else status, mention))
    return out


def _is_unit(mention) -> bool:
    return isinstance(mention, _Ref) and mention.unit is not None


def _candidate(rules: dict, adoc: AnnotatedDocument, sentence, pair: list[str], clause: tuple[int, int],
               family: dict, quantity: int | None, status: str, mention) -> _Candidate:
    text = adoc.text
    unit = mention.unit if _is_unit(mention) else None
    supplier, recipient = _parties(adoc, sentence, family, pair)
    qs, qe, quote = _quote(sentence)
    confidence = 0.55 + 0.15 * (not family["generic"] or unit is not None) + 0.1 * (quantity is not None)
    return _Candidate(
        item=family["name"] + (f" ({_unit_name(mention.text)})" if unit else ""), family=family,
        quantity=quantity, status=status, mechanism=_mechanism(rules, text, sentence.start, sentence.end),
        supplier=supplier, recipient=recipient, date=_date(adoc, *clause, sentence),
        evidence=Evidence(qs, qe, quote, sentence.index), area=_area(adoc, family, sentence),
        confidence=round(confidence, 2), unit=unit)


# --- anaphors and named units ---------------------------------------------------------------

def _referent(items: list, recent: list[str], at: int, categories: set[str] | None) -> str | None:
    """The family mentioned last before ``at`` (in the sentence, else before it) of
    one of ``categories``; a generic one ("the largest cutters") stands for the
    named family of its category mentioned before it, if any."""
    chain = recent + [m.entity for m, _ in items if m.start < at]
    fitting = [e for e in chain if categories is None or entity(e)["category"] in categories]
    if not fitting:
        return None
    last = entity(fitting[-1])
    if not last["generic"]:
        return last["id"]
    named = (e for e in reversed(fitting) if not entity(e)["generic"] and entity(e)["category"] == last["category"])
    return next(named, last["id"])


def _anaphors(rules: dict, text: str, sentence, items: list, recent: list[str]) -> list[_Ref]:
    """"the third one" (one more unit) and "the first five were delivered" (part of a batch)."""
    out = []
    for a in rules["anaphor"].finditer(text, sentence.start, sentence.end):
        referent = _referent(items, recent, a.start(), None)
        if referent is not None:
            out.append(_Ref(a.start(), a.end(), a.group(), referent, 1))
    spec = rules["partial"]
    for a in spec["pattern"].finditer(text, sentence.start, sentence.end):
        noun = a.group("noun")
        referent = _referent(items, recent, a.start(), spec["nouns"][noun.lower()] if noun else None)
        if referent is not None:
            out.append(_Ref(a.start(), a.end(), a.group(), referent, _number(a.group("n"), False),
                            status="committed" if a.group("committed") else "delivered"))
    return out


_APPOSITION = re.compile(r"\s*,\s*(?:the\s+|a\s+)?|\s*\(\s*")


def _named_units(rules: dict, adoc: AnnotatedDocument, sentence) -> tuple[list[_Ref], list[tuple[int, int]]]:
    """The individually named units of a sentence, and the spans of all unit names
    (a new name of a unit named before it, "... and became CSB 8020", is no new unit)."""
    spec, text = rules["units"], adoc.text
    found, covered = [], []
    for m in spec["pattern"].finditer(text, sentence.start, sentence.end):
        covered.append(m.span())
        if found and not m.group("former") and spec["renamed"].search(text, found[-1].end(), m.start()):
            continue
        if found and _APPOSITION.fullmatch(text, found[-1].end(), m.start()):
            continue  # "CSB 8020, the former USCGC Morgenthau": one ship, named twice
        found.append(m)
    units = []
    for i, m in enumerate(found):
        span_end = found[i + 1].start() if i + 1 < len(found) else sentence.end
        units.append(_Ref(m.start(), m.end(), m.group(), _unit_family(spec, adoc, m, sentence), 1,
                          unit=_unit_key(spec, m), span_end=span_end))
    return units, covered


def _unit_key(spec: dict, m: re.Match) -> str:
    name = m.group("former") or m.group("name") or m.group("hull")
    words = [w for w in name.split() if w not in spec["prefixes"]]
    return re.sub(r"[^a-z0-9]+", "", "".join(words).lower())


def _unit_name(text: str) -> str:
    return re.sub(r"\s*\(\s*", ", ", text)  # "CSB 8020 (ex-Morgenthau" -> "CSB 8020, ex-Morgenthau"


def _unit_family(spec: dict, adoc: AnnotatedDocument, m: re.Match, sentence) -> str:
    """The ship or boat family the name is an alias of, else the one named last in
    the paragraph (or next in the sentence), else the prefix's fallback family."""
    para_start, _ = paragraph_of(adoc, m.start())
    ships = [x for x in adoc.mentions_in(para_start, sentence.end) if x.type == "equipment"
             and not entity(x.entity)["generic"] and entity(x.entity)["category"] in SHIP_CATEGORIES]
    inside = [x for x in ships if x.start < m.end() and m.start() < x.end]
    before = [x for x in ships if x.end <= m.start()]
    after = [x for x in ships if x.start >= m.end()]
    for choice in (inside[:1], before[-1:], after[:1]):
        if choice:
            return choice[0].entity
    if m.group("prefix"):
        return spec["prefixes"][m.group("prefix")]
    return next(family for hull, family in spec["hulls"] if hull.fullmatch(m.group("hull")))


def _dedupe(candidates: list[_Candidate]) -> list[_Candidate]:
    """One record per (item, quantity, status); a generic item covered by a named
    family of its category with the same quantity dropped, and a record without a
    quantity when its family has one with a quantity and the same status ("former
    high-endurance cutters, transferred ..." beside "the ex-USCGC Morgenthau")."""
    seen: dict[tuple, _Candidate] = {}
    for c in candidates:
        seen.setdefault((c.family["id"], c.unit, c.quantity, c.status), c)
    kept = list(seen.values())
    named = {(c.family["category"], c.quantity) for c in kept if not c.generic}
    counted = {(c.family["id"], c.status) for c in kept if c.quantity is not None}
    return [c for c in kept if not (c.generic and (c.family["category"], c.quantity) in named)
            and not (c.quantity is None and (c.family["id"], c.status) in counted)]


def _fact(c: _Candidate) -> Fact:
    return Fact(
        kind="transfer",
        fields={"item": c.item, "quantity": c.quantity, "supplier": c.supplier, "recipient": c.recipient,
                "mechanism": c.mechanism, "status": c.status, "date": c.date},
        evidence=c.evidence, area=c.area, confidence=c.confidence, extractor=NAME,
    )
