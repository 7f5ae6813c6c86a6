"""Saves that race, saves killed half-way, and readers during a save: nothing partial, nothing lost.

The writers are real processes (tests/store_child.py) killed with SIGKILL, not mocks.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from metrics import queries, store, updates
from metrics.registry import Registry

CHILD = Path(__file__).parent / "store_child.py"
TARGET_FILES = Path(__file__).parent / "fixtures" / "targets"
sys.path.insert(0, str(Path(__file__).parent))
from store_child import contents  # noqa: E402


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(CHILD), *args], stdout=subprocess.PIPE, text=True, env=os.environ)


def assert_consistent(data_dir: Path, known: set[bytes]) -> None:
    """The live file is a whole known version; after a read, the log names only complete snapshots and
    includes the live version; no temporary file or intent is left."""
    live = store.read_live("targets")
    assert live in known, "live file is not a complete version"
    history = store.versions("targets")
    for entry in history:
        snapshot = data_dir / "history" / "targets" / entry.snapshot
        assert snapshot.exists(), f"logged snapshot {entry.snapshot} is missing"
        assert store.content_version(snapshot.read_bytes()) == entry.version
    assert store.content_version(live) in {entry.version for entry in history}
    log_lines = (data_dir / "history" / "targets.log.jsonl").read_text(encoding="utf-8").splitlines()
    assert len([line for line in log_lines if line.strip()]) == len(history)
    assert not list(data_dir.rglob("*.tmp")), "temporary files left behind"
    assert not (data_dir / "history" / "targets.intent.json").exists()


def test_two_saves_from_the_same_base_one_wins_one_is_refused(data_dir: Path, tmp_path: Path):
    base = store.live_version("targets")
    files = []
    for index in range(2):
        path = tmp_path / f"mine{index}.csv"
        path.write_bytes(contents(7, index))
        files.append(path)
    children = [start("base", base, str(path)) for path in files]
    outcomes = [child.communicate(timeout=30)[0].strip() for child in children]
    assert sorted(outcomes) == ["saved", "stale"]
    winner = files[outcomes.index("saved")].read_bytes()
    assert store.read_live("targets") == winner
    assert [entry.editor for entry in store.versions("targets")] == ["子进程", ""]  # the save and the baseline
    assert_consistent(data_dir, {winner})


def test_in_process_a_second_save_from_the_same_base_is_refused(data_dir: Path):
    base = store.live_version("targets")
    store.save("targets", contents(1, 1), "甲", store.Change("edit"), base_version=base)
    with pytest.raises(store.StaleVersionError) as stale:
        store.save("targets", contents(1, 2), "乙", store.Change("edit"), base_version=base)
    assert stale.value.live == store.content_version(contents(1, 1))
    assert store.read_live("targets") == contents(1, 1)
    assert_consistent(data_dir, {contents(1, 1)})


def count_steps(tmp_path: Path) -> int:
    """How many durable steps one save takes (a save that completes without pausing says so)."""
    path = tmp_path / "probe.csv"
    path.write_bytes(contents(0, 0))
    child = start("pause", "1000000", str(path))
    output = child.communicate(timeout=30)[0].split()
    assert output[0] == "done"
    return int(output[1])


def test_a_save_killed_before_any_of_its_steps_leaves_a_complete_version(data_dir: Path, tmp_path: Path):
    known = {store.read_live("targets")}
    first = contents(3, 0)
    store.save("targets", first, "甲", store.Change("edit"))  # history exists from here on
    known.add(first)
    steps = count_steps(tmp_path)
    known.add(contents(0, 0))
    assert steps >= 8  # snapshot, intent, live file, log line, intent removal, each with its fsyncs
    rng = random.Random(20240501)
    deadline = time.monotonic() + 300  # a guard against a hang, not a speed goal: 42 s seen at load 15 on 2 cores
    points = list(range(1, steps + 1)) + [rng.randrange(1, steps + 1) for _ in range(25)]
    for iteration, step in enumerate(points):
        assert time.monotonic() < deadline, "fault test is too slow"
        data = contents(4, iteration)
        known.add(data)
        path = tmp_path / "next.csv"
        path.write_bytes(data)
        child = start("pause", str(step), str(path))
        line = child.stdout.readline()
        if line.startswith("paused"):
            child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
        assert_consistent(data_dir, known)
    # after all that, an ordinary save still works and is logged
    store.save("targets", contents(5, 0), "甲", store.Change("edit"))
    assert_consistent(data_dir, known | {contents(5, 0)})
    assert store.versions("targets")[0].editor == "甲"


def wait_for_line(child: subprocess.Popen, timeout: float = 60) -> str:
    """The child's next line of output; fails (and kills the child) if none comes within `timeout`."""
    ready, _, _ = select.select([child.stdout], [], [], timeout)
    if not ready:
        child.kill()
        pytest.fail(f"the writer said nothing for {timeout} s")
    return child.stdout.readline().strip()


