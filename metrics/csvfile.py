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

DEFAULT_SIZE_LIMIT = 2 * 1024 * 1024

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

    def message(self, lang: str = "zh") -> str:
        """The problem in one language, prefixed with where it is."""
        where = location(self.line, self.column, self.column_name, lang)
        body = self.message_zh if lang == "zh" else self.message_en
        return f"{where}{body}" if where else body

    def bilingual(self) -> str:
        """Chinese, then English, on one line: what the CLI prints."""
        return f"{self.message('zh')} | {self.message('en')}"


def problem(
    code: str, *, line=None, column=None, column_name="", value="", severity="error", related_lines=(), **fields
) -> Problem:
    """Build a Problem whose texts come from the translation table entry `problem.<code>`.

    A field given as {"zh": ..., "en": ...} is filled in per language.
    """

    def filled(lang: str) -> str:
        own = {key: (v[lang] if isinstance(v, dict) else v) for key, v in fields.items()}
        return text(f"problem.{code}", lang, value=value, **own)

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


def location(line: int | None, column: int | None, column_name: str, lang: str) -> str:
    """'第4行 E列（目标值）：' or 'line 4, column E (target): '."""
    if line is None and column is None:
        return ""
    parts = []
    if lang == "zh":
        if line is not None:
            parts.append(f"第{line}行")
        if column is not None:
            parts.append(f"{column_letter(column)}列" + (f"（{column_name}）" if column_name else ""))
        return " ".join(parts) + "："
    if line is not None:
        parts.append(f"line {line}")
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
        parsed = _split(decoded)
        if parsed.header and header_recognised(parsed.header):
            chosen = (encoding, parsed)
            break
    if chosen is None:  # no decoding gives a header we know: report against the first one
        encoding, decoded = candidates[0]
        chosen = (encoding, _split(decoded))
    table = chosen[1]
    table.encoding = chosen[0]
    if not table.header:
        table.problems.append(problem("empty_file"))
    elif not table.rows:
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


def _split(decoded: str) -> RawTable:
    """Split decoded text into header and rows, remembering each row's first physical line."""
    text_ = decoded.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text_.split("\n")
    first_line = next((line for line in lines if line.strip()), "")
    delimiter = max([",", "\t", ";"], key=first_line.count) if first_line else ","
    if '"' not in text_:
        # Without a quote a row is one line and a cell is what lies between delimiters: str.split gives
        # what csv.reader gives, several times faster on a million-row file.
        return _table((number, line.split(delimiter)) for number, line in enumerate(lines, 1))
    return _table(_quoted_rows(text_, delimiter))


def _quoted_rows(text_: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Rows of a CSV with quoted cells (which may span lines), each with the line it starts on."""
    reader = csv.reader(io.StringIO(text_), delimiter=delimiter)
    previous_end = 0
    for cells in reader:
        start_line, previous_end = previous_end + 1, reader.line_num
        yield start_line, cells


def _table(rows: Iterable[tuple[int, list[str]]]) -> RawTable:
    table = RawTable()
    for start_line, cells in rows:
        cleaned = [cell.strip() for cell in cells]  # free text keeps its full-width punctuation
        if not any(cleaned):  # blank lines and Excel's ",,,," rows
            continue
        if not table.header:
            table.header, table.header_line = cleaned, start_line
        else:
            table.rows.append(Row(start_line, cleaned))
    return table
