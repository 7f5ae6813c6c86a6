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
header = render.page_header(context, "page.funding", figures, METRICS + other_ids)
if not header.without_data:  # a unit without figures or targets yet: the header has said so
    progress = reader.progress(context.region_id)
    cards = render.cached_cards(progress, figures, context, METRICS)
    if cards:  # the note is on the funding shown: none over a county whose report gives no funding
        st.info(context.t("funding.planned_note"), icon=":material/info:")
    render.card_grid(cards, context, header.as_of)

    charts = [
        render.catalog_spec(builder, reader, context)
        for builder in (chart_catalog.funding, chart_catalog.funding_supports)
    ]
    for spec in [spec for spec in charts if spec is not None] or [None]:  # nothing to draw: said once, not twice
        render.chart_or_empty(spec, context, "empty.chart")

    entities = reader.entities(context.region_id)
    names = render.entity_names(entities, "county_policy", context)
    if names:  # the units the documents name for this region: none for a county a later report adds
        st.markdown(context.t("funding.county_units", names=render.markdown_text(names)))
    # The reply's words, beside the reply's figures only; looked up once per data version, not on every view
    # (a region's figures are thousands of rows at a million records).
    shows_reply = data.derived(
        ("shows_reply", context.region_id, context.as_of),
        lambda: bool((figures["source_id"] == page_metrics.REPLY).any()),
    )
    if shows_reply:
        st.caption(context.t("funding.other"))
    # The note at the top ("以下资金均为拟安排…") is about the reply's figures, not these.
    render.other_cards(progress, figures, context, other_ids, header.as_of, note_key="pages3.funding_other_note")
    render.evidence(figures, METRICS + other_ids, context)
