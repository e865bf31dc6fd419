"""Mood, modality and reported speech change the code, or make no event at all."""

from __future__ import annotations

from datetime import date

import pytest

from transforms.annotate import annotate_text
from transforms.contracts import Event

PUB = date(2022, 7, 14)


def events(text: str) -> tuple[Event, ...]:
    return annotate_text(text, published=PUB).events


def coded(text: str) -> set[tuple[str | None, str, str | None, str | None]]:
    return {(e.actor1_country, e.cameo_code, e.plover_type, e.actor2_country) for e in events(text)}


@pytest.mark.parametrize("text, expected", [
    # intent: offer / agree / "will" in the actor's own announcement -> 03x, PLOVER AGREE
    ("Russia offered to negotiate with Armenia.", ("RUS", "036", "AGREE", "ARM")),
    ("Jordan and Britain have agreed to undertake joint military exercises.", ("JOR", "0312", "AGREE", None)),
    ("Turkey will provide food aid to Iraq, officials said.", ("TUR", "033", "AGREE", "IRQ")),
    # threat: "threatened to", or a hostile act announced for the future
    ("Iran threatened to attack Israel.", ("IRN", "138", "THREATEN", "ISR")),
    ("Iran threatened to launch a new military offensive against Iraq.", ("IRN", "138", "THREATEN", "IRQ")),
    ("Nigeria announced that it will withdraw its troops from Chad unless Chad holds elections.",
     ("NGA", "130", "THREATEN", "TCD")),
    # refusal
    ("Israel refused to meet Egyptian officials.", ("ISR", "125", "REJECT", "EGY")),
    ("Syria says it will not accept any more refugees from Iraq.", ("SYR", "120", "REJECT", "IRQ")),
    ("Israel is opposed to French mediation.", ("ISR", "120", "REJECT", "FRA")),
    # reported speech that is the speaker's own act
    ("Russia said on Tuesday that Sudan must return the helicopter.", ("RUS", "100", "REQUEST", "SDN")),
    ("China demanded that the United States cancel the arms sale.", ("CHN", "100", "REQUEST", "USA")),
])
def test_mood_picks_the_code(text: str, expected: tuple) -> None:
    assert expected in coded(text)


def test_a_forecast_by_commentators_is_no_event() -> None:
    assert not events("Russia would invade Ukraine, analysts warned.")
    assert not events("Russia may invade Ukraine.")


def test_what_is_demanded_is_not_done() -> None:
    got = coded("Greece demanded that its European Community partners refuse to recognize Macedonia.")
    assert ("GRC", "100", "REQUEST", None) in got or any(c[1] == "100" for c in got)
    assert not any(c[1].startswith("12") for c in got)


def test_quoted_criticism_is_an_event_of_the_speaker() -> None:
    text = ('"Russia\'s appeal speaks more about Moscow\'s toxicity than anything else," '
            'Ukraine Foreign Minister Dmytro Kuleba said in a statement.')
    evs = [e for e in events(text) if e.cameo_code == "111"]
    assert [(e.actor1_entity_id, e.actor1_country, e.actor2_country, e.factuality) for e in evs] == [
        ("person:dmytro-kuleba", "UKR", "RUS", "reported")]


def test_media_quoting_is_not_criticism() -> None:
    assert not [e for e in events('"Russia\'s aggression is a crime," KCNA said.') if e.cameo_code == "111"]


def test_soldiers_killing_is_military_force() -> None:
    assert ("ISR", "190", "ASSAULT", "PSE") in coded("Israeli soldiers killed two Palestinians in Hebron.")
