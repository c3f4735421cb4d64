"""Per-format readers: raw input -> (body text, metadata found in the format).

Each reader returns a :class:`Parsed`; cleaning and metadata inference from
the text itself happen later, the same way for every format.
"""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import yaml

from bilat.errors import InputError

from .decode import decode_text
from .model import RawInput

FORMATS = ("text", "markdown", "html", "pdf")

_SUFFIX_FORMAT = {
    ".txt": "text", ".text": "text",
    ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".pdf": "pdf",
}
_CONTENT_TYPE_FORMAT = {
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
}
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_HTML_START = re.compile(rb"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)

# Front-matter keys as web clippers write them, mapped to our field names.
_FRONT_MATTER_KEYS = {
    "title": "title", "headline": "title",
    "source": "url", "url": "url", "link": "url", "canonical": "url",
    "author": "author", "authors": "author", "byline": "author",
    "published": "published", "date": "published", "created": "published",
    "publish_date": "published", "pubdate": "published",
    "publisher": "publisher", "site": "publisher", "site_name": "publisher",
    "lang": "language", "language": "language",
}


@dataclass
class Parsed:
    format: str
    text: str
    meta: dict = field(default_factory=dict)


def detect_format(raw: RawInput) -> str:
    suffix = PurePosixPath(raw.name.split("?", 1)[0]).suffix.lower()
    if suffix in _SUFFIX_FORMAT:
        return _SUFFIX_FORMAT[suffix]
    if raw.content_type in _CONTENT_TYPE_FORMAT:
        return _CONTENT_TYPE_FORMAT[raw.content_type]
    head = raw.data[:2048]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if _HTML_START.match(head):
        return "html"
    if head.lstrip(b"\xef\xbb\xbf").startswith(b"---"):
        return "markdown"
    return "text"


def parse(raw: RawInput) -> Parsed:
    fmt = detect_format(raw)
    if fmt == "pdf":
        return read_pdf(raw)
    text = decode_text(raw.data, raw.location, raw.charset)
    if fmt == "html":
        return read_html(text, raw)
    if fmt == "markdown":
        return read_markdown(text, raw)
    return Parsed("text", text)


def read_markdown(text: str, raw: RawInput) -> Parsed:
    """Split off YAML front matter; the body stays Markdown."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return Parsed("markdown", text)
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        raise InputError(raw.location, f"invalid YAML front matter{where}") from None
    if not isinstance(data, dict):
        raise InputError(raw.location, "front matter is not a YAML mapping")
    return Parsed("markdown", text[match.end():], front_matter_meta(data))


def front_matter_meta(data: dict) -> dict:
    meta: dict = {}
    for key, value in data.items():
        name = _FRONT_MATTER_KEYS.get(str(key).strip().lower())
        if not name or name in meta or value in (None, "", []):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        meta[name] = str(value).strip()
    return meta


def read_html(html: str, raw: RawInput) -> Parsed:
    """Main text through trafilatura, comments and boilerplate dropped."""
    import trafilatura

    url = raw.location if raw.location.startswith("http") else None
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    try:
        result = trafilatura.bare_extraction(
            html, url=url, include_comments=False, include_tables=True,
            with_metadata=True, favor_precision=True,
        )
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        raise InputError(raw.location, f"unreadable HTML ({type(exc).__name__})") from None
    result = result.as_dict() if result is not None else {}
    text = result.get("text") or ""
    if not text.strip():
        raise InputError(raw.location, "HTML page has no article text")
    meta = {}
    for ours, theirs in (("title", "title"), ("author", "author"), ("published", "date"),
                         ("publisher", "sitename"), ("url", "url"), ("language", "language")):
        value = result.get(theirs)
        if value:
            meta[ours] = str(value).strip()
    if url is None and meta.get("url", "").startswith("file"):
        meta.pop("url")
    return Parsed("html", text, meta)


def read_pdf(raw: RawInput) -> Parsed:
    """Text layer of every page, pages separated by a blank line."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(raw.data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:
                raise InputError(raw.location, "PDF is encrypted") from None
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or {}
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(raw.location, f"unreadable PDF ({type(exc).__name__})") from None
    text = "\n\n".join(unwrap_lines(p.strip()) for p in pages if p.strip())
    if not text.strip():
        raise InputError(raw.location, "PDF has no text layer (scanned image? run OCR first)")
    meta = {}
    title = info.get("/Title") if info else None
    author = info.get("/Author") if info else None
    if title and str(title).strip():
        meta["title"] = str(title).strip()
    if author and str(author).strip():
        meta["author"] = str(author).strip()
    created = info.get("/CreationDate") if info else None
    match = re.match(r"D:(\d{4})(\d{2})?(\d{2})?", str(created or ""))
    if match:
        meta["created"] = "-".join(g for g in match.groups() if g)
    return Parsed("pdf", text, meta)


_HEADING_START = re.compile(
    r"^(?:\d+(?:\.\d+)*\.?\s+[A-Z]|[A-Z][A-Z ]{3,}$|[-•*]\s|(?:Sources?|Notes?|References?)\s*:)")


def unwrap_lines(page: str) -> str:
    """Join the lines a PDF wrapped at the page width back into paragraphs.

    A line as long as the page's long lines continues into the next one,
    unless the next looks like a heading or list item; a short line ends its
    paragraph. Without this, every wrap would end a sentence.
    """
    lines = [line.rstrip() for line in page.split("\n")]
    width = max((len(line) for line in lines), default=0)
    if width < 40:
        return page
    out: list[str] = []
    for line in lines:
        previous = out[-1] if out else None
        joins = (
            previous is not None and previous.strip() and line.strip()
            and len(previous.rsplit("\n", 1)[-1]) >= 0.75 * width
            and not _HEADING_START.match(line.strip())
            and not (previous.endswith((".", ":", "!", "?")) and len(line) < 0.5 * width
                     and not line.rstrip().endswith((".", ",", ";")))
        )
        if joins:
            glue = "" if previous.endswith("-") and line[:1].islower() else " "
            out[-1] = previous + glue + line.strip()
        else:
            out.append(line)
    return "\n".join(out)
