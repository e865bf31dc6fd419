"""The DuckDB warehouse: connection handling, migrations and idempotent, all-or-nothing loads.

One process writes `news.duckdb`; everyone else opens it read-only. Loads MERGE on the
deterministic keys in warehouse.schemas, so re-running a load changes nothing, and everything a
load does (rows, incremental models, search index, the run's record) commits together or not at
all: a load killed at any point leaves the warehouse as it was. SQL lives in
warehouse/migrations and warehouse/models; here we only pick files and bind values. Models and
column tests are in warehouse.models, full-text search in warehouse.search.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import duckdb_extension_fts
import duckdb_extension_httpfs
import pyarrow as pa
import pyarrow.compute as pc

from warehouse import models, search as search_index, storage
from warehouse.lake import part_name, read_parts
from warehouse.models import MODELS, build_models, check_tables  # noqa: F401 - re-exported
from warehouse.schemas import ARTICLE_CHILDREN, KEYS, SCHEMAS
from warehouse.search import SearchIndexMissing
from warehouse.sql import execute, load_sql, migration_names, run_script

log = logging.getLogger(__name__)


_CONFIG = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
_LOCK_PID = re.compile(r"\(PID (\d+)\)")

# Called with the name of each step of a load as it is reached ("begin", "group:<part>",
# "models", "search", "commit", ...). None in production; the crash-safety test sets it in a
# subprocess to stop the load at a chosen point and kill it.
STEP_HOOK: Callable[[str], None] | None = None


class WarehouseLocked(RuntimeError):
    """Another process holds the lock on the database file."""


class WarehouseMissing(FileNotFoundError):
    """Read-only open of a database file that does not exist yet."""


FtsIndexMissing = SearchIndexMissing  # the name before the incremental index


def _step(name: str) -> None:
    if STEP_HOOK is not None:
        STEP_HOOK(name)


def _extension_path(package, name: str) -> Path:
    root = Path(package.__file__).parent / "extensions"
    path = root / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found: duckdb-extension-{name} must match duckdb {duckdb.__version__}"
        )
    return path


def fts_extension_path() -> Path:
    """The fts extension shipped in the pinned duckdb-extension-fts wheel (loaded offline)."""
    return _extension_path(duckdb_extension_fts, "fts")


def httpfs_extension_path() -> Path:
    """The httpfs extension (S3 reads) from the pinned duckdb-extension-httpfs wheel."""
    return _extension_path(duckdb_extension_httpfs, "httpfs")


def enable_s3(con: duckdb.DuckDBPyConnection, options: storage.S3Options) -> None:
    """Let `con` read s3:// URLs of the store `options` describes (httpfs, loaded offline)."""
    con.execute(f"LOAD '{httpfs_extension_path()}'")
    run_script(con, load_sql("_s3_secret"), {
        "key_id": options.access_key_id or "", "secret": options.secret_access_key or "",
        "region": options.region or "us-east-1",
        "endpoint": options.host or "s3.amazonaws.com",
        # A custom endpoint (MinIO, Ceph, moto) serves buckets as paths, AWS as host names.
        "url_style": "path" if options.endpoint else "vhost",
        "use_ssl": options.scheme == "https"})


def _open(db_path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(db_path), read_only=read_only, config=dict(_CONFIG))
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        match = _LOCK_PID.search(str(exc))
        pid = match.group(1) if match else "?"
        hint = (
            "wait for it to finish"
            if read_only
            else "wait for it to finish or open read-only with `newsetl sql`"
        )
        raise WarehouseLocked(
            f"{db_path} is being written by another newsetl process (pid {pid}?); {hint}"
        ) from None


