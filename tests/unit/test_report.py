"""The report's pure parts: number formatting, links to SQL, charts, progress reporters."""

from __future__ import annotations

import io
import threading
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from rich.console import Console

from flows import progress
from flows.report import (DASH, QUERIES, chart_country_matrix, chart_event_map,
                          chart_events_over_time, chart_source_health, chart_top_entities,
                          format_ms, format_number, format_percent, matrix_countries,
                          number_link, time_bucket)
from warehouse.sql import load_sql

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("value, digits, text", [
    (None, None, DASH),
    (0, None, "0"),
    (1234567, None, "1,234,567"),
    (-20, None, "-20"),
    (12.0, None, "12"),
    (2.5, None, "2.50"),
    (2.5, 1, "2.5"),
    (0.83333, 2, "0.83"),
    (float("nan"), None, DASH),
    (Decimal("1234.5"), None, "1,234.50"),
    (True, None, "yes"),
    (date(2024, 4, 28), None, "2024-04-28"),
    (datetime(2024, 4, 28, 12, 30, tzinfo=timezone(timedelta(hours=2))), None,
     "2024-04-28 10:30 UTC"),
    ("abc", None, "abc"),
])
def test_format_number(value, digits, text):
    assert format_number(value, digits) == text


def test_format_percent_and_ms():
    assert format_percent(0.954) == "95.4%"
    assert format_percent(1) == "100.0%"
    assert format_percent(None) == DASH
    assert format_ms(85) == "85 ms"
    assert format_ms(1530.0) == "1.53 s"
    assert format_ms(None) == DASH


def test_number_link_points_at_its_sql_and_escapes():
    html = str(number_link(1234, "report_totals", "articles"))
    assert html == ('<a class="num" href="#sql-report_totals" title="from report_totals.sql" '
                    'data-key="articles" data-value="1234">1,234</a>')
    assert 'data-key="a&lt;b&gt;"' in str(number_link(1, "report_runs", "a<b>"))
    assert ">50.0%<" in str(number_link(0.5, "report_source_health", kind="percent"))
    assert "data-key" not in str(number_link(None, "report_runs"))


def test_every_query_has_its_sql_file():
    for name in QUERIES:
        assert "select" in load_sql(name).lower()


def _svg_root(svg: str) -> ET.Element:
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    return ET.fromstring(svg)


def _drawn(svg: str) -> int:
    root = _svg_root(svg)
    return sum(1 for el in root.iter() if el.tag in {f"{SVG}path", f"{SVG}use", f"{SVG}text",
                                                     f"{SVG}rect"})


QUAD_ROWS = [{"day": date(2024, 4, 27), "quad_class": 1, "events": 3},
             {"day": date(2024, 4, 28), "quad_class": 4, "events": 2},
             {"day": date(2024, 4, 28), "quad_class": None, "events": 1}]
PAIR_ROWS = [{"actor1_country": "RUS", "actor2_country": "UKR", "events": 3,
              "goldstein_sum": -15.0, "goldstein_avg": -5.0},
             {"actor1_country": "USA", "actor2_country": "UKR", "events": 1,
              "goldstein_sum": 4.0, "goldstein_avg": 4.0}]


@pytest.mark.parametrize("chart, rows", [
    (chart_events_over_time, QUAD_ROWS),
    (chart_country_matrix, PAIR_ROWS),
    (chart_top_entities, [{"name": "Ukraine", "mentions": 19}, {"name": "NATO", "mentions": 4}]),
    (chart_source_health, [{"source_id": "a", "fetches": 3, "ok": 2, "not_modified": 0,
                            "failures": 1}]),
    (chart_event_map, [{"lat": 50.45, "lon": 30.52, "events": 2}]),
])
def test_charts_draw_svg_for_small_data(chart, rows):
    svg = chart(rows)
    assert svg is not None and _drawn(svg) > 10
    assert "<?xml" not in svg and "DOCTYPE" not in svg


@pytest.mark.parametrize("chart", [chart_events_over_time, chart_country_matrix,
                                   chart_top_entities, chart_source_health, chart_event_map])
def test_charts_of_no_data_are_none(chart):
    assert chart([]) is None


def test_charts_without_anything_to_draw_are_none():
    assert chart_source_health([{"source_id": "a", "fetches": 0, "ok": 0, "not_modified": 0,
                                 "failures": 0}]) is None
    assert chart_event_map([{"lat": None, "lon": None, "events": 1}]) is None


def test_chart_ids_do_not_clash_between_charts():
    ids = []
    for svg in (chart_events_over_time(QUAD_ROWS), chart_country_matrix(PAIR_ROWS)):
        ids += [el.get("id") for el in _svg_root(svg).iter() if el.get("id")]
    assert len(ids) == len(set(ids))


def test_matrix_labels_count_events():
    svg = chart_country_matrix(PAIR_ROWS)
    texts = ["".join(el.itertext()) for el in _svg_root(svg).iter(f"{SVG}text")]
    assert "3" in texts and "1" in texts and "RUS" in texts and "UKR" in texts
    assert matrix_countries(PAIR_ROWS) == ["UKR", "RUS", "USA"]
    assert matrix_countries(PAIR_ROWS, limit=1) == ["UKR"]


def test_time_bucket_follows_the_span():
    d = date(2024, 1, 1)
    assert time_bucket([d]) == "day"
    assert time_bucket([d, d + timedelta(days=60)]) == "day"
    assert time_bucket([d, d + timedelta(days=400)]) == "month"
    assert time_bucket([d, d + timedelta(days=365 * 10)]) == "year"


def test_progress_is_silent_by_default_and_swapped_by_use():
    progress.advance("pages fetched", total=3)  # no reporter: nothing happens, nothing fails
    seen = []

    class Recorder:
        def advance(self, stage, n=1, total=None):
            seen.append((stage, n, total))

    with progress.use(Recorder()):
        progress.advance("feeds fetched", total=2)
    progress.advance("feeds fetched")
    assert seen == [("feeds fetched", 1, 2)]


def test_rich_progress_counts_from_threads_and_caps_at_total():
    console = Console(file=io.StringIO(), force_terminal=False)
    with progress.RichProgress(console, "running") as bars, progress.use(bars):
        progress.advance("pages processed", 0, total=10)
        threads = [threading.Thread(target=lambda: [progress.advance("pages fetched", total=40)
                                                    for _ in range(10)]) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for _ in range(3):
            progress.advance("pages processed", 4)
        progress.advance("feeds fetched")
    assert bars.completed() == {"pages processed": (10, 10), "pages fetched": (40, 40),
                                "feeds fetched": (1, None)}
    assert "pages fetched" in console.file.getvalue()
