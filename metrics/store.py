"""Versioned, atomic replacement of the editable tables (targets.csv, progress.csv).

Every version ever made live is kept as a snapshot under data/history/<table>/, and a log
(data/history/<table>.log.jsonl) says when, who and what changed. A save goes:

1. lock the table (one writer at a time, across processes);
2. refuse if the caller's base version is not the live one (someone else saved meanwhile);
3. snapshot the live file if history does not have it yet (the version before the first import);
4. write the new snapshot, then an intent file naming editor and summary;
5. replace the live file atomically (temp file in the same folder, fsync, os.replace, fsync folder);
6. append the log line and remove the intent.

Killed at any point, the live file is a complete old or new version. An intent left behind by a kill
after step 5 is turned into its log line by the next reader or writer, so the log always matches; that
reader or writer also removes the temporary files and never-logged snapshots a killed save left behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from metrics import paths

CHINA_TIME = dt.timezone(dt.timedelta(hours=8), "CST")


class StaleVersionError(RuntimeError):
    """The file changed since the editor loaded it; their save would overwrite someone else's."""

    def __init__(self, base: str, live: str):
        super().__init__(f"based on version {base}, but version {live} is live")
        self.base, self.live = base, live


@dataclass(frozen=True)
class Change:
    """What a save does, for the history: how, from what, and how many rows it touched."""

    action: str  # import | edit | rollback | baseline
    detail: str = ""  # the imported file's name, or the version rolled back to
    added: int = 0
    removed: int = 0
    changed: int = 0


@dataclass(frozen=True)
class Version:
    """One entry in a table's history."""

    version: str
    saved_at: str  # ISO 8601, China time
    editor: str
    action: str
    detail: str
    added: int
    removed: int
    changed: int
    snapshot: str  # file name under history/<table>/
    previous: str
    account: str = ""  # the editor's account name when the save came from a signed-in editor

    @property
    def saved_at_text(self) -> str:
        return self.saved_at[:19].replace("T", " ")


@dataclass(frozen=True)
class SaveResult:
    """What a save did."""

    changed: bool
    version: str
    previous: str


def content_version(data: bytes) -> str:
    """A short, stable name for a file's content."""
    return hashlib.sha256(data).hexdigest()[:12]


def live_path(table: str) -> Path:
    return paths.data_dir() / f"{table}.csv"


def _history_folder(table: str) -> Path:
    return paths.history_dir() / table


def _log_path(table: str) -> Path:
    return paths.history_dir() / f"{table}.log.jsonl"


def _intent_path(table: str) -> Path:
    return paths.history_dir() / f"{table}.intent.json"


def history_files(table: str) -> tuple[Path, Path, Path]:
    """The files a table's history is read from: its log, a pending intent, and the live file (which version
    is live). Anything computed from the history is current as long as these are unchanged."""
    return (_log_path(table), _intent_path(table), live_path(table))


def read_live(table: str) -> bytes:
    """The live file's bytes (empty if it does not exist)."""
    path = live_path(table)
    return path.read_bytes() if path.exists() else b""


def live_version(table: str) -> str:
    """Version id of the live file."""
    return content_version(read_live(table))


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so a reader, or a crash, only ever sees the old or the new content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def table_lock(table: str) -> Iterator[None]:
    """Exclusive lock across processes for writing one table."""
    paths.history_dir().mkdir(parents=True, exist_ok=True)
    with open(paths.history_dir() / f".{table}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _now() -> dt.datetime:
    return dt.datetime.now(CHINA_TIME)


def _snapshot_name(version: str, when: dt.datetime) -> str:
    return f"{when.strftime('%Y%m%dT%H%M%S%f')}-{version}.csv"


def _append_log(table: str, entry: Version) -> None:
    line = (json.dumps(asdict(entry), ensure_ascii=False) + "\n").encode("utf-8")
    path = _log_path(table)
    if not _ends_with_newline(path):
        line = b"\n" + line  # a line torn by a crash (power cut) must not swallow this one
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(descriptor, line)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _ends_with_newline(path: Path) -> bool:
    """True for a missing or empty log, or one whose last line is complete."""
    if not path.exists() or path.stat().st_size == 0:
        return True
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def _read_log(table: str) -> list[Version]:
    path = _log_path(table)
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError, TypeError):  # a torn last line from a crash is skipped
            entries.append(Version(**json.loads(line)))
    return entries


