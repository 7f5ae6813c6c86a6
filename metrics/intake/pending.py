"""New rows of a reference table made on the intake page (a metric for metrics.csv, a region for regions.csv):
checked when the editor adds them, kept pending in the session, saved in the import's confirmation before the
rows that use them, and taken out again when no saved row uses them. Nothing is written before the
confirmation. One description per table (NewRows); new_metric.py and new_region.py fill it in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metrics import store
from metrics.intake.reference import Refused, build_problems, csv_with_rows
from metrics.registry import Registry

Problems = list[tuple[str, dict]]


@dataclass(frozen=True)
class NewRows:
    """How new rows of one reference table are checked, kept pending, saved and taken out again."""

    table: str  # the store's table, data/<table>.csv and the Registry's frame of it: metrics, regions
    action: str  # what the history calls the save: add_metric, add_region
    refused: type[Refused]
    build_key: str  # the translation key of a problem the build's own validation finds
    check: Callable[[Any, Registry], Problems]  # the table's rules for one new row
    as_row: Callable[[Any], dict]  # the new row in the table's columns
    id_of: Callable[[Any], str]
    cleaned: Callable[[Any], Any]  # surrounding spaces removed

    def csv_with(self, rows: list, folder: Path) -> bytes:
        """data/<table>.csv with the new rows at the end (columns as the file has them)."""
        return csv_with_rows(folder / f"{self.table}.csv", [self.as_row(row) for row in rows])

    def extended(self, registry: Registry, rows: list) -> Registry:
        """The registry as it will be once `rows` are saved: what the rows that use them are checked against."""
        if not rows:
            return registry
        return registry.with_rows(self.table, [self.as_row(row) for row in rows])

    def propose(self, row: Any, pending: list, folder: Path) -> Any:
        """Check a new row against the live table and the rows already pending; the cleaned row, or
        `refused` naming every problem. Nothing is written."""
        row = self.cleaned(row)
        problems = self.check(row, self.extended(Registry.load(folder), pending))
        if not problems:
            replaced = {f"{self.table}.csv": self.csv_with([*pending, row], folder)}
            problems = build_problems(folder, replaced, self.build_key)
        if problems:
            raise self.refused(problems)
        return row

    def save(self, rows: list, folder: Path, editor: tuple[str, str]) -> store.SaveResult | None:
        """Save the table with the new rows as a new version (history, the editor named), checked again
        against the live file; None when there are none. The caller rebuilds (with the rows that use them)."""
        if not rows:
            return None
        registry = Registry.load(folder)
        problems = [p for n, row in enumerate(rows) for p in self.check(row, self.extended(registry, rows[:n]))]
        if problems:
            raise self.refused(problems)
        base = store.live_version(self.table)
        change = store.Change(action=self.action, detail=",".join(self.id_of(row) for row in rows), added=len(rows))
        return store.save(self.table, self.csv_with(rows, folder), editor[0], change, base, account=editor[1])

    def settle(self, saved: store.SaveResult | None, rows: list, used: set[str], editor: tuple[str, str]) -> None:
        """After the rows of the import were saved (or not): take out the new rows no saved row uses, as a new
        version (history keeps both). None used: the file as it was before `saved`; some: that file with them."""
        if saved is None or not saved.changed:
            return
        kept = [row for row in rows if self.id_of(row) in used]
        if len(kept) == len(rows) and rows:
            return
        snapshot = next(entry.snapshot for entry in store.versions(self.table) if entry.version == saved.previous)
        previous = store.read_version(self.table, snapshot)
        if kept:
            unused = [self.id_of(row) for row in rows if self.id_of(row) not in used]
            data = csv_with_rows(previous, [self.as_row(row) for row in kept])
            change = store.Change(action="edit", detail=",".join(unused), removed=len(unused))
        else:
            data, change = previous, store.Change(action="rollback", detail=saved.previous)
        store.save(self.table, data, editor[0], change, saved.version, account=editor[1])
