"""What the browser's editing pages show: editable tables, located problems, change previews, history,
stale-save messages and the downloadable templates. Pure functions; the writes are in metrics.updates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from metrics import store, updates
from metrics.csvfile import Problem, problem
from metrics.i18n import format_date, text
from metrics.importing import number_list
from metrics.numbers import ABOUT, AT_LEAST, EXACT, format_amount, format_value
from metrics.registry import Registry
from metrics.tablefile import BOM, plain_number, to_csv_bytes

NUMBER_COLUMNS = ("target", "value")
DATE_COLUMNS = ("period_start", "period_end", "as_of")


def label(column: str, lang: str = "zh") -> str:
    """A column's header in one language (table, preview and history columns alike)."""
    return text(f"editing.column.{column}", lang)


def labels(columns: list[str] | tuple[str, ...], lang: str = "zh") -> dict[str, str]:
    """{column: header} for st.column_config or DataFrame.rename."""
    return {column: label(column, lang) for column in columns}


def editable_frame(kind: str, registry: Registry | None = None) -> pd.DataFrame:
    """The live table as the data editor should start from: canonical columns, dates as dates, numbers as
    floats, empty text as ''. Save it back with updates.apply_table and the version from updates.live_version."""
    return updates.current_frame(kind, registry or Registry.load()).reset_index(drop=True)


# ---------- edited table → the importer's input, and its problems back to table cells ----------


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _cell(value: object) -> str:
    if _missing(value):
        return ""
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return plain_number(value)
    return str(value)


@dataclass(frozen=True)
class SerialisedTable:
    """An edited table as the importer's CSV input, with the way back from CSV lines and columns."""

    data: bytes
    lines: dict[int, int]  # CSV line → row position in the edited frame
    columns: tuple[str, ...]  # CSV column (1-based index - 1) → canonical column name


