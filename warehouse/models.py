"""Models (dbt-style, SQL in warehouse/models/) and the column tests run after each load.

Views (`stg_`, cheap `fct_`/`dim_`/`mart_`, `gdelt_events`) are created or replaced by every
load. Marts too big to compute at query time over a million articles are incremental tables
(created by migration 004), filled by a template query over a relation of mentions:
- a full rebuild (or a rebuild of some days) runs it over every mention of those days;
- a load runs it over the mentions it removes (counted negative) and the mentions it adds
  (read from the batch, not from the big table) and adds the result to the table: both
  measures of each model add up across articles, so this equals a rebuild (tested), at a cost
  proportional to the load, not to the archive.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

import duckdb
import pyarrow as pa

from warehouse.schemas import ARTICLE_CHILDREN, KEYS
from warehouse.sql import execute, load_sql, run_script

log = logging.getLogger(__name__)

# Views, in dependency order (each file is a `create or replace view`; utc_day, gdelt_day and
# story_key are macros).
VIEWS: tuple[str, ...] = (
    "utc_day",
    "gdelt_day",
    "story_key",
    "stg_articles",
    "stg_mentions",
    "stg_events",
    "stg_fetch_outcomes",
    "fct_events_daily_country_pair",
    "dim_entities",
    "mart_source_health",
    "stg_story_events",
    "gdelt_events",
)
# Incremental tables: (grain, additive measures). Each file is a SELECT over {mentions}.
GRAIN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fct_entity_mentions_daily": (("published_date", "entity_id"), ("num_mentions", "num_articles")),
    "fct_entity_cooccurrence": (("published_date", "entity_a", "entity_b"),
                                ("num_sentences", "num_articles")),
}
INCREMENTAL: tuple[str, ...] = tuple(GRAIN)
# Refreshed by (story, event day) group: the groups a load or the stories step touched.
STORY_EVENTS = "fct_story_events"
# A group refresh of STORY_EVENTS reads the events of at most this many candidate articles
# through a literal IN list (see _story_events_of_groups.sql); beyond, every event.
MAX_STORY_ARTICLES = 5000
MODELS: tuple[str, ...] = VIEWS + INCREMENTAL + (STORY_EVENTS,)
# Delta days closer than this share one MERGE (see _delta_apply.sql).
DAY_RANGE_GAP = 7
# Stands for "no publication day" in refresh_days (a NULL would not match in IN lists).
UNKNOWN_DAY = "0001-01-01"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def build_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create or replace every view (no transaction of its own)."""
    for name in VIEWS:
        con.execute(load_sql(name))
    return list(VIEWS)


