"""Reference tables (metrics, regions, sources) and resolving what officials type to their ids."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from metrics import paths
from metrics.numbers import normalise_text

DEFAULT_REGION = "huangshi"


def read_reference_csv(path: Path) -> pd.DataFrame:
    """A curated CSV from data/, every column as text, empty cells as ''."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _key(text: str) -> str:
    return normalise_text(text).lower().replace(" ", "")


@dataclass
class Registry:
    """The metric registry, regions and sources, with lookups by id or by name."""

    metrics: pd.DataFrame
    regions: pd.DataFrame
    sources: pd.DataFrame

    @classmethod
    def load(cls, folder: Path | None = None) -> Registry:
        """Read metrics.csv, regions.csv and sources.csv from the data folder."""
        folder = folder or paths.data_dir()
        return cls(
            metrics=read_reference_csv(folder / "metrics.csv"),
            regions=read_reference_csv(folder / "regions.csv"),
            sources=read_reference_csv(folder / "sources.csv"),
        )

    def with_rows(self, table: str, rows: list[dict]) -> Registry:
        """The registry with `rows` added to one of its tables (metrics, regions, sources), in that table's
        columns: what rows that will use them once saved are checked against."""
        current = getattr(self, table)
        added = pd.DataFrame(rows).reindex(columns=current.columns, fill_value="")
        tables = {"metrics": self.metrics, "regions": self.regions, "sources": self.sources}
        tables[table] = pd.concat([current, added], ignore_index=True)
        return Registry(**tables)

    @cached_property
    def metric_ids(self) -> list[str]:
        return self.metrics["metric_id"].tolist()

    @cached_property
    def region_ids(self) -> list[str]:
        return self.regions["region_id"].tolist()

    @cached_property
    def _metric_names(self) -> dict[str, str]:
        return _names(self.metrics, "metric_id", ["metric_id", "label_zh", "label_en"])

    @cached_property
    def _region_names(self) -> dict[str, str]:
        names = _names(self.regions, "region_id", ["region_id", "name_zh", "name_en", "admin_code"])
        for region_id, name in zip(self.regions["region_id"], self.regions["name_zh"], strict=True):
            short = name.rstrip("市县区") if len(name) > 2 else name  # 黄石 for 黄石市, 大冶 for 大冶市
            names.setdefault(_key(short), region_id)
        names.setdefault(_key("开发区"), "kaifaqu")
        return names

    @cached_property
    def _units(self) -> dict[str, str]:
        return dict(zip(self.metrics["metric_id"], self.metrics["unit"], strict=True))

    def unit(self, metric_id: str) -> str:
        """The metric's base unit (元, 家, 个, %...)."""
        # A dict, not a set_index per call: an import asks once per number cell (a million times at scale).
        return self._units[metric_id]

    def resolve_metric(self, typed: str) -> str | None:
        """Metric id for an id or a Chinese/English label as typed; None if unknown."""
        return self._metric_names.get(_key(typed))

    def resolve_region(self, typed: str) -> str | None:
        """Region id for an id, name or administrative code as typed; None if unknown."""
        return self._region_names.get(_key(typed))

    def closest_metric(self, typed: str) -> str | None:
        """The metric id nearest to an unknown one, to suggest; None if nothing is close."""
        return _closest(typed, self._metric_names)

    def closest_region(self, typed: str) -> str | None:
        """The region id nearest to an unknown one, to suggest."""
        return _closest(typed, self._region_names)


def _names(frame: pd.DataFrame, id_column: str, name_columns: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for column in name_columns:
        for item_id, name in zip(frame[id_column], frame[column], strict=True):
            if name:
                names.setdefault(_key(name), item_id)
    return names


def _closest(typed: str, names: dict[str, str]) -> str | None:
    match = difflib.get_close_matches(_key(typed), list(names), n=1, cutoff=0.6)
    return names[match[0]] if match else None
