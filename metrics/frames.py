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
from collections.abc import Callable, Hashable
from typing import TypeVar

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
        values = pa.array(array).to_pylist()
        missing = array.dtype.na_value
        if missing is not pd.NA and None in values:
            values = [missing if value is None else value for value in values]
        return values
    values = column.tolist()
    if getattr(column.dtype, "na_value", None) is pd.NA:
        values = [None if value is pd.NA else value for value in values]
    return values


def rows(frame: pd.DataFrame) -> list[dict]:
    """The rows as frame.to_dict("records") gives them (the same values and types), in about half its
    time: a column at a time, where to_dict walks row tuples and boxes each value."""
    names = frame.columns.tolist()
    if not names:
        return [{} for _ in range(len(frame))]
    columns = [_values(column) for _, column in frame.items()]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def records(frame: pd.DataFrame) -> list[dict]:
    """rows(frame), made once for this frame object (several builders read the same shared frame)."""
    return kept_for(frame, "records", lambda: rows(frame))
