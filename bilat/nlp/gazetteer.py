"""Entity mentions from the gazetteer: countries, organisations, people, places,
programmes (``bilat/data/entities.yaml``) and equipment families
(``bilat/data/equipment.yaml``).

Matching is diacritic-insensitive (the text is folded character by character, so
offsets are those of the original text), case-sensitive for people and short
or all-capital aliases ("US" but not "us"), case-insensitive otherwise, and on
word boundaries. The longest match wins. Three patterns are compiled once from
prefix trees of the aliases (case-sensitive, case-insensitive, and the "strict"
aliases matched exactly as written), so a document costs three regex scans.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from bilat.data import DataFileError, load_yaml

ENTITIES_FILE = "entities.yaml"
EQUIPMENT_FILE = "equipment.yaml"
SECTIONS = {"countries": "country", "organizations": "organization", "people": "person",
            "places": "place", "programs": "program"}
EQUIPMENT_CATEGORIES = {"ship", "boat", "aircraft", "helicopter", "drone", "vehicle", "weapon", "system"}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    entity: str          # canonical id: ISO code for countries, a slug otherwise
    name: str            # canonical display name
    type: str            # country | organization | person | place | program | equipment
    country: str | None  # ISO alpha-2 code the entity belongs to or acts for
    source: str = "gazetteer"


# --- folding: one character in, one character out, so offsets survive ----------------

_SPECIAL = {"Đ": "D", "đ": "d", "Ø": "O", "ø": "o", "Ł": "L", "ł": "l", "Ħ": "H", "ħ": "h",
            "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'",
            "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
            "\u00a0": " ", "\u2009": " ", "\u202f": " "}


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    table = {ord(k): v for k, v in _SPECIAL.items()}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        c = chr(cp)
        if cp in table:
            continue
        base = unicodedata.normalize("NFD", c)[0]
        if base != c and base.isascii() and base.isalpha():
            table[cp] = base
    return table


def fold(text: str) -> str:
    """``text`` without diacritics (Biên Hòa -> Bien Hoa), typographic dashes and
    quotes made plain; the result has the same length as ``text``."""
    return text.translate(_fold_table())


def _lower(text: str) -> str:
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare character whose lower case is longer
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered


def _key(text: str) -> str:
    """Lookup key of an alias or a matched span: spaces and hyphens dropped."""
    return re.sub(r"[\s\-]+", "", text)


# --- data -------------------------------------------------------------------------------

def _err(name: str, message: str) -> DataFileError:
    return DataFileError(f"bilat/data/{name}: {message}")


def _str_list(record: dict, key: str, name: str, where: str) -> list[str]:
    values = record.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, (str, int, float)) for v in values):
        raise _err(name, f"{where}: '{key}' must be a list of strings")
    return [str(v) for v in values]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-")


@lru_cache(maxsize=1)
def _records() -> dict[str, dict]:
    """All entity and equipment records by id, validated."""
    records: dict[str, dict] = {}
    data = load_yaml(ENTITIES_FILE)
    unknown = set(data) - set(SECTIONS)
    if unknown:
        raise _err(ENTITIES_FILE, f"unknown section(s) {sorted(unknown)}; expected {sorted(SECTIONS)}")
    for section, etype in SECTIONS.items():
        items = data.get(section) or []
        if not isinstance(items, list):
            raise _err(ENTITIES_FILE, f"'{section}' must be a list of records")
        for i, item in enumerate(items):
            where = f"{section}[{i}]"
            if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(item.get("name"), str):
                raise _err(ENTITIES_FILE, f"{where}: each record needs a string 'id' and 'name'")
            eid = item["id"]
            where = f"{section} {eid!r}"
            if eid in records:
                raise _err(ENTITIES_FILE, f"{where}: duplicate id")
            country = item.get("country", eid if etype == "country" else None)
            if country is not None and not (isinstance(country, str) and re.fullmatch(r"[A-Z]{2}", country)):
                raise _err(ENTITIES_FILE, f"{where}: 'country' must be an ISO alpha-2 code")
            record = {"id": eid, "name": item["name"], "type": etype, "country": country,
                      "aliases": _str_list(item, "aliases", ENTITIES_FILE, where),
                      "strict": _str_list(item, "strict", ENTITIES_FILE, where),
                      "demonyms": _str_list(item, "demonyms", ENTITIES_FILE, where),
                      "case_sensitive": item.get("case_sensitive")}
            if "coordinates" in item:
                coords = item["coordinates"]
                if not (isinstance(coords, list) and len(coords) == 2
                        and all(isinstance(c, (int, float)) for c in coords)):
                    raise _err(ENTITIES_FILE, f"{where}: 'coordinates' must be [lat, lon]")
                record["coordinates"] = [float(c) for c in coords]
            if "capital_of" in item:
                record["capital_of"] = item["capital_of"]
            records[eid] = record
    for eid, record in records.items():
        capital_of = record.get("capital_of")
        if capital_of is not None and (capital_of not in records or records[capital_of]["type"] != "country"):
            raise _err(ENTITIES_FILE, f"{record['type']} {eid!r}: 'capital_of' {capital_of!r} is not a country id")

    data = load_yaml(EQUIPMENT_FILE)
    families = data.get("families")
    if not isinstance(families, list) or not families:
        raise _err(EQUIPMENT_FILE, "'families' must be a non-empty list of records")
    for i, item in enumerate(families):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise _err(EQUIPMENT_FILE, f"families[{i}]: each family needs a string 'name'")
        eid = _slug(item["name"])
        where = f"family {item['name']!r}"
        if eid in records:
            raise _err(EQUIPMENT_FILE, f"{where}: duplicate id {eid!r}")
        if item.get("category") not in EQUIPMENT_CATEGORIES:
            raise _err(EQUIPMENT_FILE, f"{where}: 'category' must be one of {sorted(EQUIPMENT_CATEGORIES)}")
        records[eid] = {"id": eid, "name": item["name"], "type": "equipment", "category": item["category"],
                        "country": item.get("country"), "generic": bool(item.get("generic", False)),
                        "aliases": _str_list(item, "aliases", EQUIPMENT_FILE, where),
                        "strict": [], "demonyms": [], "case_sensitive": item.get("case_sensitive")}
    return records


def entity(entity_id: str) -> dict | None:
    """The data record of an entity id (name, type, country, aliases, coordinates...)."""
    record = _records().get(entity_id)
    if record is None:
        return None
    out = {k: v for k, v in record.items() if k not in ("strict", "demonyms", "case_sensitive")}
    out["aliases"] = list(record["aliases"]) + list(record["strict"]) + list(record["demonyms"])
    return out


def entities(type: str | None = None) -> list[dict]:
    """All records, optionally of one type."""
    return [entity(eid) for eid, r in _records().items() if type is None or r["type"] == type]


def _is_case_sensitive(alias: str, record: dict) -> bool:
    if record["case_sensitive"] is not None:
        return bool(record["case_sensitive"])
    if record["type"] == "person":
        return True
    letters = [c for c in alias if c.isalpha()]
    return len(letters) <= 4 or not any(c.islower() for c in letters)


def _variants(alias: str, record: dict) -> list[str]:
    if record["type"] != "equipment":
        return [alias]
    plural = alias + ("es" if alias.endswith(("s", "x", "ch", "sh")) else "s")
    return [alias, plural]


# --- prefix-tree regex ------------------------------------------------------------------

_SEP = r"[\s\-]*"


def _units(alias: str) -> list[str]:
    """Regex pieces of an alias: a run of spaces or hyphens matches any run
    (Hamilton-class == Hamilton class, C-130 == C130, Viet Nam == Vietnam)."""
    units: list[str] = []
    for c in alias:
        if c.isspace() or c == "-":
            if not units or units[-1] != _SEP:
                units.append(_SEP)
        else:
            units.append(re.escape(c))
    return units


def _trie_pattern(aliases: list[str]) -> re.Pattern | None:
    trie: dict = {}
    for alias in aliases:
        node = trie
        for unit in _units(alias):
            node = node.setdefault(unit, {})
        node[""] = True
    if not trie:
        return None

    def emit(node: dict) -> str:
        ends = "" in node
        branches = [unit + emit(child) for unit, child in sorted(node.items()) if unit != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return re.compile(r"(?<!\w)" + "(?:" + emit(trie) + r")(?!\w)")


@dataclass(frozen=True)
class _Matcher:
    sensitive: re.Pattern | None
    insensitive: re.Pattern | None
    strict: re.Pattern | None
    by_sensitive: dict
    by_insensitive: dict
    by_strict: dict


def _add(table: dict, key: str, eid: str, alias: str) -> None:
    other = table.get(key)
    if other is not None and other != eid:
        name = EQUIPMENT_FILE if _records()[eid]["type"] == "equipment" else ENTITIES_FILE
        raise _err(name, f"alias {alias!r} of {eid!r} is already an alias of {other!r}")
    table[key] = eid


@lru_cache(maxsize=1)
def _matcher() -> _Matcher:
    by_s: dict[str, str] = {}
    by_i: dict[str, str] = {}
    by_x: dict[str, str] = {}
    pats_s: list[str] = []
    pats_i: list[str] = []
    pats_x: list[str] = []
    for eid, record in _records().items():
        for alias in [record["name"], *record["aliases"], *record["demonyms"]]:
            alias = alias.strip()
            if not alias:
                continue
            folded = fold(unicodedata.normalize("NFC", alias))
            for variant in _variants(folded, record):
                if _is_case_sensitive(folded, record):
                    _add(by_s, _key(variant), eid, alias)
                    pats_s.append(variant)
                else:
                    _add(by_i, _key(_lower(variant)), eid, alias)
                    pats_i.append(_lower(variant))
        for alias in record["strict"]:
            alias = unicodedata.normalize("NFC", alias.strip())
            _add(by_x, _key(alias), eid, alias)
            pats_x.append(alias)
    return _Matcher(_trie_pattern(pats_s), _trie_pattern(pats_i), _trie_pattern(pats_x), by_s, by_i, by_x)


# --- finding mentions -------------------------------------------------------------------

_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|to|at|from|near|outside|around|into|across|via|visit(?:ed|ing|s)?|tour(?:ed)?|leave|left|"
    r"arrive[ds]?|reach(?:ed)?|streets of|city of|capital(?:,)?|based in|held in)\s+)$", re.I)
_PLACE_AFTER = re.compile(r"(?:-based\b|\s*,?\s*D\.?C\.?)")
_DATELINE_AFTER = re.compile(r"\s*(?:,|\(|\u2014|\u2013|-\s|:)")


def _as_place(text: str, start: int, end: int) -> bool:
    """Whether a capital's name at [start, end) is the city rather than its government."""
    if _PLACE_BEFORE.search(text[max(0, start - 30):start]):
        return True
    if _PLACE_AFTER.match(text, end):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip() and bool(_DATELINE_AFTER.match(text, end))


