"""Reading a question: its words (stemmed, with synonyms), the entities it
names, and what kind of answer it wants."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from bilat.errors import QueryError
from bilat.nlp import gazetteer
from bilat.nlp.script import has_vietnamese_letters

from .tuning import (
    COUNTRY_WEIGHT,
    ENTITY_WEIGHT,
    GENERIC_WEIGHT,
    WEAK_WEIGHT,
    WORD_WEIGHT,
)

# -- words ------------------------------------------------------------------------------

STOPWORDS = set("""
a an the of to in on for by with at from about as and or but nor is are was were be been being am
has have had do does did done will would shall should can could may might must what which who whom
whose when where why how much many that this these those it its there their they them he she his her
we our you your i me my any some so than then into over under up down out off again ever yet still also
just only very say said says tell told get got make made s t d ll ve re if not no yes there here such
let lets please know known me show list tell all each every own other same
""".split())
VI_STOPWORDS = set("""
da co cua cho va la duoc nhung cac voi mot nay do khong gi nao bao nhieu khi ai o tai thi ma hay den
vao tu nhu the se dang roi may
""".split())  # folded; read only in Vietnamese questions
GENERIC = set("""
us u united states america american americans washington vietnam vietnamese viet nam hanoi
defense defence military cooperation bilateral relation relations tie ties partnership country
countries government year years number amount equipment total side sides two both
my hoa ky viet nam quoc phong hop tac
""".split())
SYNONYMS = [
    "commit committed commitment pledge pledged fund funding funded provide provided allocate allocated "
    "announce announced aid grant granted contribute contributed contribution spend spent finance financing "
    "assistance assist",
    "give given gave supply supplied provide provided transfer transferred deliver delivered delivery "
    "hand handed handover donate donated receive received",
    "buy buying bought purchase purchased sale sales sell selling sold acquire acquired acquisition procure "
    "procurement order ordered",
    "repatriate repatriated repatriation return returned",
    "mia mias missing pow unaccounted",
    "sign signed signing adopt adopted conclude concluded",
    "mou memorandum",
    "agreement accord deal pact",
    "visit visited trip call called",
    "meet met meeting talk talks",
    "cost price worth value",
    "cleanup clean remediation remediate",
    "drill exercise exercises",
]
# Vietnamese phrases of questions, glossed into English before the words are read
# (folded, lower case), so a Vietnamese question finds facts stated in English.
VI_GLOSS = {
    "cam ket": "committed", "tai tro": "funding", "vien tro": "aid", "hoi huong": "repatriated",
    "hai cot": "remains", "nhan duoc": "received", "da nhan": "received", "quan nhan": "service members",
    "quan nhan my mat tich": "mia", "mat tich": "missing", "ban ghi nho": "mou",
    "ky ket": "signed", "ky": "signed", "canh sat bien": "coast guard", "tau tuan tra": "patrol boats",
    "tau san bay": "aircraft carrier", "chuyen giao": "transferred", "ban giao": "handed over", "mua": "buy",
    "ban": "sell", "tham": "visit", "gap": "met", "chien dau co": "fighter jets", "may bay": "aircraft",
    "tau ngam": "submarines",
    "tay doc": "dioxin", "chat doc da cam": "agent orange", "bom min": "unexploded ordnance", "tien": "money",
    "thiet bi": "equipment", "cang": "port", "tap tran": "exercise",
    "tuyen bo tam nhin chung": "joint vision statement",
}
_VI_GLOSS = re.compile(r"\b(" + "|".join(sorted(map(re.escape, VI_GLOSS), key=len, reverse=True)) + r")\b")
# Verbs that carry the question's relation rather than its topic: they count (a little)
# but are not required when the question has a topic of its own ("FMF", "Bien Hoa").
WEAK_VERBS = set("""
receive received receives receiving get gets got getting give given gave gives giving have has had take took
taken hold held operate operates operated provide provided provides make made do does did include included
""".split())
QUESTION_WORDS = {"how", "what", "when", "which", "who", "whom", "is", "are", "will", "does", "did", "has",
                  "have", "was", "were", "do", "can", "where", "why"}
_SUFFIXES = ("ational", "ations", "ation", "ments", "ment", "ings", "ing", "ated", "ates", "ate", "ies",
             "ied", "ed", "es", "s")
_TOKEN = re.compile(r"[a-z0-9]+")
_POSSESSIVE = re.compile(r"(\w)['’]s\b")


def normalise(text: str) -> str:
    """Folded (no diacritics), American spelling, lower case, possessive 's dropped."""
    return _POSSESSIVE.sub(r"\1", gazetteer.spelling(gazetteer.fold(text or ""))).lower()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix stripper: "repatriated"/"repatriation" -> "repatri", "committed" -> "commit"."""
    if len(word) <= 3 or word.isdigit():
        return word
    out = word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "es" and not word[:-2].endswith(("s", "x", "z", "ch", "sh")):
                suffix = "s"  # "sales" -> "sale", "boxes" -> "box"
            out = word[:-len(suffix)]
            if suffix in ("ies", "ied"):
                out += "i"
            break
    if out.endswith("y") and len(out) > 3:
        out = out[:-1] + "i"
    elif out.endswith("e") and len(out) > 4:
        out = out[:-1]
    if len(out) >= 4 and out[-1] == out[-2] and out[-1] not in "ls":
        out = out[:-1]
    return out


@lru_cache(maxsize=1)
def _generic_stems() -> frozenset[str]:
    return frozenset(stem(g) for g in GENERIC)


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = defaultdict(set)
    for line in SYNONYMS:
        group = {stem(w) for w in line.split()}
        for s in group:
            table[s] |= group
    return {k: frozenset(v) for k, v in table.items()}


# -- the question -------------------------------------------------------------------------

@dataclass
class Term:
    """One thing the question asks about: an entity or a word (with its synonyms)."""
    label: str
    weight: float
    entity: str | None = None
    stems: frozenset = frozenset()
    synonyms: frozenset = frozenset()
    patterns: tuple = ()
    topic: bool = True  # a specific term (not "US", "Vietnam", "defense")
    aliases: tuple = ()  # entities: every name of it, normalised

    def fts(self) -> list[str]:
        """FTS5 terms for it: an entity's names as phrases, a word's stem and synonyms as prefixes."""
        if self.entity:
            return ['"' + p.replace('"', "") + '"' for p in self.aliases]
        if self.patterns and not self.stems:
            return ['"' + self.label.replace('"', "") + '"']
        word = next(iter(self.stems))
        forms = {word} | set(self.synonyms)
        return [f'"{w}"*' if len(w) >= 4 else f'"{w}"' for w in sorted(forms)]


@dataclass
class Question:
    text: str
    type: str                 # figure | date | transfer | status | who | general
    unit: str | None          # figures: USD for "how much", count for "how many"
    terms: list[Term]
    language: str

    @property
    def entity_terms(self) -> list[Term]:
        return [t for t in self.terms if t.entity and t.topic]

    @property
    def topic_words(self) -> int:
        return sum(1 for t in self.terms if t.topic and not t.entity)

    @property
    def total_weight(self) -> float:
        return sum(t.weight for t in self.terms) or 1.0

    def fts_query(self, topic_only: bool = False) -> str:
        parts: list[str] = []
        for t in self.terms:
            if topic_only and not t.topic:
                continue
            parts.extend(t.fts())
        return " OR ".join(dict.fromkeys(parts))

    def as_dict(self) -> dict:
        return {"type": self.type, "unit": self.unit, "language": self.language,
                "entities": [t.entity for t in self.terms if t.entity],
                "words": [t.label for t in self.terms if not t.entity]}


_TYPE_RULES = [
    ("figure", re.compile(r"\bhow (much|many)\b|\bwhat (is|was|are|were) the (total|number|amount|value|size|cost)\b"
                          r"|\bbao nhieu\b")),
    ("date", re.compile(r"^\s*when\b|\bwhat (year|date|month|day)\b|\bin which year\b|\bkhi nao\b|\bbao gio\b"
                        r"|\bnam nao\b|\bluc nao\b|\bngay nao\b|\bthang nao\b")),
    ("status", re.compile(r"^\s*(is|are|will|does|do|did|has|have|was|were)\b.*\b(buy|buying|bought|purchas\w*|"
                          r"acquir\w*|sell|selling|sold|sale|get|getting|order\w*|receiv\w*|deliver\w*)\b"
                          r"|\bco mua\b|\bmua\b.*\bkhong\b")),
    ("transfer", re.compile(r"\b(what|which) (equipment|hardware|weapons?|ships?|boats?|aircraft|vessels?|arms"
                            r"|systems?|assets?|drones?|helicopters?)"
                            r"|\bwhat (has|have|did) .*\b(give|given|gave|suppl\w*|provid\w*|transferr?\w*|deliver\w*|"
                            r"donat\w*|sold|sell)\b|\bthiet bi\b|\bkhi tai\b|\btrang bi\b")),
    ("who", re.compile(r"^\s*who\b|\bwhich (official|minister|person|people|leader)s?\b")),
]
_VI_WORDS = {"bao", "nhieu", "khi", "nao", "cua", "da", "duoc", "nhung", "khong", "gi", "cho", "voi", "tu"}


def parse_question(question: str) -> Question:
    """Question type, entity terms and word terms of ``question``."""
    if not question or not question.strip():
        raise QueryError("empty question")
    text = question.strip()
    norm = normalise(text)
    words = set(_TOKEN.findall(norm))
    language = "vi" if has_vietnamese_letters(text) or (len(words & _VI_WORDS) >= 2 and not words & QUESTION_WORDS) \
        else "en"  # Vietnamese typed with or without its diacritics
    qtype = next((name for name, rule in _TYPE_RULES if rule.search(norm)), "general")
    if qtype == "general" and language == "vi" and re.search(r"\bmay\b", norm):  # "mấy": how many
        qtype = "figure"
    if qtype == "general" and language == "vi" and re.search(r"\bai\b", norm):  # "ai": who
        qtype = "who"
    unit = None
    if qtype == "figure":
        unit = "USD" if re.search(r"\bhow much\b|\bamount\b|\bcost\b|\bvalue\b|\btien\b|\busd\b|\bdollar"
                                  r"|\bdo la\b|\bcam ket\b|\btai tro\b|\bvien tro\b", norm) \
            else "count"
        if re.search(r"\bpercent|\bshare\b|%", norm):
            unit = "percent"

    terms: list[Term] = []
    covered: list[tuple[int, int]] = []
    cleaned = _POSSESSIVE.sub(r"\1", text)  # "Vietnam's coast guard" -> "Vietnam coast guard"
    seen_entities: set[str] = set()
    for m in gazetteer.find_mentions(cleaned):
        covered.append((m.start, m.end))
        if m.entity in seen_entities:
            continue
        seen_entities.add(m.entity)
        record = gazetteer.entity(m.entity) or {"name": m.name, "aliases": []}
        aliases = tuple(dict.fromkeys(a for a in (normalise(x) for x in [record["name"], *record["aliases"], m.text])
                                      if a.strip()))
        is_country = m.type == "country"
        terms.append(Term(label=m.name, weight=COUNTRY_WEIGHT if is_country else ENTITY_WEIGHT, entity=m.entity,
                          aliases=aliases, patterns=(_alias_pattern(*aliases),),
                          topic=not is_country))
    # words outside entity mentions
    masked = normalise("".join(" " if any(a <= i < b for a, b in covered) else c for i, c in enumerate(cleaned)))
    seen: set[str] = set()
    if language == "vi":  # a glossed phrase is one term: the Vietnamese words or their English gloss
        for m in _VI_GLOSS.finditer(masked):
            vi, en = m.group(1), VI_GLOSS[m.group(1)]
            if en in seen:
                continue
            seen.add(en)
            generic = all(w in GENERIC for w in en.split())
            one = stem(en) if " " not in en else None  # a one-word gloss also matches by stem and synonyms
            terms.append(Term(label=en, weight=GENERIC_WEIGHT if generic else WORD_WEIGHT,
                              patterns=(_alias_pattern(vi), _alias_pattern(en)),
                              stems=frozenset({one} if one else ()),
                              synonyms=_synonyms().get(one, frozenset()) - {one} if one else frozenset(),
                              topic=not generic))
        masked = _VI_GLOSS.sub(" ", masked)
    for raw in _TOKEN.findall(masked):
        if raw in STOPWORDS or raw in QUESTION_WORDS or (len(raw) < 2 and not raw.isdigit()) \
                or language == "vi" and raw in VI_STOPWORDS:
            continue
        s = stem(raw)
        if s in seen:
            continue
        seen.add(s)
        generic = raw in GENERIC or s in _generic_stems()
        synonyms = _synonyms().get(s, frozenset()) - {s}
        terms.append(Term(label=raw, weight=GENERIC_WEIGHT if generic else WORD_WEIGHT, stems=frozenset({s}),
                          synonyms=frozenset(synonyms), topic=not generic))
    weak = [t for t in terms if not t.entity and t.topic and t.label in WEAK_VERBS]
    if weak and any(t.topic and t not in weak for t in terms):
        for t in weak:
            t.topic, t.weight = False, WEAK_WEIGHT
    return Question(text, qtype, unit, terms, language)


def _alias_pattern(*aliases: str) -> re.Pattern:
    """One pattern for all forms of a name, on normalised text, plural allowed."""
    bodies = sorted({r"[\s\-]*".join(re.escape(part) for part in re.split(r"[\s\-]+", a.strip()) if part)
                     for a in aliases if a.strip()}, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(bodies) + r")(?:e?s)?(?![a-z0-9])")


