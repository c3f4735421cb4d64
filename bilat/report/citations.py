"""Citations of stored documents as CSL-JSON and BibTeX, for Zotero or a paper.

The sources can be given as document ids or references (an id, a hash
prefix, a file name or URL), as an :class:`~bilat.report.ask.Answer` (its
references), as any list of dicts with a ``document_id`` (the references of
an answer or, later, of a brief), or as ``None`` for every current document.
Each document is cited once, in the order first given.

Keys are stable: ``publisher-year-firstword`` (``vna-2025-vietnam``), the
publisher shortened to its acronym when ``metadata.yaml`` knows one ("VNA",
"ISEAS"), else its first word; ``anon`` without a publisher and ``nd``
without a date. Keys that would repeat within one export get the first hex
digits of each document's content hash appended.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

from sqlalchemy import func, select

from bilat.errors import QueryError
from bilat.nlp.gazetteer import fold
from bilat.store.schema import appearances, documents

CITATION_FORMATS = ("csl-json", "bibtex")
_REPORT_PUBLISHER = re.compile(r"institut|cent(er|re)\b|council|foundation|university|academy|think|iseas|csis|"
                               r"rand\b|brookings|lowy|iiss|chatham|carnegie|hudson|heritage|stimson", re.I)
_REPORT_TITLE = re.compile(r"\b(report|brief|briefing|perspective|working paper|policy paper|fact sheet|"
                           r"analysis|timeline)\b", re.I)
_TITLE_SKIP = {"the", "a", "an", "and", "of", "on", "in", "to", "for", "at", "by", "with", "from", "as", "is", "are"}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_LANGUAGES = {"en": "english", "vi": "vietnamese", "fr": "french", "zh": "chinese", "de": "german"}


# -- which documents ------------------------------------------------------------------------

def document_ids(store, source=None) -> list[int]:
    """The distinct document ids behind ``source`` (see the module docstring), in order."""
    if source is None:
        return [d["id"] for d in store.documents()]
    if hasattr(source, "references"):
        source = source.references
    elif isinstance(source, dict):
        source = source.get("references") or source.get("sources") or []
    ids: list[int] = []
    for item in source:
        if isinstance(item, dict):
            if item.get("document_id") is None:
                raise QueryError(f"a reference without a document_id: {item!r}")
            doc = int(item["document_id"])
        elif isinstance(item, int):
            doc = item
        else:
            doc = store.resolve_ref(str(item))
        if doc not in ids:
            ids.append(doc)
    return ids


def sources(store, source=None) -> list[dict]:
    """Metadata of each cited document: title, publisher, author, date, language,
    format, URL, file name, content hash and the date bilat first saw it."""
    ids = document_ids(store, source)
    if not ids:
        return []
    with store.engine.connect() as conn:
        first = (select(appearances.c.document_id, func.min(appearances.c.id).label("first"))
                 .where(appearances.c.document_id.in_(ids)).group_by(appearances.c.document_id).subquery())
        rows = conn.execute(
            select(documents.c.id, documents.c.hash, documents.c.title, documents.c.publisher, documents.c.author,
                   documents.c.published, documents.c.language, documents.c.format, documents.c.extra,
                   appearances.c.name, appearances.c.location, appearances.c.seen_at)
            .join(first, first.c.document_id == documents.c.id)
            .join(appearances, appearances.c.id == first.c.first)).mappings().all()
    found = {r["id"]: dict(r) for r in rows}
    missing = [i for i in ids if i not in found]
    if missing:
        raise QueryError(f"no document with id {missing[0]}")
    out = []
    for doc_id in ids:
        row = found[doc_id]
        extra = json.loads(row.pop("extra")) if row.get("extra") else {}
        url = extra.get("url") or extra.get("source")
        if not url and str(row.get("location") or "").startswith(("http://", "https://")):
            url = row["location"]
        row["url"] = url if isinstance(url, str) and url.startswith(("http://", "https://")) else None
        out.append(row)
    return out


# -- shared pieces ----------------------------------------------------------------------------

def item_type(doc: dict) -> str:
    """``report`` (a PDF, a think tank, a brief or fact sheet), ``article-newspaper``
    (a publisher, or a plain article), or ``webpage`` (a URL and no publisher)."""
    publisher, title = doc.get("publisher") or "", doc.get("title") or ""
    if doc.get("format") == "pdf" or _REPORT_PUBLISHER.search(publisher) or _REPORT_TITLE.search(title):
        return "report"
    if not publisher and doc.get("url"):
        return "webpage"
    return "article-newspaper"


def date_parts(value: str | None) -> list[int] | None:
    """"2025-11-02" -> [2025, 11, 2]; "2024-12" -> [2024, 12]; "2011" -> [2011]."""
    if not value:
        return None
    match = re.match(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", str(value))
    if not match:
        return None
    return [int(p) for p in match.groups() if p]


def authors(doc: dict) -> list[str]:
    """Author names as written ("[[Lena Marsh]]" -> "Lena Marsh"); none when the
    author is the publisher."""
    raw = doc.get("author") or ""
    raw = re.sub(r"\[\[|\]\]", "", raw).strip()
    if not raw or raw.lower() == (doc.get("publisher") or "").lower():
        return []
    parts = [p.strip() for p in re.split(r";|\band\b|,(?=\s*[A-Z][a-z]+\s+[A-Z])", raw) if p.strip()]
    return list(dict.fromkeys(parts))


@lru_cache(maxsize=1)
def _acronyms() -> dict[str, str]:
    """Publisher -> its acronym alias from metadata.yaml ("Vietnam News Agency" -> "VNA")."""
    try:
        from bilat.data import load_yaml

        publishers = load_yaml("metadata.yaml").get("publishers") or {}
    except Exception:
        return {}
    out = {}
    for name, aliases in publishers.items():
        short = [a for a in (aliases or []) if isinstance(a, str) and re.fullmatch(r"[A-Z]{2,6}", a)]
        if re.fullmatch(r"[A-Z]{2,6}", name.split()[0]):
            short.insert(0, name.split()[0])
        if short:
            out[name.lower()] = short[0]
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", fold(text).lower())


def cite_key(doc: dict) -> str:
    """``publisher-year-firstword``, lower-case ASCII."""
    publisher = (doc.get("publisher") or "").strip()
    short = _acronyms().get(publisher.lower())
    if not short and publisher:
        words = [w for w in re.findall(r"[\w.]+", publisher) if w.lower() != "the"]
        short = words[0] if words else publisher
    pub = _slug(short) if short else "anon"
    parts = date_parts(doc.get("published"))
    year = str(parts[0]) if parts else "nd"
    words = [_slug(w) for w in re.findall(r"[^\W_]+(?:['’][^\W_]+)?", doc.get("title") or "")]
    first = next((w for w in words if w and w not in _TITLE_SKIP), None) or f"doc{doc['id']}"
    return f"{pub or 'anon'}-{year}-{first}"


def _keys(docs: list[dict]) -> list[str]:
    keys = [cite_key(d) for d in docs]
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    return [k if counts[k] == 1 else f"{k}-{d['hash'][:6]}" for k, d in zip(keys, docs)]


def _note(doc: dict) -> str:
    bits = []
    if doc.get("name") and doc.get("name") != doc.get("url"):
        bits.append(f"file: {doc['name']}")
    bits.append(f"bilat document {doc['id']}, sha256 {doc['hash'][:12]}")
    return "; ".join(bits)


# -- CSL-JSON ---------------------------------------------------------------------------------

def csl_items(store, source=None) -> list[dict]:
    """One CSL-JSON item per document (the shape Zotero and citeproc read)."""
    docs = sources(store, source)
    items = []
    for doc, key in zip(docs, _keys(docs)):
        kind = item_type(doc)
        item: dict = {"id": key, "type": kind, "title": doc.get("title") or doc.get("name") or f"Document {doc['id']}"}
        names = authors(doc)
        if names:
            item["author"] = [{"literal": n} for n in names]
        if doc.get("publisher"):
            if kind == "article-newspaper":
                item["container-title"] = doc["publisher"]
            item["publisher"] = doc["publisher"]
        issued = date_parts(doc.get("published"))
        if issued:
            item["issued"] = {"date-parts": [issued]}
        if doc.get("url"):
            item["URL"] = doc["url"]
        accessed = date_parts((doc.get("seen_at") or "")[:10])
        if accessed:
            item["accessed"] = {"date-parts": [accessed]}
        if doc.get("language"):
            item["language"] = doc["language"]
        item["note"] = _note(doc)
        items.append(item)
    return items


def to_csl_json(store, source=None, indent: int | None = 2) -> str:
    return json.dumps(csl_items(store, source), ensure_ascii=False, indent=indent)


# -- BibTeX -----------------------------------------------------------------------------------

_BIB_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def bib_escape(text: str) -> str:
    """``text`` safe inside a braced BibTeX field: & % $ # _ { } ~ ^ \\ escaped."""
    return "".join(_BIB_ESCAPES.get(c, c) for c in " ".join(str(text).split()))


