"""Document context the extractors share: where the notes begin, which
lines are citations, which two countries a document is about, paragraphs."""
from __future__ import annotations

import re
from collections import Counter

from bilat.nlp.annotate import AnnotatedDocument

ACTOR_TYPES = ("country", "organization", "person")
DEFAULT_PAIR = ("VN", "US")

_REFERENCE_HEADING = re.compile(
    r"^[#*_\s]*(?:end\s*notes|notes|footnotes|references|bibliography|sources|works cited|citations"
    r"|further reading)[\s:*_]*$", re.I | re.M)
# "Sources:", "Sources restated:", "Sources consulted:", "Source material:" ...
SOURCES_LABEL = r"(?:sources?|references?)(?:\s+(?:restated|consulted|used|cited|material|materials|and\s+notes))?"
_CITATION_LINE = re.compile(r"https?://|www\.|\bIbid\b|^\W*(?:" + SOURCES_LABEL + r"|notes?|further reading)\s*:|^\s*[-*•]?\s*(?:\[\d+\]|\d{1,3}[.)]?)\s+\S.*[\"“]", re.I)


_SOURCES_LINE = re.compile(r"^[#*_\s]*" + SOURCES_LABEL + r"\s*:", re.I | re.M)


def reference_start(adoc: AnnotatedDocument) -> int:
    """Offset where the notes/references section begins (len(text) if none): a
    heading such as "Endnotes" or a closing "Sources: ..." line."""
    text = adoc.text
    for pattern in (_REFERENCE_HEADING, _SOURCES_LINE):
        for match in pattern.finditer(text):
            if match.start() > len(text) * 0.4:
                return match.start()
    return len(text)


def is_citation(adoc: AnnotatedDocument, sentence, ref_start: int) -> bool:
    """Whether a sentence belongs to the notes or is a citation line."""
    if sentence.start >= ref_start:
        return True
    text = adoc.text
    line_start = text.rfind("\n", 0, sentence.start) + 1
    line_end = text.find("\n", sentence.end)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    return bool(_CITATION_LINE.search(line))


def main_countries(adoc: AnnotatedDocument, ref_start: int | None = None) -> list[str]:
    """The two countries a document is mostly about (ISO codes), most mentioned first."""
    limit = len(adoc.text) if ref_start is None else ref_start
    counts = Counter(m.country for m in adoc.mentions
                     if m.start < limit and m.type in ACTOR_TYPES and m.country)
    pair = [code for code, _ in counts.most_common(2)]
    for code in DEFAULT_PAIR:
        if len(pair) >= 2:
            break
        if code not in pair:
            pair.append(code)
    return pair


def paragraph_of(adoc: AnnotatedDocument, offset: int) -> tuple[int, int]:
    text = adoc.text
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, (end if end >= 0 else len(text))


def previous_sentence(adoc: AnnotatedDocument, sentence):
    """The sentence before ``sentence`` in the same paragraph, if any."""
    if sentence.index == 0:
        return None
    prev = adoc.sentences[sentence.index - 1]
    return None if "\n" in adoc.text[prev.end:sentence.start] else prev



def countries_in(adoc: AnnotatedDocument, start: int, end: int) -> list[str]:
    """ISO codes of the actors mentioned in ``text[start:end]``, in order."""
    out: list[str] = []
    for m in adoc.mentions_in(start, end):
        if m.type in ACTOR_TYPES and m.country and m.country not in out:
            out.append(m.country)
    return out
