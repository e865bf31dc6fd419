"""Resolve date expressions of a news sentence against the article's anchor date.

The anchor is the dateline's date (resolved with the publication year) or else the publication
date. Relative expressions ("on Wednesday", "last month", "in May") are read the way news
writing uses them: a bare weekday is the most recent such day on or before the anchor, a bare
month is in the anchor's year unless that would be in the future. An expression we cannot read
gives precision "unstated" and no date: a sentence without a date never gets the publication
date by default.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta

from transforms.contracts import Dateline

log = logging.getLogger(__name__)

PRECISIONS = ("day", "month", "year", "unstated")

_MONTHS: dict[str, int] = {}
for _i in range(1, 13):
    _MONTHS[calendar.month_name[_i].lower()] = _i
    _MONTHS[calendar.month_abbr[_i].lower()] = _i
_MONTHS["sept"] = 9
_WEEKDAYS = {calendar.day_name[i].lower(): i for i in range(7)}
_WEEKDAYS.update({calendar.day_abbr[i].lower(): i for i in range(7)})
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "several": None, "few": None}

_MONTH_RE = (r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
             r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY_RE = (r"(?P<weekday>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|"
               r"fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?")
_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")
_SLASH = re.compile(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})\b")
_MONTH_DAY = re.compile(_MONTH_RE + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{4}))?")
_DAY_MONTH = re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE
                        + r"(?:,?\s+(?P<year>\d{4}))?")
_MONTH_YEAR = re.compile(_MONTH_RE + r",?\s+(?:of\s+)?(?P<year>\d{4})\b")
_MONTH_ONLY = re.compile(r"^(?:(?:in|on|since|during|by|until|from|early|mid|late|the|end|of|"
                         r"beginning|start|middle|-|\s)+)?" + _MONTH_RE + r"$")
_YEAR = re.compile(r"^(?:(?:in|since|during|by|until|from|early|mid|late|the|end|of|"
                   r"beginning|start|middle|year|-|\s)+)?(?P<year>(?:1[89]|20)\d{2})$")
_WEEKDAY = re.compile(r"^(?:(?:on|this|last|past|early|late|-|\s)+)?" + _WEEKDAY_RE
                      + r"(?:\s+(?:morning|afternoon|evening|night))?$")
_NEXT_WEEKDAY = re.compile(r"^(?:next|coming|this coming)\s+" + _WEEKDAY_RE)
_AGO = re.compile(r"^(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
                  r"(?P<unit>day|week|month|year)s?\s+ago$")


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    """A date with its precision; `value` is the first day of the period, None when unstated."""

    value: date | None
    precision: str

    @property
    def stated(self) -> bool:
        return self.value is not None


UNSTATED = ResolvedDate(None, "unstated")


def anchor_date(published: date | None, dateline: Dateline | None = None) -> date | None:
    """The day relative expressions count from: the dateline's day if it reads, else `published`.

    A dateline day later than the publication date (time zones, late filing) is ignored when it
    is more than a day ahead; a dateline without a publication date cannot give a year.
    """
    if dateline is not None and dateline.date_text and published is not None:
        resolved = resolve_date(dateline.date_text, published)
        if resolved.precision == "day" and resolved.value is not None:
            if resolved.value <= published + timedelta(days=1):
                return resolved.value
    return published


def resolve_date(expression: str, anchor: date | None) -> ResolvedDate:
    """Read one date expression (a spaCy DATE span, with or without its preposition).

    Returns UNSTATED for vague spans ("recently", "last week", "the 1990s") and for relative
    expressions when there is no anchor.
    """
    text = " ".join(expression.lower().replace("\u2019", "'").split()).strip(" ,.")
    if not text:
        return UNSTATED
    resolved = _absolute(text, anchor) or _relative(text, anchor)
    if resolved is None:
        log.debug("unreadable date expression %r", expression)
        return UNSTATED
    return resolved


def temporal_status(resolved: ResolvedDate, anchor: date | None, *, perfect: bool = False) -> str:
    """"background" when the date lies before the anchor's week (day), month or year, else "current".

    With no stated date, the present perfect ("has expressed") marks background; a plain past
    or present without a date is taken as current news.
    """
    if resolved.value is None or anchor is None:
        return "background" if perfect else "current"
    if resolved.precision == "day":
        return "background" if resolved.value <= anchor - timedelta(days=7) else "current"
    if resolved.precision == "month":
        return "background" if (resolved.value.year, resolved.value.month) < (anchor.year, anchor.month) else "current"
    return "background" if resolved.value.year < anchor.year else "current"


# --- helpers --------------------------------------------------------------------------------

def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _infer_year(month: int, day: int | None, anchor: date | None) -> int | None:
    """A month (and day) without a year: the anchor's year, or the year before if that is later."""
    if anchor is None:
        return None
    candidate = _safe_date(anchor.year, month, day or 1)
    if candidate is None:
        return None
    if candidate > anchor + timedelta(days=1) and (day is not None or month > anchor.month):
        return anchor.year - 1
    return anchor.year


