"""A row added to a reference table (sources.csv, metrics.csv, regions.csv) from the intake page: the table's
bytes with the row appended, checked by the build's own validation on a copy before anything is saved."""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from collections.abc import Callable, Collection
from pathlib import Path

from metrics.build import BuildError, load_tables
from metrics.registry import read_reference_csv

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{2,59}$")  # an id in the data files: snake_case, starting with a letter


def id_problems(value: str, taken: Collection[str], what: str) -> list[tuple[str, dict]]:
    """A new id's problems: not snake_case (intake.<what>.bad_id), or already used (intake.<what>.id_taken)."""
    if not IDENTIFIER.match(value):
        return [(f"intake.{what}.bad_id", {"value": value})]
    return [(f"intake.{what}.id_taken", {"value": value})] if value in taken else []


def name_problems(names: list[str], known: Callable[[str], object], missing: str, taken: str) -> list[tuple[str, dict]]:
    """New names' problems: empty (`missing`), or already naming something `known` resolves (`taken`)."""
    problems = []
    for name in names:
        if not name.strip():
            problems.append((missing, {}))
        elif known(name):
            problems.append((taken, {"value": name}))
    return problems


class Refused(ValueError):
    """A new reference row that would not pass its table's rules; carries translation keys and fields."""

    def __init__(self, problems: list[tuple[str, dict]]):
        self.problems = problems
        super().__init__("; ".join(key for key, _ in problems))

    def messages(self, lang: str) -> list[str]:
        """Each problem in one language."""
        from metrics.i18n import text

        return [text(key, lang, **fields) for key, fields in self.problems]


def csv_with_rows(source: Path | bytes, rows: list[dict]) -> bytes:
    """The reference CSV at `source` (a path, or a file's bytes) with `rows` appended (columns as the file has
    them, missing ones empty)."""
    frame = read_reference_csv(io.BytesIO(source) if isinstance(source, bytes) else source)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(frame.columns), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(frame.to_dict("records"))
    writer.writerows({column: row.get(column, "") for column in frame.columns} for row in rows)
    return buffer.getvalue().encode("utf-8")


def build_problems(folder: Path, replaced: dict[str, bytes], key: str) -> list[tuple[str, dict]]:
    """What the build would refuse if the files in `replaced` (name → bytes) were the data folder's, checked on
    a copy; each problem as (`key`, its zh message)."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "data"
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("*.duckdb", "history", "documents", ".*"))
        for name, data in replaced.items():
            (copy / name).write_bytes(data)
        try:
            load_tables(copy)
        except BuildError as error:
            return [(key, {"problem": f"{name}: {p.message('zh')}"}) for name, p in error.problems]
    return []
