"""Events: visits, talks, signings, announcements, deliveries, exercises, port
calls, relationship upgrades, expos, cancellations and other dated happenings.

An event is a *trigger* (a cue verb or noun from ``bilat/data/events.yaml``)
plus the date mention that governs its clause:

* Sentences are read as units; lines a PDF wrapped mid-sentence are joined
  first. Citation lines, "Sources:" blocks and notes that are references are
  skipped (a note written as prose is kept).
* Triggers are found rule by rule, earlier rules winning overlaps, so specific
  rules come first (a warship's "visit" is a port call, "cancelled" is the
  cancelling). A trigger needs its context words when its rule says so
  ("signed" + an instrument, "lifted" + an embargo), and is dropped when
  negated ("did not participate in").
* The governing date is the cheapest date mention of the sentence: characters
  between trigger and date, plus penalties for commas, clause breaks,
  subordinate words ("since the war ended in 1975") and dates owned by a
  closer trigger of another type. A sentence-initial "In 2018," governs the
  main clause. Periods ("from 2017 to 2023"), deadlines ("by 2030"),
  "N years after X" and dates that modify a noun ("the 2011 MoU") are not
  event dates. Dates listed together ("in 2018, 2020 and 2023,
  respectively") give one event each.
* A trigger with no date of its own takes the date of the event a definite
  reference points back to ("at the end of the talks", "following the expo",
  "on this occasion"); a definite noun alone ("the visit") is such a
  reference, not a new event.
* Modality: cancelled (a cancel word in the clause), planned (a future date,
  or a planning word just before the trigger), reported (reportedly,
  according to...), else occurred.
* Actors are the canonical names of people, countries and organisations in
  the clause ("the two sides" in a Vietnam–US document is both; a person
  brings his or her country; news outlets are never actors). The place is a
  place, else a country, after "in"/"at"/"off" ("to"/"into" too for visits,
  port calls and deliveries), else the host of "X hosted", else a named site
  of the clause (not a region); an event dated by reference takes the place of
  the event referred to.
* One event per type, date and label in a document.

Rule patterns are matched on the lower-cased text in one pass over the
document; a typical 800-word article takes 2–4 ms.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from bilat.data import DataFileError, load_yaml
from bilat.nlp.annotate import AnnotatedDocument

from .areas import area_for
from .model import Evidence, Fact
from .context import SOURCES_LABEL

NAME = "events"
DATA_FILE = "events.yaml"
TYPES = ("visit", "talks", "agreement_signing", "announcement", "delivery", "exercise", "port_call",
         "relationship_upgrade", "expo", "cancellation", "other")
MODALITIES = ("occurred", "planned", "reported", "cancelled")
ACTOR_TYPES = ("person", "country", "organization")
MENTION_TYPES = ("person", "country", "organization", "place", "program", "equipment")
# Areas by type when the text itself has no area cue; visits are always dialogue.
TYPE_AREA = {"visit": "dialogue", "talks": "dialogue", "relationship_upgrade": "dialogue",
             "port_call": "maritime_security", "expo": "defense_trade", "delivery": "defense_trade",
             "exercise": "maritime_security", "agreement_signing": "general", "announcement": "general",
             "cancellation": "general", "other": "general"}
FIXED_AREA = {"visit": "dialogue", "port_call": "maritime_security", "expo": "defense_trade"}

MAX_COST = 130          # a date further than this from its trigger does not govern it
DEFINITE_MAX_COST = 40  # "the visit in March": only a date right beside a definite noun
OWNER_MARGIN = 20       # a date this much closer to another trigger belongs to that one
ANAPHOR_UNITS = 60      # how far back (sentences) a definite reference may point
OCCASION_UNITS = 3


# --- data -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Rule:
    type: str
    label: str
    pattern: re.Pattern
    near: tuple
    not_near: tuple
    near_scope: str
    noun: bool
    names: bool
    aspectual: bool
    case: bool
    label_from: tuple


_LETTER = re.compile(r"(?<!\\)[A-Z]")
_UPPER_IN_PATTERN = re.compile(r"(?<!\\)(?<!\(\?P<)(?<!\(\?P=)[A-Z]")


def _err(message: str) -> DataFileError:
    return DataFileError(f"bilat/data/{DATA_FILE}: {message}")


def _compile(pattern, where: str, flags: int = re.I, wrap: bool = True, lower: bool = False) -> re.Pattern:
    """Compile a data-file pattern; ``lower``: for matching on the lower-cased
    text, with its letters lower-cased (escapes such as \\S kept) and no re.I."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise _err(f"{where}: expected a non-empty pattern string")
    if lower:
        pattern = _LETTER.sub(lambda m: m.group().lower(), pattern)
        flags &= ~re.I
    source = r"(?<![\w])(?:" + pattern + r")(?![\w])" if wrap else pattern
    try:
        return re.compile(source, flags)
    except re.error as exc:
        raise _err(f"bad pattern in {where} ({exc})") from None


def _conditions(values, where: str, context: dict) -> tuple:
    """Compile a `near`/`not_near` list: patterns, "@context" names, "@<mention type>"."""
    if values is None:
        return ()
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _err(f"{where}: expected a list of patterns")
    out = []
    for value in values:
        if value.startswith("@"):
            key = value[1:]
            if key in context:
                out.append((context[key], key if key in MENTION_TYPES else None))
            elif key in MENTION_TYPES:
                out.append((None, key))
            else:
                raise _err(f"{where}: unknown context {value!r} (define it under 'context')")
        else:
            out.append((_compile(value, where, lower=True), None))
    return tuple(out)


