"""Shared fixtures. `../shared/` (read-only test data) sits beside the checkout, also in CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder. Skips with a reason when absent; in CI (CI=1) its absence fails."""
    if not SHARED.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED} is missing: CI must have ../shared beside the checkout")
        pytest.skip(f"{SHARED} not found: these tests read real data from ../shared")
    return SHARED


@pytest.fixture(scope="session")
def seed_text(shared_dir: Path) -> str:
    return (shared_dir / "seed" / "upi-2022-07-14-north-korea-recognizes-donetsk-lugansk.txt").read_text("utf-8")
