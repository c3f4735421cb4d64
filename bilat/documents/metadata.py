"""Metadata from the text itself: title, dateline, byline, publisher, language.

Format readers supply what the format carries (front matter, HTML meta tags,
PDF info); these functions fill the gaps from the cleaned text and from the
furniture lines cleaning dropped (an imprint names its publisher).
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from bilat import data

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
DATE_PHRASE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"       # November 2, 2025
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"          # 6 February 2024
    r"|\d{4}-\d{2}-\d{2}"                                          # 2025-11-02
    r"|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}"             # ngày 2 tháng 11 năm 2025
    r"|\d{1,2}/\d{1,2}/\d{4})\b",                                  # 02/11/2025 (day first)
    re.I,
)
_BYLINE = re.compile(r"^(?:by|posted by|written by|bởi)\s+(.+?)\s*(?:[|,–—-]\s*)?$", re.I)
_HEADING_MARKS = re.compile(r"^\s*#{1,6}\s*|^[*_]+|[*_]+$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZĐ\"“‘'])")
_MAX_HEAD_LINES = 15
_FAST_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%Y-%m-%d")


def complete(text: str, meta: dict, dropped: list[str]) -> dict:
    """Return ``meta`` with title, published, author, publisher and language
    filled from the text where the format did not give them."""
    out = dict(meta)
    head = _head_lines(text)
    dateline = find_dateline(head)
    byline = find_byline(head)
    if out.get("published"):
        out["published"] = normalize_date(out["published"]) or None
    if not out.get("published") and dateline:
        out["published"] = dateline[0]
    if not out.get("published") and out.get("created"):
        out["published"] = out["created"]
    out.pop("created", None)
    if byline and not out.get("author") and not publisher_name(byline):
        out["author"] = byline
    if not out.get("publisher"):
        out["publisher"] = (
            (publisher_name(byline) if byline else None)
            or find_publisher([line for line in head if len(line.split()) <= 12])
            or find_publisher(dropped)
        )
    else:
        out["publisher"] = publisher_name(out["publisher"]) or out["publisher"]
    if not out.get("title"):
        out["title"] = infer_title(head, text)
    if not out.get("language"):
        out["language"] = detect_language(text)
    return {k: v for k, v in out.items() if v}


def _head_lines(text: str) -> list[str]:
    lines = [line.strip() for line in text.split("\n", 60)[:60] if line.strip()]
    return lines[:_MAX_HEAD_LINES]


def find_dateline(lines: list[str]) -> tuple[str, str] | None:
    """A short line near the top that carries a full date: a byline
    ("By VNA November 2, 2025 | 06:12 am PT") or a header ("Singapore | 6 February 2024")."""
    for line in lines:
        if len(line) > 160:
            continue
        match = DATE_PHRASE.search(line)
        if not match:
            continue
        rest = line.replace(match.group(0), " ")
        short_rest = len(re.findall(r"\w+", rest)) <= 12
        if short_rest or "|" in line or _BYLINE.match(line):
            iso = parse_date(match.group(0))
            if iso:
                return iso, line
    return None


def find_byline(lines: list[str]) -> str | None:
    for line in lines:
        if len(line) > 160:
            continue
        match = _BYLINE.match(DATE_PHRASE.split(line)[0].strip())
        if match:
            name = re.split(r"\s*[|•]\s*", match.group(1))[0].strip(" ,–—-")
            if 0 < len(name.split()) <= 8:
                return name
    return None


def publisher_name(name: str | None) -> str | None:
    if not name:
        return None
    return data.metadata_rules()["publishers"].get(name.strip().lower())


def find_publisher(lines: list[str]) -> str | None:
    """The first known publisher named in ``lines``, longest alias first."""
    aliases = _publisher_patterns()
    for line in lines:
        for pattern, canonical in aliases:
            if pattern.search(line):
                return canonical
    return None


@lru_cache(maxsize=1)
def _publisher_patterns() -> list[tuple[re.Pattern, str]]:
    table = data.metadata_rules()["publishers"]
    ordered = sorted(table.items(), key=lambda item: -len(item[0]))
    # Short aliases (AP, VNA) only as whole upper-case words, to avoid matching prose.
    patterns = []
    for alias, canonical in ordered:
        flags = 0 if len(alias) <= 4 else re.I
        text = alias.upper() if len(alias) <= 4 else alias
        patterns.append((re.compile(rf"(?<!\w){re.escape(text)}(?!\w)", flags), canonical))
    return patterns


def infer_title(head: list[str], text: str) -> str | None:
    generic = data.metadata_rules()["generic_headings"]
    for line in head:
        words = line.split()
        if len(words) > 40:
            break  # reached the body
        candidate = _HEADING_MARKS.sub("", line).strip()
        if (
            len(candidate.split()) < 3
            or candidate.lower() in generic
            or candidate.isupper()
            or candidate.endswith((".", ":", ";"))
            or len(candidate) > 200
            or DATE_PHRASE.search(candidate)
            or _BYLINE.match(candidate)
            or candidate.startswith(("-", "•", "*", "<", "|"))
        ):
            continue
        return candidate
    first = next((line for line in text.split("\n") if len(line.split()) >= 5), "")
    sentence = _SENTENCE_END.split(first, 1)[0].strip()
    if len(sentence) > 160:
        sentence = sentence[:157].rsplit(" ", 1)[0] + "…"
    return sentence or None


def parse_date(phrase: str) -> str | None:
    """An ISO date for one date phrase (day first for numeric dates)."""
    phrase = phrase.strip()
    numeric = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", phrase)
    vietnamese = re.fullmatch(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", phrase, re.I)
    for match in (numeric, vietnamese):
        if match:
            day, month, year = map(int, match.groups())
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                return None
    for fmt in _FAST_FORMATS:  # the common shapes, without dateparser's cost
        try:
            return dt.datetime.strptime(re.sub(r"(?<=\d)(st|nd|rd|th)\b|\.", "", phrase), fmt).date().isoformat()
        except ValueError:
            continue
    import dateparser

    parsed = dateparser.parse(
        phrase, languages=["en", "vi"],
        settings={"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False,
                  "REQUIRE_PARTS": ["year"]},
    )
    return parsed.date().isoformat() if parsed else None


def normalize_date(value: str) -> str | None:
    """Front-matter and meta-tag dates to ISO: keep the precision given."""
    value = str(value).strip()
    match = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:[T ].*)?$", value)
    if match:
        return "-".join(g for g in match.groups() if g)
    found = DATE_PHRASE.search(value)
    if found:
        return parse_date(found.group(0))
    return parse_date(value)


def detect_language(text: str) -> str | None:
    import py3langid

    sample = text[:5000]
    if len(sample.split()) < 3:
        return None
    lang, _score = py3langid.classify(sample)
    return lang
