"""活动与氛围 Activities: the conference series by year and format, trainings, tours, meetings, reach."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import chart_catalog, frames, narrative, page_metrics
from ui import data, render
from ui.context import Context, current

REACH = page_metrics.ACTIVITY_REACH
PLANNED = page_metrics.ACTIVITY_PLANNED


def event_tables(events, context: Context):
    """The conferences, and the other activities, with their dates and kinds in the viewer's language.

    Worked on plain rows, then made frames: a dozen pandas steps on a dozen events were ~15 ms of the
    page's first view on a slow machine."""
    lang = context.lang
    conferences, others = [], []
    for row in frames.rows(events):  # fresh rows, not shared: completed in place
        # Each date as precise as the source gives it (2020年, 约2021年5月).
        row["when"] = narrative.event_date_words(row["date"], row["date_precision"], row.get("date_approximate"), lang)
        row["section"] = narrative.section_words(row["section"], lang)
        if row["kind"] == "conference":
            row["state"] = context.t(f"activities.{row['status']}")
            conferences.append(row)
        else:
            row["kind_text"] = context.t(f"event.{row['kind']}")
            others.append(row)

    def happened(row: dict) -> tuple:
        """Where an event sits in time; an undated one last, as sort_values puts NaT."""
        position = narrative.event_position(row["date"], row["date_precision"])
        return (True, 0) if pd.isna(position) else (False, position)

    def table(rows: list[dict], extra: str) -> pd.DataFrame:  # in the order the events happened; stable
        return pd.DataFrame(sorted(rows, key=happened), columns=[*events.columns, "when", extra])

    return table(conferences, "state"), table(others, "kind_text")


context = current()
lang = context.lang
reader = data.reader(context.as_of)
figures = reader.figures(context.region_id)
other_ids = render.other_metrics("activities")  # metrics of this category made later, e.g. on the intake page
header = render.page_header(context, "page.activities", figures, REACH + PLANNED + other_ids)
if not header.without_data:  # a unit without figures or targets yet: the header has said so
    render.catalog_chart(chart_catalog.activities_timeline, reader, context, empty_key="empty.chart")

    progress = reader.progress(context.region_id)
    cards = render.cached_cards(progress, figures, context, REACH)
    if cards:  # no heading over nothing (a county whose report counts no trainings)
        st.subheader(context.t("activities.reach"))
        render.card_grid(cards, context, header.as_of)

    events = reader.events(context.region_id)
    conferences, others = data.derived(
        ("activity_tables", context.region_id, context.as_of, context.lang), lambda: event_tables(events, context)
    )
    # The tables of the activities the documents report of this unit: none for a county whose report lists none.
    if not conferences.empty:
        st.subheader(context.t("activities.conferences"))
        columns = {
            "when": "date",
            f"title_{lang}": "event",
            f"format_{lang}": "format",
            "state": "status",
            "section": "section",
        }
        render.static_table(conferences, columns, context)
    if not others.empty:
        st.subheader(context.t("activities.timeline_table"))
        columns = {
            "when": "date",
            "kind_text": "category",
            f"title_{lang}": "event",
            f"location_{lang}": "location",
            "section": "section",
        }
        render.static_table(others, columns, context)
    render.other_cards(progress, figures, context, other_ids, header.as_of)
    render.evidence(figures, REACH + PLANNED + other_ids, context)
