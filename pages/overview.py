"""总览 Overview: key metrics against both horizons, the briefing's key points, data consistency."""

from __future__ import annotations

import streamlit as st

from metrics import chart_catalog
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

st.subheader(context.t("overview.summary"))
points = render.key_points(reader, context)
st.markdown("\n\n".join(f"- {point}" for point in points))  # one element: a loose list, spaced as before

st.subheader(context.t("overview.key_metrics"))
render.card_grid(render.cached_cards(progress, figures, context, None), context)
render.catalog_chart(chart_catalog.overview_progress, reader, context, empty_key="empty.no_target")
