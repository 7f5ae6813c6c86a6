"""资金支持 Funding: city and county level, what it supports; lower bounds shown as lower bounds."""

from __future__ import annotations

import streamlit as st

from metrics import chart_catalog, page_metrics
from ui import data, render
from ui.context import current

METRICS = page_metrics.FUNDING

context = current()
reader = data.reader(context.as_of)
figures = reader.figures(context.region_id)
other_ids = render.other_metrics("funding")  # metrics of this category made later, e.g. on the intake page
render.page_header(context, "page.funding", figures, METRICS + other_ids)
st.info(context.t("funding.planned_note"), icon=":material/info:")

progress = reader.progress(context.region_id)
cards = render.cached_cards(progress, figures, context, METRICS)
render.card_grid(cards, context)

render.catalog_chart(chart_catalog.funding, reader, context, empty_key="empty.chart")
render.catalog_chart(chart_catalog.funding_supports, reader, context, empty_key="empty.chart")

entities = reader.fetch("entities_by_role")
names = render.markdown_text(render.entity_names(entities, "county_policy", context))
st.markdown(context.t("funding.county_units", names=names))
st.caption(context.t("funding.other"))
# The note at the top ("以下资金均为拟安排…") is about the reply's figures, not these.
render.other_cards(progress, figures, context, other_ids, note_key="pages3.funding_other_note")
render.evidence(figures, METRICS + other_ids, context)
