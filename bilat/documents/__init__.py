"""Stage 1: read inputs in any supported format and return clean Documents."""
from __future__ import annotations

from bilat.errors import InputError

from .clean import clean
from .formats import FORMATS, detect_format, parse
from .metadata import complete
from .model import Document, RawInput, content_hash
from .sources import ReadOptions, expand, read

__all__ = [
    "Document", "RawInput", "ReadOptions", "FORMATS",
    "expand", "read", "load", "detect_format", "content_hash",
]


def load(raw: RawInput) -> Document:
    """Parse, clean and describe one raw input."""
    parsed = parse(raw)
    text, dropped = clean(parsed.text)
    if len(text.split()) < 3:
        raise InputError(raw.location, "no text left after cleaning (empty page?)")
    meta = complete(text, parsed.meta, dropped)
    extra = {k: v for k, v in meta.items() if k not in {"title", "publisher", "author", "published", "language"}}
    return Document(
        text=text,
        location=raw.location,
        name=raw.name,
        format=parsed.format,
        raw_hash=raw.raw_hash,
        title=meta.get("title"),
        publisher=meta.get("publisher"),
        author=meta.get("author"),
        published=meta.get("published"),
        language=meta.get("language"),
        extra=extra,
    )
