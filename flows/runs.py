"""Run ids and the small JSON-lines hand-over files passed between flows."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path


def new_run_id(now: datetime | None = None) -> str:
    """Sortable and unique: 20260127T101500Z-3f9a1c."""
    now = now or datetime.now(timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def run_date(run_id: str) -> str:
    """The lake partition date of a run (YYYY-MM-DD)."""
    stamp = run_id.split("-", 1)[0]
    return f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]}"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def write_jsonl(path: Path, records: Iterable[dict]) -> Path:
    """Atomic write of JSON lines (temp file + rename)."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
    os.replace(tmp, path)
    return path


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
