"""Updating the editable tables (targets, progress records) from a file or an edited table.

The CLI and the browser both come through here, so both get the same validation, the same history
and the same rebuild. Browser writes take a signed-in `editors.Editor`, verified at the moment of
writing; the command line has its own entry point, refused inside the dashboard server.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from metrics import editors, importing, records, store, targets
from metrics.build import BuildError, BuildFailed, build
from metrics.csvfile import Problem, problem
from metrics.i18n import text
from metrics.importing import ParsedFile
from metrics.registry import Registry
from metrics.tablefile import diff_rows, neutralised_csv


@dataclass(frozen=True)
class TableKind:
    """How one editable table is parsed, keyed and written."""

    table: str
    parse: Callable[[bytes, Registry], ParsedFile]
    to_bytes: Callable[[pd.DataFrame], bytes]
    key: tuple[str, ...]
    values: tuple[str, ...]
    columns: tuple[str, ...]


KINDS = {
    "targets": TableKind(
        "targets",
        targets.parse_targets,
        targets.targets_csv_bytes,
        ("metric_id", "region_id", "period_start", "period_end"),
        ("target", "qualifier", "source", "section", "evidence", "note"),
        tuple(targets.COLUMNS),
    ),
    "progress": TableKind(
        "progress",
        records.parse_records,
        records.records_csv_bytes,
        ("metric_id", "region_id", "as_of"),
        ("value", "qualifier", "source", "note"),
        tuple(records.COLUMNS),
    ),
}


@dataclass(frozen=True)
class TableProblem:
    """A problem in an edited table, located by row position (0-based) and column name for the UI."""

    row: int | None  # position in the edited frame; None for a problem with the whole table
    column: str | None  # canonical column name, e.g. "target"
    severity: str
    code: str
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        """The problem in one language, prefixed with the table row and column."""
        return self.message_zh if lang == "zh" else self.message_en


@dataclass
class UpdateResult:
    """The outcome of checking or importing: problems, the differences, and what was saved."""

    parsed: ParsedFile
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    saved: store.SaveResult | None = None
    build_problems: list[tuple[str, Problem]] = field(default_factory=list)
    table_problems: list[TableProblem] = field(default_factory=list)  # when the input was an edited table
    base_version: str = ""  # the live version the changes were computed against

    @property
    def ok(self) -> bool:
        return self.parsed.ok

    @property
    def counts(self) -> dict[str, int]:
        """Rows added, changed and removed."""
        found = self.changes["change"].value_counts() if not self.changes.empty else {}
        return {change: int(found.get(change, 0)) for change in ("added", "changed", "removed")}


class DeletionNotConfirmed(RuntimeError):
    """A save would delete rows and the caller did not confirm deleting exactly that many.

    A file with only the new rows, or a table with rows deleted by a slip, would otherwise delete the rest
    with one click; saving needs the number of rows it deletes, as the preview states it."""

    def __init__(self, result: UpdateResult, confirmed: int | None):
        self.result, self.count, self.confirmed = result, result.counts["removed"], confirmed
        super().__init__(f"deletes {self.count} row(s), confirmed {confirmed}")

    def message(self, lang: str = "zh") -> str:
        """Why nothing was saved: how many rows the save deletes, and how many were confirmed."""
        if self.confirmed:
            return text("audit.delete_mismatch", lang, count=self.count, confirmed=self.confirmed)
        return text("audit.delete_unconfirmed", lang, count=self.count)


def _empty(kind: str) -> pd.DataFrame:
    return pd.DataFrame(columns=list(KINDS[kind].columns))


def frame_from_bytes(kind: str, data: bytes, registry: Registry) -> pd.DataFrame:
    """Validated rows of one version's bytes (empty for an empty, header-only or invalid file)."""
    parsed = KINDS[kind].parse(data, registry)
    return parsed.frame if parsed.ok and not parsed.frame.empty else _empty(kind)


def current_frame(kind: str, registry: Registry) -> pd.DataFrame:
    """The live table as validated rows (empty if the live file is missing or invalid)."""
    return frame_from_bytes(kind, store.read_live(KINDS[kind].table), registry)


