"""Measure keys: what a figure is a value of, so that figures from different
documents form one time series per measure.

Figures carry free-text labels (``measure``, ``subject``) that differ from one
document to the next ("total non-refundable aid", "funding committed to the Bien
Hoa project"). :func:`measure_of` maps a figure onto the catalogue of tracked
measures in ``bilat/data/measures.yaml`` (domain knowledge, extendable by
analysts; the file's header explains the matching rules); :func:`fallback_key`
gives a conservative key to a figure no catalogue entry covers.

A quote that refers back ("the financial contribution for this project") can
only be placed with the text before it: pass that text as ``context``
(:func:`preceding_text` cuts it from a stored document's text).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from bilat.data import DataFileError, load_yaml

FILE = "measures.yaml"
CHANGES = ("level", "increment", "any")
MEASURE_KEYS = {"id", "label", "units", "change", "counted", "all", "none", "label_all", "label_none", "facets"}
NONE_VALUE = "none"
# How far back an anaphoric quote may look for what it refers to.
CONTEXT_SENTENCES = 8
CONTEXT_CHARS = 3000
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Measure:
    id: str
    label: str


# --- folding ------------------------------------------------------------------

_SPECIAL = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
                          "’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def fold(text: str | None) -> str:
    """Lower-cased text without diacritics (Biên Hòa -> bien hoa), Markdown
    escapes dropped and whitespace collapsed."""
    if not text:
        return ""
    text = str(text).translate(_SPECIAL)
    if not text.isascii():  # most English text is: skip the per-character pass
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\\", "")
    return " ".join(text.lower().split())


# --- the catalogue --------------------------------------------------------------

@dataclass(frozen=True)
class _Facet:
    name: str
    context: bool
    values: tuple[tuple[str, tuple[re.Pattern, ...]], ...]


@dataclass(frozen=True)
class _Requirement:
    include: frozenset[str]
    exclude: frozenset[str]

    def accepts(self, found: frozenset[str]) -> bool:
        if self.include:
            if not found:
                if NONE_VALUE not in self.include:
                    return False
            elif not found <= self.include:
                return False
        if self.exclude:
            if not found:
                if NONE_VALUE in self.exclude:
                    return False
            elif found <= self.exclude:
                return False
        return True


@dataclass(frozen=True)
class _Entry:
    measure: Measure
    units: frozenset[str]
    change: str
    counted: tuple[re.Pattern, ...]
    all: tuple[re.Pattern, ...]
    none: tuple[re.Pattern, ...]
    label_all: tuple[re.Pattern, ...]
    label_none: tuple[re.Pattern, ...]
    facets: tuple[tuple[str, _Requirement], ...]


@dataclass(frozen=True)
class _Catalogue:
    anaphora: tuple[re.Pattern, ...]
    facets: dict[str, _Facet]
    entries: tuple[_Entry, ...]
    by_unit: dict[str, tuple[_Entry, ...]] = None  # type: ignore[assignment]  # entries per unit, in file order

    def __post_init__(self) -> None:
        by_unit: dict[str, list[_Entry]] = {}
        for entry in self.entries:
            for unit in entry.units:
                by_unit.setdefault(unit, []).append(entry)
        object.__setattr__(self, "by_unit", {u: tuple(es) for u, es in by_unit.items()})
        object.__setattr__(self, "_found", {})

    def facet_values(self, facet: _Facet, scope: str) -> frozenset[str]:
        """The values of ``facet`` whose patterns match ``scope``. Remembered: the
        figures of a document look through the same sentences again and again."""
        key = (facet.name, scope)
        found = self._found.get(key)
        if found is None:
            if len(self._found) >= 50_000:
                self._found.clear()
            found = frozenset(v for v, patterns in facet.values if any(p.search(scope) for p in patterns))
            self._found[key] = found
        return found


def _error(message: str) -> DataFileError:
    return DataFileError(f"bilat/data/{FILE}: {message}")


def _patterns(value, where: str) -> tuple[re.Pattern, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _error(f"{where} must be a list of regular expressions")
    compiled = []
    for pattern in value:
        try:
            compiled.append(re.compile(pattern, re.I))
        except re.error as exc:
            raise _error(f"bad pattern {pattern!r} in {where} ({exc})") from None
    return tuple(compiled)


def _load_facets(raw) -> dict[str, _Facet]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _error("'facets' must map facet names to {context, values}")
    facets = {}
    for name, spec in raw.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("values"), dict) or not spec["values"]:
            raise _error(f"facet {name!r} needs 'values', a mapping of value names to pattern lists")
        unknown = set(spec) - {"context", "values"}
        if unknown:
            raise _error(f"facet {name!r}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        if not isinstance(spec.get("context", False), bool):
            raise _error(f"facet {name!r}: 'context' must be true or false")
        values = []
        for value, patterns in spec["values"].items():
            if not isinstance(value, str) or not _ID.match(value) or value == NONE_VALUE:
                raise _error(f"facet {name!r}: bad value name {value!r}")
            values.append((value, _patterns(patterns, f"facet {name!r} value {value!r}")))
        facets[str(name)] = _Facet(str(name), spec.get("context", False), tuple(values))
    return facets


def _requirement(raw, facet: _Facet, where: str) -> _Requirement:
    items = raw if isinstance(raw, list) else [raw]
    if not items or not all(isinstance(i, str) and i for i in items):
        raise _error(f"{where}: facet {facet.name!r} needs a value, '!value' or a list of them")
    known = {v for v, _ in facet.values} | {NONE_VALUE}
    include, exclude = set(), set()
    for item in items:
        negated = item.startswith("!")
        value = item[1:] if negated else item
        if value not in known:
            raise _error(f"{where}: facet {facet.name!r} has no value {value!r} "
                         f"(known: {', '.join(sorted(known))})")
        (exclude if negated else include).add(value)
    return _Requirement(frozenset(include), frozenset(exclude))


def _load_entry(raw, index: int, facets: dict[str, _Facet], seen: set[str]) -> _Entry:
    if not isinstance(raw, dict):
        raise _error(f"measure #{index + 1} must be a mapping")
    mid = raw.get("id")
    if not isinstance(mid, str) or not _ID.match(mid):
        raise _error(f"measure #{index + 1}: 'id' must be a lower-case identifier (got {mid!r})")
    where = f"measure {mid!r}"
    if mid in seen:
        raise _error(f"{where}: duplicate id")
    seen.add(mid)
    unknown = set(raw) - MEASURE_KEYS
    if unknown:
        raise _error(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        raise _error(f"{where}: 'label' must be a non-empty string")
    units = raw.get("units")
    if not isinstance(units, list) or not units or not all(isinstance(u, str) and u for u in units):
        raise _error(f"{where}: 'units' must be a non-empty list of unit names")
    change = raw.get("change", "level")
    if change not in CHANGES:
        raise _error(f"{where}: 'change' must be one of {', '.join(CHANGES)} (got {change!r})")
    rules = raw.get("facets") or {}
    if not isinstance(rules, dict):
        raise _error(f"{where}: 'facets' must map facet names to requirements")
    requirements = []
    for name, requirement in rules.items():
        if name not in facets:
            raise _error(f"{where}: unknown facet {name!r} (known: {', '.join(sorted(facets))})")
        requirements.append((name, _requirement(requirement, facets[name], where)))
    return _Entry(
        measure=Measure(mid, label.strip()),
        units=frozenset(_unit_key(u) for u in units),
        change=change,
        counted=_patterns(raw.get("counted"), f"{where} 'counted'"),
        all=_patterns(raw.get("all"), f"{where} 'all'"),
        none=_patterns(raw.get("none"), f"{where} 'none'"),
        label_all=_patterns(raw.get("label_all"), f"{where} 'label_all'"),
        label_none=_patterns(raw.get("label_none"), f"{where} 'label_none'"),
        facets=tuple(requirements),
    )


@lru_cache(maxsize=None)
def catalogue() -> _Catalogue:
    data = load_yaml(FILE)
    facets = _load_facets(data.get("facets"))
    raw_measures = data.get("measures")
    if not isinstance(raw_measures, list) or not raw_measures:
        raise _error("'measures' must be a non-empty list")
    seen: set[str] = set()
    entries = tuple(_load_entry(raw, i, facets, seen) for i, raw in enumerate(raw_measures))
    unknown = set(data) - {"anaphora", "facets", "measures"}
    if unknown:
        raise _error(f"unknown top-level key(s) {', '.join(sorted(map(str, unknown)))}")
    return _Catalogue(_patterns(data.get("anaphora"), "'anaphora'"), facets, entries)


def measures() -> list[Measure]:
    """Every catalogue measure, in file order."""
    return [e.measure for e in catalogue().entries]


def _unit_key(unit) -> str:
    return str(unit or "").strip().casefold()


# --- matching ---------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]”’]*\s+|\n+")


@lru_cache(maxsize=512)  # reports of one sentence share their context
def _sentences(text: str) -> list[str]:
    return [_fold_sentence(s) for s in _SENTENCE_END.split(text) if s and s.strip()]


# The contexts of a document's figures are overlapping windows of its text:
# each sentence is folded once, not once per figure after it.
_fold_sentence = lru_cache(maxsize=4096)(fold)


class _Amount:
    """One way of writing an amount: a pattern that matches only where its
    ``digits`` occur literally, so it is compiled only for a text that has them
    (most values are distinct and most sentences do not hold them)."""

    __slots__ = ("_pattern", "digits", "source")

    def __init__(self, digits: str, source: str):
        self.digits, self.source, self._pattern = digits, source, None

    def search(self, text: str) -> re.Match | None:
        if self.digits not in text:
            return None
        if self._pattern is None:
            self._pattern = re.compile(self.source)
        return self._pattern.search(text)


@lru_cache(maxsize=2048)
def _value_patterns(value) -> tuple[_Amount, ...]:
    """Ways an amount of money may be written ("130 million", "130,000,000")."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return ()
    if v < 1000:
        return ()
    patterns = []
    for scale, words in ((1e9, r"(?:billion|bn|bln|b)"), (1e6, r"(?:million|mln|mn|m)")):
        if v >= scale:
            n = f"{v / scale:.3f}".rstrip("0").rstrip(".")
            patterns.append(_Amount(n, rf"(?<![\d.,]){re.escape(n)}(?:\.0+)?\s*-?\s*{words}\b"))
    if v == int(v):
        for digits in (f"{int(v):,}", str(int(v))):
            patterns.append(_Amount(digits, rf"(?<![\d.,]){digits}(?![\d]|,\d|\.\d)"))
    return tuple(patterns)


