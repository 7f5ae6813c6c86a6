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


def fetch(
    name: str,
    database: Path | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
    **parameters: object,
) -> pd.DataFrame:
    """Run one named query with bound parameters.

    Without `connection`, a fresh connection each time sees the newest file. With one (a caller that
    keeps a connection per data version), the query runs on its own cursor, so threads may share it.
    """
    sql = getattr(_queries(), name).sql
    if connection is not None:
        with connection.cursor() as cursor:
            return cursor.execute(sql, parameters).df()
    with connect(database) as fresh:
        return fresh.execute(sql, parameters).df()


def data_version(database: Path | None = None, connection: duckdb.DuckDBPyConnection | None = None) -> str:
    """The content version the database was built from ('' if there is no database)."""
    meta = fetch("meta", database, connection)
    return dict(zip(meta["key"], meta["value"], strict=True)).get("data_version", "")
