"""Facts and the evidence they rest on."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

KINDS = ("figure", "agreement", "transfer", "event")
AREAS = (
    "war_legacy", "maritime_security", "defense_trade", "training", "peacekeeping", "sar_hadr",
    "cybersecurity", "military_medicine", "dialogue", "multilateral", "general",
)


@dataclass(frozen=True)
class Evidence:
    """Where a fact was stated: offsets into the document's cleaned text."""

    start: int
    end: int
    quote: str
    sentence_idx: int | None = None


@dataclass
class Fact:
    """One fact of a kind in GUIDELINES.md; ``fields`` holds the kind's fields."""

    kind: str
    fields: dict
    evidence: Evidence
    area: str = "general"
    confidence: float = 0.5
    extractor: str = "unknown"
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fact kind {self.kind!r}")
        if self.area not in AREAS:
            raise ValueError(f"unknown area {self.area!r}")

    def fact_id(self, document_hash: str) -> str:
        key = json.dumps(
            [document_hash, self.kind, self.fields, self.evidence.start, self.evidence.end],
            sort_keys=True, ensure_ascii=False, default=str,
        )
        return hashlib.sha256(key.encode("utf-8")).hexdigest()
