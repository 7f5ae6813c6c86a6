"""What is made from a shared object (a cached frame, figure or table), made once and kept with it.

Pages share query results and figures (ui.data.derived); several builders read the same frame row by
row (the key points, each page's cards), and Streamlit would recompute a figure's plain form or a
table's Arrow form on every view. Entries are kept by the object's id with a weak reference that drops
them when the object goes (frames and figures are unhashable). What is kept is shared too: callers
must not modify it.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa

T = TypeVar("T")

_kept: dict[int, tuple[weakref.ref, dict]] = {}
_lock = threading.RLock()  # re-entrant: a collection inside may run a forgetter


def _forgetter(key: int) -> Callable[[weakref.ref], None]:
    """The weak reference's callback. It holds the table and lock itself: at interpreter exit the
    module's globals may already be None when the last frames go."""
    kept, lock = _kept, _lock

    def forget(reference: weakref.ref) -> None:
        with lock:
            entry = kept.get(key)
            if entry is not None and entry[0] is reference:
                del kept[key]

    return forget


def kept_for(source: object, variant: Hashable, build: Callable[[], T]) -> T:
    """`build()` once per shared object and variant, dropped with the object."""
    key = id(source)
    with _lock:
        entry = _kept.get(key)
        if entry is None or entry[0]() is not source:
            entry = (weakref.ref(source, _forgetter(key)), {})
            _kept[key] = entry
        forms = entry[1]
        if variant not in forms:
            forms[variant] = build()
        return forms[variant]


def _values(column: pd.Series) -> list:
    """A column's values as to_dict gives them: a text column through Arrow, whose to_pylist makes the
    strings at once (pandas' own conversion cost ~0.1 ms a text column whatever its rows, 4 ms for one
    region's progress rows on a slow machine); a missing value as the dtype's (NaN), a nullable column's as None."""
    array = column.array
    if isinstance(array, pd.arrays.ArrowStringArray):
        return _text_values(pa.array(array), array.dtype.na_value)
    values = column.tolist()
    if getattr(column.dtype, "na_value", None) is pd.NA:
        values = [None if value is pd.NA else value for value in values]
    return values


def _text_values(text: pa.Array | pa.ChunkedArray, missing: object) -> list:
    values = text.to_pylist()
    if missing is not pd.NA and None in values:
        values = [missing if value is None else value for value in values]
    return values


def rows(frame: pd.DataFrame) -> list[dict]:
    """The rows as frame.to_dict("records") gives them (the same values and types), in about half its
    time: a column at a time, where to_dict walks row tuples and boxes each value."""
    names = frame.columns.tolist()
    if not names:
        return [{} for _ in range(len(frame))]
    columns = [_values(column) for _, column in frame.items()]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def rows_at(frame: pd.DataFrame, positions: Sequence[int] | np.ndarray, columns: list[str] | None = None) -> list[dict]:
    """rows(frame[columns].iloc[positions]) (every column without `columns`), without making that frame: each
    column's values at the positions, from the frame's columns kept once for it. Taking a few rows of a
    region's figures (25 columns) as a frame cost ~2.5 ms, nearly all of it pandas' own work for each
    column (4 ms with its rows); a first view takes some a dozen times."""
    takers = kept_for(frame, "takers", lambda: _takers(frame))
    names = frame.columns.tolist() if columns is None else columns
    at = np.asarray(positions, dtype=np.intp)
    values = [takers[name](at) for name in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def _takers(frame: pd.DataFrame) -> dict[str, Callable[[np.ndarray], list]]:
    """For each column, what gives its values at some positions as _values gives them: Arrow's take for
    text (made once for the frame), pandas' take of the column for any other kind."""
    takers: dict[str, Callable[[np.ndarray], list]] = {}
    for name, column in frame.items():
        array = column.array
        if isinstance(array, pd.arrays.ArrowStringArray):
            text, missing = pa.array(array), array.dtype.na_value
            takers[name] = lambda at, text=text, missing=missing: _text_values(text.take(at), missing)
        else:
            takers[name] = lambda at, column=column: _values(column.take(at))
    return takers


def column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A column of a shared frame as numpy (its to_numpy()), made once for the frame: a text column of a
    region's figures (thousands at a million records) is converted value by value, and a first view
    reads some of them a dozen times (each page part filters the figures by metric). Read-only."""
    return kept_for(frame, ("column", name), lambda: frame[name].to_numpy())


def records(frame: pd.DataFrame) -> list[dict]:
    """rows(frame), made once for this frame object (several builders read the same shared frame)."""
    return kept_for(frame, "records", lambda: rows(frame))