def _recover(table: str) -> None:
    """Tidy up after a save that was killed: settle its intent, then remove its half-written temporary files.

    Runs under the table lock, so every temporary file of this table belongs to a writer that died: a live
    writer would hold the lock. A complete snapshot that never made it into the log is left alone: it is
    harmless, and deleting files the log does not name would destroy history if the log were ever lost.
    """
    _settle_intent(table)
    leftovers = [
        *paths.data_dir().glob(f".{table}.csv.*.tmp"),
        *paths.history_dir().glob(f".{table}.*.tmp"),
        *_history_folder(table).glob(".*.tmp"),
    ]
    for path in leftovers:
        path.unlink(missing_ok=True)


def _settle_intent(table: str) -> None:
    """Finish a save that was killed after its live file was replaced; forget one killed before."""
    intent_path = _intent_path(table)
    if not intent_path.exists():
        return
    with contextlib.suppress(ValueError, TypeError):
        intent = Version(**json.loads(intent_path.read_text(encoding="utf-8")))
        logged = {entry.snapshot for entry in _read_log(table)}
        if intent.version == live_version(table) and intent.snapshot not in logged:
            _append_log(table, intent)
    intent_path.unlink(missing_ok=True)


def save(
    table: str, data: bytes, editor: str, change: Change, base_version: str | None = None, account: str = ""
) -> SaveResult:
    """Make `data` the live content of `table`, keeping history; refuse a save from a stale base.

    Callers outside metrics/ must go through metrics.updates, which validates and checks the editor.
    """
    with table_lock(table):
        _recover(table)
        current = read_live(table)
        current_version = content_version(current)
        if base_version is not None and base_version != current_version:
            raise StaleVersionError(base_version, current_version)
        new_version = content_version(data)
        if new_version == current_version:
            return SaveResult(False, current_version, current_version)
        folder = _history_folder(table)
        folder.mkdir(parents=True, exist_ok=True)
        entries = _read_log(table)
        if current and current_version not in {entry.version for entry in entries}:
            earlier = _now() - dt.timedelta(microseconds=1)
            baseline = _entry(current_version, earlier, "", Change("baseline"), "")
            atomic_write(folder / baseline.snapshot, current)
            _append_log(table, baseline)
        when = _now()
        entry = _entry(new_version, when, editor, change, current_version, account)
        atomic_write(folder / entry.snapshot, data)
        atomic_write(_intent_path(table), json.dumps(asdict(entry), ensure_ascii=False).encode("utf-8"))
        atomic_write(live_path(table), data)
        _append_log(table, entry)
        _intent_path(table).unlink(missing_ok=True)
        return SaveResult(True, new_version, current_version)


def _entry(version: str, when: dt.datetime, editor: str, change: Change, previous: str, account: str = "") -> Version:
    return Version(
        version=version,
        saved_at=when.isoformat(),
        editor=editor,
        snapshot=_snapshot_name(version, when),
        previous=previous,
        account=account,
        **asdict(change),
    )


def versions(table: str) -> list[Version]:
    """Every version of a table, newest first."""
    with table_lock(table):
        _recover(table)
        return list(reversed(_read_log(table)))


def read_version(table: str, snapshot: str) -> bytes:
    """The bytes of one version by its snapshot file name."""
    path = _history_folder(table) / Path(snapshot).name
    return path.read_bytes()


def last_changed(table: str) -> dt.datetime | None:
    """When the live table last changed by the history's newest entry; None when the history has none.

    Not the file's modification time: a checkout, copy or deploy sets that too, so it would name a day
    nobody edited the table."""
    entries = _read_log(table)
    return dt.datetime.fromisoformat(entries[-1].saved_at) if entries else None
