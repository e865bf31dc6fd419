"""The DuckDB warehouse on a temp file: migrations, idempotent loads, models, FTS, checks, locks."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from warehouse import db
from warehouse.lake import write_part
from warehouse.rows import to_table
from warehouse.schemas import SCHEMAS
from warehouse.sql import migration_names

FETCHED = dt.datetime(2022, 7, 14, 6, 0, tzinfo=dt.UTC)
TEXT = "SEOUL, July 14 (UPI) -- North Korea recognized the Donetsk and Luhansk republics."


def _article(article_id: str, text: str = TEXT, published_hour: int = 5) -> dict:
    return {
        "article_id": article_id, "url": f"https://example.org/{article_id}",
        "canonical_url": f"https://example.org/{article_id}", "source_id": "upi",
        "title": f"Story {article_id}", "text": text, "word_count": len(text.split()),
        "content_sha256": "c" * 64, "extractor": "test", "extractor_version": "1",
        "raw_sha256": "r" * 64, "fetched_at": FETCHED,
        "published_at": dt.datetime(2022, 7, 14, published_hour, tzinfo=dt.UTC),
    }


def _mention(mention_id: str, article_id: str, entity_id: str) -> dict:
    return {
        "mention_id": mention_id, "article_id": article_id, "entity_id": entity_id,
        "surface": entity_id.split(":")[-1], "kind": "country", "sentence_idx": 0,
        "start_char": 0, "end_char": 5, "confidence": 0.9,
    }


def _event(event_id: str, article_id: str, a1: str, a2: str, root: str, goldstein: float) -> dict:
    return {
        "event_id": event_id, "article_id": article_id, "event_date": dt.date(2022, 7, 13),
        "date_precision": "day", "actor1_country": a1, "actor2_country": a2,
        "cameo_code": root + "0", "cameo_root": root, "quad_class": 1, "goldstein": goldstein,
        "sentence_idx": 0, "evidence": TEXT, "start_char": 0, "end_char": len(TEXT),
        "temporal": "current", "factuality": "asserted", "confidence": 0.8,
    }


FIXTURE = {
    "sources": [{"source_id": "upi", "name": "UPI", "kind": "rss"}],
    "fetch_log": [
        {"fetch_id": f"f{i}", "url": f"https://upi.com/{i}", "kind": "page", "source_id": "upi",
         "status": status, "reason": reason, "bytes": 100, "elapsed_ms": ms, "fetched_at": FETCHED}
        for i, (status, reason, ms) in enumerate([(200, "ok", 10), (200, "ok", 30), (404, "http_404", 50), (None, "timeout", 90)])
    ],
    "quarantine": [{"quarantine_id": "q1", "stage": "extract", "key": "https://upi.com/3",
                    "source_id": "upi", "reason": "timeout", "detail": "read timeout", "at": FETCHED}],
    "articles": [_article("a1"), _article("a2", "Kyiv condemned the move by Pyongyang.", published_hour=23)],
    "entities": [
        {"entity_id": f"country:{c}", "kind": "country", "canonical_name": c, "country_code": c}
        for c in ("PRK", "UKR", "RUS")
    ],
    "mentions": [
        _mention("m1", "a1", "country:PRK"), _mention("m2", "a1", "country:UKR"),
        _mention("m3", "a1", "country:PRK"), _mention("m4", "a2", "country:UKR"),
    ],
    "events": [
        _event("e1", "a1", "PRK", "UKR", "04", 1.0),
        _event("e2", "a2", "PRK", "UKR", "04", 3.0),
        _event("e3", "a2", "UKR", "PRK", "11", -2.0),
    ],
}


def write_fixture(lake_dir: Path, run_id: str, rows: dict[str, list[dict]] = FIXTURE) -> dict[str, list[Path]]:
    """Write each table's rows as one lake part of `run_id`; return the parts per table."""
    return {
        table: [write_part(lake_dir, table, to_table(table, table_rows, run_id=run_id), date="2022-07-14", part=run_id)]
        for table, table_rows in rows.items()
    }


