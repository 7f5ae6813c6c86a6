"""Excel downloads: a table as .xlsx with numbers as numbers, the unit and the qualifier (超过 / 约) in
columns of their own, headers in the reader's language, and no cell Excel would run as a formula.

`workbook(frame, headers)` writes any DataFrame; `key_figures` and `figures` shape the key-metrics table
and a region's figures for it. Money is given in 万元 (the unit officials count funding in), other
figures in their own unit. openpyxl writes a text starting with "=" as a formula: every text cell here
is stored as text whatever it starts with, so "=HYPERLINK(...)" typed into a note stays words.
"""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from metrics.i18n import format_date, text
from metrics.narrative import horizon_words, in_language, quote_words
from metrics.numbers import ABOUT, AT_LEAST
from metrics.style import status_label

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MONEY_UNIT = "万元"
HEADER_FILL = "DBE5F1"


def workbook(frame: pd.DataFrame, headers: dict[str, str], sheet: str = "Sheet1") -> bytes:
    """The frame's columns named in `headers` (column → header, in order) as one .xlsx sheet."""
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
            if value is None or (isinstance(value, float) and value != value):
                continue
            if numeric[column]:
                cell.value = float(value) if not float(value).is_integer() else int(value)
                cell.number_format = "#,##0.##" if not float(value).is_integer() else "#,##0"
            else:
                cell.value = str(value)
                cell.data_type = "s"  # never a formula, whatever the text starts with
    for number, column in enumerate(columns, start=1):
        longest = max([_width(headers[column]), *(_width(str(v)) for v in frame[column].head(200) if v == v)])
        page.column_dimensions[get_column_letter(number)].width = min(max(8, longest + 2), 60)
    page.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


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
    return frame, {column: text(key, lang) for column, key in KEY_COLUMNS.items()}


KEY_COLUMNS = {
    "metric": "xlsx.metric",
    "value": "xlsx.value",
    "value_qualifier": "xlsx.value_qualifier",
    "unit": "xlsx.unit",
    "horizon": "xlsx.horizon",
    "target": "xlsx.target",
    "target_qualifier": "xlsx.target_qualifier",
    "percent": "xlsx.percent",
    "status": "xlsx.status",
    "as_of": "xlsx.as_of",
}


def figures(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """A region's figures as the Sources page lists them, the value a number with its unit and qualifier."""
    values = [_in_unit(value, unit) for value, unit in zip(frame["value"], frame["unit"], strict=True)]
    units = [unit for _, unit in values]
    if lang == "en":
        units = [
            unit_en if unit == recorded and isinstance(unit_en, str) and unit_en else unit
            for unit, recorded, unit_en in zip(units, frame["unit"], frame["unit_en"], strict=True)
        ]
    table = pd.DataFrame(
        {
            "metric": frame[f"label_{lang}"].to_numpy(),
            "region": frame[f"region_{lang}"].to_numpy(),
            "value": pd.to_numeric(pd.Series([value for value, _ in values])),
            "value_qualifier": [qualifier_word(q, lang) for q in frame["qualifier"]],
            "unit": units,
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
    return table, {column: text(key, lang) for column, key in FIGURE_COLUMNS.items()}


FIGURE_COLUMNS = {
    "metric": "xlsx.metric",
    "region": "xlsx.region",
    "value": "xlsx.value",
    "value_qualifier": "xlsx.value_qualifier",
    "unit": "xlsx.unit",
    "as_written": "xlsx.as_written",
    "as_of": "xlsx.as_of",
    "section": "xlsx.section",
    "evidence": "xlsx.evidence",
    "source": "xlsx.source",
    "note": "xlsx.note",
}
