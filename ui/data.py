"""Database access for pages: rebuilt when the CSVs change, cached per data version.

Each page view checks the CSV files' fingerprint (size and mtime, cheap). If they changed, the database
is rebuilt; if the new files are invalid, the old database keeps serving and the problem is reported
for a banner. Query results are cached under the data version, so a new version is never served stale.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd
import streamlit as st

from metrics import paths, queries
from metrics.build import BuildError, build, input_fingerprint
from metrics.csvfile import Problem
from metrics.reader import Reader


@dataclass
class DataState:
    """The database this process serves, and why it could not be refreshed, if so."""

    version: str = ""
    fingerprint: str = ""
    problems: list[tuple[str, Problem]] = field(default_factory=list)


_lock = threading.Lock()
_states: dict[str, DataState] = {}  # per data folder
T = TypeVar("T")


def data_state() -> DataState:
    """Bring the database up to date with the CSVs if they changed; never raises on bad data."""
    folder = str(paths.data_dir())
    fingerprint = input_fingerprint()
    state = _states.get(folder)
    if state is not None and state.fingerprint == fingerprint:
        return state
    with _lock:
        state = _states.get(folder)
        if state is not None and state.fingerprint == fingerprint:
            return state
        problems: list[tuple[str, Problem]] = []
        _close_connections()  # else DuckDB hands back the open instance of the replaced file
        built = _open_live_database()
        try:
            if built.get("fingerprint") == fingerprint and built.get("data_version"):
                # Built from these very files (same sizes and times): reading and hashing them all
                # (64 MB at a million records) only to learn the same version is what a new server
                # process's first view spent most of its time on.
                version = built["data_version"]
            else:
                _close_connections()  # the file it read is about to be replaced
                version = build().data_version
        except BuildError as error:
            problems = error.problems
            version = queries.data_version() if paths.database_path().exists() else ""
        state = DataState(version=version, fingerprint=fingerprint, problems=problems)
        _states[folder] = state
        return state


_RUN_KEY = "_data_state_of_this_run"
# The same state for this thread's run, read without session state's lookups (a view asks ~20 times).
# A script thread serves one session (Streamlit starts a thread for each run), so it is never another
# session's state; a callback before begin_run sees the previous run's, as session state would give.
_this_run = threading.local()


def begin_run() -> DataState:
    """Check the CSV files once at the start of a page view; the rest of the run reuses the answer.

    dashboard.py calls this first thing, so every page view still sees an edited file, while the
    twenty-odd queries of one view no longer stat every file again each.
    """
    state = data_state()
    st.session_state[_RUN_KEY] = state  # for a widget's callback that runs in a new thread before begin_run
    _this_run.state = state
    return state


def run_state() -> DataState:
    """The data state this page view began with (checked now if the run did not begin in dashboard.py)."""
    state = getattr(_this_run, "state", None)
    if state is None and st.runtime.exists():
        state = st.session_state.get(_RUN_KEY)
    return state if state is not None else data_state()


_connections: OrderedDict[tuple[str, str], queries.Database] = OrderedDict()
_connections_lock = threading.Lock()


def _connection(database: str, version: str) -> queries.Database:
    """A read-only connection to the database of one data version, opened once and shared.

    Opening one per query cost 12-20 ms each on a page's first view (now a file is attached to the
    process's DuckDB, ~1 ms: queries.Database). When the files change, data_state closes the kept
    connections before anything opens the new file. Queries run on a cursor of it.
    """
    key = (database, version)
    with _connections_lock:
        connection = _connections.get(key)
        if connection is not None:
            return connection
        connection = queries.connect(Path(database))
        if queries.data_version(connection=connection) != version:
            return connection  # the file was replaced meanwhile: use once, do not keep under this version
    _keep_connection(key, connection)
    return connection


def _open_live_database() -> dict[str, str]:
    """The live database's meta table ({} if there is none or it cannot be read).

    The connection opened to read it is kept for that data version: the page's queries use it next.
    """
    database = paths.database_path()
    if not database.exists():
        return {}
    try:
        connection = queries.connect(database)
        meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    except duckdb.Error:
        return {}
    _keep_connection((str(database), meta.get("data_version", "")), connection)
    return meta


def _close_connections() -> None:
    """Close the kept connections (a query still running on a cursor of one finishes first).

    A replaced file stays open (its disk space and cache held) until its connection is closed. (When
    each connection was a DuckDB instance of its own, DuckDB also handed a new connection the open
    instance of the replaced file; a file attached to queries.Database reads the new one.)
    """
    with _connections_lock:
        while _connections:
            _, connection = _connections.popitem()
            connection.close()


def _keep_connection(key: tuple[str, str], connection: queries.Database) -> None:
    with _connections_lock:
        _connections.setdefault(key, connection)
        _connections.move_to_end(key)
        while len(_connections) > 2:
            _connections.popitem(last=False)  # closed when its last cursor is done


def fetch(name: str, **parameters: object) -> pd.DataFrame:
    """Run a named query, once per data version and parameters; shared, so callers must not modify it.

    Kept as the object itself (data.derived), not in st.cache_data: that unpickles a fresh copy on
    every call, a fifth of a warm page view with a dozen queries.
    """
    return _fetch_at(str(paths.database_path()), run_state().version, name, parameters)


def _fetch_at(database: str, version: str, name: str, parameters: dict[str, object]) -> pd.DataFrame:
    key = tuple(sorted(parameters.items()))

    def run() -> pd.DataFrame:
        kept = _derived_at(database, version, ("kept",), lambda: queries.kept_tables(_connection(database, version)))
        kept_as = queries.kept_name(name, dict(key))
        if kept_as in kept:
            return queries.frame_of(kept[kept_as])
        return queries.fetch(name, connection=_connection(database, version), **parameters)

    return _derived_at(database, version, ("query", name, key), run)


class CachedReader(Reader):
    """The metrics Reader, with every query cached under the current data version."""

    def fetch(self, name: str, **parameters: object) -> pd.DataFrame:
        return fetch(name, **parameters)

    def progress(self, region_id: str) -> pd.DataFrame:
        return derived(("progress", region_id, self.as_of), lambda: Reader.progress(self, region_id))

    # Pure reshaping of cached query results: done once per data version, region and date, then shared.
    def in_view(self, region_id: str) -> list[str]:
        return derived(("in_view", region_id), lambda: Reader.in_view(self, region_id))

    def figures(self, region_id: str) -> pd.DataFrame:
        return derived(("figures", region_id, self.as_of), lambda: Reader.figures(self, region_id))

    def latest(self, region_id: str) -> pd.DataFrame:
        return derived(("latest", region_id, self.as_of), lambda: Reader.latest(self, region_id))

    def targets(self, region_id: str) -> pd.DataFrame:
        return derived(("targets", region_id, self.as_of), lambda: Reader.targets(self, region_id))

    def entities(self, region_id: str) -> pd.DataFrame:
        return derived(("entities", region_id), lambda: Reader.entities(self, region_id))

    def events(self, region_id: str) -> pd.DataFrame:
        return derived(("events", region_id, self.as_of), lambda: Reader.events(self, region_id))

    def sources(self) -> pd.DataFrame:
        if self.as_of is None:  # the kept query result: no entry of its own
            return Reader.sources(self)
        return derived(("sources", self.as_of), lambda: Reader.sources(self))

    def checks(self) -> pd.DataFrame:
        if self.as_of is None:  # the stored checks, a kept query result: no entry of its own
            return Reader.checks(self)
        return derived(("checks", self.as_of), lambda: Reader.checks(self))

    def region(self, region_id: str) -> dict:
        return derived(("region", region_id), lambda: Reader.region(self, region_id))


def reader(as_of: dt.date | None) -> CachedReader:
    """The reader pages use for the viewer's as-of choice."""
    return CachedReader(paths.database_path(), as_of)


