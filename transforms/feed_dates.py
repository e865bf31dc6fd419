"""Dates as feeds write them -> tz-aware UTC, with the raw string kept and odd values flagged.

feedparser's date handling is not to be trusted blindly (see shared/newsroom/README.md): it
gives nothing for `Thu,28 Jul 2022 4:35:5 GMT+9` (Korea Times), `mer, 16 nov 2022 00:38:15
+0100` (Italian names) or `Seg, 24 Set 2018 ...` (Portuguese), reads `2020/1/10 14:33:00` as
1 November, and drops the `PM` of `Sat, Dec 16 2023 02:02:33 PM`. This parser reads:

* RFC 822 / 1123 and their sloppy relatives: any day name (or none, or no space after its
  comma), day and month in either order, month names in a dozen languages, one-digit hours,
  minutes and seconds, no seconds, AM/PM, zones as `+0100`, `+01:00`, `+1`, `GMT+9`,
  `UTC-03:00`, `Z`, `GMT`/`UT`/`UTC` and the common abbreviations (EST, CEST, JST, ...);
* ISO 8601 / RFC 3339 (`2026-02-17T17:36:36-0500`, fractions, `Z`) and the slashed form
  `2020/1/10 14:16:00`;
* whitespace and CDATA wrappers around any of these.

A date without a zone is read as UTC and flagged `no_timezone`. Flags (None when all is well):
`no_timezone`, `future` (more than a day after `now`), `implausible` (before 1990),
`invalid` (a date that does not exist, e.g. 31 February: value None) and `unparsed`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

__all__ = ["FeedDate", "parse_feed_date"]

FUTURE_TOLERANCE = timedelta(days=1)
EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class FeedDate:
    """A feed date: `value` in UTC (None when unreadable), the `raw` text, and a `flag`."""

    value: datetime | None
    raw: str | None
    flag: str | None = None


_MONTHS: dict[str, int] = {}


def _months(n: int, *names: str) -> None:
    for name in names:
        _MONTHS[name] = n


# Full names and usual abbreviations (accents removed, lower case). Three-letter prefixes of
# these are looked up too, so "sept." and "septembre" both work.
_months(1, "january", "jan", "janvier", "janv", "januar", "jänner", "janner", "enero", "ene",
        "gennaio", "gen", "janeiro", "januari", "styczen", "sty", "leden", "ocak", "oca",
        "tammikuu", "ianuarie", "ian")
_months(2, "february", "feb", "fevrier", "fevr", "fev", "februar", "febrero", "febbraio",
        "fevereiro", "februari", "luty", "lut", "unor", "subat", "sub", "helmikuu", "februarie")
_months(3, "march", "mar", "mars", "marz", "maerz", "mrz", "marzo", "marco", "maart", "mrt",
        "marzec", "brezen", "mart", "maaliskuu", "martie")
_months(4, "april", "apr", "avril", "avr", "abril", "abr", "aprile", "kwiecien", "kwi",
        "duben", "nisan", "nis", "huhtikuu", "aprilie")
_months(5, "may", "mai", "mayo", "maggio", "mag", "maio", "mei", "maj", "kveten", "mayis",
        "toukokuu")
_months(6, "june", "jun", "juin", "juni", "junio", "giugno", "giu", "junho", "czerwiec", "cze",
        "cerven", "haziran", "haz", "kesakuu", "iunie")
_months(7, "july", "jul", "juillet", "juil", "juli", "julio", "luglio", "lug", "julho",
        "lipiec", "lip", "cervenec", "temmuz", "tem", "heinakuu", "iulie")
_months(8, "august", "aug", "aout", "agosto", "ago", "augustus", "sierpien", "sie", "srpen",
        "agustos", "agu", "elokuu")
_months(9, "september", "sep", "sept", "septembre", "septiembre", "settembre", "set",
        "setembro", "wrzesien", "wrz", "zari", "eylul", "eyl", "syyskuu", "septembrie")
_months(10, "october", "oct", "octobre", "oktober", "okt", "octubre", "ottobre", "ott",
        "outubro", "out", "pazdziernik", "paz", "rijen", "ekim", "eki", "lokakuu", "octombrie")
_months(11, "november", "nov", "novembre", "noviembre", "novembro", "listopad", "lis", "kasim",
        "kas", "marraskuu", "noiembrie", "noi")
_months(12, "december", "dec", "decembre", "dezember", "dez", "diciembre", "dic", "dicembre",
        "dezembro", "grudzien", "gru", "prosinec", "aralik", "ara", "joulukuu", "decembrie")
_MONTH_PREFIX = {name[:3]: n for name, n in _MONTHS.items() if len(name) >= 3}
_MONTH_PREFIX.update({name: n for name, n in _MONTHS.items() if len(name) == 3})

# Offsets in hours of the zone abbreviations feeds use. Ambiguous ones take their most
# common meaning in news feeds (IST = India, CST = US Central, BST = British Summer Time).
_ZONES: dict[str, float] = {
    "gmt": 0, "ut": 0, "utc": 0, "z": 0, "wet": 0, "bst": 1, "west": 1, "cet": 1, "met": 1,
    "cest": 2, "mest": 2, "eet": 2, "eest": 3, "msk": 3, "ist": 5.5, "pkt": 5, "ict": 7,
    "wib": 7, "hkt": 8, "sgt": 8, "awst": 8, "cst": -6, "jst": 9, "kst": 9, "acst": 9.5,
    "aest": 10, "aedt": 11, "nzst": 12, "nzdt": 13, "est": -5, "edt": -4, "cdt": -5,
    "mst": -7, "mdt": -6, "pst": -8, "pdt": -7, "akst": -9, "akdt": -8, "hst": -10,
    "ast": -4, "adt": -3, "nst": -3.5, "ndt": -2.5, "art": -3, "brt": -3, "sast": 2,
    "eat": 3, "cat": 2, "wat": 1,
}

_ISO = re.compile(
    r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})"
    r"(?:[T\s]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{1,2})?$", re.I)
_DOTTED = re.compile(
    r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[\sT,]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$", re.I)
_COMPACT_ISO = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?)?\s*(Z|[+-]\d{4})?$", re.I)
_TIME = re.compile(r"^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,]\d+)?)?$")
_NUM_ZONE = re.compile(r"^(?:(gmt|utc|ut)?)([+-])(\d{1,2})(?::?(\d{2}))?$", re.I)
_TOKEN = re.compile(r"[+-]?\d+(?::\d+)*(?:[.,]\d+)?|[^\W\d_]+\.?|[+-]", re.U)


def _fold(word: str) -> str:
    """Lower case, no accents, no trailing dot: 'Févr.' -> 'fevr'."""
    word = unicodedata.normalize("NFKD", word.lower().rstrip("."))
    return "".join(ch for ch in word if not unicodedata.combining(ch))


def _month(word: str) -> int | None:
    key = _fold(word)
    return _MONTHS.get(key) or (_MONTH_PREFIX.get(key[:3]) if len(key) >= 3 else None)


def _clean(raw: str) -> str:
    text = raw.strip()
    if text.startswith("<![CDATA[") and text.endswith("]]>"):
        text = text[9:-3]
    return " ".join(text.split())


def parse_feed_date(raw: str | None, *, now: datetime | None = None) -> FeedDate:
    """Read a feed date. `now` (tz-aware) enables the `future` flag; transforms keep no clock."""
    if raw is None:
        return FeedDate(None, None, None)
    text = _clean(raw)
    if not text:
        return FeedDate(None, raw, None)
    try:
        parsed = _parse_iso(text) or _parse_rfc822ish(text)
    except ValueError:  # the fields were read but make no date (31 February, 25:00)
        return FeedDate(None, raw, "invalid")
    if parsed is None:
        return FeedDate(None, raw, "unparsed")
    value, has_zone = parsed
    flag = None if has_zone else "no_timezone"
    if value < EARLIEST_PLAUSIBLE:
        flag = "implausible"
    elif now is not None and value > now + FUTURE_TOLERANCE:
        flag = "future"
    return FeedDate(value, raw, flag)


def _offset(hours: float) -> timezone:
    return timezone(timedelta(minutes=round(hours * 60)))


def _zone_from(text: str) -> tuple[timezone, bool] | None:
    """A zone token: 'Z', '+0100', '+01:00', '-3', 'GMT+9', 'UTC-03:00', 'EST', ..."""
    if not text:
        return None
    low = text.lower()
    if low in _ZONES:
        return _offset(_ZONES[low]), True
    m = _NUM_ZONE.match(text)
    if m:
        sign = -1 if m.group(2) == "-" else 1
        digits = m.group(3)
        hours, minutes = int(digits), int(m.group(4) or 0)
        if hours > 14 or minutes > 59:
            return None
        return _offset(sign * (hours + minutes / 60)), True
    return None


def _parse_iso(text: str) -> tuple[datetime, bool] | None:
    m = _DOTTED.match(text)
    if m:  # 17.02.2026 10:00 (day first, as everywhere dots are used)
        d, mo, y, hh, mi, ss, zone = m.groups()
        return _build(y, mo, d, hh, mi, ss, 0, zone)
    m = _ISO.match(text) or None
    if m:
        y, mo, d, hh, mi, ss, frac, zone = m.groups()
        micro = int((frac or "0")[:6].ljust(6, "0"))
    else:
        m = _COMPACT_ISO.match(text)
        if not m:
            return None
        y, mo, d, hh, mi, ss, zone = m.groups()
        micro = 0
    return _build(y, mo, d, hh, mi, ss, micro, zone)


def _build(y, mo, d, hh, mi, ss, micro, zone) -> tuple[datetime, bool]:
    tz = None
    if zone:
        if zone.upper() == "Z":
            tz = timezone.utc
        else:
            z = zone.replace(":", "")
            sign = -1 if z[0] == "-" else 1
            digits = z[1:]
            hours, minutes = (int(digits[:2]), int(digits[2:])) if len(digits) == 4 else (int(digits), 0)
            if hours > 14 or minutes > 59:
                raise ValueError(f"bad offset {zone}")
            tz = _offset(sign * (hours + minutes / 60))
    value = datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0), micro,
                     tzinfo=tz or timezone.utc)
    return value.astimezone(timezone.utc), tz is not None


def _parse_rfc822ish(text: str) -> tuple[datetime, bool] | None:
    tokens = _TOKEN.findall(text.replace(",", " "))
    day = month = year = None
    hh = mi = ss = 0
    have_time = False
    ampm = None
    zone: tuple[timezone, bool] | None = None
    words_before_month: list[str] = []
    numbers: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        low = _fold(tok)
        tm = _TIME.match(tok)
        if tm and not have_time:
            hh, mi, ss = int(tm.group(1)), int(tm.group(2)), int(tm.group(3) or 0)
            have_time = True
        elif low in ("am", "pm", "a.m", "p.m"):
            ampm = low[0]
        elif tok[0] in "+-" and have_time and zone is None:
            zone = _zone_from(tok) or zone
        elif tok[0] in "+-" and len(tok) > 1 and tok[1:].isdigit() and not have_time:
            numbers.append(tok[1:])  # '16-Nov-2022'
        elif tok in ("+", "-"):
            pass
        elif low in ("gmt", "utc", "ut") and i + 1 < len(tokens) and tokens[i + 1][0] in "+-":
            zone = _zone_from(tok + tokens[i + 1])
            i += 1
        elif zone is None and low in _ZONES and (have_time if low == "z" else
                                                 have_time or month is not None):
            zone = _zone_from(low)
        elif tok.isdigit():
            numbers.append(tok)
        elif tok[0].isalpha():
            m = _month(tok) if month is None else None
            # A day name can look like a month prefix ('mar' is martes, Tuesday, in Spanish):
            # a word followed by more words that name a month is not the month.
            if m is not None and not _later_month(tokens[i + 1:]):
                month = m
            elif month is None:
                words_before_month.append(tok)
        i += 1
    if month is None:
        return None
    for num in numbers:
        n = int(num)
        if len(num) == 4 and year is None:
            year = n
        elif day is None and len(num) <= 2 and 1 <= n <= 31:
            day = n
        elif year is None and len(num) <= 2:
            year = 2000 + n if n < 70 else 1900 + n
    if day is None or year is None:
        return None
    if ampm:
        if not 1 <= hh <= 12:
            raise ValueError("AM/PM with an hour outside 1..12")
        hh = hh % 12 + (12 if ampm == "p" else 0)
    tz, has_zone = zone if zone else (timezone.utc, False)
    value = datetime(year, month, day, hh, mi, ss, tzinfo=tz)
    return value.astimezone(timezone.utc), has_zone


def _later_month(tokens: list[str]) -> bool:
    """Whether another month name follows before the time (so this word is a day name)."""
    for tok in tokens:
        if _TIME.match(tok):
            return False
        if tok[0].isalpha() and _month(tok) is not None and _fold(tok) not in _ZONES:
            return True
    return False
