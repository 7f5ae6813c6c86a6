"""标杆示范与生态 Benchmarks and ecosystem: pilots, demonstrations, platforms, providers, universities."""

from __future__ import annotations

import streamlit as st

from metrics import chart_catalog, page_metrics
from ui import data, render
from ui.context import current

BENCHMARK_ROLES = ["national_benchmark", "provincial_demo", "provincial_cloud_benchmark", "city_demonstration"]
ECOSYSTEM_ROLES = [
    "diagnosis_provider",
    "solution_partner",
    "local_service_provider",
    "head_platform_company",
    "platform_partner",
    "platform",
    "public_platform",
    "university",
    "university_partner",
    "financial_institution",
]

context = current()
reader = data.reader(context.as_of)
figures = reader.figures(context.region_id)
other_ids = render.other_metrics("benchmarks")  # benchmark and ecosystem metrics made later (intake page)
metrics = page_metrics.OWN_METRICS["benchmarks"] + other_ids
header = render.page_header(context, "page.benchmarks", figures, metrics)
if not header.without_data:  # a unit without figures or targets yet: the header has said so
    entities = reader.entities(context.region_id)

    progress = reader.progress(context.region_id)
    # Enterprises on one chart; projects, industries, providers, universities and partnerships are unlike
    # units, so each is a tile of its own.
    city_tiles = [m for m in chart_catalog.BENCHMARK_METRICS if m not in chart_catalog.BENCHMARK_ENTERPRISE_METRICS]

    st.subheader(context.t("benchmarks.heading"))
    render.catalog_chart(chart_catalog.benchmarks, reader, context, empty_key="empty.chart")
    render.card_grid(render.cached_cards(progress, figures, context, city_tiles), context, header.as_of)
    render.entity_table(entities, BENCHMARK_ROLES, context)

    ecosystem = render.cached_cards(progress, figures, context, chart_catalog.ECOSYSTEM_METRICS)
    if ecosystem or render.entity_lines(entities, ECOSYSTEM_ROLES, context)[1]:  # no heading over nothing
        st.subheader(context.t("benchmarks.ecosystem"))
        render.card_grid(ecosystem, context, header.as_of)
        render.entity_table(entities, ECOSYSTEM_ROLES, context)

    render.other_cards(progress, figures, context, other_ids, header.as_of)
    render.evidence(figures, metrics, context)