def checksums(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    """Row count and an order-independent hash of every table in the warehouse (contract
    tables, incremental models, search index), except migration timestamps."""
    tables = [t for (t,) in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() "
        "and not temporary and table_name <> 'schema_migrations' order by 1").fetchall()]
    return {t: con.execute(f'select count(*), sum(hash(t)) from "{t}" t').fetchone() for t in tables}


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """A migrated, empty warehouse, copied by each test (migrating takes ~0.5 s)."""
    path = tmp_path_factory.mktemp("template") / "news.duckdb"
    con = db.connect(path)
    db.migrate(con)
    con.close()
    return path


@pytest.fixture
def db_path(tmp_path, migrated_template) -> Path:
    path = tmp_path / "data" / "news.duckdb"
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(migrated_template, path)
    return path


@pytest.fixture
def con(db_path):
    con = db.connect(db_path)
    db.migrate(con)
    yield con
    con.close()


@pytest.fixture
def loaded(con, tmp_path):
    db.load_parts(con, write_fixture(tmp_path / "lake", "r1"))
    return con


# --- connections and migrations ----------------------------------------------------------------

def test_connect_is_utc_and_offline(con):
    assert con.execute("select current_setting('TimeZone')").fetchone() == ("UTC",)
    loaded = dict(con.execute("select extension_name, loaded from duckdb_extensions()").fetchall())
    assert loaded["fts"] is True
    assert con.execute("select current_setting('autoinstall_known_extensions')").fetchone() == (False,)


def test_migrate_twice_is_a_no_op(con):
    versions = con.execute("select version, name from schema_migrations order by version").fetchall()
    assert versions == migration_names()
    assert versions[:2] == [(0, "000_schema_migrations"), (1, "001_init")]
    assert {"003_runs_stages", "004_marts", "005_search_index", "006_ref_countries"} <= {n for _, n in versions}
    assert db.migrate(con) == []
    assert con.execute("select count(*) from schema_migrations").fetchone() == (len(versions),)
    assert db.table_counts(con) == {t: 0 for t in SCHEMAS}


def test_a_failing_migration_leaves_no_trace(con, monkeypatch):
    import warehouse.db as dbmod
    real = dbmod.load_sql
    names = migration_names() + [(999, "999_broken")]
    monkeypatch.setattr(dbmod, "migration_names", lambda: names)
    monkeypatch.setattr(dbmod, "load_sql", lambda name: "create table half_done (x int); select nope"
                        if name == "999_broken" else real(name))
    with pytest.raises(duckdb.BinderException):
        db.migrate(con)
    assert con.execute("select count(*) from duckdb_tables() where table_name = 'half_done'").fetchone() == (0,)
    assert con.execute("select max(version) from schema_migrations").fetchone() == (names[-2][0],)


def test_read_only_missing_file(tmp_path):
    with pytest.raises(db.WarehouseMissing, match="newsetl demo"):
        db.connect(tmp_path / "news.duckdb", read_only=True)
    assert not (tmp_path / "news.duckdb").exists()


def test_read_only_works_while_nobody_writes(loaded, db_path):
    counts = db.table_counts(loaded)
    loaded.close()
    reader = db.connect(db_path, read_only=True)
    try:
        assert db.table_counts(reader) == counts
        with pytest.raises(duckdb.InvalidInputException, match="read-only"):
            reader.execute("delete from articles")
    finally:
        reader.close()