def find_mentions(text: str) -> list[Mention]:
    """Entity mentions in ``text``: sorted, non-overlapping, the longest match winning."""
    m = _matcher()
    folded = fold(text)
    lowered = _lower(folded)
    candidates: list[tuple[int, int, str]] = []
    for pattern, haystack, table in ((m.sensitive, folded, m.by_sensitive),
                                     (m.insensitive, lowered, m.by_insensitive),
                                     (m.strict, text, m.by_strict)):
        if pattern is None:
            continue
        for match in pattern.finditer(haystack):
            eid = table.get(_key(match.group()))
            if (eid is not None and haystack is not text and match.end() - match.start() <= 4
                    and text[match.start():match.end()] != folded[match.start():match.end()]):
                eid = None  # a short ASCII alias ("Thai") does not match a Vietnamese word ("Thái")
            if eid is not None:
                candidates.append((match.start(), match.end(), eid))
    urls = [(u.start(), u.end()) for u in _URL.finditer(text)]
    candidates = [c for c in candidates if not any(a <= c[0] < b for a, b in urls)]
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    records = _records()
    mentions: list[Mention] = []
    last_end = -1
    for start, end, eid in candidates:
        if start < last_end:
            continue
        record = records[eid]
        if record["type"] == "country" and text.startswith("$", end):
            continue  # "US$": a currency, not the country
        if record.get("capital_of") and not _as_place(text, start, end):
            record = records[record["capital_of"]]
        mentions.append(Mention(start, end, text[start:end], record["id"], record["name"], record["type"],
                                record["country"]))
        last_end = end
    return _join_equipment(text, mentions)


