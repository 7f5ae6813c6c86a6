"""A figure no metric fits becomes a new metric: a row of data/metrics.csv, checked as the build checks it,
saved with history and the editor's name (metrics.store), then the database is rebuilt."""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from metrics import editors, paths, store
from metrics.build import BuildError, build, load_tables
from metrics.registry import Registry, read_reference_csv

_ID = re.compile(r"^[a-z][a-z0-9_]{2,59}$")


class MetricRefused(ValueError):
    """A new metric that would not pass data/metrics.csv's rules; carries translation keys and fields."""

    def __init__(self, problems: list[tuple[str, dict]]):
        self.problems = problems
        super().__init__("; ".join(key for key, _ in problems))

    def messages(self, lang: str) -> list[str]:
        """Each problem in one language."""
        from metrics.i18n import text

        return [text(key, lang, **fields) for key, fields in self.problems]


@dataclass(frozen=True)
class NewMetric:
    """What an editor fills in for a new metric."""

    metric_id: str
    label_zh: str
    label_en: str
    unit: str
    unit_en: str
    category: str
    aliases_zh: str = ""
    definition_zh: str = ""


def check_metric(metric: NewMetric, registry: Registry) -> list[tuple[str, dict]]:
    """The rules of data/metrics.csv for one new row: a new snake_case id, labels nobody uses, a unit, a
    known category."""
    problems = []
    if not _ID.match(metric.metric_id):
        problems.append(("intake.metric.bad_id", {"value": metric.metric_id}))
    elif metric.metric_id in registry.metric_ids:
        problems.append(("intake.metric.id_taken", {"value": metric.metric_id}))
    for label in (metric.label_zh, metric.label_en):
        if not label.strip():
            problems.append(("intake.metric.label_missing", {}))
        elif registry.resolve_metric(label):
            problems.append(("intake.metric.label_taken", {"value": label}))
    if not metric.unit.strip() or len(metric.unit.strip()) > 6:
        problems.append(("intake.metric.bad_unit", {"value": metric.unit}))
    if metric.category not in set(registry.metrics["category"]):
        problems.append(("intake.metric.bad_category", {"value": metric.category}))
    return problems


def metrics_csv_with(metric: NewMetric, folder: Path) -> bytes:
    """data/metrics.csv with the new row at the end (columns as the file has them)."""
    frame = read_reference_csv(folder / "metrics.csv")
    row = {column: "" for column in frame.columns}
    row.update(
        metric_id=metric.metric_id,
        label_zh=metric.label_zh.strip(),
        label_en=metric.label_en.strip(),
        unit=metric.unit.strip(),
        unit_en=metric.unit_en.strip() or metric.unit.strip(),
        category=metric.category,
        direction="higher",
        definition_zh=metric.definition_zh.strip() or metric.label_zh.strip(),
        definition_en=metric.label_en.strip(),
    )
    if "aliases_zh" in row:
        row["aliases_zh"] = metric.aliases_zh.strip()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(frame.columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(frame.to_dict("records"))
    writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def add_metric(metric: NewMetric, editor: editors.Editor) -> store.SaveResult:
    """Check, then save the new metrics.csv as a new version (history, the editor named) and rebuild."""
    verified = editors.verify(editor)
    folder = paths.data_dir()
    problems = check_metric(metric, Registry.load(folder))
    if problems:
        raise MetricRefused(problems)
    data = metrics_csv_with(metric, folder)
    with tempfile.TemporaryDirectory() as scratch:  # the build's own validation, on a copy
        copy = Path(scratch) / "data"
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("*.duckdb", "history", "documents", ".*"))
        (copy / "metrics.csv").write_bytes(data)
        try:
            load_tables(copy)
        except BuildError as error:
            problems = [("intake.metric.build", {"problem": p.message("zh")}) for _, p in error.problems]
            raise MetricRefused(problems) from error
    change = store.Change(action="add_metric", detail=metric.metric_id, added=1)
    base = store.live_version("metrics")
    saved = store.save("metrics", data, verified.display_name, change, base, account=verified.username)
    build()
    return saved
