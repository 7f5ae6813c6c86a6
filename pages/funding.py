"""资金支持 Funding: city and county level, what it supports; lower bounds shown as lower bounds."""

from __future__ import annotations

import streamlit as st

from metrics import chart_catalog, report
from ui import data, render
from ui.context import current

METRICS = ["funding_city_level", "funding_county_level", "funded_retrofit_projects", "funded_demonstration_projects"]

context = current()
reader = data.reader(context.as_of)
figures = reader.figures(context.region_id)
shown = figures[figures["metric_id"].isin(METRICS)]
render.page_header(context, "page.funding", shown)
st.info(context.t("funding.planned_note"), icon=":material/info:")

progress = reader.progress(context.region_id)
cards = report.cards(progress, context.lang, METRICS, figures)
render.card_grid(cards, context)

render.chart_or_empty(chart_catalog.funding(reader, context.region_id, context.lang), context, "empty.chart")
render.chart_or_empty(chart_catalog.funding_supports(reader, context.region_id, context.lang), context, "empty.chart")

entities = reader.fetch("entities_by_role")
st.markdown(context.t("funding.county_units", names=render.entity_names(entities, "county_policy", context)))
st.caption(context.t("funding.other"))
render.evidence(shown, METRICS, context)
