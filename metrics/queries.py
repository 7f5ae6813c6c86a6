"""Run the named queries in sql/queries.sql against the built database, read-only, as DataFrames."""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
from collections.abc import Iterable, Iterator, Mapping
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


_host: duckdb.DuckDBPyConnection | None = None
_IDLE_CURSORS = 4  # per file: as many as page views of one process run queries at the same time, about
_host_lock = threading.Lock()
_names = itertools.count(1)


def _host_connection() -> duckdb.DuckDBPyConnection:
    """The process's one in-memory DuckDB, to which database files are attached.

    Most of what opening a database file took (15-30 ms, the same for a 3-row file as for a million
    records) is DuckDB setting up a new instance: registering its built-in functions (perf: catalog
    entries and their allocations). Attaching a file to an instance that exists takes ~1 ms. The host
    holds no file of its own: each file is attached read-only and detached when its Database is closed.
    """
    global _host
    with _host_lock:
        if _host is None:
            _host = duckdb.connect(":memory:")
        return _host


class Database:
    """A database file attached read-only to the process's DuckDB under a name of its own.

    Many readers may share the file while one builder replaces it (os.replace): a file attached after
    that reads the new file even while the old one is still attached. Queries run on `cursor()`s,
    so threads may share one Database. Closed (detached) by `close()`, at the end of a `with` block,
    or when nothing refers to it any more.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.name = f"database_{next(_names)}"
        self._closed = True
        self._idle: list[duckdb.DuckDBPyConnection] = []  # cursors on this file, not in use now
        self._idle_lock = threading.Lock()
        quoted = "'" + str(self.path).replace("'", "''") + "'"  # ATTACH takes no bound parameters
        with _host_connection().cursor() as cursor:
            cursor.execute(f"ATTACH {quoted} AS {self.name} (READ_ONLY)")
        self._closed = False

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor reading this file (its tables by their plain names)."""
        if self._closed:
            raise duckdb.ConnectionException(f"database {self.path} was closed")
        cursor = _host_connection().cursor()
        cursor.execute(f"USE {self.name}")
        return cursor

    @contextlib.contextmanager
    def borrowed_cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for one query, taken from those kept idle and given back after it: a new cursor and
        its USE were ~0.7 ms of each 3-6 ms query on a page's first view. One thread at a time uses it."""
        with self._idle_lock:
            cursor = self._idle.pop() if self._idle else None
        if cursor is None:
            cursor = self.cursor()
        try:
            yield cursor
        except BaseException:
            cursor.close()  # a failed query may leave the cursor in any state: not given back
            raise
        with self._idle_lock:
            if not self._closed and len(self._idle) < _IDLE_CURSORS:
                self._idle.append(cursor)
                return
        cursor.close()

    def execute(self, sql: str, parameters: object = None) -> duckdb.DuckDBPyConnection:
        """Run SQL on a new cursor; the cursor, holding the result, is returned."""
        return self.cursor().execute(sql, parameters)

    def close(self) -> None:
        """Detach the file (a query still running on a cursor of it finishes first)."""
        if self._closed or _host is None:
            return
        with self._idle_lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for cursor in idle:
            cursor.close()
        with _host.cursor() as cursor:
            cursor.execute(f"DETACH DATABASE IF EXISTS {self.name}")

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001, S110 - at interpreter exit DuckDB may be gone before us
            pass


def connect(database: Path | None = None) -> Database:
    """The database file, read-only: many readers may share the file while one builder replaces it."""
    return Database(database or paths.database_path())


def fetch(
    name: str,
    database: Path | None = None,
    connection: Database | duckdb.DuckDBPyConnection | None = None,
    **parameters: object,
) -> pd.DataFrame:
    """Run one named query with bound parameters.

    Without `connection`, the file is attached for this query, so it reads the newest file. With one (a
    caller that keeps one per data version), the query runs on its own cursor, so threads may share it.
    """
    sql = getattr(_queries(), name).sql
    if connection is not None:
        return _run(connection, sql, parameters)
    with connect(database) as fresh:
        return _run(fresh, sql, parameters)


