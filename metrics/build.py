"""Build data/dashboard.duckdb from the CSV files: validated, idempotent and atomic.

The database is written to a temporary file beside the old one and swapped in with os.replace, so a
reader opens either the old database or the new one, never a half-built file. A write that fails (a full
disk) raises BuildFailed, a BuildError: the old database keeps serving, with the reason in the banner.
Temporary files left by a killed build are removed by the next build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from metrics import paths, queries, records, targets
from metrics.checks import run_checks
from metrics.csvfile import Problem, problem
from metrics.numbers import QUALIFIERS
from metrics.progress import compute_progress
from metrics.reader import Reader
from metrics.registry import DEFAULT_REGION, Registry, read_reference_csv

SQL_DIR = Path(__file__).parent / "sql"
CURATED_FILES = ("metrics.csv", "regions.csv", "sources.csv", "figures.csv", "entities.csv", "events.csv", "checks.csv")
EDITABLE_FILES = ("targets.csv", "progress.csv")
INPUT_FILES = CURATED_FILES + EDITABLE_FILES


class BuildError(RuntimeError):
    """The data files do not pass validation; the old database is left in place."""

    def __init__(self, problems: list[tuple[str, Problem]]):
        self.problems = problems
        super().__init__("\n".join(f"{name}: {p.bilingual()}" for name, p in problems))


class BuildFailed(BuildError):
    """The database could not be written (a full disk, for instance); the data itself may be fine."""

    def __init__(self, database: Path, error: BaseException):
        self.error = error
        reason = os.strerror(error.errno) if isinstance(error, OSError) and error.errno else str(error)[:200]
        super().__init__([(database.name, problem("build_failed", error=reason))])


@dataclass
class BuildResult:
    """What a build produced."""

    path: Path
    data_version: str
    rebuilt: bool
    counts: dict[str, int] = field(default_factory=dict)


# The database's shape and the code whose results it stores (progress statuses, checks, the kept results of
# named queries): a change to these files (a new table, a new status) must rebuild a database built before
# it from the very same CSVs, so both identities below include it.
STAMPED_FILES = (
    SQL_DIR / "schema.sql",
    SQL_DIR / "summaries.sql",
    SQL_DIR / "queries.sql",  # the kept results (kept_results) are what its queries gave
    Path(__file__).with_name("progress.py"),
    Path(__file__).with_name("checks.py"),
)
SCHEMA_STAMP = hashlib.sha256(b"\0".join(path.read_bytes() for path in STAMPED_FILES)).hexdigest()[:12]


def input_fingerprint(folder: Path | None = None) -> str:
    """Cheap identity of the input files (size and modification time): changes when any file is edited."""
    parts = [f"schema:{SCHEMA_STAMP}"]
    for name, path in _input_paths(folder or paths.data_dir()):
        try:  # one system call a file: this runs on every page view (exists() then stat() was two)
            stat = os.stat(path)
        except FileNotFoundError:
            parts.append(f"{name}:-")
            continue
        parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=16)
def _input_paths(folder: Path) -> tuple[tuple[str, str], ...]:
    """Each input file's name and path in a folder, joined once rather than on every page view."""
    return tuple((name, str(folder / name)) for name in INPUT_FILES)


def content_version(folder: Path | None = None) -> str:
    """Identity of the input files' content: equal content gives an equal data version."""
    folder = folder or paths.data_dir()
    digest = hashlib.sha256(SCHEMA_STAMP.encode() + b"\0")
    for name in INPUT_FILES:
        path = folder / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
    return digest.hexdigest()[:16]


def built_version(database: Path | None = None) -> dict[str, str]:
    """The meta table of an existing database ({} if there is none or it cannot be read)."""
    database = database or paths.database_path()
    if not database.exists():
        return {}
    try:
        with duckdb.connect(str(database), read_only=True) as connection:
            return dict(connection.execute("SELECT key, value FROM meta").fetchall())
    except duckdb.Error:
        return {}