def connect(db_path: Path, *, read_only: bool = False, wait_s: float = 0.0,
            sandbox: bool = False, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (fts loaded, TimeZone UTC); clear errors when locked or missing.

    `wait_s`: keep retrying that long while another process holds the lock (a reader holds it
    too: DuckDB lets one process write or several read). `sandbox`: no file system access
    beyond the database (no COPY TO, ATTACH, read_parquet), for `newsetl sql`.
    `memory_limit` (e.g. "2GB"): DuckDB's buffer pool cap; beyond it, it spills to disk.
    """
    db_path = Path(db_path)
    if read_only and not db_path.is_file():
        raise WarehouseMissing(
            f"{db_path} does not exist yet: run `newsetl demo` or `newsetl run` first"
        )
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            con = _open(db_path, read_only)
            break
        except WarehouseLocked:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.25)
    con.execute(f"LOAD '{fts_extension_path()}'")
    con.execute("SET TimeZone = 'UTC'")
    if memory_limit:
        con.execute(f"SET memory_limit = '{_memory(memory_limit)}'")  # validated: no injection
    if sandbox:
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    return con


def _memory(limit: str) -> str:
    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", limit.strip(), re.IGNORECASE):
        raise ValueError(f"memory limit must look like 2GB or 512MiB, got {limit!r}")
    return limit.strip()


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All or nothing: roll back on any exception (re-raised unchanged), else commit."""
    con.begin()
    try:
        yield
        _step("commit")
    except BaseException:  # noqa: BLE001 - roll back whatever interrupted us, then re-raise
        con.rollback()
        raise
    con.commit()
    _step("committed")


# --- migrations -------------------------------------------------------------------------------

def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending numbered migrations in order, each in its own transaction; idempotent.

    Returns the names applied by this call (empty when the schema was already current).
    """
    con.execute(load_sql("000_schema_migrations"))
    applied = {version for (version,) in con.execute(load_sql("_applied")).fetchall()}
    done: list[str] = []
    for version, name in migration_names():
        if version in applied:
            continue
        con.begin()
        try:
            run_script(con, load_sql(name))
            con.execute(load_sql("_record"), {"version": version, "name": name})
        except BaseException:  # noqa: BLE001 - roll back, then re-raise as is
            con.rollback()
            raise
        con.commit()
        log.info("warehouse: applied migration %s", name)
        done.append(name)
    return done


# --- loads ------------------------------------------------------------------------------------

def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _check_table(table_name: str, data: pa.Table) -> None:
    if table_name not in SCHEMAS:
        raise KeyError(f"unknown table {table_name!r}; known: {sorted(SCHEMAS)}")
    if not data.schema.equals(SCHEMAS[table_name], check_metadata=False):
        raise ValueError(f"{table_name}: data schema differs from warehouse.schemas:\n{data.schema}")
    for key in KEYS[table_name]:
        if data.column(key).null_count:
            raise ValueError(f"{table_name}: {data.column(key).null_count} rows with a null {key}")


def dedupe_on_key(table_name: str, data: pa.Table) -> pa.Table:
    """Keep the last row of each key, so one batch cannot insert a key twice (MERGE would)."""
    keys = list(KEYS[table_name])
    if data.num_rows < 2:
        return data
    if len(keys) == 1 and pc.count_distinct(data.column(keys[0])).as_py() == data.num_rows:
        return data
    rows = data.append_column("__row", pa.array(range(data.num_rows), type=pa.int64()))
    last = rows.group_by(keys, use_threads=False).aggregate([("__row", "max")]).column("__row_max")
    keep = pc.sort_indices(last)
    dropped = data.num_rows - len(keep)
    log.info("warehouse: %s batch had %d rows with a repeated key; last one kept", table_name, dropped)
    return data.take(pc.take(last, keep))


def _merge(con: duckdb.DuckDBPyConnection, table_name: str, data: pa.Table) -> int:
    """MERGE one batch (no transaction of its own). Returns the rows merged."""
    _check_table(table_name, data)
    data = dedupe_on_key(table_name, data)
    if data.num_rows == 0:
        return 0
    table = _quote(table_name)
    on = " and ".join(f"{table}.{_quote(k)} = merge_source.{_quote(k)}" for k in KEYS[table_name])
    sql = load_sql("_merge").format(table=table, on=on)
    row = execute(con, sql, tables={"merge_source": data}).fetchone()
    return int(row[0]) if row else data.num_rows


def _insert(con: duckdb.DuckDBPyConnection, table_name: str, data: pa.Table) -> int:
    """Append rows whose keys cannot be in the table yet (no transaction of its own); `data`
    has been through dedupe_on_key."""
    if data.num_rows == 0:
        return 0
    execute(con, load_sql("_insert").format(table=_quote(table_name)),
            tables={"insert_source": data})
    return data.num_rows


def merge_table(con: duckdb.DuckDBPyConnection, table_name: str, data: pa.Table) -> int:
    """Upsert `data` into `table_name` by its key in the caller's transaction. Returns rows merged."""
    return _merge(con, table_name, data)


def load_table(con: duckdb.DuckDBPyConnection, table_name: str, data: pa.Table) -> int:
    """Upsert `data` into `table_name` by its key, in one transaction. Returns rows merged."""
    with transaction(con):
        return _merge(con, table_name, data)


def _ids(article_ids: pa.Array) -> dict[str, pa.Table]:
    """Article ids as the `child_article_ids` table the load's SQL files read."""
    return {"child_article_ids": pa.table({"article_id": article_ids})}


def replace_article_children(
    con: duckdb.DuckDBPyConnection,
    article_ids: Iterable[str] | pa.Array,
    tables: Sequence[str] = ARTICLE_CHILDREN,
) -> dict[str, int]:
    """Delete the given articles' rows from child tables before their new rows are loaded.

    Without this a re-annotated article would keep mentions/events its new version lost.
    Runs in the caller's transaction. Returns rows deleted per table.
    """
    unknown = [table for table in tables if table not in ARTICLE_CHILDREN]
    if unknown:
        raise ValueError(f"{unknown} are not child tables of articles {ARTICLE_CHILDREN}")
    ids = article_ids if isinstance(article_ids, pa.Array) else pa.array(list(article_ids), pa.string())
    if len(ids) == 0:
        return {table: 0 for table in tables}
    deleted: dict[str, int] = {}
    for table in tables:
        sql = load_sql("_delete_article_children").format(table=_quote(table))
        row = execute(con, sql, tables=_ids(ids)).fetchone()
        deleted[table] = int(row[0]) if row else 0
    return deleted


@dataclass
class LoadResult:
    """What one load did: rows merged per table and the bookkeeping around them."""

    rows: dict[str, int] = field(default_factory=dict)
    quarantined_by_stage: dict[str, int] = field(default_factory=dict)
    replaced_articles: int = 0      # articles dropped because their pages were reprocessed
    refreshed_days: int = 0         # publication days whose incremental models were rebuilt
    indexed_articles: int = 0       # articles (re)indexed for search
    removed_entities: int = 0       # entities left without any mention or event
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Replace:
    """Derived rows to drop before a load: those of the articles made from these page URLs
    (reprocessing). Fetch, feed and ingest-stage quarantine rows are never dropped."""

    urls: tuple[str, ...]


def _part_groups(parts: Mapping[str, Sequence[Path]]) -> list[tuple[str, dict[str, list[Path]]]]:
    """Parts grouped by file name (one process batch writes one part per table, all named
    alike), in name order: a later batch's version of an article wins, children included."""
    groups: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for table_name, paths in parts.items():
        for path in paths:
            remote = storage.is_remote(path)
            groups[part_name(path)][table_name].append(path if remote else Path(path))
    return [(name, dict(groups[name])) for name in sorted(groups)]


def read_lake_parts(con: duckdb.DuckDBPyConnection, paths: Sequence[Path | storage.Location],
                    table_name: str) -> pa.Table:
    """Parts as one table with the contract schema: local files through pyarrow, s3:// ones
    through DuckDB's httpfs (the connection must have had enable_s3)."""
    remote = [str(p) for p in paths if storage.is_remote(p)]
    if not remote:
        return read_parts(paths, table_name)
    if len(remote) != len(paths):
        raise ValueError(f"{table_name}: parts both local and on object storage: {paths}")
    data = con.execute(load_sql("_read_parts"), {"files": remote}).fetch_arrow_table()
    schema = SCHEMAS[table_name]
    if data.column_names != schema.names:
        raise ValueError(f"{table_name}: parts {remote} have columns {data.column_names}, "
                         f"want {schema.names}")
    # DuckDB's Arrow export names list items differently and marks every column nullable;
    # the values are those of the file, cast back to the contract's types.
    return data.cast(schema)


# A load changing more articles than this reads their mentions in one pass over the table,
# not one read per rowid range (~10 ms each at 37.5 M mentions; the pass 0.6-0.7 s).
MAX_ROWID_RANGES = 48
# Rowids fewer than this apart are read in one range (a row group is 122,880 rows).
ROWID_RANGE_GAP = 4096


def rowid_ranges(rowids: Iterable[int], gap: int = ROWID_RANGE_GAP) -> list[tuple[int, int]]:
    """Rowids as sorted (lo, hi) ranges, a new range wherever more than `gap` rowids are missing."""
    return models.runs(rowids, gap)


def _touched_mentions(con: duckdb.DuckDBPyConnection, ids: pa.Array) -> pa.Table:
    """The mentions (rowid, article_id, entity_id, sentence_idx) of articles `ids`: their
    rowids first, then those rowid ranges (or, for many ranges, one filtered pass)."""
    found = execute(con, load_sql("_load_touch_rowids"), tables=_ids(ids)).fetch_arrow_table()
    ranges = rowid_ranges(found.column("mention_rowid").to_pylist(), ROWID_RANGE_GAP)
    if len(ranges) > MAX_ROWID_RANGES:
        return execute(con, load_sql("_load_touch_scan"), tables=_ids(ids)).fetch_arrow_table()
    ranges = ranges or [(1, 0)]  # no mentions: an empty range gives the columns, no rows
    # rowids are integers from DuckDB itself: formatted in, not user input
    sql = " union all ".join(load_sql("_load_touch_range").format(lo=int(lo), hi=int(hi))
                             for lo, hi in ranges)
    rows = con.execute(sql).fetch_arrow_table()
    return rows.filter(pc.is_in(rows.column("article_id"), value_set=ids))


def _touch_articles(con: duckdb.DuckDBPyConnection, ids: pa.Array, children: Sequence[str]) -> pa.Array:
    """Before articles are replaced or deleted: take their mentions out of the incremental
    models (or, when their mentions stay, mark their days for a rebuild), remember the entities
    they name, then delete their rows in the child tables named by the load. New articles have
    none of this: skipped. Returns the ids among `ids` that were already loaded."""
    existing = execute(con, load_sql("_load_existing"), tables=_ids(ids)).fetch_arrow_table()
    existing = existing.column("article_id").combine_chunks()
    if len(existing) == 0:
        return existing
    models.note_story_groups(con, existing)  # the groups their events leave
    # These articles' mentions, with their rowids (so deleting them takes no other pass).
    touched_rows = _touched_mentions(con, existing)
    run_script(con, load_sql("_load_touch"), tables={**_ids(existing), "touched_rows": touched_rows})
    if "mentions" in children:
        models.add_delta(con, load_sql("_mentions_touched"), -1)
        con.execute(load_sql("_delete_touched_mentions"))
    else:
        execute(con, load_sql("_load_days_of"), tables=_ids(existing))
    if "events" in children:
        replace_article_children(con, existing, ("events",))
    con.execute("drop table touched_mentions")
    return existing


def _days_of(con: duckdb.DuckDBPyConnection, ids: pa.Array) -> None:
    execute(con, load_sql("_load_days_of"), tables=_ids(ids))


def _drop_replaced(con: duckdb.DuckDBPyConnection, replace: Replace, result: LoadResult) -> None:
    urls = {"replace_urls": pa.table({"url": pa.array(sorted(set(replace.urls)), pa.string())})}
    found = execute(con, load_sql("_replace_select"), tables=urls).fetch_arrow_table()
    ids = found.column("article_id").combine_chunks()
    _touch_articles(con, ids, ARTICLE_CHILDREN)
    run_script(con, load_sql("_replace_delete"), tables={**urls, **_ids(ids)})
    search_index.drop_articles(con, ids)
    result.replaced_articles = len(ids)


def _load_group(con: duckdb.DuckDBPyConnection, group: Mapping[str, list[Path]],
                children: Sequence[str], result: LoadResult, touched: list[pa.Array]) -> None:
    """Load one group of parts: articles first (their old children deleted, then the new ones
    appended), everything else MERGEd. Adds the ids of the articles it touched to `touched`."""
    article_ids = pa.array([], pa.string())
    articles = None
    for table_name in SCHEMAS:  # dependency order: articles before their children
        if table_name not in group:
            continue
        data = read_lake_parts(con, group[table_name], table_name)
        _check_table(table_name, data)
        merged = 0
        if table_name == "articles":
            articles = data = dedupe_on_key(table_name, data)
            article_ids = data.column("article_id").combine_chunks()
            touched.append(article_ids)
            existing = _touch_articles(con, article_ids, children)
            # A changed article is deleted and appended, not updated in place: DuckDB's
            # checkpoint rewrites every row group an UPDATE touched, text column included
            # (~1 s for 20 changed articles at a million), while a delete only marks rows.
            if len(existing):
                execute(con, load_sql("_delete_article_children").format(table=_quote("articles")),
                        tables=_ids(existing))
            merged = _insert(con, table_name, data)
            if "mentions" not in children:  # their mentions stay: rebuild their (new) days
                _days_of(con, article_ids)
            started = time.perf_counter()
            result.indexed_articles += search_index.index_articles(con, data)
            result.seconds["search"] = result.seconds.get("search", 0.0) + time.perf_counter() - started
        elif table_name in ARTICLE_CHILDREN:
            mine = pc.is_in(data.column("article_id"), value_set=article_ids)
            new_rows = dedupe_on_key(table_name, data.filter(mine))
            merged = _insert(con, table_name, new_rows)
            if table_name == "mentions" and new_rows.num_rows:
                models.add_delta(con, load_sql("_mentions_of_batch"), 1, {
                    "delta_mentions": new_rows, "delta_articles": articles})
            others = data.filter(pc.invert(mine))
            if others.num_rows:  # children loaded without their article: upsert, and
                orphans = pc.unique(others.column("article_id"))
                if table_name == "events":
                    models.note_story_groups(con, orphans)
                merged += _merge(con, table_name, others)  # rebuild their articles' days
                _days_of(con, orphans)
                touched.append(orphans)
        else:
            merged = _merge(con, table_name, data)
        if table_name == "quarantine" and data.num_rows:
            for row in pc.value_counts(data.column("stage")).to_pylist():
                stage, n = row["values"], row["counts"]
                result.quarantined_by_stage[stage] = result.quarantined_by_stage.get(stage, 0) + n
        result.rows[table_name] = result.rows.get(table_name, 0) + merged


def load_parts_in(con: duckdb.DuckDBPyConnection, parts: Mapping[str, Sequence[Path]], *,
                  replace: Replace | None = None) -> LoadResult:
    """Everything a load does, in the caller's transaction (see load_parts)."""
    unknown = set(parts) - SCHEMAS.keys()
    if unknown:
        raise KeyError(f"unknown tables {sorted(unknown)}; known: {sorted(SCHEMAS)}")
    started = time.perf_counter()
    result = LoadResult(rows={t: 0 for t in SCHEMAS if t in parts})
    _step("begin")
    run_script(con, load_sql("_load_begin"))
    models.build_views(con)
    models.start_deltas(con)
    models.start_story_groups(con)
    if replace is not None:
        _drop_replaced(con, replace, result)
        _step("replaced")
    children = [t for t in ARTICLE_CHILDREN if t in parts]
    touched: list[pa.Array] = []
    for name, group in _part_groups(parts):
        _load_group(con, group, children, result, touched)
        _step(f"group:{name}")
    merged_at = time.perf_counter()
    queued = models.queued_full_refreshes(con)
    full = [m for m in models.INCREMENTAL if m in queued]
    partial = [m for m in models.INCREMENTAL if m not in queued]
    models.apply_deltas(con, partial)
    if full:
        models.refresh_incremental(con, None, full)
    result.refreshed_days = models.refresh_incremental(con, "select day from load_days", partial)
    if touched:  # the groups their events joined
        models.note_story_groups(con, pa.concat_arrays([a.cast(pa.string()) for a in touched]))
    models.refresh_story_events(
        con, None if models.STORY_EVENTS in queued else "select story_key, day from story_groups")
    con.execute("drop table story_groups")
    _step("models")
    con.execute(load_sql("_gc_candidates"))
    if con.execute("select count(*) from load_gc").fetchone()[0]:
        result.removed_entities = con.execute(load_sql("_gc_entities")).fetchone()[0]
    _step("entities")
    models_at = time.perf_counter()
    if "search_index" in queued:
        result.indexed_articles = search_index.rebuild_index(con)
    models.clear_queue(con, queued)
    _step("search")
    con.execute("drop table if exists load_days")
    con.execute("drop table if exists load_gc")
    done = time.perf_counter()
    search_s = result.seconds.get("search", 0.0) + (done - models_at)
    result.seconds = {"merge": round(merged_at - started - result.seconds.get("search", 0.0), 3),
                      "models": round(models_at - merged_at, 3), "search": round(search_s, 3)}
    return result


def load_parts(con: duckdb.DuckDBPyConnection, parts: Mapping[str, Sequence[Path]], *,
               replace: Replace | None = None) -> dict[str, int]:
    """Load lake parts of several tables in ONE transaction: all or nothing.

    Parts are loaded group by group (parts with the same file name: one process batch). For the
    articles of a group, the child tables named in `parts` (mentions, events) are emptied of
    those articles' rows first, so pass e.g. `"events": []` when a re-annotation found none; a
    child table not named is left alone. Incremental models are rebuilt for the publication days
    touched and the search index for the articles touched. `replace`: reprocessing, drop the
    rows derived from those pages first. Returns rows merged per table.
    """
    started = time.perf_counter()
    with transaction(con):
        result = load_parts_in(con, parts, replace=replace)
    log.info("warehouse: loaded %s in %.2f s", result.rows, time.perf_counter() - started)
    return result.rows


# --- search and counts ------------------------------------------------------------------------

def rebuild_fts(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild the whole search index from the articles table (one transaction)."""
    with transaction(con):
        return search_index.rebuild_index(con)


def search(con: duckdb.DuckDBPyConnection, query: str, limit: int = 10) -> list[tuple[str, str | None, float]]:
    """(article_id, title, score) of the best BM25 matches, best first."""
    return search_index.search(con, query, limit)


def run_completed(con: duckdb.DuckDBPyConnection, run_id: str) -> bool:
    """Whether `runs` records this run as loaded to the end."""
    row = con.execute("select status from runs where run_id = $run_id", {"run_id": run_id}).fetchone()
    return row is not None and row[0] == "completed"


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row count of every contract table."""
    return {name: con.table(name).count("*").fetchone()[0] for name in SCHEMAS}

