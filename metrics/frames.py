"""A shared frame's plain rows, made once per frame object.

Pages share query results (ui.data.derived) and several builders read the same frame row by row (the
key points, each page's cards). DataFrame.to_dict costs about 0.1 ms a column whatever the rows, so a
30-column frame cost ~4 ms each time. The rows are shared too: callers must not modify them.
"""

from __future__ import annotations

import threading
import weakref

import pandas as pd

_kept: dict[int, tuple[weakref.ref, list[dict]]] = {}
_lock = threading.Lock()


def _forget(key: int, reference: weakref.ref) -> None:
    with _lock:
        if key in _kept and _kept[key][0] is reference:
            del _kept[key]


def records(frame: pd.DataFrame) -> list[dict]:
    """frame.to_dict("records"), computed once for this frame object (dropped with the frame)."""
    key = id(frame)
    with _lock:
        entry = _kept.get(key)
        if entry is not None and entry[0]() is frame:
            return entry[1]
    rows = frame.to_dict("records")
    with _lock:
        _kept[key] = (weakref.ref(frame, lambda reference, key=key: _forget(key, reference)), rows)
    return rows
