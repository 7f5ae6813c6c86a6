"""A figure no metric fits can make a new metric: a row of data/metrics.csv, checked by metrics.csv's rules and
the build's validation, kept pending until the editor confirms the import, then saved in the same
confirmation as the rows that use it, before the regions and the rows (NEW_METRICS: metrics.intake.pending,
as new regions are)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from metrics.intake.pending import NewRows
from metrics.intake.reference import Refused, id_problems, name_problems
from metrics.registry import Registry

UNIT_MAX = 6  # characters: 家, 个, 元, 万千瓦时


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

    def cleaned(self) -> NewMetric:
        """The same metric with surrounding spaces removed."""
        return NewMetric(**{key: value.strip() for key, value in asdict(self).items()})


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
    if not metric.unit.strip() or len(metric.unit.strip()) > UNIT_MAX:
        problems.append(("intake.metric.bad_unit", {"value": metric.unit}))
    if metric.category not in set(registry.metrics["category"]):
        problems.append(("intake.metric.bad_category", {"value": metric.category}))
    return problems


def metric_row(metric: NewMetric) -> dict:
    """The new metric in metrics.csv's columns: higher is better, its label as its definition when none."""
    return dict(
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


NEW_METRICS = NewRows(
    table="metrics",
    action="add_metric",
    refused=MetricRefused,
    build_key="intake.metric.build",
    check=check_metric,
    as_row=metric_row,
    id_of=lambda metric: metric.metric_id,
    cleaned=NewMetric.cleaned,
)
