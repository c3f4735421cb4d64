"""Cleaning: keep the article, drop the page furniture.

A chain of small pure functions over lines. ``clean`` returns the cleaned
text (what is stored and what every offset refers to) and the lines it
dropped, which metadata inference may still read (an imprint names the
publisher).
"""
from __future__ import annotations

import html
import re
import unicodedata

from bilat import data

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# Footnote markers: <sup>1</sup>, <sup>2,3</sup>, <sup>4-6</sup>, [^7].
_NOTE_MARKER = re.compile(r"<\s*sup\s*>\s*\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\s*<\s*/\s*sup\s*>|\[\^\d{1,3}\]", re.I)
_TAG_NAMES = (
    "a|abbr|b|big|blockquote|br|caption|center|cite|code|dd|del|div|dl|dt|em|figcaption|figure|font|"
    "h[1-6]|hr|i|img|ins|kbd|label|li|mark|nav|ol|p|pre|q|s|small|span|strike|strong|sub|sup|table|"
    "tbody|td|tfoot|th|thead|tr|tt|u|ul|section|article|header|footer|aside|main"
)
# Tags as they survive in copied text, spaces and all: "< strong >", "< / li >", "<br/>".
_STRAY_TAG = re.compile(rf"<\s*/?\s*(?:{_TAG_NAMES})\b(?:\s+[^<>]*?)?\s*/?\s*>", re.I)
_BLOCK_BREAK = re.compile(r"<\s*(?:/\s*(?:p|li|div|h[1-6]|tr)|br\s*/?)\s*>", re.I)
_HTML_BLOCK = re.compile(r"<\s*(?:p|div|li|h[1-6]|table)\b[^<>]*>", re.I)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]{2,8});", re.I)
_WORDS = re.compile(r"\w+")


def clean(text: str) -> tuple[str, list[str]]:
    rules = data.boilerplate()
    lines = normalize(text).split("\n")
    dropped: list[str] = []
    lines = expand_html_blocks(lines, rules["footer_cues"], dropped)
    lines = [strip_markup(line) for line in lines]
    lines = drop_furniture(lines, rules, dropped)
    lines = drop_footer(lines, rules["footer_cues"], dropped)
    lines = drop_repeated(lines)
    return join_lines(lines), dropped


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def expand_html_blocks(lines: list[str], footer_cues: list[re.Pattern], dropped: list[str]) -> list[str]:
    """A line that is a pasted run of HTML blocks becomes one line per block;
    the whole run is dropped when it is a footer (an imprint, a legal notice)."""
    from lxml import html as lxml_html

    out: list[str] = []
    for line in lines:
        if len(_HTML_BLOCK.findall(line)) < 2:
            out.append(line)
            continue
        try:
            fragment = lxml_html.fragment_fromstring(_BLOCK_BREAK.sub("\n", line), create_parent="div")
            blocks = [b.strip() for b in fragment.text_content().split("\n")]
        except Exception:  # malformed markup: fall back to stripping tags line-wise
            blocks = [strip_markup(b) for b in _BLOCK_BREAK.sub("\n", line).split("\n")]
        blocks = [b for b in blocks if b]
        if any(cue.search(b) for b in blocks for cue in footer_cues):
            dropped.extend(blocks)
            continue
        out.extend(blocks)
    return out


def strip_markup(line: str) -> str:
    line = _NOTE_MARKER.sub("", line)
    line = _STRAY_TAG.sub("", line)
    if _ENTITY.search(line):
        line = html.unescape(line)
    return line


def drop_furniture(lines: list[str], rules: dict, dropped: list[str]) -> list[str]:
    out = []
    for line in lines:
        key = _SPACES.sub(" ", line).strip().lower()
        if key and (key in rules["lines"] or any(p.search(key) for p in rules["patterns"])):
            dropped.append(line.strip())
            continue
        out.append(line)
    return out


def drop_footer(lines: list[str], footer_cues: list[re.Pattern], dropped: list[str]) -> list[str]:
    """Footer cues count only in the last third: the same words early in a
    document are more likely quoted than furniture."""
    cutoff = (len(lines) * 2) // 3
    out = lines[:cutoff]
    for line in lines[cutoff:]:
        if any(cue.search(line) for cue in footer_cues) and len(_WORDS.findall(line)) < 60:
            dropped.append(line.strip())
            continue
        out.append(line)
    return out


def drop_repeated(lines: list[str]) -> list[str]:
    """Drop a line that repeats the previous non-blank line (a photo caption
    rendered twice, a headline echoed as a teaser)."""
    out: list[str] = []
    previous = None
    for line in lines:
        key = _SPACES.sub(" ", line).strip()
        if not key:
            out.append(line)
            continue
        if key == previous and len(key.split()) >= 3:
            # also drop the blank line(s) between the two copies
            while out and not out[-1].strip():
                out.pop()
            continue
        previous = key
        out.append(line)
    return out


def join_lines(lines: list[str]) -> str:
    tidy = [_SPACES.sub(" ", line).strip() for line in lines]
    text = "\n".join(tidy)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