class _View:
    """A figure's folded texts and, lazily, its resolved facets."""

    def __init__(self, figure: dict, context: str | None, cat: _Catalogue):
        self.unit = _unit_key(figure.get("unit"))
        self.change = figure.get("change") or "level"
        self.counted = fold(figure.get("counted"))
        self.label = " ".join(p for p in (fold(figure.get("measure")), fold(figure.get("subject")), self.counted) if p)
        self.quote = fold(figure.get("quote"))
        self.text = f"{self.quote} {self.label}".strip()
        self._cat = cat
        self._figure = figure
        self._context = context[-CONTEXT_CHARS:] if context else ""
        self._facets: dict[str, frozenset[str]] = {}
        self._scopes: list[str] | None = None

    def _context_scopes(self) -> list[str]:
        if self._scopes is None:
            scopes: list[str] = []
            if self._context:
                sentences = None
                if _CURRENCY.match(str(self._figure.get("unit") or "")):
                    amounts = _value_patterns(self._figure.get("value"))
                    # An amount's digits are in a folded sentence only if they are in the
                    # folded context (folding works character by character, the digits hold
                    # no space): most contexts need no splitting into sentences.
                    folded = fold(self._context) if amounts else ""
                    if any(a.digits in folded for a in amounts):
                        sentences = _sentences(self._context)
                        scopes += [s for s in reversed(sentences) if any(p.search(s) for p in amounts)]
                if any(p.search(self.quote) for p in self._cat.anaphora):
                    if sentences is None:
                        sentences = _sentences(self._context)
                    scopes += list(reversed(sentences))[:CONTEXT_SENTENCES]
            self._scopes = scopes
        return self._scopes

    def facet(self, facet: _Facet) -> frozenset[str]:
        if facet.name not in self._facets:
            scopes = [self.label, self.quote]
            if facet.context:
                scopes += self._context_scopes()
            found: frozenset[str] = frozenset()
            for scope in scopes:
                found = self._cat.facet_values(facet, scope)
                if found:
                    break
            self._facets[facet.name] = found
        return self._facets[facet.name]


