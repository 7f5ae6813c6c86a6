"""Turn an official's CSV (targets or progress records) into a validated frame, or a list of problems.

Two stages, each reporting every problem at once:
1. cells → typed values (numbers with units, dates, qualifiers, metric and region names), per cell;
2. rules across rows (no negatives, known ids, periods in order, no duplicates) with pandera, lazily.
Every problem carries the file line and column so an official can find it in Excel.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
import difflib
import gc
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pandas as pd

from metrics.csvfile import (
    DEFAULT_SIZE_LIMIT,
    UPLOAD_LIMIT_MB,
    Problem,
    RawTable,
    column_letter,
    problem,
    read_csv_bytes,
    split_lines,
)
from metrics.i18n import text
from metrics.numbers import EXACT, NumberFormatError, normalise_text, parse_qualifier, parse_quantity, unit_matches
from metrics.registry import Registry

LINE = "_line"  # hidden column: the file line each row came from


@dataclass(frozen=True)
class Column:
    """One column an import understands: its canonical name, the headers accepted for it, its kind."""

    name: str
    aliases: tuple[str, ...]
    kind: str  # metric | region | date | number | qualifier | text
    required: bool = False
    default: str = ""
    fallback_for: str = ""  # used as this other column when that one is absent (a label for an id)
    past: bool = False  # a date something was recorded on: not after today, when a file is brought in


# Columns both import files share (targets and progress records).
METRIC = Column("metric_id", ("指标编号", "指标代码", "指标ID", "指标", "metric", "metric id"), "metric", required=True)
METRIC_LABEL = Column("metric_label", ("指标名称", "名称", "label", "metric name"), "metric", fallback_for="metric_id")
REGION = Column(
    "region_id", ("地区编号", "地区", "区域", "县市区", "region", "region id"), "region", default="huangshi"
)
REGION_NAME = Column("region_name", ("地区名称", "region name"), "region", fallback_for="region_id")
QUALIFIER = Column("qualifier", ("限定", "限定词", "比较", "qualifier"), "qualifier", default=EXACT)
SOURCE = Column("source", ("来源", "依据", "source id", "source_id"), "text")
NOTE = Column("note", ("备注", "说明", "note", "notes"), "text")


@dataclass(frozen=True)
class FileSpec:
    """What one kind of import file holds and the rules its rows obey."""

    columns: tuple[Column, ...]
    key: tuple[str, ...]  # columns that identify a row; duplicates are refused
    duplicate_code: str
    negative_code: str
    size_limit: int = DEFAULT_SIZE_LIMIT
    sheet_names: tuple[str, ...] = ()  # words naming this table's sheet in a workbook (目标, targets)
    # Frame-wide rules: (check giving True for good rows, error code, the column it blames).
    rules: tuple[tuple[Callable[[pd.DataFrame], pd.Series], str, str], ...] = ()

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def match_header(self, header: str) -> Column | None:
        """The column a header names: case, spaces, full-width and a trailing * do not matter."""
        key = _header_key(header)
        return next((c for c in self.columns if key in {_header_key(alias) for alias in (c.name, *c.aliases)}), None)

    def recognises(self, header: list[str]) -> bool:
        """Whether a header row is plausibly this kind of file (most required columns found)."""
        found = {column.name for cell in header if (column := self.match_header(cell))}
        required = {c.name for c in self.columns if c.required}
        return len(found & required) >= max(1, len(required) - 1)


@dataclass
class ParsedFile:
    """The outcome of reading an import file: rows as a frame, and every problem found."""

    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    encoding: str = ""  # "xlsx" for a workbook
    delimiter: str = ","  # what the file's lines were split on
    header_line: int = 1  # the line (or sheet row) taken as the header
    sheet: str = ""  # the worksheet read, for a workbook

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def _header_key(header: str) -> str:
    return normalise_text(header).lower().replace(" ", "").replace("_", "").rstrip("*")


def parse_file(data: bytes, spec: FileSpec, registry: Registry) -> ParsedFile:
    """Decode, map headers, read every cell and check the rules; never raises on bad input."""
    with _collector_paused():
        return _parse_file(data, spec, registry)


UPLOAD_LIMIT = UPLOAD_LIMIT_MB * 1024 * 1024
_INCOMING: contextvars.ContextVar[dt.date | None] = contextvars.ContextVar("incoming_today", default=None)


def today() -> dt.date:
    """Today's date; DASHBOARD_TODAY=2021-12-31 sets it (tests, or a server whose clock is known wrong)."""
    fixed = os.environ.get("DASHBOARD_TODAY", "").strip()
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()


