"""智能化诊断 Diagnosis services: done against the year's plan and the three-year target; providers."""

from __future__ import annotations

import streamlit as st

from metrics import chart_catalog, page_metrics
from ui import data, render
from ui.context import current

METRICS = page_metrics.DIAGNOSIS

context = current()
reader = data.reader(context.as_of)
figures = reader.figures(context.region_id)
other_ids = render.other_metrics("diagnosis")  # metrics of this category made later, e.g. on the intake page
header = render.page_header(context, "page.diagnosis", figures, METRICS + other_ids)
if not header.without_data:  # a unit without figures or targets yet: the header has said so
    progress = reader.progress(context.region_id)
    cards = render.cached_cards(progress, figures, context, METRICS)
    render.card_grid(cards, context, header.as_of)

    render.catalog_chart(
        chart_catalog.metric_progress, reader, context, "diagnosis_enterprises", empty_key="empty.no_target"
    )

    st.subheader(context.t("diagnosis.trend"))
    render.catalog_chart(chart_catalog.metric_trend, reader, context, "diagnosis_enterprises", empty_key="empty.trend")

    latest = reader.latest(context.region_id)
    if "diagnosis_providers" in latest.index:  # no heading over nothing (a county whose report counts none)
        st.subheader(context.t("diagnosis.providers"))
        providers = latest.loc["diagnosis_providers"]
        entities = reader.entities(context.region_id)
        st.markdown(
            context.t(
                "diagnosis.providers_text",
                count=render.markdown_text(render.figure_text(providers, context)),
                named=render.markdown_text(render.named_in(entities, "diagnosis_provider", context)),
            )
        )
    render.other_cards(progress, figures, context, other_ids, header.as_of)
    render.evidence(figures, METRICS + other_ids, context)
