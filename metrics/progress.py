"""Progress against targets: percent of target, straight-line pace, and a status in words.

Pace is a straight line from zero at the start of the target period to the target at its end, read at
the date of the latest figure: a figure from 13 July, for a calendar-year target, is compared with
194/365 of the target.

Statuses:
- achieved     the figure has reached the target (a lower bound that reaches it counts: it is at least that)
- ahead        more than ON_TRACK_TOLERANCE above the expected-to-date value
- on_track     within ON_TRACK_TOLERANCE (±10%) of the expected-to-date value
- behind       more than ON_TRACK_TOLERANCE below it
- missed       the period's figure is dated at or after its end and short of the target: an outcome
- unreported   the data speak for a date after the period's end, but its last figure is from before the
               end and short of the target: the outcome is not known (a July figure says nothing of
               December), so no outcome is claimed
- undetermined the figure is a lower bound (超过2,000万元) short of where behind or missed would begin:
               the true value may be anywhere above it, so neither is claimed
- not_started  the period starts after the latest data
- no_data      the period has started but no figure falls in it
- no_target    a figure with no target set
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from metrics.numbers import AT_LEAST

# "On track" tolerates being 10% of the expected-to-date value either side of the pace line.
ON_TRACK_TOLERANCE = 0.10

ACHIEVED, AHEAD, ON_TRACK, BEHIND = "achieved", "ahead", "on_track", "behind"
MISSED = "missed"
UNREPORTED = "unreported"
UNDETERMINED = "undetermined"
NOT_STARTED, NO_DATA, NO_TARGET = "not_started", "no_data", "no_target"
STATUSES = (ACHIEVED, AHEAD, ON_TRACK, BEHIND, MISSED, UNREPORTED, UNDETERMINED, NOT_STARTED, NO_DATA, NO_TARGET)

PROGRESS_COLUMNS = [
    "metric_id",
    "region_id",
    "period_start",
    "period_end",
    "horizon",
    "target",
    "target_qualifier",
    "target_source",
    "value",
    "value_qualifier",
    "value_as_of",
    "value_source",
    "percent_of_target",
    "elapsed_share",
    "expected_to_date",
    "gap_to_expected",
    "gap_to_target",
    "status",
    "latest_value",
    "latest_qualifier",
    "latest_as_of",
    "plan",
    "plan_en",
    "assumption",
    "assumption_en",
]

# Columns a target may carry that its progress rows repeat (names of the plan, a stated assumption).
TARGET_LABELS = ("plan", "plan_en", "assumption", "assumption_en")


def elapsed_share(as_of: dt.date, start: dt.date, end: dt.date) -> float:
    """Share of the period gone by the end of `as_of`, counting both ends: 0 before it, 1 after it."""
    total_days = (end - start).days + 1
    gone = (as_of - start).days + 1
    return min(max(gone / total_days, 0.0), 1.0)


def expected_to_date(target: float, as_of: dt.date, start: dt.date, end: dt.date) -> float:
    """The value a straight line from 0 at the period start to the target at its end reaches by `as_of`."""
    return target * elapsed_share(as_of, start, end)


@dataclass(frozen=True)
class Assessment:
    """Where one figure stands against one target."""

    percent_of_target: float | None
    elapsed_share: float
    expected_to_date: float | None
    status: str


def assess(
    value: float | None,
    target: float,
    as_of: dt.date | None,
    start: dt.date,
    end: dt.date,
    reference: dt.date,
    qualifier: str | None = None,
) -> Assessment:
    """Percent, pace and status of `value` (dated `as_of`, stated with `qualifier`) against `target`.

    `reference` is the date the data speaks for (the newest figure in the database); it decides
    whether a period without figures has started.
    """
    if value is None or as_of is None:
        status = NOT_STARTED if reference < start else NO_DATA
        return Assessment(None, elapsed_share(reference, start, end), None, status)
    share = elapsed_share(as_of, start, end)
    expected = target * share
    percent = value / target * 100 if target else None
    if as_of < start:
        return Assessment(percent, 0.0, 0.0, NOT_STARTED)
    if value >= target:
        status = ACHIEVED
    elif as_of >= end:
        status = MISSED  # the period's own end figure: its outcome, not a pace
    elif reference > end:
        status = UNREPORTED  # over, but no figure from its end: neither an outcome nor a pace
    elif value > expected * (1 + ON_TRACK_TOLERANCE):
        status = AHEAD
    elif value >= expected * (1 - ON_TRACK_TOLERANCE):
        status = ON_TRACK
    else:
        status = BEHIND
    if status in (BEHIND, MISSED) and qualifier == AT_LEAST:
        status = UNDETERMINED  # at least this much: the true figure may be on pace, or have met the target
    return Assessment(percent, share, expected, status)


MULTI_YEAR = "multi_year"  # a plan's period: the three-year plan and longer


def horizon(start: dt.date, end: dt.date) -> str:
    """'annual' for a period of a year or less, 'multi_year' for the three-year plan and longer."""
    return "annual" if (end - start).days <= 366 else MULTI_YEAR


def in_different_plans(earlier: object, later: object, targets: Iterable[dict]) -> bool:
    """Whether a plan (the period of a multi-year target among `targets`, progress rows) holds one date
    and not the other. A new plan counts from its own start (到2026年，累计…): its mid-2024 120 set
    against the last plan's 153 of 2021 would read as a fall of 33."""
    if pd.isna(earlier) or pd.isna(later):
        return False
    earlier, later = pd.Timestamp(earlier), pd.Timestamp(later)
    for row in targets:
        if row.get("horizon") != MULTI_YEAR or pd.isna(row.get("period_start")) or pd.isna(row.get("period_end")):
            continue
        start, end = pd.Timestamp(row["period_start"]), pd.Timestamp(row["period_end"])
        if (start <= earlier <= end) != (start <= later <= end):
            return True
    return False


