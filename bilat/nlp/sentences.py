"""Sentence splitting with exact character offsets into the cleaned text."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@lru_cache(maxsize=4)
def _segmenter(language: str):
    import pysbd

    try:
        return pysbd.Segmenter(language=language, clean=False)
    except ValueError:  # a language pysbd has no rules for: Latin-script defaults work well
        return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str, language: str | None = "en") -> list[Sentence]:
    """Split ``text`` into sentences; line breaks always end a sentence, so a
    heading never runs into the paragraph below it. ``text[s.start:s.end] == s.text``."""
    segmenter = _segmenter(language or "en")
    sentences: list[Sentence] = []
    line_start = 0
    for line in text.split("\n"):
        if line.strip():
            cursor = line_start
            line_end = line_start + len(line)
            # processor().process() is segment() without its per-sentence regex
            # re-matching; we find the offsets ourselves below.
            for piece in segmenter.processor(line).process():
                piece = piece.strip()
                if not piece:
                    continue
                found = text.find(piece, cursor, line_end)
                if found < 0:  # the segmenter altered the text: keep the rest of the line whole
                    rest = text[cursor:line_end]
                    piece = rest.strip()
                    if piece:
                        start = cursor + rest.index(piece)
                        sentences.append(Sentence(len(sentences), start, start + len(piece), piece))
                    break
                sentences.append(Sentence(len(sentences), found, found + len(piece), piece))
                cursor = found + len(piece)
        line_start += len(line) + 1
    return sentences
