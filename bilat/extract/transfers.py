"""Transfers: equipment given, sold, offered or discussed.

Each equipment mention from the gazetteer (families in
``bilat/data/equipment.yaml``) in a clause or sentence with a transfer cue
(``bilat/data/transfers.yaml``) is a transfer: its quantity is the number
written before it ("24 Metal Shark patrol boats", "a second-hand F-16" = 1),
its status and mechanism come from the cue words, supplier and recipient from
the countries around it and the family's maker. An ordinal anaphor ("promised
the delivery of the third one") is one more unit of the family named last. One
record per (item, quantity) in a document; a generic family ("helicopters") is
dropped when a named family of its category with the same quantity is there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bilat.data import DataFileError, load_yaml
from bilat.nlp.annotate import AnnotatedDocument
from bilat.nlp.gazetteer import entity

from .context import countries_in, is_citation, main_countries, reference_start
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
                "a": 1, "an": 1, "another": 1, "single": 1, "a single": 1}
ORDINALS = r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|final|last|next"


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
    return {
        "status": [(name, _alternation(status[name], f"status.{name}")) for name in STATUSES],
        "mechanism": [(name, _alternation(cues, f"mechanism.{name}",
                                          0 if all(c.isupper() for c in cues) else re.I))
                      for name, cues in mechanism.items()],
        "blockers": {b.lower() for b in blockers},
        "generic_blockers": _alternation(data.get("generic_blockers"), "generic_blockers"),
        "anaphor": anaphor,
    }


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


_QTY = re.compile(r"(?:(?<=\s)|^)(?P<q>\d{1,4}(?:,\d{3})?|a dozen|a pair of|a couple of|a single|"
                  + "|".join(w for w in NUMBER_WORDS if " " not in w) + r")\s+$", re.I)
_ORDINAL_BEFORE = re.compile(r"\b(?:the|a|an|its|their|his|her)\s+(?:" + ORDINALS + r")\s+(?:[\w\-.]+\s+)?$", re.I)


def _quantity(rules: dict, text: str, clause_start: int, mention) -> int | None:
    """The number written just before an equipment mention (up to three modifier
    words between: "two decommissioned Hamilton-class cutters")."""
    before = text[clause_start:mention.start]
    if _ORDINAL_BEFORE.search(before):
        return 1
    plural = _is_plural(mention)
    words = list(re.finditer(r"\S+", before))
    for skipped in range(0, 5):
        if skipped > len(words):
            break
        cut = words[len(words) - skipped].start() if skipped else len(before)
        head = before[:cut]
        m = _QTY.search(head)
        if m:
            q = m.group("q").lower()
            if q.replace(",", "").isdigit():
                value = int(q.replace(",", ""))
                if 1900 <= value <= 2100 and "," not in q:
                    return None  # a year, not a count
                return value
            value = NUMBER_WORDS.get(q)
            if value == 1 and plural:
                return None  # "a" before a plural belongs to another phrase ("a fleet of")
            return value
        if skipped < len(words):
            word = words[len(words) - 1 - skipped].group().lower().strip(",.")
            if word in rules["blockers"] or re.search(r"\d", word) or word in ("a", "an", "the"):
                break
    return None


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
    last_named = None  # the family named last, for "the third one"
    for sentence in adoc.sentences:
        if is_citation(adoc, sentence, ref_start):
            continue
        equipment = [m for m in adoc.mentions_in(sentence.start, sentence.end) if m.type == "equipment"]
        anaphors = list(rules["anaphor"].finditer(text, sentence.start, sentence.end))
        if not equipment and not anaphors:
            continue
        named_categories = {entity(m.entity)["category"] for m in equipment if not entity(m.entity)["generic"]}
        items = [(m, entity(m.entity)) for m in equipment]
        for a in anaphors:
            earlier = [m for m in equipment if m.start < a.start() and not entity(m.entity)["generic"]]
            referent = earlier[-1] if earlier else last_named
            if referent is not None:
                items.append((_Anaphor(a.start(), a.end(), a.group(), referent.entity), entity(referent.entity)))
        items.sort(key=lambda x: x[0].start)
        generic_blocked = bool(rules["generic_blockers"].search(text, sentence.start, sentence.end))
        for mention, family in items:
            anaphoric = isinstance(mention, _Anaphor)
            if family["generic"] and (family["category"] in named_categories or generic_blocked):
                continue  # "the largest cutters" beside "Hamilton-class cutters"; "naval vessels" on a port call
            cs, ce = _clause(text, sentence.start, sentence.end, mention.start, mention.end)
            status = (_status(rules, text, cs, ce, mention.start)
                      or _status(rules, text, sentence.start, sentence.end, mention.start))
            if status is None:
                continue
            quantity = 1 if anaphoric else _quantity(rules, text, cs, mention)
            supplier, recipient = _parties(adoc, sentence, family, pair)
            qs, qe, quote = _quote(sentence)
            confidence = 0.55 + 0.15 * (not family["generic"]) + 0.1 * (quantity is not None)
            candidates.append(_Candidate(
                item=family["name"], family=family, quantity=quantity, status=status,
                mechanism=_mechanism(rules, text, sentence.start, sentence.end),
                supplier=supplier, recipient=recipient, date=_date(adoc, cs, ce, sentence),
                evidence=Evidence(qs, qe, quote, sentence.index), area=_area(adoc, family, sentence),
                confidence=round(confidence, 2)))
        for m in equipment:
            if not entity(m.entity)["generic"]:
                last_named = m
    return [_fact(c) for c in _dedupe(candidates)]


@dataclass(frozen=True)
class _Anaphor:
    start: int
    end: int
    text: str
    entity: str


def _dedupe(candidates: list[_Candidate]) -> list[_Candidate]:
    """One record per (item, quantity, status); generic items covered by a named
    family of their category with the same quantity dropped."""
    seen: dict[tuple, _Candidate] = {}
    for c in candidates:
        seen.setdefault((c.item, c.quantity, c.status), c)
    named = {(c.family["category"], c.quantity) for c in seen.values() if not c.family["generic"]}
    return [c for c in seen.values() if not (c.family["generic"] and (c.family["category"], c.quantity) in named)]


def _fact(c: _Candidate) -> Fact:
    return Fact(
        kind="transfer",
        fields={"item": c.item, "quantity": c.quantity, "supplier": c.supplier, "recipient": c.recipient,
                "mechanism": c.mechanism, "status": c.status, "date": c.date},
        evidence=c.evidence, area=c.area, confidence=c.confidence, extractor=NAME,
    )
