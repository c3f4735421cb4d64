"""Bytes to text: byte-order marks, UTF-8, then detected legacy encodings."""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from bilat.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Share of control characters above which decoded "text" is really binary.
_MAX_CONTROL_SHARE = 0.01
# Control characters other than \t \n \f \r (codes below 32).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def decode_text(data: bytes, source: str, declared: str | None = None) -> str:
    """Decode ``data`` to ``str`` or raise :class:`InputError` for binary data.
    Order: byte-order mark, the ``declared`` charset, UTF-8, a detected code page."""
    if not data.strip():
        raise InputError(source, "empty input")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"), source)
    if declared:
        try:
            return _checked(data.decode(declared), source)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return _checked(data.decode("utf-8"), source)
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:8192] and not _looks_utf16(data):
        raise InputError(source, "binary file, not text")
    encoding = _guess_encoding(data[:200_000])
    if encoding is None:
        raise InputError(source, "binary file or unknown text encoding")
    return _checked(data.decode(encoding, errors="replace"), source)


# On short texts several single-byte code pages decode with near-equal
# "chaos" (cp1257 often wins by a hair on French or Spanish); among those,
# prefer the code pages our sources are written in, then the most coherent.
_PREFERRED = ("cp1252", "cp1258", "latin_1", "iso8859_15", "cp1250", "utf_16", "utf_32")
_CHAOS_SLACK = 0.1


def _guess_encoding(data: bytes) -> str | None:
    matches = list(from_bytes(data))
    if not matches:
        return None
    least_chaos = min(m.chaos for m in matches)
    plausible = [m for m in matches if m.chaos <= least_chaos + _CHAOS_SLACK]

    def rank(match):
        preference = _PREFERRED.index(match.encoding) if match.encoding in _PREFERRED else len(_PREFERRED)
        return (preference, -match.coherence)

    return min(plausible, key=rank).encoding


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4096]
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    half = max(len(sample) // 2, 1)
    return max(zeros_even, zeros_odd) / half > 0.3 and min(zeros_even, zeros_odd) / half < 0.05


def _checked(text: str, source: str) -> str:
    sample = text[:20_000]
    controls = len(_CONTROL.findall(sample))
    if sample and controls / len(sample) > _MAX_CONTROL_SHARE:
        raise InputError(source, "binary file, not text")
    return text
