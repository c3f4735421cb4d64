"""Entity mentions from the gazetteer: countries, organisations, people, places,
programmes (``bilat/data/entities.yaml``) and equipment families
(``bilat/data/equipment.yaml``).

Matching is diacritic-insensitive (the text is folded character by character, so
offsets are those of the original text), blind to British/American spelling
("Defence" == "Defense", "Centre" == "Center", "organisation" == "organization":
both the aliases and the text are normalised, letter for letter), case-sensitive
for people and short or all-capital aliases ("US" but not "us"), case-insensitive
otherwise, and on word boundaries. A run of spaces or hyphens in an alias matches
any run, or none ("Viet Nam" == "Vietnam", "C-130" == "C130"). The longest match
wins. Three patterns are compiled once from prefix trees of the aliases
(case-sensitive, case-insensitive, and the "strict" aliases matched exactly as
written), so a document costs three regex scans.

People are also found by the last word of their name once the document has
named them in full: after "Phan Van Giang" (Vietnamese: the given name comes
last and is how people are referred to) or "Pete Hegseth", a later "Giang" or
"Hegseth" is the same person, as written in that full mention (case and
diacritics). Not when the word is part of a longer name ("Gia Lam", "Ha Giang
province": a capitalised word right before or after it, other than a title or
a sentence opener), nor when it is a common English word ("Son", "Long") or
another entity's alias; when several people named in the document share the
word, the one named most recently wins.
"""
from __future__ import annotations

import bisect
import copy
import re
import unicodedata
from dataclasses import dataclass, field
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


# British and American spellings of the same word, of the same length, so offsets survive:
# "defence" -> "defense", "centre(s|d)" -> "center(s|d)", "organisation" -> "organization".
_SPELLING = re.compile(r"[Dd]efenc(?=e)|DEFENC(?=E)|[Cc]entre(?=[sd]?\b)|CENTRE(?=[SD]?\b)"
                       r"|[Oo]rganis(?=ation)|ORGANIS(?=ATION)")
_SPELLING_MAP = {w: a for b, a in (("defenc", "defens"), ("centre", "center"), ("organis", "organiz"))
                 for w, a in ((b, a), (b.capitalize(), a.capitalize()), (b.upper(), a.upper()))}


def spelling(text: str) -> str:
    """``text`` with British spellings made American, letter for letter (same length)."""
    return _SPELLING.sub(lambda m: _SPELLING_MAP[m.group()], text)


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


_SEP_RUN = r"[\s\-]+"


def _merge(into: dict, other: dict) -> None:
    for unit, child in other.items():
        if unit == "":
            into[""] = True
        elif unit in into:
            _merge(into[unit], child)
        else:
            into[unit] = child


def _determinise(node: dict) -> None:
    """Make the branches of every node start differently. A regex alternation takes
    the first branch that matches, not the longest: with "Viet Nam ..." (an
    optional separator) and "Vietnam International Defense Expo" under one node,
    the separator branch matched "Vietnam" and the longer alias was never tried.
    A node holding both an optional separator and other branches gets a branch
    with a required separator instead, and the subtree after the separator is
    merged into its other branches (the separator left out)."""
    stack = [node]
    while stack:
        node = stack.pop()
        after = node.get(_SEP)
        if after is not None and any(unit not in ("", _SEP) for unit in node):
            del node[_SEP]
            _merge(node, copy.deepcopy(after))
            node[_SEP_RUN] = after
        stack.extend(child for unit, child in node.items() if unit != "")


def _trie_pattern(aliases: list[str]) -> re.Pattern | None:
    trie: dict = {}
    for alias in aliases:
        node = trie
        for unit in _units(alias):
            node = node.setdefault(unit, {})
        node[""] = True
    if not trie:
        return None
    _determinise(trie)

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
    surnames: re.Pattern | None = None  # last words of people's names, folded, case-sensitive
    by_surname: dict | None = None      # folded last word -> ids of the people it may name
    written: dict = field(default_factory=dict)  # (full mention text, id) -> its last word as written


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
            folded = spelling(fold(unicodedata.normalize("NFC", alias)))
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
    by_surname = _surname_table(by_s, by_i, by_x)
    # the alternation first (a fast scan); the character before a hit is checked by the caller
    surnames = (re.compile("(?:" + "|".join(map(re.escape, sorted(by_surname, key=len, reverse=True)))
                           + r")(?![\w\-])") if by_surname else None)
    return _Matcher(_trie_pattern(pats_s), _trie_pattern(pats_i), _trie_pattern(pats_x), by_s, by_i, by_x,
                    surnames, by_surname)


# --- people by the last word of their name ----------------------------------------------

_NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
# Common English words that are also last words of names: a capitalised "Son" or "Long" starts a
# sentence or a headline word more often than it names the person.
_COMMON_WORDS = frozenset("""
son long young rice bush power price brown white green black gray grey hill bell king wood ward may mark
will grant hope joy rose faith love hunt cook baker smith miller turner fisher hunter page park lane field
banks wells rich hall moore strong little west north south east bay day early law case bond cash chase fox
wolf lamb nash frank dean major general sharp short best chance march august april june van can ban hang
tin men man nam bac trung thai lao story more most new old well
""".split())
# Capitalised words that may stand right before a bare last name without making it part of a longer
# name: titles and sentence openers ("Minister Giang", "But Hegseth said").
_NAME_LEADERS = frozenset("""
mr mrs ms dr gen general adm admiral lt col colonel maj major capt captain sgt cmdr cdr commander
minister secretary president prime pm premier senator sen rep representative ambassador amb chairman
chairwoman chair chief deputy vice governor gov mayor director spokesman spokeswoman party defense defence
foreign state senior professor prof lieutenant marshal comrade ong ba
but and then later earlier also so yet when while after before meanwhile however still now here there
today yesterday on in at for with as since during under both only even instead moreover afterwards
afterward thus where whether if though although because once until unlike like according asked what why
how who whom whose which that this these those the a an to of by from said says told added
""".split())
_PREV_WORD = re.compile(r"([^\W\d_][\w'.]*)[ \t]+$")
_NEXT_CAPITAL = re.compile(r"[ \t]+[A-Z]")


def _surname_table(by_s: dict, by_i: dict, by_x: dict) -> dict[str, tuple[str, ...]]:
    """Folded last word of each person's name -> the people it may name. Skipped: one-word
    names, common words, and words that are already an alias (of this or another entity)."""
    table: dict[str, list[str]] = {}
    for eid, record in _records().items():
        if record["type"] != "person":
            continue
        words = fold(unicodedata.normalize("NFC", record["name"])).split()
        while words and words[-1].lower() in _NAME_SUFFIXES:
            words.pop()
        if len(words) < 2:
            continue
        last = words[-1].strip(".,")
        if (len(last) < 2 or not last[0].isupper() or not last.isalpha() or last.lower() in _COMMON_WORDS
                or _key(last) in by_s or _key(_lower(last)) in by_i or _key(last) in by_x):
            continue
        table.setdefault(last, []).append(eid)
    return {word: tuple(eids) for word, eids in table.items()}


def _written_surname(m: _Matcher, mention_text: str, eid: str) -> str | None:
    """The last word of a person's name as a full mention writes it ("Giang" in "Phan Văn
    Giang", "Austin" in "Lloyd J. Austin III"); None for a one-word mention ("Hegseth")."""
    key = (mention_text, eid)
    if key in m.written:
        return m.written[key]
    found = None
    words = mention_text.split()
    if len(words) >= 2:
        for word in reversed(words):
            word = word.strip(".,;:()\"'’")
            if eid in m.by_surname.get(fold(word), ()):
                found = word
                break
    if len(m.written) < 10_000:
        m.written[key] = found
    return found


def _surname_mentions(text: str, folded: str, mentions: list[Mention], urls: list) -> list[Mention]:
    """Bare last names of people the text has named in full before them."""
    m = _matcher()
    if m.surnames is None:
        return []
    full: list[tuple[int, str, str]] = []  # (end, entity id, the last word as written there)
    for mention in mentions:
        if mention.type == "person":
            word = _written_surname(m, mention.text, mention.entity)
            if word is not None:
                full.append((mention.end, mention.entity, word))
    if not full:
        return []
    starts = [mention.start for mention in mentions]
    found: list[Mention] = []
    for hit in m.surnames.finditer(folded, full[0][0]):
        start, end = hit.span()
        if start and (folded[start - 1].isalnum() or folded[start - 1] in "_-"):
            continue  # inside a word: "L3Harris", "Ha-Giang"
        i = bisect.bisect_right(starts, start) - 1
        if i >= 0 and mentions[i].end > start:
            continue  # inside a longer known name
        if i + 1 < len(mentions) and mentions[i + 1].start < end:
            continue
        if any(a <= start < b for a, b in urls):
            continue
        prev = _PREV_WORD.search(folded, max(0, start - 40), start)
        if prev is not None:
            word = prev.group(1)
            if word[0].isupper() and not word.endswith(".") and word.lower() not in _NAME_LEADERS:
                continue  # "Ha Giang", "Hillary Clinton": part of another name
            if len(word) == 2 and word.endswith(".") and word[0].isupper():
                continue  # an initial: "J. Austin" is someone else's full name
        if _NEXT_CAPITAL.match(folded, end):
            continue  # "Lam Dong", "Giang Province"
        written = text[start:end]
        eids = m.by_surname[hit.group()]
        person = next((eid for stop, eid, word in reversed(full)
                       if stop <= start and eid in eids and word == written), None)
        if person is None:
            continue
        record = _records()[person]
        found.append(Mention(start, end, written, person, record["name"], "person", record["country"]))
    return found


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
    folded = spelling(fold(text))
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
    surnames = _surname_mentions(text, folded, mentions, urls)
    if surnames:
        mentions = sorted(mentions + surnames, key=lambda mention: mention.start)
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
