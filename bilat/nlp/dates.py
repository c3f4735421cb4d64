"""Date mentions in running text, normalised to ISO partial dates.

``find_dates(text, base)`` finds date phrases with precompiled regular
expressions (no dateparser: it is slow and reads "T-6" as a date), resolves
them to ISO partial dates ("2025", "2025-11", "2025-11-02") and returns
non-overlapping :class:`DateMention` objects sorted by ``start``.

Field semantics
---------------
``start``/``end``/``text``
    The span of the date phrase in the text passed in. It includes words that
    change the meaning ("since 2016", "by 2030", "late October 2025",
    "mid-2019", "from 2017 to 2023", "between 2016 and 2021", "last year",
    "a year later", "năm 2025", "ngày 2/11/2025") but not neutral prepositions
    ("in", "on", "as of", "the").
``value``
    ISO partial date, as precise as the phrase.

    * Periods and year/month ranges ("from 2017 to 2023", "(1995–2025)",
      "2016-2021", "between 2016 and 2021", "June–August 2025", "from June
      2023 to March 2024", "the 2010s", "the first quarter of 2025"): ``value``
      is the END of the range and ``begin`` its start.
    * Day ranges inside one phrase ("Nov. 2–3, 2025", "2–3 November 2025",
      "Nov. 2 and 3", "Oct. 30–Nov. 2, 2025"): one event, so ``value`` is the
      START day and ``begin`` is None. (Day ranges written with words across
      two full dates, "from Nov. 2, 2025 to Jan. 5, 2026", are periods: value =
      end, begin = start.)
``precision``
    "year" | "month" | "day": the precision of ``value``.
``begin``
    Start of a range (ISO partial), else None.
``relative``
    True when the value was resolved against the base date ("last year",
    "Tuesday", "Nov. 2" without a year, "in June") or against an earlier
    date in the text ("a year later", "the following year", a day without
    a year after a full date in the same paragraph).
``qualifier``
    "since" | "until" | "by" | "before" | "after" | "early" | "mid" | "late"
    | None. Prepositions ("since", "until"/"till"/"through"/"not until",
    "by"/"no later than", "before"/"prior to"/"pre-", "after"/"post-";
    Vietnamese "từ", "đến"/"tới", "trước", "sau") win over period modifiers
    ("early"/"beginning of", "mid"/"middle of", "late"/"end of"; "đầu",
    "giữa", "cuối") when both occur ("by late 2025" -> "by").

Resolution rules
----------------
* A day or month without a year ("on Nov. 2", "in June") takes the year of
  the nearest preceding explicit month- or day-precision date in the same
  paragraph (no line break between, at most 400 characters) when there is
  one, else the year that puts it nearest the base date ("Dec. 30" in a text
  published 2026-01-02 -> 2025-12-30; after "since"/"after": nearest on or
  before the base; after a plan, "planned for November", "is scheduled to end
  on 9 March", "will return in June": nearest on or after it). With neither it
  is dropped, unless a range supplies the year ("between March and May 2024").
  A month alone counts after a preposition ("in/on/for/by/until/since...
  June"), never bare ("May" the verb, "March" to march).
* Weekdays: "on Tuesday"/"Tuesday" = the most recent Tuesday on or before
  the base date, "last Tuesday" strictly before, "next Tuesday" strictly
  after, "this Tuesday" = that day of the base date's week (Monday first).
  A weekday directly before a date ("Tuesday, Nov. 4, 2025") joins its span.
* "this/last/next week" -> the month of that week's Monday (precision month).
  "last/this/next year|month", "yesterday/today/tomorrow", "N years/months/
  days ago", "last November", Vietnamese "năm ngoái/năm nay/năm tới",
  "tháng trước", "hôm qua/hôm nay" resolve against the base date. "today's"
  (nowadays) and "recently" are not dates.
* "a year later", "two years later", "three months after,", "the following
  year", "the previous year", "later that year", "that same year",
  "N năm sau": anchored to the nearest preceding date mention (any kind);
  dropped when there is none, except "the next/following year" which then
  falls back to the base date. "over/within/during/for the next year" is
  always base-relative. "N years after <date>" ("three years after 2016",
  "two years after the 2018 agreement") is anchored to that date and the
  span covers it; "N years after <undated event>" ("three months after
  Biden's visit", "two years after Washington lifted its ban") is dropped,
  never anchored to some other date before or after it.
* Counting back without an object, "a year earlier", "six months earlier",
  "a year before.": a date earlier in the same sentence when there is one;
  inside a sentence, else a date later in it. A comparison ("up from 25% a
  year earlier", "than a year before": a figure or comparison word before it
  in its sentence) otherwise counts back from the base date, never from a
  date in another sentence, and is dropped without a base. A sentence opening
  with it ("Two years earlier, ...") or a plain statement ("had been lifted
  two years earlier") tells a story: the nearest preceding date, else the base.
* "that day", "the same day", "earlier/later that day", "the next/following/
  previous day" (a day-precision date before it is needed) and "that
  summer"/"later that spring" (the year of the date before it, qualifier as
  for "summer 2021") anchor to the preceding date in the same paragraph. A
  bare "that day"/"that summer" counts only after a preposition, at the start
  of a sentence or before punctuation ("said that summer drills" is no date).
* Mentions that need a base date are dropped when ``base`` is None or too
  coarse (e.g. "yesterday" with a base of "2025-11").
* Numeric dates: "2025-11-02", "2025/11/02" are year-month-day; "2/11/2025"
  is day/month in Vietnamese text or after "ngày", month/day otherwise unless
  a part over 12 decides; "02.11.2025" is day.month. "2025-11" is a month
  (a two-digit tail <= 12 that is not larger than the year's last two
  digits), "2016-21" / "2016–21" a range.
* Periods: "the 2010s" -> value 2019, begin 2010 ("late 1990s": 1997-1999);
  "the third quarter of 2024"/"Q3 2024" -> value 2024-09, begin 2024-07;
  "first half of 2023" -> 2023-06 / 2023-01; "FY2026", "fiscal year 2025",
  "FY24" -> the year; "summer 2021" -> the year, qualifier mid (spring early,
  autumn/fall late).
* Years are 1900-2099 only. A bare four-digit number is not a year after a
  currency sign or code, after "No."/"p."/"vol."/":"/"/", after a hyphen
  (except mid-/pre-/post-/early-/late-/end-), inside a phone-like digit
  group, before "%"/"percent"/"million"/a unit, before a counted noun
  ("2000 troops"; unless after "in"/"since"/"during"/"until"), or after
  "about/over/some/more than" when a plural noun follows. Numbers inside
  names ("C-130", "F-16", "T-6", "P-3C") and ordinals never match. Dates
  inside URLs are ignored.

Speed: rules run only in small windows around cheap trigger hits (month
names, four-digit numbers, "year/month/week/day", ...), about 1.5 ms for an
800-word news text; linear in the text length.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

__all__ = ["DateMention", "find_dates", "parse_iso"]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    value: str
    precision: str
    begin: str | None = None
    relative: bool = False
    qualifier: str | None = None


# --------------------------------------------------------------------------- helpers


def parse_iso(value) -> dt.date | None:
    """The first day of an ISO partial date ("2025" -> 2025-01-01, "2025-11" ->
    2025-11-01, "2025-11-02" or "2025-11-02T06:12" -> 2025-11-02); None when
    it is not one."""
    parts = _parse_partial(value)
    if parts is None:
        return None
    y, m, d = parts
    try:
        return dt.date(y, m or 1, d or 1)
    except ValueError:
        return None


_ISO_PARTIAL = re.compile(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?\s*$", re.S)


def _parse_partial(value) -> tuple[int, int | None, int | None] | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.year, value.month, value.day
    if isinstance(value, dt.date):
        return value.year, value.month, value.day
    try:
        match = _ISO_PARTIAL.match(str(value))
    except Exception:  # noqa: BLE001 - odd objects
        return None
    if not match:
        return None
    y = int(match.group(1))
    m = int(match.group(2)) if match.group(2) else None
    d = int(match.group(3)) if match.group(3) else None
    if m is not None and not 1 <= m <= 12:
        return None
    if d is not None:
        try:
            dt.date(y, m, d)
        except (ValueError, TypeError):
            return None
    return y, m, d


def _fmt(y: int, m: int | None = None, d: int | None = None) -> str:
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def _valid(y: int | None, m: int | None, d: int | None) -> bool:
    if y is not None and not 1900 <= y <= 2099:
        return False
    if m is not None and not 1 <= m <= 12:
        return False
    if d is not None:
        try:
            dt.date(y if y is not None else 2000, m or 1, d)  # 2000: leap year, Feb 29 allowed
        except ValueError:
            return False
    return True


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _precision(m, d) -> str:
    return "year" if m is None else ("month" if d is None else "day")


# --------------------------------------------------------------------------- vocabulary

_MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december"]
_MONTH_NUM = {name: i + 1 for i, name in enumerate(_MONTH_NAMES)}
_MONTH_NUM.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
                   "sept": 9, "oct": 10, "nov": 11, "dec": 12})
_full = {f for n in _MONTH_NAMES for f in (n.capitalize(), n.upper())}
_abbr = {f for n in _MONTH_NUM if n not in _MONTH_NAMES for f in (n.capitalize(), n.upper())}
# case-sensitive on purpose: "may" (the verb) and "march" (to march) are not months; full names take
# no dot, so a sentence-final period stays out of the span. One flat alternation: fast to scan.
_MONTH_ALT = ("(?:" + "|".join([*sorted(_full, key=len, reverse=True),
                                *(a + r"\.?" for a in sorted(_abbr, key=len, reverse=True))])
              + r")(?![A-Za-z])")
del _full, _abbr

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY_ALT = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

_NUM_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
              "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
              "fifteen": 15, "twenty": 20, "thirty": 30,
              "một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8,
              "chín": 9, "mười": 10}
_NUM = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|\d{1,2})"
_VI_NUM = r"(?:\d{1,2}|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)"


def _num(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return _NUM_WORDS.get(word)


def _M(name: str) -> str:
    return rf"(?P<{name}>{_MONTH_ALT})"


def _D(name: str) -> str:
    return rf"(?P<{name}>\d\d?)(?:st|nd|rd|th)?(?!\w)"


def _Y(name: str) -> str:
    return rf"(?P<{name}>(?:19|20)\d\d)(?![\w%])(?![.,]\d)"


_DAYSEP = r"\s*(?:[-–—]|and|&|to|through)\s*"

# Things counted: a four-digit number before one of these is a count, not a year.
_COUNT_NOUNS = frozenset("""
troops soldiers personnel people persons sailors marines officers airmen servicemen servicemembers
service members staff workers students cadets trainees participants delegates civilians veterans
remains cases sets vessels ships boats aircraft planes jets helicopters drones vehicles tanks
weapons rifles guns rounds missiles bombs shells mines munitions items pieces units tons tonnes
kilograms kilometers kilometres meters metres miles hectares acres gallons liters litres barrels
dollars euros households families beds doses meals tests samples documents files records pages
employees guests visitors tourists children women men patients victims deaths casualties
individuals experts engineers specialists doctors nurses scholarships projects sites villages
communes km kg ha mt cubic square sq hours minutes seconds bodies graves containers drums
người binh lính tấn chiếc con đồng quân hecta
""".split())
_STRONG_YEAR_BEFORE = re.compile(r"\b(?:in|since|during|until|năm)\s+$", re.I)
_CURRENCY_BEFORE = re.compile(r"(?:[$€£¥₫]|\b(?:USD|VND|EUR|GBP|JPY|Rs)\.?|\bđồng)\s*$")
_REF_BEFORE = re.compile(r"(?:\b(?:no|nos|p|pp|vol|vols|art|tel|fax|ext|phone|page|pages|số)\.?|#|:)\s*$", re.I)
_PHONE_BEFORE = re.compile(r"(?:\d[ .]|\+\d{1,3}\s?)$")
_PHONE_AFTER = re.compile(r"[ .]\d{3,}")
_UNIT_AFTER = re.compile(
    r"\s*(?:%|percent\b|per\s+cent\b|million\b|billion\b|trillion\b|thousand\b|bn\b|mn\b|m\b|km\b|kg\b|"
    r"ha\b|t\b|m2\b|m3\b|km2\b|mg\b|ppt\b|USD\b|VND\b|dollars?\b|tons?\b|tonnes?\b|triệu\b|tỷ\b|nghìn\b|"
    r"x\b|×)", re.I)
_NEXT_WORD = re.compile(r"\s+([^\W\d_]+)")
_APPROX_BEFORE = re.compile(
    r"\b(?:about|some|nearly|almost|over|around|approximately|roughly|more\s+than|less\s+than|"
    r"fewer\s+than|at\s+least|up\s+to|total\s+of|than|khoảng|gần|hơn)\s+$", re.I)
_HYPHEN_WORD_BEFORE = re.compile(r"\b(mid|end|early|late|pre|post)[-–]$", re.I)


def _year_ok(text: str, s: int, e: int) -> bool:
    """Is the four-digit number at text[s:e] (already 1900-2099) used as a year?"""
    before = text[max(0, s - 24):s]
    after = text[e:e + 24]
    if before.endswith(("-", "–", "—")):
        if not _HYPHEN_WORD_BEFORE.search(before):
            return False
    if before.endswith((".", ",", "/")) and len(before) >= 2 and before[-2].isdigit():
        return False
    if _CURRENCY_BEFORE.search(before) or _REF_BEFORE.search(before):
        return False
    if _PHONE_BEFORE.search(before) or _PHONE_AFTER.match(after):
        return False
    if _UNIT_AFTER.match(after):
        return False
    nxt = _NEXT_WORD.match(after)
    if nxt:
        word = nxt.group(1)
        if word.islower() and word in _COUNT_NOUNS:
            return bool(_STRONG_YEAR_BEFORE.search(before))
        if word.islower() and word.endswith("s") and _APPROX_BEFORE.search(before):
            return False
    return True


# --------------------------------------------------------------------------- candidates


@dataclass
class _C:
    start: int
    end: int
    y: int | None = None
    m: int | None = None
    d: int | None = None
    begin: tuple | None = None  # (y, m, d) of a range start
    relative: bool = False
    qualifier: str | None = None
    yearless: bool = False       # day/month without a year: resolved after selection
    anchor: tuple | None = None  # ("shift", unit, n) | ("same", unit) | ("next", unit): after selection
    decade: bool = False
    rule: int = 0
    extra: dict = field(default_factory=dict)


class _Ctx:
    __slots__ = ("text", "base", "base_date", "_vi")

    def __init__(self, text: str, base) -> None:
        self.text = text
        self.base = _parse_partial(base)
        self.base_date = None
        if self.base and self.base[1] and self.base[2]:
            self.base_date = dt.date(*self.base)
        self._vi = None

    @property
    def vi(self) -> bool:
        if self._vi is None:
            self._vi = bool(_VI_CHARS.search(self.text)) or bool(re.search(r"\b(?:ngày|tháng|năm)\b", self.text))
        return self._vi


_VI_CHARS = re.compile("[ăâđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĂÂĐƠƯ]")


def _mnum(tok: str) -> int:
    return _MONTH_NUM[tok.rstrip(".").lower()]


# -- explicit dates


def _h_mdy(m, ctx):
    y, mo, d = int(m["y"]), _mnum(m["m1"]), int(m["d1"])
    if not _valid(y, mo, d) or (m["d2"] and not (_valid(y, mo, int(m["d2"])) and int(m["d2"]) > d)):
        return None
    return _C(m.start(), m.end(), y, mo, d)


def _h_mdy_cross(m, ctx):
    y, m1, d1, m2, d2 = int(m["y"]), _mnum(m["m1"]), int(m["d1"]), _mnum(m["m2"]), int(m["d2"])
    y1 = y - 1 if m1 > m2 else y
    if m1 == m2 or not (_valid(y1, m1, d1) and _valid(y, m2, d2)):
        return None
    return _C(m.start(), m.end(), y1, m1, d1)


def _h_iso(m, ctx):
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if not _valid(y, mo, d):
        return None
    return _C(m.start(), m.end(), y, mo, d)


_NGAY_BEFORE = re.compile(r"(?<!\w)[Nn]gày\s+$")


def _h_numeric(m, ctx):
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    ngay = _NGAY_BEFORE.search(ctx.text, max(0, m.start() - 8), m.start())
    if m["sep"] == "." or ngay:
        day_first = True
    elif a > 12:
        day_first = True
    elif b > 12:
        day_first = False
    else:
        day_first = ctx.vi
    d, mo = (a, b) if day_first else (b, a)
    if not _valid(y, mo, d):
        return None
    return _C(ngay.start() if ngay else m.start(), m.end(), y, mo, d)


_LOWER_WORD_AFTER = re.compile(r"\s+[a-z]")


def _h_md(m, ctx):
    mo, d = _mnum(m["m1"]), int(m["d1"])
    if m["d2"] and not re.search(r"[-–—]", ctx.text[m.end("d1"):m.start("d2")]) \
            and _LOWER_WORD_AFTER.match(ctx.text, m.end()):
        # "on Nov. 2 and 3 ships": the second number counts something
        return _C(m.start(), m.end("d1"), None, mo, d, relative=True, yearless=True) if _valid(None, mo, d) else None
    if not _valid(None, mo, d) or (m["d2"] and not (_valid(None, mo, int(m["d2"])) and int(m["d2"]) > d)):
        return None
    return _C(m.start(), m.end(), None, mo, d, relative=True, yearless=True)


def _h_md_cross(m, ctx):
    m1, d1, m2, d2 = _mnum(m["m1"]), int(m["d1"]), _mnum(m["m2"]), int(m["d2"])
    if m1 == m2 or not (_valid(None, m1, d1) and _valid(None, m2, d2)):
        return None
    return _C(m.start(), m.end(), None, m1, d1, relative=True, yearless=True)


def _h_my(m, ctx):
    y, mo = int(m["y"]), _mnum(m["m1"])
    if not _valid(y, mo, None):
        return None
    return _C(m.start(), m.end(), y, mo)


def _h_month_range(m, ctx):
    y, m1, m2 = int(m["y"]), _mnum(m["m1"]), _mnum(m["m2"])
    if m1 == m2:
        return None
    y1 = y - 1 if m1 > m2 else y
    return _C(m.start(), m.end(), y, m2, begin=(y1, m1, None))


_MONTH_PREP_BEFORE = re.compile(
    r"\b(?P<p>in|on|for|since|by|until|till|before|after|during|from|between|through|of|early|mid|late|last|"
    r"next|this|end|to|and)[\s-]+$", re.I)


def _h_month_alone(m, ctx):
    mo = _mnum(m["m1"])
    prep = _MONTH_PREP_BEFORE.search(ctx.text, max(0, m.start() - 9), m.start())
    if prep is None:
        return None
    p = prep["p"].lower()
    if p in ("last", "next", "this"):
        if not ctx.base or ctx.base[1] is None:
            if p == "this" and ctx.base:
                return _C(prep.start(), m.end(), ctx.base[0], mo, relative=True)
            return None
        by, bm = ctx.base[0], ctx.base[1]
        if p == "last":
            y = by if mo < bm else by - 1
        elif p == "next":
            y = by if mo > bm else by + 1
        else:
            y = by
        return _C(prep.start(), m.end(), y, mo, relative=True)
    return _C(m.start(), m.end(), None, mo, relative=True, yearless=True)


def _h_month_rel_year(m, ctx):
    """ "March last year", "June 5 of next year": the month of the year before or after the base."""
    if not ctx.base:
        return None
    y = ctx.base[0] + {"this": 0, "last": -1, "next": 1}[m["rel"].lower()]
    mo = _mnum(m["m1"])
    d = int(m["d1"]) if m.groupdict().get("d1") else None
    if not _valid(y, mo, d):
        return None
    return _C(m.start(), m.end(), y, mo, d, relative=True)


def _h_year_range(m, ctx):
    y1 = int(m["y1"])
    if not 1900 <= y1 <= 2099:
        return None
    raw = m["y2"]
    sep = m["sep"] or m["sep2"] or m["sep3"]
    spaced = any(ch.isspace() for ch in m.group(0))
    if len(raw) == 4:
        y2 = int(raw)
    else:
        two = int(raw)
        if two > y1 % 100:
            y2 = y1 // 100 * 100 + two
        elif sep == "-" and not spaced and 1 <= two <= 12:  # "2025-11": ISO year-month
            if not _year_ok(ctx.text, m.start(), m.end()):
                return None
            return _C(m.start(), m.end(), y1, two)
        else:
            return None
    if not y1 < y2 <= 2099 or (sep == "/" and len(raw) == 4 and y2 - y1 > 1):
        return None
    if not _year_ok(ctx.text, m.start(), m.end()):
        return None
    return _C(m.start(), m.end(), y2, begin=(y1, None, None))


def _h_year(m, ctx):
    if not 1900 <= int(m["y"]) <= 2099 or not _year_ok(ctx.text, m.start("y"), m.end("y")):
        return None
    return _C(m.start(), m.end(), int(m["y"]))


def _h_decade(m, ctx):
    y = int(m["dec"])
    if not 1900 <= y <= 2090:
        return None
    return _C(m.start(), m.end(), y + 9, begin=(y, None, None), decade=True)


def _h_fiscal(m, ctx):
    raw = m["fy"]
    y = int(raw) if len(raw) == 4 else 2000 + int(raw)
    return _C(m.start(), m.end(), y)


_ORD = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}


def _h_quarter(m, ctx):
    y = int(m["y"])
    q = m.groupdict().get("q")
    if q:
        kind, n = q[0].upper(), int(q[1])
        unit = "quarter" if kind == "Q" else "half"
    else:
        unit = m["unit"].lower()
        o = m["ord"].lower()
        n = 4 if o == "last" and unit == "quarter" else 2 if o == "last" else _ORD.get(o, 0)
    size = 3 if unit == "quarter" else 6
    if not 1 <= n <= 12 // size:
        return None
    return _C(m.start(), m.end(), y, n * size, begin=(y, (n - 1) * size + 1, None))


_SEASON_Q = {"spring": "early", "summer": "mid", "autumn": "late", "fall": "late", "winter": None}


def _h_season(m, ctx):
    return _C(m.start(), m.end(), int(m["y"]), qualifier=_SEASON_Q[m["season"].lower()])


# -- Vietnamese


def _h_vi_day(m, ctx):
    mo, d = int(m["m"]), int(m["d1"])
    if m["y"]:
        y = int(m["y"])
        if not _valid(y, mo, d):
            return None
        return _C(m.start(), m.end(), y, mo, d)
    if not _valid(None, mo, d):
        return None
    return _C(m.start(), m.end(), None, mo, d, relative=True, yearless=True)


def _h_vi_dm(m, ctx):
    d, mo = int(m["a"]), int(m["b"])
    y = m.groupdict().get("y")
    if y:
        a2 = int(m["a2"])
        if not (_valid(int(y), mo, d) and _valid(int(y), mo, a2)) or a2 <= d:
            return None
        return _C(m.start(), m.end(), int(y), mo, d)
    if not _valid(None, mo, d):
        return None
    return _C(m.start(), m.end(), None, mo, d, relative=True, yearless=True)


def _h_vi_month(m, ctx):
    mo = int(m["m"])
    if m["y"]:
        y = int(m["y"])
        if not _valid(y, mo, None):
            return None
        return _C(m.start(), m.end(), y, mo)
    if not _valid(None, mo, None):
        return None
    return _C(m.start(), m.end(), None, mo, relative=True, yearless=True)


def _h_vi_year(m, ctx):
    if not _year_ok(ctx.text, m.start("y"), m.end("y")):
        return None
    return _C(m.start(), m.end(), int(m["y"]))


# -- relative to the base date



def _week_month(ctx, weeks: int):
    if ctx.base_date is None:
        return None
    monday = ctx.base_date - dt.timedelta(days=ctx.base_date.weekday()) + dt.timedelta(weeks=weeks)
    return monday.year, monday.month


def _h_rel(m, ctx):
    if not ctx.base:
        return None
    rel, unit = m["rel"].lower(), m["unit"].lower()
    k = {"this": 0, "last": -1, "next": 1}[rel]
    qual = None
    by, bm = ctx.base[0], ctx.base[1]
    if unit == "year":
        return _C(m.start(), m.end(), by + k, relative=True, qualifier=qual)
    if unit == "month":
        if bm is None:
            return None
        y, mo = _add_months(by, bm, k)
        return _C(m.start(), m.end(), y, mo, relative=True, qualifier=qual)
    if ctx.base_date is None:
        if k == 0 and bm is not None:
            return _C(m.start(), m.end(), by, bm, relative=True)
        return None
    y, mo = _week_month(ctx, k)
    return _C(m.start(), m.end(), y, mo, relative=True)


_POSSESSIVE = re.compile(r"['’]s\b")
_DAY_WORDS = {"yesterday": -1, "today": 0, "tomorrow": 1, "tonight": 0, "last night": -1,
              "this morning": 0, "this afternoon": 0, "this evening": 0,
              "hôm qua": -1, "hôm nay": 0, "ngày mai": 1}


def _h_dayword(m, ctx):
    if ctx.base_date is None or (m["w"].lower() == "today" and _POSSESSIVE.match(ctx.text, m.end())):
        return None  # "today's world" means nowadays
    k = _DAY_WORDS[re.sub(r"\s+", " ", m["w"].lower())]
    day = ctx.base_date + dt.timedelta(days=k)
    return _C(m.start(), m.end(), day.year, day.month, day.day, relative=True)


_WD_MOD_BEFORE = re.compile(r"\b(?P<wmod>on|last|next|this)\s+$", re.I)
# a future verb earlier in the clause: a bare weekday then means the coming one
_WD_FUTURE_BEFORE = re.compile(r"\b(?:will|shall|due|expected|scheduled|slated|set\s+to|plans?\s+to|(?:is|are)\s+to)\b"
                               r"[^.;:!?]*$", re.I)
_WD_DATE_AFTER = re.compile(rf",?\s*(?:the\s+)?(?:{_MONTH_ALT}|\d)")


def _h_weekday(m, ctx):
    if ctx.base_date is None or _WD_DATE_AFTER.match(ctx.text, m.end()):
        return None  # "Tuesday, Nov. 4, 2025": the date says it
    idx = _WEEKDAYS.index(m["wd"].lower())
    b = ctx.base_date
    wmod = _WD_MOD_BEFORE.search(ctx.text, max(0, m.start() - 6), m.start())
    mod = wmod["wmod"].lower() if wmod else ""
    if mod == "last":
        delta = (b.weekday() - idx) % 7 or 7
        day = b - dt.timedelta(days=delta)
    elif mod == "next":
        delta = (idx - b.weekday()) % 7 or 7
        day = b + dt.timedelta(days=delta)
    elif mod == "this":
        day = b - dt.timedelta(days=b.weekday()) + dt.timedelta(days=idx)
    elif _WD_FUTURE_BEFORE.search(ctx.text, max(0, m.start() - 60), m.start()):
        day = b + dt.timedelta(days=(idx - b.weekday()) % 7 or 7)  # "who is due in Hanoi on Sunday"
    else:
        day = b - dt.timedelta(days=(b.weekday() - idx) % 7)
    start = m.start() if mod in ("", "on") else wmod.start()
    return _C(start, m.end(), day.year, day.month, day.day, relative=True)


_UNIT = {"year": "year", "years": "year", "month": "month", "months": "month", "week": "week",
         "weeks": "week", "day": "day", "days": "day", "decade": "decade", "decades": "decade",
         "năm": "year", "tháng": "month", "tuần": "week", "ngày": "day"}


def _shift(y, m, d, unit: str, n: int):
    """(y, m, d) shifted by n units, at a precision no finer than the input's."""
    if unit in ("year", "decade"):
        return y + n * (10 if unit == "decade" else 1), None, None
    if unit == "month":
        if m is None:
            return y + int(n / 12), None, None
        y2, m2 = _add_months(y, m, n)
        return y2, m2, None
    days = n * (7 if unit == "week" else 1)
    if d is not None:
        day = dt.date(y, m, d) + dt.timedelta(days=days)
        return day.year, day.month, (day.day if unit == "day" else None)
    if m is not None:
        day = dt.date(y, m, 15) + dt.timedelta(days=days)
        return day.year, day.month, None
    return y, None, None