def test_second_writer_gets_warehouse_locked(con, db_path):
    con.close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); sys.stdin.read()",
         str(db_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(db.WarehouseLocked, match=rf"being written by another newsetl process \(pid {holder.pid}\?\).*newsetl sql"):
            db.connect(db_path)
        with pytest.raises(db.WarehouseLocked, match="wait for it to finish"):
            db.connect(db_path, read_only=True)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    db.connect(db_path).close()  # free again once the holder is gone


# --- loads ----------------------------------------------------------------------------------------

def test_load_counts(loaded):
    counts = db.table_counts(loaded)
    assert {t: counts[t] for t in FIXTURE} == {t: len(rows) for t, rows in FIXTURE.items()}
    assert db.check_tables(loaded) == []


def test_loading_the_same_parts_twice_changes_nothing(con, tmp_path):
    parts = write_fixture(tmp_path / "lake", "r1")
    first = db.load_parts(con, parts)
    before = checksums(con)
    assert db.load_parts(con, parts) == first
    assert checksums(con) == before


def test_repeated_keys_in_one_batch_are_deduplicated(con):
    rows = [_article("a1"), _article("a2"), {**_article("a1"), "title": "last wins"}]
    assert db.load_table(con, "articles", to_table("articles", rows, run_id="r1")) == 2
    assert db.load_table(con, "articles", to_table("articles", rows, run_id="r1")) == 2
    assert con.execute("select article_id, title from articles order by 1").fetchall() == [
        ("a1", "last wins"), ("a2", "Story a2"),
    ]


def test_load_updates_changed_rows(loaded):
    table = to_table("articles", [{**_article("a1"), "title": "Corrected"}], run_id="r2")
    db.load_table(loaded, "articles", table)
    assert loaded.execute("select title, run_id from articles where article_id = 'a1'").fetchone() == ("Corrected", "r2")
    assert db.table_counts(loaded)["articles"] == 2


def test_null_key_is_refused(con):
    table = to_table("entities", [{"entity_id": None, "kind": "org", "canonical_name": "x"}], run_id="r1")
    with pytest.raises(ValueError, match="null entity_id"):
        db.load_table(con, "entities", table)


def test_reloaded_article_drops_stale_children(loaded, tmp_path):
    rows = {
        "articles": [_article("a1")],
        "mentions": [_mention("m1", "a1", "country:PRK")],
        "events": [],
    }
    db.load_parts(loaded, write_fixture(tmp_path / "lake", "r2", rows))
    by_article = loaded.execute(
        "select article_id, count(*) from mentions group by 1 order by 1"
    ).fetchall()
    assert by_article == [("a1", 1), ("a2", 1)]  # a2 untouched
    assert loaded.execute("select event_id from events order by 1").fetchall() == [("e2",), ("e3",)]


def test_rowid_ranges_split_where_rowids_are_far_apart():
    assert db.rowid_ranges([]) == []
    assert db.rowid_ranges([7, 3, 4, 5, 100, 101, 5000], gap=10) == [(3, 7), (100, 101), (5000, 5000)]
    assert db.rowid_ranges([1, 3], gap=0) == [(1, 1), (3, 3)]
    assert db.rowid_ranges([1, 2], gap=0) == [(1, 2)]


def test_rows_a_transaction_appends_are_numbered_from_duckdbs_max_row_id(con):
    """_gc_candidates.sql finds a load's own mentions by rowid >= 36028797018960000. If a
    DuckDB upgrade changes that numbering, loads stay correct but slower: this says so."""
    con.execute("create table numbered (x int)")
    con.execute("insert into numbered values (1), (2)")
    con.begin()
    con.execute("insert into numbered values (3)")
    appended = con.execute("select x from numbered where rowid >= 36028797018960000").fetchall()
    con.rollback()
    assert appended == [(3,)]


def test_child_tables_not_in_the_load_are_left_alone(loaded, tmp_path):
    db.load_parts(loaded, write_fixture(tmp_path / "lake", "r2", {"articles": [_article("a1")]}))
    assert db.table_counts(loaded)["mentions"] == 4


@pytest.mark.parametrize("step", ["begin", "group:r2.parquet", "entities", "models", "search", "commit"])
def test_failing_load_leaves_the_warehouse_unchanged(loaded, tmp_path, monkeypatch, step):
    before = checksums(loaded)
    rows = {
        "articles": [{**_article("a1"), "title": "changed"}, _article("a3")],
        "mentions": [_mention("m9", "a3", "country:RUS")],
        "events": [_event("e9", "a3", "RUS", "UKR", "19", -10.0)],
    }
    parts = write_fixture(tmp_path / "lake", "r2", rows)

    def fail_at(name):
        if name == step:
            raise RuntimeError(f"simulated crash at {name}")

    monkeypatch.setattr(db, "STEP_HOOK", fail_at)
    with pytest.raises(RuntimeError, match="simulated crash"):
        db.load_parts(loaded, parts)
    assert checksums(loaded) == before
    monkeypatch.setattr(db, "STEP_HOOK", None)
    db.load_parts(loaded, parts)  # the connection is usable and the load goes through
    assert db.table_counts(loaded)["articles"] == 3
    assert [h[0] for h in db.search(loaded, "changed")] == ["a1"]


def test_unknown_table_is_refused_before_anything_loads(con, tmp_path):
    with pytest.raises(KeyError, match="nope"):
        db.load_parts(con, {"nope": [], **write_fixture(tmp_path / "lake", "r1")})
    assert db.table_counts(con) == {t: 0 for t in SCHEMAS}


# --- models, search, checks -----------------------------------------------------------------------

def test_search_finds_an_article_by_a_word_in_its_text(loaded):
    hits = db.search(loaded, "Donetsk")
    assert [(h[0], h[1]) for h in hits] == [("a1", "Story a1")]
    assert hits[0][2] > 0
    assert [h[0] for h in db.search(loaded, "condemned Pyongyang")] == ["a2"]
    assert db.search(loaded, "zebra") == []
    assert db.search(loaded, "") == []
    before = checksums(loaded)
    assert db.rebuild_fts(loaded) == 2  # a full rebuild finds the same
    assert [h[0] for h in db.search(loaded, "condemned Pyongyang")] == ["a2"]
    assert checksums(loaded)["search_docs"][0] == before["search_docs"][0]


def test_models_build_and_aggregate(loaded):
    assert db.build_models(loaded) == list(db.MODELS)
    assert db.build_models(loaded) == list(db.MODELS)  # create or replace: rebuildable
    pairs = loaded.execute(
        "select event_date, published_date, actor1_country, actor2_country, cameo_root, "
        "num_events, num_articles, goldstein_sum, goldstein_avg "
        "from fct_events_daily_country_pair order by actor1_country"
    ).fetchall()
    day, pub = dt.date(2022, 7, 13), dt.date(2022, 7, 14)
    assert pairs == [
        (day, pub, "PRK", "UKR", "04", 2, 2, 4.0, 2.0),
        (day, pub, "UKR", "PRK", "11", 1, 1, -2.0, -2.0),
    ]
    mentions = loaded.execute(
        "select entity_id, num_mentions, num_articles from fct_entity_mentions_daily "
        "where published_date = '2022-07-14' order by entity_id"
    ).fetchall()
    assert mentions == [("country:PRK", 2, 1), ("country:UKR", 2, 2)]
    dims = loaded.execute("select entity_id, num_mentions from dim_entities order by 1").fetchall()
    assert dims == [("country:PRK", 2), ("country:RUS", 0), ("country:UKR", 2)]
    health = loaded.execute(
        "select source_id, fetches, ok, failures, failures_by_reason, median_elapsed_ms, quarantined, articles "
        "from mart_source_health"
    ).fetchall()
    assert health == [("upi", 4, 2, 2, {"http_404": 1, "timeout": 1}, 40.0, 1, 2)]


def test_source_health_counts_an_absent_robots_txt_as_ok(loaded, tmp_path):
    """robots.txt 404 means "no rules" (RFC 9309), the host is crawled: no failure. A 503 on
    robots.txt is one (the host is skipped that run)."""
    robots = [{"fetch_id": f"r{i}", "url": "https://upi.com/robots.txt", "kind": "robots",
               "source_id": "upi", "status": status, "reason": reason, "bytes": 0, "elapsed_ms": 20,
               "fetched_at": FETCHED}
              for i, (status, reason) in enumerate([(404, "http_404"), (410, "http_410"), (503, "http_503")])]
    db.load_parts(loaded, write_fixture(tmp_path / "lake", "r2", {"fetch_log": robots}))
    health = loaded.execute("select fetches, ok, failures, failures_by_reason from mart_source_health").fetchall()
    assert health == [(7, 4, 3, {"http_404": 1, "http_503": 1, "timeout": 1})]


def test_published_date_is_the_utc_day_whatever_the_session_zone(loaded):
    db.build_models(loaded)
    loaded.execute("set TimeZone = 'Asia/Seoul'")
    got = loaded.execute("select article_id, published_date from stg_articles order by 1").fetchall()
    assert got == [("a1", dt.date(2022, 7, 14)), ("a2", dt.date(2022, 7, 14))]


def test_check_tables_finds_planted_problems(loaded):
    loaded.execute("insert into events select * from events where event_id = 'e1'")
    loaded.execute("update events set quad_class = 7 where event_id = 'e3'")
    loaded.execute("update articles set run_id = null where article_id = 'a2'")
    loaded.execute("insert into mentions select * replace ('m99' as mention_id, 'gone' as article_id) from mentions limit 1")
    assert sorted(db.check_tables(loaded)) == [
        "articles.run_id: not_null fails on 1 rows",
        "events.event_id: unique fails on 1 rows",
        "events.quad_class: accepted_values fails on 1 rows",
        "mentions.article_id: relationships fails on 1 rows",
    ]


# --- reprocessing and runs --------------------------------------------------------------------------

def test_replace_drops_rows_derived_from_reprocessed_pages(loaded, tmp_path):
    loaded.execute("""insert into quarantine (quarantine_id, stage, key, reason, "at", run_id) values
        ('q-old', 'annotate', 'https://example.org/a1', 'text_too_long', now(), 'r1'),
        ('q-fetch', 'fetch', 'https://example.org/a1', 'timeout', now(), 'r1')""")
    again = {
        "articles": [{**_article("a1"), "title": "Recoded"}],
        "mentions": [_mention("m11", "a1", "country:RUS")],
        "events": [],
        "quarantine": [],
    }
    urls = ("https://example.org/a1", "https://example.org/a2")  # a2 now fails: no article
    with db.transaction(loaded):
        result = db.load_parts_in(loaded, write_fixture(tmp_path / "lake", "r2", again),
                                  replace=db.Replace(urls=urls))
    assert result.replaced_articles == 2
    assert loaded.execute("select article_id, title from articles").fetchall() == [("a1", "Recoded")]
    assert loaded.execute("select mention_id from mentions").fetchall() == [("m11",)]
    assert loaded.execute("select count(*) from events").fetchone() == (0,)
    assert loaded.execute("select quarantine_id from quarantine order by 1").fetchall() == [
        ("q-fetch",), ("q1",)]  # fetch rows are not derived; q1 is keyed by another URL
    assert [r[0] for r in loaded.execute("select entity_id from entities order by 1").fetchall()] == [
        "country:RUS"]
    assert [h[0] for h in db.search(loaded, "recoded")] == ["a1"]
    assert db.search(loaded, "Pyongyang") == []  # a2's document is gone from the index
    assert db.check_tables(loaded) == []


def test_load_into_warehouse_records_the_run(tmp_path, monkeypatch):
    from flows.config import DataPaths
    from flows.load import load_into_warehouse
    paths = DataPaths(tmp_path / "data")
    write_fixture(paths.lake, "20220714T060000Z-abc123")
    started = dt.datetime(2022, 7, 14, 6, tzinfo=dt.UTC)
    summary = load_into_warehouse("20220714T060000Z-abc123", paths, started,
                                  {"feeds": 1, "feed_items": 5, "pages_fetched": 4})
    assert summary.problems == [] and summary.loaded["articles"] == 2
    assert set(summary.seconds) == {"merge", "models", "search", "checks"}
    con = db.connect(paths.db, read_only=True)
    try:
        row = con.execute("""select run_id, started_at, status, kind, feeds, feed_items, pages_fetched,
            articles, mentions, entities, events, quarantined, quarantined_by_stage,
            loaded_rows['mentions'], map_keys(step_seconds), data_version is not null,
            finished_at >= started_at from runs""").fetchone()
    finally:
        con.close()
    assert row == ("20220714T060000Z-abc123", started, "completed", "pipeline", 1, 5, 4, 2, 4, 3,
                   3, 1, {"extract": 1}, 4, ["merge", "models", "search"], True, True)
