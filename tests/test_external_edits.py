"""targets.csv edited on the server by hand: picked up on the next page view, or, if invalid, reported while
the last good version keeps serving (ui/data.py, without a browser)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from metrics import store
from ui import data


def edit(path: Path, old: str, new: str) -> None:
    """Change the file as an editor would, and make sure its modification time moves."""
    content = path.read_text(encoding="utf-8-sig")
    assert old in content
    path.write_text(content.replace(old, new, 1), encoding="utf-8-sig")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def targets_shown() -> list[float]:
    return sorted(data.fetch("all_targets")["target"].tolist())


@pytest.fixture
def serving(built: Path) -> Path:
    assert targets_shown() == [100, 152, 500]
    assert data.data_state().problems == []
    return built / "targets.csv"


def test_a_valid_edit_is_picked_up_on_the_next_call_without_restart(serving: Path):
    before = data.data_state().version
    edit(serving, ",152,", ",160,")
    state = data.data_state()
    assert state.version != before and state.problems == []
    assert targets_shown() == [100, 160, 500]


def test_an_invalid_edit_keeps_serving_the_last_good_version_and_names_file_line_and_column(serving: Path):
    good = data.data_state().version
    edit(serving, ",152,", ",一百五十二左右吧,")
    state = data.data_state()
    assert state.version == good
    assert targets_shown() == [100, 152, 500]
    ((name, problem),) = state.problems
    assert (name, problem.line, problem.column) == ("targets.csv", 2, 5)
    assert "第2行 E列（target）" in problem.message("zh") and "line 2, column E" in problem.message("en")

    edit(serving, ",一百五十二左右吧,", ",155,")  # the fix is picked up too
    state = data.data_state()
    assert state.problems == [] and state.version != good
    assert targets_shown() == [100, 155, 500]


def test_a_hand_edit_enters_the_history_as_a_baseline_at_the_next_save(serving: Path, editor):
    from metrics import editing, updates

    edit(serving, ",152,", ",160,")
    hand_edited = serving.read_bytes()
    frame = editing.editable_frame("targets")
    frame.loc[2, "target"] = 110.0
    updates.apply_table("targets", frame, editor, base_version=updates.live_version("targets"))
    history = store.versions("targets")
    assert [entry.action for entry in history] == ["edit", "baseline"]
    assert updates.version_bytes("targets", history[1].snapshot) == hand_edited
    assert targets_shown() == [110, 160, 500]