@lru_cache(maxsize=1)
def _config() -> dict:
    data = load_yaml(DATA_FILE)
    raw_context = data.get("context") or {}
    if not isinstance(raw_context, dict):
        raise _err("'context' must map names to patterns")
    context = {name: _compile(str(p).strip(), f"context {name!r}", lower=True) for name, p in raw_context.items()}

    rules = []
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise _err("'rules' must be a non-empty list")
    for i, item in enumerate(raw_rules):
        where = f"rules[{i}]"
        if not isinstance(item, dict):
            raise _err(f"{where}: each rule must be a mapping")
        type_ = item.get("type")
        if type_ not in TYPES:
            raise _err(f"{where}: 'type' must be one of {list(TYPES)}, not {type_!r}")
        scope = item.get("near_scope", "clause")
        if scope not in ("clause", "sentence", "previous"):
            raise _err(f"{where}: 'near_scope' must be 'clause', 'sentence' or 'previous'")
        label_from = item.get("label_from") or {}
        if not isinstance(label_from, dict):
            raise _err(f"{where}: 'label_from' must map labels to patterns")
        case = bool(item.get("case"))
        source = item.get("pattern")
        if not case and isinstance(source, str) and _UPPER_IN_PATTERN.search(source):
            raise _err(f"{where}: write the pattern in lower case (it is matched on lower-cased text), "
                       "or set 'case: true'")
        rules.append(_Rule(
            type=type_, label=str(item.get("label") or type_),
            pattern=_compile(source, f"{where} pattern", 0),
            near=_conditions(item.get("near"), f"{where} near", context),
            not_near=_conditions(item.get("not_near"), f"{where} not_near", context),
            near_scope=scope, noun=bool(item.get("noun")), names=bool(item.get("names")),
            aspectual=bool(item.get("aspectual")), case=case,
            label_from=tuple((str(k), _compile(v, f"{where} label_from {k!r}", lower=True))
                             for k, v in label_from.items()),
        ))

    modality = data.get("modality") or {}
    needed = ("cancelled", "reported", "planned_before", "planned_after", "planned_date")
    if not isinstance(modality, dict) or any(k not in modality for k in needed):
        raise _err(f"'modality' must give patterns for {list(needed)}")
    anaphora = data.get("anaphora") or {}
    types = anaphora.get("types") or {}
    if not isinstance(types, dict) or any(t not in TYPES for t in types):
        raise _err(f"'anaphora.types' must map event types ({list(TYPES)}) to patterns")
    non_actors = data.get("non_actors") or []
    if not isinstance(non_actors, list) or not all(isinstance(x, str) for x in non_actors):
        raise _err("'non_actors' must be a list of entity ids")
    lower = [(i, r) for i, r in enumerate(rules) if not r.case]
    combined = _compile("|".join(f"(?P<r{i}>{raw_rules[i]['pattern']})" for i, _ in lower), "rules", 0)
    return {
        "rules": rules,
        "combined": combined,
        "cased": [i for i, r in enumerate(rules) if r.case],
        "negation": _compile(data.get("negation"), "negation", wrap=False),
        "cancelled": _compile(modality["cancelled"], "modality cancelled"),
        "reported": _compile(modality["reported"], "modality reported"),
        "planned_before": _compile(modality["planned_before"], "modality planned_before", wrap=False),
        "planned_after": _compile(modality["planned_after"], "modality planned_after", wrap=False),
        "planned_date": _compile(modality["planned_date"], "modality planned_date", wrap=False),
        "both": _compile(data.get("both_parties"), "both_parties", wrap=False),
        "anaphora": [(t, _compile(p, f"anaphora {t}", wrap=False)) for t, p in types.items()],
        "occasion": _compile(anaphora.get("occasion"), "anaphora occasion", wrap=False),
        "non_actors": frozenset(non_actors),
    }


# --- units: sentences, with lines a PDF wrapped joined -------------------------------------

@dataclass
class _Unit:
    start: int
    end: int
    sentence_idx: int


_TERMINAL = re.compile(r"[.!?:;|][\"'”’)\]*]*$")
_LOWER_END = re.compile(r"(?:^|\s)[a-z][\w'’-]*,?$")
_CONTINUES = re.compile(r"[a-z0-9(]")


def _units(adoc: AnnotatedDocument) -> list[_Unit]:
    text = adoc.text
    units: list[_Unit] = []
    for s in adoc.sentences:
        if units:
            last = units[-1]
            gap = text[last.end:s.start]
            body = text[last.start:last.end]
            line = text[text.rfind("\n", 0, last.end) + 1:last.end]
            if (gap.count("\n") == 1 and not gap.strip() and not _TERMINAL.search(body)
                    and (_CONTINUES.match(text, s.start) or (_LOWER_END.search(body) and len(line) >= 70))):
                last.end = s.end
                continue
        units.append(_Unit(s.start, s.end, s.index))
    return units


# --- references and citations ------------------------------------------------------------

