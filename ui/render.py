"""Small rendering helpers every page uses, so cards, chips and charts look the same everywhere."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import streamlit as st

from metrics.charts import chart_config
from metrics.i18n import format_date
from metrics.report import Card
from metrics.style import CHECK_COLORS, status_color
from ui import data
from ui.context import Context


def chip(label: str, color: str) -> str:
    """A coloured label with its word: status is never colour alone."""
    return (
        f'<span style="background:{color};color:white;border-radius:4px;padding:1px 8px;'
        f'font-size:0.85rem;white-space:nowrap">{html.escape(label)}</span>'
    )


def status_chip(status: str, label: str) -> str:
    return chip(label, status_color(status))


def check_chip(status: str, label: str) -> str:
    return chip(label, CHECK_COLORS.get(status, "#9ca3af"))


def page_header(context: Context, title_key: str, caption: str = "") -> None:
    """Page title, and under it what the page shows and how fresh it is."""
    st.title(context.t(title_key))
    if caption:
        st.caption(caption)
    problems = data.data_state().problems
    if problems:
        lines = "\n".join(f"- {name}：{p.message(context.lang)}" for name, p in problems[:8])
        st.error(f"{context.t('banner.invalid_data')}\n\n{lines}", icon=":material/error:")


def card(card: Card, context: Context) -> None:
    """A key metric: value, then one line per target with percent and status."""
    with st.container(border=True):
        # The label is written above in full (st.metric would cut a long Chinese label short).
        st.markdown(f"**{html.escape(card.label)}**", help=card.definition or None)
        st.metric(card.label, card.value, label_visibility="collapsed")
        if card.lower_bound:
            st.caption(context.t("card.lower_bound"))
        if not card.targets:
            st.caption(context.t("empty.no_target"))
        for line in card.targets:
            st.markdown(
                f"{status_chip(line.status, line.status_text)} "
                f"**{html.escape(line.horizon)}** {html.escape(context.t('card.target', target=line.target))} · "
                f"{html.escape(context.t('card.percent_of_target', percent=line.percent))}",
                unsafe_allow_html=True,
            )
            if line.status in ("ahead", "on_track", "behind"):
                st.caption(context.t("card.expected", expected=line.expected))


def chart(figure: go.Figure, name: str, context: Context) -> None:
    """Show a figure with the toolbar's PNG button set to a sensible file name and size."""
    filename = f"{name}_{context.region_id}_{context.lang}"
    st.plotly_chart(figure, config=chart_config(filename), key=f"chart_{name}", theme=None)


def as_of_caption(context: Context, as_of, source: str) -> str:
    return context.t("footer.source", date=format_date(as_of, context.lang), source=source)