@contextlib.contextmanager
def incoming(on: dt.date | None = None) -> Iterator[None]:
    """Files parsed inside are brought in by someone (an import, an upload, an edited table), not read
    from data/: a recorded figure may not be dated after today (`on`, or today()).

    data/ itself is not judged by the clock: a file accepted once stays readable whatever the date.
    """
    token = _INCOMING.set(on or today())
    try:
        yield
    finally:
        _INCOMING.reset(token)


def upload_too_large(size: int) -> Problem | None:
    """The refusal for a file larger than officials may bring (UPLOAD_LIMIT), before reading it."""
    if size <= UPLOAD_LIMIT:
        return None
    return problem("too_large", size=f"{size / 1024:,.0f}", limit=f"{UPLOAD_LIMIT / 1024:,.0f}")


def file_rows(data: bytes, parsed: ParsedFile, wanted: set[int] | None = None) -> dict[int, list[str]]:
    """The cells of a file's lines (or a workbook's rows) as the importer read them, by line number, to
    show the lines a problem names: decoded and split as the importer did, never guessed again."""
    if parsed.encoding == "xlsx":
        from metrics import workbook

        rows = workbook.sheet_rows(data, parsed.sheet)
    else:
        try:
            decoded = data.decode(parsed.encoding or "utf-8-sig")
        except (LookupError, UnicodeDecodeError):
            return {}
        rows = split_lines(decoded, parsed.delimiter or ",")
    return {line: [cell.strip() for cell in cells] for line, cells in rows if wanted is None or line in wanted}


def is_workbook(data: bytes) -> bool:
    """An .xlsx (a zip): read as a workbook rather than as text."""
    return data.startswith(b"PK\x03\x04")


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a file is read.

    A million-row file makes millions of small lists that hold no cycles; the collector walked them
    again and again and took two thirds of the time of splitting the file. Reference counting still
    frees everything; the collector resumes (if it was running) when the file is read.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse_file(data: bytes, spec: FileSpec, registry: Registry) -> ParsedFile:
    parsed = _parse_raw(data, spec, registry)
    if parsed.sheet:  # a workbook: every located problem names its sheet
        parsed.problems = [
            dataclasses.replace(item, sheet=parsed.sheet) if item.line is not None else item for item in parsed.problems
        ]
    return parsed


def _read_raw(data: bytes, spec: FileSpec) -> RawTable:
    if is_workbook(data):
        from metrics import workbook  # openpyxl is loaded only when a workbook comes

        return workbook.read_xlsx_bytes(data, spec.recognises, spec.size_limit, spec.sheet_names)
    return read_csv_bytes(data, spec.recognises, spec.size_limit)


def _parse_raw(data: bytes, spec: FileSpec, registry: Registry) -> ParsedFile:
    raw = _read_raw(data, spec)
    parsed = ParsedFile(
        frame=pd.DataFrame(),
        problems=list(raw.problems),
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        header_line=raw.header_line or 1,
        sheet=raw.sheet,
    )
    if not raw.ok:
        return parsed
    positions, header_problems = _map_header(raw, spec)
    parsed.problems += header_problems
    if any(p.severity == "error" for p in header_problems):
        return parsed
    kept = [c.name for c in spec.columns if c.name in positions or c.kind == "qualifier"]
    names = [LINE, *kept]
    frame = _read_cells_fast(raw, spec, positions, registry, names)
    if frame is None:  # something to report: the per-cell path names each problem's line and column
        records, cell_problems = _read_cells(raw, spec, positions, registry)
        parsed.problems += cell_problems
        frame = pd.DataFrame.from_records(records, columns=names)
    if frame.empty:  # every row was a template row left empty: an empty table, which the preview shows
        if parsed.ok:
            parsed.frame = _complete(frame, spec).drop(columns=LINE)
        return parsed
    parsed.problems += _check_rules(frame, spec, registry, positions, raw.header)
    parsed.problems.sort(key=lambda p: (p.severity != "error", p.line or 0, p.column or 0))
    if parsed.ok:
        parsed.frame = _complete(frame, spec).drop(columns=LINE)
    return parsed