def _applies(entry: _Entry, view: _View, cat: _Catalogue) -> bool:
    if view.unit not in entry.units:
        return False
    if entry.change != "any" and view.change != entry.change:
        return False
    if entry.counted and not (view.counted and any(p.search(view.counted) for p in entry.counted)):
        return False
    if not all(p.search(view.label) for p in entry.label_all):
        return False
    if any(p.search(view.label) for p in entry.label_none):
        return False
    if not all(p.search(view.text) for p in entry.all):
        return False
    if any(p.search(view.text) for p in entry.none):
        return False
    return all(req.accepts(view.facet(cat.facets[name])) for name, req in entry.facets)


def measure_of(figure: dict, context: str | None = None) -> Measure | None:
    """The catalogue measure a figure record is a value of, or None.

    ``figure`` is an export record (``quote``, ``measure``, ``subject``,
    ``counted``, ``unit``, ``change``, ``value``). ``context``, when given, is
    the document text before the quote; it is consulted only for facets the
    figure's own words leave open, and only when the quote refers back or an
    earlier sentence states the same amount of money. The first entry of
    ``measures.yaml`` that applies wins.
    """
    cat = catalogue()
    view = _View(figure, context, cat)
    for entry in cat.by_unit.get(view.unit, ()):  # (an entry for other units cannot apply)
        if _applies(entry, view, cat):
            return entry.measure
    return None


