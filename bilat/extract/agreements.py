"""Agreements: memoranda of understanding, joint (vision) statements, letters of
intent, agreements, treaties and conventions, action plans, codes.

A type word ("MoU", "joint statement", "convention") is an instrument when it
is named (a title, a topic "on peacekeeping", a known instrument), dated ("the
2011 MoU", "signed in late October 2025") or signed by parties in the sentence;
generic uses ("agreed to", "signed documents and agreements", "the agreement
of both sides") are not. Mentions of the same instrument in one document are
one record. Cue words live in ``bilat/data/agreements.yaml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bilat.data import DataFileError, load_yaml
from bilat.nlp.annotate import AnnotatedDocument

from .areas import area_of
from .context import countries_in, is_citation, main_countries, previous_sentence, reference_start
from .model import Evidence, Fact

NAME = "agreements"
DATA_FILE = "agreements.yaml"
TYPES = ("mou", "joint_vision_statement", "joint_statement", "letter_of_intent", "agreement", "treaty",
         "action_plan", "other")


# --- data ---------------------------------------------------------------------------

def _compile(pattern: str, flags: int, where: str) -> re.Pattern:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise DataFileError(f"bilat/data/{DATA_FILE}: bad pattern {pattern!r} in {where} ({exc})") from None


def _patterns(data: dict, key: str) -> list[str]:
    values = data.get(key)
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise DataFileError(f"bilat/data/{DATA_FILE}: '{key}' must be a list of strings")
    return values


@dataclass(frozen=True)
class _Known:
    name: str
    type: str
    date: str | None
    parties: list | None
    pattern: re.Pattern


@lru_cache(maxsize=1)
def _rules() -> dict:
    data = load_yaml(DATA_FILE)
    types = data.get("types")
    if not isinstance(types, dict) or not types:
        raise DataFileError(f"bilat/data/{DATA_FILE}: 'types' must map each type to a list of patterns")
    alternatives = []
    for type_, patterns in list(types.items()) + [(t, p) for t, p in (data.get("case_sensitive") or {}).items()]:
        if type_ not in TYPES:
            raise DataFileError(f"bilat/data/{DATA_FILE}: unknown type {type_!r}; expected one of {TYPES}")
        if not isinstance(patterns, list) or not patterns:
            raise DataFileError(f"bilat/data/{DATA_FILE}: type {type_!r} needs a list of patterns")
    for i, (type_, patterns) in enumerate(types.items()):
        alternatives.append(f"(?P<t{i}>(?i:" + "|".join(patterns) + "))")
    offset = len(types)
    cs = list((data.get("case_sensitive") or {}).items())
    for j, (type_, patterns) in enumerate(cs):
        alternatives.append(f"(?P<t{offset + j}>" + "|".join(patterns) + ")")
    group_types = [t for t in types] + [t for t, _ in cs]
    head = _compile(r"(?<![\w\-])(?:" + "|".join(alternatives) + r")(?![\w\-])", 0, "types")

    known = []
    for i, item in enumerate(data.get("known") or []):
        where = f"known[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or item.get("type") not in TYPES:
            raise DataFileError(f"bilat/data/{DATA_FILE}: {where} needs a 'name' and a valid 'type'")
        aliases = [re.escape(item["name"])] + [str(a) for a in item.get("aliases") or []]
        parties = item.get("parties")
        if parties is not None and not (isinstance(parties, list) and all(isinstance(p, str) for p in parties)):
            raise DataFileError(f"bilat/data/{DATA_FILE}: {where}: 'parties' must be a list of codes or null")
        date = item.get("date")
        known.append(_Known(item["name"], item["type"], None if date is None else str(date), parties,
                            _compile(r"(?<![\w\-])(?:" + "|".join(aliases) + r")(?![\w\-])", 0, where)))
    words = data.get("generic_words")
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise DataFileError(f"bilat/data/{DATA_FILE}: 'generic_words' must be a list of strings "
                            "(quote words YAML reads as booleans: \"on\", \"no\")")
    return {
        "head": head,
        "group_types": group_types,
        "known": known,
        "signing": _compile(r"(?<!\w)(?:" + "|".join(_patterns(data, "signing_verbs")) + r")(?!\w)", re.I,
                            "signing_verbs"),
        "generic_before": [_compile(p, re.I, "generic_before") for p in _patterns(data, "generic_before")],
        "generic_after": [_compile(p, re.I, "generic_after") for p in _patterns(data, "generic_after")],
        "generic_words": {str(w).lower() for w in words},
        "both": _compile(r"(?<!\w)(?:" + "|".join(_patterns(data, "both_parties")) + r")(?!\w)", re.I,
                         "both_parties"),
    }


# --- finding instruments in a sentence ----------------------------------------------

_DETERMINERS = {"the", "a", "an", "this", "that", "its", "their", "these", "those", "his", "her", "our", "said",
                "latest", "recent", "under", "of", "on", "in", "with", "by", "and", "or", "to", "for", "from",
                "since", "including", "as", "at", "per"}
_PREMODIFIERS = {"updated", "revised", "amended", "joint", "bilateral", "trilateral", "multilateral", "new",
                 "landmark", "historic", "framework", "defense", "defence", "security", "maritime",
                 "comprehensive", "strategic", "cooperation", "leaders'", "leaders’", "first", "second",
                 "third", "original", "formal", "official", "signed", "five-year", "three-year", "2-year"}
_TOPIC_START = re.compile(r"\s*(?:\((?P<acr>[^()]{1,20})\)\s*)?(?P<prep>on|for|to|regarding|concerning|about|về|"
                          r"between|among|of|in the field of)\b", re.I)
_TOPIC_STOP = re.compile(
    r"[,;:()\[\]!?\"“”]|(?-i:(?<![A-Z]))\.(?=\s|$)|\s(?-i:which|that|who|signed|agreed|ký|được|đã|vào|tại|adopted|inked|concluded|issued|reached|was|were|is|are|has|"
    r"have|had|will|would|can|could|may|might|should|also|and the|and an?|as well as|while|whereas|but|"
    r"reaffirms|reaffirmed|underscores|underscored|reiterates|reiterated|states|stated|stipulates|provides|"
    r"calls|called|aims|aimed|covers|covered|includes|included|sets|set out|lays|laid|marks|marked|marking|"
    r"cementing|paving|allowing|enabling|focusing|focuses|focused|commits|committed|outlines|outlined|"
    r"highlights|highlighted|emphasizes|emphasised|emphasized|affirms|affirmed|expires|took effect)\b", re.I)
_TOKEN = re.compile(r"[A-Za-z][\w'’]*")
_PLURAL = re.compile(r"(?:s|memoranda|treaties)$", re.I)
_DATE_AFTER_LINK = re.compile(r"^\s*(?:\([^()]{1,20}\)\s*)?,?\s*(?:of|from|dated)\s*$", re.I)


@dataclass
class _Mention:
    type: str
    start: int          # of the name (with premodifiers)
    end: int            # of the name (with the topic)
    head_start: int
    head_end: int
    name: str
    content: set
    named: bool
    known: _Known | None = None


def _content(text: str, generic: set) -> set:
    words = set()
    for tok in _TOKEN.findall(text):
        w = tok.lower().strip(".'’-")
        if w and w not in generic and not w.isdigit():
            words.add(w[:-1] if len(w) > 4 and w.endswith("s") else w)
    return words


def _premodifier_start(adoc: AnnotatedDocument, sent_start: int, head_start: int) -> int:
    """Start of the words before a type head that belong to the instrument's name
    ("the 2024 updated Vietnam–U.S. joint vision statement" -> "2024 updated ...").
    Dates, named entities, dashes, title-case words and a few modifiers belong;
    a determiner, a preposition or any other word ends the walk."""
    text = adoc.text
    spans = [(d.start, d.end) for d in adoc.dates_in(sent_start, head_start)] + [
        (m.start, m.end) for m in adoc.mentions_in(sent_start, head_start)]
    pos = head_start
    while True:
        match = re.search(r"(\S+)\s*$", text[sent_start:pos])
        if not match:
            return pos
        tok_start = sent_start + match.start(1)
        tok_end = sent_start + match.end(1)
        token = match.group(1)
        covering = [a for a, b in spans if a < tok_end and b > tok_start]
        if covering and token[-1:] not in ",;:":
            pos = min(min(covering), tok_start)
        elif re.fullmatch(r"[\-–—]", token):
            pos = tok_start
        elif token.lower() in _DETERMINERS or not re.fullmatch(r"[\w'’\-]+", token):
            return pos
        elif token.lower() in _PREMODIFIERS or (token[:1].isupper() and tok_start != sent_start):
            pos = tok_start
        else:
            return pos


_JOINED = re.compile(r",?\s+(?:and|or|as well as|along with)\s+")


def _sentence_mentions(adoc: AnnotatedDocument, sentence, rules: dict) -> list[_Mention]:
    text = adoc.text
    s, e = sentence.start, sentence.end
    found: list[_Mention] = []
    taken: list[tuple[int, int]] = []
    for known in rules["known"]:
        for m in known.pattern.finditer(text, s, e):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            start = _premodifier_start(adoc, s, m.start())
            found.append(_Mention(known.type, start, m.end(), m.start(), m.end(), text[start:m.end()],
                                  _content(known.name, rules["generic_words"]), True, known=known))
    for m in rules["head"].finditer(text, s, e):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        type_ = rules["group_types"][int(m.lastgroup[1:])]
        head_start, head_end = m.start(), m.end()
        before = text[max(s, head_start - 60):head_start]
        after = text[head_end:e]
        head_text = text[head_start:head_end]
        capitalised = head_text[:1].isupper() and head_start != s and not head_text.isupper()
        if any(p.search(before) for p in rules["generic_before"]) or (
                # "the agreement that ..." is a clause; "the Joint Vision Statement that ..." is a title
                not capitalised and any(p.search(after) for p in rules["generic_after"])):
            continue
        start = _premodifier_start(adoc, s, head_start)
        end = head_end
        topic = False
        t = _TOPIC_START.match(text, head_end, e)
        if t and t.group("prep"):
            prep = t.group("prep").lower()
            rest_start = t.end()
            stop = _TOPIC_STOP.search(text, rest_start, e)
            rest_end = stop.start() if stop else e
            following = rules["head"].search(text, rest_start, rest_end)
            if following:  # "the 2011 MoU on ... and the joint vision statement": two instruments
                joins = list(_JOINED.finditer(text, rest_start, following.start()))
                if joins:
                    rest_end = joins[-1].start()
            words = text[rest_start:rest_end].split()
            if prep == "of" and not text[rest_start:rest_end].strip()[:1].isupper():
                words = []
            cut = [d.start for d in adoc.dates_in(rest_start, rest_end)] + [
                m.start for m in adoc.mentions_in(rest_start, rest_end)
                if m.type == "place" and re.search(r"\b(?:in|at)\s+$", text[rest_start:m.start])]
            if cut:
                rest_end = min(cut)
                words = re.sub(r"\s+(?:in|at|on)\s*$", "", text[rest_start:rest_end]).split()
            if words:
                words = words[:20]
                end = rest_start + len(" ".join(words)) + (len(text[rest_start:rest_end]) - len(text[rest_start:rest_end].lstrip()))
                end = min(end, rest_end)
                topic = True
        elif t and t.group("acr"):
            end = t.start("acr") + len(t.group("acr")) + 1
        paren = re.match(r"\s*\([^()]{1,20}\)", text[end:e])
        if paren and not topic:
            end += paren.end()
        name = text[start:end].strip()
        head = text[head_start:head_end]
        plural = bool(_PLURAL.search(head)) and not head.lower().endswith(("us", "ss"))
        if plural:
            continue  # "signed documents and agreements", "agreements on trade": not one instrument
        titled = head[:1].isupper() and head_start != s and not head.isupper() or (
            head.isupper() and len(head) > 4)
        content = _content(text[start:head_start] + " " + text[head_end:end], rules["generic_words"])
        found.append(_Mention(type_, start, end, head_start, head_end, name, content, named=topic or titled))
        taken.append((start, end))
    found.sort(key=lambda x: x.start)
    return found


# --- dates and parties ---------------------------------------------------------------

_NOT_SIGNING_QUALIFIERS = {"by", "until", "before"}


def _own_date(adoc: AnnotatedDocument, sentence, mention: _Mention, rules: dict, others: list[_Mention]):
    """A date written as part of the instrument's phrase: "the 2011 MoU",
    "MoU signed in late October 2025", "the joint statement of May 2016"."""
    for d in adoc.dates_in(mention.start, mention.head_start):
        return d
    for d in adoc.dates_in(sentence.start, mention.start):
        # a timeline entry: "September 2011: memorandum of understanding on ..."
        if (not re.search(r"\w", adoc.text[sentence.start:d.start])
                and re.fullmatch(r"\s*[:–—-]\s*", adoc.text[d.end:mention.start])):
            return d
        break
    next_head = min((o.head_start for o in others if o.head_start > mention.head_end), default=sentence.end)
    for d in adoc.dates_in(mention.end, min(next_head, sentence.end)):
        between = adoc.text[mention.end:d.start]
        if re.search(r"[;]", between) or len(between) > 80:
            break
        if _DATE_AFTER_LINK.match(between) or (rules["signing"].search(between)
                                               and not re.search(r",\s*(?:which|while|and)\b", between)):
            return d
        break
    return None


def _sentence_date(adoc, sentence, mention, claimed: set, rules: dict, others):
    """A date elsewhere in the sentence, when the sentence signs or adopts
    something: "In 2015, the two countries signed an MOU on peacekeeping"."""
    if not rules["signing"].search(adoc.text, sentence.start, sentence.end):
        return None
    names = [(o.start, o.end) for o in others if o is not mention]
    best = None
    for d in adoc.dates_in(sentence.start, sentence.end):
        if (d.start, d.end) in claimed or d.qualifier in _NOT_SIGNING_QUALIFIERS:
            continue
        if any(a <= d.start < b for a, b in names):
            continue
        distance = mention.head_start - d.end if d.end <= mention.head_start else d.start - mention.end
        if best is None or distance < best[0]:
            best = (distance, d)
    return best[1] if best else None


def _context_date(adoc, sentence, mention, rules: dict):
    """The date of the sentence before, in the same paragraph, when it speaks of
    the instrument's topic ("the CSP established ... in September 2023")."""
    prev = previous_sentence(adoc, sentence)
    if prev is None or not mention.content:
        return None
    if not mention.content & _content(prev.text, rules["generic_words"]):
        return None
    dates = [d for d in adoc.dates_in(prev.start, prev.end) if d.qualifier not in _NOT_SIGNING_QUALIFIERS]
    return dates[-1] if dates else None


