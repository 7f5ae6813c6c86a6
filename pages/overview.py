"""总览 Overview: key metrics against both horizons, the briefing's key points, data consistency."""

from __future__ import annotations

import streamlit as st

from metrics import charts, report
from ui import data, render
from ui.context import current

context = current()
progress = data.progress(context.region_id, context.as_of)
sources = data.fetch("sources")
region = data.fetch("regions_with_data").set_index("region_id").loc[context.region_id].to_dict()
checks = data.fetch("all_checks")
checks = checks[checks["region_id"] == context.region_id]

footer = report.footer(progress, sources, context.lang)
# Built once per data version and viewer's choices: the same for everyone who asks.
key = ("overview", context.region_id, context.as_of, context.lang)
render.page_header(context, "page.overview", render.as_of_caption(context, footer.as_of, footer.source))

if progress.empty:
    st.info(context.t("empty.region"), icon=":material/info:")
    st.stop()

st.subheader(context.t("overview.summary"))
for point in data.derived((*key, "points"), lambda: report.key_points(progress, checks, region, context.lang)):
    st.markdown(f"- {point}")

st.subheader(context.t("overview.key_metrics"))
key_cards = data.derived((*key, "cards"), lambda: report.cards(progress, context.lang))
for start in range(0, len(key_cards), 4):
    columns = st.columns(4)
    for column, key_card in zip(columns, key_cards[start : start + 4], strict=False):
        with column:
            render.card(key_card, context)

targeted = progress[progress["target"].notna()]
if not targeted.empty:
    metrics = data.fetch("metrics").set_index("metric_id")
    title = context.t("overview.progress_chart")
    figure = data.derived(
        (*key, "chart"),
        lambda: charts.target_bullets(
            targeted, metrics, title, "", report.footer(targeted, sources, context.lang), context.lang
        ),
    )
    render.chart(figure, "overview_progress", context)