_NOTES_HEADING = re.compile(
    r"^[#*_\s]*(?:end\s*notes|notes|footnotes|references|bibliography|works\s+cited|citations)[\s:*_]*$",
    re.I | re.M)
_SOURCES_LINE = re.compile(r"^[#*_\s-]*" + SOURCES_LABEL + r"\s*:", re.I | re.M)
# A citation: a link, "Ibid.", "See ...", a title in quotes followed by an italic
# outlet or a publisher and date, an italic outlet followed by a date or volume,
# "(2019): 132", "no. 1 (".
_CITATION = re.compile(
    r"(?i:https?://|www\.|\bdoi\b|\bibid\b)|^\W*(?i:see|cf)\b[,.]?"
    r"|[,.]\s*[”\"]\s*(?:\*|\([A-Z]|[A-Z][^.”\"]{0,80},\s*(?:\*|\d|[A-Z][a-z]+\.?\s+\d))"
    r"|\*[^*\n]{2,80}\*\s*,?\s*(?:\d|\(|(?i:no|vol|sec)\.|[A-Z][a-z]+\.?\s+\d{1,2},\s*\d{4})"
    r"|\(\s*(?:19|20)\d\d\s*\)\s*:\s*\d|\b(?i:no)\.\s*\d+\s*\(")


def _reference_bounds(text: str) -> tuple[int, int]:
    """(notes_start, sources_start): where a notes section and a closing
    "Sources:" block begin (len(text) when absent). Only in the later part."""
    notes = sources = len(text)
    floor = len(text) * 0.4
    for m in _NOTES_HEADING.finditer(text):
        if m.start() >= floor:
            notes = m.start()
            break
    for m in _SOURCES_LINE.finditer(text):
        if m.start() >= floor:
            sources = m.start()
            break
    return notes, sources


# --- dates ---------------------------------------------------------------------------------

_NOT_EVENT_QUALIFIERS = {"by", "until", "before", "after"}
_RELATION_DATE = re.compile(r"\b(?:after|before|earlier|prior)\s*$", re.I)
_AS_OF = re.compile(r"\b(?:as\s+(?:of|at)|tính\s+đến)\s+$", re.I)
_MODIFIER_BEFORE = re.compile(r"(?:\b(?:the|its|their|his|her|our|this|that|a|an)|['’]s)\s+$", re.I)
_MODIFIER_AFTER = re.compile(r"\s+[A-Za-z]")
_LIST_GAP = re.compile(
    r"(?:\s*(?:,|\band\b|\bor\b|&|\bvà\b|\bvào\b|\bin\b|\bon\b|\bthen\b|\bthe\b|[()–—-])\s*"
    r"|\s*[A-Z][\w.'’-]*\s*)+")
_LIST_SEP = re.compile(r",|\band\b|\bor\b|&|\bvà\b|\(")
_INITIAL_DATE = re.compile(r"^\W{0,3}(?:\w+\s+){0,2}$")  # "In 2018," "- In late 2019,"
_SUBORDINATE = re.compile(
    r"\b(?:which|who|whom|whose|where|when|while|whereas|although|though|because|since|after|before|"
    r"until|unless|despite|following|that|than|if)\b", re.I)
_COORDINATION = re.compile(r"\s*,?\s*(?:and|but|then|và)\s+(?:then\s+|also\s+|later\s+)?", re.I)
_STRONG_BREAK = re.compile(r";|—|\s–\s|\s-\s")
_VERBISH = re.compile(r"\b(?:is|are|was|were|be|been|being|will|would|to|has|have|had|did|does)\b", re.I)
_TIME_ADJUNCT = re.compile(
    r"\b(?:during|amid|throughout|following|(?:on\s+the\s+)?(?:sidelines|occasion|margins?)\s+of|"
    r"(?:at\s+the\s+)?(?:end|close|conclusion|start)\s+of)\s+"
    r"(?:the\s+|a\s+|an\s+|his\s+|her\s+|their\s+|its\s+)?(?:[^\W\d][\w'’.-]*\s+){0,4}$", re.I)
_ADJUNCT_BEFORE = re.compile(
    r"\b(?:during|at|on|following|after|amid|ahead\s+of|before|in|throughout)\s+"
    r"(?:the\s+|a\s+|an\s+|his\s+|her\s+|their\s+|its\s+)?"
    r"(?:(?!(?:and|or|but|did|does|do|not|was|were|is|are|has|have|had|will|would|could|which|that)\b)"
    r"[^\W\d][\w'’.-]*\s+){0,4}$", re.I)


@dataclass
class _Date:
    start: int
    end: int
    value: str
    relative: bool
    modifier: bool   # "the 2011 MoU": it dates the noun after it


def _eligible_dates(doc, start: int, end: int) -> list[_Date]:
    text = doc.text
    out = []
    for d in doc.dates_in(start, end):
        if d.begin is not None or d.qualifier in _NOT_EVENT_QUALIFIERS or _RELATION_DATE.search(d.text):
            continue
        if _AS_OF.search(text, max(start, d.start - 12), d.start):
            continue  # "as of 2023, 160 missions had been completed": a tally, not an event
        modifier = bool(_MODIFIER_BEFORE.search(text, max(start, d.start - 12), d.start)
                        and _MODIFIER_AFTER.match(text, d.end))
        out.append(_Date(d.start, d.end, d.value, bool(d.relative), modifier))
    return out