def _run(connection: Database | duckdb.DuckDBPyConnection, sql: str, parameters: dict[str, object]) -> pd.DataFrame:
    with _cursor(connection) as cursor:
        return as_frame(cursor.sql(sql, params=_bound(parameters)))


def _cursor(connection: Database | duckdb.DuckDBPyConnection):
    """A cursor for one query: an idle one of a Database's, or a new one of a plain connection's."""
    return connection.borrowed_cursor() if isinstance(connection, Database) else connection.cursor()


def _bound(parameters: Mapping[str, object]) -> dict[str, object]:
    """A tuple (hashable, so a cache can key on it) is bound as the list it stands for."""
    return {name: list(value) if isinstance(value, tuple) else value for name, value in parameters.items()}


_MICROSECONDS = np.dtype("datetime64[us]")
_ARROW_MICROSECONDS = pa.timestamp("us")


def _cast_to_microseconds(kind: pa.DataType) -> bool:
    """A date, or a timestamp without a time zone: what Arrow casts to microsecond timestamps as pandas would."""
    return pa.types.is_date(kind) or (pa.types.is_timestamp(kind) and kind.tz is None)


_NULLABLE_INTEGERS = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
}


def as_frame(relation: duckdb.DuckDBPyRelation) -> pd.DataFrame:
    """A query's rows as pandas by way of Arrow: half the time of .df() once there are thousands of rows
    with text (a region's figures at a million records: 24 → 12 ms), and the very frame .df() gives
    (a test compares them for every named query)."""
    return frame_of(relation.to_arrow_table())


_TEXT = pd.StringDtype(storage="pyarrow", na_value=np.nan)  # pandas' own text kind ("str"), as .df() gives


def frame_of(table: pa.Table) -> pd.DataFrame:
    """A query's Arrow rows as the frame .df() gives: dates in microseconds, an integer column with NULLs
    as a nullable integer, a text column with no text at all (or no rows) as objects."""
    plain = _plain_frame(table)
    if plain is not None:
        return plain
    # Dates made microsecond timestamps in Arrow, before pandas: a pandas astype a column cost more than
    # Arrow's cast of the table. Blocks not consolidated: a copy of every column for nothing (the frame's
    # values are the same). Together a quarter of a first view's conversions.
    schema = pa.schema(
        [
            pa.field(field.name, _ARROW_MICROSECONDS) if _cast_to_microseconds(field.type) else field
            for field in table.schema
        ]
    )
    if schema != table.schema:
        table = table.cast(schema)
    frame = table.to_pandas(date_as_object=False, split_blocks=True)
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_integer(field.type) and column.null_count:
            frame[field.name] = column.to_pandas(types_mapper=_NULLABLE_INTEGERS.get)
        elif pa.types.is_temporal(field.type) and frame[field.name].dtype != _MICROSECONDS:
            frame[field.name] = frame[field.name].astype(_MICROSECONDS)  # what Arrow did not cast
        elif _is_text(field.type) and column.null_count == table.num_rows:
            frame[field.name] = np.full(table.num_rows, None, dtype=object)
    return frame


def _is_text(kind: pa.DataType) -> bool:
    """Text as a query gives it (string) or as the build keeps it (large_string): one kind to pandas."""
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _plain_frame(table: pa.Table) -> pd.DataFrame | None:
    """frame_of for the kinds every named query gives (text, numbers, dates), made column by column; None for
    any other kind or a repeated column name. Arrow's pandas conversion costs ~0.1 ms a column whatever the
    rows (its pandas metadata, blocks and a cast of each text column in Python), ~40% more than this: a
    first view converts some 200 columns of a dozen small results."""
    if len(set(table.column_names)) != table.num_columns:
        return None
    rows = table.num_rows
    columns: dict[str, object] = {}
    for field, column in zip(table.schema, table.columns, strict=True):
        kind = field.type
        if _is_text(kind):
            if column.null_count == rows:
                columns[field.name] = np.full(rows, None, dtype=object)
            else:
                text = column if pa.types.is_large_string(kind) else column.cast(pa.large_string())
                columns[field.name] = pd.arrays.ArrowStringArray(text, dtype=_TEXT)
        elif pa.types.is_integer(kind) and column.null_count:
            columns[field.name] = column.to_pandas(types_mapper=_NULLABLE_INTEGERS.get)
        elif _cast_to_microseconds(kind):
            columns[field.name] = column.cast(_ARROW_MICROSECONDS).to_numpy()
        elif pa.types.is_floating(kind) or pa.types.is_integer(kind):
            columns[field.name] = column.to_numpy()
        else:
            return None
    return pd.DataFrame(columns, copy=False)


