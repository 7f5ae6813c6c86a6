"""活动与氛围 Activities: the conference series by year and format, trainings, tours, meetings, reach."""

from __future__ import annotations

import streamlit as st

from metrics import chart_catalog, frames, narrative, page_metrics
from ui import data, render
from ui.context import Context, current

REACH = page_metrics.ACTIVITY_REACH
PLANNED = page_metrics.ACTIVITY_PLANNED


def event_tables(events, context: Context):
    """The conferences, and the other activities, with their dates and kinds in the viewer's language."""
    lang = context.lang
    # Each date as precise as the source gives it (2020年, 约2021年5月), in the order the events happened.
    events = events.assign(
        _position=[
            narrative.event_position(d, p) for d, p in zip(events["date"], events["date_precision"], strict=True)
        ]
    ).sort_values("_position", kind="stable")
    when = {
        row["event_id"]: narrative.event_date_words(
            row["date"], row["date_precision"], row.get("date_approximate"), lang
        )
        for row in frames.rows(events)
    }
    events = events.assign(section=[narrative.section_words(section, lang) for section in events["section"]])
    conferences = events[events["kind"] == "conference"].copy()
    conferences["when"] = conferences["event_id"].map(when)
    conferences["state"] = [context.t(f"activities.{s}") for s in conferences["status"]]
    others = events[events["kind"] != "conference"].copy()
    others["when"] = others["event_id"].map(when)
    others["kind_text"] = [context.t(f"event.{k}") for k in others["kind"]]
    return conferences, others


context = current()
lang = context.lang
reader = data.reader(context.as_of)
figures = reader.figures(context.region_id)
other_ids = render.other_metrics("activities")  # metrics of this category made later, e.g. on the intake page
told_without_data = render.page_header(context, "page.activities", figures, REACH + PLANNED + other_ids)
if not told_without_data:  # a unit without figures or targets yet: the header has said so
    render.catalog_chart(chart_catalog.activities_timeline, reader, context, empty_key="empty.chart")

    progress = reader.progress(context.region_id)
    cards = render.cached_cards(progress, figures, context, REACH)
    if cards:  # no heading over nothing (a county whose report counts no trainings)
        st.subheader(context.t("activities.reach"))
        render.card_grid(cards, context)

    events = reader.events(context.region_id)
    conferences, others = data.derived(
        ("activity_tables", context.region_id, context.lang), lambda: event_tables(events, context)
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
    render.other_cards(progress, figures, context, other_ids)
    render.evidence(figures, REACH + PLANNED + other_ids, context)
