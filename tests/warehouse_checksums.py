"""Row checksums per warehouse table, to compare two warehouses built from the same input.

Columns left out are those that say when or in which run a row was made, not what it holds:
`run_id` (a fresh id per run), wall-clock times of the run itself (`fetched_at`, `at`,
`last_fetched_at`, `next_due_at`, `last_changed_at`, `loaded_at`, `indexed_at`, `started_at`,
`finished_at`) and measured durations (`elapsed_ms`). The `runs` table (one row of run
bookkeeping: timings, versions) and `schema_migrations` (when each migration was applied) are
left out whole. Everything else - every article, entity, mention, event, model row and search
index entry - must be equal.
"""

from __future__ import annotations

from pathlib import Path

from warehouse import db

VOLATILE_COLUMNS = frozenset({
    "run_id", "fetched_at", "at", "last_fetched_at", "next_due_at", "last_changed_at",
    "loaded_at", "indexed_at", "started_at", "finished_at", "elapsed_ms", "applied_at",
})
SKIPPED_TABLES = frozenset({"runs", "schema_migrations"})


def table_checksums(db_path: Path, ignore: dict[str, set[str]] | None = None,
                    ) -> dict[str, tuple[int, int]]:
    """{table: (rows, sum of row hashes)} over every base table but SKIPPED_TABLES; `ignore`
    names more columns to leave out, per table."""
    ignore = ignore or {}
    con = db.connect(db_path, read_only=True)
    try:
        tables = [name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE' "
            "and table_schema = 'main' order by table_name").fetchall()
            if name not in SKIPPED_TABLES]
        sums = {}
        for table in tables:
            columns = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_name = ? "
                "and table_schema = 'main' order by ordinal_position", [table]).fetchall()
                if c not in VOLATILE_COLUMNS and c not in ignore.get(table, ())]
            row_hash = "hash(" + ", ".join(f'"{c}"' for c in columns) + ")"
            rows, total = con.execute(
                f'select count(*), coalesce(sum({row_hash}::hugeint), 0) from "{table}"').fetchone()
            sums[table] = (rows, int(total))
        return sums
    finally:
        con.close()
