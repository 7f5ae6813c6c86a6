"""Read CSV files as Excel and WPS save them on Chinese Windows, reporting problems by line and column.

Decoding order: a UTF-16 BOM (Excel's "Unicode text"), then UTF-8 (with or without BOM), then GB18030
(a superset of GBK, what "CSV" means in Chinese Excel). A decoding is kept only if its header is
recognised, so a GBK file that happens to be valid UTF-8 is not misread.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from metrics.i18n import text

# The largest file an official may bring, from the command line or the browser: the browser's own limit
# (.streamlit/config.toml server.maxUploadSize, in MB) is this same number, which a test keeps in step.
UPLOAD_LIMIT_MB = 5
DEFAULT_SIZE_LIMIT = UPLOAD_LIMIT_MB * 1024 * 1024
# How far down a file the header may be: title rows ("2022年目标表") and notes often sit above it.
HEADER_SEARCH_ROWS = 10

# First bytes of files that officials save by mistake instead of CSV.
_BINARY_SIGNATURES = {
    b"PK\x03\x04": "xlsx",
    b"\xd0\xcf\x11\xe0": "xls",
    b"%PDF": "pdf",
    b"\x89PNG": "image",
    b"\xff\xd8\xff": "image",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as precisely as we can."""

    code: str
    message_zh: str
    message_en: str
    line: int | None = None
    column: int | None = None
    column_name: str = ""
    value: str = ""
    severity: str = "error"  # or "warning"
    related_lines: tuple[int, ...] = ()  # other lines the message names (the line a duplicate repeats)
    sheet: str = ""  # the worksheet, for a problem in an .xlsx workbook (its line is then the sheet's row)

    def message(self, lang: str = "zh") -> str:
        """The problem in one language, prefixed with where it is."""
        where = location(self.line, self.column, self.column_name, lang, self.sheet)
        body = self.message_zh if lang == "zh" else self.message_en
        return f"{where}{body}" if where else body

    def bilingual(self) -> str:
        """Chinese, then English, on one line: what the CLI prints."""
        return f"{self.message('zh')} | {self.message('en')}"


def problem(
    code: str, *, line=None, column=None, column_name="", value="", severity="error", related_lines=(), **fields
) -> Problem:
    """Build a Problem whose texts come from the translation table entry `problem.<code>`.

    A code with a dot ("files.header_row") is the translation key itself. A field given as
    {"zh": ..., "en": ...} is filled in per language.
    """
    key = code if "." in code else f"problem.{code}"

    def filled(lang: str) -> str:
        own = {name: (v[lang] if isinstance(v, dict) else v) for name, v in fields.items()}
        return text(key, lang, value=value, **own)

    return Problem(
        code=code,
        message_zh=filled("zh"),
        message_en=filled("en"),
        line=line,
        column=column,
        column_name=column_name,
        value=str(value),
        severity=severity,
        related_lines=tuple(related_lines),
    )


def column_letter(index: int) -> str:
    """1 → A, 27 → AA: how Excel names the column an official will look for."""
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def location(line: int | None, column: int | None, column_name: str, lang: str, sheet: str = "") -> str:
    """'第4行 E列（目标值）：' or 'line 4, column E (target): '; in a workbook
    '工作表“目标”第3行 C列（目标值）：' or 'sheet '目标', row 3, column C (target): '."""
    if line is None and column is None:
        return ""
    parts = []
    if lang == "zh":
        if line is not None:
            parts.append((f"工作表“{sheet}”" if sheet else "") + f"第{line}行")
        if column is not None:
            parts.append(f"{column_letter(column)}列" + (f"（{column_name}）" if column_name else ""))
        return " ".join(parts) + "："
    if line is not None:
        parts.append(f"sheet '{sheet}', row {line}" if sheet else f"line {line}")
    if column is not None:
        parts.append(f"column {column_letter(column)}" + (f" ({column_name})" if column_name else ""))
    return ", ".join(parts) + ": "


@dataclass
class Row:
    """A data row: the physical line it starts on and its cells (normalised, trimmed)."""

    line: int
    cells: list[str]


@dataclass
class RawTable:
    """A decoded CSV: header, rows and how it was read."""

    header: list[str] = field(default_factory=list)
    header_line: int = 0
    rows: list[Row] = field(default_factory=list)
    encoding: str = ""
    problems: list[Problem] = field(default_factory=list)
    delimiter: str = ","  # the one the file was split on, so a later view of its lines splits them alike
    sheet: str = ""  # the worksheet read, for a workbook
    # (line, column) → what is wrong with a cell the reader could not give as text (a formula without result)
    cell_problems: dict[tuple[int, int], Problem] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not any(p.severity == "error" for p in self.problems)


