"""Date expressions resolve against the anchor the way news writing uses them; unreadable ones stay unstated."""

from __future__ import annotations

from datetime import date

import pytest

from transforms.contracts import Dateline
from transforms.dates import UNSTATED, ResolvedDate, anchor_date, resolve_date, temporal_status

THU = date(2022, 7, 14)  # the seed's publication day, a Thursday


@pytest.mark.parametrize("expr, value, precision", [
    ("Thursday", date(2022, 7, 14), "day"),            # the anchor's own weekday is that day
    ("on Wednesday", date(2022, 7, 13), "day"),
    ("Friday", date(2022, 7, 8), "day"),               # most recent Friday on or before the anchor
    ("Wednesday night", date(2022, 7, 13), "day"),
    ("last Thursday", date(2022, 7, 7), "day"),
    ("next Monday", date(2022, 7, 18), "day"),
    ("yesterday", date(2022, 7, 13), "day"),
    ("today", date(2022, 7, 14), "day"),
    ("three days ago", date(2022, 7, 11), "day"),
    ("Last month", date(2022, 6, 1), "month"),
    ("this month", date(2022, 7, 1), "month"),
    ("In May", date(2022, 5, 1), "month"),
    ("In February", date(2022, 2, 1), "month"),
    ("early February", date(2022, 2, 1), "month"),
    ("in December", date(2021, 12, 1), "month"),       # would be in the future: the year before
    ("last year", date(2021, 1, 1), "year"),
    ("in 2014", date(2014, 1, 1), "year"),
    ("2014", date(2014, 1, 1), "year"),
    ("May 2021", date(2021, 5, 1), "month"),
    ("July 14", date(2022, 7, 14), "day"),
    ("Dec. 5, 2021", date(2021, 12, 5), "day"),
    ("5 September 2020", date(2020, 9, 5), "day"),
    ("Sept. 3", date(2021, 9, 3), "day"),
    ("2022-07-13", date(2022, 7, 13), "day"),
    ("07/04/2021", date(2021, 7, 4), "day"),
])
def test_resolves(expr: str, value: date, precision: str) -> None:
    assert resolve_date(expr, THU) == ResolvedDate(value, precision)


@pytest.mark.parametrize("expr", ["recently", "last week", "the 1990s", "since then", "", "decades", "soon"])
def test_vague_expressions_are_unstated(expr: str) -> None:
    assert resolve_date(expr, THU) == UNSTATED


def test_relative_without_anchor_is_unstated_but_absolute_reads() -> None:
    assert resolve_date("on Wednesday", None) == UNSTATED
    assert resolve_date("in May", None) == UNSTATED
    assert resolve_date("May 5, 2021", None) == ResolvedDate(date(2021, 5, 5), "day")
    assert resolve_date("in 2014", None) == ResolvedDate(date(2014, 1, 1), "year")


def test_anchor_prefers_the_dateline_day() -> None:
    dl = Dateline(place="SEOUL", date_text="July 14", agency="UPI", raw="SEOUL, July 14 (UPI) --")
    assert anchor_date(date(2022, 7, 14), dl) == date(2022, 7, 14)
    assert anchor_date(date(2022, 7, 15), dl) == date(2022, 7, 14)   # filed the day before publication
    assert anchor_date(None, dl) is None                               # no year to put it in
    assert anchor_date(date(2022, 7, 14), None) == date(2022, 7, 14)
    undated = Dateline(place="KYIV", date_text=None, agency="AP", raw="KYIV (AP) --")
    assert anchor_date(date(2022, 7, 14), undated) == date(2022, 7, 14)


def test_temporal_status() -> None:
    assert temporal_status(ResolvedDate(date(2022, 7, 13), "day"), THU) == "current"
    assert temporal_status(ResolvedDate(date(2022, 7, 1), "day"), THU) == "background"
    assert temporal_status(ResolvedDate(date(2022, 7, 1), "month"), THU) == "current"
    assert temporal_status(ResolvedDate(date(2022, 6, 1), "month"), THU) == "background"
    assert temporal_status(ResolvedDate(date(2014, 1, 1), "year"), THU) == "background"
    assert temporal_status(UNSTATED, THU) == "current"
    assert temporal_status(UNSTATED, THU, perfect=True) == "background"
