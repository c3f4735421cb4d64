"""When two reported facts are one fact: merge keys and compatibility.

A report (a fact as one document states it) joins a merged fact when it has
the same *key* and is *compatible* with the merged fact's first report. Keys
are coarse and indexed, so adding a document looks up a handful of candidates
instead of comparing against the whole store; compatibility is the precise,
explainable check. Precision first: when in doubt, two reports stay two facts.

    figure     same measure, unit, change, period (year of as_of); value within 0.5 %
    agreement  same type, year and parties; names not about different things
               (a Vietnamese and an English name cannot be compared word for word)
    transfer   same equipment family, quantity and recipient; statuses may progress
    event      same type and month, or a year and a month in it; no contradicting
               location or named people, and enough topic words in common
"""
from __future__ import annotations

import re
from functools import lru_cache
import unicodedata
from dataclasses import dataclass

from bilat.nlp.script import has_vietnamese_letters

from .measures import fallback_key, measure_of

VALUE_TOLERANCE = 0.005
# Words that name an instrument's type or parties, not its topic.
_GENERIC_NAME_WORDS = frozenset("""
the a an of on and for to in between with memorandum understanding mou moa agreement agreements joint
vision statement statements letter intent treaty convention action plan code declaration protocol
framework vietnam viet nam vietnamese us u s united states america american bilateral two countries
updated new signed 2011 2015 2016 2023 2024 2025
""".split())
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Key:
    """The coarse key a report is indexed under, and its readable description."""

    value: str
    description: str
    alternates: tuple[str, ...] = ()  # neighbouring keys a compatible fact may sit under


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text or "").replace("đ", "d").replace("Đ", "D"))
    return text.encode("ascii", "ignore").decode().lower().replace("defence", "defense")


def _year(date) -> str:
    return str(date)[:4] if date else "undated"


def _month(date) -> str:
    return str(date)[:7] if date else "undated"


def _significant(value: float) -> str:
    """The value to 2 significant digits: reports within 0.5 % share a bucket
    or a neighbouring one; compatibility then checks the real tolerance."""
    if not value:
        return "0"
    return f"{float(value):.1e}"


def series_key(figure: dict, context: str | None = None) -> tuple[str, str]:
    """The measure a figure belongs to: (key, label). A catalogue measure when
    one matches (bilat/data/measures.yaml; ``context`` is the document text
    before the quote, for "this project"), else a conservative fallback."""
    measure = measure_of(figure, context)
    if measure is not None:
        return f"measure:{measure.id}", measure.label
    key = fallback_key(figure)
    return f"auto:{key}", figure.get("measure") or key


def report_of(kind: str, fields: dict, quote: str) -> dict:
    """The flat record merging reads: the kind, its fields and the quote."""
    return {"kind": kind, **fields, "quote": quote, "_quote": quote}


def keys_for(kind: str, fields: dict, quote: str, context: str | None) -> tuple[Key, tuple]:
    """A report's merge key and (for figures) its series, computed once — in a
    worker process during ingest, so the single writer only looks them up."""
    report = report_of(kind, fields, quote)
    series = series_key(report, context) if kind == "figure" else (None, None)
    return key_of(report, series=series if kind == "figure" else None), series


def key_of(fact: dict, context: str | None = None, series: tuple[str, str] | None = None) -> Key:
    """The key a report is indexed under (``series``: its series_key, when already known)."""
    kind = fact["kind"]
    if kind == "figure":
        series, label = series or series_key(fact, context)
        stem = f"figure|{series}|{fact.get('unit')}|{fact.get('change')}|{_year(fact.get('as_of'))}|"
        value = float(fact.get("value") or 0)
        buckets = {_significant(value * (1 + d)) for d in (-VALUE_TOLERANCE, VALUE_TOLERANCE)}
        return Key(
            f"{stem}{_significant(value)}",
            f"{label}: {fact.get('value')} {fact.get('unit')} ({fact.get('change')}), "
            f"as of {_year(fact.get('as_of'))}",
            tuple(sorted(f"{stem}{b}" for b in buckets - {_significant(value)})),
        )
    if kind == "agreement":
        parties = "+".join(sorted(str(p) for p in fact.get("parties") or []))
        return Key(f"agreement|{fact.get('type')}|{_year(fact.get('date'))}|{parties}",
                   f"{fact.get('type')} of {_year(fact.get('date'))}, parties {parties or 'unknown'}")
    if kind == "transfer":
        item = " ".join(sorted(_topic_words(fact.get("item"), keep_generic=True)))
        return Key(f"transfer|{item}|{fact.get('quantity')}|{fact.get('recipient')}",
                   f"{fact.get('quantity') or 'unspecified number of'} {fact.get('item')} "
                   f"to {fact.get('recipient')}")
    if kind == "event":
        date = str(fact.get("date") or "")
        stem = f"event|{fact.get('type')}|"
        if len(date) == 4:  # a year only: the same event may be filed under any of its months
            alternates = tuple(f"{stem}{date}-{m:02d}" for m in range(1, 13))
        elif len(date) >= 7:
            alternates = (f"{stem}{date[:4]}",)
        else:
            alternates = ()
        return Key(f"{stem}{_month(fact.get('date'))}", f"{fact.get('type')} in {_month(fact.get('date'))}",
                   alternates)
    raise ValueError(f"unknown fact kind {kind!r}")