def _h_ago(m, ctx):
    if not ctx.base:
        return None
    n = _num(m["n"])
    unit = _UNIT[m["unit"].lower()]
    if n is None:
        return None
    by, bm, bd = ctx.base
    if unit in ("month", "week", "day") and bm is None:
        return None
    if unit in ("week", "day") and bd is None:
        return None
    y, mo, d = _shift(by, bm, bd, unit, -n)
    if m.groupdict().get("this") and unit in ("year", "decade") and bm is not None:
        mo, d = bm, None  # "a year ago this week": the same month, a year back
    if not _valid(y, mo, d):
        return None
    return _C(m.start(), m.end(), y, mo, d, relative=True)


def _h_anchor_n(m, ctx):
    n = _num(m["n"])
    if n is None:
        return None
    unit = _UNIT[m["unit"].lower()]
    word = m["dir"].lower()
    sign = -1 if word in ("earlier", "before", "trước") else 1
    if word in ("after", "before"):
        if _CLAUSE_END.match(ctx.text, m.end()):
            # "a year before." has no object: a comparison or narrative anchor, like "a year earlier"
            extra = {"back": True} if sign < 0 else {}
            return _C(m.start(), m.end(), relative=True, anchor=("shift", unit, sign * n), extra=extra)
        # "three years after 2016" / "two years after the 2016 decision": anchored to the date that
        # follows, when one follows at once; "two years after the war" has no date: dropped later
        lead = _ANCHOR_LEAD.match(ctx.text, m.end())
        return _C(m.start(), m.end(), relative=True, anchor=("shift_next", unit, sign * n), extra={"next": lead.end()})
    return _C(m.start(), m.end(), relative=True, anchor=("shift", unit, sign * n),
              extra={"back": True} if sign < 0 else {})


