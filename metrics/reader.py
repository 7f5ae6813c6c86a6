"""Read what pages and briefings show from the database, optionally as of an earlier update date.

Pages use a cached subclass (ui.data.CachedReader); the briefing command uses this one directly, so a
chart in the browser and the same chart in the deck come from the same code and the same numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from metrics import frames, queries
from metrics.checks import run_checks
from metrics.progress import compute_progress
from metrics.registry import DEFAULT_REGION


@dataclass
class Reader:
    """Database access for one viewpoint: a database file and an as-of date (None: the latest)."""

    database: Path | None = None
    as_of: dt.date | None = None
    connection: object = None  # an open one instead of the file: the build's, while it writes the database

    def fetch(self, name: str, **parameters: object) -> pd.DataFrame:
        """A named query from sql/queries.sql."""
        return queries.fetch(name, database=self.database, connection=self.connection, **parameters)

    def in_view(self, region_id: str) -> list[str]:
        """The region and, for a city, its combined county groups (the reply states county funding
        for 大冶市、阳新县、开发区 together): what the city view shows."""
        # Plain rows of the shared frame (made once for it): a page's first view asks for this a dozen times.
        regions = frames.records(self.fetch("regions_with_data"))
        groups = [row["region_id"] for row in regions if row["parent_id"] == region_id and row["level"] == "group"]
        return [region_id, *groups]

    def progress(self, region_id: str) -> pd.DataFrame:
        """Progress rows of a region in view, with metric labels; recomputed for an earlier date."""
        if self.as_of is None:
            return self.fetch("progress_for_regions", region_ids=tuple(self.in_view(region_id)))
        computed = []
        targets = self._known(self.fetch("all_targets"))
        regions = self.in_view(region_id)
        for region in regions:
            figures = self.fetch("figures_for_region", region_id=region)
            progress = compute_progress(figures, targets[targets["region_id"] == region], as_of=self.as_of)
            computed.append(progress.merge(self.fetch("metrics"), on="metric_id", how="left"))
        stored = self.fetch("progress_for_regions", region_ids=tuple(regions))
        return _as_stored(_concat(computed), stored, regions)

    def _known(self, rows: pd.DataFrame, issued_column: str = "source_date") -> pd.DataFrame:
        """The rows (targets, events, documents) known on the as-of date: not those of a document issued
        after it (a 2024–2026 plan in the view as updated on 2021-07-13). A row whose source names no dated
        document is kept."""
        issued = pd.to_datetime(rows[issued_column]).dt.date
        return rows[issued.isna() | (issued <= self.as_of)]

    def checks(self) -> pd.DataFrame:
        """The consistency checks of the city, as the build evaluated them; for an earlier update, evaluated
        again on what was known then (its figures, and the targets and events of documents issued by then):
        a check of a later record never speaks for a view of an earlier date."""
        stored = self.fetch("all_checks")
        if self.as_of is None:
            return stored
        figures = self.fetch("figures_for_checks", region_id=DEFAULT_REGION)
        figures = figures[pd.to_datetime(figures["as_of"]).dt.date <= self.as_of]
        checks = run_checks(
            self.fetch("check_definitions").fillna(""),
            figures,
            self._known(self.fetch("all_targets")),
            self._known(self.fetch("all_events")),
            self.fetch("metrics").fillna({"parent_id": ""}),
            region=DEFAULT_REGION,
            sources=self.fetch("sources"),
        )
        # As the build stores them (an empty text is NULL) and all_checks gives them: status descending, then id.
        ordered = checks.replace({"": None}).sort_values(["status", "check_id"], ascending=[False, True], kind="stable")
        return ordered.astype(stored.dtypes.to_dict()).reset_index(drop=True)

    def figures(self, region_id: str) -> pd.DataFrame:
        """Every figure of a region in view up to the as-of date."""
        figures = _concat([self.fetch("figures_for_region", region_id=region) for region in self.in_view(region_id)])
        if self.as_of is not None:
            figures = figures[pd.to_datetime(figures["as_of"]).dt.date <= self.as_of]
        return figures

    def targets(self, region_id: str) -> pd.DataFrame:
        """Every target of the regions in view, with metric labels and source; for an earlier update, those
        set by documents issued by then (as its progress has them)."""
        targets = self.fetch("targets_for_regions", region_ids=tuple(self.in_view(region_id)))
        return targets if self.as_of is None else self._known(targets)

    def latest(self, region_id: str) -> pd.DataFrame:
        """The newest figure of each metric in view, indexed by metric_id (the region's own first)."""
        figures = self.figures(region_id)
        # Positions sorted by (own region, date), stably, as sort_values on both would; then each metric's
        # last: the same rows as a sort and groupby().tail(1), without moving every column of thousands
        # of figures twice (a region at a million records).
        order = np.lexsort((figures["as_of"].to_numpy(), (figures["region_id"] == region_id).to_numpy()))
        last = {metric_id: position for position, metric_id in enumerate(frames.column(figures, "metric_id")[order])}
        return figures.take(order[sorted(last.values())]).set_index("metric_id")

    def entities(self, region_id: str) -> pd.DataFrame:
        """The enterprises and bodies the documents name for the regions in view, in the order named: a
        county's pages do not list those the reply names for the whole city."""
        entities = self.fetch("entities_by_role")
        return entities[entities["region_id"].isin(self.in_view(region_id))]

    def events(self, region_id: str) -> pd.DataFrame:
        """The conferences, trainings and other activities the documents report of the regions in view; for an
        earlier update, those of documents issued by then."""
        events = self.fetch("all_events")
        events = events[events["region_id"].isin(self.in_view(region_id))]
        return events if self.as_of is None else self._known(events)

    def sources(self) -> pd.DataFrame:
        """The source documents; for an earlier update, those issued by then."""
        sources = self.fetch("sources")
        return sources if self.as_of is None else self._known(sources, "date")

    def region(self, region_id: str) -> dict:
        """A region's row (names, level)."""
        regions = self.fetch("regions_with_data").set_index("region_id")
        if region_id in regions.index:
            return {"region_id": region_id, **regions.loc[region_id].to_dict()}
        known = self.fetch("region_by_id", region_id=region_id)  # a unit without data yet keeps its name
        if not known.empty:
            return known.iloc[0].to_dict()
        return {"region_id": region_id, "name_zh": region_id, "name_en": region_id, "level": ""}


def _as_stored(progress: pd.DataFrame, stored: pd.DataFrame, regions: list[str]) -> pd.DataFrame:
    """Progress worked out for an earlier date with the stored rows' columns, types and order (as the
    query progress_for_regions gives them): dates as dates of the stored kind, not datetime.date objects,
    which a chart comparing them with a figure's date could not (the retrofit page failed on an earlier
    update once a later record existed)."""
    position = {region: index for index, region in enumerate(regions)}
    ordered = progress.assign(_region=progress["region_id"].map(position)).sort_values(
        ["_region", "key_order", "sort_order", "period_end", "period_start", "horizon"],
        ascending=[True, True, True, True, False, True],
        na_position="last",
        kind="stable",
    )
    conformed = ordered.reindex(columns=stored.columns).astype(stored.dtypes.to_dict()).reset_index(drop=True)
    for name in [name for name, kind in stored.dtypes.items() if kind == "object"]:  # None where empty
        conformed[name] = conformed[name].astype(object).where(conformed[name].notna(), None)
    return conformed


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [frame for frame in parts if not frame.empty] or parts[:1]
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