def _map_header(raw: RawTable, spec: FileSpec) -> tuple[dict[str, int], list[Problem]]:
    """Canonical column name → 0-based position in the file; problems for missing/extra/duplicate."""
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    for index, header in enumerate(raw.header):
        column = spec.match_header(header)
        if column is None:
            if header:
                problems.append(
                    problem("extra_column", line=raw.header_line, column=index + 1, value=header, severity="warning")
                )
        elif column.name in positions:
            problems.append(problem("duplicate_column", line=raw.header_line, column=index + 1, value=header))
        else:
            positions[column.name] = index
    for column in spec.columns:
        if column.fallback_for and column.name in positions and column.fallback_for not in positions:
            positions[column.fallback_for] = positions.pop(column.name)
    for column in spec.columns:
        if column.required and column.name not in positions:
            aliases = "、".join((column.name, *column.aliases))
            problems.append(problem("missing_column", line=raw.header_line, value=column.aliases[0], aliases=aliases))
    return positions, problems


def _read_cells(raw: RawTable, spec: FileSpec, positions: dict[str, int], registry: Registry):
    """Typed values per row; a problem per unreadable cell, naming its line and column."""
    records: list[dict] = []
    problems: list[Problem] = []
    placeholders: list[int] = []
    width = len(raw.header)
    pairs = _pairs(spec, positions)
    on = _INCOMING.get()
    for row in raw.rows:
        if len(row.cells) > width and any(row.cells[width:]):
            problems.append(problem("ragged_row", line=row.line, count=len(row.cells), expected=width))
            continue
        if _is_placeholder(row.cells, spec, positions):
            placeholders.append(row.line)
            continue
        # a qualifier written in the number ('500以上') needs somewhere to go when the file has no 限定 column
        record: dict = {LINE: row.line, **{c.name: c.default for c in spec.columns if c.kind == "qualifier"}}
        for name, position in positions.items():
            column = spec.column(name)
            cell = row.cells[position] if position < len(row.cells) else ""
            where = {"line": row.line, "column": position + 1, "column_name": raw.header[position]}
            unreadable = raw.cell_problems.get((row.line, position + 1))
            if unreadable is not None:
                problems.append(dataclasses.replace(unreadable, column_name=raw.header[position]))
                record[name] = None
                continue
            if not cell:
                if column.required and not _named_instead(row.cells, name, pairs, positions):
                    problems.append(problem("empty_required", **where))
                    record[name] = None  # nothing to check it against: no 'unknown' or 'duplicate' for it
                else:
                    record[name] = column.default
                continue
            try:
                record[name] = _READERS[column.kind](cell, registry)
            except _CellError as error:
                problems.append(problem(error.code, value=cell, **where, **error.fields))
                record[name] = None
                continue
            if column.past and on is not None and record[name] > on:
                problems.append(problem("files.future_date", value=cell, today=on.isoformat(), **where))
                record[name] = None
        for primary, named in pairs:
            _take_name(record, row, primary, named, positions, raw.header, registry, problems)
        metric_id = next((record.get(c.name) for c in spec.columns if c.kind == "metric"), None) or ""
        _split_number_cells(record, spec, positions, raw, row.line, metric_id, registry, problems)
        records.append(record)
    if placeholders:
        problems.append(placeholder_warning(placeholders))
    return records, problems


def _pairs(spec: FileSpec, positions: dict[str, int]) -> list[tuple[str, str]]:
    """(id column, name column) pairs the file has both of: 指标编号 beside 指标名称, 地区 beside 地区名称."""
    return [
        (column.fallback_for, column.name)
        for column in spec.columns
        if column.fallback_for and column.name in positions and column.fallback_for in positions
    ]


