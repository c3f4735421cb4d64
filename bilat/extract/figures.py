"""Figures: numbers a document asserts (money, counts, percentages, physical
quantities), each with its qualifier, change, as_of date and readable labels.

The number grammar lives in ``bilat.nlp.numbers``; this module decides which
numbers are figures and reads their attributes from the sentence around them.
Cue words and noun lists are data (bilat/data/figures.yaml):

- not figures: years, dates, ordinals, durations ("six years"), numbers in
  names ("C-130", "CSB 8020", "No. 5"), list markers, equipment sizes,
  citation numbers in notes, counts of abstract things ("three objectives"),
  the two parties ("the two sides"), and counts of equipment handed over,
  sold or offered (those are transfers);
- ``qualifier`` from cues right before or after the number ("more than",
  "about", "up to", "or more");
- ``change`` is ``increment`` for an added amount ("an additional $130 million");
- ``as_of``: an "as of" date or the date of the figure's clause (the end of a
  period, the last of a list), else the publication date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bilat.data import DataFileError
from bilat.nlp.annotate import AnnotatedDocument
from bilat.nlp.numbers import DATA_FILE, Quantity, figure_data, find_quantities, grammar

from .areas import area_for
from .model import Evidence, Fact

EXTRACTOR = "figures"
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF][\w'’.&/-]*|\d[\w.,/-]*|[^\w\s]", re.U)
_ABBREV = re.compile(r"^(?:[A-Za-z]\.){2,}$")
_LIST_MARKER = re.compile(r"^\s*[(\[]?$")
_CURRENT_ANCHOR = re.compile(r"\b(?:as of|as at|as on)\s+(?:now|today|this writing|press time)\b", re.I)
_YEAR_ONLY = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class _Rules:
    name_prefixes: frozenset
    capitalised_ok: frozenset
    duration: frozenset
    abstract: frozenset
    bilateral: frozenset
    equipment: frozenset
    transfer: re.Pattern
    keep: re.Pattern
    size_before: re.Pattern
    size_after: re.Pattern
    size_nouns: frozenset
    notes_heading: re.Pattern
    citation_line: re.Pattern
    citation: re.Pattern
    strong_citation: re.Pattern
    qualifier_before: dict
    qualifier_after: dict
    increment_before: re.Pattern
    increment_after: re.Pattern
    funding: frozenset
    funding_head: re.Pattern
    money_verbs: tuple
    modifiers: frozenset
    irregular: dict
    containers: frozenset
    stopwords: frozenset
    elided_verbs: frozenset
    as_of_cue: re.Pattern
    start_cue: re.Pattern
    anaphoric: frozenset
    subject_skip: frozenset
    current_cue: re.Pattern
    date_modifier: re.Pattern
    clause: re.Pattern


def _words(data: dict, key: str) -> frozenset:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataFileError(f"bilat/data/{DATA_FILE}: '{key}' must be a list of strings")
    return frozenset(v.lower() for v in value)


def _regex(patterns, template: str = r"(?:{})", flags=re.I) -> re.Pattern:
    try:
        return re.compile(template.format("|".join(f"(?:{p})" for p in patterns)), flags)
    except re.error as exc:
        raise DataFileError(f"bilat/data/{DATA_FILE}: bad pattern ({exc})") from None


def _literal(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    d = figure_data()
    quals = d.get("qualifiers")
    change = d.get("change", {}).get("increment")
    if not isinstance(quals, dict) or not isinstance(change, dict):
        raise DataFileError(f"bilat/data/{DATA_FILE}: 'qualifiers' and 'change.increment' must be mappings")
    q_before, q_after = {}, {}
    for name, cues in quals.items():
        q_before[name] = _regex(cues.get("before", []), r"(?:^|[^\w])(?:{})\s*$")
        q_after[name] = _regex(cues.get("after", []) or ["(?!x)x"], r"^\s*(?:{})(?![\w])")
    funding = _words(d, "funding_nouns")
    money_verbs = d.get("money_verbs", {})
    if not isinstance(money_verbs, dict):
        raise DataFileError(f"bilat/data/{DATA_FILE}: 'money_verbs' must map verb patterns to labels")
    irregular = d.get("irregular_plurals", {})
    if not isinstance(irregular, dict):
        raise DataFileError(f"bilat/data/{DATA_FILE}: 'irregular_plurals' must be a mapping")
    return _Rules(
        name_prefixes=_words(d, "name_prefixes"),
        capitalised_ok=_words(d, "capitalised_ok"),
        duration=_words(d, "duration_nouns"),
        abstract=_words(d, "abstract_nouns"),
        bilateral=_words(d, "bilateral_nouns"),
        equipment=_words(d, "equipment_nouns"),
        transfer=_regex(d["transfer_verbs"], r"\b(?:{})\b"),
        keep=_regex(d["equipment_keep_verbs"], r"\b(?:{})\b"),
        size_before=_regex([_literal(_words(d, "size_cues_before"))], r"\b(?:{})\s*$"),
        size_after=_regex([_literal(_words(d, "size_cues_after"))], r"^\s*(?:{})\b"),
        size_nouns=_words(d, "size_nouns"),
        notes_heading=_regex(d["notes_headings"], r"^[#*\s]*(?:{})[*:\s]*$"),
        citation_line=_regex(d["citation_line_starts"], r"^[\s*#>-]*(?:{})"),
        citation=_regex(d["citation_patterns"]),
        strong_citation=_regex(d["strong_citation_patterns"]),
        qualifier_before=q_before,
        qualifier_after=q_after,
        increment_before=_regex(change.get("before", []),
                                r"(?:^|[^\w-])(?:{})\s+(?:(?:[\w'’-]+\s+)?(?:" + _literal(funding) +
                                r")\s+(?:of|worth|totall?ing|amounting\s+to|valued\s+at)\s+)?$"),
        increment_after=_regex(change.get("after", []), r"^\s*(?:{})\b"),
        funding=funding,
        funding_head=_regex([_literal(funding)], r"^\s*((?:[a-z][\w'’-]*\s){{0,2}}(?:{}))\b"),
        money_verbs=tuple((_regex([k], r"\b(?:{})$"), str(v)) for k, v in money_verbs.items()),
        modifiers=_words(d, "counted_modifiers"),
        irregular={str(k).lower(): str(v).lower() for k, v in irregular.items()},
        containers=_words(d, "container_nouns"),
        stopwords=_words(d, "counted_stopwords"),
        elided_verbs=_words(d, "elided_verbs"),
        as_of_cue=_regex(d["as_of_cues"], r"(?:^|[^\w])(?:{})\s+(?:the\s+)?(?:(?:end|close|start)\s+of\s+)?$"),
        start_cue=_regex(d["start_cues"], r"(?:^|[^\w])(?:{})\s+(?:the\s+)?(?:(?:early|mid|late)[\s-]+)?$"),
        anaphoric=_words(d, "anaphoric_words"),
        subject_skip=_words(d, "subject_skip_words"),
        current_cue=_regex([_literal(_words(d, "current_cues"))], r"\b(?:{})\b"),
        date_modifier=_regex([_literal(_words(d, "date_modifier_nouns"))],
                             r"^[\s\w'’.-]{{0,30}}?\b(?:{})\b"),
        clause=_regex(d["clause_boundaries"], r"{}"),
    )


# ---------------------------------------------------------------------------
# the document


def extract(adoc: AnnotatedDocument) -> list[Fact]:
    rules = _rules()
    text = adoc.text
    notes = _notes_start(text, rules)
    title_idx = _title_sentence(adoc)
    dates = adoc.dates
    numerals = grammar().anchor
    facts: list[Fact] = []
    title_facts: list[Fact] = []
    for sent in adoc.sentences:
        if not numerals.search(sent.text):
            continue
        line_start = text.rfind("\n", 0, sent.start) + 1
        line = text[line_start:text.find("\n", sent.start) if "\n" in text[sent.start:] else len(text)]
        in_notes = notes is not None and sent.start >= notes
        if rules.citation_line.match(line) or rules.strong_citation.search(sent.text):
            continue
        if (in_notes or _NOTE_LINE.match(line)) and rules.citation.search(sent.text):
            continue
        quantities = find_quantities(sent.text, sent.start, adoc.language)
        if not quantities:
            continue
        sent_dates = [d for d in dates if sent.start <= d.start and d.end <= sent.end]
        found = _sentence_figures(adoc, sent, quantities, sent_dates, dates, rules, in_notes)
        (title_facts if sent.index == title_idx else facts).extend(found)
    body_keys = {(f.fields["unit"], f.fields["value"]) for f in facts}
    facts.extend(f for f in title_facts if (f.fields["unit"], f.fields["value"]) not in body_keys)
    facts.sort(key=lambda f: (f.evidence.start, f.extra.get("at", 0)))
    return facts


_NOTE_LINE = re.compile(r"^\s*(?:[-*•]\s*)?(?:\[\d{1,3}\]|\d{1,3}[.)]?|\^\d{1,3})\s")
_RATIO_BEFORE = re.compile(r"\b(?:one|\d+)\s+(?:in|out\s+of)\s+(?:every\s+)?$", re.I)
_RATIO_AFTER = re.compile(r"^\s+(?:in|out\s+of)\s+(?:every\s+)?(?:\d|one|two|three|four|five|six|seven|eight|"
                          r"nine|ten|a\s+hundred)\b", re.I)
def _notes_start(text: str, rules: _Rules) -> int | None:
    """Offset where a notes/references section starts, if the text has one."""
    pos = 0
    for line in text.split("\n"):
        if line.strip() and len(line) < 60 and rules.notes_heading.match(line.strip()):
            return pos
        pos += len(line) + 1
    return None


def _title_sentence(adoc: AnnotatedDocument) -> int | None:
    if not adoc.title or not adoc.sentences:
        return None
    title = " ".join(adoc.title.split()).strip("# ").lower()
    for sent in adoc.sentences[:3]:
        if " ".join(sent.text.split()).strip("# ").lower() == title:
            return sent.index
    return None


# ---------------------------------------------------------------------------
# one sentence


def _sentence_figures(adoc, sent, quantities: list[Quantity], dates, all_dates, rules: _Rules,
                      in_notes: bool) -> list[Fact]:
    s = sent.text
    base = sent.start
    date_spans = [(d.start - base, d.end - base) for d in dates]
    clauses = _clause_bounds(s, rules)
    has_transfer = rules.transfer.search(s) is not None or rules.keep.search(s) is None
    english = not adoc.language or adoc.language.lower().startswith("en")
    facts: list[Fact] = []
    counts: list[tuple[int, str]] = []  # (index in quantities, counted) of accepted or elided counts
    area = None
    quantities = [q for q in quantities
                  if not (q.kind == "number" and any(a < q.num_end - base and q.num_start - base < b
                                                     for a, b in date_spans))]
    for i, q in enumerate(quantities):
        rs, re_ = q.start - base, q.end - base
        before, after = s[:rs], s[re_:]
        prev_word = _prev_word(before)
        if prev_word.lower().rstrip(".") in rules.name_prefixes and q.kind == "number":
            continue
        if q.kind == "number" and not q.scaled and _LIST_MARKER.match(before) and re.match(r"^[.)]", after):
            continue  # "2. Maritime capacity"
        if q.kind == "number" and (_RATIO_BEFORE.search(before) or _RATIO_AFTER.match(after)):
            continue  # "one in five adults"
        counted, elided, np_end = None, False, re_
        confidence = 0.85
        if q.kind == "number":
            if not english or _is_name(prev_word, before, q, rules):
                continue  # counted nouns are read in English only
            info = _counted(s, re_, rules)
            if info is None:
                counted = _elided_counted(s, i, quantities, counts, base, rules, has_transfer,
                                          s[clauses[_clause_of(rs, clauses)][0]:rs])
                if counted is None:
                    continue
                elided = True
            else:
                counted, head, np_end = info
                if _not_a_count(q, counted, head, prev_word, has_transfer, rules):
                    continue
            if q.value == 1 and not q.scaled:
                continue
            if prev_word.lower() in rules.anaphoric and q.value < 100 and not q.scaled:
                continue
            counts.append((i, counted))
            unit = "count"
            confidence = 0.7 if elided else 0.8
        elif q.kind == "measure":
            if rules.size_before.search(s[max(0, rs - 30):rs]) or rules.size_after.match(after[:25]):
                continue
            unit = q.unit
        else:
            unit = q.unit
        if q.words:
            confidence -= 0.1
        if in_notes:
            confidence -= 0.2

        pair_second = i > 0 and _in_range_pair(s, quantities[i - 1], q, base)
        qualifier = "exact" if pair_second else _qualifier(before, after, s[np_end:], rules)
        if qualifier == "exact" and q.mark:
            qualifier = "approx" if q.mark == "odd" else "at_least"
        change = _change(before, after, s[np_end:], q, rules)
        clause = _clause_of(rs, clauses)
        as_of = _as_of(adoc, s, (rs, re_), clause, clauses, dates, all_dates, base, quantities, rules)
        lead_end = quantities[i - 1].start - base if pair_second else rs
        if facts and _EARLIER.search(before[-30:]) and facts[-1].fields["unit"] == unit:
            measure = facts[-1].fields["measure"] + ", earlier"
        elif facts and q.kind == "money" and facts[-1].fields["counted"] is None and _EQUIVALENT.search(before[-20:]):
            measure = facts[-1].fields["measure"]  # "VND 250 trillion (about US$10 billion)"
            as_of = facts[-1].fields["as_of"]
        else:
            measure = _measure(s, q, counted, change, before, after, np_end - re_, clauses[clause], base, rules,
                               lead_end)
        subject = _subject(adoc, s, q, clauses[clause], base, counted)
        value = int(q.value) if float(q.value).is_integer() else round(q.value, 6)
        area = area or area_for(s)
        fields = {"value": value, "unit": unit, "counted": counted, "qualifier": qualifier, "as_of": as_of,
                  "change": change, "measure": measure, "subject": subject}
        facts.append(Fact(kind="figure", fields=fields,
                          evidence=_evidence(sent, clauses[clause]),
                          area=area, confidence=round(max(0.1, min(0.95, confidence)), 2),
                          extractor=EXTRACTOR, extra={"at": q.start}))
    return facts


_EARLIER = re.compile(r"\b(?:up|down)\s+from\s+(?:about\s+|around\s+|nearly\s+)?$|"
                      r"\bcompared\s+(?:with|to)\s+$|\bversus\s+$|\bvs\.?\s+$", re.I)
_EQUIVALENT = re.compile(r"\(\s*(?:about|around|approximately|roughly|some|nearly|or|ca\.|~|≈)?\s*$", re.I)
_PAIR_GAP = re.compile(r"\s*(?:to|and|-|–|—|through)\s*", re.I)


def _in_range_pair(s: str, a: Quantity, b: Quantity, base: int) -> bool:
    """``b`` closes a range opened by ``a`` ("from $300 million to $430 million")."""
    if not _PAIR_GAP.fullmatch(s[a.end - base:b.start - base]):
        return False
    return a.kind == b.kind and (s[a.end - base:b.start - base].strip() in ("-", "–", "—")
                                 or re.search(r"\b(?:between|from)\s+$", s[:a.start - base]) is not None)


_LONG_SENTENCE = 350


def _evidence(sent, clause: tuple[int, int]) -> Evidence:
    """The sentence, or for a very long sentence the clause stating the figure."""
    if len(sent.text) > _LONG_SENTENCE:
        a, b = clause
        piece = sent.text[a:b]
        stripped = piece.strip(" ,;:—–-")
        if len(stripped) >= 40:
            start = sent.start + a + piece.index(stripped)
            return Evidence(start, start + len(stripped), stripped, sent.index)
    return Evidence(sent.start, sent.end, sent.text, sent.index)


def _prev_word(before: str) -> str:
    m = re.search(r"([^\s(\[\"“]+)\s*$", before)
    if not m:
        return ""
    word = m.group(1)
    return word if not word.endswith(("$", "€", "£")) else ""


def _is_name(prev_word: str, before: str, q: Quantity, rules: _Rules) -> bool:
    """ "CSB 8020", "Gate 2", "Resolution 24", "UNSC 2758": a bare number right
    after a capitalised word that is not a cue is part of a name."""
    if q.scaled or q.words or not prev_word or not before.endswith(" "):
        return False
    if before.rstrip() != before[:-1]:  # more than one space: table columns
        return False
    if not prev_word[0].isupper() or prev_word.endswith((",", ";", ":", ".", ")")) and not _ABBREV.match(prev_word):
        return False
    if prev_word.lower() in rules.capitalised_ok:
        return False
    start = before.rstrip()[: -len(prev_word)].rstrip()
    if not start:  # sentence-initial capitalised word: "Only 30 ..." / "Some 40 ..."
        return prev_word.lower() not in rules.capitalised_ok and not prev_word.isalpha()
    return True


def _not_a_count(q: Quantity, counted: str, head: str, prev_word: str, has_transfer: bool, rules: _Rules) -> bool:
    words = counted.split()
    last_two = " ".join(words[-2:])
    if head in rules.duration or counted in rules.duration or head in rules.size_nouns:
        return True
    if head in rules.abstract:
        return True
    if q.value == 2 and (head in rules.bilateral or last_two in rules.bilateral):
        return True
    if has_transfer and (head in rules.equipment or last_two in rules.equipment):
        return True
    return False


# ---------------------------------------------------------------------------
# the counted noun


def _singular(word: str, rules: _Rules) -> str:
    w = word.lower()
    if w in rules.irregular:
        return rules.irregular[w]
    if len(w) <= 3 or w.endswith(("ss", "us", "is", "ics")):
        return w
    if w.endswith("men") and len(w) > 4:
        return w[:-3] + "man"  # servicemen, crewmen
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return w[:-2]
    if w.endswith("s"):
        return w[:-1]
    return w


def _is_plural(word: str, rules: _Rules) -> bool:
    w = word.lower()
    if w in rules.irregular:
        return rules.irregular[w] != w or w in ("personnel", "staff", "aircraft")
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "'s", "’s"))


def _counted(s: str, pos: int, rules: _Rules) -> tuple[str, str, int] | None:
    """The noun phrase counted by the number ending at ``pos``: (label, head, end)."""
    tokens = []
    for m in _WORD.finditer(s, pos):
        if len(tokens) >= 7:
            break
        gap = s[(tokens[-1][2] if tokens else pos):m.start()]
        if gap.strip():
            break
        tokens.append((m.group(0), m.start(), m.end()))
    np: list[tuple[str, int, int]] = []
    for k, (tok, a, b) in enumerate(tokens):
        word = tok.rstrip("'’”\"")
        final = word != tok
        if word.endswith(".") and not _ABBREV.match(word):
            word, b, final = word[:-1], b - 1, True
        if not word or not (word[0].isalpha() or (np and word[0].isdigit())):
            break
        low = word.lower()
        nxt = tokens[k + 1][0].lower() if k + 1 < len(tokens) and not final else ""
        if low in ("and", "or") and np and (np[-1][0].lower() in rules.modifiers
                                            or np[-1][0].lower().endswith(("al", "ive", "ic"))):
            np.append((word, a, b))
            continue
        if low in rules.stopwords or (not np and low in rules.elided_verbs):
            break
        if low.endswith(("ed", "ing")) and low not in rules.modifiers and not low.endswith(("ling", "ring")):
            if not np and (not nxt or nxt in rules.stopwords or not nxt[0].isalpha()):
                break  # "740 identified": a verb, the noun is elided
            if np and _is_plural(np[-1][0], rules):
                break  # "160 missions completed"
            if np and low.endswith("ed"):
                break
        np.append((word, a, b))
        if final:
            break
        if _is_plural(word, rules) and not (nxt and nxt[0].isalpha() and nxt not in rules.stopwords
                                             and _is_plural(nxt, rules) and low in rules.irregular):
            if not (low in rules.irregular and rules.irregular[low] == low and nxt
                    and nxt not in rules.stopwords and nxt[0].isalpha()):
                break
    while np and np[-1][0].lower() in ("and", "or"):
        np.pop()
    if not np or np[-1][0].lower() in rules.modifiers:
        return None  # "Six more followed": no noun after the number
    head = _singular(np[-1][0], rules)
    mods = []
    for word, _, _ in np[:-1]:
        low = word.lower()
        if low in ("and", "or") or low in rules.modifiers or any(ch.isdigit() for ch in word):
            continue
        if word[0].isupper() or _ABBREV.match(word) or word.endswith(("'s", "’s")):
            continue
        if low.endswith(("al", "ive", "ic", "ous", "ful", "less", "able", "ible", "ese", "ish", "ian")):
            continue
        mods.append(low)
    end = np[-1][2]
    label_words = mods[-2:] + [head]
    label = " ".join(label_words)
    if head in rules.containers:
        m = re.match(r"\s+of\s+((?:[\w'’-]+\s?){1,3})", s[end:])
        if m:
            inner = []
            for w in m.group(1).split():
                if w.lower() in rules.stopwords or w.lower().endswith("ed"):
                    break
                inner.append(w.lower())
                if _is_plural(w, rules):
                    break
            if inner:
                label = f"{label} of {' '.join(inner)}"
    return label, head, end


_NUMBER_OF = re.compile(r"\b(?:number|total|tally|count)\s+of\s+((?:[\w'’-]+\s+){0,3}[\w'’-]+)", re.I)


def _elided_counted(s: str, i: int, quantities: list[Quantity], counts, base: int, rules: _Rules,
                    has_transfer: bool, lead: str) -> str | None:
    """The counted noun of a number written without one: "44 of 45 files",
    "740 of which", "over 990 cases repatriated and 740 identified",
    "bringing the number of Americans accounted for to 735"."""
    q = quantities[i]
    after = s[q.end - base:]
    if i + 1 < len(quantities):
        nxt = quantities[i + 1]
        if nxt.kind == "number" and re.fullmatch(r"\s+(?:out\s+)?of\s+(?:the\s+)?", s[q.end - base:nxt.start - base]):
            info = _counted(s, nxt.end - base, rules)
            if info and not _not_a_count(nxt, info[0], info[1], "", has_transfer, rules):
                return info[0]
    m = re.match(r"\s+of\s+(?:the|its|their|these|those|[A-Z][\w.-]*['’]s)\s+", after)
    if m and not re.match(r"\s+of\s+(?:which|whom|them)\b", after):  # "1,200 of Vietnam's peacekeepers"
        info = _counted(s, q.end - base + m.end(), rules)
        if info and _is_plural(info[1] + "s", rules) and not _not_a_count(q, info[0], info[1], "", has_transfer, rules):
            return info[0]
    if counts:
        j, label = counts[-1]
        if j == i - 1:
            gap = s[quantities[j].end - base:q.start - base]
            if re.match(r"\s+of\s+(?:which|whom|them|these|those)\b", after):
                return label
            if re.search(r"(?:\band|,|;)\s*(?:another\s+)?$", _strip_qualifier(gap, rules).rstrip() + " "):
                return label
    m = None
    for m in _NUMBER_OF.finditer(lead):
        pass
    if m is not None:
        words = []
        for w in m.group(1).split():
            if w.lower() in rules.stopwords or (words and w.lower().endswith("ed")):
                break
            words.append(w)
            if _is_plural(w, rules):
                break
        if words:
            head = _singular(words[-1], rules)
            if head not in rules.abstract and head not in rules.duration:
                return head
    return None


# ---------------------------------------------------------------------------
# qualifier and change


def _longest(patterns: dict, text: str, search) -> str | None:
    best, best_len = None, 0
    for name, pattern in patterns.items():
        m = search(pattern, text)
        if m and len(m.group(0).strip()) > best_len:
            best, best_len = name, len(m.group(0).strip())
    return best


def _qualifier(before: str, after: str, after_np: str, rules: _Rules) -> str:
    tail = before[-60:]
    found = _longest(rules.qualifier_before, tail, lambda p, t: p.search(t))
    if found:
        return found
    found = _longest(rules.qualifier_after, after, lambda p, t: p.match(t))
    if found:
        return found
    found = _longest(rules.qualifier_after, after_np, lambda p, t: p.match(t))
    return found or "exact"


_TOTAL = re.compile(r"\b(?:total|overall|cumulative|combined|sum|record|altogether|in all)\b", re.I)


def _change(before: str, after: str, after_np: str, q: Quantity, rules: _Rules) -> str:
    tail = _strip_qualifier(before[-80:], rules)
    m = rules.increment_before.search(tail)
    if m and not _TOTAL.search(m.group(0)):
        return "increment"
    if rules.increment_after.match(after) or (after_np is not after and rules.increment_after.match(after_np)):
        if not re.match(r"^\s*more\s+than\b", after) or q.kind == "money":
            return "increment"
    return "level"


def _strip_qualifier(tail: str, rules: _Rules) -> str:
    """``tail`` without the qualifier cue at its end ("an additional about " -> "an additional ")."""
    best = None
    for pattern in rules.qualifier_before.values():
        m = pattern.search(tail)
        if m and (best is None or m.start() < best):
            best = m.start()
    return tail if best is None else tail[:best] + " "


# ---------------------------------------------------------------------------
# as_of


def _clause_bounds(s: str, rules: _Rules) -> list[tuple[int, int]]:
    cuts = [0]
    for m in rules.clause.finditer(s):
        cuts.append(m.start())
    cuts.append(len(s))
    cuts = sorted(set(cuts))
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a] or [(0, len(s))]


def _clause_of(pos: int, clauses: list[tuple[int, int]]) -> int:
    for k, (a, b) in enumerate(clauses):
        if a <= pos < b:
            return k
    return len(clauses) - 1


def _date_value(d) -> str | None:
    value = getattr(d, "value", None)
    return str(value) if value else None


def _as_of(adoc, s: str, span, clause: int, clauses, sent_dates, all_dates, base: int, quantities,
           rules: _Rules) -> str | None:
    q_spans = [(q.start - base, q.end - base) for q in quantities]
    usable = []  # (start, end, value, strong)
    for d in sent_dates:
        a, b = d.start - base, d.end - base
        value = _date_value(d)
        if not value or any(x < b and a < y for x, y in q_spans):
            continue
        lead = s[max(0, a - 40):a]
        text_before = lead.lower()
        qual = (getattr(d, "qualifier", None) or "").lower()
        if qual in ("since", "from", "after", "start", "begin", "before") or rules.start_cue.search(text_before) \
                or re.search(r"\b(?:since|after|before)\b[^,;]{0,40}$", text_before):
            if not re.search(r"\bas of\s*$|\bas at\s*$", text_before):
                # "from 2017 to 2023": the end counts, not the start
                continue
        if re.search(r"(?:^|\W)(?:the|a|its|their|this|that)\s+$", text_before) and _YEAR_ONLY.match(d.text.strip()) \
                and rules.date_modifier.match(s[b:b + 40]):
            continue  # "the 2011 memorandum"
        if re.match(r"^\s*(?:[-–]\s*\d|to\s+\d{4}\b)", s[b:b + 10]) and getattr(d, "begin", None) is None:
            continue  # the start of "2017–2023" written as two mentions
        strong = bool(rules.as_of_cue.search(text_before)) or qual in ("until", "by")
        usable.append((a, b, value, strong))

    def clause_of(pos):
        return _clause_of(pos, clauses)

    own = [u for u in usable if clause_of(u[0]) == clause]
    strong_own = [u for u in own if u[3]]
    if strong_own:
        return _nearest(strong_own, span)
    if own:
        return _pick(own, s, span)
    a, b = clauses[clause]
    if rules.current_cue.search(s[a:b]) or _CURRENT_ANCHOR.search(s):
        return adoc.published
    strong = [u for u in usable if u[3]]
    if strong:
        return _nearest(strong, span)
    return _event_date(adoc, base, all_dates) or adoc.published


def _event_date(adoc, base: int, dates) -> str | None:
    """The day of the event a sentence without a date reports, from the one or
    two sentences before it in the same paragraph ("The two sides held talks on
    Nov. 2. ... Hegseth announced an additional $130 million."), when that day
    is at most 45 days before publication."""
    sent = adoc.sentence_at(base)
    if sent is None:
        return None
    line_start = adoc.text.rfind("\n", 0, sent.start) + 1
    for prev in reversed(adoc.sentences[max(0, sent.index - 2):sent.index]):
        if prev.start < line_start:
            break
        found = [d for d in dates if prev.start <= d.start and d.end <= prev.end
                 and (getattr(d, "qualifier", None) or "") not in ("since", "after", "before", "by", "until")
                 and getattr(d, "begin", None) is None and len(_date_value(d) or "") == 10]
        if not found:
            continue
        value = _date_value(found[-1])
        if adoc.published is None:
            return value
        try:
            gap = (date.fromisoformat(str(adoc.published)[:10]) - date.fromisoformat(value)).days
        except ValueError:
            return None
        return value if 0 <= gap <= 45 else None
    return None


def _distance(u, span) -> int:
    """Characters between a date (start, end, ...) and the figure's span."""
    if u[1] <= span[0]:
        return span[0] - u[1]
    if u[0] >= span[1]:
        return u[0] - span[1]
    return 0


def _nearest(cands, span) -> str:
    return min(cands, key=lambda u: _distance(u, span))[2]


def _pick(cands, s: str, span) -> str:
    """The last of a list of dates ("in 2018, 2020 and 2023"), else the nearest."""
    cands = sorted(cands)
    groups = [[cands[0]]]
    for u in cands[1:]:
        gap = s[groups[-1][-1][1]:u[0]]
        if re.fullmatch(r"\s*(?:,|and|or|, and|to|through|until|[-–—])\s*(?:in\s+)?", gap):
            groups[-1].append(u)
        else:
            groups.append([u])
    best = min(groups, key=lambda g: min(_distance(u, span) for u in g))
    return best[-1][2]


# ---------------------------------------------------------------------------
# labels: short readable text, not scored, built from the clause around the figure


_PURPOSE = re.compile(r"^\s*(in|for|to|of|on|from|worth of)\s+((?:(?:[^\s,;.()—–:]|\.(?=\S)|(?<=[A-Z])\.(?=\s[A-Z]))+"
                      r"\s?){1,9})", re.I)
_PURPOSE_STOP = re.compile(r"\s(?:through|as|which|while|with|from|since|that|who|by|after|before|during|"
                           r"under|via|and\s+(?:\d|the\s+\w+ed)|in\s+(?:19|20)\d\d|(?:19|20)\d\d|"
                           r"underscores?|is|are|was|were|has|have|will|would)\b.*$", re.I)
_TO_VERB = re.compile(r"^(?:fund|finance|support|help|assist|pay\s+for|cover|bolster|boost)\s+", re.I)
_PASSIVE = re.compile(r"\b(?:have|has|had|were|was|are|is|been)\s+(?:been\s+)?(?:\w+ly\s+)?(\w+ed)\b", re.I)
_PARTICIPLE = re.compile(r"^\s*(?:\w+ly\s+)?(\w+ed)\b", re.I)
# Governors: what a money or quantity figure is the value of. Each pattern ends
# where the figure starts; "words" is how many words before the match form the
# noun phrase (0: the pattern captures it as "np").
_GOVERNORS = (  # "<NP> stands at $X", "puts <NP> at $X", "bringing <NP> to $X", "<NP> cost $X", "Firearms ($X)"
    (re.compile(r"\s(?:(?:\w+ly|now|still|also|so\s+far)\s+)?(?:stands?|stood|totals?|totall?ed|reached|"
                r"amounts?\s+to|amounted\s+to|(?:has|have|had)(?:\s+also)?(?:\s+(?:surpassed|exceeded|reached|"
                r"topped|risen\s+to|grown\s+to))?|surpassed|exceeded|topped|rose\s+to|grew\s+to|climbed\s+to|"
                r"is|was|are|were)\s+(?:at\s+|to\s+)?$", re.I), 7, ""),
    (re.compile(r"\b(?:puts?|estimated|estimates|valued|values|pegged|pegs|placed|places)\s+"
                r"(?P<np>[^,;:()]{1,60}?)\s+at\s+$", re.I), 0, ""),
    (re.compile(r"\b(?:bringing|brings|brought|raising|raises|raised|lifting|lifts|taking|takes|pushing|"
                r"pushes|increasing|increases)\s+(?P<np>[^,;:()]{1,60}?)\s+to\s+$", re.I), 0, ""),
    (re.compile(r"\s(?:(?:is|are|was|were|will|would|could|may)\s+)?(?:(?:expected|estimated|projected|set|"
                r"likely|forecast)\s+)?(?:to\s+)?costs?\s+(?:between\s+|from\s+)?$", re.I), 4, "cost of "),
    (re.compile(r"(?:^|[,;:]\s*|\band\s+|\b(?:were|was|is|are)\s+)(?P<np>[^,;:()]{1,50}?)\s*\(\s*$", re.I),
     0, ""),
)
_WEAK_GOVERNOR = re.compile(r"\s(?:worth|valued\s+at|totall?ing|amounting\s+to|of|at\s+a\s+cost\s+of|costing|"
                            r"from|between)\s+$", re.I)
_NP_CUT = re.compile(r"^.*[,;:()—–]", re.S)
_NP_VERBS = re.compile(r"\b(?:were|was|is|are|and)\b", re.I)


def _words_before(text: str, n: int) -> str:
    """The last ``n`` words of ``text`` after its last punctuation mark."""
    return " ".join(_NP_CUT.sub("", text.rstrip(" ,;:")).split()[-n:])


_OF_NOUN = re.compile(r"^\s+of\s+([\w'’-]+)(?:\s+(?:\w+ly\s+)?(\w+ed)\b(?!\s+to\b))?")
_LEAD = re.compile(r"^(?:(?:the|a|an|its|their|this|that|these|those|his|her|our|also|additionally|moreover|"
                   r"however|meanwhile|and|but|in addition|including|as of \S+(?: \d{4})?)\b[\s,]*)+", re.I)
_DETERMINER = re.compile(r"^.*\b(?:the|a|an|its|their|this|these|those)\s+", re.I)
_UNIT_NAMES = {"m3": "volume", "m2": "area", "km2": "area", "ha": "area", "acre": "area", "km": "distance",
               "m": "length", "mi": "distance", "nmi": "distance", "kg": "weight", "t": "weight",
               "l": "volume", "gal": "volume", "mg/kg": "concentration", "ppt": "concentration",
               "ppb": "concentration"}


def _purpose(text: str) -> tuple[str, str] | None:
    m = _PURPOSE.match(text)
    if not m:
        return None
    phrase = _PURPOSE_STOP.sub("", " " + m.group(2).strip()).strip()
    phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.I)
    if not phrase or not phrase[0].isalpha() or re.fullmatch(r"(?:total|all|sum)", phrase, re.I):
        return None  # "to $430 million": the other end of a range; "in total"
    prep = m.group(1).lower()
    if prep == "to" and _TO_VERB.match(phrase):
        prep, phrase = "for", _TO_VERB.sub("", phrase)
    return (prep, phrase) if phrase else None


