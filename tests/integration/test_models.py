"""Models on a temp warehouse: incremental marts equal a full rebuild, co-occurrence, the GDELT view."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from tests.integration.test_db import (  # noqa: F401 - fixtures
    FIXTURE,
    _article,
    _mention,
    con,
    db_path,
    loaded,
    migrated_template,
    write_fixture,
)
from warehouse import db, models

MARTS = models.INCREMENTAL + (models.STORY_EVENTS,)


def _snapshot(con) -> dict[str, list[tuple]]:
    return {name: con.execute(f"select * from {name} order by all").fetchall() for name in MARTS}


def _assert_incremental_equals_full(con) -> dict[str, list[tuple]]:
    incremental = _snapshot(con)
    db.build_models(con)  # views + a full rebuild of the incremental tables
    assert _snapshot(con) == incremental
    return incremental


@pytest.mark.parametrize("max_ranges,gap,max_story_articles", [
    (db.MAX_ROWID_RANGES, db.ROWID_RANGE_GAP, models.MAX_STORY_ARTICLES), (48, 0, 1), (0, 0, 0)],
    ids=["defaults", "one-range-per-row", "one-pass-every-event"])
def test_incremental_marts_equal_a_full_rebuild_across_loads(loaded, tmp_path, monkeypatch, max_ranges, gap,
                                                             max_story_articles):
    # a changed article's old mentions are read by rowid range or, past MAX_ROWID_RANGES, in a
    # pass; fct_story_events regroups its candidates' events or, past MAX_STORY_ARTICLES, all
    monkeypatch.setattr(db, "MAX_ROWID_RANGES", max_ranges)
    monkeypatch.setattr(db, "ROWID_RANGE_GAP", gap)
    monkeypatch.setattr(models, "MAX_STORY_ARTICLES", max_story_articles)
    first = _assert_incremental_equals_full(loaded)
    assert first["fct_entity_cooccurrence"] == [(dt.date(2022, 7, 14), "country:PRK", "country:UKR", 1, 1)]

    # a1 moves to another day and is re-annotated; a new article a3 on a third day.
    moved = {**_article("a1"), "published_at": dt.datetime(2022, 7, 16, 1, tzinfo=dt.UTC)}
    a3 = {**_article("a3", "Moscow and Pyongyang met."), "published_at": dt.datetime(2022, 7, 15, tzinfo=dt.UTC)}
    db.load_parts(loaded, write_fixture(tmp_path / "lake", "r2", {
        "articles": [moved, a3],
        "entities": [{"entity_id": "country:RUS", "kind": "country", "canonical_name": "RUS"}],
        "mentions": [_mention("m5", "a1", "country:RUS"),
                     _mention("m6", "a3", "country:RUS"), _mention("m7", "a3", "country:PRK"),
                     {**_mention("m8", "a3", "country:UKR"), "sentence_idx": 1}],
        "events": [],
    }))
    second = _assert_incremental_equals_full(loaded)
    days = {row[0] for row in second["fct_entity_mentions_daily"]}
    assert days == {dt.date(2022, 7, 14), dt.date(2022, 7, 15), dt.date(2022, 7, 16)}
    assert second["fct_entity_cooccurrence"] == [
        (dt.date(2022, 7, 15), "country:PRK", "country:RUS", 1, 1),  # same sentence; UKR is not
    ]

    # a2 loses its mentions; an article without a publication day.
    undated = {**_article("a4"), "published_at": None}
    db.load_parts(loaded, write_fixture(tmp_path / "lake", "r3", {
        "articles": [_article("a2", published_hour=23), undated],
        "mentions": [_mention("m9", "a4", "country:UKR"), _mention("m10", "a4", "country:RUS")],
    }))
    third = _assert_incremental_equals_full(loaded)
    assert (None, "country:RUS", "country:UKR", 1, 1) in third["fct_entity_cooccurrence"]
    assert not [r for r in third["fct_entity_mentions_daily"] if r[0] == dt.date(2022, 7, 14)]
    dims = loaded.execute(
        "select entity_id, num_mentions, num_articles, first_seen_date from dim_entities order by 1").fetchall()
    assert dims == [("country:PRK", 1, 1, dt.date(2022, 7, 15)),
                    ("country:RUS", 3, 3, dt.date(2022, 7, 15)),
                    ("country:UKR", 2, 2, dt.date(2022, 7, 15))]

    # a3 re-loaded without its mentions (they stay) but on another day: its days are rebuilt.
    db.load_parts(loaded, write_fixture(tmp_path / "lake", "r4", {
        "articles": [{**a3, "published_at": dt.datetime(2022, 7, 20, tzinfo=dt.UTC)}]}))
    fourth = _assert_incremental_equals_full(loaded)
    assert (dt.date(2022, 7, 20), "country:PRK", "country:RUS", 1, 1) in fourth["fct_entity_cooccurrence"]
    # reprocessing drops a1 and a4 (their pages now fail): their mentions leave the marts.
    with db.transaction(loaded):
        db.load_parts_in(loaded, write_fixture(tmp_path / "lake", "r5", {"articles": [], "mentions": []}),
                         replace=db.Replace(urls=("https://example.org/a1", "https://example.org/a4")))
    fifth = _assert_incremental_equals_full(loaded)
    assert {r[0] for r in fifth["fct_entity_mentions_daily"]} == {dt.date(2022, 7, 20)}


def test_a_first_load_fills_the_marts_in_day_order(con, tmp_path):
    """The first load into empty marts inserts them sorted (not in MERGE's hash order), so a
    date filter reads few row groups; the rows equal a full rebuild."""
    countries = ["country:PRK", "country:RUS", "country:UKR", "country:USA", "country:CHN"]
    articles, mentions = [], []
    for i in range(40):  # days out of order, several entities per sentence
        day = dt.datetime(2022, 7, 1 + (i * 11) % 28, 12, tzinfo=dt.UTC)
        articles.append({**_article(f"a{i}"), "published_at": day})
        for j, entity in enumerate(countries[i % 3:]):
            mentions.append(_mention(f"m{i}-{j}", f"a{i}", entity))
    db.load_parts(con, write_fixture(tmp_path / "lake", "r1", {"articles": articles, "mentions": mentions}))
    for name in models.INCREMENTAL:
        grain = ", ".join(models.GRAIN[name][0])
        stored = con.execute(f"select {grain} from {name} order by rowid").fetchall()
        assert len(stored) > 30 and stored == sorted(stored), name
    _assert_incremental_equals_full(con)


def test_a_migration_queue_rebuilds_marts_in_full(loaded, tmp_path):
    expected = _snapshot(loaded)
    loaded.execute("delete from fct_entity_mentions_daily")
    loaded.execute("insert into model_refresh_queue values ('fct_entity_mentions_daily')")
    db.load_parts(loaded, write_fixture(tmp_path / "lake", "r2", {"sources": FIXTURE["sources"]}))
    assert _snapshot(loaded) == expected
    assert loaded.execute("select count(*) from model_refresh_queue").fetchone() == (0,)


def test_entities_without_any_mention_left_are_removed(loaded, tmp_path):
    # RUS was never mentioned: it stays (a fresh run would have it too: it came with the batch).
    db.load_parts(loaded, write_fixture(tmp_path / "lake", "r2", {
        "articles": [_article("a1"), _article("a2", published_hour=23)],
        "mentions": [_mention("m1", "a1", "country:PRK")], "events": []}))
    assert [r[0] for r in loaded.execute("select entity_id from entities order by 1").fetchall()] == [
        "country:PRK", "country:RUS"]  # UKR lost its last mention and events


# --- the GDELT view -------------------------------------------------------------------------------

_GDELT_TYPES = {"int": {"INTEGER", "BIGINT"}, "float": {"DOUBLE"}, "str": {"VARCHAR"}}


def test_gdelt_events_has_gdelt_2_columns_and_types(loaded, shared_dir):
    with (shared_dir / "reference" / "gdelt_events_v2_columns.csv").open(encoding="utf-8") as fh:
        reference = [(row["name"], row["type"]) for row in csv.DictReader(fh)]
    assert len(reference) == 61
    described = loaded.execute("describe gdelt_events").fetchall()
    assert [c[0] for c in described] == [name for name, _ in reference]
    wrong = [(name, kind, c[1]) for (name, kind), c in zip(reference, described)
             if c[1] not in _GDELT_TYPES[kind]]
    assert wrong == []


def test_gdelt_sql_runs_on_our_events(loaded):
    loaded.execute("update events set location_entity_id = 'country:UKR', lat = 49.0, lon = 32.0 "
                   "where event_id = 'e1'")
    db.build_models(loaded)
    # A query as written for GDELT 2.0 (BigQuery's gdelt-bq.gdeltv2.events, table name aside).
    rows = loaded.execute("""
        SELECT Actor1CountryCode, Actor2CountryCode, EventRootCode, COUNT(*) AS events,
               SUM(GoldsteinScale) AS goldstein, SUM(NumArticles) AS articles
        FROM gdelt_events
        WHERE Day BETWEEN 20220701 AND 20220731 AND QuadClass IN (1, 2)
        GROUP BY Actor1CountryCode, Actor2CountryCode, EventRootCode
        ORDER BY events DESC, Actor1CountryCode
    """).fetchall()
    assert rows == [("PRK", "UKR", "04", 2, 4.0, 2), ("UKR", "PRK", "11", 1, -2.0, 1)]
    one = loaded.execute("""
        SELECT GlobalEventID, Day, MonthYear, Year, FractionDate, Actor1Code, EventCode,
               EventBaseCode, IsRootEvent, ActionGeo_Type, ActionGeo_CountryCode,
               ActionGeo_ADM1Code, ActionGeo_Lat, DATEADDED, SOURCEURL, AvgTone
        FROM gdelt_events WHERE EventCode = '040' AND SOURCEURL LIKE '%/a1'
    """).fetchall()
    assert one == [(0xE1, 20220713, 202207, 2022, pytest.approx(2022 + (7 * 30 + 13) / 365, abs=1e-4),
                    "PRK", "040", "040", 1, 1, "UP", "UP", 49.0, 20220714060000,
                    "https://example.org/a1", None)]
    ids = loaded.execute("select count(distinct GlobalEventID) from gdelt_events").fetchone()
    assert ids == (3,)


def test_delta_days_are_merged_in_runs_of_nearby_days():
    d = dt.date(2026, 6, 1)
    days = [d, d + dt.timedelta(days=3), d + dt.timedelta(days=11), d + dt.timedelta(days=200)]
    assert models.day_ranges(days, gap=7) == [
        (d, d + dt.timedelta(days=11)), (d + dt.timedelta(days=200), d + dt.timedelta(days=200))]
    assert models.day_ranges(days, gap=0) == [(x, x) for x in days]
    assert models.day_ranges([]) == []