def read_csv_bytes(
    data: bytes,
    header_recognised: Callable[[list[str]], bool],
    size_limit: int = DEFAULT_SIZE_LIMIT,
) -> RawTable:
    """Decode and split CSV bytes; `header_recognised` says whether a candidate header is ours."""
    table = RawTable()
    refusal = _refuse_before_decoding(data, size_limit)
    if refusal:
        table.problems.append(refusal)
        return table

    candidates, first_error = _decodings(data)
    if not candidates:
        table.problems.append(first_error)
        return table
    chosen = None
    for encoding, decoded in candidates:
        parsed = _split(decoded, header_recognised)
        if parsed.header and header_recognised(parsed.header):
            chosen = (encoding, parsed)
            break
    if chosen is None:  # no decoding gives a header we know: report against the first one
        encoding, decoded = candidates[0]
        chosen = (encoding, _split(decoded, header_recognised))
    table = chosen[1]
    table.encoding = chosen[0]
    return finish(table)


def finish(table: RawTable) -> RawTable:
    """Add what is wrong with a split table as a whole: nothing in it, or a header and nothing else."""
    if not table.header and not table.problems:
        table.problems.append(problem("empty_file"))
    elif table.header and not table.rows and table.ok:
        table.problems.append(problem("header_only", line=table.header_line))
    return table


def _refuse_before_decoding(data: bytes, size_limit: int) -> Problem | None:
    if len(data) > size_limit:
        return problem("too_large", size=f"{len(data) / 1024:,.0f}", limit=f"{size_limit / 1024:,.0f}")
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        return problem("empty_file")
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            return problem(f"binary_{kind}")
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in data:
        line, column, byte = _position(data, data.index(b"\x00"))
        return problem("binary", line=line, column=column, byte_column=byte)
    return None


def _decodings(data: bytes) -> tuple[list[tuple[str, str]], Problem | None]:
    """Every plausible decoding, most likely first; or the problem if none works."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return [("utf-16", data.decode("utf-16"))], None
        except UnicodeDecodeError as error:
            return [], _undecodable(data, error)
    candidates, first_error = [], None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            candidates.append((encoding, data.decode(encoding)))
        except UnicodeDecodeError as error:
            first_error = first_error or _undecodable(data, error)
    return candidates, first_error


def _undecodable(data: bytes, error: UnicodeDecodeError) -> Problem:
    line, column, byte = _position(data, error.start)
    bad_byte = f"0x{data[error.start : error.start + 1].hex()}"
    return problem("undecodable", line=line, column=column, value=bad_byte, byte_column=byte)


def _position(data: bytes, offset: int) -> tuple[int, int, int]:
    """1-based line, CSV column (delimiters counted before it) and byte within the line of an offset."""
    before = data[:offset]
    line_start = before.rfind(b"\n") + 1
    in_line = before[line_start:]
    delimiter = max((b",", b"\t", b";"), key=in_line.count)
    return before.count(b"\n") + 1, in_line.count(delimiter) + 1, offset - line_start + 1


def detect_delimiter(lines: Iterable[str]) -> str:
    """Comma, tab or semicolon: the one a line near the top has most of (a title line may have none)."""
    counts = {delimiter: 0 for delimiter in (",", "\t", ";")}
    seen = 0
    for line in lines:
        if not line.strip():
            continue
        for delimiter in counts:
            counts[delimiter] = max(counts[delimiter], line.count(delimiter))
        seen += 1
        if seen == HEADER_SEARCH_ROWS:
            break
    return max(counts, key=counts.get)


def _split(decoded: str, header_recognised: Callable[[list[str]], bool] | None = None) -> RawTable:
    """Split decoded text into header and rows, remembering each row's first physical line."""
    text_ = decoded.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text_.split("\n")
    delimiter = detect_delimiter(lines)
    if '"' not in text_:
        # Without a quote a row is one line and a cell is what lies between delimiters: str.split gives
        # what csv.reader gives, several times faster on a million-row file.
        table = table_from_rows(
            ((number, line.split(delimiter)) for number, line in enumerate(lines, 1)), header_recognised
        )
    else:
        failure: list[Problem] = []
        table = table_from_rows(_quoted_rows(text_, delimiter, failure), header_recognised)
        table.problems += failure
    table.delimiter = delimiter
    return table


