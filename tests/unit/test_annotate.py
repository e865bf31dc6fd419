"""The public API the pipeline calls: batch in, one Annotation per text, deterministic."""

from __future__ import annotations

from datetime import date

import pytest

from transforms.annotate import annotate_text, annotate_texts
from transforms.contracts import Annotation, Dateline

TEXTS = [
    "On Wednesday, Kiev announced that it was severing diplomatic ties with North Korea.",
    "",
    "The weather was fine. Nothing happened in the village.",
    "Russia's invasion of Ukraine began in February.\nNATO condemned Russia on Friday.",
]


def test_batch_lines_up_with_inputs() -> None:
    anns = annotate_texts(TEXTS, published=[date(2022, 7, 14)] * 4, datelines=[None] * 4, batch_size=2)
    assert len(anns) == len(TEXTS) and all(isinstance(a, Annotation) for a in anns)
    assert anns[1] == Annotation((), (), ())
    assert not anns[2].events
    assert [e.cameo_code for e in anns[0].events] == ["161"]
    assert {e.cameo_code for e in anns[3].events} == {"192", "111"}
    assert annotate_texts([]) == []


def test_single_text_is_a_batch_of_one() -> None:
    dl = Dateline(place="KYIV", date_text="July 14", agency="AP", raw="KYIV, July 14 (AP) --")
    one = annotate_text(TEXTS[0], published=date(2022, 7, 15), dateline=dl)
    batch = annotate_texts([TEXTS[0]], published=[date(2022, 7, 15)], datelines=[dl])[0]
    assert one == batch
    assert one.events[0].event_date == date(2022, 7, 13)  # Wednesday before the dateline's Thursday


def test_output_is_deterministic_and_ordered() -> None:
    a = annotate_texts(TEXTS, published=[date(2022, 7, 14)] * 4)
    b = annotate_texts(list(reversed(TEXTS)), published=[date(2022, 7, 14)] * 4)
    assert a == list(reversed(b))
    for ann in a:
        starts = [(m.start_char, m.end_char) for m in ann.mentions]
        assert starts == sorted(starts)
        assert [e.start_char for e in ann.events] == sorted(e.start_char for e in ann.events)


def test_mentions_and_entities_agree() -> None:
    ann = annotate_texts(TEXTS)[3]
    text = TEXTS[3]
    entity_ids = [e.entity_id for e in ann.entities]
    assert len(entity_ids) == len(set(entity_ids))
    assert {m.entity_id for m in ann.mentions} <= set(entity_ids)
    for m in ann.mentions:
        assert text[m.start_char:m.end_char] == m.surface
        assert 0 < m.confidence <= 1
    for e in ann.entities:
        assert set(e.aliases) == {m.surface for m in ann.mentions if m.entity_id == e.entity_id}
    assert [m.sentence_idx for m in ann.mentions if m.surface == "NATO"] == [1]


def test_every_event_actor_is_an_entity() -> None:
    text = "Lviv police arrested Russian saboteurs on Friday."  # acts for country:UKR, never named
    ann = annotate_texts([text])[0]
    assert [(e.actor1_entity_id, e.actor1_role, e.actor2_entity_id) for e in ann.events] == [
        ("country:UKR", "COP", "country:RUS")]
    known = {e.entity_id for e in ann.entities}
    for ev in ann.events:
        for eid in (ev.actor1_entity_id, ev.actor2_entity_id, ev.location_entity_id):
            assert eid is None or eid in known


def test_without_dates_nothing_is_dated() -> None:
    ann = annotate_texts([TEXTS[0]])[0]
    assert ann.events[0].event_date is None and ann.events[0].date_precision == "unstated"


def test_misaligned_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        annotate_texts(TEXTS, published=[None])
    with pytest.raises(ValueError):
        annotate_texts(TEXTS, datelines=[None, None])
