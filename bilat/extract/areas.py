"""Which cooperation area a fact belongs to, from cue words in its text."""
from __future__ import annotations

import re
from functools import lru_cache

from bilat.data import DataFileError, load_yaml

DEFAULT_AREA = "general"


@lru_cache(maxsize=1)
def _cues() -> list[tuple[str, re.Pattern]]:
    name = "areas.yaml"
    data = load_yaml(name).get("areas")
    if not isinstance(data, dict):
        raise DataFileError(f"bilat/data/{name}: 'areas' must map each area to a list of cues")
    compiled = []
    for area, cues in data.items():
        if not isinstance(cues, list) or not cues:
            raise DataFileError(f"bilat/data/{name}: area {area!r} needs a list of cue patterns")
        try:
            pattern = re.compile(r"(?<![\w-])(?:" + "|".join(str(c) for c in cues) + r")(?![\w-])", re.I)
        except re.error as exc:
            raise DataFileError(f"bilat/data/{name}: bad cue in {area!r} ({exc})") from None
        compiled.append((area, pattern))
    return compiled


def area_for(*texts: str, default: str = DEFAULT_AREA) -> str:
    """The best-scoring area for the first of ``texts`` that has any cue
    (pass the quote, then its sentence, then its paragraph)."""
    for text in texts:
        if not text:
            continue
        scores = [(len(pattern.findall(text)), -i, area) for i, (area, pattern) in enumerate(_cues())]
        best = max(scores)
        if best[0] > 0:
            return best[2]
    return default


def area_of(*texts: str) -> str:
    """The area of a fact: from the first text with cues; a text that lists
    three or more areas ("maritime security, SAR, war legacy and peacekeeping")
    is about cooperation in general."""
    for text in texts:
        if not text:
            continue
        hits = [area for area, pattern in _cues() if pattern.search(text)]
        if len(hits) >= 3:
            return "general"
        if hits:
            return area_for(text)
    return "general"
