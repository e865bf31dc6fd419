"""Record dataclasses, Arrow schemas and DuckDB tables must stay in step."""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing

import duckdb
import pyarrow as pa
import pytest

from transforms import contracts
from warehouse import db
from warehouse.rows import RowConversionError, to_table
from warehouse.schemas import KEYS, SCHEMAS

# (dataclass, table, columns the table adds on top of the dataclass fields)
PAIRS = [
    (contracts.ArticleRow, "articles", {"run_id"}),
    (contracts.FeedItem, "feed_items", {"run_id"}),
    (contracts.FetchRecord, "fetch_log", {"run_id"}),
    (contracts.QuarantineRecord, "quarantine", {"run_id"}),
    (contracts.Entity, "entities", {"run_id"}),
    (contracts.Mention, "mentions", {"mention_id", "article_id", "run_id"}),
    (contracts.Event, "events", {"event_id", "article_id", "story_id", "run_id"}),
]
PAIR_IDS = [table for _, table, _ in PAIRS]

_SAMPLES = {
    "str": "x",
    "int": 1,
    "float": 0.5,
    "datetime": dt.datetime(2022, 7, 14, 6, 30, tzinfo=dt.UTC),
    "date": dt.date(2022, 7, 14),
    "tuple[str, ...]": ("a", "b"),
}


def _sample(cls: type) -> object:
    """An instance with a plausible value for every field, chosen from its annotation."""
    hints = typing.get_type_hints(cls)
    values = {}
    for field in dataclasses.fields(cls):
        hint = hints[field.name]
        if isinstance(hint, types.UnionType):  # X | None
            hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
        name = "tuple[str, ...]" if typing.get_origin(hint) is tuple else hint.__name__
        values[field.name] = _SAMPLES[name]
    return cls(**values)


@pytest.mark.parametrize(("cls", "table", "extra"), PAIRS, ids=PAIR_IDS)
def test_dataclass_fields_are_schema_columns(cls, table, extra):
    fields = {f.name for f in dataclasses.fields(cls)}
    columns = set(SCHEMAS[table].names)
    assert fields - columns == set(), f"{cls.__name__} fields missing from the {table} schema"
    assert columns - fields == extra, f"{table} columns beyond {cls.__name__} changed"


@pytest.mark.parametrize(("cls", "table", "extra"), PAIRS, ids=PAIR_IDS)
def test_dataclass_values_convert_to_schema_types(cls, table, extra):
    row = _sample(cls)
    out = to_table(table, [row], **{name: "x" for name in extra})
    assert out.schema.equals(SCHEMAS[table])
    assert out.num_rows == 1
    for field in dataclasses.fields(cls):
        value = getattr(row, field.name)
        expected = list(value) if isinstance(value, tuple) else value
        assert out.column(field.name)[0].as_py() == expected, field.name


def test_every_schema_has_a_key_and_a_run_id():
    assert KEYS.keys() == SCHEMAS.keys()
    for table, schema in SCHEMAS.items():
        assert set(KEYS[table]) <= set(schema.names), table
        assert "run_id" in schema.names, table


def test_migrated_tables_match_arrow_schemas(tmp_path):
    con = db.connect(tmp_path / "news.duckdb")
    db.migrate(con)
    for table, schema in SCHEMAS.items():
        created = con.execute(f"describe {table}").fetchall()
        empty = schema.empty_table()  # noqa: F841 - read by DuckDB's replacement scan below
        from_arrow = con.execute("describe select * from empty").fetchall()
        assert [(c[0], c[1]) for c in created] == [(c[0], c[1]) for c in from_arrow], table
    con.close()


# --- warehouse.rows.to_table ------------------------------------------------------------------

def test_to_table_empty_rows_give_empty_table_with_schema():
    out = to_table("events", [])
    assert out.num_rows == 0
    assert out.schema.equals(SCHEMAS["events"])