@contextlib.contextmanager
def _build_lock(folder: Path) -> Iterator[None]:
    with open(folder / ".build.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(folder: Path | None = None, database: Path | None = None, force: bool = False) -> BuildResult:
    """Validate every CSV and write the database; skipped when the content is unchanged (idempotent)."""
    folder = folder or paths.data_dir()
    database = database or folder / "dashboard.duckdb"
    with _build_lock(folder):
        version = content_version(folder)
        fingerprint = input_fingerprint(folder)
        existing = built_version(database)
        if not force and existing.get("data_version") == version:
            return BuildResult(database, version, rebuilt=False)
        tables = load_tables(folder)
        counts = _write_database(tables, database, version, fingerprint)
        return BuildResult(database, version, rebuilt=True, counts=counts)


def load_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """Every input table, validated; raises BuildError listing every problem in every file."""
    registry = Registry.load(folder)
    problems: list[tuple[str, Problem]] = []
    tables = {
        "metrics": _in_file_order(registry.metrics),
        "regions": registry.regions,
        "sources": registry.sources,
        "reported_figures": read_reference_csv(folder / "figures.csv"),
        "entities": _in_file_order(read_reference_csv(folder / "entities.csv")),
        "events": read_reference_csv(folder / "events.csv"),
        "check_definitions": read_reference_csv(folder / "checks.csv"),
    }
    problems += [("figures.csv", p) for p in _validate_figures(tables["reported_figures"], registry)]
    for name, key in (("figures.csv", "reported_figures"), ("events.csv", "events"), ("entities.csv", "entities")):
        problems += [(name, p) for p in _unknown_documents(tables[key], registry)]
    for name, key in (("events.csv", "events"), ("entities.csv", "entities")):
        problems += [(name, p) for p in _unknown_regions(tables[key], registry)]
    problems += [("sources.csv", p) for p in _shared_nouns(registry.sources)]
    editable = (
        ("targets.csv", targets.parse_targets, "targets", targets.COLUMNS),
        ("progress.csv", records.parse_records, "progress_records", records.COLUMNS),
    )
    for name, parse, key, columns in editable:
        path = folder / name
        data = path.read_bytes() if path.exists() else b""
        if _header_only(data):
            tables[key] = pd.DataFrame(columns=columns)
            continue
        parsed = parse(data, registry)
        problems += [(name, p) for p in parsed.errors]
        tables[key] = parsed.frame
    if problems:
        raise BuildError(problems)
    return tables


def _in_file_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Remember each row's position: the reply lists enterprises in an order worth keeping."""
    return frame.assign(sort_order=range(len(frame)))


def _header_only(data: bytes) -> bool:
    """A table file with only its header (progress.csv at first) is an empty table, not an error."""
    lines = [line for line in data.replace(b"\r", b"\n").split(b"\n") if line.strip(b" ,\t\xef\xbb\xbf")]
    return len(lines) <= 1


def _validate_figures(figures: pd.DataFrame, registry: Registry) -> list[Problem]:
    """The curated figures use known ids, base units matching the registry and known qualifiers."""
    import pandera.pandas as pa  # here, not at the top: a page view never validates, and pandera is slow to import

    units = registry.metrics.set_index("metric_id")["unit"]
    schema = pa.DataFrameSchema(
        {
            "metric_id": pa.Column(str, pa.Check.isin(registry.metric_ids, error="unknown_metric")),
            "region_id": pa.Column(str, pa.Check.isin(registry.region_ids, error="unknown_region")),
            "value": pa.Column(float, pa.Check.ge(0, error="negative_value"), coerce=True),
            "qualifier": pa.Column(str, pa.Check.isin(QUALIFIERS, error="bad_qualifier")),
            "figure_id": pa.Column(str, unique=True),
            # A document's figure is traceable only with the document's own words (its sentence, quoted).
            "evidence": pa.Column(str, pa.Check(lambda words: words.str.strip() != "", error="missing_evidence")),
        },
        checks=[pa.Check(lambda f: f["unit"] == f["metric_id"].map(units), error="unit_mismatch")],
    )
    try:
        schema.validate(figures, lazy=True)
    except pa.errors.SchemaErrors as errors:
        found = []
        for failure in errors.failure_cases.dropna(subset=["index"]).drop_duplicates(["check", "index"]).itertuples():
            row = figures.loc[int(failure.index)]
            code = failure.check if failure.check in _FIGURE_CODES else "not_a_number"
            column = failure.column if failure.column in figures.columns else "unit"
            found.append(
                problem(
                    code,
                    line=int(failure.index) + 2,
                    column=list(figures.columns).index(column) + 1,
                    column_name=column,
                    value=row[column],
                    suggestion={"zh": "", "en": ""},
                    written=row["unit"],
                    expected=units.get(row["metric_id"], ""),
                )
            )
        return found
    return []


def _unknown_documents(frame: pd.DataFrame, registry: Registry) -> list[Problem]:
    """Each row names its document in sources.csv: a figure or event whose document is missing or not
    listed would reach a chart's footer as a bare id, or under another document's name and date."""
    return _unknown_ids(frame, "source_id", set(registry.sources["source_id"]), "unknown_source")


def _unknown_regions(frame: pd.DataFrame, registry: Registry) -> list[Problem]:
    """Each event and named enterprise says which unit the document reports it of (regions.csv): pages
    list a unit's own, so a row without a known unit would be shown for none, or be taken for another's."""
    return _unknown_ids(frame, "region_id", set(registry.region_ids), "unknown_region", suggestion={"zh": "", "en": ""})


def _unknown_ids(frame: pd.DataFrame, column_name: str, known: set[str], code: str, **fields) -> list[Problem]:
    """A problem for each row whose `column_name` is empty or not among `known` (or one for the column missing)."""
    if column_name not in frame.columns:
        return [problem("missing_column", line=1, column_name=column_name, value=column_name, aliases=column_name)]
    column = list(frame.columns).index(column_name) + 1
    return [
        problem(
            code if value else "empty_required",
            line=index + 2,
            column=column,
            column_name=column_name,
            value=value,
            **fields,
        )
        for index, value in enumerate(frame[column_name].tolist())
        if value not in known
    ]


def _shared_nouns(sources: pd.DataFrame) -> list[Problem]:
    """Each document's noun (noun_zh 答复, noun_en the reply) is its own: sentences say "比答复所述129个少2个",
    and with the next reply also called 答复 they could not tell which document states the figure."""
    problems = []
    for column in ("noun_zh", "noun_en"):
        if column not in sources.columns:
            continue
        first_line: dict[str, int] = {}
        for index, value in enumerate(sources[column].tolist()):
            noun = value.strip().casefold() if isinstance(value, str) else ""
            if not noun:
                continue  # no noun: sentences use the document's short name
            if noun in first_line:
                problems.append(
                    problem(
                        "shared_noun",
                        line=index + 2,
                        column=list(sources.columns).index(column) + 1,
                        column_name=column,
                        value=value.strip(),
                        first=first_line[noun],
                    )
                )
            else:
                first_line[noun] = index + 2
    return problems


_FIGURE_CODES = {
    "unknown_metric",
    "unknown_region",
    "negative_value",
    "bad_qualifier",
    "unit_mismatch",
    "missing_evidence",
}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    return True


def remove_stale_temporaries(database: Path) -> list[Path]:
    """Delete `.NAME.<pid>.tmp` (and its .wal) left by builds whose process is gone; the removed paths.

    Called under the build lock, so no live build of this folder is between its start and its swap;
    a file of a process still alive is left alone all the same."""
    pattern = re.compile(rf"^\.{re.escape(database.name)}\.(\d+)\.tmp(\.wal)?$")
    removed = []
    for path in database.parent.glob(f".{database.name}.*.tmp*"):
        match = pattern.match(path.name)
        if match and int(match.group(1)) != os.getpid() and not _pid_alive(int(match.group(1))):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    return removed


def default_view_queries(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, dict]]:
    """The larger queries a first view of the default region asks: its figures and its county groups', and
    their progress and targets, with the parameters the pages give (Reader.figures, Reader.progress,
    Reader.targets). The build keeps their results beside the small ones: at a million records, on a
    freshly attached file, the queries took 16 ms of a first view, their kept rows 8.5 ms (most of it
    making the frames); the targets query ~6 ms of the Sources and Targets pages'."""
    in_view = tuple(Reader(connection=connection).in_view(DEFAULT_REGION))
    return [
        *(("figures_for_region", {"region_id": region}) for region in in_view),
        ("progress_for_regions", {"region_ids": in_view}),
        ("targets_for_regions", {"region_ids": in_view}),
    ]