_CLAUSE_END = re.compile(r"\s*(?:[,.;:)!?—–]|$)")
_ANCHOR_LEAD = re.compile(r"\s*(?:(?:the|its|their|his|her)\s+)?")


def _h_anchor_the(m, ctx):
    rel = m["rel"].lower()
    unit = m["unit"].lower()
    extra = {"para": True} if unit == "day" else {}
    if rel in ("same",):
        return _C(m.start(), m.end(), relative=True, anchor=("shift", unit, 0), extra=extra)
    if rel in ("previous", "preceding", "prior"):
        return _C(m.start(), m.end(), relative=True, anchor=("shift", unit, -1), extra=extra)
    if unit == "day":
        if _DURATION_BEFORE.search(ctx.text, max(0, m.start() - 8), m.start()):
            return None  # "within the next day": a duration
        return _C(m.start(), m.end(), relative=True, anchor=("next", unit, 1), extra=extra)
    if rel in ("next", "coming") and _DURATION_BEFORE.search(ctx.text, max(0, m.start() - 8), m.start()):
        # "over the next year": the year after publication, not after the last date mentioned
        if not ctx.base or (unit == "month" and ctx.base[1] is None):
            return None
        if unit == "year":
            return _C(m.start(), m.end(), ctx.base[0] + 1, relative=True)
        y, mo = _add_months(ctx.base[0], ctx.base[1], 1)
        return _C(m.start(), m.end(), y, mo, relative=True)
    return _C(m.start(), m.end(), relative=True, anchor=("next", unit, 1))