def test_to_table_fills_missing_columns_from_extras_or_null():
    mention = contracts.Mention("country:PRK", "North Korea", "country", 0, 0, 11, 0.9)
    ids = pa.array(["m1"])
    out = to_table("mentions", [mention], run_id="r1", article_id="a1", mention_id=ids)
    assert out.to_pylist() == [{
        "mention_id": "m1", "article_id": "a1", "entity_id": "country:PRK",
        "surface": "North Korea", "kind": "country", "sentence_idx": 0, "start_char": 0,
        "end_char": 11, "confidence": pytest.approx(0.9), "run_id": "r1",
    }]
    bare = to_table("mentions", [mention])
    assert bare.column("run_id").null_count == 1


def test_to_table_dicts_and_tuples():
    out = to_table("entities", [{"entity_id": "org:nato", "aliases": ("NATO", "the alliance")}])
    assert out.column("aliases").to_pylist() == [["NATO", "the alliance"]]
    assert out.column("kind").to_pylist() == [None]


def test_to_table_unknown_field_names_field_and_table():
    with pytest.raises(RowConversionError, match=r"'colour'.*entities"):
        to_table("entities", [{"entity_id": "org:nato", "colour": "blue"}])
    with pytest.raises(RowConversionError, match="not in the schema"):
        to_table("entities", [], colour="blue")


def test_to_table_rejects_a_column_given_twice_and_a_bad_type():
    with pytest.raises(RowConversionError, match="both"):
        to_table("entities", [{"entity_id": "org:nato"}], entity_id="x")
    with pytest.raises(RowConversionError, match=r"entities\.lat"):
        to_table("entities", [{"entity_id": "org:nato", "lat": "north"}])


def test_duckdb_is_the_pinned_engine():
    # The fts wheel is built for one engine version; keep them moving together.
    assert db.fts_extension_path().parent.name == f"v{duckdb.__version__}"


def test_the_runs_row_of_a_load_fills_the_runs_schema():
    from warehouse.loader import RunFacts, run_row
    facts = RunFacts(run_id="r1", started_at=dt.datetime(2022, 7, 14, tzinfo=dt.UTC), kind="reprocess",
                     scope="all", counts={"feeds": 2, "feed_items": 9, "pages_fetched": 7,
                                          "pages_processed": 7}, code_version="c", data_version="d")
    result = db.LoadResult(rows={"articles": 7, "mentions": 70, "quarantine": 2},
                           quarantined_by_stage={"fetch": 1, "extract": 1}, replaced_articles=7,
                           seconds={"merge": 0.5, "models": 0.1, "search": 0.2})
    row = run_row(facts, result, dt.datetime(2022, 7, 14, 0, 1, tzinfo=dt.UTC))
    assert set(row) == set(SCHEMAS["runs"].names)
    out = to_table("runs", [row])
    assert out.schema.equals(SCHEMAS["runs"])
    got = out.to_pylist()[0]
    assert got["quarantined_by_stage"] == [("extract", 1), ("fetch", 1)]
    assert (got["kind"], got["scope"], got["articles"], got["quarantined"], got["events"]) == (
        "reprocess", "all", 7, 2, 0)


def test_incremental_model_tables_match_their_queries(tmp_path):
    from warehouse import models
    from warehouse.sql import load_sql
    con = db.connect(tmp_path / "news.duckdb")
    db.migrate(con)
    models.build_views(con)
    con.execute("create temp table refresh_days (day_key date)")
    for name in models.INCREMENTAL:
        table = con.execute(f"describe {name}").fetchall()
        query = con.execute(
            f"describe select * from ({models.model_sql(name, load_sql('_mentions_of_days'))})").fetchall()
        assert [c[0] for c in table] == [c[0] for c in query], name
        assert all(t[1] == q[1] or (t[1], q[1]) == ("BIGINT", "HUGEINT") for t, q in zip(table, query)), name
    con.close()


def test_the_lake_dataset_is_the_contract_plus_its_partition(tmp_path):
    from warehouse import lake
    lake.write_part(tmp_path, "events", to_table("events", []), date="2022-07-14", part="r1")
    schema = lake.dataset(tmp_path, "events").schema
    assert schema.names == SCHEMAS["events"].names + ["date"]
    assert schema.field("date").type == pa.date32()