def _parties(adoc, sentence, mention: _Mention, pair: list[str], rules: dict) -> list | None:
    if mention.known is not None:
        return list(mention.known.parties) if mention.known.parties is not None else None
    name_orgs = [m for m in adoc.mentions_in(mention.start, mention.end) if m.type == "organization"]
    if mention.type == "treaty" and (re.search(r"\b(?:UN|U\.N\.|United Nations|[Ii]nternational)\b", mention.name)
                                     or any(m.country is None for m in name_orgs)):
        return None
    found = countries_in(adoc, mention.start, mention.end)
    if len(found) < 2:
        subject = countries_in(adoc, sentence.start, mention.start)
        after = re.match(r"\s*(?:with|between)\s", adoc.text[mention.end:sentence.end])
        if after:
            subject += countries_in(adoc, mention.end, sentence.end)
        for code in subject:
            if code not in found:
                found.append(code)
    if rules["both"].search(adoc.text, sentence.start, sentence.end) or len(found) < 2:
        for code in pair:
            if len(found) >= 2:
                break
            if code not in found:
                found.append(code)
    ordered = [c for c in ("VN",) if c in found] + [c for c in found if c != "VN"]
    return ordered


# --- one record per instrument --------------------------------------------------------

@dataclass
class _Record:
    type: str
    name: str
    date: str | None
    parties: list | None
    content: set
    known: _Known | None
    evidence: Evidence
    confidence: float