_DURATION_BEFORE = re.compile(r"\b(?:over|within|during|for)\s+$", re.I)


_SEASON_ALT = "summer|spring|autumn|fall|winter"
# A bare "that day" / "that summer" is a date after a preposition, at the start of a sentence or before
# punctuation; not in "officials said that summer drills would grow".
_THAT_OK_BEFORE = re.compile(
    r"(?:\b(?:on|in|during|by|until|till|through|throughout|since|of|over|for|from|after|before|all|"
    r"later|earlier)\s+|(?:^|[.!?;:]\s+|\n\s*)[\"'“‘(]?)$", re.I)
_THAT_OK_AFTER = re.compile(r"\s*(?:[,.;:!?)—–]|$)")


def _h_anchor_that(m, ctx):
    unit = m["unit"].lower()
    if unit in ("year", "month"):
        return _C(m.start(), m.end(), relative=True, anchor=("shift", unit, 0))
    if (not m["same"] and not _THAT_OK_BEFORE.search(ctx.text, max(0, m.start() - 14), m.start())
            and (unit == "fall" or not _THAT_OK_AFTER.match(ctx.text, m.end()))):
        return None  # "prices that fall." is a verb
    if unit == "day":
        return _C(m.start(), m.end(), relative=True, anchor=("shift", "day", 0), extra={"para": True})
    # "that summer": the year of the date before it, qualified like "summer 2021"
    return _C(m.start(), m.end(), relative=True, anchor=("season", "year", _SEASON_Q[unit]), extra={"para": True})