def compute_progress(figures: pd.DataFrame, targets: pd.DataFrame, as_of: dt.date | None = None) -> pd.DataFrame:
    """One row per target (and per metric and region with figures but no target), with pace and status.

    `figures` needs metric_id, region_id, value, qualifier, as_of, source_id; `targets` needs metric_id,
    region_id, period_start, period_end, target, qualifier, source. Figures after `as_of` are ignored.
    """
    figures = figures.copy()
    figures["as_of"] = pd.to_datetime(figures["as_of"]).dt.date
    if as_of is not None:
        figures = figures[figures["as_of"] <= as_of]
    reference = as_of or (figures["as_of"].max() if not figures.empty else dt.date.today())
    figures = figures.sort_values("as_of", kind="stable")  # of one date's figures, the later row is in force
    series = _Series(figures)

    rows = []
    targeted: set[tuple[str, str]] = set()
    for target in targets.itertuples(index=False):
        start, end = _as_date(target.period_start), _as_date(target.period_end)
        key = (target.metric_id, target.region_id)
        targeted.add(key)
        latest = series.latest(key, start, end)
        value = float(series.value[latest]) if latest is not None else None
        dated = series.as_of[latest] if latest is not None else None
        stated = series.qualifier[latest] if latest is not None else None
        result = assess(value, float(target.target), dated, start, end, reference, stated)
        rows.append(
            {
                **series.newest(key),
                **{name: _text(getattr(target, name, None)) for name in TARGET_LABELS},
                "metric_id": target.metric_id,
                "region_id": target.region_id,
                "period_start": start,
                "period_end": end,
                "horizon": horizon(start, end),
                "target": float(target.target),
                "target_qualifier": target.qualifier,
                "target_source": target.source,
                "value": value,
                "value_qualifier": series.qualifier[latest] if latest is not None else None,
                "value_as_of": dated,
                "value_source": series.source_id[latest] if latest is not None else None,
                "percent_of_target": result.percent_of_target,
                "elapsed_share": result.elapsed_share,
                "expected_to_date": result.expected_to_date,
                "gap_to_expected": value - result.expected_to_date
                if value is not None and result.expected_to_date is not None
                else None,
                "gap_to_target": value - float(target.target) if value is not None else None,
                "status": result.status,
            }
        )
    for key, positions in series.positions.items():
        if key in targeted:
            continue
        latest = positions[-1]
        rows.append(
            {
                "metric_id": key[0],
                "region_id": key[1],
                "value": float(series.value[latest]),
                "value_qualifier": series.qualifier[latest],
                "value_as_of": series.as_of[latest],
                "value_source": series.source_id[latest],
                "status": NO_TARGET,
                **series.newest(key),
            }
        )
    return pd.DataFrame(rows, columns=PROGRESS_COLUMNS)


class _Series:
    """Figures by (metric, region), oldest first, as plain arrays: the newest figure in a period is a
    binary search, not a pandas filter per target (thousands of targets over a million figures)."""

    def __init__(self, figures: pd.DataFrame):
        indices = figures.groupby(["metric_id", "region_id"], sort=False).indices
        # In the order each series first appears, as rows without a target have always been listed.
        self.positions = dict(sorted(indices.items(), key=lambda item: item[1][0]))
        self.as_of = figures["as_of"].to_numpy()
        self.value = figures["value"].to_numpy()
        self.qualifier = figures["qualifier"].to_numpy()
        self.source_id = figures["source_id"].to_numpy()
        self._dates: dict[tuple[str, str], list[dt.date]] = {}

    def newest(self, key: tuple[str, str]) -> dict:
        """The series' newest figure whatever the target periods: what a card shows (a target for 2022
        must not hide the figure of 2021)."""
        positions = self.positions.get(key)
        if positions is None:
            return {"latest_value": None, "latest_qualifier": None, "latest_as_of": None}
        last = positions[-1]
        return {
            "latest_value": float(self.value[last]),
            "latest_qualifier": self.qualifier[last],
            "latest_as_of": self.as_of[last],
        }

    def latest(self, key: tuple[str, str], start: dt.date, end: dt.date) -> int | None:
        """Row of the newest figure of a series dated within [start, end] (the last one on a tie)."""
        positions = self.positions.get(key)
        if positions is None:
            return None
        dates = self._dates.get(key)
        if dates is None:
            dates = self._dates[key] = [self.as_of[p] for p in positions]
        index = bisect.bisect_right(dates, end) - 1
        if index < 0 or dates[index] < start:
            return None
        return int(positions[index])


def is_lower_bound(qualifier: str | None) -> bool:
    """Whether a figure is stated as 'at least' (超过 / 以上 / 多)."""
    return qualifier == AT_LEAST


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else pd.Timestamp(value).date()
