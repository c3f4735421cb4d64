"""Stage 3: facts from an annotated document, each with its evidence.

``extract_facts`` is what the pipeline calls for every new document. Each
extractor is a function ``(document, sentences) -> list[Fact]`` registered in
``EXTRACTORS``; the figure, agreement, transfer and event extractors plug in
here.
"""
from __future__ import annotations

from collections.abc import Callable

from bilat.documents import Document
from bilat.nlp import Sentence

from .model import AREAS, KINDS, Evidence, Fact

Extractor = Callable[[Document, list[Sentence]], list[Fact]]

EXTRACTORS: list[Extractor] = []

__all__ = ["AREAS", "KINDS", "Evidence", "Fact", "EXTRACTORS", "extract_facts"]


def extract_facts(document: Document, sentences: list[Sentence]) -> list[Fact]:
    facts: list[Fact] = []
    for extractor in EXTRACTORS:
        facts.extend(extractor(document, sentences))
    return facts