# --- triggers -----------------------------------------------------------------------------

@dataclass
class _Trigger:
    rule: _Rule
    start: int
    end: int
    clause: tuple[int, int]
    definite: bool = False
    label: str = ""
    cancelled: bool = False  # merged from "called off the port call"
    negated: bool = False    # "did not take part in": keeps its date from other triggers, emits nothing


_CLAUSE_BREAK = re.compile(
    r";|\s[—–]\s|—|\s-\s|(?<=[a-z]{2})\.\s+(?=[A-Z])"
    r"|,\s+(?=(?:which|who|whose|where|while|whereas|but|although|though|despite|during\s+which|"
    r"making|enabling|paving|cementing|bringing|raising|leading|allowing|signalling|signaling|"
    r"with\s+the\s+(?:last|rest|first|remaining))\b)"
    r"|,\s+(?:and|but)\s+(?=(?:the|it|they|he|she|this|that|these|its|their)\b)", re.I)
_DEFINITE_BEFORE = re.compile(r"\b(?:the|this|that|these|those|his|her|their|its)\s+(?:[\w-]+\s+){0,2}$", re.I)
_DETERMINER_BEFORE = re.compile(r"\b(?:a|an|the|its|their|this|that|his|her)\s+$", re.I)
_DEFINITE_START = re.compile(r"(?:the|this|that|these|those)\s", re.I)
_DEFINITE_FRESH = re.compile(r"\s+(?i:of|by|to)\b|\s+(?i:in|on|at)\s+(?=\d|[A-Z])")
_SUBJECT_GAP = re.compile(r"\s*,?\s*(?:(?:that|which)\s+)?(?:(?:has|have|had|was|were|is|are|will|would)\s+)?"
                          r"(?:(?:been|be)\s+)?(?:(?:officially|formally|finally|successfully|already)\s+)?", re.I)
_OBJECT_GAP = re.compile(r"^\s+(?:(?:the|a|an|its|their|his|her)\s+)?(?:[\w-]+\s+){0,2}$", re.I)
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|to|at|off|into|inside|near|from|across|around|visit(?:ed|ing|s)?|toured|"
                              r"tại|ở|đến|thăm)\s+(?:thành\s+phố\s+|tỉnh\s+)?"
                              r"(?:the\s+)?(?:coast\s+of\s+|city\s+of\s+|port\s+of\s+)?$", re.I)
_STATIC_LOCATIVE_BEFORE = re.compile(r"\b(?:in|at|off|inside|near|around|tại|ở)\s+(?:thành\s+phố\s+|tỉnh\s+)?"
                                     r"(?:the\s+)?(?:coast\s+of\s+|city\s+of\s+|port\s+of\s+)?$", re.I)
_ACCORDING = re.compile(r"\baccording\s+to\b|\b(?:reported|cited|quoted)\s+by\b", re.I)


def _clause(spans: list[tuple[int, int]], unit: _Unit, start: int, end: int) -> tuple[int, int]:
    cs, ce = unit.start, unit.end
    for bs, be in spans:
        if be <= start:
            cs = max(cs, be)
        elif bs >= end:
            ce = min(ce, bs)
            break
    return cs, ce


def _satisfied(conditions: tuple, text: str, start: int, end: int, mentions) -> bool:
    for pattern, mention_type in conditions:
        if pattern is not None and pattern.search(text, start, end):
            return True
        if mention_type is not None and any(m.type == mention_type and start <= m.start and m.end <= end
                                            for m in mentions):
            return True
    return False


class _Doc:
    """Per-document lookups: lower-cased text, trigger candidates, mentions and
    dates by offset (bisect instead of scanning every list for every sentence)."""

    def __init__(self, adoc: AnnotatedDocument, cfg: dict) -> None:
        self.adoc = adoc
        self.text = text = adoc.text
        lowered = text.lower()
        if len(lowered) != len(text):  # a rare character whose lower case is longer
            lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        self.low = lowered
        candidates = []
        combined, pos = cfg["combined"], 0
        while True:
            m = combined.search(lowered, pos)
            if m is None:
                break
            candidates.append((m.start(), m.end(), int(m.lastgroup[1:])))
            pos = m.start() + 1
        for i in cfg["cased"]:
            candidates.extend((m.start(), m.end(), i) for m in cfg["rules"][i].pattern.finditer(text))
        candidates.sort()
        self.candidates = candidates
        self.cand_starts = [c[0] for c in candidates]
        self.mentions = list(adoc.mentions)
        self.mention_starts = [m.start for m in self.mentions]
        self.dates = list(adoc.dates)
        self.date_starts = [d.start for d in self.dates]

    def mentions_in(self, start: int, end: int) -> list:
        i = bisect.bisect_left(self.mention_starts, start)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            if self.mentions[i].end <= end:
                out.append(self.mentions[i])
            i += 1
        return out

    def dates_in(self, start: int, end: int) -> list:
        i = bisect.bisect_left(self.date_starts, start)
        out = []
        while i < len(self.dates) and self.dates[i].start < end:
            if self.dates[i].end <= end:
                out.append(self.dates[i])
            i += 1
        return out

    def candidates_in(self, start: int, end: int):
        i = bisect.bisect_left(self.cand_starts, start)
        while i < len(self.candidates) and self.candidates[i][0] < end:
            if self.candidates[i][1] <= end:
                yield self.candidates[i]
            i += 1


