"""metrics.frames: a shared frame's plain rows, made once per frame object."""

from __future__ import annotations

import gc

import pandas as pd

from metrics import frames


def test_records_are_to_dict_made_once_per_frame_and_dropped_with_it():
    frame = pd.DataFrame(
        {"metric_id": ["a", "b"], "value": [1.0, float("nan")], "as_of": pd.to_datetime(["2021-07-13", None])}
    )
    rows = frames.records(frame)
    assert rows == frame.to_dict("records") or str(rows) == str(frame.to_dict("records"))  # NaN != NaN
    assert frames.records(frame) is rows  # the same frame object: not converted again
    assert frames.records(frame.copy()) is not rows  # another object (a filter, a copy): its own rows
    key = id(frame)
    del frame
    gc.collect()
    assert key not in frames._kept


def test_a_frame_freed_at_interpreter_exit_drops_its_entry_without_an_error(monkeypatch):
    """At exit Python sets a module's globals to None before the last shared frames go (CI printed
    "Exception ignored in: <function kept_for.<locals>.<lambda>> ... 'NoneType' object is not callable")."""
    kept = frames._kept
    frame = pd.DataFrame({"value": [1.0]})
    frames.records(frame)
    key = id(frame)
    for name in [name for name in vars(frames) if not name.startswith("__")]:
        monkeypatch.setattr(frames, name, None)  # what the interpreter's teardown does
    unraisable = []
    monkeypatch.setattr("sys.unraisablehook", unraisable.append)
    del frame
    gc.collect()
    assert unraisable == []
    assert key not in kept