def split_lines(decoded: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of decoded text split as the importer splits it, on the delimiter it detected;
    blank lines included, and up to a cell the csv module cannot take."""
    text_ = decoded.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if '"' not in text_:
        return ((number, line.split(delimiter)) for number, line in enumerate(text_.split("\n"), 1))
    return _quoted_rows(text_, delimiter, [])


def _quoted_rows(text_: str, delimiter: str, failure: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """Rows of a CSV with quoted cells (which may span lines), each with the line it starts on.

    A cell the csv module cannot take (longer than its limit, or a quote never closed) ends the reading
    with a problem in `failure` naming the line and column where that cell starts.
    """
    reader = csv.reader(io.StringIO(text_), delimiter=delimiter)
    previous_end, last_line = 0, _line_count(text_)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            failure.append(_csv_failure(text_, previous_end + 1, delimiter))
            return
        start_line, previous_end = previous_end + 1, reader.line_num
        if previous_end >= last_line and _unclosed(text_, start_line, delimiter):
            failure.append(_csv_failure(text_, start_line, delimiter))
            return
        yield start_line, cells


def _line_count(text_: str) -> int:
    return text_.count("\n") + (0 if text_.endswith("\n") else 1)


def _unclosed(text_: str, start_line: int, delimiter: str) -> bool:
    """Whether the record starting on this line opens a quote it never closes."""
    return _scan_record(text_, start_line, delimiter)[0] == "unclosed_quote"


def _scan_record(text_: str, start_line: int, delimiter: str) -> tuple[str, int, int]:
    """Walk one record as the csv module does: ('unclosed_quote' | 'too_long' | 'ok', line, column) of the
    cell at fault, the line being where that cell starts."""
    lines = text_.split("\n")
    body = "\n".join(lines[start_line - 1 :])
    limit = csv.field_size_limit()
    line, column, cell_line, cell_length = start_line, 1, start_line, 0
    quoted, at_cell_start, index = False, True, 0
    while index < len(body):
        char = body[index]
        if quoted:
            if char == '"':
                if body[index + 1 : index + 2] == '"':
                    index += 1
                else:
                    quoted = False
            else:
                if char == "\n":
                    line += 1
                cell_length += 1
        elif char == '"' and at_cell_start:
            quoted = True
        elif char == delimiter:
            column, cell_line, cell_length, at_cell_start = column + 1, line, 0, True
            index += 1
            continue
        elif char == "\n":
            return "ok", start_line, column
        else:
            cell_length += 1
        at_cell_start = False
        if cell_length > limit:  # a quote left open over many lines swallows them all into one cell
            return ("unclosed_quote" if quoted and line > cell_line else "too_long"), cell_line, column
        index += 1
    return ("unclosed_quote" if quoted else "ok"), cell_line, column


def _csv_failure(text_: str, start_line: int, delimiter: str) -> Problem:
    kind, line, column = _scan_record(text_, start_line, delimiter)
    if kind == "too_long":
        return problem("files.cell_too_long", line=line, column=column, limit=f"{csv.field_size_limit() // 1024}")
    return problem("files.unclosed_quote", line=line, column=column)


def table_from_rows(
    rows: Iterable[tuple[int, list[str]]], header_recognised: Callable[[list[str]], bool] | None = None
) -> RawTable:
    """Header and data rows from (line, cells) pairs; blank rows dropped.

    The header is the first of the top non-blank rows (HEADER_SEARCH_ROWS) that `header_recognised`
    accepts, so a title row above it is skipped, with a note saying which row was taken; when none is
    recognised, the first non-blank row, whose missing columns are then reported.
    """
    kept: list[Row] = []
    for start_line, cells in rows:
        cleaned = [cell.strip() for cell in cells]  # free text keeps its full-width punctuation
        if not any(cleaned):  # blank lines and Excel's ",,,," rows
            continue
        kept.append(Row(start_line, cleaned))
    table = RawTable()
    if not kept:
        return table
    chosen = 0
    if header_recognised is not None:
        chosen = next((index for index, row in enumerate(kept[:HEADER_SEARCH_ROWS]) if header_recognised(row.cells)), 0)
    table.header, table.header_line = kept[chosen].cells, kept[chosen].line
    table.rows = kept[chosen + 1 :] if chosen else kept[1:]
    if chosen:
        skipped = [row for row in kept[:chosen]]
        words = "；".join(" ".join(cell for cell in row.cells if cell) for row in skipped)
        table.problems.append(
            problem(
                "files.header_row",
                line=table.header_line,
                value=words,
                skipped=number_words([row.line for row in skipped]),
                severity="warning",
                related_lines=[row.line for row in skipped],
            )
        )
    return table


def number_words(numbers: list[int]) -> dict[str, str]:
    """'1、2' / '1, 2'."""
    return {"zh": "、".join(map(str, numbers)), "en": ", ".join(map(str, numbers))}
