"""Database access for pages: rebuilt when the CSVs change, cached per data version.

Each page view checks the CSV files' fingerprint (size and mtime, cheap). If they changed, the database
is rebuilt; if the new files are invalid, the old database keeps serving and the problem is reported
for a banner. Query results are cached under the data version, so a new version is never served stale.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path

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
        try:
            version = build().data_version
        except BuildError as error:
            problems = error.problems
            version = queries.data_version() if paths.database_path().exists() else ""
        state = DataState(version=version, fingerprint=fingerprint, problems=problems)
        _states[folder] = state
        return state


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached(database: str, version: str, name: str, parameters: tuple) -> pd.DataFrame:
    return queries.fetch(name, database=Path(database), **dict(parameters))


def fetch(name: str, **parameters: object) -> pd.DataFrame:
    """Run a named query, cached for the current data version. Callers must not modify the frame."""
    state = data_state()
    return _cached(str(paths.database_path()), state.version, name, tuple(sorted(parameters.items())))


@st.cache_data(show_spinner=False, max_entries=256)
def _progress(database: str, version: str, region_id: str, as_of: dt.date | None) -> pd.DataFrame:
    return CachedReader(Path(database), as_of).progress_uncached(region_id)


class CachedReader(Reader):
    """The metrics Reader, with every query cached under the current data version."""

    def fetch(self, name: str, **parameters: object) -> pd.DataFrame:
        return fetch(name, **parameters)

    def progress_uncached(self, region_id: str) -> pd.DataFrame:
        return Reader.progress(self, region_id)

    def progress(self, region_id: str) -> pd.DataFrame:
        return _progress(str(paths.database_path()), data_state().version, region_id, self.as_of)


def reader(as_of: dt.date | None) -> CachedReader:
    """The reader pages use for the viewer's as-of choice."""
    return CachedReader(paths.database_path(), as_of)