def file_stamps(files: tuple[Path, ...] | list[Path]) -> tuple[tuple[int, int] | None, ...]:
    """Each file's size and modification time in nanoseconds (None if missing): what changes when it does."""
    stamps: list[tuple[int, int] | None] = []
    for path in files:
        try:
            status = path.stat()
        except FileNotFoundError:
            stamps.append(None)
            continue
        stamps.append((status.st_size, status.st_mtime_ns))
    return tuple(stamps)


def derived_from_files(key: tuple, files: tuple[Path, ...] | list[Path], build: Callable[[], T]) -> T:
    """Like `derived`, for a value also computed from files outside the database (a table's history log):
    keyed on those files too, so a change to them is never answered from the cache.

    The data version alone is not enough there: a rollback returns the data to an earlier content, and so
    an earlier version, while the log has grown since.
    """
    return derived((*key, file_stamps(files)), build)


_DERIVED_ENTRIES = 512
_derived: OrderedDict[tuple, object] = OrderedDict()
_derived_lock = threading.Lock()
_building: dict[tuple, threading.Event] = {}  # keys being built now, by whichever thread began first
_generation = 0  # forget_all() bumps it: a build begun before that is not kept after it


def derived(key: tuple, build: Callable[[], T]) -> T:
    """`build()` computed once per data version and key (region, language, as-of...), then shared.

    For what a page makes from query results that is the same for every viewer with the same choices:
    key points, cards, figures. Building them took most of a warm page view; now a new data version
    builds them again. The result is shared between sessions, so callers must not modify it.
    """
    return _derived_at(str(paths.database_path()), run_state().version, key, build)


def _derived_at(database: str, version: str, key: tuple, build: Callable[[], T]) -> T:
    """derived() for a given database and data version. A value another thread is building (another
    viewer's first view after a new data version) is waited for, not built twice; if that build fails, this thread
    builds it. Builds only ever wait for values below them (queries under figures under charts), so no
    two builds wait for each other."""
    full_key = (database, version, *key)
    while True:
        with _derived_lock:
            if full_key in _derived:
                _derived.move_to_end(full_key)
                return _derived[full_key]  # type: ignore[return-value]
            building = _building.get(full_key)
            if building is None:
                building = _building[full_key] = threading.Event()
                generation = _generation
                break
        building.wait()
    try:
        value = build()  # outside the lock: a slow build does not hold up other pages
        with _derived_lock:
            if generation == _generation:
                _derived[full_key] = value
                while len(_derived) > _DERIVED_ENTRIES:
                    _derived.popitem(last=False)
        return value
    finally:
        with _derived_lock:
            if _building.get(full_key) is building:
                del _building[full_key]
        building.set()


def forget_all() -> None:
    """Forget every kept value, connection and data state, as a new data version or a new process
    would have nothing (the benchmarks' first views); a build still running is not kept."""
    global _generation
    with _derived_lock:
        _generation += 1
        _derived.clear()
    with _lock:
        _states.clear()
    _close_connections()
