"""Within-article de-duplication: the same event told several times is one event.

A caption, the lead, a quote and a later paragraph often retell one act. Two coded events are one
when their actor1 is the same state actor (a country and its officials are one: "North Korea" and
"Pyongyang's Foreign Minister Choe"), the CAMEO code is the same, the targets agree (or the later
one has none) and the dates are compatible (equal at the coarser precision, or one is unstated).
The first telling keeps its evidence sentence; each repeat raises the confidence a little and
lends a date the first one lacked. A date that only came from the report ("state media announced
Thursday") gives way to the act's own date, from a retelling or from a nearby sentence where the
same actor acts on the same target with a date of its own ("Choe sent letters to her
counterparts in Donetsk and Lugansk on Wednesday").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from transforms.contracts import Event
from transforms.dates import ResolvedDate, temporal_status

_PRECISION_ORDER = {"day": 0, "month": 1, "year": 2}


def state_key(entity_id: str | None, country: str | None, role: str | None, key: str | None) -> str | None:
    """A country and its government officials are one actor when merging repeats of an event."""
    if country and ((entity_id or "").startswith("country:") or role == "GOV"):
        return f"state:{country}"
    return key


@dataclass(slots=True)
class Coded:
    """An event as coded from one sentence, with what merging needs to know about it."""

    event: Event
    actor1_key: str | None
    actor2_key: str | None
    date_source: str | None = None     # "own" (the act's clause), "report" (the reporting verb), None
    perfect: bool = False
    repeats: int = 0
    sentences: list[int] = field(default_factory=list)   # every sentence that tells it

    @property
    def actor1_state(self) -> str | None:
        e = self.event
        return state_key(e.actor1_entity_id, e.actor1_country, e.actor1_role, self.actor1_key)

    @property
    def actor2_state(self) -> str | None:
        e = self.event
        if self.actor2_key is None:
            return None
        return state_key(e.actor2_entity_id, e.actor2_country, e.actor2_role, self.actor2_key)


@dataclass(slots=True)
class DatedClause:
    """A clause with its own date: who acts in it and which entities it mentions."""

    sentence_idx: int
    actor_states: frozenset[str]
    entity_ids: frozenset[str]
    date: ResolvedDate = field(default_factory=lambda: ResolvedDate(None, "unstated"))


def compatible(a: ResolvedDate, b: ResolvedDate) -> bool:
    if a.value is None or b.value is None:
        return True
    coarse, fine = (a, b) if _PRECISION_ORDER[a.precision] >= _PRECISION_ORDER[b.precision] else (b, a)
    if coarse.precision == "year":
        return fine.value.year == coarse.value.year
    if coarse.precision == "month":
        return (fine.value.year, fine.value.month) == (coarse.value.year, coarse.value.month)
    return fine.value == coarse.value


def _same(k: Coded, item: Coded) -> bool:
    if k.actor1_state != item.actor1_state or k.event.cameo_code != item.event.cameo_code:
        return False
    if not (k.actor2_state == item.actor2_state or item.actor2_key is None):
        return False
    a = ResolvedDate(k.event.event_date, k.event.date_precision)
    b = ResolvedDate(item.event.event_date, item.event.date_precision)
    for x, y, source in ((a, b, k.date_source), (b, a, item.date_source)):
        if source == "report" and x.value is not None and y.value is not None:
            # a report's date only bounds the act: it happened in the week up to the report
            return x.value - timedelta(days=7) <= y.value <= x.value
    return compatible(a, b)


def _with_date(item: Coded, resolved: ResolvedDate, source: str, anchor: date | None) -> None:
    item.event = replace(item.event, event_date=resolved.value, date_precision=resolved.precision,
                         temporal=temporal_status(resolved, anchor, perfect=item.perfect))
    item.date_source = source


def merge_events(coded: Sequence[Coded], anchor: date | None,
                 clauses: Sequence[DatedClause] = ()) -> list[Event]:
    """One event per (actor1, code, actor2) with compatible dates; the first evidence sentence is kept."""
    kept: list[Coded] = []
    for item in coded:
        match = next((k for k in kept if _same(k, item)), None)
        if match is None:
            kept.append(item)
            continue
        match.repeats += 1
        match.sentences.append(item.event.sentence_idx)
        match.event = replace(match.event, confidence=round(min(match.event.confidence + 0.05, 0.95), 3))
        if item.event.event_date is not None and (match.event.event_date is None or
                                                  (match.date_source == "report" and item.date_source == "own")):
            _with_date(match, ResolvedDate(item.event.event_date, item.event.date_precision),
                       item.date_source or "own", anchor)
    for k in kept:
        if k.date_source == "report":
            _date_from_nearby_clause(k, clauses, anchor)
    # an event with no target whose twin with a target came later: drop the bare one
    out = []
    for k in kept:
        if k.actor2_key is None and any(o is not k and o.actor1_state == k.actor1_state and
                                        o.event.cameo_code == k.event.cameo_code and o.actor2_key for o in kept):
            continue
        out.append(k.event)
    return out


def _date_from_nearby_clause(item: Coded, clauses: Sequence[DatedClause], anchor: date | None) -> None:
    """A reported act takes the date of a nearby clause where the same actor acts on the same target."""
    ev = item.event
    reported = ev.event_date
    if reported is None or ev.actor2_entity_id is None or item.actor1_state is None:
        return
    told = [ev.sentence_idx, *item.sentences]
    for clause in clauses:
        if min(abs(clause.sentence_idx - i) for i in told) > 2 or clause.date.value is None:
            continue
        if item.actor1_state not in clause.actor_states or ev.actor2_entity_id not in clause.entity_ids:
            continue
        if not (reported - timedelta(days=7) <= clause.date.value <= reported):
            continue
        _with_date(item, clause.date, "own", anchor)
        return


__all__ = ["Coded", "DatedClause", "compatible", "merge_events", "state_key"]