def _find_triggers(doc: _Doc, unit: _Unit, mentions, cfg: dict,
                   previous: _Unit | None = None) -> list[_Trigger]:
    text, low = doc.text, doc.low
    rules = cfg["rules"]
    wide = (previous.start if previous is not None else unit.start, unit.end)
    wide_mentions = doc.mentions_in(*wide) if previous is not None else mentions
    breaks = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(text, unit.start, unit.end)]
    names = [(m.start, m.end) for m in mentions if m.type in ("organization", "program", "person", "place")]

    def accept(rule: _Rule, s: int, e: int) -> _Trigger | None:
        if not rule.names and any(a <= s and e <= b for a, b in names):
            return None
        clause = _clause(breaks, unit, s, e)
        if rule.near_scope == "previous":
            scope, scope_mentions = wide, wide_mentions
        else:
            scope = (unit.start, unit.end) if rule.near_scope == "sentence" else clause
            scope_mentions = mentions
        if rule.near and not _satisfied(rule.near, low, scope[0], scope[1], scope_mentions):
            return None
        if rule.not_near and _satisfied(rule.not_near, low, clause[0], clause[1], mentions):
            return None
        negated = bool(cfg["negation"].search(text, max(clause[0], s - 30), s))
        label = rule.label
        if rule.label_from:
            best = None
            for name, pattern in rule.label_from:
                for lm in pattern.finditer(low, clause[0], clause[1]):
                    distance = abs(lm.start() - s)
                    if best is None or distance < best[0]:
                        best = (distance, name)
            if best:
                label = best[1]
        definite = bool(rule.noun and (_DEFINITE_BEFORE.search(text, max(unit.start, s - 40), s)
                                       or _DEFINITE_START.match(text, s))
                        and not _DEFINITE_FRESH.match(text, e))
        return _Trigger(rule, s, e, clause, definite, label, negated=negated)

    accepted: list[tuple[int, _Trigger]] = []
    for s, e, k in doc.candidates_in(unit.start, unit.end):
        trigger = accept(rules[k], s, e)
        j = k
        while trigger is None and j + 1 < len(rules):  # the next rule that matches here
            j += 1
            m = rules[j].pattern.match(text if rules[j].case else doc.low, s, unit.end)
            if m is not None:
                trigger = accept(rules[j], s, m.end())
        if trigger is not None:
            accepted.append((j, trigger))
    accepted.sort(key=lambda pair: (pair[0], pair[1].start))
    taken: list[tuple[int, int]] = []
    found: list[_Trigger] = []
    for _, t in accepted:  # earlier rules win overlaps
        if any(a < t.end and t.start < b for a, b in taken):
            continue
        taken.append((t.start, t.end))
        found.append(t)
    found.sort(key=lambda t: t.start)

    def object_of(o: _Trigger, t: _Trigger) -> bool:
        return (o.rule.type != t.rule.type and o.end <= t.start and t.start - o.end <= 30
                and bool(_OBJECT_GAP.match(text[o.end:t.start])))

    def subject_of(n: _Trigger, a: _Trigger) -> bool:
        return (n.rule.type != a.rule.type and n.end <= a.start and a.start - n.end <= 40
                and bool(_SUBJECT_GAP.fullmatch(text[n.end:a.start])))

    negated = [t for t in found if t.negated]
    found = [t for t in found if not t.negated]
    merged: dict[int, _Trigger] = {}   # id(noun) -> the noun's event spanning the aspectual verb
    dropped: set[int] = set()
    for a in found:
        if not a.rule.aspectual:
            continue
        noun = next((o for o in found if o.rule.noun and object_of(a, o)), None)
        span = (a.start, noun.end) if noun is not None else None
        if noun is None:
            noun = next((o for o in found if o.rule.noun and subject_of(o, a)), None)
            span = (a.start, a.end) if noun is not None else None
        if noun is None:
            continue
        # "began its visit", "called off the port call", "talks that began in 2023": the event is the noun's
        dropped.add(id(a))
        merged[id(noun)] = _Trigger(noun.rule, span[0], span[1], _clause(breaks, unit, *span), False, noun.label,
                                    cancelled=a.rule.type == "cancellation")
    kept = []
    for t in found:
        if id(t) in dropped:
            continue
        t = merged.get(id(t), t)
        if t.rule.type == "cancellation" and any(
                o is not t and o.rule.type not in ("cancellation", "other") and o.clause == t.clause for o in found):
            continue  # "the visit was postponed": a cancelled visit
        if t.rule.noun and any(object_of(o, t) and not o.rule.aspectual for o in found if o is not t):
            continue  # "promised the delivery": an announcement
        kept.append(t)
    kept.extend(negated)
    kept.sort(key=lambda t: t.start)
    return kept


# --- choosing the governing date ------------------------------------------------------------

_WHEN_AFTER_DATE = re.compile(r"\s*,?\s*when\s+(?:the\s+)?(?:[\w’'-]+\s+){0,4}$", re.I)


