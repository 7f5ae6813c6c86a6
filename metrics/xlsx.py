"""Excel downloads: a table as .xlsx with numbers as numbers, dates as dates, the unit and the qualifier
(超过 / 约 / 以上) in columns of their own, headers in the reader's language, and no cell Excel would run
as a formula.

`workbook(frame, headers)` writes any DataFrame; `key_figures`, `figures`, `records` and `targets` shape
the key-metrics table, the Sources page's figures, the Progress page's records and the Targets page's
targets for it. Money is given in 万元 (the unit officials count funding in), other figures in their own
unit. Headers are the pages' own column names (column.* and audit.column.*), so a download and the
table on screen name a column alike. Text a spreadsheet would take for a formula (tablefile's test, the
one the CSV downloads use) is stored as text and marked with Excel's quote prefix, so "=HYPERLINK(...)"
typed into a note stays words in Excel and WPS, even after the cell is edited.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from metrics.i18n import format_date, text
from metrics.narrative import horizon_words, in_language, quote_words
from metrics.numbers import ABOUT, AT_LEAST
from metrics.style import status_label
from metrics.tablefile import looks_like_formula

MONEY_UNIT = "万元"
HEADER_FILL = "DBE5F1"
DATE_FORMAT = "yyyy-mm-dd"


def workbook(frame: pd.DataFrame, headers: dict[str, str], sheet: str = "Sheet1") -> bytes:
    """The frame's columns named in `headers` (column → header, in order) as one .xlsx sheet."""
    # openpyxl only when a workbook is made: importing it was ~0.2 s of a fresh server's first page,
    # which draws the download buttons but makes no workbook until one is clicked.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    page = book.active
    page.title = sheet[:31]
    columns = list(headers)
    page.append([headers[column] for column in columns])
    for cell in page[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    numeric = {column: pd.api.types.is_numeric_dtype(frame[column]) for column in columns}
    for row_number, row in enumerate(frame[columns].itertuples(index=False), start=2):
        for column_number, (column, value) in enumerate(zip(columns, row, strict=True), start=1):
            cell = page.cell(row=row_number, column=column_number)
            if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
                continue
            if isinstance(value, dt.date):
                cell.value = value.date() if isinstance(value, dt.datetime) else value
                cell.number_format = DATE_FORMAT
            elif numeric[column]:
                cell.value = float(value) if not float(value).is_integer() else int(value)
                cell.number_format = "#,##0.##" if not float(value).is_integer() else "#,##0"
            else:
                cell.value = str(value)
                cell.data_type = "s"  # never a formula, whatever the text starts with
                if looks_like_formula(cell.value):
                    cell.quotePrefix = True  # Excel's own mark: shown and kept as text, even once edited
    for number, column in enumerate(columns, start=1):
        shown = [_shown(v) for v in frame[column].head(200) if v is not None and v == v]
        longest = max([_width(headers[column]), *(_width(v) for v in shown)])
        page.column_dimensions[get_column_letter(number)].width = min(max(8, longest + 2), 60)
    page.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _shown(value: object) -> str:
    return DATE_FORMAT if isinstance(value, dt.date) else str(value)


def headers(columns: dict[str, str], lang: str) -> dict[str, str]:
    """Column → its header in `lang`, from the translation keys `columns` maps each column to."""
    return {column: text(key, lang) for column, key in columns.items()}


def _width(value: str) -> float:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in value)


def _in_unit(value: float, unit: str) -> tuple[float, str]:
    """A value in the unit a table shows: money in 万元, anything else as recorded."""
    if unit == "元":
        return value / 10_000, MONEY_UNIT
    return value, unit


def qualifier_word(qualifier: str | None, lang: str, target: bool = False) -> str:
    """超过 / 约 / '' (exact), or 以上 for a target: the qualifier in its own column."""
    if qualifier == AT_LEAST:
        return text("xlsx.target_at_least" if target else "xlsx.at_least", lang)
    if qualifier == ABOUT:
        return text("xlsx.about", lang)
    return ""


