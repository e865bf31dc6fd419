"""Records to Arrow: dataclass instances or dicts become a table with exactly a contract schema.

The flows hand over frozen dataclasses (transforms.contracts) plus the columns a table adds on
top (run_id, article_id, ...); this is the one place that turns them into `pa.Table`s, so a
field that drifts from its schema fails loudly here instead of vanishing in a load.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pyarrow as pa

from warehouse.schemas import SCHEMAS


class RowConversionError(ValueError):
    """Rows do not fit the table's schema (unknown field, wrong type, bad extra column)."""


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _schema(table_name: str) -> pa.Schema:
    try:
        return SCHEMAS[table_name]
    except KeyError:
        raise RowConversionError(f"unknown table {table_name!r}; known: {sorted(SCHEMAS)}") from None


def _carried_columns(table_name: str, schema: pa.Schema, rows: Sequence[Any]) -> set[str]:
    """Names the rows carry; raises on a name the schema does not have."""
    carried: set[str] = set()
    seen_types: set[type] = set()
    for row in rows:
        if isinstance(row, Mapping):
            names: Sequence[str] = list(row.keys())
        elif dataclasses.is_dataclass(row) and not isinstance(row, type):
            if type(row) in seen_types:
                continue
            seen_types.add(type(row))
            names = _field_names(type(row))
        else:
            raise RowConversionError(
                f"{table_name}: rows must be dataclass instances or mappings, got {type(row).__name__}"
            )
        for name in names:
            if name not in carried:
                if schema.get_field_index(name) < 0:
                    raise RowConversionError(
                        f"{table_name}: field {name!r} (from {type(row).__name__}) is not a column "
                        f"of the {table_name} schema"
                    )
                carried.add(name)
    return carried


def _getter(rows: Sequence[Any]) -> Callable[[Any, str], Any]:
    """Fast path when every row is the same dataclass: plain getattr, no per-row type checks."""
    first = type(rows[0])
    if dataclasses.is_dataclass(first) and all(type(r) is first for r in rows):
        return getattr
    if all(isinstance(r, Mapping) for r in rows):
        return lambda row, name: row.get(name)
    return lambda row, name: row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)


def _extra_column(table_name: str, field: pa.Field, value: Any, n: int) -> pa.Array:
    """A constant broadcast to n rows, or a per-row pa.Array of length n."""
    if isinstance(value, pa.ChunkedArray):
        value = value.combine_chunks()
    if isinstance(value, pa.Array):
        if len(value) != n:
            raise RowConversionError(
                f"{table_name}.{field.name}: per-row extra column has {len(value)} values for {n} rows"
            )
        return value.cast(field.type)
    return pa.repeat(pa.scalar(value, type=field.type), n)


def to_table(table_name: str, rows: Sequence[Any], **extra_columns: Any) -> pa.Table:
    """Rows (dataclass instances or mappings) -> a pa.Table with exactly SCHEMAS[table_name].

    Columns the rows do not carry come from `extra_columns` (a scalar such as run_id="r1" is
    repeated; a pa.Array gives one value per row) or are null. Tuples become lists.
    """
    schema = _schema(table_name)
    for name in extra_columns:
        if schema.get_field_index(name) < 0:
            raise RowConversionError(f"{table_name}: extra column {name!r} is not in the schema")
    if not rows:
        return schema.empty_table()
    carried = _carried_columns(table_name, schema, rows)
    both = carried & extra_columns.keys()
    if both:
        raise RowConversionError(f"{table_name}: {sorted(both)} given both in the rows and as extra columns")

    n = len(rows)
    get = _getter(rows)
    arrays: list[pa.Array] = []
    for field in schema:
        name = field.name
        try:
            if name in carried:
                arrays.append(pa.array([get(row, name) for row in rows], type=field.type))
            elif name in extra_columns:
                arrays.append(_extra_column(table_name, field, extra_columns[name], n))
            else:
                arrays.append(pa.nulls(n, type=field.type))
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError) as exc:
            raise RowConversionError(f"{table_name}.{name} ({field.type}): {exc}") from exc
    return pa.Table.from_arrays(arrays, schema=schema)