def preceding_text(text: str, start: int | None, limit: int = CONTEXT_CHARS) -> str:
    """The (at most ``limit``) characters of a document's text before a quote."""
    if not text or not start:
        return ""
    return text[max(0, start - limit):start]


# --- fallback keys ------------------------------------------------------------------

_STOPWORDS = frozenset("""
a about above across after again against all almost also among an and any approximately are around as at
be been before being below between both but by can could did do does during each either etc few for from
further had has have having he her here hers him his how i if in into is it its itself just least less
many may might more most much must my near nearly no nor not of off on once only or other our out over
own per roughly same she should so some such than that the their them then there these they this those
through to too under until up upon very was we were what when where which while who whom why will with
within would yet you your
total number amount value figure figures additional separate new current currently overall cumulative
far now still recent recently latest approx approximately estimated some around nearly almost
hundred thousand million billion trillion mln bn percent per cent
""".split())
# Wording that varies between reports of the same thing: ranked last.
_LOW_INFO = frozenset("""
us usa american americans america united states vietnam vietnamese viet nam washington hanoi government
committed provided cited received reported announced conducted completed made given granted spent stand
stands brought raised according said related including include includes
""".split())
_TOKEN = re.compile(r"[a-z][a-z0-9]*")


def _singular(word: str) -> str:
    if len(word) <= 3 or word.endswith(("ss", "us", "is", "ics", "series", "news")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def _words(text: str) -> list[str]:
    text = fold(text)
    text = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", text)   # u.s. -> us.
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", "", text)        # clean-up -> cleanup
    text = re.sub(r"'s\b", "", text)
    return [_singular(t) for t in _TOKEN.findall(text)]


def fallback_key(figure: dict) -> str:
    """A conservative series key for a figure no catalogue measure covers.

    ``auto:<unit>:<counted>:<w1+w2+w3>``: the unit, the counted noun
    (singularised) and the three most informative content words of ``subject``
    and ``measure`` (folded, lower case, stopwords and the counted noun's own
    words removed, singularised, sorted), so the key does not depend on word
    order. Informative = words of the subject first, then other nouns, then
    -ing/-ed/-ly forms, then wording that varies between reports (country names,
    reporting verbs); longer words first within each rank. When the labels
    leave fewer than two words, words of the quote fill up, so that unlabelled
    figures do not all share one key. Increments get a ``:added`` suffix, so
    they never share a key with levels.
    """
    unit = str(figure.get("unit") or "?").strip() or "?"
    counted_words = _words(figure.get("counted") or "")
    counted = "_".join(counted_words) or "-"
    ranks: dict[str, int] = {}

    def add(text, rank: int) -> None:
        for word in _words(text or ""):
            if len(word) < 2 or word in _STOPWORDS or word in counted_words or word in ranks:
                continue
            if word in _LOW_INFO:
                ranks[word] = 4
            elif word.endswith(("ing", "ed", "ly")):
                ranks[word] = max(rank, 2)
            else:
                ranks[word] = rank

    add(figure.get("subject"), 0)
    add(figure.get("measure"), 1)
    if len(ranks) < 2:
        add(figure.get("quote"), 3)
    ranked = sorted(ranks, key=lambda w: (ranks[w], -len(w), w))
    key = f"auto:{unit}:{counted}:{'+'.join(sorted(ranked[:3]))}"
    if (figure.get("change") or "level") == "increment":
        key += ":added"
    return key


def series_key(figure: dict, context: str | None = None) -> str:
    """The catalogue id when a measure applies, else the fallback key."""
    measure = measure_of(figure, context)
    return measure.id if measure else fallback_key(figure)