def _h_anchor_year_after(m, ctx):
    k = 1 if m["dir"].lower() == "after" else -1
    return _C(m.start(), m.end(), relative=True, anchor=("shift", m["unit"].lower(), k))


_VI_REL = {"năm ngoái": ("year", -1), "năm trước": ("year", -1), "năm nay": ("year", 0),
           "năm tới": ("year", 1), "năm sau": ("year", 1), "sang năm": ("year", 1),
           "tháng trước": ("month", -1), "tháng này": ("month", 0), "tháng nay": ("month", 0),
           "tháng tới": ("month", 1), "tháng sau": ("month", 1),
           "tuần trước": ("week", -1), "tuần này": ("week", 0), "tuần tới": ("week", 1),
           "tuần sau": ("week", 1)}


def _h_vi_rel(m, ctx):
    if not ctx.base:
        return None
    unit, k = _VI_REL[re.sub(r"\s+", " ", m["v"].lower())]
    by, bm = ctx.base[0], ctx.base[1]
    if unit == "year":
        return _C(m.start(), m.end(), by + k, relative=True)
    if unit == "month":
        if bm is None:
            return None
        y, mo = _add_months(by, bm, k)
        return _C(m.start(), m.end(), y, mo, relative=True)
    wm = _week_month(ctx, k)
    if wm is None:
        return None
    return _C(m.start(), m.end(), wm[0], wm[1], relative=True)


def _h_vi_ago(m, ctx):
    return _h_ago(m, ctx)


def _h_vi_later(m, ctx):
    n = _num(m["n"])
    if n is None:
        return None
    return _C(m.start(), m.end(), relative=True, anchor=("shift", _UNIT[m["unit"].lower()], n))


# --------------------------------------------------------------------------- rules (order = tie-break)

_YEAR_TAIL = r"(?![\w%]|[.,]\d|[-–—/]\d)"
_YEAR_SEP_VI = r"(?:(?:\s*,)?\s*(?:năm\s+)?|\s*[/.-]\s*)"

def _ci(*words: str) -> str:
    """A flat alternation of lower, Capitalised and UPPER forms (scanned fast by the re engine)."""
    forms = []
    for w in words:
        for f in (w, w[:1].upper() + w[1:], w.upper()):
            if f not in forms:
                forms.append(f)
    return "(?:" + "|".join(sorted(forms, key=len, reverse=True)) + ")"


# (source, flags, handler, lb): lb holds the characters (besides letters, digits and "_") that may not
# precede a match; None: no check. Rules open with a literal or a character class where possible: the
# re engine then skips ahead quickly instead of trying the whole pattern at every position.
_RULES_SRC = [
    # English full dates
    (rf"{_M('m1')}\s*{_D('d1')}\s*[-–—]\s*{_M('m2')}\s*{_D('d2')},?\s+{_Y('y')}", 0, _h_mdy_cross, "$"),
    (rf"{_D('d1')}\s+{_M('m1')}\s*[-–—]\s*{_D('d2')}\s+{_M('m2')},?\s+{_Y('y')}", 0, _h_mdy_cross, ".,$-"),
    (rf"{_M('m1')}\s*{_D('d1')}(?:{_DAYSEP}{_D('d2')})?,?\s+{_Y('y')}", 0, _h_mdy, "$"),
    (rf"{_D('d1')}(?:{_DAYSEP}{_D('d2')})?\s+(?:of\s+)?{_M('m1')},?\s+{_Y('y')}", 0, _h_mdy, ".,$-"),
    (r"(?P<y>[12]\d\d\d)(?P<sep>[-/.])(?P<m>[01]\d)(?P=sep)(?P<d>[0-3]\d)(?![\w]|[-/.]\d)", 0, _h_iso, "/.-"),
    (r"(?P<a>\d\d?)(?P<sep>[/.-])(?P<b>\d\d?)(?P=sep)"
     rf"(?P<y>(?:19|20)\d\d){_YEAR_TAIL}", 0, _h_numeric, "/.,-"),
    # day + month without a year
    (rf"{_M('m1')}\s*{_D('d1')}\s*[-–—]\s*{_M('m2')}\s*{_D('d2')}(?![.,]\d)", 0, _h_md_cross, "$"),
    (rf"{_M('m1')}\s*{_D('d1')}(?:{_DAYSEP}{_D('d2')})?(?![.,]\d)", 0, _h_md, "$"),
    (rf"{_D('d1')}(?:{_DAYSEP}{_D('d2')})?\s+(?:of\s+)?{_M('m1')}", 0, _h_md, ".,$€£#/-"),
    # month + year, month ranges, months alone after a preposition
    (rf"{_M('m1')}\s*(?:[-–—]|to|through|until)\s*{_M('m2')},?\s+(?:of\s+)?{_Y('y')}", 0, _h_month_range, ""),
    (rf"{_M('m1')},?\s+(?:of\s+)?{_Y('y')}", 0, _h_my, ""),
    (rf"{_M('m1')}(?:\s+{_D('d1')})?,?\s+(?:of\s+)?(?P<rel>{_ci('this', 'last', 'next')})\s+year\b", 0,
     _h_month_rel_year, ""),
    (rf"{_M('m1')}(?!\s*\d)", 0, _h_month_alone, ""),
    # periods
    (rf"(?P<ord>{_ci('first', 'second', 'third', 'fourth', 'last')}|1st|2nd|3rd|4th)\s+(?P<unit>quarter|half)\s+"
     rf"(?:of\s+)?(?:(?:the\s+)?(?:fiscal\s+)?year\s+)?{_Y('y')}", 0, _h_quarter, ""),
    (rf"(?P<q>Q[1-4]|H[12])\s*(?:of\s+)?{_Y('y')}", 0, _h_quarter, ""),
    (rf"(?P<season>{_ci('spring', 'summer', 'autumn', 'fall', 'winter')})\s+(?:of\s+)?{_Y('y')}", 0, _h_season, ""),
    (r"(?:FY|[Ff]iscal\s+[Yy]ear|FISCAL\s+YEAR)\s*'?(?P<fy>(?:19|20)\d\d|\d\d)(?![\w%]|[.,]\d)", 0, _h_fiscal, ""),
    (r"(?P<dec>[12]\d\d0)'?s\b", 0, _h_decade, "'$"),
    (r"(?P<y1>[12]\d\d\d)(?:(?P<sep>[-/])|\s*(?P<sep2>[–—])\s*|\s+(?P<sep3>-)\s+)"
     rf"(?P<y2>(?:19|20)\d\d|\d\d){_YEAR_TAIL}", 0, _h_year_range, "$€£¥₫#.,/@-"),
    (rf"(?P<y>[12]\d\d\d){_YEAR_TAIL}", 0, _h_year, "$€£¥₫#@/"),
    # Vietnamese
    (rf"(?<!\w)[Nn]gày\s+{_D('d1')}(?:\s*[-–—]\s*{_D('d2')})?\s+tháng\s+(?P<m>[01]?\d)(?!\d)"
     rf"(?:{_YEAR_SEP_VI}{_Y('y')})?", 0, _h_vi_day, None),
    (r"(?<!\w)(?:[Nn]gày|hôm|Hôm)\s+(?P<a>[0-3]?\d)/(?P<b>[01]?\d)(?![\w/]|[.,]\d)", 0, _h_vi_dm, None),
    (r"(?<!\w)(?:(?:[Nn]gày|hôm|Hôm)\s+)?(?P<a>[0-3]?\d)\s*[-–]\s*(?P<a2>[0-3]?\d)/(?P<b>[01]?\d)/"
     rf"(?P<y>(?:19|20)\d\d){_YEAR_TAIL}", 0, _h_vi_dm, None),
    (rf"(?<!\w)(?<!\d\s)[Tt]háng\s+(?P<m>[01]?\d)(?!\d)(?:{_YEAR_SEP_VI}{_Y('y')})?(?![/.-]?\d)", 0, _h_vi_month,
     None),
    (rf"(?<!\w)[Nn]ăm\s+(?P<y>(?:19|20)\d\d){_YEAR_TAIL}", 0, _h_vi_year, None),
    (r"(?<!\w)(?P<v>năm\s+ngoái|năm\s+trước|năm\s+nay|năm\s+tới|năm\s+sau|sang\s+năm|tháng\s+trước|"
     r"tháng\s+này|tháng\s+nay|tháng\s+tới|tháng\s+sau|tuần\s+trước|tuần\s+này|tuần\s+tới|tuần\s+sau)(?!\w)",
     re.I, _h_vi_rel, None),
    (rf"(?<!\w)(?P<n>{_VI_NUM})\s+(?P<unit>năm|tháng|tuần|ngày)\s+trước(?!\w)", re.I, _h_vi_ago, None),
    (rf"(?<!\w)(?P<n>{_VI_NUM})\s+(?P<unit>năm|tháng)\s+sau(?!\w)", re.I, _h_vi_later, None),
    # relative (English)
    (rf"(?P<rel>{_ci('this', 'last', 'next')})\s+(?P<unit>[Yy]ear|[Mm]onth|[Ww]eek)\b", 0, _h_rel, ""),
    (rf"(?P<w>{_ci('yesterday', 'today', 'tomorrow', 'tonight')}|last\s+night|Last\s+night|this\s+morning|"
     r"This\s+morning|this\s+afternoon|This\s+afternoon|this\s+evening|This\s+evening|hôm\s+qua|hôm\s+nay|"
     r"ngày\s+mai|Hôm\s+qua|Hôm\s+nay|Ngày\s+mai)(?!\w)", 0, _h_dayword, ""),
    (rf"(?P<wd>{_WEEKDAY_ALT})\b", 0, _h_weekday, ""),
    (rf"\b(?P<n>{_NUM})\s+(?P<unit>years?|months?|weeks?|days?|decades?)\s+ago\b"
     r"(?:,?\s+this\s+(?P<this>week|month)\b)?", re.I, _h_ago, None),
    (rf"\b(?P<n>{_NUM})\s+(?P<unit>years?|months?|weeks?|days?|decades?)\s+"
     r"(?P<dir>later|after|afterwards?|earlier|before)\b", re.I, _h_anchor_n, None),
    (rf"{_ci('the')}\s+(?P<rel>following|next|previous|preceding|prior|same|subsequent)\s+(?P<unit>year|month|day)"
     r"\b(?!s)", 0, _h_anchor_the, ""),
    (rf"{_ci('later', 'earlier')}\s+(?P<same>that|the\s+same|that\s+same)\s+(?P<unit>year|month|day|{_SEASON_ALT})\b",
     0, _h_anchor_that, ""),
    (rf"{_ci('that')}\s+(?P<same>same\s+)?(?P<unit>year|month|day|{_SEASON_ALT})\b", 0, _h_anchor_that, ""),
    (rf"{_ci('the')}\s+(?P<unit>year|month)\s+(?P<dir>after|before)\b(?!\s+(?:last|next))", 0,
     _h_anchor_year_after, ""),
]


