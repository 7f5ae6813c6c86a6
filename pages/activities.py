"""活动与氛围 Activities: the conference series by year and format, trainings, tours, meetings, reach."""

from __future__ import annotations

import streamlit as st

from metrics import chart_catalog
from metrics.i18n import format_date
from ui import data, render
from ui.context import Context, current

REACH = [
    "conferences_held",
    "training_participant_enterprises",
    "lecture_audience",
    "study_tour_enterprises",
    "onsite_meetings_held",
    "wechat_reads",
]
PLANNED = [
    "conference_segments_planned",
    "conference_forums_planned",
    "onsite_meeting_sites_visited",
    "wechat_months_open",
]


def event_tables(events, context: Context):
    """The conferences, and the other activities, with their dates and kinds in the viewer's language."""
    lang = context.lang
    conferences = events[events["kind"] == "conference"].copy()
    conferences["when"] = [
        format_date(d, lang, p) for d, p in zip(conferences["date"], conferences["date_precision"], strict=True)
    ]
    conferences["state"] = [context.t(f"activities.{s}") for s in conferences["status"]]
    others = events[events["kind"] != "conference"].copy()
    others["when"] = [format_date(d, lang, p) for d, p in zip(others["date"], others["date_precision"], strict=True)]
    others["kind_text"] = [context.t(f"event.{k}") for k in others["kind"]]
    return conferences, others


context = current()
lang = context.lang
reader = data.reader(context.as_of)
figures = reader.figures(context.region_id)
render.page_header(context, "page.activities", figures, REACH + PLANNED)

render.catalog_chart(chart_catalog.activities_timeline, reader, context, empty_key="empty.chart")

st.subheader(context.t("activities.reach"))
progress = reader.progress(context.region_id)
cards = render.cached_cards(progress, figures, context, REACH)
render.card_grid(cards, context)

st.subheader(context.t("activities.conferences"))
events = reader.fetch("all_events")
conferences, others = data.derived(("activity_tables", context.lang), lambda: event_tables(events, context))
columns = {
    "when": "date",
    f"title_{lang}": "event",
    f"format_{lang}": "format",
    "state": "status",
    "section": "section",
}
render.static_table(conferences, columns, context)

st.subheader(context.t("activities.timeline_table"))
columns = {
    "when": "date",
    "kind_text": "category",
    f"title_{lang}": "event",
    f"location_{lang}": "location",
    "section": "section",
}
render.static_table(others, columns, context)
render.evidence(figures, REACH + PLANNED, context)
