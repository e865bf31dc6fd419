"""Quality gate on the PLOVER gold-standard sentences (../shared/bench/events, CC BY-SA 4.0).

Scored as bench/events.py scores them. Measured: event type 134/163 (0.822), source-actor
country 117/162 (0.722); the issue asks for 0.70 on both. Floors sit a little below what the
coder reaches; do not lower them silently.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.events import score_plover
from transforms.annotate import annotate_texts

TYPE_FLOOR = 0.80
ACTOR_FLOOR = 0.70


@pytest.fixture(scope="module")
def scored(shared_dir: Path) -> dict:
    path = shared_dir / "bench" / "events" / "plover_gsr_dev.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    anns = annotate_texts([r["text"] for r in rows])
    return score_plover(rows, [a.events for a in anns])


def test_event_type_accuracy(scored: dict) -> None:
    assert scored["type_accuracy"] >= TYPE_FLOOR, scored["by_type"]


def test_source_actor_accuracy(scored: dict) -> None:
    assert scored["actor_accuracy"] >= ACTOR_FLOOR


def test_every_type_is_found_somewhere(scored: dict) -> None:
    """No PLOVER type is wholly out of reach of the dictionary."""
    assert all(not hits.startswith("0/") for hits in scored["by_type"].values()), scored["by_type"]