def _absolute(text: str, anchor: date | None) -> ResolvedDate | None:
    m = _ISO.search(text)
    if m:
        d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        return ResolvedDate(d, "day") if d else None
    m = _SLASH.search(text)
    if m:  # US order (month/day/year) unless the first number cannot be a month
        a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
        d = _safe_date(y, a, b) if a <= 12 else _safe_date(y, b, a)
        return ResolvedDate(d, "day") if d else None
    for rx in (_MONTH_DAY, _DAY_MONTH):
        m = rx.search(text)
        if m:
            month = _month_number(m["month"])
            day = int(m["day"])
            year = int(m["year"]) if m["year"] else _infer_year(month, day, anchor)
            if year is None:
                return None
            d = _safe_date(year, month, day)
            return ResolvedDate(d, "day") if d else None
    m = _MONTH_YEAR.search(text)
    if m:
        month = _month_number(m["month"])
        return ResolvedDate(date(int(m["year"]), month, 1), "month")
    m = _MONTH_ONLY.match(text)
    if m:
        month = _month_number(m["month"])
        year = _infer_year(month, None, anchor)
        return ResolvedDate(date(year, month, 1), "month") if year else None
    m = _YEAR.match(text)
    if m:
        return ResolvedDate(date(int(m["year"]), 1, 1), "year")
    return None


def _relative(text: str, anchor: date | None) -> ResolvedDate | None:
    if anchor is None:
        return None
    text = re.sub(r"^(?:on|in|from|since|by|until|during)\s+", "", text)
    if text in ("today", "this morning", "this afternoon", "this evening", "tonight", "earlier today"):
        return ResolvedDate(anchor, "day")
    if text in ("yesterday", "last night", "yesterday morning", "yesterday afternoon", "yesterday evening"):
        return ResolvedDate(anchor - timedelta(days=1), "day")
    if text in ("tomorrow", "tomorrow morning"):
        return ResolvedDate(anchor + timedelta(days=1), "day")
    if text in ("the day before yesterday",):
        return ResolvedDate(anchor - timedelta(days=2), "day")
    if text in ("this month", "earlier this month", "later this month", "the current month"):
        return ResolvedDate(anchor.replace(day=1), "month")
    if text in ("last month", "the previous month", "the past month", "a month ago", "early last month",
                "late last month", "earlier last month", "end of last month", "the end of last month"):
        first = anchor.replace(day=1)
        return ResolvedDate((first - timedelta(days=1)).replace(day=1), "month")
    if text in ("next month",):
        first = anchor.replace(day=28) + timedelta(days=4)
        return ResolvedDate(first.replace(day=1), "month")
    if text in ("this year", "earlier this year", "later this year", "the current year"):
        return ResolvedDate(date(anchor.year, 1, 1), "year")
    if text in ("last year", "the previous year", "the past year", "a year ago", "early last year",
                "late last year", "earlier last year"):
        return ResolvedDate(date(anchor.year - 1, 1, 1), "year")
    if text in ("next year",):
        return ResolvedDate(date(anchor.year + 1, 1, 1), "year")
    m = _NEXT_WEEKDAY.match(text)
    if m:
        wd = _WEEKDAYS[_weekday_key(m["weekday"])]
        delta = (wd - anchor.weekday()) % 7 or 7
        return ResolvedDate(anchor + timedelta(days=delta), "day")
    m = _WEEKDAY.match(text)
    if m:
        wd = _WEEKDAYS[_weekday_key(m["weekday"])]
        delta = (anchor.weekday() - wd) % 7
        if text.startswith("last ") and delta == 0:
            delta = 7
        return ResolvedDate(anchor - timedelta(days=delta), "day")
    m = _AGO.match(text)
    if m:
        n = _NUMBERS.get(m["n"], None) if not m["n"].isdigit() else int(m["n"])
        if n is None:
            return None
        unit = m["unit"]
        if unit == "day":
            return ResolvedDate(anchor - timedelta(days=n), "day")
        if unit == "week":
            return ResolvedDate(anchor - timedelta(days=7 * n), "day")
        if unit == "month":
            y, mo = divmod(anchor.year * 12 + anchor.month - 1 - n, 12)
            return ResolvedDate(date(y, mo + 1, 1), "month")
        return ResolvedDate(date(anchor.year - n, 1, 1), "year")
    return None


def _month_number(token: str) -> int:
    token = token.rstrip(".")
    return _MONTHS[token] if token in _MONTHS else _MONTHS[token[:3]]


def _weekday_key(token: str) -> str:
    token = token.rstrip(".")
    return token if token in _WEEKDAYS else token[:3]
