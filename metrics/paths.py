"""Where the data lives. DASHBOARD_DATA_DIR points elsewhere (tests, benchmarks, a second site)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = PROJECT_ROOT.parent / "shared" / "seed"


def data_dir() -> Path:
    """The folder of CSV files, read from the environment each call so tests can redirect it."""
    return _folder(os.environ.get("DASHBOARD_DATA_DIR"))[0]


def database_path() -> Path:
    """The DuckDB file built from the CSVs."""
    return _folder(os.environ.get("DASHBOARD_DATA_DIR"))[1]


@lru_cache(maxsize=16)
def _folder(configured: str | None) -> tuple[Path, Path]:
    # A page view asks for these two dozen times (every cached query's key): the paths are made once
    # per DASHBOARD_DATA_DIR value instead of each time.
    # Unset or empty: the project's own folder (an empty value had meant the current directory).
    folder = Path(configured or PROJECT_ROOT / "data")
    return folder, folder / "dashboard.duckdb"


def history_dir() -> Path:
    """Every replaced version of an editable table."""
    return data_dir() / "history"