def _write_database(tables: dict[str, pd.DataFrame], database: Path, version: str, fingerprint: str) -> dict[str, int]:
    """Create the database in a temporary file, fill it, then swap it in; BuildFailed if it cannot be written."""
    remove_stale_temporaries(database)
    temporary = database.with_name(f".{database.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    figures_for_maths = _figures_for_maths(tables)
    derived = {
        "progress": compute_progress(figures_for_maths, tables["targets"]),
        "checks": run_checks(
            tables["check_definitions"],
            figures_for_maths,
            tables["targets"],
            tables["events"],
            tables["metrics"],
            sources=tables["sources"],
        ),
    }
    counts = {}
    try:
        with duckdb.connect(str(temporary)) as connection:
            connection.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
            for name in (
                "metrics",
                "regions",
                "sources",
                "reported_figures",
                "progress_records",
                "targets",
                "entities",
                "events",
                "check_definitions",
            ):
                counts[name] = _insert(connection, name, tables[name])
            for name, frame in derived.items():
                counts[name] = _insert(connection, name, frame)
            connection.execute((SQL_DIR / "summaries.sql").read_text(encoding="utf-8"))
            built_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            meta = {"data_version": version, "fingerprint": fingerprint, "built_at": built_at}
            connection.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
            queries.keep_results(connection, default_view_queries(connection))
            connection.execute("CHECKPOINT")
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, database)
    except (OSError, duckdb.IOException, duckdb.OutOfMemoryException) as error:
        raise BuildFailed(database, error) from error
    finally:
        temporary.unlink(missing_ok=True)
        Path(f"{temporary}.wal").unlink(missing_ok=True)
    return counts


def _figures_for_maths(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Reply figures and recorded figures in one frame, as progress and checks read them."""
    columns = ["metric_id", "region_id", "value", "qualifier", "as_of", "source_id", "section", "origin"]
    reported = tables["reported_figures"].assign(origin="reply")[columns]
    recorded = tables["progress_records"].rename(columns={"source": "source_id"})
    recorded = recorded.assign(section="", origin="record")[columns]
    both = pd.concat([reported.astype({"value": float}), recorded.astype({"value": float})], ignore_index=True)
    both["as_of"] = pd.to_datetime(both["as_of"]).dt.date
    return both


def _insert(connection: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Insert a frame by column name; empty strings in the CSVs become NULL where the column is not text."""
    # Table names here are our own constants, never user input, so formatting them into SQL is safe.
    columns = [row[0] for row in connection.execute(f"DESCRIBE {table}").fetchall()]
    frame = frame.reindex(columns=columns)
    frame = frame.replace({"": None})
    connection.register("incoming", frame)
    try:
        names = ", ".join(columns)
        connection.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM incoming")
    finally:
        connection.unregister("incoming")
    return len(frame)