def key_figures(progress: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The key metrics, one row per target (or one row without): value, target, percent as numbers."""
    chosen = progress[progress["key_order"].notna()].sort_values(["key_order", "period_end"])
    rows = []
    for row in chosen.to_dict("records"):
        value, unit = _in_unit(row["value"], row["unit"]) if pd.notna(row["value"]) else (None, row["unit"])
        target, _ = _in_unit(row["target"], row["unit"]) if pd.notna(row["target"]) else (None, unit)
        if unit == row["unit"] and lang == "en" and row.get("unit_en"):
            unit = row["unit_en"]
        rows.append(
            {
                "metric": row[f"label_{lang}"],
                "value": value,
                "value_qualifier": qualifier_word(row["value_qualifier"], lang),
                "unit": unit,
                "horizon": horizon_words(row, lang) if pd.notna(row["target"]) else "",
                "target": target,
                "target_qualifier": qualifier_word(row["target_qualifier"], lang, target=True)
                if pd.notna(row["target"])
                else "",
                "percent": row["percent_of_target"],
                "status": status_label(row["status"] if pd.notna(row["target"]) else "no_target", lang),
                "as_of": format_date(row["value_as_of"], lang) if pd.notna(row["value_as_of"]) else "",
            }
        )
    frame = pd.DataFrame(rows, columns=list(KEY_COLUMNS))
    for column in ("value", "target", "percent"):
        frame[column] = pd.to_numeric(frame[column])
    return frame, headers(KEY_COLUMNS, lang)


KEY_COLUMNS = {
    "metric": "column.metric",
    "value": "column.value",
    "value_qualifier": "xlsx.value_qualifier",
    "unit": "audit.column.unit",
    "horizon": "xlsx.horizon",
    "target": "xlsx.target",
    "target_qualifier": "xlsx.target_qualifier",
    "percent": "xlsx.percent",
    "status": "column.status",
    "as_of": "xlsx.as_of",
}


def _units(values: list[tuple[float, str]], frame: pd.DataFrame, lang: str) -> list[str]:
    """Each row's unit as shown: 万元 for money, else the recorded unit (its English name in English)."""
    units = [unit for _, unit in values]
    if lang == "en":
        units = [
            unit_en if unit == recorded and isinstance(unit_en, str) and unit_en else unit
            for unit, recorded, unit_en in zip(units, frame["unit"], frame["unit_en"], strict=True)
        ]
    return units


def figures(
    frame: pd.DataFrame, lang: str, columns: dict[str, str] | None = None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Figures (rows of reader.figures) with the value a number beside its unit and qualifier; the
    columns of the Sources page's download unless `columns` (column → header key) names others."""
    values = [_in_unit(value, unit) for value, unit in zip(frame["value"], frame["unit"], strict=True)]
    table = pd.DataFrame(
        {
            "metric": frame[f"label_{lang}"].to_numpy(),
            "region": frame[f"region_{lang}"].to_numpy(),
            "value": pd.to_numeric(pd.Series([value for value, _ in values], dtype="float64")),
            "value_qualifier": [qualifier_word(q, lang) for q in frame["qualifier"]],
            "unit": _units(values, frame, lang),
            "as_written": frame["as_written"].fillna("").to_numpy(),
            "as_of": [format_date(date, lang) for date in frame["as_of"]],
            "section": frame["section"].fillna("").to_numpy(),
            # as the Sources page shows them: the reply's words with the English beside them, the note in English
            "evidence": [
                quote_words(words, english, lang)
                for words, english in zip(frame["evidence"], frame.get("evidence_en", [None] * len(frame)), strict=True)
            ],
            "source": frame[f"source_{lang}"].fillna("").to_numpy(),
            "note": in_language(frame["note"], frame.get("note_en"), lang),
        }
    )
    return table, headers(columns or FIGURE_COLUMNS, lang)


FIGURE_COLUMNS = {
    "metric": "column.metric",
    "region": "column.region",
    "value": "column.value",
    "value_qualifier": "xlsx.value_qualifier",
    "unit": "audit.column.unit",
    "as_written": "xlsx.as_written",
    "as_of": "column.as_of",
    "section": "column.section",
    "evidence": "column.evidence",
    "source": "column.source",
    "note": "column.note",
}
# The Progress page's records: what was reported, when, and where it came from.
RECORD_COLUMNS = {
    name: FIGURE_COLUMNS[name]
    for name in ("metric", "region", "as_of", "value", "value_qualifier", "unit", "as_written", "source", "note")
}


def records(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The Progress page's records (report.progress_records), in its order, the value a number."""
    return figures(frame, lang, RECORD_COLUMNS)


def targets(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The Targets page's targets (rows of reader.targets): the period's dates as dates and the target a
    number beside its unit and qualifier (以上)."""
    values = [
        _in_unit(target, unit) if pd.notna(target) else (None, unit)
        for target, unit in zip(frame["target"], frame["unit"], strict=True)
    ]
    plan = frame[f"plan_{lang}"] if f"plan_{lang}" in frame else frame["plan"]
    table = pd.DataFrame(
        {
            "metric": frame[f"label_{lang}"].to_numpy(),
            "region": frame[f"region_{lang}"].to_numpy(),
            "plan": plan.fillna("").to_numpy(),
            "period_start": pd.to_datetime(frame["period_start"]).dt.date.to_numpy(),
            "period_end": pd.to_datetime(frame["period_end"]).dt.date.to_numpy(),
            "target": pd.to_numeric(pd.Series([value for value, _ in values], dtype="float64")),
            "target_qualifier": [qualifier_word(q, lang, target=True) for q in frame["qualifier"]],
            "unit": _units(values, frame, lang),
            "source": frame[f"source_{lang}"].fillna(frame["source"]).fillna("").to_numpy(),
            "section": frame["section"].fillna("").to_numpy(),
            "evidence": frame["evidence"].fillna("").to_numpy(),
            "note": frame["note"].fillna("").to_numpy(),
        }
    )
    return table, headers(TARGET_COLUMNS, lang)


TARGET_COLUMNS = {
    "metric": "column.metric",
    "region": "column.region",
    "plan": "xlsx.plan",
    "period_start": "xlsx.period_start",
    "period_end": "xlsx.period_end",
    "target": "xlsx.target",
    "target_qualifier": "xlsx.target_qualifier",
    "unit": "audit.column.unit",
    "source": "column.source",
    "section": "column.section",
    "evidence": "column.evidence",
    "note": "column.note",
}