def _group(src: str, handler) -> str:
    name = handler.__name__
    if name.startswith("_h_vi_"):
        return "vi"
    if name == "_h_ago":
        return "ago"
    if name == "_h_anchor_n":
        return "anchor"
    if name in ("_h_rel", "_h_dayword", "_h_weekday") or name.startswith("_h_anchor"):
        return "rel"
    if name == "_h_fiscal":
        return "fiscal"
    if "September" in src:
        return "month"
    return "year"


_RULES = [(re.compile(src, flags), handler, _group(src, handler), lb) for src, flags, handler, lb in _RULES_SRC]

# Each rule runs only in windows around cheap trigger hits: a full scan of every rule over a long text
# costs several milliseconds, the trigger scans a fraction of that.
_MONTH_TRIGGER = "|".join(sorted({f for n in _MONTH_NUM for f in (n.capitalize(), n.upper())}, key=len, reverse=True))
_REL_TRIGGER = "|".join(
    w for base in ("day", "year", "month", "week", "decade", "night", "morning", "afternoon", "evening", "ago",
                   "tomorrow", "hôm", "mai", "summer", "spring", "autumn", "fall", "winter")
    for w in sorted({base, base.capitalize(), base.upper()}))
# name: (trigger, characters of context before a hit, after it). A flat alternation of literals or a
# pattern opening with a character class is scanned fast by the re engine; rules are then run only
# inside the windows around the hits.
_TRIGGERS = {
    "month": (re.compile(f"(?:{_MONTH_TRIGGER})"), 40, 28),
    "year": (re.compile(r"[12]\d\d\d"), 45, 16),
    "fiscal": (re.compile(r"FY|fiscal|Fiscal|FISCAL"), 2, 24),
    "rel": (re.compile(f"(?:{_REL_TRIGGER})"), 30, 24),
    "ago": (re.compile(r"ago|AGO"), 30, 20),  # 20: "a year ago this week"
    "anchor": (re.compile(_ci("later", "after", "afterward", "earlier", "before")), 30, 12),
    "vi": (re.compile(r"ngày|tháng|năm|tuần|Ngày|Tháng|Năm|Tuần|NGÀY|THÁNG|NĂM|TUẦN|sang|Sang|hôm|Hôm"), 20, 40),
}


_WORD_TAIL = re.compile(r"[\w\-–/.,]*")


def _windows(text: str, trigger: tuple) -> list[tuple[int, int]]:
    rx, before, after = trigger
    n = len(text)
    out: list[list[int]] = []
    for m in rx.finditer(text):
        lo, hi = max(0, m.start() - before), min(n, m.end() + after)
        if out and hi <= out[-1][1]:
            continue
        if hi < n:  # never cut a word or number: lookaheads would see a false end of text
            hi = _WORD_TAIL.match(text, hi).end()
        if out and lo <= out[-1][1]:
            if hi > out[-1][1]:
                out[-1][1] = hi
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


_MOD_BEFORE = re.compile(
    r"(?:\b(?:the\s+)?(?P<a>end|beginning|start|middle|close|turn)\s+of\s+(?:the\s+year\s+)?"
    r"|\b(?P<b>early|mid|late|end)[\s-]+|(?<!\w)(?P<c>đầu|giữa|cuối)\s+|\b(?P<e>earlier|later)\s+)$", re.I)
_WD_BEFORE = re.compile(rf"{_WEEKDAY_ALT},?\s+(?:the\s+)?$")
_MOD_MAP = {"end": "late", "close": "late", "late": "late", "cuối": "late", "beginning": "early",
            "start": "early", "early": "early", "đầu": "early", "middle": "mid", "mid": "mid",
            "giữa": "mid", "turn": "early"}
_PREP_BEFORE = re.compile(
    r"(?:\b(?P<p>since|until|till|through|by|before|after|prior\s+to|no\s+later\s+than|not\s+until|"
    r"ahead\s+of|as\s+late\s+as|up\s+until)\s+|\b(?P<h>pre|post)[-–]|(?<!\w)(?P<v>kể\s+từ|từ|đến|tới|trước|sau)\s+)$",
    re.I)
_PREP_MAP = {"since": "since", "until": "until", "till": "until", "through": "until", "not until": "until",
             "up until": "until", "by": "by", "no later than": "by", "before": "before", "prior to": "before",
             "ahead of": "before", "as late as": None, "pre": "before", "post": "after", "after": "after",
             "kể từ": "since", "từ": "since", "đến": "by", "tới": "by", "trước": "before", "sau": "after"}
