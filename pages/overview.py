"""总览 Overview: key metrics against both horizons, the briefing's key points, data consistency."""

from __future__ import annotations

import streamlit as st

from ui import data, exports, render
from ui.context import current

context = current()
reader = data.reader(context.as_of)
figures = reader.figures(context.region_id)
header = render.page_header(context, "page.overview", figures)


def key_points_and_metrics(progress) -> None:
    """The briefing buttons, key points, cards and key chart of a region with progress rows."""
    exports.pack_button(context)
    parts = render.overview_parts(reader, context)
    if context.screenshot:  # a capture's first screen shows the key chart, then the points and cards
        render.chart_or_empty(parts.chart, context, "empty.no_target")
    st.subheader(context.t("overview.summary"))
    # One element, a loose list spaced as before; each point is built from the data (names, labels,
    # sources), so it is shown as text, not markdown.
    st.markdown("\n\n".join(f"- {render.markdown_text(point)}" for point in parts.points))

    st.subheader(context.t("overview.key_metrics"))
    render.card_grid(parts.cards, context, header.as_of)
    exports.key_figures_xlsx(context, progress)
    if not context.screenshot:
        render.chart_or_empty(parts.chart, context, "empty.no_target")


progress = reader.progress(context.region_id)
if not progress.empty:
    key_points_and_metrics(progress)
elif not header.without_data:
    # Nothing to brief, so no briefing buttons. A unit without any data was told so by the header, with
    # where the figures are; this is for the rest (e.g. a date before the region's first figure). The page
    # is not stopped: in screenshot mode the way back is drawn after it.
    st.info(context.t("empty.region"), icon=":material/info:")
