"""活动与氛围 Activities: the conference series by year and format, trainings, tours, meetings, reach."""

from __future__ import annotations

import streamlit as st

from metrics import chart_catalog
from metrics.i18n import format_date
from ui import data, render
from ui.context import current

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

context = current()
reader = data.reader(context.as_of)
figures = reader.figures(context.region_id)
render.page_header(context, "page.activities", figures[figures["metric_id"].isin(REACH + PLANNED)])

render.catalog_chart(chart_catalog.activities_timeline, reader, context, empty_key="empty.chart")

st.subheader(context.t("activities.reach"))
progress = reader.progress(context.region_id)
cards = render.cached_cards(progress, figures, context, REACH)
render.card_grid(cards, context)

st.subheader(context.t("activities.conferences"))
events = reader.fetch("all_events")
lang = context.lang
table = events[events["kind"] == "conference"].copy()
table["when"] = [format_date(d, lang, p) for d, p in zip(table["date"], table["date_precision"], strict=True)]
table["state"] = [context.t(f"activities.{s}") for s in table["status"]]
columns = {
    "when": "date",
    f"title_{lang}": "event",
    f"format_{lang}": "format",
    "state": "status",
    "section": "section",
}
render.table(table, columns, context)

st.subheader(context.t("activities.timeline_table"))
others = events[events["kind"] != "conference"].copy()
others["when"] = [format_date(d, lang, p) for d, p in zip(others["date"], others["date_precision"], strict=True)]
others["kind_text"] = [context.t(f"event.{k}") for k in others["kind"]]
columns = {
    "when": "date",
    "kind_text": "category",
    f"title_{lang}": "event",
    f"location_{lang}": "location",
    "section": "section",
}
render.table(others, columns, context)
render.evidence(figures, REACH + PLANNED, context)
