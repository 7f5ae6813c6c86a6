"""A figure no metric fits becomes a new metric: a row of data/metrics.csv, checked as the build checks it,
saved with history and the editor's name (metrics.store), then the database is rebuilt."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from metrics import editors, paths, store
from metrics.build import build
from metrics.intake.reference import Refused, build_problems, csv_with_rows, id_problems, name_problems
from metrics.registry import Registry


class MetricRefused(Refused):
    """A new metric that would not pass data/metrics.csv's rules."""


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
    problems = id_problems(metric.metric_id, registry.metric_ids, "metric")
    problems += name_problems(
        [metric.label_zh, metric.label_en],
        registry.resolve_metric,
        "intake.metric.label_missing",
        "intake.metric.label_taken",
    )
    if not metric.unit.strip() or len(metric.unit.strip()) > 6:
        problems.append(("intake.metric.bad_unit", {"value": metric.unit}))
    if metric.category not in set(registry.metrics["category"]):
        problems.append(("intake.metric.bad_category", {"value": metric.category}))
    return problems


def metrics_csv_with(metric: NewMetric, folder: Path) -> bytes:
    """data/metrics.csv with the new row at the end (columns as the file has them)."""
    row = dict(
        metric_id=metric.metric_id,
        label_zh=metric.label_zh.strip(),
        label_en=metric.label_en.strip(),
        unit=metric.unit.strip(),
        unit_en=metric.unit_en.strip() or metric.unit.strip(),
        category=metric.category,
        direction="higher",
        definition_zh=metric.definition_zh.strip() or metric.label_zh.strip(),
        definition_en=metric.label_en.strip(),
        aliases_zh=metric.aliases_zh.strip(),
    )
    return csv_with_rows(folder / "metrics.csv", [row])


def add_metric(metric: NewMetric, editor: editors.Editor) -> store.SaveResult:
    """Check, then save the new metrics.csv as a new version (history, the editor named) and rebuild."""
    verified = editors.verify(editor)
    folder = paths.data_dir()
    problems = check_metric(metric, Registry.load(folder))
    if problems:
        raise MetricRefused(problems)
    data = metrics_csv_with(metric, folder)
    problems = build_problems(folder, {"metrics.csv": data}, "intake.metric.build")
    if problems:
        raise MetricRefused(problems)
    change = store.Change(action="add_metric", detail=metric.metric_id, added=1)
    base = store.live_version("metrics")
    saved = store.save("metrics", data, verified.display_name, change, base, account=verified.username)
    build()
    return saved
