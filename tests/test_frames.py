"""metrics.frames: a shared frame's plain rows, made once per frame object."""

from __future__ import annotations

import gc
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metrics import frames, queries


def _same_rows(fast: list[dict], slow: list[dict]) -> None:
    """Equal values of the same Python types, NaN and NaT matching themselves."""
    assert len(fast) == len(slow)
    for mine, theirs in zip(fast, slow, strict=True):
        assert list(mine) == list(theirs)
        for name, value in theirs.items():
            assert type(mine[name]) is type(value), (name, mine[name], value)
            if isinstance(value, float) and math.isnan(value) or value is pd.NaT:
                continue
            assert mine[name] == value, name


def test_rows_are_what_to_dict_gives_for_every_kind_of_column():
    frame = pd.DataFrame(
        {
            "whole": pd.array([1, None], dtype="Int64"),
            "share": pd.array([1.5, None], dtype="Float64"),
            "flag": pd.array([True, None], dtype="boolean"),
            "nullable_text": pd.array(["a", None], dtype="string"),
            "arrow_text": pd.array(["a", None], dtype="string[pyarrow]"),
            "python_text": pd.array(["a", None], dtype="string[python]"),
            "text": ["x", None],
            "anything": pd.Series([None, "y"], dtype=object),
            "day": pd.to_datetime(["2021-07-13", None]),
            "count": [1, 2],
            "value": [1.0, np.nan],
            "yes": [True, False],
            "kind": pd.Categorical(["a", None]),
        }
    )
    _same_rows(frames.rows(frame), frame.to_dict("records"))
    # Text in several Arrow chunks (a region's figures put together from its units'), and a part of it.
    stacked = pd.concat([frame, frame.iloc[::-1]], ignore_index=True)
    _same_rows(frames.rows(stacked), stacked.to_dict("records"))
    _same_rows(frames.rows(stacked.iloc[1:3]), stacked.iloc[1:3].to_dict("records"))
    assert frames.rows(frame.iloc[:0]) == []
    assert frames.rows(pd.DataFrame(index=[0, 1])) == [{}, {}]
    # Some rows taken by position: as rows gives them from the frame those rows make.
    for positions in ([2, 0], [3, 3, 1], [], np.array([1, 2])):
        _same_rows(frames.rows_at(stacked, positions), frames.rows(stacked.iloc[positions]))
        _same_rows(
            frames.rows_at(stacked, positions, ["day", "arrow_text", "whole"]),
            frames.rows(stacked[["day", "arrow_text", "whole"]].iloc[positions]),
        )


@pytest.mark.parametrize("name", queries.query_names())
def test_rows_of_every_named_query_are_what_to_dict_gives(built: Path, name: str):
    parameters = {"region_id": "huangshi", "metric_id": "diagnosis_enterprises", "region_ids": ["huangshi"]}
    sql = getattr(queries._queries(), name).sql
    wanted = {key: parameters[key] for key in set(re.findall(r"\$(\w+)", sql))}
    with queries.connect(built / "dashboard.duckdb") as connection:
        frame = queries.fetch(name, connection=connection, **wanted)
    _same_rows(frames.rows(frame), frame.to_dict("records"))
    backwards = list(range(len(frame)))[::-1]
    _same_rows(frames.rows_at(frame, backwards), frame.iloc[backwards].to_dict("records"))


def test_records_are_to_dict_made_once_per_frame_and_dropped_with_it():
    frame = pd.DataFrame(
        {"metric_id": ["a", "b"], "value": [1.0, float("nan")], "as_of": pd.to_datetime(["2021-07-13", None])}
    )
    rows = frames.records(frame)
    _same_rows(rows, frame.to_dict("records"))
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


def test_a_column_is_to_numpy_made_once_per_frame():
    frame = pd.DataFrame({"metric_id": pd.array(["a", None, "b"], dtype="str"), "value": [1.0, 2.0, 3.0]})
    ids = frames.column(frame, "metric_id")
    assert ids.tolist()[0::2] == ["a", "b"] and pd.isna(ids[1])
    np.testing.assert_array_equal(frames.column(frame, "value"), frame["value"].to_numpy())
    assert frames.column(frame, "metric_id") is ids  # the same frame object: not converted again
    assert frames.column(frame.copy(), "metric_id") is not ids
