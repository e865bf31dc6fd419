"""Extraction-quality gate (trafilatura-style): scores may not drop below the pinned floors.

Body text: the extract stage as the pipeline calls it (transforms.article.read_article) on all
181 pages of ../shared/bench/extraction, scored with that benchmark's own metric (token
4-gram shingles, per-page precision/recall averaged, F1), as bench/extraction.py does; about
10 CPU-seconds, so the whole set is scored. Metadata: title exact match, publication day and
author set on the 68 Fundus-curated pages of ../shared/newsroom.

The floors live in tests/unit/extraction_floor.json with the history of every pin; see the
`how_to_repin` note there. A floor is only ever raised; lowering one needs a `reason` in the
history entry, and the test below checks that rule. Speed is measured by the bench, never here.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import REPO

FLOOR_FILE = Path(__file__).with_name("extraction_floor.json")
FIELDS = ("body_f1", "fundus_title", "fundus_date", "fundus_authors")


def _bench() -> ModuleType:
    """bench/extraction.py (a script, not a package): the metric is defined there, once."""
    name = "newsetl_bench_extraction"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "bench" / "extraction.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def _floors() -> dict[str, Any]:
    return json.loads(FLOOR_FILE.read_text("utf-8"))


def test_floor_history_never_drops_silently() -> None:
    pins = _floors()["history"]
    assert pins, "extraction_floor.json has no pins"
    for previous, current in zip(pins, pins[1:], strict=False):
        for field in FIELDS:
            if current[field] < previous[field]:
                assert current.get("reason"), (
                    f"{field} lowered from {previous[field]} to {current[field]} on {current['date']} "
                    "without a reason in extraction_floor.json")
    assert {field: pins[-1][field] for field in FIELDS} == {field: _floors()["floors"][field] for field in FIELDS}, \
        "the floors in force must be the last pin of the history"


@pytest.fixture(scope="module")
def bench(shared_dir: Path) -> ModuleType:
    module = _bench()
    assert module.BENCH_DIR == shared_dir / "bench" / "extraction"
    return module


def test_body_f1_floor(bench: ModuleType) -> None:
    pages = bench.load_bench(None)
    assert len(pages) == 181
    scores = [bench.score_page(truth, bench.newsetl_text(data, url)) for _pid, url, data, truth in pages]
    precision, recall, f1 = bench.aggregate(scores)
    floor = _floors()["floors"]["body_f1"]
    assert f1 >= floor, f"body F1 {f1:.4f} (P {precision:.4f}, R {recall:.4f}) fell below the pinned {floor}"


def test_fundus_metadata_floors(bench: ModuleType) -> None:
    cases = bench.load_fundus()
    assert len(cases) == 68
    got = [bench.newsetl_meta(data, url) for _path, url, data, _exp in cases]
    title = [bench.norm_title(m.title) == bench.norm_title(exp["title"]) for (*_, exp), m in zip(cases, got, strict=True)]
    authors = [{bench.norm_author(a) for a in m.authors} == {bench.norm_author(a) for a in exp["authors"] or []}
               for (*_, exp), m in zip(cases, got, strict=True)]
    dates = [bench.day_matches(exp["published"], m.published)
             for (*_, exp), m in zip(cases, got, strict=True) if exp["published"]]
    rates = {"fundus_title": sum(title) / len(title), "fundus_date": sum(dates) / len(dates),
             "fundus_authors": sum(authors) / len(authors)}
    floors = _floors()["floors"]
    low = {k: f"{v:.4f} < {floors[k]}" for k, v in rates.items() if v < floors[k]}
    assert not low, f"metadata below the pinned floors: {low}"
