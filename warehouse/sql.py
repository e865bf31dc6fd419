"""SQL lives in .sql files next to the code; Python loads it by name and binds parameters only."""

from __future__ import annotations

import functools
import re
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
