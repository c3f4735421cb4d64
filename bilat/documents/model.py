"""The shapes that leave the documents stage."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RawInput:
    """Bytes read from one input, before any decoding.

    ``location`` is what the user named (absolute path, URL or ``-``);
    ``name`` is the short form used as ``doc`` in exports (file name or URL).
    """

    location: str
    name: str
    data: bytes
    content_type: str | None = None
    charset: str | None = None  # as declared by a server, tried before guessing

    @property
    def raw_hash(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Document:
    """A cleaned document. All offsets elsewhere in bilat refer to ``text``."""

    text: str
    location: str
    name: str
    format: str
    raw_hash: str
    title: str | None = None
    publisher: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date, as precise as known
    language: str | None = None
    extra: dict = field(default_factory=dict)
    body_word_count: int | None = None  # words before any notes/references section

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    @property
    def word_count(self) -> int:
        return len(self.text.split())


def content_hash(text: str) -> str:
    """Identity of a document: the hash of its cleaned text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
