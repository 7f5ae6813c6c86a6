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
# Built once per data version and viewer's choices: the same for everyone who asks.
key = ("overview", context.region_id, context.as_of, context.lang)
region = reader.region(context.region_id)
st.subheader(context.t("overview.summary"))
for point in data.derived((*key, "points"), lambda: report.key_points(progress, checks, region, context.lang)):
    st.markdown(f"- {point}")

st.subheader(context.t("overview.key_metrics"))
render.card_grid(data.derived((*key, "cards"), lambda: report.cards(progress, context.lang, None, figures)), context)

render.chart_or_empty(
    data.derived((*key, "chart"), lambda: chart_catalog.overview_progress(reader, context.region_id, context.lang)),
    context,
    "empty.no_target",
)