def live_version(kind: str) -> str:
    """The version id an editor loads; pass it back as base_version when saving."""
    return store.live_version(KINDS[kind].table)


def check(kind: str, data: bytes, registry: Registry | None = None) -> UpdateResult:
    """Validate a file and say what importing it would change; writes nothing."""
    registry = registry or Registry.load()
    spec = KINDS[kind]
    live = store.read_live(spec.table)
    with importing.incoming():  # brought in by someone: a recorded figure may not be dated after today
        parsed = spec.parse(data, registry)
    result = UpdateResult(parsed, base_version=store.content_version(live))
    if parsed.ok:
        result.changes = diff_rows(
            frame_from_bytes(kind, live, registry), parsed.frame, list(spec.key), list(spec.values)
        )
    return result


def check_table(kind: str, frame: pd.DataFrame, registry: Registry | None = None) -> UpdateResult:
    """Validate an edited table exactly as a file import, with problems located by table row and column."""
    from metrics import editing  # editing builds on this module's kinds

    table = editing.table_to_csv(kind, frame)
    result = check(kind, table.data, registry)
    result.table_problems = editing.locate_in_table(table, result.parsed.problems)
    return result


def _save(
    kind: str,
    result: UpdateResult,
    data: bytes,
    identity: Callable[[], tuple[str, str]],
    action: str,
    detail: str,
    base_version: str | None,
    confirm_removed: int,
) -> UpdateResult:
    """Save a checked result: ask who is writing at the last moment, then store and rebuild.

    The changes (and so the rows deleted) were computed against result.base_version, so the save is only
    made on that version: from a stale base it raises StaleVersionError, and rows it deletes must be
    confirmed by their number (DeletionNotConfirmed) before anything is written.
    """
    if not result.ok:
        return result
    if base_version is not None and base_version != result.base_version:
        raise store.StaleVersionError(base_version, result.base_version)
    counts = result.counts
    if counts["removed"] and confirm_removed != counts["removed"]:
        raise DeletionNotConfirmed(result, confirm_removed)
    change = store.Change(action=action, detail=detail, **counts)
    name, account = identity()
    result.saved = store.save(KINDS[kind].table, data, name, change, result.base_version, account=account)
    try:
        build()
    except BuildFailed as error:  # the disk, not the data: put the previous file back (issue 13)
        result.build_problems = error.problems + _restore(kind, result.saved, name, account)
        result.saved = None
    except BuildError as error:
        result.build_problems = error.problems
    return result


def _restore(kind: str, saved: store.SaveResult, name: str, account: str) -> list[tuple[str, Problem]]:
    """After a rebuild that could not be written: the live file as it was before `saved`, as a new version."""
    table = KINDS[kind].table
    if not saved.changed:
        return []
    try:
        previous = store.read_version(table, _snapshot_of(table, saved.previous))
        change = store.Change(action="rollback", detail=saved.previous)
        store.save(table, previous, name, change, saved.version, account=account)
    except (OSError, LookupError, store.StaleVersionError) as error:
        return [(f"{table}.csv", problem("import_not_restored", error=str(error)[:200]))]
    return [(f"{table}.csv", problem("import_restored"))]


def _snapshot_of(table: str, version: str) -> str:
    return next(entry.snapshot for entry in store.versions(table) if entry.version == version)


def _editor_identity(editor: editors.Editor) -> Callable[[], tuple[str, str]]:
    def identity() -> tuple[str, str]:
        verified = editors.verify(editor)
        return verified.display_name, verified.username

    return identity


def apply(
    kind: str,
    data: bytes,
    editor: editors.Editor,
    *,
    base_version: str,
    detail: str = "",
    registry: Registry | None = None,
    confirm_removed: int = 0,
) -> UpdateResult:
    """Import an uploaded file for a signed-in editor: validate, save as a new version, rebuild.

    Raises editors.NotAuthorised unless `editor` is a genuine, current sign-in,
    store.StaleVersionError when `base_version` (what the editor previewed against) is no longer live, and
    DeletionNotConfirmed when the file deletes rows and `confirm_removed` is not their number.
    """
    editors.verify(editor)  # refuse before doing any work; checked again at the moment of writing
    registry = registry or Registry.load()
    result = check(kind, data, registry)
    canonical = KINDS[kind].to_bytes(result.parsed.frame) if result.ok else b""
    return _save(kind, result, canonical, _editor_identity(editor), "import", detail, base_version, confirm_removed)


