"""SQL lives in .sql files next to the code; Python loads it by name and binds parameters only."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources

_FOLDERS = ("models", "migrations")
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


@functools.cache
def load_sql(name: str) -> str:
    """Text of `warehouse/models/<name>.sql` or `warehouse/migrations/<name>.sql`.

    Read through importlib.resources so it works from a wheel as well as a checkout.
    """
    root = resources.files("warehouse")
    for folder in _FOLDERS:
        candidate = root / folder / f"{name}.sql"
        if candidate.is_file():
            return candidate.read_text("utf-8")
    raise FileNotFoundError(f"no SQL file named {name!r} in warehouse/{{{','.join(_FOLDERS)}}}/")


def migration_names() -> list[tuple[int, str]]:
    """(version, name) of every `warehouse/migrations/NNN_*.sql`, in version order."""
    folder = resources.files("warehouse") / "migrations"
    found: list[tuple[int, str]] = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name.removesuffix(".sql")))
    found.sort()
    versions = [version for version, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a version number: {found}")
    return found


# DuckDB finds Python objects named in a query among the variables of the calling frame (its
# "replacement scan"). Running the statement in a frame whose variables are the Arrow tables
# makes them visible under those names without con.register(): a registered view is a catalog
# entry, which a transaction keeps, with the Arrow data it points to, until it commits; a
# million-article load goes through thousands of batches in one transaction.
_EXECUTE = compile("result = con.execute(statement, params)", "<warehouse.sql>", "exec")


def execute(con, statement, params: Mapping[str, object] | None = None,
            tables: Mapping[str, object] | None = None):
    """con.execute(statement, params), with `tables` (Arrow tables) visible to it by name."""
    if not tables:
        return con.execute(statement, params)
    scope = {"con": con, "statement": statement, "params": params, **tables}
    exec(_EXECUTE, {}, scope)  # noqa: S102 - fixed code; see _EXECUTE above
    return scope["result"]


def run_script(con, sql: str, params: Mapping[str, object] | None = None,
               tables: Mapping[str, object] | None = None):
    """Run every statement of `sql` in order, binding to each only the named parameters it
    uses (DuckDB binds parameters to one statement at a time), with `tables` visible to all.
    Returns the last result."""
    params = params or {}
    result = None
    for statement in con.extract_statements(sql):
        wanted = {name: params[name] for name in statement.named_parameters}
        result = execute(con, statement, wanted or None, tables)
    return result