def _bib_url(url: str) -> str:
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def bibtex_entries(store, source=None) -> list[str]:
    docs = sources(store, source)
    entries = []
    for doc, key in zip(docs, _keys(docs)):
        kind = item_type(doc)
        entry_type = "article" if kind == "article-newspaper" and doc.get("publisher") else "misc"
        fields: list[tuple[str, str]] = []
        title = doc.get("title") or doc.get("name") or f"Document {doc['id']}"
        fields.append(("title", "{" + bib_escape(title) + "}"))  # double braces keep the title's case
        names = authors(doc)
        if names:
            fields.append(("author", " and ".join("{" + bib_escape(n) + "}" for n in names)))
        if doc.get("publisher"):
            if entry_type == "article":
                fields.append(("journal", bib_escape(doc["publisher"])))
            else:
                fields.append(("publisher", bib_escape(doc["publisher"])))
                fields.append(("howpublished", bib_escape(doc["publisher"])))
        parts = date_parts(doc.get("published"))
        if parts:
            fields.append(("year", str(parts[0])))
            if len(parts) > 1:
                fields.append(("month", _MONTHS[parts[1] - 1]))
            fields.append(("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
        if doc.get("url"):
            fields.append(("url", _bib_url(doc["url"])))
        seen = (doc.get("seen_at") or "")[:10]
        if seen:
            fields.append(("urldate", seen))
        if doc.get("language"):
            fields.append(("language", _LANGUAGES.get(doc["language"], doc["language"])))
        fields.append(("note", bib_escape(_note(doc))))
        body = ",\n".join(f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
                          for name, value in fields)
        entries.append(f"@{entry_type}{{{key},\n{body}\n}}\n")
    return entries


def to_bibtex(store, source=None) -> str:
    return "\n".join(bibtex_entries(store, source))


def export_citations(store, source=None, format: str = "csl-json") -> str:
    """The citations of ``source`` as text in ``format`` (``csl-json`` or ``bibtex``)."""
    if format == "csl-json":
        return to_csl_json(store, source) + "\n"
    if format == "bibtex":
        return to_bibtex(store, source)
    raise QueryError(f"unknown citation format {format!r}; choose one of: {', '.join(CITATION_FORMATS)}")