def apply_table(
    kind: str,
    frame: pd.DataFrame,
    editor: editors.Editor,
    *,
    base_version: str,
    registry: Registry | None = None,
    confirm_removed: int = 0,
) -> UpdateResult:
    """Save a table edited in the browser, validated exactly as a file import (see check_table); rows it
    deletes must be confirmed by their number, as for apply."""
    editors.verify(editor)
    registry = registry or Registry.load()
    result = check_table(kind, frame, registry)
    canonical = KINDS[kind].to_bytes(result.parsed.frame) if result.ok else b""
    return _save(kind, result, canonical, _editor_identity(editor), "edit", "", base_version, confirm_removed)


def rollback(
    kind: str,
    snapshot: str,
    editor: editors.Editor,
    *,
    base_version: str,
    registry: Registry | None = None,
    confirm_removed: int = 0,
) -> UpdateResult:
    """Make an old version live again as a new version (action 'rollback', detail = its version id).

    The old bytes are saved exactly as they were, after passing today's validation (a version that names
    a metric since removed from the registry is refused with its problems). Rows the live version has and
    the old one lacks are deleted: confirm them by their number, as for apply (see rollback_preview).
    """
    editors.verify(editor)
    registry = registry or Registry.load()
    data = version_bytes(kind, snapshot)
    result = check(kind, data, registry)
    detail = store.content_version(data)
    return _save(kind, result, data, _editor_identity(editor), "rollback", detail, base_version, confirm_removed)


def rollback_preview(kind: str, snapshot: str, registry: Registry | None = None) -> UpdateResult:
    """What restoring a version would change in the live table (its rows added, changed, deleted)."""
    return check(kind, version_bytes(kind, snapshot), registry)


def _inside_dashboard_server() -> bool:
    """True inside a running Streamlit server (looked up without importing Streamlit here)."""
    runtime = sys.modules.get("streamlit.runtime")
    return bool(runtime is not None and runtime.exists())


def import_file(
    kind: str,
    data: bytes,
    operator: str,
    detail: str = "",
    registry: Registry | None = None,
    confirm_removed: int = 0,
) -> UpdateResult:
    """Import a file from the command line, recording `operator` (the shell user) as the editor.

    Whoever runs the command can already write data/; the browser must use apply/apply_table, so this
    refuses to run inside the dashboard server, where a name alone must never be enough to write.
    As in the browser, the save is made only on the version the changes were computed against (else
    store.StaleVersionError: another import saved meanwhile), and rows it deletes must be confirmed by
    their number (DeletionNotConfirmed).
    """
    if _inside_dashboard_server():
        raise editors.NotAuthorised()
    registry = registry or Registry.load()
    result = check(kind, data, registry)
    canonical = KINDS[kind].to_bytes(result.parsed.frame) if result.ok else b""
    return _save(
        kind, result, canonical, lambda: (operator, ""), "import", detail, result.base_version, confirm_removed
    )


# ---------- history ----------


def versions(kind: str) -> list[store.Version]:
    """Every version of a table, newest first."""
    return store.versions(KINDS[kind].table)


def version_bytes(kind: str, snapshot: str) -> bytes:
    """The exact bytes of one version, by its snapshot name (from `versions`), for download or rollback."""
    return store.read_version(KINDS[kind].table, snapshot)


def download_bytes(kind: str, snapshot: str | None = None) -> bytes:
    """A version (the live file when `snapshot` is None) as every download hands it out: the same cells, with
    text a spreadsheet would run as a formula neutralised (tablefile.neutralised_csv). Stored files are
    not changed."""
    data = store.read_live(KINDS[kind].table) if snapshot is None else version_bytes(kind, snapshot)
    return neutralised_csv(data)


