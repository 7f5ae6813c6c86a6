"""Updating the editable tables (targets, progress records) from a file or an edited table.

The CLI and the browser both come through here, so both get the same validation, the same history
and the same rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from metrics import records, store, targets
from metrics.build import BuildError, build
from metrics.csvfile import Problem
from metrics.importing import ParsedFile
from metrics.registry import Registry
from metrics.tablefile import diff_rows


@dataclass(frozen=True)
class TableKind:
    """How one editable table is parsed, keyed and written."""

    table: str
    parse: object
    to_bytes: object
    key: tuple[str, ...]
    values: tuple[str, ...]


KINDS = {
    "targets": TableKind(
        "targets",
        targets.parse_targets,
        targets.targets_csv_bytes,
        ("metric_id", "region_id", "period_start", "period_end"),
        ("target", "qualifier", "source", "section", "evidence", "note"),
    ),
    "progress": TableKind(
        "progress",
        records.parse_records,
        records.records_csv_bytes,
        ("metric_id", "region_id", "as_of"),
        ("value", "qualifier", "source", "note"),
    ),
}


@dataclass
class UpdateResult:
    """The outcome of checking or importing: problems, the differences, and what was saved."""

    parsed: ParsedFile
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    saved: store.SaveResult | None = None
    build_problems: list[tuple[str, Problem]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.parsed.ok


def current_frame(kind: str, registry: Registry) -> pd.DataFrame:
    """The live table as validated rows (empty if the live file is missing or invalid)."""
    spec = KINDS[kind]
    parsed = spec.parse(store.read_live(spec.table), registry)
    return parsed.frame if parsed.ok else pd.DataFrame(columns=[*spec.key, *spec.values])


def check(kind: str, data: bytes, registry: Registry | None = None) -> UpdateResult:
    """Validate a file and say what importing it would change; writes nothing."""
    registry = registry or Registry.load()
    spec = KINDS[kind]
    parsed = spec.parse(data, registry)
    result = UpdateResult(parsed)
    if parsed.ok:
        result.changes = diff_rows(current_frame(kind, registry), parsed.frame, list(spec.key), list(spec.values))
    return result


def apply(
    kind: str,
    data: bytes,
    editor: str,
    action: str = "import",
    detail: str = "",
    base_version: str | None = None,
    registry: Registry | None = None,
) -> UpdateResult:
    """Validate, then (only if valid) replace the live table atomically, keep history and rebuild.

    Raises store.StaleVersionError when `base_version` is given and is no longer live.
    """
    registry = registry or Registry.load()
    result = check(kind, data, registry)
    if not result.ok:
        return result
    spec = KINDS[kind]
    counts = result.changes["change"].value_counts() if not result.changes.empty else {}
    change = store.Change(
        action=action,
        detail=detail,
        added=int(counts.get("added", 0)),
        removed=int(counts.get("removed", 0)),
        changed=int(counts.get("changed", 0)),
    )
    result.saved = store.save(spec.table, spec.to_bytes(result.parsed.frame), editor, change, base_version)
    try:
        build()
    except BuildError as error:
        result.build_problems = error.problems
    return result
