"""When each row of an editable table last changed, derived from the history: the diffs of consecutive
versions, oldest first. Pure reading; nothing here writes."""

from __future__ import annotations

import pandas as pd

from metrics import updates
from metrics.registry import Registry
from metrics.tablefile import diff_rows

COLUMNS = ("saved_at", "editor")


def last_changes(kind: str, registry: Registry | None = None) -> pd.DataFrame:
    """One row per live row that a recorded save added or changed: the key columns, saved_at (China time
    text) and editor of the latest such save. Rows unchanged since the first recorded version are absent:
    when they were written is not known."""
    spec = updates.KINDS[kind]
    key, values = list(spec.key), list(spec.values)
    entries = list(reversed(updates.versions(kind)))  # oldest first
    if all(entry.action == "baseline" for entry in entries):  # no recorded save: nothing to read
        return pd.DataFrame(columns=[*key, *COLUMNS])
    registry = registry or Registry.load()
    frames: dict[str, pd.DataFrame] = {}
    changed: dict[tuple, dict[str, str]] = {}
    for entry in entries:
        frame = updates.frame_from_bytes(kind, updates.version_bytes(kind, entry.snapshot), registry)
        frames[entry.version] = frame
        if entry.action == "baseline":
            continue
        before = frames.get(entry.previous, updates.frame_from_bytes(kind, b"", registry))
        for change in diff_rows(before, frame, key, values).to_dict("records"):
            row_key = tuple(change[column] for column in key)
            if change["change"] == "removed":
                changed.pop(row_key, None)
            else:
                changed[row_key] = {"saved_at": entry.saved_at_text, "editor": entry.editor}
    if not changed:
        return pd.DataFrame(columns=[*key, *COLUMNS])  # no recorded change: no need to read the live file
    live = updates.current_frame(kind, registry)
    live_keys = {tuple(row) for row in live[key].itertuples(index=False, name=None)}
    rows = [
        {**dict(zip(key, row_key, strict=True)), **when} for row_key, when in changed.items() if row_key in live_keys
    ]
    return pd.DataFrame(rows, columns=[*key, *COLUMNS])