_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.\-]+\.(?:com|org|gov|net|edu|int|mil|vn|info|io)(?:/\S*)?", re.I)
_BETWEEN = re.compile(r"[\s\-]*(?:[A-Za-z][\w\-]*[\s\-]+){0,2}")
_NOT_MODIFIERS = {"and", "or", "nor", "with", "some", "other", "various", "several", "as", "to", "of", "the", "a", "an",
                  "for", "in", "on", "plus", "including", "like", "such", "than", "but", "by", "from", "into", "its"}


def _modifiers_only(between: str) -> bool:
    """Whether the words between two equipment mentions only describe the first
    ("tactical", "maritime surveillance"), not start a new phrase ("and", "or")."""
    return bool(_BETWEEN.fullmatch(between)) and not any(
        w.lower() in _NOT_MODIFIERS for w in re.findall(r"[A-Za-z]+", between))


def _join_equipment(text: str, mentions: list[Mention]) -> list[Mention]:
    """A named family followed by a generic noun of its category is one mention:
    "ScanEagle tactical drones", "Chinook transport helicopters"."""
    records = _records()
    out: list[Mention] = []
    for mention in mentions:
        prev = out[-1] if out else None
        if (prev is not None and prev.type == "equipment" and mention.type == "equipment"
                and not records[prev.entity]["generic"] and records[mention.entity]["generic"]
                and records[prev.entity]["category"] == records[mention.entity]["category"]
                and _modifiers_only(text[prev.end:mention.start])):
            out[-1] = Mention(prev.start, mention.end, text[prev.start:mention.end], prev.entity, prev.name,
                              prev.type, prev.country)
            continue
        out.append(mention)
    return out
