"""Numbers in running text: money, percentages, physical quantities and bare
numbers, in digits or in words, with exact character offsets.

    find_quantities("an additional US$130 million", 0)
    -> [Quantity(start=14, end=28, text='US$130 million', value=130000000.0, unit='USD', kind='money', ...)]

This is the grammar only: it reads "$130 million", "US\\$10.87 million" (as
Markdown escapes it), "$218,255,000", "5 million doses", "two dozen",
"30%", "90,000 cubic metres", and spreads a scale or unit over a range
("between 2 and 3 million gallons", "$300-$430 million"). It leaves out what
is never a quantity: parts of identifiers ("C-130", "F-16", "level-2",
"P-3C"), ordinals ("30th"), years, days of dates ("Nov. 2", "2 November"),
clock times, phone numbers and hyphenated adjectives ("six-year",
"45-foot"). Deciding whether a number is a *figure* is the figure
extractor's job (bilat/extract/figures.py). Words and symbols come from
bilat/data/figures.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from bilat.data import DataFileError, load_yaml

DATA_FILE = "figures.yaml"

MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_MONTH_BEFORE = re.compile(MONTHS + r"\.?,?\s+(?:\d{1,2}\s*[-–—]\s*)?$", re.I)
_MONTH_AFTER = re.compile(r"^(?:\s*[-–—]\s*\d{1,2})?(?:st|nd|rd|th)?\s+(?:of\s+)?" + MONTHS + r"\b", re.I)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_DIGITS_DECIMAL_COMMA = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"  # Vietnamese: 1.500,5
DECIMAL_COMMA_LANGUAGES = ("vi",)
_PHONE_AFTER = re.compile(r"^\)?[\s.-]\d{3,}")
_PHONE_BEFORE = re.compile(r"\d{2,}\)?[\s.-]$")
_COUNT_CUE = re.compile(r"\b(?:about|some|nearly|around|approximately|almost|roughly|over|than|least|estimated|"
                        r"only|just)\s+$", re.I)
_PLURAL_NEXT = re.compile(r"\s+[a-z]+s\b")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\]\)\"”]+", re.I)
_RANGE_GAP = re.compile(r"\s*(?:to|and|or|through|-|–|—|to about|to around|to nearly)\s*", re.I)
_RANGE_LEAD = re.compile(r"(?:between|from|of)\s+$", re.I)


@dataclass(frozen=True)
class Quantity:
    """A number with its unit, as written at ``text[start:end]``."""

    start: int
    end: int
    text: str
    value: float
    unit: str | None      # ISO 4217 code, "percent", a unit symbol ("m3", "ha"), or None (a bare number)
    kind: str             # "money" | "percent" | "measure" | "number"
    num_start: int        # the numeral itself, without currency, scale or unit
    num_end: int
    scaled: bool = False  # a scale word ("million", "bn") multiplied the numeral
    words: bool = False   # written in words ("six", "two dozen")
    scale: float = 1.0
    mark: str | None = None  # "odd" ("20-odd": about 20) or "plus" ("30-plus", "30+": at least 30)


class _Grammar:
    """Compiled patterns and lookup tables built from figures.yaml."""

    def __init__(self, data: dict) -> None:
        self.words = _int_map(data, "number_words")
        self.multipliers = _int_map(data, "number_multipliers")
        self.scales = {k.lower(): float(v) for k, v in _int_map(data, "scales").items()}
        self.short_scales = {k.lower(): float(v) for k, v in _int_map(data, "short_scales").items()}
        self.prefixes = _str_map(data, "currency_prefixes")
        suffixes = _str_map(data, "currency_suffixes")
        units = data.get("units")
        if not isinstance(units, dict) or not all(isinstance(v, list) for v in units.values()):
            raise DataFileError(f"bilat/data/{DATA_FILE}: 'units' must map symbols to lists of patterns")
        percent = data.get("percent")
        if not isinstance(percent, list):
            raise DataFileError(f"bilat/data/{DATA_FILE}: 'percent' must be a list")

        ones = [w for w, v in self.words.items() if 0 <= v <= 9]
        teens = [w for w, v in self.words.items() if 10 <= v <= 19]
        tens = [w for w, v in self.words.items() if v >= 20]
        small = (rf"(?:(?:{_alt(tens)})(?:[- ](?:{_alt(ones)}))?|{_alt(teens)}|{_alt(ones)})")
        hundred = rf"(?:(?:{small}|an?)\s+hundred(?:\s+(?:and\s+)?{small})?)"
        below_k = rf"(?:{hundred}|{small})"
        thousand = rf"(?:(?:{below_k}|an?)\s+thousand(?:,?\s+(?:and\s+)?{below_k})?)"
        dozen = rf"(?:(?:{small}|an?|half\s+a)\s+dozen)"
        half = r"(?:half\s+an?(?=\s+(?:million|billion|trillion)\b))"
        wordnum = rf"\b(?:{thousand}|{hundred}|{dozen}|{half}|{small})\b"

        prefix_parts = []
        for key in sorted(self.prefixes, key=len, reverse=True):
            if "$" in key:  # "US$", "US $" (only the US may stand apart), "\$" as Markdown escapes it
                head = ""
                if len(key) > 1:
                    space = r"\s?" if key[:-1].replace(".", "").upper() == "US" else ""
                    head = r"(?<![\w.])(?-i:" + re.escape(key[:-1]) + ")" + space
                prefix_parts.append(head + r"\\?\$")
            elif key.isalpha():
                prefix_parts.append(r"\b(?-i:" + re.escape(key) + r")\.?(?=\s?\d)")
            else:
                prefix_parts.append(re.escape(key))
        scale_words = sorted([*self.scales, *self.short_scales], key=len, reverse=True)
        unit_parts = []
        self._unit_patterns = []
        for symbol, patterns in units.items():
            for p in patterns:
                unit_parts.append(f"(?:{p})")
                self._unit_patterns.append((re.compile(rf"(?:{p})$", re.I), str(symbol)))
        self._suffix_patterns = [(re.compile(rf"(?:{p})$", re.I), code) for p, code in suffixes.items()]
        self.anchor = re.compile(rf"\d|\b(?:{_trie([*self.words, *self.multipliers])}|"
                                 rf"an?\s+(?:{_alt(self.multipliers)})|half\s+an?\s)\b", re.I)
        self.prefix_last = {key[-1].lower() for key in self.prefixes} | {key[-1].upper() for key in self.prefixes}
        end_parts = [p.replace(r"\.?(?=\s?\d)", r"\.?") for p in prefix_parts]
        try:
            self.prefix_end = re.compile(rf"(?:{'|'.join(end_parts)})\s?$", re.I)
            body = (rf"(?P<pre>(?:{'|'.join(prefix_parts)})\s?)?"
                    rf"(?P<num>DIGITS|{wordnum})(?P<mark>-odd|-plus|\+(?![\d+]))?"
                    rf"(?:(?P<gap>[ \u00a0-]?)(?P<scale>{_alt(scale_words)})(?![\w$]))?"
                    rf"(?:\s?(?P<pct>{'|'.join(percent)})(?![\w])"
                    rf"|\s?(?P<cur>{'|'.join(f'(?:{p})' for p in suffixes)})(?![\w])"
                    rf"|\s?(?P<unit>{'|'.join(unit_parts)})(?![\w/]))?")
            self.pattern = re.compile(body.replace("DIGITS", _DIGITS, 1), re.I)
            self.pattern_decimal_comma = re.compile(body.replace("DIGITS", _DIGITS_DECIMAL_COMMA, 1), re.I)
        except re.error as exc:
            raise DataFileError(f"bilat/data/{DATA_FILE}: bad pattern ({exc})") from None

    def unit_symbol(self, text: str) -> str | None:
        for pattern, symbol in self._unit_patterns:
            if pattern.fullmatch(text):
                return symbol
        return None

    def suffix_code(self, text: str) -> str | None:
        for pattern, code in self._suffix_patterns:
            if pattern.fullmatch(text):
                return code
        return None

    def prefix_code(self, text: str) -> str:
        key = re.sub(r"[\s\\]", "", text).rstrip(".")
        for k, code in self.prefixes.items():
            if k.lower() == key.lower():
                return code
        return "USD" if key.endswith("$") else self.prefixes.get(key, key.upper())

    def word_value(self, text: str) -> float | None:
        total, current, seen = 0.0, 0.0, False
        for token in re.split(r"[\s,-]+", text.lower()):
            if token in ("and", ""):
                continue
            if token in ("a", "an"):
                current = current or 1.0
            elif token == "half":
                current = 0.5
            elif token in self.words:
                current += self.words[token]
                seen = True
            elif token in self.multipliers:
                m = self.multipliers[token]
                seen = True
                if m >= 1000:
                    total += (current or 1.0) * m
                    current = 0.0
                else:
                    current = (current or 1.0) * m
            else:
                return None
        return total + current if (seen or current) else None


def _trie(words) -> str:
    """One regex alternative per first letter, nested (much faster than a flat list)."""
    tree: dict = {}
    for w in words:
        node = tree
        for ch in w.lower():
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return f"(?:{emit(tree)})"


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _int_map(data: dict, key: str) -> dict[str, float]:
    value = data.get(key)
    if not isinstance(value, dict) or not all(isinstance(v, (int, float)) for v in value.values()):
        raise DataFileError(f"bilat/data/{DATA_FILE}: '{key}' must map words to numbers")
    return {str(k).lower(): v for k, v in value.items()}


def _str_map(data: dict, key: str) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise DataFileError(f"bilat/data/{DATA_FILE}: '{key}' must map strings to codes")
    return {str(k): v for k, v in value.items()}


@lru_cache(maxsize=1)
def figure_data() -> dict:
    """The parsed figures.yaml (shared with the figure extractor)."""
    return load_yaml(DATA_FILE)


@lru_cache(maxsize=1)
def grammar() -> _Grammar:
    return _Grammar(figure_data())


def find_quantities(text: str, offset: int = 0, language: str | None = None) -> list[Quantity]:
    """Every quantity in ``text``; offsets are shifted by ``offset`` (so a
    sentence can be scanned with its offset in the document). In Vietnamese
    (``language="vi"``) "1.500,5" is one thousand five hundred and a half."""
    g = grammar()
    decimal_comma = bool(language) and language.split("-")[0].lower() in DECIMAL_COMMA_LANGUAGES
    pattern = g.pattern_decimal_comma if decimal_comma else g.pattern
    found: list[Quantity] = []
    pos = 0
    while True:  # the full pattern is tried only where a numeral starts (fast on long texts)
        anchor = g.anchor.search(text, pos)
        if anchor is None:
            break
        at = anchor.start()
        j = at - 1 if at > pos and text[at - 1] != " " else at - 2
        pre = (g.prefix_end.search(text, max(pos, at - 10), at)
               if j >= pos and (text[j] in g.prefix_last or text[j] == ".") else None)
        m = (pattern.match(text, pre.start()) if pre else None) or pattern.match(text, at)
        if m is None or m.end() <= at:
            pos = anchor.end() if anchor.end() > at else at + 1
            continue
        q = _read(m, text, g, decimal_comma)
        if q is not None:
            found.append(q)
        pos = m.end()
    if "http" in text or "www." in text:  # numbers inside web addresses
        urls = [m.span() for m in _URL.finditer(text)]
        found = [q for q in found if not any(a <= q.start < b for a, b in urls)]
    found = _spread_ranges(found, text)
    if offset:
        found = [replace(q, start=q.start + offset, end=q.end + offset,
                         num_start=q.num_start + offset, num_end=q.num_end + offset) for q in found]
    return found


def _read(m: re.Match, text: str, g: _Grammar, decimal_comma: bool = False) -> Quantity | None:
    pre, num, scale_word = m.group("pre"), m.group("num"), m.group("scale")
    num_start, num_end = m.span("num")
    words = not num[0].isdigit()
    before = text[max(0, num_start - 40):num_start]
    if not pre and not _left_ok(text, num_start, words):
        return None
    if words:
        value = g.word_value(num)
        if value is None:
            return None
    else:
        value = float(num.replace(".", "").replace(",", ".") if decimal_comma else num.replace(",", ""))

    unit, kind = (g.prefix_code(pre), "money") if pre else (None, "number")
    end, scale, suffixes = (m.end("mark") if m.group("mark") else num_end), 1.0, True
    mark = {"-odd": "odd", "-plus": "plus", "+": "plus"}.get((m.group("mark") or "").lower())
    if scale_word:
        key = scale_word.lower()
        if key in g.scales:
            scale, end = g.scales[key], m.end("scale")
        elif key in g.short_scales and pre:
            scale, end = g.short_scales[key], m.end("scale")
        elif g.unit_symbol(key) and not pre:  # "500m", "5 m": metres, not millions
            unit, kind, end, suffixes = g.unit_symbol(key), "measure", m.end("scale"), False
            scale_word = None
        else:  # "5 b", "3 k": not a scale; the number stands alone
            scale_word, suffixes = None, False
    if suffixes:
        if m.group("pct"):
            unit, kind, end = "percent", "percent", m.end("pct")
        elif m.group("cur"):
            code = g.suffix_code(m.group("cur")) or "USD"
            if kind != "money" or code != "USD":
                unit = code
            kind, end = "money", m.end("cur")
        elif m.group("unit") and kind != "money":
            unit, kind, end = g.unit_symbol(m.group("unit")), "measure", m.end("unit")
    value *= scale

    after = text[end:end + 40]
    if not _right_ok(after, kind, words):
        return None
    if kind == "number" and not scale_word:
        if not words and num.isdigit() and len(num) == 4 and 1800 <= value <= 2100 \
                and not (_COUNT_CUE.search(before) and _PLURAL_NEXT.match(text[end:end + 30])):
            return None  # a year, unless "some 2000 troops"
        if _MONTH_BEFORE.search(before) or _MONTH_AFTER.match(text[num_end:num_end + 20]):
            return None  # a day of a date
        if not words and (_PHONE_AFTER.match(after) or _PHONE_BEFORE.search(before)):
            return None
        if not words and re.search(r"['’‘]$", before) and len(num) == 2:
            return None  # '19
    elif kind in ("money", "percent", "measure") and not words:
        if _MONTH_BEFORE.search(before) and not pre:
            return None
    start = m.start("pre") if pre else num_start
    return Quantity(start=start, end=end, text=text[start:end], value=value, unit=unit, kind=kind,
                    num_start=num_start, num_end=num_end, scaled=bool(scale_word), words=words, scale=scale,
                    mark=mark)


def _left_ok(text: str, i: int, words: bool) -> bool:
    if i == 0:
        return True
    prev = text[i - 1]
    if prev.isalnum() or prev in "#№_@":
        return False
    if prev == "+" and i >= 2 and text[i - 2].isdigit():
        return False  # 2+2
    if prev in ".,":
        return not (i >= 2 and text[i - 2].isdigit())
    if prev in "-‐/:":
        if i >= 2 and text[i - 2].isalpha():
            return False  # C-130, level-2, no-one
        if prev in "/:" and i >= 2 and text[i - 2].isdigit():
            return False  # 25/6/2023, 06:12
    return True


def _right_ok(after: str, kind: str, words: bool) -> bool:
    if not after:
        return True
    nxt = after[0]
    if nxt.isalnum() or nxt in "_@":
        return False  # 130s, 8020s, 13th, 3C
    if nxt == "+" and len(after) > 1 and after[1].isdigit():
        return False  # 2+2
    if nxt in "-‐–" and len(after) > 1 and after[1].isalpha():
        return kind == "money" or after[1:5].lower() == "plus"  # six-year, 45-foot
    if nxt in ":/" and len(after) > 1 and after[1].isdigit():
        return False  # 06:12, 24/7, (2018): 5
    if nxt == "." and len(after) > 1 and after[1].isdigit():
        return False  # 1.2.3
    if kind == "number" and re.match(r"\s?(?:a\.?m\.?|p\.?m\.?)(?!\w)", after, re.I):
        return False
    return True


def _spread_ranges(found: list[Quantity], text: str) -> list[Quantity]:
    """ "between 2 and 3 million gallons": the first number takes the scale and
    unit of the second; "$300-$430 million": the first takes the scale."""
    out = list(found)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        gap = text[a.end:b.start]
        if not _RANGE_GAP.fullmatch(gap):
            continue
        lead = text[max(0, a.start - 12):a.start]
        if gap.strip().lower() == "and" and not _RANGE_LEAD.search(lead):
            continue
        if gap.strip().lower() == "or" and a.words != b.words:
            continue
        changes = {}
        if a.kind == "number" and b.kind != "number":
            changes.update(unit=b.unit, kind=b.kind)
        if not a.scaled and b.scaled and a.value < 1000 and (a.kind == b.kind or changes):
            if a.value * b.scale <= b.value * 1.0001 or gap.strip() in ("-", "–", "—", "to"):
                changes.update(value=a.value * b.scale, scaled=True, scale=b.scale)
        if changes:
            out[i] = replace(a, **changes)
    return out