def _tidy(np: str) -> str:
    np = _LEAD.sub("", np.strip(" ,;:—–(-*•")).strip(" ,;:—–(-*•")
    return re.sub(r"\s+", " ", np)


def _measure(s, q: Quantity, counted, change, before, after, np_len, clause, base, rules: _Rules,
             lead_end: int) -> str:
    extra = "additional " if change == "increment" else ""
    a, _ = clause
    lead = _strip_qualifier(s[max(min(a, lead_end), lead_end - 120):lead_end], rules)
    if q.kind == "number":
        np = _tidy(after[:np_len]) if after[:np_len].strip() else _plural(counted or "count", q.value)
        rest = after[np_len:]
        verb = None
        m = _OF_NOUN.match(rest)
        if m and counted and " of " not in np and (m.group(2) or " of " in counted):
            np, verb = f"{np} of {m.group(1)}", (m.group(2) or "").lower() or None
            rest = rest[m.end():]
        if verb is None:
            m = _PARTICIPLE.match(rest) or _PASSIVE.search(re.split(r"[,;:()—–]", rest, maxsplit=1)[0][:60])
            verb = m.group(1).lower() if m else None
        if verb is None:
            m = re.search(r"\b(\w+ed)\s+(?:(?:more than|over|about|some|nearly|almost|around|at least|"
                          r"approximately|an? \w+|the)\s+)?$", lead, re.I)
            verb = m.group(1).lower() if m else None
        return extra + (f"{np} {verb}" if verb else np)
    if q.kind == "percent":
        p = _purpose(after)
        return "share of " + p[1] if p and p[0] == "of" else _governed(lead) or _clause_label(lead)
    if q.kind == "measure":
        p = _purpose(after)
        name = _UNIT_NAMES.get(q.unit or "", "quantity")
        if p and p[0] == "of":
            return f"{name} of {p[1]}"
        return _governed(lead) or _clause_label(lead) or name
    # money
    head = rules.funding_head.match(after)
    if head and any(w in rules.stopwords for w in head.group(1).lower().split()):
        head = None
    p = _purpose(after[head.end():] if head else after)
    weak = _weak_governed(lead)
    if head:
        label = head.group(1).strip()
        if p:
            label += f" {p[0]} {p[1]}"
    elif governed := _governed(lead):
        label = governed
    elif p and p[0] in ("in", "of"):
        label = p[1]
    elif weak:
        label = weak
        if p:
            label += f" {p[0]} {p[1]}"
    else:
        noun = _verb_noun(lead, rules) or "funding"
        label = f"{noun} {p[0]} {p[1]}" if p else (_verb_noun(lead, rules) or _clause_label(lead) or "amount")
    if _TOTAL.search(lead[-40:]) and "total" not in label:
        label += ", total"
    return (extra if "additional" not in label else "") + label