def test_a_writer_killed_at_random_moments_of_a_save_loop(data_dir: Path):
    store.save("targets", contents(9, 9), "甲", store.Change("edit"))
    rng = random.Random(42)
    for run in range(12):
        # this run has saved at least once before its kill, so the live file is one of its versions
        known = {contents(run, index) for index in range(200)}
        child = start("loop", str(run))
        # Kill inside the loop whatever the machine's load: the clock starts once the writer has saved once
        # (starting Python can take seconds on a busy machine, and a kill then would test nothing).
        assert wait_for_line(child) == "saving"
        time.sleep(rng.random() * 0.3)  # a few saves' time: the kill lands at any step of one of them
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        assert_consistent(data_dir, known)
    assert len(store.versions("targets")) > 12 + 1  # every loop saved at least once, plus baseline and 甲


def test_a_log_line_torn_by_a_power_cut_does_not_swallow_the_next(data_dir: Path):
    store.save("targets", contents(2, 1), "甲", store.Change("edit"))
    log = data_dir / "history" / "targets.log.jsonl"
    with open(log, "ab") as handle:
        handle.write(b'{"version": "torn')
    store.save("targets", contents(2, 2), "乙", store.Change("edit"))
    assert [entry.editor for entry in store.versions("targets")] == ["乙", "甲", ""]


def test_readers_never_see_a_partial_file_or_a_lock_error_while_updates_rebuild(built: Path):
    registry = Registry.load()
    files = [TARGET_FILES / "utf8.csv", TARGET_FILES / "units.csv"]
    versions = [
        updates.KINDS["targets"].to_bytes(updates.check("targets", f.read_bytes(), registry).parsed.frame)
        for f in files
    ]
    known_csv = {store.content_version(data) for data in [store.read_live("targets"), *versions]}
    known_counts = {len(updates.check("targets", data, registry).parsed.frame) for data in versions} | {3}
    errors: list[str] = []
    seen: set[tuple[str, int]] = set()
    writing = threading.Event()
    writing.set()

    def read_in_this_process() -> None:
        while writing.is_set():
            try:
                version = store.content_version(store.read_live("targets"))
                count = len(queries.fetch("all_targets"))
                if version not in known_csv or count not in known_counts:
                    errors.append(f"unexpected state {version} {count}")
                seen.add((version, count))
            except Exception as error:  # every error is a failure here
                errors.append(repr(error))

    readers = [threading.Thread(target=read_in_this_process) for _ in range(2)]
    stop = built.parent / "stop-reading"
    other_process = start("read", str(stop))
    assert other_process.stdout.readline().strip() == "reading"
    for reader in readers:
        reader.start()
    try:
        for index in range(8):  # a fixed number of saves, however slow the machine
            data = files[index % 2].read_bytes()
            deletes = updates.check("targets", data).counts["removed"]  # confirmed, as every deletion must be
            result = updates.import_file("targets", data, "写入者", confirm_removed=deletes)
            assert result.ok and not result.build_problems and result.saved.changed
    finally:
        writing.clear()
        stop.touch()
        for reader in readers:
            reader.join()
    report = other_process.communicate(timeout=60)[0]
    assert not errors, errors[:3]
    assert " errors 0 " in report, report
    assert len(seen) >= 2  # the readers did see the versions change
