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