def _named_instead(cells: list[str], name: str, pairs: list[tuple[str, str]], positions: dict[str, int]) -> bool:
    """Whether an empty id cell has its name filled in beside it (the id is then taken from the name)."""
    return any(
        primary == name and positions[named] < len(cells) and cells[positions[named]] for primary, named in pairs
    )


def _take_name(record, row, primary, named, positions, header, registry, problems) -> None:
    """Fill an empty id from the name beside it; refuse an id and a name that name different things."""
    id_cell = row.cells[positions[primary]] if positions[primary] < len(row.cells) else ""
    name_cell = row.cells[positions[named]] if positions[named] < len(row.cells) else ""
    kind = "metric" if primary == "metric_id" else "region"
    known = registry.metric_ids if kind == "metric" else registry.region_ids
    name_value = record.get(named)
    name_where = {"line": row.line, "column": positions[named] + 1, "column_name": header[positions[named]]}
    if not name_cell:
        return
    if name_value not in known:
        # reported here, with the name's own column: the row leaves the rule checks (its id is unknown)
        problems.append(
            problem(f"unknown_{kind}", value=name_cell, suggestion=suggestion(kind, name_cell, registry), **name_where)
        )
        record[primary] = None
        return
    if not id_cell:
        record[primary] = name_value
        return
    id_value = record.get(primary)
    if id_value in known and id_value != name_value:
        id_column = positions[primary] + 1
        problems.append(
            problem(
                "files.id_name_conflict",
                line=row.line,
                column=id_column,
                column_name=header[id_column - 1],
                value=id_cell,
                name_column=_column_words(name_where["column"], name_where["column_name"]),
                label={lang: display_name(kind, id_value, lang, registry) for lang in ("zh", "en")},
                name=name_cell,
            )
        )
        record[primary] = None


def _column_words(column: int, header: str) -> dict[str, str]:
    """'B列（指标名称）' / 'column B (指标名称)'."""
    letter = column_letter(column)
    return {"zh": f"{letter}列（{header}）", "en": f"column {letter} ({header})"}


def display_name(kind: str, item_id: str, lang: str, registry: Registry) -> str:
    """A metric's label or a region's name in one language."""
    frame, id_column = (registry.metrics, "metric_id") if kind == "metric" else (registry.regions, "region_id")
    name_column = ("label_" if kind == "metric" else "name_") + lang
    found = frame.loc[frame[id_column] == item_id, name_column]
    return str(found.iloc[0]) if len(found) else item_id


def _is_placeholder(cells: list[str], spec: FileSpec, positions: dict[str, int]) -> bool:
    """A row naming a metric but with no date and no number: a template row nobody filled in.

    It says nothing, so it is skipped (with one warning for all of them) rather than refused; a row with
    a date but no number, or a number but no date, is still an error.
    """
    filled_in = [positions[c.name] for c in spec.columns if c.kind in ("date", "number") and c.name in positions]
    return bool(filled_in) and not any(cells[i] for i in filled_in if i < len(cells))


def placeholder_warning(lines: list[int]) -> Problem:
    """One warning naming every skipped template row (the first ten lines, then how many more)."""
    return problem(
        "placeholder_rows", severity="warning", count=len(lines), lines=number_list(lines), related_lines=lines
    )


def number_list(numbers: list[int], shown: int = 10) -> dict[str, str]:
    """'4、6、7…' / '4, 6, 7…': the first few line or row numbers, in each language's style."""
    more = "…" if len(numbers) > shown else ""
    return {
        lang: separator.join(str(n) for n in numbers[:shown]) + more for lang, separator in (("zh", "、"), ("en", ", "))
    }


