"""Read an Excel workbook (.xlsx) as officials fill it in, into the same table a CSV gives.

A cell becomes the text the CSV path would have read: a date typed as a date → 2021-01-01, a number →
152 (a percentage-formatted 0.66 → 66%), a formula → its result as Excel last saved it. A formula
whose result was never saved (a file written by a program, not by Excel or WPS) is refused, naming its
cell, rather than read as empty. Rows are the sheet's own row numbers and columns its letters, so a
problem says "工作表“目标”第3行 C列".
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator

from metrics.csvfile import (
    HEADER_SEARCH_ROWS,
    Problem,
    RawTable,
    column_letter,
    finish,
    number_words,
    problem,
    table_from_rows,
)

ENCODING = "xlsx"
# A workbook is compressed: what it unpacks to may be many times its size (or a zip bomb).
_UNPACKED_FACTOR = 20


def read_xlsx_bytes(
    data: bytes, header_recognised: Callable[[list[str]], bool], size_limit: int, sheet_names: tuple[str, ...] = ()
) -> RawTable:
    """The table in the workbook's sheet for this table: one named like it (`sheet_names`, e.g. 目标 or
    targets) whose header is recognised, else the first whose header is, else one named like it, else
    the first sheet."""
    import openpyxl  # a page view never needs it

    refusal = _refuse(data, size_limit)
    if refusal is not None:
        return RawTable(encoding=ENCODING, problems=[refusal])
    try:
        values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        return RawTable(encoding=ENCODING, problems=[problem("files.workbook_unreadable", value=type(error).__name__)])
    try:
        return _read(values, formulas, header_recognised, sheet_names)
    finally:
        values.close()
        formulas.close()


def sheet_rows(data: bytes, sheet: str) -> list[tuple[int, list[str]]]:
    """(row, cell texts) of one sheet's non-empty rows, as read_xlsx_bytes read them; [] if unreadable."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - the problems were reported when the file was checked
        return []
    try:
        return list(_rows(book[sheet])) if sheet in book.sheetnames else []
    finally:
        book.close()


def _refuse(data: bytes, size_limit: int) -> Problem | None:
    if len(data) > size_limit:
        return problem("too_large", size=f"{len(data) / 1024:,.0f}", limit=f"{size_limit / 1024:,.0f}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        return problem("files.workbook_unreadable", value=type(error).__name__)
    if unpacked > size_limit * _UNPACKED_FACTOR:
        return problem(
            "too_large", size=f"{unpacked / 1024:,.0f}", limit=f"{size_limit * _UNPACKED_FACTOR / 1024:,.0f}"
        )
    return None


def _read(values, formulas, header_recognised: Callable[[list[str]], bool], sheet_names: tuple[str, ...]) -> RawTable:
    sheets = values.worksheets
    if not sheets:
        return RawTable(encoding=ENCODING, problems=[problem("files.workbook_no_sheet")])
    chosen = _choose(sheets, header_recognised, sheet_names)
    rows = list(_rows(chosen))
    table = table_from_rows(rows, header_recognised)
    table.encoding, table.delimiter, table.sheet = ENCODING, "", chosen.title
    width, beyond = len(table.header), []
    for row in table.rows:  # a sheet row ends at its last filled cell; a CSV row has every column
        if len(row.cells) > width:
            beyond.append(row.line)  # a note typed beside the table, not a misread line as in a CSV
            del row.cells[width:]
        row.cells += [""] * (width - len(row.cells))
    if beyond:
        table.problems.append(
            problem(
                "files.beyond_header",
                severity="warning",
                lines=number_words(beyond),
                columns=f"{column_letter(width + 1)}…",
                related_lines=beyond,
            )
        )
    after_header = [(line, cells) for line, cells in rows if line > table.header_line]
    for item in _formulas_without_result(formulas[chosen.title], after_header, table.header_line):
        table.cell_problems[(item.line, item.column)] = item
    return finish(table)


def _choose(sheets: list, header_recognised: Callable[[list[str]], bool], sheet_names: tuple[str, ...]):
    words = [name.lower() for name in sheet_names]
    named = [sheet for sheet in sheets if any(word in sheet.title.lower() for word in words)]
    recognised = [sheet for sheet in sheets if _has_header(sheet, header_recognised)]
    for candidates in ([sheet for sheet in named if sheet in recognised], recognised, named, sheets):
        if candidates:
            return candidates[0]
    return sheets[0]


def _has_header(sheet, header_recognised: Callable[[list[str]], bool]) -> bool:
    for index, (_, cells) in enumerate(_rows(sheet)):
        if index >= HEADER_SEARCH_ROWS:
            return False
        if header_recognised([cell.strip() for cell in cells]):
            return True
    return False


def _rows(sheet) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts from column A) for every row with something in it."""
    number = 0
    for row in sheet.iter_rows(min_col=1):
        number = next((cell.row for cell in row if getattr(cell, "row", None)), number + 1)
        cells = [cell_text(cell.value, getattr(cell, "number_format", "") or "") for cell in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            yield number, cells


def cell_text(value: object, number_format: str = "") -> str:
    """A cell's value as the text a CSV of it would hold: dates ISO, numbers without '.0', 66% for 0.66."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        if "%" in number_format:
            return _plain(value * 100) + "%"
        return _plain(value)
    return str(value)


def _plain(number: float) -> str:
    """152.0 → '152', 0.30000000000000004 → '0.3' (as Excel shows it, 15 significant digits)."""
    if float(number).is_integer() and abs(number) < 1e15:
        return str(int(number))
    return format(number, ".15g")


def _formulas_without_result(sheet, rows: list[tuple[int, list[str]]], header_line: int) -> list[Problem]:
    """A problem for every formula cell below the header whose result the file does not hold."""
    texts = dict(rows)
    problems = []
    for row in sheet.iter_rows(min_row=header_line + 1, min_col=1):
        for cell in row:
            if getattr(cell, "data_type", "") != "f" or not getattr(cell, "row", None):
                continue
            cells = texts.get(cell.row, [])
            if not (cells[cell.column - 1] if cell.column <= len(cells) else ""):
                problems.append(
                    problem("files.formula_no_value", line=cell.row, column=cell.column, value=str(cell.value))
                )
    return problems