# A plan before a day or month without a year ("planned for November", "is scheduled to end on 9 March"):
# the nearest such day on or after the reference date.
_FUTURE_BEFORE = re.compile(
    r"\b(?:plan(?:ned|s)?|schedul(?:ed|es)|slated|set|due|expected|will(?:\s+\w+){1,4}|to\s+be\s+\w+|"
    r"(?:is|are)\s+to\s+\w+)\s+(?:(?:for|in|on|by|until|till|from|to|through)\s+)?(?:(?:early|mid|late)[\s-]+)?$",
    re.I)
_FUTURE_CUE = re.compile(r"\b(?:will|shall|would|due|expect(?:s|ed)?|plan(?:s|ned)?|schedul(?:ed|es)|slated|"
                         r"upcoming|next|forthcoming|to\s+be\s+\w+|(?:is|are)\s+to|intends?|aims?\s+to)\b|'ll\b",
                         re.I)


def _future_sentence(text: str, pos: int) -> bool:
    start, end = _sentence_bounds(text, pos)
    return _FUTURE_CUE.search(text, start, end) is not None


_PAST_BEFORE = re.compile(r"(?:\b(?:since|after)|(?<!\w)(?:từ|kể từ))\s+$", re.I)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+")
_RANGE_GAP = re.compile(r"\s*(?:(?P<dash>[-–—])|to|through|till|until|and|đến|tới)\s*", re.I)
_RANGE_OPEN = re.compile(r"(?:\b(?P<w>from|between)|(?<!\w)(?P<v>từ|giữa))\s+(?:the\s+)?$", re.I)


# --------------------------------------------------------------------------- main


def find_dates(text: str, base: str | None = None) -> list[DateMention]:
    """Date mentions in ``text``, resolved against ``base`` (the publication date,
    ISO partial or None); sorted by start and non-overlapping. Never raises."""
    try:
        return _find_dates(text, base)
    except Exception:  # noqa: BLE001 - a date finder must not break ingestion
        return []


def _find_dates(text: str, base) -> list[DateMention]:
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if not text:
        return []
    ctx = _Ctx(text, base)
    cands: list[_C] = []
    windows: dict[str, list[tuple[int, int]]] = {}
    for idx, (rx, handler, group, lb) in enumerate(_RULES):
        if group not in windows:
            windows[group] = _windows(text, _TRIGGERS[group])
        for m in (m for lo, hi in windows[group] for m in rx.finditer(text, lo, hi)):
            if lb is not None and m.start() > 0:
                ch = text[m.start() - 1]
                if ch.isalnum() or ch == "_" or ch in lb:
                    continue
            try:
                c = handler(m, ctx)
            except (ValueError, KeyError, IndexError, OverflowError, TypeError):
                c = None
            if c is not None and c.end > c.start:
                c.rule = idx
                cands.append(c)
    if "://" in text or "www." in text:
        urls = [(u.start(), u.end()) for u in _URL.finditer(text)]
        if urls:
            cands = [c for c in cands if not any(lo <= c.start < hi for lo, hi in urls)]
    chosen = _select(cands)
    chosen = _resolve(chosen, ctx)
    _apply_modifiers(chosen, text)
    chosen = [c for c in _merge_ranges(chosen, text, ctx) if c.y is not None]
    _apply_prepositions(chosen, text)
    out = []
    for c in chosen:
        value = _fmt(c.y, c.m, c.d)
        begin = _fmt(*c.begin) if c.begin else None
        out.append(DateMention(c.start, c.end, text[c.start:c.end], value, _precision(c.m, c.d), begin,
                               c.relative, c.qualifier))
    return out


def _select(cands: list[_C]) -> list[_C]:
    """Longest first, then earliest, then rule order; keep non-overlapping."""
    cands.sort(key=lambda c: (c.start - c.end, c.start, c.rule))
    taken: list[_C] = []
    if not cands:
        return taken
    size = max(c.end for c in cands)
    used = bytearray(size)
    for c in cands:
        if not any(used[c.start:c.end]):
            taken.append(c)
            used[c.start:c.end] = b"\x01" * (c.end - c.start)
    taken.sort(key=lambda c: c.start)
    return taken


def _nearest_year(ref: tuple, m: int, d: int | None, past: bool = False, future: bool = False) -> int:
    """The year that puts month m (day d) nearest the reference partial date
    (with ``past``, nearest on or before it: "since March"; with ``future``,
    nearest on or after it: "planned for November")."""
    ry, rm, rd = ref
    if rm is None:
        return ry
    ref_date = dt.date(ry, rm, rd or 15)
    best = None
    for y in (ry - 1, ry, ry + 1):
        try:
            cand = dt.date(y, m, d or 15)
        except ValueError:
            continue
        if past and cand > ref_date and (cand.year, cand.month) != (ref_date.year, ref_date.month):
            continue
        if future and cand < ref_date and (cand.year, cand.month) != (ref_date.year, ref_date.month):
            continue
        key = (abs((cand - ref_date).days), cand > ref_date)
        if best is None or key < best[0]:
            best = (key, y)
    return best[1] if best else ry


def _resolve(chosen: list[_C], ctx: _Ctx) -> list[_C]:
    text = ctx.text
    out: list[_C] = []
    skip = -1
    for i, c in enumerate(chosen):
        if i == skip:
            continue
        if c.anchor is not None and c.anchor[0] == "shift_next":
            nxt = chosen[i + 1] if i + 1 < len(chosen) else None
            if (nxt is None or nxt.start != c.extra.get("next") or nxt.y is None or nxt.yearless
                    or nxt.anchor is not None or nxt.begin is not None):
                continue
            _kind, unit, n = c.anchor
            if unit in ("year", "decade"):
                y, mo, d = nxt.y + n * (10 if unit == "decade" else 1), None, None
            else:
                y, mo, d = _shift(nxt.y, nxt.m, nxt.d, unit, n)
            if not _valid(y, mo, d):
                continue
            c.y, c.m, c.d, c.end = y, mo, d, nxt.end
            skip = i + 1
            out.append(c)
            continue
        if c.yearless:
            anchor = None
            for prev in reversed(out):
                gap = text[prev.end:c.start]
                if "\n" in gap or len(gap) > 400:
                    break
                if prev.m is not None and not prev.yearless and not prev.relative:
                    anchor = (prev.y, prev.m, prev.d)
                    break
            future = _FUTURE_BEFORE.search(text, max(0, c.start - 40), c.start) is not None
            if anchor is not None:
                c.y = _nearest_year(anchor, c.m, c.d, future=future)
            elif ctx.base:
                past = _PAST_BEFORE.search(text, max(0, c.start - 12), c.start) is not None
                c.y = _nearest_year(ctx.base, c.m, c.d, past, future)
                if (not (past or future) and ctx.base[1] is not None and (c.y, c.m) > ctx.base[:2]
                        and not _future_sentence(text, c.start)):
                    # news reports what has happened: a bare month ahead of the publication date,
                    # in a sentence that looks nowhere ahead, is the last one ("in May awarded")
                    c.y = _nearest_year(ctx.base, c.m, c.d, past=True)
            else:
                out.append(c)  # unresolved: a range ("between March and May 2024") may still give it a year
                continue
            if not _valid(c.y, c.m, c.d):
                continue
        elif c.anchor is not None:
            kind, unit, n = c.anchor
            if c.extra.get("back"):
                prev_ymd = _back_anchor(c, i, chosen, out, ctx)
                if prev_ymd is None:
                    continue
            else:
                prev = next((p for p in reversed(out) if p.y is not None), None)
                if prev is not None and c.extra.get("para") and "\n" in text[prev.end:c.start]:
                    prev = None  # "that summer", "the same day": only within the paragraph
                if prev is None:
                    if kind == "next" and ctx.base and unit in ("year", "month"):
                        prev_ymd = ctx.base
                    else:
                        continue
                else:
                    prev_ymd = (prev.y, prev.m, prev.d)
            y, mo, d = prev_ymd
            if kind == "season":
                c.y, c.qualifier = y, n
                out.append(c)
                continue
            if unit == "month" and mo is None and kind != "shift" or (kind == "shift" and n == 0 and
                                                                        unit == "month" and mo is None):
                continue  # "the following month", "that month" after a bare year: unknown month
            if unit == "day" and d is None and c.extra.get("para"):
                continue  # "the same day", "the next day" after a month or a year: unknown day
            if unit in ("year", "decade"):
                y, mo, d = y + n * (10 if unit == "decade" else 1), None, None
            else:
                y, mo, d = _shift(y, mo, d, unit, n)
                if unit == "month":
                    d = None
            if not _valid(y, mo, d):
                continue
            c.y, c.m, c.d = y, mo, d
        if c.y is None:
            continue
        out.append(c)
    return out


