"""总览 Overview: key metrics against both horizons, the briefing's key points, data consistency."""

from __future__ import annotations

import streamlit as st

from metrics import chart_catalog, report
from ui import data, exports, render
from ui.context import current

context = current()
reader = data.reader(context.as_of)
figures = reader.figures(context.region_id)
render.page_header(context, "page.overview", figures)
exports.pack_button(context)

progress = reader.progress(context.region_id)
if progress.empty:
    st.info(context.t("empty.region"), icon=":material/info:")
    st.stop()

checks = reader.fetch("all_checks")
checks = checks[checks["region_id"] == context.region_id]
st.subheader(context.t("overview.summary"))
for point in report.key_points(progress, checks, reader.region(context.region_id), context.lang):
    st.markdown(f"- {point}")

st.subheader(context.t("overview.key_metrics"))
cards = report.cards(progress, context.lang, None, figures)
render.card_grid(cards, context)

render.chart_or_empty(
    chart_catalog.overview_progress(reader, context.region_id, context.lang), context, "empty.no_target"
)
