"""A rebuild that cannot be written (a full disk) keeps the old database serving with a banner, and an
import whose rebuild fails is not kept; killed builds' temporary files are cleaned up (issue 13)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import duckdb
import pytest

from metrics import build as build_module
from metrics import updates
from metrics.build import BuildFailed, build
from tests.apptest_support import all_text, open_page


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def version_in(database) -> str:
    with duckdb.connect(str(database), read_only=True) as connection:
        return dict(connection.execute("SELECT * FROM meta").fetchall())["data_version"]


def change_a_target(folder, value: str = "160") -> None:
    path = folder / "targets.csv"
    path.write_text(path.read_text(encoding="utf-8-sig").replace(",152,", f",{value},", 1), encoding="utf-8")


def test_a_full_disk_during_the_build_keeps_the_old_database(built, monkeypatch):
    before = version_in(built / "dashboard.duckdb")
    change_a_target(built)
    monkeypatch.setattr(build_module, "_insert", disk_full)
    with pytest.raises(BuildFailed) as failed:
        build(built)
    name, item = failed.value.problems[0]
    assert name == "dashboard.duckdb" and "No space left on device" in item.message("en")
    assert "磁盘空间" in item.message("zh")
    assert version_in(built / "dashboard.duckdb") == before  # intact and opens
    assert not list(built.glob(".dashboard.duckdb.*"))  # its own temporary file is gone


def test_pages_keep_serving_the_old_data_with_a_banner(built, monkeypatch):
    open_page("overview")  # the server has opened the database
    change_a_target(built)
    monkeypatch.setattr(build_module, "_insert", disk_full)
    app = open_page("targets")
    assert not app.exception
    shown = all_text(app) + "".join(e.value for e in [*app.error, *app.warning])
    assert "看板数据库未能重建" in shown
    assert "2021年计划（152家）" in all_text(open_page("overview"))  # the old data, still served


def test_an_import_whose_rebuild_fails_is_not_kept(built, editor, monkeypatch):
    targets = built / "targets.csv"
    before = targets.read_bytes()
    live = updates.live_version("targets")
    data = before.decode("utf-8-sig").replace(",152,", ",170,", 1).encode("utf-8")
    monkeypatch.setattr(build_module, "_insert", disk_full)
    result = updates.apply("targets", data, editor, base_version=live)
    assert result.saved is None
    messages = [item.message("en") for _, item in result.build_problems]
    assert any("could not be rebuilt" in m for m in messages) and any("not saved" in m for m in messages)
    assert updates.live_version("targets") == live and ",170," not in targets.read_text(encoding="utf-8-sig")
    monkeypatch.undo()
    assert build(built).rebuilt is False  # the database still matches the files


def test_the_next_build_removes_what_killed_builds_left(built):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    left = [built / f".dashboard.duckdb.{dead_pid}.tmp", built / f".dashboard.duckdb.{dead_pid}.tmp.wal"]
    alive = built / f".dashboard.duckdb.{os.getppid()}.tmp"  # a process that is running: left alone
    for path in [*left, alive]:
        path.write_bytes(b"half a database")
    change_a_target(built)
    assert build(built).rebuilt
    assert not any(path.exists() for path in left) and alive.exists()