def _plural(label: str, value: float) -> str:
    if value == 1:
        return label
    head, sep, tail = label.partition(" of ")
    if head.endswith("y") and not head.endswith(("ay", "ey", "oy")):
        head = head[:-1] + "ies"
    elif head.endswith(("s", "x", "ch", "sh")):
        head += "es"
    elif head not in ("personnel", "staff", "aircraft", "remains") and not head.endswith("ese"):
        head += "s"
    return head + sep + tail


def _governed(lead: str) -> str | None:
    for pattern, n, prefix in _GOVERNORS:
        m = pattern.search(lead)
        if not m:
            continue
        if n:
            np = _tidy(_words_before(lead[:m.start()], n))
            if prefix:
                np = _tidy(_DETERMINER.sub("", np))
        else:
            np = _tidy(_NP_VERBS.split(m.group("np"))[-1])
        if np and not re.fullmatch(r"(?:it|this|that|which|who|they|he|she)", np, re.I):
            return prefix + np
    return None


def _weak_governed(lead: str) -> str | None:
    m = _WEAK_GOVERNOR.search(lead)
    return _tidy(_DETERMINER.sub("", _words_before(lead[:m.start()], 5))) if m else None


def _verb_noun(lead: str, rules: _Rules) -> str | None:
    words = re.findall(r"[\w'’-]+", lead)
    for word in reversed(words[-4:]):
        for pattern, noun in rules.money_verbs:
            if pattern.search(word):
                return noun
    return None


