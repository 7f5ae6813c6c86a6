"""A seeded synthetic data folder at province scale: the real curated CSVs plus generated records.

    python -m benchmarks.synthetic --rows 1000000 --out /tmp/hubei_1m

What is real: every curated file in data/ (metrics, sources, the reply's figures, events, checks), the
real targets, and the names of Hubei's regions. What is synthetic (labelled so in `source` and `note`):
every progress record, and the targets added for regions other than Huangshi's city total.

Records cover every metric and, as the size grows, more regions (Huangshi first, then its counties,
then the province), monthly from January 2021; when monthly would run past five years the cadence
becomes weekly, then daily. Never writes into data/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.regions_hubei import province_regions
from metrics.paths import PROJECT_ROOT
from metrics.registry import read_reference_csv

DATA = PROJECT_ROOT / "data"
SOURCE = "synthetic"
NOTE = "合成数据 synthetic benchmark data"
START = dt.date(2021, 1, 1)
SERIES_PER_REGION_HINT = 36  # about three years monthly before adding regions
MAX_MONTHS = 60


@dataclass(frozen=True)
class Shape:
    """How a synthetic folder of a given size is laid out."""

    rows: int
    regions: int
    metrics: int
    periods: int
    cadence: str  # monthly | weekly | daily

    def describe(self) -> str:
        return f"{self.metrics} metrics × {self.regions} regions × {self.periods} {self.cadence} dates"


def region_order(regions: pd.DataFrame) -> list[str]:
    """Regions that get records, in the order they are added: Huangshi, its counties, the province."""
    usable = regions[regions["level"] != "group"]
    huangshi = ["huangshi", *usable[usable["parent_id"] == "huangshi"]["region_id"].tolist()]
    rest = [r for r in usable["region_id"] if r not in huangshi]
    cities = [r for r in rest if usable.set_index("region_id").at[r, "level"] in ("city", "province")]
    counties = [r for r in rest if r not in cities]
    return huangshi + cities + counties


def shape_for(rows: int, metrics: int, available_regions: int, all_regions: bool = False) -> Shape:
    """Regions first (up to all of them), then dates: monthly up to five years, then weekly, then daily."""
    wanted = available_regions if all_regions else round(rows / (metrics * SERIES_PER_REGION_HINT))
    regions = max(1, min(available_regions, wanted))
    periods = math.ceil(rows / (metrics * regions))
    cadence = "monthly" if periods <= MAX_MONTHS else "weekly" if periods <= MAX_MONTHS * 52 // 12 else "daily"
    return Shape(rows, regions, metrics, periods, cadence)


def _dates(shape: Shape) -> pd.DatetimeIndex:
    if shape.cadence == "monthly":
        return pd.date_range(START, periods=shape.periods, freq="MS") + pd.offsets.MonthEnd(0)
    return pd.date_range(START, periods=shape.periods, freq="W-FRI" if shape.cadence == "weekly" else "D")


def _series_values(units: np.ndarray, periods: int, rng: np.random.Generator) -> np.ndarray:
    """Cumulative, never decreasing values per series (rows: series, columns: dates), in base units."""
    count = len(units)
    scale = np.where(units == "元", 1_000_000.0, 1.0)
    start = rng.integers(0, 50, size=count)[:, None] * scale[:, None]
    steps = rng.poisson(3.0, size=(count, periods)) * scale[:, None]
    values = start + np.cumsum(steps, axis=1)
    percent = units == "%"
    values[percent] = np.minimum(values[percent] / max(periods, 1) * 30, 100.0).round(1)
    return values


def generate(out: Path, rows: int, seed: int = 20210713, all_regions: bool = False) -> Shape:
    """Write a complete data folder with `rows` progress records into `out` (created).

    `all_regions` spreads even a small number of records over every region (for the region selector).
    """
    if out.resolve() == DATA.resolve() or DATA.resolve() in out.resolve().parents:
        raise ValueError("synthetic data is never written into data/")
    out.mkdir(parents=True, exist_ok=True)
    for path in DATA.glob("*.csv"):
        if path.name not in ("regions.csv", "progress.csv", "targets.csv"):
            shutil.copy2(path, out / path.name)
    rng = np.random.default_rng(seed)

    real_regions = read_reference_csv(DATA / "regions.csv")
    regions = pd.concat([real_regions, pd.DataFrame(province_regions())], ignore_index=True)
    regions.to_csv(out / "regions.csv", index=False, encoding="utf-8")

    metrics = read_reference_csv(DATA / "metrics.csv")
    order = region_order(regions)
    shape = shape_for(rows, len(metrics), len(order), all_regions)
    chosen = order[: shape.regions]
    dates = _dates(shape)

    series = pd.MultiIndex.from_product([chosen, metrics["metric_id"]], names=["region_id", "metric_id"])
    units = metrics.set_index("metric_id")["unit"].reindex(series.get_level_values("metric_id")).to_numpy()
    values = _series_values(units, len(dates), rng)
    frame = pd.DataFrame(
        {
            "metric_id": np.repeat(series.get_level_values("metric_id").to_numpy(), len(dates)),
            "region_id": np.repeat(series.get_level_values("region_id").to_numpy(), len(dates)),
            "as_of": np.tile(dates.strftime("%Y-%m-%d").to_numpy(), len(series)),
            "value": values.reshape(-1),
        }
    )
    # Keep exactly `rows`: the newest date is reported by only some series, as in life.
    frame = frame.sort_values("as_of", kind="stable").head(rows)
    frame["value"] = frame["value"].map(lambda v: f"{v:.10g}")
    frame["qualifier"] = np.where(rng.random(len(frame)) < 0.02, ">=", "=")
    frame["source"] = SOURCE
    frame["note"] = ""  # `source` labels every record synthetic; officials rarely write notes
    frame = frame.sort_values(["metric_id", "region_id", "as_of"], kind="stable")
    frame.to_csv(out / "progress.csv", index=False, encoding="utf-8-sig", lineterminator="\n")

    _write_targets(out, chosen, metrics, dates, rng)
    return shape


def _write_targets(out: Path, regions: list[str], metrics: pd.DataFrame, dates, rng: np.random.Generator) -> None:
    """Real targets, plus synthetic annual and three-year targets for the key metrics of every region."""
    real = pd.read_csv(DATA / "targets.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    existing = set(zip(real["metric_id"], real["region_id"], real["period_start"], real["period_end"], strict=True))
    key_metrics = metrics[metrics["key_order"] != ""]
    years = sorted({d.year for d in dates})
    periods = [(f"{y}-01-01", f"{y}-12-31") for y in years] + [("2021-01-01", "2023-12-31")]
    rows = []
    for region in regions:
        for metric in key_metrics.itertuples(index=False):
            for start, end in periods:
                if (metric.metric_id, region, start, end) in existing:
                    continue
                base = 1_000_000 if metric.unit == "元" else 1
                rows.append(
                    {
                        "metric_id": metric.metric_id,
                        "region_id": region,
                        "period_start": start,
                        "period_end": end,
                        "target": str(int(rng.integers(20, 200)) * base),
                        "qualifier": "=",
                        "source": SOURCE,
                        "section": "",
                        "evidence": "",
                        "note": NOTE,
                    }
                )
    targets = pd.concat([real, pd.DataFrame(rows, columns=real.columns)], ignore_index=True)
    targets.to_csv(out / "targets.csv", index=False, encoding="utf-8-sig", lineterminator="\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=20210713)
    args = parser.parse_args()
    shape = generate(args.out, args.rows, args.seed)
    print(f"{args.out}: {shape.rows:,} records, {shape.describe()}")


if __name__ == "__main__":
    main()
