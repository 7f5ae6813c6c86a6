"""Run the named queries in sql/queries.sql against the built database, read-only, as DataFrames."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import aiosql
import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

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
            return as_frame(cursor.sql(sql, params=parameters))
    with connect(database) as fresh:
        return as_frame(fresh.sql(sql, params=parameters))


_MICROSECONDS = np.dtype("datetime64[us]")
_NULLABLE_INTEGERS = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
}


def as_frame(relation: duckdb.DuckDBPyRelation) -> pd.DataFrame:
    """A query's rows as pandas by way of Arrow: half the time of .df() once there are thousands of rows
    with text (a region's figures at a million records: 24 → 12 ms), and the very frame .df() gives
    (a test compares them for every named query): dates in microseconds, an integer column with NULLs
    as a nullable integer, a text column with no text at all (or no rows) as objects."""
    table = relation.to_arrow_table()
    frame = table.to_pandas(date_as_object=False)
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_integer(field.type) and column.null_count:
            frame[field.name] = column.to_pandas(types_mapper=_NULLABLE_INTEGERS.get)
        elif pa.types.is_temporal(field.type) and frame[field.name].dtype != _MICROSECONDS:
            frame[field.name] = frame[field.name].astype(_MICROSECONDS)
        elif pa.types.is_string(field.type) and column.null_count == table.num_rows:
            frame[field.name] = np.full(table.num_rows, None, dtype=object)
    return frame


def data_version(database: Path | None = None, connection: duckdb.DuckDBPyConnection | None = None) -> str:
    """The content version the database was built from ('' if there is no database)."""
    meta = fetch("meta", database, connection)
    return dict(zip(meta["key"], meta["value"], strict=True)).get("data_version", "")
