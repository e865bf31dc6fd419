"""The Parquet lake: `<lake_dir>/<table>/date=YYYY-MM-DD/<part>.parquet`, hive-partitioned, zstd.

The lake is a local folder or an `s3://bucket/prefix` on S3-compatible object storage
(warehouse.storage.Location: every function here takes either). On S3 a part is buffered and
sent as one upload, which becomes visible only when complete.

Parts are named `<run_id>.parquet` or `<run_id>-<suffix>.parquet` so a load can pick one run's
output. Writes go to a dot-named temp file in the same folder and are renamed into place, so a
crash never leaves a half-written part that readers (DuckDB, pyarrow globbing *.parquet) see.

Any engine reads it without newsetl: plain Parquet, standard types (timestamps in UTC, lists of
strings), hive partitions (`date` is the day of the run that wrote the part). The lake keeps
every run's output: a page fetched twice, or reprocessed, has a row in each run's parts; the
warehouse holds the current row of each key (the newest run_id wins).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from warehouse import storage
from warehouse.schemas import SCHEMAS

log = logging.getLogger(__name__)

_PART_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.=-]*$")


class LakeSchemaError(ValueError):
    """A table handed to the lake does not have its contract schema."""


def _schema(table_name: str) -> pa.Schema:
    try:
        return SCHEMAS[table_name]
    except KeyError:
        raise LakeSchemaError(f"unknown table {table_name!r}; known: {sorted(SCHEMAS)}") from None


def _check_schema(table_name: str, schema: pa.Schema) -> None:
    expected = _schema(table_name)
    if not schema.equals(expected, check_metadata=False):
        got = {f.name: str(f.type) for f in schema}
        want = {f.name: str(f.type) for f in expected}
        diff = sorted(
            f"{name}: got {got.get(name, 'missing')}, want {want.get(name, 'absent')}"
            for name in got.keys() | want.keys()
            if got.get(name) != want.get(name)
        ) or ["same columns and types, different order"]
        raise LakeSchemaError(f"{table_name}: schema differs from warehouse.schemas: " + "; ".join(diff))


LakeDir = Path | str | storage.Location  # a local folder, or an s3:// location


def part_path(lake_dir: LakeDir, table_name: str, *, date: str, part: str) -> Path | str:
    """Where a part lives (a Path, or an s3:// URI); validates the date and the part name."""
    dt.date.fromisoformat(date)  # raises ValueError on anything but a real YYYY-MM-DD date
    if len(date) != 10:
        raise ValueError(f"date must be YYYY-MM-DD, got {date!r}")
    if not _PART_NAME.match(part) or part.endswith(".parquet"):
        raise ValueError(f"bad part name {part!r}: letters, digits, '_', '-', '.', no leading dot, no suffix")
    if storage.is_remote(lake_dir):
        return storage.location(lake_dir).uri(table_name, f"date={date}", f"{part}.parquet")
    return Path(lake_dir) / table_name / f"date={date}" / f"{part}.parquet"


def write_part(lake_dir: LakeDir, table_name: str, table: pa.Table, *, date: str,
               part: str) -> Path | str:
    """Write one part atomically; writing the same (table, date, part) again replaces it."""
    _check_schema(table_name, table.schema)
    if storage.is_remote(lake_dir):
        return _upload_part(storage.location(lake_dir), table_name, table, date=date, part=part)
    target = part_path(lake_dir, table_name, date=date, part=part)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{part}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as sink:
            pq.write_table(table, sink, compression="zstd")
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(tmp_name, target)
    except BaseException:  # noqa: BLE001 - remove the temp file whatever went wrong, then re-raise
        Path(tmp_name).unlink(missing_ok=True)
        raise
    log.debug("lake: wrote %s (%d rows)", target, table.num_rows)
    return target


def _upload_part(lake: storage.Location, table_name: str, table: pa.Table, *, date: str,
                 part: str) -> str:
    """The S3 branch of write_part: the whole file in memory, then one upload."""
    part_path(lake, table_name, date=date, part=part)  # validates date and part name
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    uri = lake.write_bytes(sink.getvalue(), table_name, f"date={date}", f"{part}.parquet")
    log.debug("lake: wrote %s (%d rows)", uri, table.num_rows)
    return uri


def part_name(path: Path | str | storage.Location) -> str:
    """The file name of a part (a Path, an s3:// URI or Location)."""
    return str(path).rsplit("/", 1)[-1]


def _belongs_to_run(path: Path | str, run_id: str) -> bool:
    name = part_name(path)
    return name == f"{run_id}.parquet" or name.startswith(f"{run_id}-")


_PART_FILE = re.compile(r"/date=[^/]+/[^./][^/]*\.parquet$")


def list_parts(lake_dir: LakeDir, table_name: str, *,
               run_id: str | None = None) -> list[Path] | list[storage.Location]:
    """Visible parts of a table (temp files excluded), optionally only one run's, sorted
    (Paths in a local lake; in a lake on S3, Locations: an s3:// URL and how to reach it)."""
    _schema(table_name)
    if storage.is_remote(lake_dir):
        where = storage.location(lake_dir)
        return [storage.Location(uri, where.s3) for uri in where.list_files(table_name)
                if _PART_FILE.search(uri) and (run_id is None or _belongs_to_run(uri, run_id))]
    parts = (
        p
        for p in (Path(lake_dir) / table_name).glob("date=*/*.parquet")
        if not p.name.startswith(".")
    )
    if run_id is not None:
        parts = (p for p in parts if _belongs_to_run(p, run_id))
    return sorted(parts)


def read_parts(paths: Iterable[Path | storage.Location], table_name: str) -> pa.Table:
    """Concatenate parts into one table with the contract schema (hive columns not added);
    parts on S3 (Locations, as list_parts gives them) through pyarrow's S3 filesystem."""
    schema = _schema(table_name)
    tables = []
    for path in paths:
        if storage.is_remote(path):
            where = storage.location(path)
            with where.fs.open_input_file(where.fs_path()) as source:
                table = pq.ParquetFile(source).read()
        else:
            table = pq.ParquetFile(path).read()
        try:
            _check_schema(table_name, table.schema)
        except LakeSchemaError as exc:
            raise LakeSchemaError(f"{path}: {exc}") from None
        tables.append(table.replace_schema_metadata(None))
    if not tables:
        return schema.empty_table()
    return pa.concat_tables(tables)


# The hive partition column every table's parts are filed under.
PARTITIONING = ds.partitioning(pa.schema([("date", pa.date32())]), flavor="hive")


def dataset(lake_dir: LakeDir, table_name: str) -> ds.Dataset:
    """All parts of a table as one pyarrow dataset: the contract columns plus `date` (the
    partition), temp files ignored; what Polars, Spark or DuckDB see with hive partitioning."""
    schema = _schema(table_name).append(pa.field("date", pa.date32()))
    if storage.is_remote(lake_dir):
        where = storage.location(lake_dir)
        return ds.dataset(where.fs_path(table_name), filesystem=where.fs, format="parquet",
                          partitioning=PARTITIONING, schema=schema, exclude_invalid_files=False)
    return ds.dataset(Path(lake_dir) / table_name, format="parquet", partitioning=PARTITIONING,
                      schema=schema, exclude_invalid_files=False)
