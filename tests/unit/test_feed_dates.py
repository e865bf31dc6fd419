"""transforms.feed_dates: every date form in the newsroom feeds, the odd ones by file."""

from __future__ import annotations

import calendar
import glob
from datetime import datetime, timezone

import feedparser
import pytest
from hypothesis import given, strategies as st

from tests.conftest import SHARED
from transforms.feed_dates import parse_feed_date

NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("raw,expected,flag", [
    # koreatimes-2022.xml: no space after the comma, one-digit fields, GMT+9
    ("Thu,28 Jul 2022 4:35:5 GMT+9", _utc(2022, 7, 27, 19, 35, 5), None),
    # nbcnewyork-snippet.xml: month before day, 12-hour clock, no zone
    ("Sat, Dec 16 2023 02:02:33 PM", _utc(2023, 12, 16, 14, 2, 33), "no_timezone"),
    # ilmessaggero-mondo-snippet.xml: Italian day and month names
    ("mer, 16 nov 2022 00:38:15 +0100", _utc(2022, 11, 15, 23, 38, 15), None),
    # kc0011-gb18030.xml: slashes, one-digit month, no zone (feedparser says 1 November)
    ("2020/1/10 14:16:00", _utc(2020, 1, 10, 14, 16), "no_timezone"),
    # uol-noticias-nodecl.xml: Portuguese names
    ("Seg, 24 Set 2018 19:42:40 -0300", _utc(2018, 9, 24, 22, 42, 40), None),
    # ilgiornale-cronache-snippet.xml: a bare Z zone
    ("Tue, 15 Nov 2022 20:15:04 Z", _utc(2022, 11, 15, 20, 15, 4), None),
    # medscape-family-medicine.xml: two spaces before EST
    ("Wed, 5 Nov 2025 13:52:10  EST", _utc(2025, 11, 5, 18, 52, 10), None),
    # ndtv-search.xml lastBuildDate: CDATA and spaces
    ("  <![CDATA[ Wed, 18 Feb 2026 07:28:13 +0530 ]]>  ", _utc(2026, 2, 18, 1, 58, 13), None),
    # nasa-breaking-news-snippet.xml: no seconds, EDT
    ("Thu, 01 Aug 2019 16:15 EDT", _utc(2019, 8, 1, 20, 15), None),
    # al-monitor.xml: ISO 8601 with an offset without a colon
    ("2026-02-17T17:36:36-0500", _utc(2026, 2, 17, 22, 36, 36), None),
    # reddit / heise style
    ("2016-02-01T16:22:00.000Z", _utc(2016, 2, 1, 16, 22), None),
    ("2016-02-01T17:22:00+01:00", _utc(2016, 2, 1, 16, 22), None),
    # more of the same family
    ("mar, 16 nov 2022 00:38:15 +0100", _utc(2022, 11, 15, 23, 38, 15), None),  # martes, not March
    ("Dec 16, 2023 9:05 AM", _utc(2023, 12, 16, 9, 5), "no_timezone"),
    ("Sat, 12 Dec 2023 12:30:00 AM", _utc(2023, 12, 12, 0, 30), "no_timezone"),
    ("16-Nov-2022 10:00 +0100", _utc(2022, 11, 16, 9), None),
    ("17.02.2026 10:00", _utc(2026, 2, 17, 10), "no_timezone"),
    ("Mi, 18 Feb 2026 07:28:13 MEZ +0100", _utc(2026, 2, 18, 6, 28, 13), None),
    ("Wed, 02 Oct 02 13:00:00 GMT", _utc(2002, 10, 2, 13), None),
    ("Sun, 17 Jan 2021 23:46:22 +0100 (CET)", _utc(2021, 1, 17, 22, 46, 22), None),
    ("Fri, 19 May 2017 21:05:02 +0530", _utc(2017, 5, 19, 15, 35, 2), None),
    ("20260217T101500Z", _utc(2026, 2, 17, 10, 15), None),
])
def test_odd_forms(raw, expected, flag):
    got = parse_feed_date(raw, now=NOW)
    assert got.value == expected and got.flag == flag and got.raw == raw
    assert got.value.tzinfo is not None and got.value.utcoffset().total_seconds() == 0


@pytest.mark.parametrize("raw,flag", [
    ("31 Feb 2022 10:00 GMT", "invalid"), ("2022-13-01T00:00:00Z", "invalid"),
    ("Tue, 17 Feb 2026 25:03:07 GMT", "invalid"), ("yesterday", "unparsed"),
    ("", None), ("0000-00-00 00:00:00", "invalid"),
])
def test_impossible_and_unreadable_dates_have_no_value(raw, flag):
    got = parse_feed_date(raw, now=NOW)
    assert got.value is None and got.flag == flag and got.raw == raw


def test_future_and_implausible_dates_are_flagged():
    assert parse_feed_date("Tue, 17 Feb 2099 18:03:07 GMT", now=NOW).flag == "future"
    assert parse_feed_date("Sun, 01 Mar 2026 20:00:00 GMT", now=NOW).flag is None  # within a day
    assert parse_feed_date("Thu, 01 Jan 1970 00:00:00 +0000", now=NOW).flag == "implausible"
    assert parse_feed_date("Tue, 17 Feb 2099 18:03:07 GMT").flag is None  # no clock, no judgement


def test_missing():
    got = parse_feed_date(None)
    assert got.value is None and got.raw is None and got.flag is None


def _corpus_dates() -> list[tuple[str, str]]:
    out = []
    for path in sorted(glob.glob(str(SHARED / "newsroom" / "feeds" / "*.xml"))):
        data = open(path, "rb").read()
        if data[:2] == b"\x1f\x8b":
            continue
        doc = feedparser.parse(data)
        for e in doc.entries:
            for key in ("published", "updated"):
                if e.get(key):
                    out.append((path.rsplit("/", 1)[1], e[key], e.get(f"{key}_parsed")))
    return out


def test_every_date_in_the_corpus_is_read_and_agrees_with_feedparser_where_it_is_right(shared_dir):
    dates = _corpus_dates()
    assert len(dates) > 1500
    wrong_in_feedparser = {"kc0011-gb18030.xml", "nbcnewyork-snippet.xml"}
    agree = 0
    for name, raw, struct in dates:
        got = parse_feed_date(raw, now=NOW)
        assert got.value is not None and got.flag in (None, "no_timezone"), (name, raw)
        if struct and name not in wrong_in_feedparser:
            assert got.value == datetime.fromtimestamp(calendar.timegm(struct), tz=timezone.utc), (name, raw)
            agree += 1
    assert agree > 1500


@given(st.datetimes(min_value=datetime(1990, 1, 2), max_value=datetime(2090, 1, 1)),
       st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: m - m % 15))
def test_rfc822_and_iso_round_trip(dt, offset_minutes):
    from datetime import timedelta
    from email.utils import format_datetime
    tz = timezone(timedelta(minutes=offset_minutes))
    aware = dt.replace(microsecond=0, tzinfo=tz)
    for raw in (format_datetime(aware), aware.isoformat()):
        got = parse_feed_date(raw)
        assert got.value == aware and got.flag is None, raw