def _clause_label(lead: str) -> str:
    words = _tidy(lead).split()
    label = " ".join(words[-8:]).strip(" ,(")
    return re.sub(r"\s+(?:at|of|to|is|was|were|by|for|in|with)$", "", label)


_NOT_SUBJECT = re.compile(r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
                          r"april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|"
                          r"jun|jul|aug|sep|sept|oct|nov|dec|usd|vnd|eur|gbp|jpy|cny|aud|sgd|krw|rmb|of|and|for|on|the)\.?",
                          re.I)


def _subject(adoc, s: str, q: Quantity, clause, base: int, counted) -> str | None:
    rules = _rules()
    a, b = clause
    try:
        mentions = adoc.mentions_in(base + a, base + b)
    except Exception:  # noqa: BLE001 - the gazetteer is optional for labels
        mentions = []
    for kind in ("program", "place"):
        for m in mentions:
            if getattr(m, "type", None) == kind and getattr(m, "country", None) != getattr(m, "entity", ""):
                if kind == "place" and getattr(m, "entity", "") in ("hanoi", "washington-dc", "beijing"):
                    continue
                rel = m.end - base
                tail = _topic_words(s[rel:])
                return " ".join([m.name, *tail]) if kind == "place" else m.name
    region = s[a:b]
    best = None
    for m in re.finditer(r"[A-Z][\w'’&-]*(?:\.[A-Z]\.?)?(?:\s+(?:(?:of|and|for|the|on)\s+)?[A-Z][\w'’&-]*"
                         r"(?:\.[A-Z]\.?)?)*", region):
        name = m.group(0).strip(" '’")
        words = name.split()
        while words and (words[0].lower() in rules.subject_skip or grammar().anchor.fullmatch(words[0])
                         or _NOT_SUBJECT.fullmatch(words[0]) or words[0].lower() in rules.capitalised_ok):
            words.pop(0)
        if not words or (m.start() == 0 and len(words) == 1) or len(" ".join(words)) < 3:
            continue
        name = " ".join(words)
        candidate = " ".join([name, *_topic_words(region[m.end():])])
        if best is None or len(candidate) > len(best):
            best = candidate
    return best or counted


def _topic_words(text: str) -> list[str]:
    out = []
    stop = _rules().stopwords
    for w in re.match(r"((?:\s+[a-z][\w-]*){0,3})", text).group(1).split():
        if w in stop or w in ("said", "says", "this", "last", "next") or w.endswith("ed"):
            break
        out.append(w)
    return out
