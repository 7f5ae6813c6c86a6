"""智能化改造项目 Retrofit projects: under way vs planned vs completed, investment, the three tiers."""

from __future__ import annotations

import streamlit as st

from metrics import chart_catalog, frames, narrative, page_metrics
from metrics.charts import dated_note, older_than
from metrics.i18n import format_date
from ui import data, render
from ui.context import Context, current

METRICS = page_metrics.RETROFIT
PAGE_CHECKS = ["retrofit_projects_under_way_parts", "completion_share_ratio"]
TIERS = page_metrics.RETROFIT_TIERS


def check_lines(checks, context: Context, stated) -> list[tuple[str, str]]:
    """(status, sentence) of the checks this page states: the tiers against the total, the share. A check
    of figures older than `stated` (the header's data date) says their date: the reply's 66 of 100 beside
    a card of a later 40."""
    lines = []
    # The checks' rows as plain dicts, made once for the shared frame: a filter of five rows in pandas
    # cost more than the sentences.
    for check in frames.records(checks):
        if check["region_id"] != context.region_id or check["check_id"] not in PAGE_CHECKS:
            continue
        sentence = narrative.check_sentence(check, context.lang)
        if older_than(check["as_of"], stated):
            date = format_date(check["as_of"], context.lang)
            sentence = context.t("check.sentence_dated", sentence=sentence, date=date)
        sentence = render.markdown_text(sentence)
        lines.append((check["status"], f"**{context.t('check.' + check['status'])}** · {sentence}"))
    return lines


def tier_texts(latest, entities, context: Context, stated) -> list[tuple[str, str | None, str, str]]:
    """(role, latest figure as text or None, its date when older than `stated` (the header's data date),
    the enterprises named and the document naming them) a tier."""
    texts = []
    for metric_id, role in TIERS:
        figure = latest.loc[metric_id] if metric_id in latest.index else None
        texts.append(
            (
                role,
                None if figure is None else render.figure_text(figure, context, "compact"),
                "" if figure is None else dated_note(figure["as_of"], stated, context.lang),
                render.named_in(entities, role, context, "retrofit.tier_enterprises"),
            )
        )
    return texts


context = current()
reader = data.reader(context.as_of)
figures = reader.figures(context.region_id)
tier_ids = [metric for metric, _ in TIERS]
other_ids = render.other_metrics("retrofit")  # metrics of this category made later, e.g. on the intake page
header = render.page_header(context, "page.retrofit", figures, METRICS + tier_ids + other_ids)
if not header.without_data:  # a unit without figures or targets yet: the header has said so
    progress = reader.progress(context.region_id)
    cards = render.cached_cards(progress, figures, context, METRICS)
    render.card_grid(cards, context, header.as_of)
    if any(card.metric_id == "retrofit_investment" for card in cards):
        st.caption(context.t("retrofit.investment_note"))

    render.catalog_chart(
        chart_catalog.metric_progress, reader, context, "retrofit_projects_completed", empty_key="empty.no_target"
    )
    render.catalog_chart(chart_catalog.retrofit_pipeline, reader, context, empty_key="empty.chart")

    st.subheader(context.t("retrofit.tiers"))
    render.catalog_chart(chart_catalog.retrofit_tiers, reader, context, empty_key="empty.chart")
    checks = reader.checks()
    for status, label in data.derived(
        ("retrofit_checks", context.region_id, context.as_of, context.lang),
        lambda: check_lines(checks, context, header.as_of),
    ):
        (st.warning if status == "mismatch" else st.success)(label, icon=":material/rule:")

    latest = reader.latest(context.region_id)
    entities = reader.entities(context.region_id)
    tiers = data.derived(
        ("retrofit_tiers", context.region_id, context.as_of, context.lang),
        lambda: tier_texts(latest, entities, context, header.as_of),
    )
    # A tier with neither a figure nor a named enterprise here (a county's report gives neither) has no box.
    render.boxes(
        [
            render.card_html(context.t("role." + role), value, notes=[dated, named])
            for role, value, dated, named in tiers
            if value or named
        ]
    )

    render.other_cards(progress, figures, context, other_ids, header.as_of)
    render.evidence(figures, METRICS + tier_ids + other_ids, context)