def frame_at_version(kind: str, version: str, registry: Registry | None = None) -> pd.DataFrame | None:
    """The validated rows of a version id, or None if history has no snapshot of it."""
    registry = registry or Registry.load()
    if version == live_version(kind):
        return current_frame(kind, registry)
    entry = next((entry for entry in versions(kind) if entry.version == version), None)
    return frame_from_bytes(kind, version_bytes(kind, entry.snapshot), registry) if entry else None


# ---------- reloading after someone else saved ----------


@dataclass
class Reapplied:
    """The editor's changes replayed onto the latest version, and the cells both sides changed."""

    frame: pd.DataFrame  # the table to show in the editor again
    base_version: str  # the latest version: pass it when saving this frame
    conflicts: pd.DataFrame  # key columns, column, base, theirs, mine
    base_found: bool = True
    problems: list[TableProblem] = field(default_factory=list)


def reapply(kind: str, edited: pd.DataFrame, base_version: str, registry: Registry | None = None) -> Reapplied:
    """After a StaleVersionError: replay the editor's changes (edited vs. base_version) onto the live table.

    Where the other save changed the same cell differently, the editor's value is kept and the cell is
    listed in `conflicts` so the preview can show whose value is being replaced.
    """
    registry = registry or Registry.load()
    spec = KINDS[kind]
    key, values = list(spec.key), list(spec.values)
    latest_version = live_version(kind)
    latest = current_frame(kind, registry)
    checked = check_table(kind, edited, registry)
    conflict_columns = [*key, "column", "base", "theirs", "mine"]
    if not checked.ok:
        return Reapplied(edited, latest_version, pd.DataFrame(columns=conflict_columns), True, checked.table_problems)
    mine = checked.parsed.frame
    base = frame_at_version(kind, base_version, registry)
    if base is None:  # nothing to merge against: the editor's table replaces the latest, every difference shown
        conflicts = [
            {
                **{k: row[k] for k in key},
                "column": column,
                "base": None,
                "theirs": row[f"old_{column}"],
                "mine": row[f"new_{column}"],
            }
            for row in diff_rows(latest, mine, key, values).to_dict("records")
            for column in values
            if not _same(row[f"old_{column}"], row[f"new_{column}"])
        ]
        return Reapplied(mine, latest_version, pd.DataFrame(conflicts, columns=conflict_columns), base_found=False)

    rows = {tuple(row[k] for k in key): row for row in latest.to_dict("records")}
    base_rows = {tuple(row[k] for k in key): row for row in base.to_dict("records")}
    conflicts = []
    for change in diff_rows(base, mine, key, values).to_dict("records"):
        row_key = tuple(change[k] for k in key)
        key_values = dict(zip(key, row_key, strict=True))
        theirs, original = rows.get(row_key), base_rows.get(row_key)
        removed = change["change"] == "removed"
        merged_row = dict(theirs) if theirs else {**key_values, **(original or {})}
        for column in values:
            base_value = original[column] if original else None
            their_value = theirs[column] if theirs else None
            my_value = None if removed else change[f"new_{column}"]
            if original is not None and not removed and _same(base_value, my_value):
                continue  # not my change: their value (if any) stands
            they_changed = (original is None and theirs is not None) or not _same(base_value, their_value)
            if they_changed and not _same(their_value, my_value):
                conflicts.append(
                    {**key_values, "column": column, "base": base_value, "theirs": their_value, "mine": my_value}
                )
            merged_row[column] = my_value
        if removed:
            rows.pop(row_key, None)
        else:
            rows[row_key] = merged_row
    merged = pd.DataFrame(list(rows.values()), columns=list(spec.columns)) if rows else _empty(kind)
    merged = frame_from_bytes(kind, spec.to_bytes(merged), registry) if rows else merged
    return Reapplied(merged, latest_version, pd.DataFrame(conflicts, columns=conflict_columns))


def _same(a: object, b: object) -> bool:
    a_missing = a is None or (isinstance(a, float) and a != a) or a == ""
    b_missing = b is None or (isinstance(b, float) and b != b) or b == ""
    return (a_missing and b_missing) or (not a_missing and not b_missing and a == b)
