"""Stage 3: facts from an annotated document, each with its evidence.

``extract_facts`` is what the pipeline calls for every new document. Each
extractor is a function ``(AnnotatedDocument) -> list[Fact]`` listed in
``EXTRACTORS``; each is pure and independent of the others.
"""
from __future__ import annotations

from collections.abc import Callable

from bilat.nlp.annotate import AnnotatedDocument

from .model import AREAS, KINDS, Evidence, Fact

Extractor = Callable[[AnnotatedDocument], list[Fact]]

__all__ = ["AREAS", "KINDS", "Evidence", "Fact", "EXTRACTORS", "extract_facts", "AnnotatedDocument"]


def _registered() -> list[Extractor]:
    found: list[Extractor] = []
    for module_name in ("figures", "agreements", "transfers", "events"):
        try:
            module = __import__(f"{__name__}.{module_name}", fromlist=["extract"])
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{module_name}":
                continue  # that extractor is not written yet
            raise
        found.append(module.extract)
    return found


EXTRACTORS: list[Extractor] = _registered()


def extract_facts(adoc: AnnotatedDocument) -> list[Fact]:
    facts: list[Fact] = []
    for extractor in EXTRACTORS:
        facts.extend(extractor(adoc))
    return facts