# Small queries without parameters that (nearly) every page's first view asks: the build keeps their results
# (kept_results), and a new data version's first view reads them all at once (kept_tables) instead of one
# query each. Not meta: the data version is read from its own table. Nothing large (all_targets, all_figures).
# The build also keeps the default view's figures, progress and targets (metrics.build.default_view_queries).
KEPT_QUERIES = (
    "metrics",
    "sources",
    "all_checks",
    "entities_by_role",
    "regions_with_data",
    "update_dates",
    "all_events",
)


def kept_name(name: str, parameters: Mapping[str, object]) -> str:
    """What kept_results calls a query's result: the query's name, then its parameters if it has any
    ('figures_for_region{"region_id":"huangshi"}')."""
    if not parameters:
        return name
    return name + json.dumps(dict(sorted(parameters.items())), ensure_ascii=False, separators=(",", ":"))


def keep_results(connection: duckdb.DuckDBPyConnection, with_parameters: Iterable[tuple[str, dict]] = ()) -> None:
    """Store the result of each KEPT_QUERIES query, and of each (query, parameters) given, in kept_results;
    run by the build once every other table is filled."""
    for name, parameters in [*((name, {}) for name in KEPT_QUERIES), *with_parameters]:
        table = connection.sql(getattr(_queries(), name).sql, params=_bound(parameters)).to_arrow_table()
        table = table.cast(_with_large_text(table.schema))  # as pandas keeps text: no cast on each first view
        stream = pa.BufferOutputStream()
        # Compressed: DuckDB reads a large value slowly (~4 ms a MB here); lz4 makes the default view's
        # figures at a million records 2.4 → 0.56 MB, undone in ~1 ms. All kept results: ~10 → ~7 ms a read.
        with pa.ipc.new_stream(stream, table.schema, options=_KEPT_FORM) as writer:
            writer.write_table(table)
        connection.execute(
            "INSERT INTO kept_results VALUES (?, ?)", [kept_name(name, parameters), stream.getvalue().to_pybytes()]
        )


_KEPT_FORM = pa.ipc.IpcWriteOptions(compression="lz4")


def _with_large_text(schema: pa.Schema) -> pa.Schema:
    return pa.schema(
        [pa.field(field.name, pa.large_string()) if pa.types.is_string(field.type) else field for field in schema]
    )


def kept_tables(connection: Database | duckdb.DuckDBPyConnection) -> dict[str, pa.Table]:
    """The kept results, by kept_name, as Arrow tables (frame_of makes each a frame); empty when the
    database has none (built before they were kept: the queries are then run one by one). All are read at
    once: the default view's figures (0.56 MB compressed at a million records) added little to the read,
    where a read of their own cost 2.4 ms more."""
    with _cursor(connection) as cursor:
        try:
            rows = cursor.execute("SELECT name, arrow FROM kept_results").fetchall()
        except duckdb.CatalogException:
            return {}
    return {name: pa.ipc.open_stream(arrow).read_all() for name, arrow in rows}


def data_version(database: Path | None = None, connection: Database | duckdb.DuckDBPyConnection | None = None) -> str:
    """The content version the database was built from ('' if there is no database)."""
    meta = fetch("meta", database, connection)
    return dict(zip(meta["key"], meta["value"], strict=True)).get("data_version", "")