def _cost(text: str, unit: _Unit, t: _Trigger, d: _Date) -> float:
    if d.start >= t.end:
        gap = text[t.end:d.start]
    elif d.end <= t.start:
        gap = text[d.end:t.start]
    else:
        return 0.0
    if d.modifier and not (d.end <= t.start and t.start - d.end <= 40 and "," not in gap):
        return float("inf")
    if t.definite and _VERBISH.search(gap):
        return float("inf")  # "the visit is scheduled to end on 9 March": the date is the ending's
    cost = len(gap.strip()) + 40 * gap.count(",") + 90 * len(_STRONG_BREAK.findall(gap))
    if d.end <= t.start and not t.rule.noun and "," not in gap:
        cost += 25  # a date before a verb usually belongs to an earlier verb
    cost += sum(40 if w.lower() == "that" else 80 for w in _SUBORDINATE.findall(gap))
    if gap.rstrip().endswith("(") or gap.lstrip().startswith(")"):
        cost -= 40 if gap.count(",") else 0  # "Carl Vinson (March 2018)": an apposition
    if d.end <= t.start and _WHEN_AFTER_DATE.match(gap):
        cost = min(cost, len(gap.strip()))  # "in September 2023, when the two countries upgraded ties"
    if d.end <= t.start and _INITIAL_DATE.match(text[unit.start:d.start]) and not _STRONG_BREAK.search(gap):
        # "In 2018, the two governments ..." governs the main clause, even "In 2022, the dialogue was held"
        cost = min(cost, DEFINITE_MAX_COST - 5 if t.definite else 60)
    return max(cost, 0.0)


def _choose_dates(text: str, unit: _Unit, triggers: list[_Trigger], dates: list[_Date]) -> dict:
    """trigger index -> list of dates (one, or a list read together)."""
    costs = [[_cost(text, unit, t, d) for d in dates] for t in triggers]
    for i, t in enumerate(triggers):
        for j, d in enumerate(dates):
            # "reviewed cooperation in 2023 and discussed ...": a date closing a phrase without an
            # event of its own does not date the verb coordinated after it ("visited X on DATE and
            # held talks" does)
            if (d.end <= t.start and _COORDINATION.fullmatch(text, d.end, t.start)
                    and not any(o is not t and o.end <= d.start and not o.negated and not o.definite
                                for o in triggers)):
                costs[i][j] += 110
    chosen: dict[int, list[_Date]] = {}

    def span(t: _Trigger, d: _Date) -> tuple[int, int]:
        return (t.end, d.start) if d.start >= t.end else (d.end, t.start)

    def direct(k: int, j: int) -> bool:
        """No other trigger stands between trigger k and date j."""
        lo, hi = span(triggers[k], dates[j])
        return not any(o is not triggers[k] and lo <= o.start and o.end <= hi for o in triggers)

    for i, t in enumerate(triggers):
        limit = DEFINITE_MAX_COST if t.definite else MAX_COST
        order = sorted(range(len(dates)), key=lambda j: costs[i][j])
        for j in order:
            c = costs[i][j]
            if c > limit:
                break
            d = dates[j]
            lo, hi = span(t, d)
            between = [o for o in triggers if o is not t and lo <= o.start and o.end <= hi
                       and (o.rule.type != t.rule.type or o.negated)]
            if between:
                # "established during Biden's visit to Hanoi in September 2023": the visit is a time adjunct
                # of the upgrade, and "lifted during Obama's visit": the visit shares the lifting's date
                if not (all(_ADJUNCT_BEFORE.search(text, max(unit.start, o.start - 60), o.start) for o in between)
                        or (t.rule.noun and _TIME_ADJUNCT.search(text, max(unit.start, t.start - 60), t.start))):
                    continue
            else:
                owners = [k for k, o in enumerate(triggers) if k != i and (o.rule.type != t.rule.type or o.negated)
                          and costs[k][j] + OWNER_MARGIN < c and direct(k, j)]
                if owners:
                    continue
            chosen[i] = _with_list(text, dates, j)
            break
    return chosen


def _with_list(text: str, dates: list[_Date], j: int) -> list[_Date]:
    """The date at j and the dates listed with it ("in 2018, 2020 and 2023")."""
    group = [dates[j]]
    k = j
    while k + 1 < len(dates):
        gap = text[dates[k].end:dates[k + 1].start]
        if dates[k + 1].modifier or not (_LIST_GAP.fullmatch(gap) and _LIST_SEP.search(gap)) or len(gap) > 40:
            break
        k += 1
        group.append(dates[k])
    k = j
    while k - 1 >= 0:
        gap = text[dates[k - 1].end:dates[k].start]
        if dates[k - 1].modifier or not (_LIST_GAP.fullmatch(gap) and _LIST_SEP.search(gap)) or len(gap) > 40:
            break
        k -= 1
        group.insert(0, dates[k])
    return group


# --- modality, actors, place -------------------------------------------------------------------