def _strip_date(adoc: AnnotatedDocument, mention: _Mention) -> str:
    """The name as the text gives it, without a leading date ("2011 MoU on X" -> "MoU on X")."""
    start = mention.start
    for d in adoc.dates_in(mention.start, mention.head_start):
        start = max(start, d.end)
    return adoc.text[start:mention.end].strip(" ,–-")


def _year(date: str | None) -> str | None:
    return date[:4] if date else None


def _same(record: _Record, mention: _Mention, date: str | None) -> bool:
    if record.type != mention.type:
        return False
    if record.known is not None and mention.known is not None:
        return record.known is mention.known
    if date and record.date and _year(date) != _year(record.date):
        return False
    if record.content and mention.content:
        return bool(record.content & mention.content)
    if date and record.date:
        return True  # same type, same year, one of them unnamed
    return False


def _quote(adoc: AnnotatedDocument, sentence, start: int, end: int) -> tuple[int, int]:
    """The sentence, or for a long sentence the clause (between semicolons) holding [start, end)."""
    s, e = sentence.start, sentence.end
    if e - s <= 320:
        return s, e
    text = adoc.text
    left = max(text.rfind(";", s, start), -1)
    right = text.find(";", end, e)
    qs = left + 1 if left >= s else s
    qe = right if right >= 0 else e
    while qs < qe and text[qs].isspace():
        qs += 1
    return qs, qe


