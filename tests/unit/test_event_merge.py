"""Within-article de-duplication, on coded events built by hand (no parsing)."""

from __future__ import annotations

from datetime import date

from transforms.contracts import Event
from transforms.dates import ResolvedDate
from transforms.event_merge import Coded, DatedClause, compatible, merge_events

ANCHOR = date(2022, 7, 14)


def _event(idx: int, code: str = "054", a1: str = "country:PRK", a2: str | None = "group:dpr",
           when: date | None = None, precision: str = "unstated") -> Event:
    return Event(a1, None, a1.split(":")[1].upper()[:3] if a1.startswith("country:") else None, None,
                 a2, None, None, None, code, code[:2], 1, 6.0, "SUPPORT", None, when, precision, None, None, None,
                 idx, f"sentence {idx}", idx * 100, idx * 100 + 50, "current", "reported", 0.8)


def _coded(idx: int, source: str | None = None, **kw) -> Coded:
    ev = _event(idx, **kw)
    return Coded(ev, ev.actor1_entity_id, ev.actor2_entity_id, source)


def test_compatible_dates() -> None:
    day, month = ResolvedDate(date(2022, 7, 13), "day"), ResolvedDate(date(2022, 7, 1), "month")
    assert compatible(day, month) and compatible(day, ResolvedDate(None, "unstated"))
    assert not compatible(day, ResolvedDate(date(2022, 6, 1), "month"))


def test_retelling_is_one_event_with_the_first_evidence() -> None:
    out = merge_events([_coded(0), _coded(2), _coded(5)], ANCHOR)
    assert len(out) == 1 and out[0].sentence_idx == 0 and out[0].confidence > 0.8


def test_a_retelling_lends_its_own_date_over_the_report_date() -> None:
    first = _coded(0, "report", when=date(2022, 7, 14), precision="day")
    later = _coded(3, "own", when=date(2022, 7, 13), precision="day")
    (ev,) = merge_events([first, later], ANCHOR)
    assert (ev.event_date, ev.sentence_idx) == (date(2022, 7, 13), 0)


def test_report_date_bounds_the_act() -> None:
    """A February act is not the act reported on Thursday."""
    reported = _coded(0, "report", when=date(2022, 7, 14), precision="day")
    old = _coded(4, "own", when=date(2022, 2, 1), precision="month")
    assert len(merge_events([reported, old], ANCHOR)) == 2


def test_nearby_clause_dates_a_reported_act() -> None:
    reported = _coded(0, "report", when=date(2022, 7, 14), precision="day")
    letters = DatedClause(1, frozenset({"state:PRK"}), frozenset({"group:dpr", "person:choe"}),
                          ResolvedDate(date(2022, 7, 13), "day"))
    elsewhere = DatedClause(1, frozenset({"state:SYR"}), frozenset({"group:dpr"}),
                            ResolvedDate(date(2022, 7, 12), "day"))
    (ev,) = merge_events([reported], ANCHOR, [elsewhere, letters])
    assert (ev.event_date, ev.date_precision) == (date(2022, 7, 13), "day")
    far = DatedClause(9, frozenset({"state:PRK"}), frozenset({"group:dpr"}), ResolvedDate(date(2022, 7, 13), "day"))
    (ev,) = merge_events([_coded(0, "report", when=date(2022, 7, 14), precision="day")], ANCHOR, [far])
    assert ev.event_date == date(2022, 7, 14)


def test_bare_event_gives_way_to_its_twin_with_a_target() -> None:
    out = merge_events([_coded(0, a2=None), _coded(1, a2="country:UKR")], ANCHOR)
    assert [e.actor2_entity_id for e in out] == ["country:UKR"]


def test_different_targets_stay_apart() -> None:
    out = merge_events([_coded(0, a2="group:dpr"), _coded(0, a2="group:lpr")], ANCHOR)
    assert len(out) == 2