def _read_cells_fast(
    raw: RawTable, spec: FileSpec, positions: dict[str, int], registry: Registry, names: list[str]
) -> pd.DataFrame | None:
    """The frame _read_cells makes, for a file where every cell is well formed; None as soon as one is not.

    Each distinct text of a column is read once: a million records hold a few hundred dates, a few
    hundred ids and far fewer distinct numbers than rows. Anything this path does not handle (a ragged
    row, an empty required cell, an unreadable cell, a number written with a unit or qualifier) returns
    None, and the per-cell path reads the file again to report every problem with its line and column.
    """
    width = len(raw.header)
    rows = raw.rows
    if raw.cell_problems or any(len(row.cells) != width for row in rows):
        return None
    columns: dict[str, list] = {LINE: [row.line for row in rows]}
    pairs = _pairs(spec, positions)
    paired = {primary for primary, _ in pairs}
    on = _INCOMING.get()
    for name, position in positions.items():
        column = spec.column(name)
        cells = [row.cells[position] for row in rows]
        read: dict[str, object] = {}
        for cell in set(cells):
            if not cell:
                if column.required and name not in paired:
                    return None
                read[cell] = column.default
                continue
            try:
                value = _READERS[column.kind](cell, registry)
            except _CellError:
                return None
            if column.kind == "number":
                quantity, _ = value
                if quantity.unit or quantity.qualifier != EXACT:
                    return None
                value = quantity.value
            if column.past and on is not None and value > on:
                return None
            read[cell] = value
        columns[name] = [read[cell] for cell in cells]
    for primary, named in pairs:
        known = set(registry.metric_ids if primary == "metric_id" else registry.region_ids)
        required = spec.column(primary).required
        id_cells = [row.cells[positions[primary]] for row in rows]
        taken = []
        for id_cell, id_value, name_value in zip(id_cells, columns[primary], columns[named], strict=True):
            if name_value and name_value not in known:
                return None
            if not id_cell:
                if not name_value and required:
                    return None
                taken.append(name_value or id_value)
            elif name_value and id_value in known and id_value != name_value:
                return None
            else:
                taken.append(id_value)
        columns[primary] = taken
    for name in names:  # columns the file does not have (the qualifier, when the numbers carry none)
        if name not in columns:
            columns[name] = [spec.column(name).default] * len(rows)
    return pd.DataFrame({name: columns[name] for name in names}, columns=names)


def _split_number_cells(record, spec, positions, raw, line, metric_id, registry, problems) -> None:
    """Numbers carry their qualifier and unit ('500以上', '2000万元'): move and check them."""
    for column in spec.columns:
        value = record.get(column.name)
        if column.kind != "number" or not isinstance(value, tuple):
            continue
        quantity, written = value
        record[column.name] = quantity.value
        where = {"line": line, "column": positions[column.name] + 1, "column_name": raw.header[positions[column.name]]}
        if metric_id and metric_id in registry.metric_ids and not unit_matches(quantity.unit, registry.unit(metric_id)):
            problems.append(
                problem(
                    "unit_mismatch", value=written, written=quantity.unit, expected=registry.unit(metric_id), **where
                )
            )
        if "qualifier" in positions and quantity.qualifier != EXACT:
            stated = record.get("qualifier") or EXACT
            if stated not in (EXACT, quantity.qualifier):
                problems.append(problem("conflicting_qualifier", value=written, **where))
        if quantity.qualifier != EXACT:
            record["qualifier"] = quantity.qualifier


class _CellError(ValueError):
    def __init__(self, code: str, **fields):
        super().__init__(code)
        self.code, self.fields = code, fields


def _read_number(cell: str, registry: Registry):
    try:
        return parse_quantity(cell), cell
    except NumberFormatError:
        raise _CellError("not_a_number") from None


def _read_metric(cell: str, registry: Registry) -> str:
    return registry.resolve_metric(cell) or cell  # unknown ids are reported by the rules, with a suggestion


def _read_region(cell: str, registry: Registry) -> str:
    return registry.resolve_region(cell) or cell


def _read_qualifier(cell: str, registry: Registry) -> str:
    try:
        return parse_qualifier(cell)
    except ValueError:
        raise _CellError("bad_qualifier") from None


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    # LibreOffice's zh-CN display of a typed date, saved as shown: 21年1月1日 is 2021
    re.compile(r"^(\d{2})年(\d{1,2})月(\d{1,2})日(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"),
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(cell: str) -> dt.date:
    """2021-01-01, 2021/1/1, 2021.1.1, 2021年1月1日, 21年1月1日, 20210101, or an Excel serial day number."""
    text = normalise_text(cell)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year + 2000 if year < 100 else year, month, day)
    if re.fullmatch(r"\d{5}", text) and 20000 < int(text) < 80000:  # Excel shows dates as day numbers
        return _EXCEL_EPOCH + dt.timedelta(days=int(text))
    raise ValueError(cell)