def extract(adoc: AnnotatedDocument) -> list[Fact]:
    rules = _rules()
    ref_start = reference_start(adoc)
    pair = main_countries(adoc, ref_start)
    records: list[_Record] = []
    for sentence in adoc.sentences:
        if is_citation(adoc, sentence, ref_start):
            continue
        mentions = _sentence_mentions(adoc, sentence, rules)
        if not mentions:
            continue
        own = {}
        for mention in mentions:
            d = _own_date(adoc, sentence, mention, rules, mentions)
            if d is not None:
                own[id(mention)] = d
        claimed = {(d.start, d.end) for d in own.values()}
        for mention in mentions:
            d = own.get(id(mention))
            dated_in_phrase = d is not None
            if d is None:
                d = _sentence_date(adoc, sentence, mention, claimed, rules, mentions)
                if d is not None:
                    claimed.add((d.start, d.end))
            date = d.value if d is not None else None
            existing = next((r for r in reversed(records) if _same(r, mention, date)), None)
            bare = not mention.named and not mention.content and not dated_in_phrase
            if existing is None and bare:
                existing = next((r for r in reversed(records) if r.type == mention.type), None)
            if existing is not None:
                if existing.date is None and date is not None and not bare:
                    existing.date = date
                continue
            signed = bool(rules["signing"].search(adoc.text, sentence.start, sentence.end))
            explicit_parties = len(countries_in(adoc, mention.start, mention.end)) >= 2
            if not (mention.named or date or mention.known or explicit_parties or (signed and not bare)):
                continue
            if date is None:
                c = _context_date(adoc, sentence, mention, rules)
                date = c.value if c is not None else (mention.known.date if mention.known else None)
            qs, qe = _quote(adoc, sentence, mention.start, mention.end)
            quote = adoc.text[qs:qe]
            name = _strip_date(adoc, mention)
            confidence = 0.5 + 0.15 * bool(mention.named) + 0.15 * bool(date) + 0.1 * bool(mention.known)
            records.append(_Record(mention.type, name, date, _parties(adoc, sentence, mention, pair, rules),
                                   mention.content, mention.known, Evidence(qs, qe, quote, sentence.index),
                                   round(min(confidence, 0.95), 2)))
    facts = []
    for record in records:
        facts.append(Fact(
            kind="agreement",
            fields={"name": record.name, "type": record.type, "date": record.date, "parties": record.parties},
            evidence=record.evidence,
            area=area_of(record.name, record.evidence.quote),
            confidence=record.confidence,
            extractor=NAME,
        ))
    return facts
