"""Versioned replacement of the editable tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metrics import store


def test_save_keeps_every_version_and_refuses_a_stale_base(data_dir: Path):
    original = store.read_live("targets")
    base = store.live_version("targets")
    first = store.save("targets", original + b"x\n", "甲", store.Change("edit", changed=1), base_version=base)
    assert first.changed and first.previous == base
    with pytest.raises(store.StaleVersionError):
        store.save("targets", original + b"y\n", "乙", store.Change("edit", changed=1), base_version=base)
    assert store.read_live("targets") == original + b"x\n"
    history = store.versions("targets")
    assert [(v.editor, v.action) for v in history] == [("甲", "edit"), ("", "baseline")]
    assert store.read_version("targets", history[1].snapshot) == original


def test_same_content_is_not_a_new_version(data_dir: Path):
    result = store.save("targets", store.read_live("targets"), "甲", store.Change("import"))
    assert not result.changed and store.versions("targets") == []


def test_intent_left_by_a_save_killed_after_the_swap_is_logged_on_next_read(data_dir: Path):
    original = store.read_live("targets")
    store.save("targets", original + b"1\n", "甲", store.Change("edit"))
    # Simulate a save killed between replacing the file and writing its log line.
    new = original + b"2\n"
    entry = store._entry(
        store.content_version(new), store._now(), "乙", store.Change("edit"), store.live_version("targets")
    )
    store.atomic_write(data_dir / "history" / "targets" / entry.snapshot, new)
    store.atomic_write(data_dir / "history" / "targets.intent.json", json.dumps(entry.__dict__).encode())
    store.atomic_write(data_dir / "targets.csv", new)
    history = store.versions("targets")
    assert history[0].editor == "乙" and history[0].version == store.live_version("targets")
    assert not (data_dir / "history" / "targets.intent.json").exists()


def test_intent_left_by_a_save_killed_before_the_swap_is_dropped(data_dir: Path):
    original = store.read_live("targets")
    entry = store._entry("deadbeef0000", store._now(), "乙", store.Change("edit"), store.live_version("targets"))
    (data_dir / "history").mkdir()
    store.atomic_write(data_dir / "history" / "targets.intent.json", json.dumps(entry.__dict__).encode())
    assert store.versions("targets") == []
    assert store.read_live("targets") == original