def build_models(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Views, then a full rebuild of the incremental tables, in one transaction."""
    con.begin()
    try:
        build_views(con)
        refresh_incremental(con, None)
        refresh_story_events(con, None)
    except BaseException:  # noqa: BLE001 - roll back whatever interrupted us, then re-raise
        con.rollback()
        raise
    con.commit()
    return list(MODELS)


def model_sql(name: str, mentions: str) -> str:
    """The SELECT of incremental model `name` over the relation `mentions` (SQL text)."""
    return load_sql(name).format(mentions=mentions)


def refresh_incremental(con: duckdb.DuckDBPyConnection, days_sql: str | None,
                        models: Iterable[str] = INCREMENTAL) -> int:
    """Rebuild the incremental models for some publication days (no transaction of its own).

    `days_sql` selects one column of dates (NULL for unknown) from temp tables of the caller;
    None means every day there is. Returns how many days were rebuilt.
    """
    if days_sql is None:
        days_sql = "select published_date from stg_articles"
    con.execute("create or replace temp table refresh_days (day_key date not null)")
    con.execute(f"insert into refresh_days select distinct coalesce(d, date '{UNKNOWN_DAY}') "
                f"from ({days_sql}) as t(d)")
    days = con.execute("select count(*) from refresh_days").fetchone()[0]
    if days:
        for name in models:
            con.execute(load_sql("_refresh_delete").format(table=_quote(name), day="published_date"))
            # in day order: row groups then cover few days, and date filters skip the rest
            con.execute(f"insert into {_quote(name)} by name select * from "
                        f"({model_sql(name, load_sql('_mentions_of_days'))}) order by all")
    con.execute("drop table refresh_days")
    return int(days)


def start_story_groups(con: duckdb.DuckDBPyConnection) -> None:
    """An empty temp table collecting the (story, event day) groups a load touches (see
    note_story_groups)."""
    con.execute("create or replace temp table story_groups (story_key varchar, day date)")


def note_story_groups(con: duckdb.DuckDBPyConnection, article_ids: pa.Array) -> None:
    """Remember the (story, event day) groups of the events of some articles, for
    refresh_story_events. Called before their events, story or publication day change and
    again after, so both the groups they leave and those they join are rebuilt."""
    if len(article_ids):
        execute(con, load_sql("_story_groups_of"),
                tables={"story_article_ids": pa.table({"article_id": article_ids})})


def _literal_list(values: list[str]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def refresh_story_events(con: duckdb.DuckDBPyConnection, groups_sql: str | None) -> None:
    """Rebuild fct_story_events in full (`groups_sql` None) or for some (story, event day)
    groups (SQL selecting story_key and a date, NULL for unknown, from temp tables of the
    caller), in the caller's transaction."""
    table = _quote(STORY_EVENTS)
    if groups_sql is None:
        con.execute(f"delete from {table}")
        events = "select * from stg_story_events"
    else:
        con.execute("create or replace temp table refresh_groups as "
                    f"select distinct story_key, coalesce(day, date '{UNKNOWN_DAY}') as day_key "
                    f"from ({groups_sql}) as t(story_key, day)")
        candidates = [a for (a,) in con.execute(load_sql("_story_refresh_articles"),
                                                {"limit": MAX_STORY_ARTICLES + 1}).fetchall()]
        where = ("where false" if not candidates else
                 "" if len(candidates) > MAX_STORY_ARTICLES else
                 f"where article_id in ({_literal_list(candidates)})")
        con.execute(load_sql("_story_refresh_delete"))
        events = load_sql("_story_events_of_groups").format(where=where)
    # by day: row groups then cover few days, and GDELT-style date filters skip the rest
    con.execute(f"insert into {table} by name select * from "
                f"({load_sql(STORY_EVENTS).format(events=events)}) order by event_day, story_key")
    if groups_sql is not None:
        con.execute("drop table refresh_groups")


def _delta(name: str) -> str:
    return _quote(f"load_delta_{name}")


def start_deltas(con: duckdb.DuckDBPyConnection) -> None:
    """Empty temp tables collecting a load's changes to each incremental model."""
    for name in INCREMENTAL:
        con.execute(f"create or replace temp table {_delta(name)} as "
                    f"select * from main.{_quote(name)} limit 0")


def add_delta(con: duckdb.DuckDBPyConnection, mentions: str, sign: int,
              tables: dict | None = None) -> None:
    """Count `mentions` (a relation, see _mentions_of_*.sql) into the deltas, times `sign`."""
    for name, (grain, measures) in GRAIN.items():
        signed = ", ".join(f"{sign} * {_quote(m)} as {_quote(m)}" for m in measures)
        sql = (f"insert into {_delta(name)} by name select {', '.join(map(_quote, grain))}, "
               f"{signed} from ({model_sql(name, mentions)})")
        execute(con, sql, tables=tables)


def runs(values: Iterable[int], gap: int) -> list[tuple[int, int]]:
    """Integers as sorted (first, last) runs, a new run wherever more than `gap` are missing."""
    found: list[tuple[int, int]] = []
    for value in sorted(values):
        if found and value <= found[-1][1] + gap + 1:
            found[-1] = (found[-1][0], value)
        else:
            found.append((value, value))
    return found


def day_ranges(days: list[date], gap: int = DAY_RANGE_GAP) -> list[tuple[date, date]]:
    """Days as (first, last) runs, a new run wherever more than `gap` days are missing."""
    return [(date.fromordinal(lo), date.fromordinal(hi))
            for lo, hi in runs((day.toordinal() for day in days), gap)]


def apply_deltas(con: duckdb.DuckDBPyConnection, models: Iterable[str]) -> None:
    """Add the collected changes to the models (others' deltas are dropped). An empty model
    (the first load) is filled in grain order, so its row groups each cover a few days."""
    for name in models:
        grain, measures = GRAIN[name]
        table = _quote(name)
        on = " and ".join(f"{table}.{_quote(k)} = delta.{_quote(k)}" for k in grain
                          if k != "published_date")
        parts = {"table": table, "delta": _delta(name), "key": ", ".join(map(_quote, grain)),
                 "sums": ", ".join(f"sum({_quote(m)}) as {_quote(m)}" for m in measures), "on": on,
                 "set": ", ".join(f"{_quote(m)} = {table}.{_quote(m)} + delta.{_quote(m)}"
                                  for m in measures),
                 "zero": " and ".join(f"{_quote(m)} = 0" for m in measures)}
        if con.execute(f"select not exists (select 1 from {table})").fetchone()[0]:
            run_script(con, load_sql("_delta_fill").format(**parts))
            continue
        days = [d for (d,) in con.execute(f"select distinct published_date from {_delta(name)} "
                                          "where published_date is not null order by 1").fetchall()]
        for lo, hi in day_ranges(days):
            run_script(con, load_sql("_delta_apply").format(**parts), {"lo": lo, "hi": hi})
        run_script(con, load_sql("_delta_apply_undated").format(**parts))
    for name in INCREMENTAL:
        con.execute(f"drop table if exists {_delta(name)}")


def queued_full_refreshes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Models a migration asked to rebuild in full at the next load."""
    return [name for (name,) in con.execute(
        "select distinct model from model_refresh_queue order by model").fetchall()]


def clear_queue(con: duckdb.DuckDBPyConnection, names: Iterable[str]) -> None:
    for name in names:
        con.execute("delete from model_refresh_queue where model = $name", {"name": name})


# --- column tests -----------------------------------------------------------------------------

def _scoped(table: str, run_id: str | None) -> str:
    return table if run_id is None else f"(select * from {table} where run_id = $run_id)"


def check_tables(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> list[str]:
    """Column tests (unique/not-null keys, required columns, accepted values, relationships).

    With `run_id`, only that run's rows are tested (their keys against the whole table, or for
    mentions and events, whose keys hash their article, against the run's rows), which keeps
    the tests after a load proportional to the load. Returns one line per failing test,
    e.g. "events.quad_class: accepted_values fails on 2 rows".
    """
    params = {} if run_id is None else {"run_id": run_id}
    rows: list[tuple[str, str, str, int]] = []
    template = load_sql("_check_keys")
    for table_name, keys in KEYS.items():
        key_list = ", ".join(_quote(k) for k in keys)
        table = _quote(table_name)
        if run_id is None:
            dup_source = table
        elif table_name in ARTICLE_CHILDREN:
            dup_source = _scoped(table, run_id)
        else:
            dup_source = (f"{table} semi join (select {key_list} from {table} "
                          f"where run_id = $run_id) using ({key_list})")
        sql = template.format(
            scoped=_scoped(table, run_id),
            dup_source=dup_source,
            name=table_name,
            key_label=",".join(keys),
            key_list=key_list,
            key_null=" or ".join(f"{_quote(k)} is null" for k in keys),
        )
        rows.extend(run_script(con, sql, params).fetchall())
    checks = load_sql("_checks").format(**{
        t: _scoped(t, run_id) for t in ("articles", "mentions", "events", "entities", "fetch_log",
                                        "quarantine")})
    rows.extend(run_script(con, checks, params).fetchall())
    return [
        f"{table}.{column}: {check} fails on {failing} rows"
        for table, column, check, failing in rows
        if failing
    ]