def _read_date(cell: str, registry: Registry) -> dt.date:
    try:
        return parse_date(cell)
    except ValueError:
        raise _CellError("bad_date") from None


FORMULA_GUARD = "'"


def _read_text(cell: str, registry: Registry) -> str:
    # Templates we hand out put an apostrophe before text starting = + - @ so Excel does not run it as a
    # formula (CSV injection); take it off again so the text round-trips.
    if cell.startswith(FORMULA_GUARD) and cell[1:2] in ("=", "+", "-", "@"):
        return cell[1:]
    return cell


_READERS: dict[str, Callable] = {
    "metric": _read_metric,
    "region": _read_region,
    "date": _read_date,
    "number": _read_number,
    "qualifier": _read_qualifier,
    "text": _read_text,
}


def _schema(spec: FileSpec, registry: Registry):
    """The rules across rows, as a pandera schema validated lazily so every failure is collected.

    pandera is imported here, when a file is checked: a page view never needs it, and importing it
    takes 0.1 s of a server's start.
    """
    import pandera.pandas as pa

    columns: dict[str, pa.Column] = {}
    for column in spec.columns:
        # a name column beside its id column (指标名称 next to 指标编号) may be left empty
        blank = [""] if column.fallback_for else []
        if column.kind == "metric":
            columns[column.name] = pa.Column(
                object, pa.Check.isin([*registry.metric_ids, *blank], error="unknown_metric")
            )
        elif column.kind == "region":
            columns[column.name] = pa.Column(
                object, pa.Check.isin([*registry.region_ids, *blank], error="unknown_region")
            )
        elif column.kind == "number":
            columns[column.name] = pa.Column(float, pa.Check.ge(0, error=spec.negative_code), coerce=True)
        elif column.name == SOURCE.name:
            listed = list(registry.sources["source_id"])
            columns[column.name] = pa.Column(
                object,
                pa.Check(
                    lambda cells, listed=listed: ~_names_a_document(cells) | cells.isin(listed),
                    error="unlisted_source",
                ),
            )
    checks = [pa.Check(check, error=code) for check, code, _ in spec.rules]
    return pa.DataFrameSchema(columns, checks=checks, strict=False)


# A source written as a document's id (reply_2021_50, plan_2024_2026, doc_3f2a9c): lower-case words joined
# by "_". Anything else is the source in words (2021年第三季度调度会), shown as written.
_DOCUMENT_ID = r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+"


def _names_a_document(cells: pd.Series) -> pd.Series:
    """Whether each source cell is written as a document id: one that sources.csv must list, or a footer
    would cite the bare id (a plan's targets citing plan_2024_2026 with the plan's row left out)."""
    return cells.astype(str).str.fullmatch(_DOCUMENT_ID)


def _check_rules(
    frame: pd.DataFrame, spec: FileSpec, registry: Registry, positions: dict[str, int], header: list[str]
) -> list[Problem]:
    """Rule failures from pandera and duplicate keys, each located by line and column."""
    # dropna drops None as well as NaN: what remains is every row whose cells could all be read.
    readable = frame.dropna(subset=[c for c in frame.columns if c != LINE])
    problems: list[Problem] = []
    schema = _schema(spec, registry)
    from pandera.errors import SchemaErrors  # loaded by _schema

    try:
        schema.validate(readable, lazy=True)
    except SchemaErrors as errors:
        failures = errors.failure_cases.dropna(subset=["index"])
        seen: set[tuple[str, int]] = set()
        for failure in failures.itertuples():
            code, index = failure.check, int(failure.index)
            column_name = _column_for(code, failure.column, spec)
            if (code, index) in seen or column_name not in positions:
                continue
            seen.add((code, index))
            problems.append(_rule_problem(code, readable.loc[index], column_name, positions, header, registry))
    problems += _duplicates(readable, spec, positions, header)
    return problems


def _column_for(code: str, failed_column: str, spec: FileSpec) -> str:
    """Frame-wide checks report every column; name the one the official should fix."""
    return next((column for _, rule_code, column in spec.rules if rule_code == code), failed_column)


