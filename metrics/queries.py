"""Run the named queries in sql/queries.sql against the built database, read-only, as DataFrames."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import aiosql
import duckdb
import pandas as pd

from metrics import paths

SQL_DIR = Path(__file__).parent / "sql"


@cache
def _queries():
    return aiosql.from_path(SQL_DIR / "queries.sql", "duckdb")


def query_names() -> list[str]:
    """Names of the queries available to pages."""
    return [name for name in _queries().available_queries if not name.endswith("_cursor")]


def connect(database: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection: many readers may share the file while one builder replaces it."""
    return duckdb.connect(str(database or paths.database_path()), read_only=True)


def fetch(name: str, database: Path | None = None, **parameters: object) -> pd.DataFrame:
    """Run one named query with bound parameters; a fresh connection each time sees the newest file."""
    sql = getattr(_queries(), name).sql
    with connect(database) as connection:
        return connection.execute(sql, parameters).df()


def data_version(database: Path | None = None) -> str:
    """The content version the database was built from ('' if there is no database)."""
    meta = fetch("meta", database)
    return dict(zip(meta["key"], meta["value"], strict=True)).get("data_version", "")
