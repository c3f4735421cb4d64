"""Stage 3: facts from an annotated document, each with its evidence.

``extract_facts`` is what the pipeline calls for every new document. Each
extractor is a function ``(AnnotatedDocument) -> list[Fact]`` listed in
``EXTRACTORS``.
"""
from __future__ import annotations

from collections.abc import Callable

from bilat.nlp.annotate import AnnotatedDocument

from . import agreements, events, figures, transfers
from .model import AREAS, KINDS, Evidence, Fact

Extractor = Callable[[AnnotatedDocument], list[Fact]]

__all__ = ["AREAS", "KINDS", "Evidence", "Fact", "EXTRACTORS", "extract_facts", "AnnotatedDocument"]


# Each extractor is independent of the others; the order only orders the output.
EXTRACTORS: list[Extractor] = [figures.extract, agreements.extract, transfers.extract, events.extract]


def extract_facts(adoc: AnnotatedDocument) -> list[Fact]:
    facts: list[Fact] = []
    for extractor in EXTRACTORS:
        facts.extend(extractor(adoc))
    return facts