def compatible(merged: dict, report: dict) -> tuple[bool, str]:
    """Whether ``report`` states the same fact as ``merged`` (same key assumed),
    and why, in words an analyst can check."""
    kind = report["kind"]
    if kind == "figure":
        b = float(report.get("value") or 0)
        joined = [float(merged.get(name) or merged.get("value") or 0) for name in ("_min", "_max")]
        for a in joined:  # every value already joined, not just the first, must be close
            if abs(a - b) > VALUE_TOLERANCE * max(abs(a), abs(b)):
                return False, f"values differ ({a:g} vs {b:g})"
        return True, (f"same measure, unit and period; values {joined[0]:g}–{joined[1]:g} and {b:g} agree "
                      f"within {VALUE_TOLERANCE:.1%}")
    if kind == "agreement":
        words_a, words_b = _topic_words(merged.get("name")), _topic_words(report.get("name"))
        if has_vietnamese_letters(merged.get("name")) != has_vietnamese_letters(report.get("name")):
            return True, "same type, year and parties; names in Vietnamese and English"
        if words_a and words_b and not words_a & words_b:
            return False, f"names are about different things ({merged.get('name')!r} vs {report.get('name')!r})"
        shared = ", ".join(sorted(words_a & words_b)) or "no topic words to contradict"
        return True, f"same type, year and parties; names agree ({shared})"
    if kind == "transfer":
        return True, "same equipment family, quantity and recipient"
    if kind == "event":
        loc_a, loc_b = fold(merged.get("location")), fold(report.get("location"))
        if loc_a and loc_b and loc_a != loc_b and loc_a not in loc_b and loc_b not in loc_a:
            return False, f"different places ({merged.get('location')} vs {report.get('location')})"
        people_a, people_b = _people(merged.get("actors")), _people(report.get("actors"))
        if people_a and people_b and not people_a & people_b:
            return False, "different people named"
        equipment_a, words_a = _topic(merged.get("_quote") or "")
        equipment_b, words_b = _topic(report.get("_quote") or "")
        if equipment_a and equipment_b and not equipment_a & equipment_b:
            return False, "the reports name different equipment"
        shared = words_a & words_b
        needed = 3 if report.get("type") == "other" else 2
        if len(shared) < needed:
            return False, f"the reports share too few words to be one event ({', '.join(sorted(shared)) or 'none'})"
        return True, (f"same type and month; places and people do not contradict; "
                      f"the reports share {', '.join(sorted(shared)[:6])}")
    return False, "unknown kind"


def _topic_words(name, keep_generic: bool = False) -> set[str]:
    words = set(_WORD.findall(fold(name)))
    words = {w[:-1] if len(w) > 4 and w.endswith("s") else w for w in words}
    return words if keep_generic else words - _GENERIC_NAME_WORDS


_STOPWORDS = frozenset("""
a about after against all also an and any are as at be been before being both but by can could did do
does during each for from had has have he her his how if in into is it its more most new not of on one or
other our over said says she so some such than that the their them then there these they this those through
to two under up was we were what when where which while who will with would year years month months week
vietnam vietnamese viet nam us u s united states america american washington hanoi country countries
january february march april may june july august september october november december
""".split())


@lru_cache(maxsize=20_000)
def _topic(quote: str) -> tuple[frozenset, frozenset]:
    """The equipment a quote names and its topic words, names left out: two
    deliveries to the same coast guard share the recipient's name, not a topic."""
    from bilat.nlp.gazetteer import find_mentions

    mentions = find_mentions(quote)
    equipment = frozenset(m.entity for m in mentions if m.type == "equipment")
    named = {w for m in mentions for w in _WORD.findall(fold(m.text))}
    return equipment, frozenset(_content_words(quote) - named)


def _content_words(text) -> set[str]:
    """Words that carry an event's topic: no stopwords, numbers or country names."""
    words = {w for w in _WORD.findall(fold(text)) if len(w) > 2 and not w.isdigit()}
    return {w[:-1] if len(w) > 4 and w.endswith("s") else w for w in words} - _STOPWORDS


def _people(actors) -> set[str]:
    """Actor names of two or more words that are not countries: the people named."""
    countries = {"vietnam", "viet nam", "united states", "china", "russia", "japan", "asean"}
    return {fold(a) for a in actors or [] if len(str(a).split()) >= 2 and fold(a) not in countries}
