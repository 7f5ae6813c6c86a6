"""Where the data lives. DASHBOARD_DATA_DIR points elsewhere (tests, benchmarks, a second site)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = PROJECT_ROOT.parent / "shared" / "seed"


def data_dir() -> Path:
    """The folder of CSV files, read from the environment each call so tests can redirect it."""
    return Path(os.environ.get("DASHBOARD_DATA_DIR", PROJECT_ROOT / "data"))


def database_path() -> Path:
    """The DuckDB file built from the CSVs."""
    return data_dir() / "dashboard.duckdb"


def history_dir() -> Path:
    """Every replaced version of an editable table."""
    return data_dir() / "history"
