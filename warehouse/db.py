"""The DuckDB warehouse: connection handling, migrations, idempotent loads, models, FTS, checks.

One process writes `news.duckdb`; everyone else opens it read-only. Loads MERGE on the
deterministic keys in warehouse.schemas, so re-running a load changes nothing. SQL lives in
warehouse/migrations and warehouse/models; here we only pick files and bind values.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import duckdb
import duckdb_extension_fts
import pyarrow as pa
import pyarrow.compute as pc

from warehouse.lake import read_parts
from warehouse.schemas import KEYS, SCHEMAS
from warehouse.sql import load_sql, migration_names

log = logging.getLogger(__name__)

# Views built by build_models(), in dependency order.
MODELS: tuple[str, ...] = (
    "stg_articles",
    "stg_mentions",
    "stg_events",
    "dim_entities",
    "fct_events_daily_country_pair",
    "fct_entity_mentions_daily",
    "mart_source_health",
)
# Tables whose rows belong to one article and are replaced wholesale when it is re-loaded.
ARTICLE_CHILDREN: tuple[str, ...] = ("mentions", "events")

_CONFIG = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
_LOCK_PID = re.compile(r"\(PID (\d+)\)")


class WarehouseLocked(RuntimeError):
    """Another process holds the write lock on the database file."""


class WarehouseMissing(FileNotFoundError):
    """Read-only open of a database file that does not exist yet."""


class FtsIndexMissing(RuntimeError):
    """search() before rebuild_fts() built the index."""


def fts_extension_path() -> Path:
    """The fts extension shipped in the pinned duckdb-extension-fts wheel (loaded offline)."""
    root = Path(duckdb_extension_fts.__file__).parent / "extensions"
    path = root / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found: duckdb-extension-fts must match duckdb {duckdb.__version__}"
        )
    return path


def connect(db_path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (fts loaded, TimeZone UTC); clear errors when locked or missing."""
    db_path = Path(db_path)
    if read_only and not db_path.is_file():
        raise WarehouseMissing(
            f"{db_path} does not exist yet: run `newsetl demo` or `newsetl run` first"
        )
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(db_path), read_only=read_only, config=dict(_CONFIG))
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
    con.execute(f"LOAD '{fts_extension_path()}'")
    con.execute("SET TimeZone = 'UTC'")
    return con


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All or nothing: roll back on any exception (re-raised unchanged), else commit."""
    con.begin()
    try:
        yield
    except BaseException:  # noqa: BLE001 - roll back whatever interrupted us, then re-raise
        con.rollback()
        raise
    con.commit()


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
        with transaction(con):
            con.execute(load_sql(name))
            con.execute(load_sql("_record"), {"version": version, "name": name})
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
    con.register("merge_source", data)
    try:
        row = con.execute(load_sql("_merge").format(table=table, on=on)).fetchone()
    finally:
        con.unregister("merge_source")
    return int(row[0]) if row else data.num_rows


def load_table(con: duckdb.DuckDBPyConnection, table_name: str, data: pa.Table) -> int:
    """Upsert `data` into `table_name` by its key, in one transaction. Returns rows merged."""
    with transaction(con):
        return _merge(con, table_name, data)


def replace_article_children(
    con: duckdb.DuckDBPyConnection,
    article_ids: Iterable[str],
    tables: Sequence[str] = ARTICLE_CHILDREN,
) -> dict[str, int]:
    """Delete the given articles' rows from child tables before their new rows are merged.

    Without this a re-annotated article would keep mentions/events its new version lost.
    Runs in the caller's transaction (load_parts). Returns rows deleted per table.
    """
    unknown = [table for table in tables if table not in ARTICLE_CHILDREN]
    if unknown:
        raise ValueError(f"{unknown} are not child tables of articles {ARTICLE_CHILDREN}")
    ids = pa.table({"article_id": pa.array(list(article_ids), type=pa.string())})
    if ids.num_rows == 0:
        return {table: 0 for table in tables}
    deleted: dict[str, int] = {}
    con.register("child_article_ids", ids)
    try:
        for table in tables:
            row = con.execute(load_sql("_delete_article_children").format(table=_quote(table))).fetchone()
            deleted[table] = int(row[0]) if row else 0
    finally:
        con.unregister("child_article_ids")
    return deleted


def load_parts(con: duckdb.DuckDBPyConnection, parts: Mapping[str, Sequence[Path]]) -> dict[str, int]:
    """Load lake parts of several tables in ONE transaction: all or nothing.

    For the articles being loaded, the child tables named in `parts` (mentions, events) are
    emptied of those articles' rows first, so pass e.g. `"events": []` when a re-annotation
    found none; a child table not named is left alone. Returns rows merged per table.
    """
    unknown = set(parts) - SCHEMAS.keys()
    if unknown:
        raise KeyError(f"unknown tables {sorted(unknown)}; known: {sorted(SCHEMAS)}")
    started = time.perf_counter()
    counts: dict[str, int] = {}
    with transaction(con):
        for table_name in SCHEMAS:  # dependency order: articles before their children
            if table_name not in parts:
                continue
            data = read_parts(parts[table_name], table_name)
            if table_name == "articles":
                children = [t for t in ARTICLE_CHILDREN if t in parts]
                if children:
                    replace_article_children(con, data.column("article_id").to_pylist(), children)
            counts[table_name] = _merge(con, table_name, data)
    log.info("warehouse: loaded %s in %.2f s", counts, time.perf_counter() - started)
    return counts


# --- models, search, checks -------------------------------------------------------------------

def build_models(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create or replace every model view, in dependency order, in one transaction."""
    with transaction(con):
        for name in MODELS:
            con.execute(load_sql(name))
    return list(MODELS)


def rebuild_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the BM25 index over articles.title + text (it does not follow later writes)."""
    con.execute(load_sql("_rebuild_fts"))


def search(con: duckdb.DuckDBPyConnection, query: str, limit: int = 10) -> list[tuple[str, str | None, float]]:
    """(article_id, title, score) of the best BM25 matches, best first."""
    try:
        return con.execute(load_sql("_search"), {"query": query, "limit": limit}).fetchall()
    except duckdb.CatalogException as exc:
        if "fts_main_articles" not in str(exc):
            raise
        raise FtsIndexMissing("no full-text index yet: run a load (or rebuild_fts) first") from exc


def check_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Column tests (unique/not-null keys, required columns, accepted values, relationships).

    Returns one line per failing test, e.g. "events.quad_class: accepted_values fails on 2 rows".
    """
    rows: list[tuple[str, str, str, int]] = []
    template = load_sql("_check_keys")
    for table_name, keys in KEYS.items():
        sql = template.format(
            table=_quote(table_name),
            name=table_name,
            key_label=",".join(keys),
            key_list=", ".join(_quote(k) for k in keys),
            key_null=" or ".join(f"{_quote(k)} is null" for k in keys),
        )
        rows.extend(con.execute(sql).fetchall())
    rows.extend(con.execute(load_sql("_checks")).fetchall())
    return [
        f"{table}.{column}: {check} fails on {failing} rows"
        for table, column, check, failing in rows
        if failing
    ]


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row count of every contract table."""
    return {name: con.table(name).count("*").fetchone()[0] for name in SCHEMAS}
