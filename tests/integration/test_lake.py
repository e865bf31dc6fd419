"""The Parquet lake: atomic, idempotent part writes with the contract schemas, readable by
other engines (pyarrow datasets, DuckDB) with hive partitioning."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from warehouse import lake
from warehouse.lake import LakeSchemaError, list_parts, read_parts, write_part
from warehouse.rows import to_table


def _entities(*names: str, run_id: str = "r1") -> pa.Table:
    return to_table(
        "entities",
        [{"entity_id": f"org:{n}", "kind": "org", "canonical_name": n} for n in names],
        run_id=run_id,
    )


def _visible_and_hidden(root):
    files = [p for p in root.rglob("*") if p.is_file()]
    return [p for p in files if not p.name.startswith(".")], [p for p in files if p.name.startswith(".")]


def test_write_read_round_trip(tmp_path):
    table = _entities("nato", "un")
    path = write_part(tmp_path, "entities", table, date="2022-07-14", part="r1")
    assert path == tmp_path / "entities" / "date=2022-07-14" / "r1.parquet"
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"
    assert read_parts([path], "entities").equals(table)
    visible, hidden = _visible_and_hidden(tmp_path)
    assert visible == [path] and hidden == []


def test_rewriting_a_part_replaces_it(tmp_path):
    write_part(tmp_path, "entities", _entities("nato", "un"), date="2022-07-14", part="r1")
    path = write_part(tmp_path, "entities", _entities("eu"), date="2022-07-14", part="r1")
    assert read_parts(list_parts(tmp_path, "entities"), "entities").column("entity_id").to_pylist() == ["org:eu"]
    assert _visible_and_hidden(tmp_path) == ([path], [])


def test_schema_mismatch_is_rejected(tmp_path):
    table = _entities("nato")
    with pytest.raises(LakeSchemaError, match="lat"):
        write_part(tmp_path, "entities", table.drop_columns(["lat"]), date="2022-07-14", part="r1")
    wrong_type = table.set_column(4, "lat", pa.array(["north"]))
    with pytest.raises(LakeSchemaError, match="lat: got string, want double"):
        write_part(tmp_path, "entities", wrong_type, date="2022-07-14", part="r1")
    with pytest.raises(LakeSchemaError, match="unknown table"):
        write_part(tmp_path, "nope", table, date="2022-07-14", part="r1")
    assert not tmp_path.joinpath("entities").exists() or _visible_and_hidden(tmp_path) == ([], [])


def test_bad_date_or_part_name_is_rejected(tmp_path):
    table = _entities("nato")
    with pytest.raises(ValueError):
        write_part(tmp_path, "entities", table, date="14/07/2022", part="r1")
    for part in ("../r1", ".r1", "r1.parquet", ""):
        with pytest.raises(ValueError):
            write_part(tmp_path, "entities", table, date="2022-07-14", part=part)


def test_crash_mid_write_leaves_no_file(tmp_path, monkeypatch):
    good = write_part(tmp_path, "entities", _entities("nato"), date="2022-07-14", part="r1")

    def crash(table, sink, **kwargs):
        sink.write(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(lake.pq, "write_table", crash)
    with pytest.raises(OSError, match="disk full"):
        write_part(tmp_path, "entities", _entities("un"), date="2022-07-14", part="r1")
    with pytest.raises(OSError):
        write_part(tmp_path, "entities", _entities("un"), date="2022-07-15", part="r2")
    # The earlier good part is intact, nothing half-written is visible or left behind.
    assert _visible_and_hidden(tmp_path) == ([good], [])
    assert read_parts([good], "entities").column("entity_id").to_pylist() == ["org:nato"]


def test_list_parts_by_run(tmp_path):
    table = _entities("nato")
    paths = {
        part: write_part(tmp_path, "entities", table, date=date, part=part)
        for part, date in [("r1", "2022-07-14"), ("r1-b", "2022-07-15"), ("r10", "2022-07-14"), ("r2-a", "2022-07-14")]
    }
    assert list_parts(tmp_path, "entities", run_id="r1") == [paths["r1"], paths["r1-b"]]
    assert list_parts(tmp_path, "entities", run_id="r2") == [paths["r2-a"]]
    assert len(list_parts(tmp_path, "entities")) == 4
    assert list_parts(tmp_path, "mentions") == []


def test_read_parts_concatenates_without_hive_columns(tmp_path):
    a = write_part(tmp_path, "entities", _entities("nato"), date="2022-07-14", part="r1")
    b = write_part(tmp_path, "entities", _entities("un", "eu"), date="2022-07-15", part="r1")
    out = read_parts([a, b], "entities")
    assert out.schema.names == _entities().schema.names  # no "date" column from the folder name
    assert out.num_rows == 3
    assert read_parts([], "entities").num_rows == 0


# --- other engines ---------------------------------------------------------------------------------

def _events(*ids: str, run_id: str = "r1") -> pa.Table:
    return to_table("events", [{
        "event_id": i, "article_id": "a1", "event_date": dt.date(2022, 7, 13), "date_precision": "day",
        "actor1_country": "PRK", "actor2_country": "UKR", "cameo_code": "054", "cameo_root": "05",
        "quad_class": 1, "goldstein": 3.5, "sentence_idx": 0, "evidence": "x", "start_char": 0,
        "end_char": 1, "temporal": "current", "factuality": "asserted", "confidence": 0.8}
        for i in ids], run_id=run_id)


def _lake_with_a_crashed_write(tmp_path, monkeypatch):
    write_part(tmp_path, "events", _events("e1", "e2"), date="2022-07-14", part="r1")
    write_part(tmp_path, "events", _events("e3", run_id="r2"), date="2022-07-15", part="r2-process-0000000")
    write_part(tmp_path, "articles", to_table("articles", [{
        "article_id": "a1", "url": "u", "canonical_url": "u", "source_id": "s", "text": "t",
        "word_count": 1, "content_sha256": "c", "extractor": "x", "extractor_version": "1",
        "raw_sha256": "r", "authors": ("A", "B"),
        "published_at": dt.datetime(2022, 7, 14, 5, tzinfo=dt.UTC),
        "fetched_at": dt.datetime(2022, 7, 14, 6, tzinfo=dt.UTC)}],
        run_id="r1"), date="2022-07-14", part="r1")

    def crash(table, sink, **kwargs):
        sink.write(b"PAR1 half a file")
        raise OSError("killed")

    monkeypatch.setattr(lake.pq, "write_table", crash)
    with pytest.raises(OSError):
        write_part(tmp_path, "events", _events("e9"), date="2022-07-15", part="r3")
    monkeypatch.undo()


def test_pyarrow_dataset_reads_the_lake_with_hive_partitions(tmp_path, monkeypatch):
    import pyarrow.dataset as ds
    _lake_with_a_crashed_write(tmp_path, monkeypatch)
    # Plain pyarrow, no newsetl code: what Polars (scan_parquet(hive_partitioning=True)) and
    # Spark (spark.read.parquet) do with the same folders.
    plain = ds.dataset(tmp_path / "events", format="parquet", partitioning="hive")
    table = plain.to_table()
    assert sorted(table.column("event_id").to_pylist()) == ["e1", "e2", "e3"]
    assert sorted(set(map(str, table.column("date").to_pylist()))) == ["2022-07-14", "2022-07-15"]
    assert table.schema.field("event_date").type == pa.date32()
    typed = lake.dataset(tmp_path, "events").to_table(filter=ds.field("date") == pa.scalar(
        dt.date(2022, 7, 15)))
    assert typed.column("event_id").to_pylist() == ["e3"]
    assert typed.schema.field("date").type == pa.date32()
    arts = lake.dataset(tmp_path, "articles").to_table()
    assert arts.schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert arts.column("authors").to_pylist() == [["A", "B"]]


def test_duckdb_reads_the_lake_with_hive_partitions(tmp_path, monkeypatch):
    import duckdb
    _lake_with_a_crashed_write(tmp_path, monkeypatch)
    con = duckdb.connect()
    rows = con.execute(
        "select date, count(*), sum(goldstein), min(run_id) from read_parquet(?, hive_partitioning = true) "
        "group by all order by 1", [str(tmp_path / "events" / "*" / "*.parquet")]).fetchall()
    assert [(str(d), n, g, r) for d, n, g, r in rows] == [("2022-07-14", 2, 7.0, "r1"), ("2022-07-15", 1, 3.5, "r2")]
    types = dict(con.execute(
        "select column_name, column_type from (describe select * from read_parquet(?, hive_partitioning = true))",
        [str(tmp_path / "articles" / "*" / "*.parquet")]).fetchall())
    assert types["published_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["authors"] == "VARCHAR[]"
    assert types["date"] == "DATE"
