"""The annotated document every extractor reads.

Annotations are computed once, lazily, and shared: sentences (always), date
mentions (``bilat.nlp.dates``), entity mentions (``bilat.nlp.gazetteer``).
All offsets are into ``text``, the stored cleaned text.
"""
from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from functools import cached_property

from .sentences import Sentence, split_sentences


@dataclass
class AnnotatedDocument:
    text: str
    name: str = "document"
    published: str | None = None  # ISO date of publication, as precise as known
    language: str | None = "en"
    title: str | None = None
    sentences: list[Sentence] = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.sentences is None:
            self.sentences = split_sentences(self.text, self.language)
        self._starts = [s.start for s in self.sentences]

    @classmethod
    def from_document(cls, document, sentences: list[Sentence] | None = None) -> AnnotatedDocument:
        return cls(text=document.text, name=document.name, published=document.published,
                   language=document.language, title=document.title, sentences=sentences)

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence containing ``offset``, if any."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and self.sentences[i].start <= offset < self.sentences[i].end:
            return self.sentences[i]
        return None

    @cached_property
    def dates(self):
        """Date mentions in the whole text, resolved against the publication date."""
        from .dates import find_dates

        return find_dates(self.text, base=self.published)

    def dates_in(self, start: int, end: int):
        return _within(self, "dates", self.dates, start, end)

    @cached_property
    def mentions(self):
        """Entity mentions from the gazetteer (names and aliases in bilat/data)."""
        from .gazetteer import find_mentions

        return find_mentions(self.text)

    def mentions_in(self, start: int, end: int):
        return _within(self, "mentions", self.mentions, start, end)


def _within(adoc: AnnotatedDocument, name: str, items: list, start: int, end: int) -> list:
    """``[x for x in items if start <= x.start and x.end <= end]``, by bisection
    when ``items`` is sorted by start (extractors ask once per sentence)."""
    index = adoc.__dict__.get(f"_{name}_index")
    if index is None or index[0] is not items or index[1] != len(items):
        starts = [x.start for x in items]
        ordered = all(a <= b for a, b in itertools.pairwise(starts)) and all(x.start <= x.end for x in items)
        index = (items, len(items), starts if ordered else None)
        adoc.__dict__[f"_{name}_index"] = index
    starts = index[2]
    if starts is None:
        return [x for x in items if start <= x.start and x.end <= end]
    found = []
    for i in range(bisect.bisect_left(starts, start), len(items)):
        x = items[i]
        if x.start > end:  # (then x.end > end too)
            break
        if x.end <= end:
            found.append(x)
    return found
