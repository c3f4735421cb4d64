"""Sentence splitting with exact character offsets into the cleaned text.

Rule-based and data-driven (bilat/data/sentences.yaml): a sentence ends at
., ! or ? (or …) followed by space and a capital letter, digit or opening
quote, unless the word before the dot is a known abbreviation or an initial;
after a dotted acronym (U.S.) only a usual sentence opener starts a new one.
Line breaks always end a sentence, so a heading never runs into its paragraph.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bilat.data import load_yaml, string_list


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


# End punctuation, closing quotes/brackets, then space, then what may open a sentence.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]*_]*(?=\s+[\"'“‘(\[*_]*[A-ZÀ-ỸĐ0-9])")
_WORD_BEFORE = re.compile(r"([\w.]+?)\.*$")
_NEXT_WORD = re.compile(r"\s+[\"'“‘(\[]?([\w-]+)")


@lru_cache(maxsize=1)
def _rules() -> tuple[frozenset, frozenset]:
    data = load_yaml("sentences.yaml")
    return (frozenset(string_list(data, "abbreviations", "sentences.yaml")),
            frozenset(string_list(data, "sentence_starters", "sentences.yaml")))


def _is_boundary(line: str, punct_start: int, punct_end: int) -> bool:
    if line[punct_start] != ".":
        return True
    abbreviations, starters = _rules()
    before = _WORD_BEFORE.search(line, 0, punct_start + 1)
    word = before.group(1) if before else ""
    word = word.rsplit("(", 1)[-1]
    if len(word) == 1 and word.isupper():
        return False  # an initial: "John F. Kennedy"
    if word in abbreviations or word.rstrip(".") in abbreviations:
        following = _NEXT_WORD.match(line, punct_end)
        # "U.S. The ..." ends a sentence; "Nov. 2" and "Gen. Giang" do not
        return bool(following and "." in word and following.group(1) in starters)
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):  # other dotted acronyms
        following = _NEXT_WORD.match(line, punct_end)
        return bool(following and following.group(1) in starters)
    return True


def split_sentences(text: str, language: str | None = "en") -> list[Sentence]:
    """Split ``text`` into sentences; ``text[s.start:s.end] == s.text``."""
    sentences: list[Sentence] = []
    line_start = 0
    for line in text.split("\n"):
        cursor = 0
        for match in _BOUNDARY.finditer(line):
            if line[cursor:match.start()].strip(" -*#").isdigit():
                continue  # a list number: "1. Frameworks"
            if _is_boundary(line, match.start(), match.end()):
                _add(sentences, text, line_start, line[cursor:match.end()], cursor)
                cursor = match.end()
        _add(sentences, text, line_start, line[cursor:], cursor)
        line_start += len(line) + 1
    return sentences


def _add(sentences: list[Sentence], text: str, line_start: int, piece: str, offset: int) -> None:
    stripped = piece.strip()
    if not stripped:
        return
    start = line_start + offset + (len(piece) - len(piece.lstrip()))
    sentences.append(Sentence(len(sentences), start, start + len(stripped), stripped))