def _published(adoc: AnnotatedDocument) -> str | None:
    p = adoc.published
    if not p:
        return None
    m = re.match(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", str(p))
    return m.group() if m else None


def _future(value: str, published: str | None) -> bool:
    if not published:
        return False
    n = min(len(value), len(published))
    return value[:n] > published[:n]


def _modality(text: str, unit: _Unit, t: _Trigger, value: str, published: str | None, cfg: dict,
              date_text: str = "") -> str:
    cs, ce = t.clause
    if t.cancelled:
        return "cancelled"
    if t.rule.type != "cancellation":
        for m in cfg["cancelled"].finditer(text, cs, ce):
            if not (t.start <= m.start() < t.end):
                return "cancelled"
    if t.rule.type != "cancellation" and (_future(value, published) or cfg["planned_date"].search(date_text)):
        return "planned"
    window = text[max(cs, t.start - 30):t.start]
    planned = bool(cfg["planned_before"].search(window))
    nominal = t.rule.noun or _DETERMINER_BEFORE.search(text, max(cs, t.start - 12), t.start)
    if nominal and cfg["planned_after"].match(text, t.end, min(ce, t.end + 80)):
        planned = True
    if cfg["reported"].search(text, unit.start, unit.end):
        return "reported"
    if planned:
        return "planned"
    return "occurred"


def _country_name(code: str | None) -> str | None:
    if not code:
        return None
    try:
        from bilat.nlp.gazetteer import entity
    except ModuleNotFoundError:
        return None
    record = entity(code)
    return record["name"] if record and record.get("type") == "country" else None


def _actors(text: str, t: _Trigger, mentions, vnus: bool, cfg: dict) -> list[str]:
    cs, ce = t.clause
    out: list[str] = []

    def add(name):
        if name and name not in out:
            out.append(name)

    according = [m.end() for m in _ACCORDING.finditer(text, cs, ce)]
    for m in mentions:
        if not (cs <= m.start and m.end <= ce) or m.type not in ACTOR_TYPES or m.entity in cfg["non_actors"]:
            continue
        if any(a <= m.start <= a + 40 for a in according):
            continue  # the source, not an actor
        if m.type == "country" and _LOCATIVE_BEFORE.search(text, max(cs, m.start - 40), m.start):
            continue  # "a visit to Vietnam": the place
        add(m.name)
        if m.type == "person":
            add(_country_name(m.country))
    if vnus and cfg["both"].search(text, cs, ce):
        add("Vietnam")
        add("United States")
    if not out and vnus and t.rule.type in ("agreement_signing", "relationship_upgrade", "talks", "exercise"):
        out = ["Vietnam", "United States"]
    return out


@lru_cache(maxsize=512)
def _is_site(entity_id: str) -> bool:
    """A place with coordinates (a city, base, province), not a region or an ocean."""
    try:
        from bilat.nlp.gazetteer import entity
    except ModuleNotFoundError:
        return False
    record = entity(entity_id)
    return bool(record and record.get("coordinates"))


def _location(text: str, t: _Trigger, mentions) -> str | None:
    cs, ce = t.clause
    def nearest(candidates):
        # after the trigger first ("visited Hanoi", "held talks in Hanoi"), then before it
        return min(candidates, key=lambda m: (m.start < t.start, abs(m.start - t.end)))

    # "to"/"into" give a place only for movements ("a visit to Vietnam", "delivered to Vietnam")
    moving = t.rule.type in ("visit", "port_call", "delivery") or t.label == "deployment"
    locative = _LOCATIVE_BEFORE if moving else _STATIC_LOCATIVE_BEFORE

    def located(m) -> bool:
        return bool(locative.search(text, max(cs, m.start - 40), m.start)) and not text.startswith("-", m.end)

    in_clause = [m for m in mentions if cs <= m.start and m.end <= ce]
    places = [m for m in in_clause if m.type == "place" and located(m)]
    if places:
        return nearest(places).name
    countries = [m for m in in_clause if m.type == "country" and located(m)]
    if countries:
        return nearest(countries).name
    if t.rule.type == "visit" and text[t.start:t.end].lower().startswith("host"):
        hosts = [m for m in in_clause if m.type == "country" and m.end <= t.start]
        if hosts:  # "Vietnam hosted President Xi": the host country
            return hosts[-1].name
    sites = [m for m in in_clause if m.type == "place" and _is_site(m.entity)]
    if sites:  # "the Da Nang airport cleanup": a named site, not a region ("the Indo-Pacific")
        return nearest(sites).name
    return None


# --- the extractor ---------------------------------------------------------------------------

@dataclass
class _Event:
    type: str
    date: str
    label: str
    unit_no: int
    trigger: _Trigger
    unit: _Unit
    relative: bool = False
    inherited: bool = False
    listed: bool = False
    extra: dict = field(default_factory=dict)


_ANAPHOR_PREP = re.compile(
    r"\b(?:during|at|on|following|after|amid|throughout|in\s+the\s+course\s+of|"
    r"(?:end|close|conclusion|start|opening|sidelines|occasion|margins?)\s+of)\s+$", re.I)


def _may_refer_back(text: str, unit: _Unit, cfg: dict) -> bool:
    return bool(cfg["occasion"].search(text, unit.start, unit.end)) or any(
        p.search(text, unit.start, unit.end) for _, p in cfg["anaphora"])


def _antecedent(text: str, unit: _Unit, unit_no: int, triggers: list[_Trigger], events: list[_Event],
                cfg: dict) -> _Event | None:
    """The earlier event a definite reference in the sentence points back to."""
    spans = [(t.start, t.end) for t in triggers if not t.definite]
    for type_, pattern in cfg["anaphora"]:
        for m in pattern.finditer(text, unit.start, unit.end):
            if any(a < m.end() and m.start() < b for a, b in spans):
                continue
            before = text[max(unit.start, m.start() - 40):m.start()]
            if not (_ANAPHOR_PREP.search(before) or not re.search(r"\w", text[unit.start:m.start()])):
                continue  # only "at the end of the talks", "following the expo", or a subject
            for ev in reversed(events):
                if unit_no - ev.unit_no > ANAPHOR_UNITS:
                    break
                if ev.type == type_ and not ev.inherited:
                    return ev
    if cfg["occasion"].search(text, unit.start, unit.end):
        for ev in reversed(events):
            if unit_no - ev.unit_no > OCCASION_UNITS:
                break
            return ev
    return None


def extract(adoc: AnnotatedDocument) -> list[Fact]:
    if not adoc.sentences:
        return []
    cfg = _config()
    text = adoc.text
    published = _published(adoc)
    notes_start, sources_start = _reference_bounds(text)
    doc = _Doc(adoc, cfg)
    countries = {m.country for m in doc.mentions if m.start < min(notes_start, sources_start)
                 and m.type in ACTOR_TYPES}
    vnus = {"VN", "US"} <= countries

    events: list[_Event] = []
    previous = None
    for unit_no, unit in enumerate(_units(adoc)):
        prev_unit, previous = previous, unit
        if unit.start >= sources_start:
            break
        if not any(True for _ in doc.candidates_in(unit.start, unit.end)):
            continue
        dates = _eligible_dates(doc, unit.start, unit.end)
        if not dates and not _may_refer_back(text, unit, cfg):
            continue
        body = text[unit.start:unit.end]
        if _CITATION.search(body):
            continue
        if unit.start >= notes_start and not re.search(r"[a-z]{3,}\s+[a-z]{3,}\s+[a-z]{3,}", body):
            continue
        mentions = doc.mentions_in(unit.start, unit.end)
        triggers = _find_triggers(doc, unit, mentions, cfg, prev_unit)
        if not triggers:
            continue
        chosen = _choose_dates(text, unit, triggers, dates) if dates else {}
        inherited = None
        if any(i not in chosen and not t.negated for i, t in enumerate(triggers)):
            inherited = _antecedent(text, unit, unit_no, triggers, events, cfg)
        seen = set()
        for i, t in enumerate(triggers):
            if t.negated:
                continue
            group = chosen.get(i)
            if group:
                picks = [(d.value, d.relative, False, len(group) > 1, text[d.start:d.end]) for d in group]
            elif inherited is not None and not t.definite:
                picks = [(inherited.date, True, True, False, "")]
            else:
                continue
            for value, relative, was_inherited, listed, date_text in picks:
                key = (t.rule.type, value)
                if key in seen:
                    continue
                seen.add(key)
                events.append(_Event(t.rule.type, value, t.label, unit_no, t, unit, relative, was_inherited, listed,
                                     {"mentions": mentions, "date_text": date_text,
                                      "antecedent": inherited if was_inherited else None}))

    facts: list[Fact] = []
    done: dict[tuple, set] = {}
    per_trigger: dict = {}
    areas: dict = {}
    for ev in events:
        key = (ev.type, ev.date[:7], ev.label)
        t, unit = ev.trigger, ev.unit
        mentions = ev.extra["mentions"]
        place = _location(text, t, mentions)
        places = done.setdefault(key, set())
        # one event per type, month and label, unless both say where and the places differ
        # (two deliveries in one month: a cutter in Honolulu, boats in Quang Nam)
        if places and (place is None or None in places or place in places):
            continue
        places.add(place)
        modality = _modality(text, unit, t, ev.date, published, cfg, ev.extra["date_text"])
        if t.rule.type == "cancellation":
            modality = "planned" if _future(ev.date, published) else "occurred"
        quote = text[unit.start:unit.end]
        shared = per_trigger.get(id(t))
        if shared is None:  # the same for every date of a listed trigger
            clause_text = text[t.clause[0]:t.clause[1]]
            names = " ".join(m.name for m in mentions if t.clause[0] <= m.start and m.end <= t.clause[1]
                             and m.type in ("equipment", "program", "organization"))
            area = FIXED_AREA.get(ev.type)
            if area is None:
                area_key = (clause_text, names, ev.type)
                area = areas.get(area_key)
                if area is None:
                    area = areas[area_key] = area_for(clause_text + " " + names, default=TYPE_AREA[ev.type])
            shared = per_trigger[id(t)] = (area, _actors(text, t, mentions, vnus, cfg), _location(text, t, mentions))
        area, actors, location = shared
        antecedent = ev.extra["antecedent"]
        if location is None and antecedent is not None:  # "at the end of the talks": where the talks were
            location = _location(text, antecedent.trigger, antecedent.extra["mentions"])
        confidence = 0.75
        if ev.type == "other":
            confidence -= 0.1
        if ev.inherited:
            confidence -= 0.15
        elif ev.relative:
            confidence -= 0.05
        if ev.listed:
            confidence -= 0.05
        facts.append(Fact(
            kind="event",
            fields={"type": ev.type, "date": ev.date, "actors": list(actors), "location": location,
                    "modality": modality},
            evidence=Evidence(unit.start, unit.end, quote, unit.sentence_idx),
            area=area, confidence=round(confidence, 2), extractor=NAME,
            extra={"trigger": text[t.start:t.end], "label": ev.label},
        ))
    return facts