def _rule_problem(code, row, column_name, positions, header, registry) -> Problem:
    value = row[column_name]
    fields: dict = {}
    if code in ("unknown_metric", "unknown_region"):
        fields["suggestion"] = suggestion(code.removeprefix("unknown_"), str(value), registry)
    if code == "period_order":
        fields["start"] = row["period_start"].isoformat()
        value = value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return problem(
        code,
        line=int(row[LINE]),
        column=positions[column_name] + 1,
        column_name=header[positions[column_name]],
        value=value,
        **fields,
    )


def problem_suggestion(closest: str, lang: str) -> str:
    """'，是否是“diagnosis_enterprises”？' — the hint appended to an unknown-id message."""
    return text("problem.suggestion", lang, value=closest)


# Where a metric's or a region's names are, in the order a tie is settled.
_NAME_COLUMNS = {
    "metric": ("label_zh", "label_en", "metric_id"),
    "region": ("name_zh", "name_en", "region_id", "admin_code"),
}


def suggestion(kind: str, typed: str, registry: Registry) -> dict[str, str]:
    """The hint for an unknown metric or region, in the words the official used: a Chinese name typed
    gives '，是否是“大冶市”（daye）？', an English one its English name, an id typed the id with its name
    in the message's language; empty texts when nothing is close."""
    best = _closest_name(kind, typed, registry)
    if best is None:
        return {"zh": "", "en": ""}
    item_id, column, written = best
    hints = {}
    for lang in ("zh", "en"):
        if column in (f"{kind}_id", "admin_code"):
            shown, aside = item_id, display_name(kind, item_id, lang, registry)
        else:
            shown, aside = written, item_id
        hints[lang] = text("files.suggestion", lang, name=shown, id=aside)
    return hints


def _closest_name(kind: str, typed: str, registry: Registry) -> tuple[str, str, str] | None:
    """(id, column, name as it stands there) of the name most like `typed`; None if none is close."""
    frame = registry.metrics if kind == "metric" else registry.regions
    id_column = f"{kind}_id"
    key = _name_key(typed)
    best, best_score = None, 0.6  # difflib's usual cut-off
    for column in _NAME_COLUMNS[kind]:
        for item_id, name in zip(frame[id_column], frame[column], strict=True):
            candidates = [name]
            if column == "name_zh" and len(name) > 2:
                candidates.append(name.rstrip("市县区"))  # 大冶 for 大冶市
            for candidate in candidates:
                if not candidate:
                    continue
                score = difflib.SequenceMatcher(None, key, _name_key(candidate)).ratio()
                if score > best_score:
                    best, best_score = (item_id, column, name), score
    return best


def _name_key(name: str) -> str:
    return normalise_text(name).lower().replace(" ", "")


def _duplicates(frame: pd.DataFrame, spec: FileSpec, positions: dict[str, int], header: list[str]) -> list[Problem]:
    """A problem on every repeat of a key, naming the line it repeats."""
    key = [name for name in spec.key if name in frame.columns]
    problems = []
    first_line: dict[tuple, int] = {}
    repeated = frame[frame.duplicated(subset=key, keep=False)] if key else frame
    for row in repeated.to_dict("records"):  # only rows whose key occurs twice or more, in file order
        values = tuple(row[name] for name in key)
        line = row[LINE]
        if values in first_line:
            column = positions[key[0]] + 1
            problems.append(
                problem(
                    spec.duplicate_code,
                    line=line,
                    column=column,
                    column_name=header[column - 1],
                    other=first_line[values],
                    related_lines=(first_line[values],),
                )
            )
        else:
            first_line[values] = line
    return problems


def _complete(frame: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    """Add absent optional columns with their defaults, in the spec's order."""
    for column in spec.columns:
        if column.fallback_for:
            continue
        if column.name not in frame.columns:
            frame[column.name] = column.default
        frame[column.name] = (
            frame[column.name].fillna(column.default) if column.kind != "number" else frame[column.name]
        )
    ordered = [LINE, *[c.name for c in spec.columns if not c.fallback_for]]
    return frame[ordered].reset_index(drop=True)
