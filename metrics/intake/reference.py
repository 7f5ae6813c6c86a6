"""A row added to a reference table (sources.csv, metrics.csv, regions.csv) from the intake page: the table's
bytes with the row appended, checked by the build's own validation on a copy before anything is saved."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

from metrics.build import BuildError, load_tables
from metrics.registry import read_reference_csv


class Refused(ValueError):
    """A new reference row that would not pass its table's rules; carries translation keys and fields."""

    def __init__(self, problems: list[tuple[str, dict]]):
        self.problems = problems
        super().__init__("; ".join(key for key, _ in problems))

    def messages(self, lang: str) -> list[str]:
        """Each problem in one language."""
        from metrics.i18n import text

        return [text(key, lang, **fields) for key, fields in self.problems]


def csv_with_rows(path: Path, rows: list[dict]) -> bytes:
    """The reference CSV at `path` with `rows` appended (columns as the file has them, missing ones empty)."""
    frame = read_reference_csv(path)
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