def table_to_csv(kind: str, frame: pd.DataFrame) -> SerialisedTable:
    """Serialise an edited table as CSV bytes for the importer, mapping each CSV line to its row position.

    Only the table's own columns are written (anything the UI added is left out). A cell with a line break
    makes its record span several lines, which is why the map is counted rather than assumed.
    """
    columns = tuple(column for column in updates.KINDS[kind].columns if column in frame.columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    lines: dict[int, int] = {}
    line = 2
    for position, row in enumerate(frame[list(columns)].itertuples(index=False, name=None)):
        start = buffer.tell()
        writer.writerow([_cell(value) for value in row])
        record = buffer.getvalue()[start:]
        lines[line] = position
        line += record.replace("\r\n", "\n").replace("\r", "\n").count("\n")
    return SerialisedTable((BOM + buffer.getvalue()).encode("utf-8"), lines, columns)


def locate_in_table(table: SerialisedTable, problems: list[Problem]) -> list[updates.TableProblem]:
    """Problems found in the serialised table, re-addressed to table rows (1-based in messages) and columns."""
    located = []
    for item in problems:
        row = table.lines.get(item.line) if item.line is not None else None
        body = {"zh": item.message_zh, "en": item.message_en}
        if item.code in ("duplicate_row", "duplicate_record") and item.related_lines:
            other = table.lines.get(item.related_lines[0])
            again = problem(item.code, other=other + 1 if other is not None else "?")
            body = {"zh": again.message_zh, "en": again.message_en}
        if item.code == "placeholder_rows":
            rows = [table.lines[line] + 1 for line in item.related_lines if line in table.lines]
            listed = number_list(rows)
            body = {lang: text("editing.placeholder_rows", lang, count=len(rows), rows=listed[lang]) for lang in listed}
        column = None
        if item.column is not None and row is not None and item.column - 1 < len(table.columns):
            column = table.columns[item.column - 1]
        messages = {lang: _table_location(row, column, lang) + body[lang] for lang in ("zh", "en")}
        located.append(updates.TableProblem(row, column, item.severity, item.code, messages["zh"], messages["en"]))
    return located


def _table_location(row: int | None, column: str | None, lang: str) -> str:
    if row is None:
        return ""
    if column is None:
        return text("editing.table_row", lang, row=row + 1)
    return text("editing.table_location", lang, row=row + 1, column=label(column, lang))


# ---------- previews ----------


def summary(counts: dict[str, int], lang: str = "zh") -> str:
    """'新增1行，修改2行，删除0行' / '1 added, 2 changed, 0 removed'."""
    return text(
        "editing.summary",
        lang,
        added=counts.get("added", 0),
        changed=counts.get("changed", 0),
        removed=counts.get("removed", 0),
    )


def show_value(
    column: str, value: object, unit: str, lang: str, registry: Registry, names: dict[str, dict] | None = None
) -> str:
    """A cell as people read it: 20000000 → '2,000万元', '>=' → '以上', a region id → its name.

    `names` (from _names) saves looking the names up again for every cell of a long preview."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return ""
    if column in NUMBER_COLUMNS:
        return format_amount(float(value), unit, lang) if unit else plain_number(value)
    if column == "qualifier":
        return text(f"editing.qualifier.{value}", lang) if value in ("=", ">=", "~") else str(value)
    if column in ("region_id", "metric_id"):
        return (names or _names(registry, lang))[column].get(value, str(value))
    return _cell(value)


def _names(registry: Registry, lang: str) -> dict[str, dict]:
    """Region and metric names by id, in one language."""
    return {
        "region_id": registry.regions.set_index("region_id")[f"name_{lang}"].to_dict(),
        "metric_id": registry.metrics.set_index("metric_id")[f"label_{lang}"].to_dict(),
    }


def describe_changes(
    kind: str, changes: pd.DataFrame, lang: str = "zh", registry: Registry | None = None
) -> pd.DataFrame:
    """One row per difference, ready to show: change, key columns, and each value column as 'old → new'
    where it changed (the new value for an added row, the old one for a removed row). Columns keep their
    canonical names; rename them with `labels(frame.columns, lang)`."""
    registry = registry or Registry.load()
    spec = updates.KINDS[kind]
    units = registry.metrics.set_index("metric_id")["unit"].to_dict()
    names = _names(registry, lang)
    rows = []
    for change in changes.to_dict("records"):
        unit = units.get(change["metric_id"], "")
        row = {"change": text(f"editing.change.{change['change']}", lang)}
        for column in spec.key:
            row[column] = show_value(column, change[column], unit, lang, registry, names)
        for column in spec.values:
            old = show_value(column, change[f"old_{column}"], unit, lang, registry, names)
            new = show_value(column, change[f"new_{column}"], unit, lang, registry, names)
            if change["change"] == "added":
                row[column] = new
            elif change["change"] == "removed" or old == new:
                row[column] = old
            else:
                row[column] = f"{old or '—'} → {new or '—'}"
        rows.append(row)
    return pd.DataFrame(rows, columns=["change", *spec.key, *spec.values])


def describe_conflicts(
    kind: str, conflicts: pd.DataFrame, lang: str = "zh", registry: Registry | None = None
) -> pd.DataFrame:
    """updates.reapply's conflicts, ready to show: key columns, the cell, and original / their / your values."""
    registry = registry or Registry.load()
    spec = updates.KINDS[kind]
    units = registry.metrics.set_index("metric_id")["unit"]
    rows = []
    for conflict in conflicts.to_dict("records"):
        unit = units.get(conflict["metric_id"], "")
        row = {column: show_value(column, conflict[column], unit, lang, registry) for column in spec.key}
        row["cell"] = label(conflict["column"], lang)
        for side in ("base", "theirs", "mine"):
            row[side] = show_value(conflict["column"], conflict[side], unit, lang, registry) or "—"
        rows.append(row)
    return pd.DataFrame(rows, columns=[*spec.key, "cell", "base", "theirs", "mine"])


# ---------- history ----------

HISTORY_COLUMNS = ["saved_at", "editor", "action", "detail", "summary", "version", "live", "snapshot"]


def history_table(kind: str, lang: str = "zh") -> pd.DataFrame:
    """Every version, newest first: when (China time), who, action, detail, one-line summary, version id,
    whether it is live, and the snapshot name to pass to updates.version_bytes or updates.rollback."""
    entries = updates.versions(kind)
    live = updates.live_version(kind) if entries else ""  # hashing the live file: 64 MB at a million records
    when = {entry.version: entry.saved_at_text for entry in entries}
    rows = []
    for entry in entries:
        counts = {"added": entry.added, "changed": entry.changed, "removed": entry.removed}
        rows.append(
            {
                "saved_at": entry.saved_at_text,
                "editor": entry.editor,
                "action": text(f"editing.action.{entry.action}", lang),
                "detail": _detail(entry, when, lang),
                "summary": "" if entry.action == "baseline" else summary(counts, lang),
                "version": entry.version,
                "live": entry.version == live,
                "snapshot": entry.snapshot,
            }
        )
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def _detail(entry: store.Version, when: dict[str, str], lang: str) -> str:
    if entry.action == "rollback":
        if entry.detail in when:
            return text("editing.detail.rollback", lang, version=entry.detail, saved_at=when[entry.detail])
        return text("editing.detail.rollback_unknown", lang, version=entry.detail)
    if entry.action == "baseline":
        return text("editing.detail.baseline", lang)
    return entry.detail


def version_file_name(kind: str, snapshot: str) -> str:
    """A download name that says what it is: targets-20240501-100322-1a2b3c4d5e6f.csv."""
    stamp, _, version = snapshot.removesuffix(".csv").partition("-")
    return f"{updates.KINDS[kind].table}-{stamp[:8]}-{stamp[9:15]}-{version}.csv"


def stale_message(kind: str, error: store.StaleVersionError, lang: str = "zh", key: str = "editing.stale") -> str:
    """Why a save (or with key editing.stale_rollback, a restore) was refused, who saved in between and when,
    and what to do next."""
    entry = next((entry for entry in updates.versions(kind) if entry.version == error.live), None)
    who = entry.editor if entry and entry.editor else text("editing.stale_unknown_who", lang)
    when = entry.saved_at_text if entry else ""
    return text(key, lang, who=who, when=when, live=error.live)


# ---------- templates ----------

TEMPLATE_HEADERS = {
    "metric_id": "指标编号",
    "metric_label": "指标名称",
    "region_id": "地区",
    "period_start": "开始日期",
    "period_end": "结束日期",
    "target": "目标值",
    "as_of": "截至日期",
    "value": "数值",
    "qualifier": "限定",
    "source": "来源",
    "section": "章节",
    "evidence": "原文",
    "note": "备注",
    "plan": "计划名称",
    "plan_en": "计划名称（英文）",
    "assumption": "假设",
    "assumption_en": "假设（英文）",
    "evidence_en": "原文（英文）",
    "note_en": "备注（英文）",
}
# Words, not symbols: Excel would read a lone "=" as the start of a formula.
_QUALIFIER_WORDS = {AT_LEAST: "以上", ABOUT: "约"}


def template_bytes(kind: str, registry: Registry | None = None) -> bytes:
    """A CSV to fill in with Excel or WPS: UTF-8 with BOM, Chinese headers the importer accepts.

    Every current row is in it (importing it untouched changes nothing), followed in registry order by one
    row for each metric that has none yet, with its id, name and 黄石市 filled in and the dates and number
    left empty. Rows left empty are skipped on import; fill in the dates and the number to add a row.
    """
    registry = registry or Registry.load()
    spec = updates.KINDS[kind]
    current = updates.current_frame(kind, registry)
    region_names = registry.regions.set_index("region_id")["name_zh"]
    metric_names = registry.metrics.set_index("metric_id")["label_zh"]
    columns = ["metric_id", "metric_label", *[c for c in spec.columns if c != "metric_id"]]
    rows = []
    for metric_id in registry.metric_ids:
        existing = current[current["metric_id"] == metric_id]
        for record in existing.to_dict("records"):
            rows.append({**record, "metric_label": metric_names[metric_id]})
        if existing.empty:
            rows.append({"metric_id": metric_id, "metric_label": metric_names[metric_id], "region_id": "huangshi"})
    out = []
    for row in rows:
        cells = {}
        for column in columns:
            value = row.get(column)
            if column == "region_id":
                cells[column] = region_names.get(value, value or "")
            elif column == "qualifier":
                cells[column] = _QUALIFIER_WORDS.get(value, "")
            else:
                cells[column] = _cell(value)
        out.append(cells)
    frame = pd.DataFrame(out, columns=columns).rename(columns=TEMPLATE_HEADERS)
    # Text Excel would run as a formula gets an apostrophe, as in every CSV handed out; the importer takes
    # it off again.
    return to_csv_bytes(frame, escape_formulas=True)


def template_file_name(kind: str) -> str:
    """targets_template.csv / progress_template.csv."""
    return f"{updates.KINDS[kind].table}_template.csv"


# A recorded figure this many times its region's figure before it (or as small a share of it) is more
# often a slip (2500 typed for 2,500万元, a digit too many) than news: the preview asks to check it.
MAGNITUDE_FACTOR = 10
MAGNITUDE_LISTED = 10  # such notes listed; the rest counted (a whole file in the wrong unit is one slip)


def magnitude_notes(changes: pd.DataFrame, figures: pd.DataFrame, registry: Registry, lang: str = "zh") -> list[str]:
    """A note for each added or changed progress record whose value is MAGNITUDE_FACTOR times, or as
    small a share of, the newest figure of its metric and region dated before it (`figures`: those
    regions' figures from the database, the reply's and the records'); the first MAGNITUDE_LISTED of
    them, then how many more. Notes only: the save goes ahead."""
    new = changes[changes["change"].isin(["added", "changed"]) & (pd.to_numeric(changes["new_value"]) > 0)]
    if new.empty or figures.empty:
        return []
    keys = ["metric_id", "region_id"]
    # Dates of one resolution on both sides (a file's and the database's differ): merge_asof needs it.
    recorded = new[[*keys, "as_of", "new_value", "new_qualifier"]].astype({key: object for key in keys})
    recorded = recorded.assign(as_of=_instants(recorded["as_of"]), new_value=recorded["new_value"].astype(float))
    earlier = figures[[*keys, "as_of", "value", "qualifier"]].astype({key: object for key in keys})
    earlier = earlier.assign(as_of=_instants(earlier["as_of"]), value=earlier["value"].astype(float))
    # The newest figure strictly before each record's date, of its metric and region (of two of one date,
    # the later row: stable sorts keep the stored order, the document's before the record's).
    paired = pd.merge_asof(
        recorded.sort_values("as_of", kind="stable"),
        earlier.assign(previous_as_of=earlier["as_of"]).sort_values("as_of", kind="stable"),
        on="as_of",
        by=keys,
        allow_exact_matches=False,
    )
    ratio = paired["new_value"] / paired["value"]
    far = paired[(paired["value"] > 0) & ((ratio >= MAGNITUDE_FACTOR) | (ratio <= 1 / MAGNITUDE_FACTOR))]
    metrics = registry.metrics.set_index("metric_id")
    names = _names(registry, lang)
    notes = []
    for row in far.head(MAGNITUDE_LISTED).to_dict("records"):
        metric = metrics.loc[row["metric_id"]]
        factor = row["new_value"] / row["value"]
        notes.append(
            text(
                "editing.magnitude_money" if metric["unit"] == "元" else "editing.magnitude",
                lang,
                metric=names["metric_id"].get(row["metric_id"], row["metric_id"]),
                region=names["region_id"].get(row["region_id"], row["region_id"]),
                date=format_date(row["as_of"], lang),
                value=_stated(row["new_value"], row.get("new_qualifier"), metric, lang),
                previous=_stated(row["value"], row.get("qualifier"), metric, lang),
                previous_date=format_date(row["previous_as_of"], lang),
                factor=f"{round(max(factor, 1 / factor)):,}",
            )
        )
    if len(far) > MAGNITUDE_LISTED:
        notes.append(text("editing.magnitude_more", lang, count=len(far) - MAGNITUDE_LISTED, factor=MAGNITUDE_FACTOR))
    return notes


def stored_figures(changes: pd.DataFrame, region_figures: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    """The stored figures (the documents' and the records') of the regions the changes record figures for,
    as magnitude_notes compares them: `region_figures(region_id)` gives one region's."""
    regions = changes.loc[changes["change"] != "removed", "region_id"].dropna().unique()
    found = [region_figures(region) for region in regions]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=["metric_id", "region_id", "as_of"])


def _stated(value: float, qualifier: object, metric: pd.Series, lang: str) -> str:
    """A figure with its unit and qualifier, as a card shows it (≥2,000万元, 260家)."""
    stated = qualifier if isinstance(qualifier, str) and qualifier else EXACT
    return format_value(float(value), metric["unit"], stated, lang, metric["unit_en"])


def _instants(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).astype("datetime64[ns]")