# Words that may open a sentence before a narrative "Two years earlier, ...".
_SENT_OPENER = re.compile(
    r"[\s\"'“‘(\[*_]*(?:(?:and|but|so|yet|then|just|only|some|about|nearly|almost|exactly|roughly|"
    r"barely|precisely|more\s+than|less\s+than|over|around|a\s+full|fully)\s+)*", re.I)
# A figure or a comparison word before "a year earlier" in its sentence: "up from 25% a year earlier".
_COMPARISON_CUE = re.compile(
    r"\d|%|\b(?:percent|per\s+cent|from|than|compared|comparison|versus|vs|against|up|down|higher|lower|"
    r"more|fewer|less|rose|risen|rising|fell|fallen|falling|increased?|increases|decreased?|decreases|"
    r"grew|grown|growth|jumped|dropped|declined?|doubled|tripled|halved|level|levels|same\s+period)\b", re.I)


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """Start and end of the sentence holding ``pos``, by the rules of bilat.nlp.sentences
    (a line break always ends one), looked for within 400 characters either side."""
    from .sentences import _BOUNDARY, _is_boundary

    newline = text.rfind("\n", max(0, pos - 400), pos)
    start = newline + 1 if newline >= 0 else max(0, pos - 400)
    hi = text.find("\n", pos, pos + 400)
    end = hi = min(len(text), pos + 400) if hi < 0 else hi
    cursor = start
    for b in _BOUNDARY.finditer(text, start, hi):
        if text[cursor:b.start()].strip(" -*#").isdigit():
            continue  # a list number: "1. Frameworks"
        lo = max(cursor, b.start() - 40)  # the rules look only at the word before and after
        if not _is_boundary(text[lo:hi], b.start() - lo, b.end() - lo):
            continue
        if b.end() > pos:
            end = b.end()
            break
        cursor = start = b.end()
    while start < pos and text[start].isspace():
        start += 1
    return start, end


def _back_anchor(c: _C, i: int, chosen: list[_C], out: list[_C], ctx: _Ctx) -> tuple | None:
    """What "a year earlier" / "three months before" (no object) counts back from.

    A date earlier in the same sentence; for a phrase inside a sentence, next a
    date later in it ("than a year earlier, in the first quarter of 2024"). A
    sentence that opens with the phrase ("Two years earlier, ...") tells a story:
    the nearest preceding date. A comparison ("up from 25% a year earlier",
    "than a year before": a figure or a comparison word before it in the
    sentence) otherwise counts back from the publication date, never from a date
    in another sentence; without a base it is dropped.
    """
    text = ctx.text
    start, end = _sentence_bounds(text, c.start)
    prev = next((p for p in reversed(out) if p.y is not None), None)
    if prev is not None and prev.start >= start:
        return prev.y, prev.m, prev.d
    head = text[start:c.start]
    narrative = _SENT_OPENER.fullmatch(head) is not None
    if not narrative:
        for nxt in chosen[i + 1:]:
            if nxt.start >= end:
                break
            if nxt.y is not None and not nxt.yearless and nxt.anchor is None and nxt.begin is None:
                return nxt.y, nxt.m, nxt.d
        narrative = _COMPARISON_CUE.search(head) is None
    if narrative and prev is not None:
        return prev.y, prev.m, prev.d
    if not ctx.base:
        return None
    unit = c.anchor[1]
    by, bm, bd = ctx.base
    if (unit != "year" and unit != "decade" and bm is None) or (unit == "day" and bd is None):
        return None
    return ctx.base


def _apply_modifiers(chosen: list[_C], text: str) -> None:
    prev_end = 0
    for c in chosen:
        if c.d is not None:
            m = _WD_BEFORE.search(text, max(prev_end, c.start - 16), c.start)
            if m:
                c.start = m.start()
        elif c.qualifier is None and c.anchor is None:
            window = text[max(prev_end, c.start - 30):c.start]
            m = _MOD_BEFORE.search(window)
            if m and m["e"]:
                if c.relative and not c.yearless:
                    c.start -= len(m.group(0))  # "earlier this month": no qualifier
            elif m:
                word = (m["a"] or m["b"] or m["c"]).lower()
                q = _MOD_MAP[word]
                c.start -= len(m.group(0))
                c.qualifier = q
                if c.decade:
                    lo = c.begin[0]
                    c.begin, c.y = {"early": ((lo, None, None), lo + 3), "mid": ((lo + 4, None, None), lo + 6),
                                    "late": ((lo + 7, None, None), lo + 9)}[q]
        prev_end = c.end


def _merge_ranges(chosen: list[_C], text: str, ctx: _Ctx) -> list[_C]:
    out: list[_C] = []
    i = 0
    while i < len(chosen):
        a = chosen[i]
        b = chosen[i + 1] if i + 1 < len(chosen) else None
        if (b is not None and a.begin is None and b.begin is None and a.anchor is None and b.anchor is None
                and b.y is not None):
            gap = _RANGE_GAP.fullmatch(text, a.end, b.start)
            if gap:
                opener = _RANGE_OPEN.search(text, max(0, a.start - 20), a.start)
                opener_ok = opener is not None and opener.end() == a.start
                word = gap.group(0).strip().lower()
                opener_word = (opener["w"] or opener["v"]).lower() if opener_ok else ""
                if word == "and" and opener_word not in ("between", "giữa"):
                    pass
                elif (a.y, a.m, a.d) == (b.y, b.m, b.d):
                    pass
                else:
                    merged = _merge_pair(a, b, bool(gap["dash"]), opener.start() if opener_ok else a.start)
                    if merged is not None:
                        out.append(merged)
                        i += 2
                        continue
        out.append(a)
        i += 1
    # "from"/"between" before a range found in one piece ("from 2016–2021")
    prev_end = 0
    for c in out:
        if c.begin is not None:
            opener = _RANGE_OPEN.search(text, max(0, c.start - 20), c.start)
            if opener is not None and opener.end() == c.start and opener.start() >= prev_end:
                c.start = opener.start()
        prev_end = c.end
    return out


def _merge_pair(a: _C, b: _C, dash: bool, start: int) -> _C | None:
    ay, am, ad = a.y, a.m, a.d
    if a.yearless and not b.yearless and am is not None:
        ay = b.y - 1 if (am, ad or 0) > (b.m or 12, b.d or 0) else b.y
    if ay is None or b.y is None or not _valid(ay, am, ad):
        return None
    a_key = (ay, am or 1, ad or 1)
    b_key = (b.y, b.m or 12, b.d or 31)
    if a_key >= b_key:
        return None
    if dash and ad is not None and b.d is not None:
        return _C(start, b.end, ay, am, ad, relative=a.relative or b.relative, rule=a.rule)
    return _C(start, b.end, b.y, b.m, b.d, begin=(ay, am, ad), relative=a.relative or b.relative,
              rule=a.rule)


def _apply_prepositions(chosen: list[_C], text: str) -> None:
    prev_end = 0
    for c in chosen:
        if c.begin is None:
            window = text[max(prev_end, c.start - 30):c.start]
            m = _PREP_BEFORE.search(window)
            if m:
                word = re.sub(r"\s+", " ", (m["p"] or m["h"] or m["v"]).lower())
                q = _PREP_MAP.get(word)
                if q is not None:
                    c.start -= len(m.group(0))
                    c.qualifier = q
        prev_end = c.end
