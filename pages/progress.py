"""进展录入 Progress records: the figures officials report after the reply; editors enter them here."""

from __future__ import annotations

import streamlit as st

from metrics.i18n import format_date
from metrics.numbers import format_value
from ui import data, render
from ui import editing as editing_ui
from ui.context import current

context = current()
lang = context.lang
render.page_header(context, "page.progress")
st.caption(context.t("editui.progress_intro"))

# What the dashboard serves (the last valid records, even while progress.csv is being fixed).
figures = data.fetch("all_figures")
records = figures[figures["origin"] == "record"]
st.subheader(context.t("editui.records_heading"))
if records.empty:
    st.info(context.t("editui.records_empty"), icon=":material/info:")
else:
    st.caption(context.t("editui.records_count", count=len(records)))
    table = records.assign(
        shown=[
            format_value(v, u, q, lang, ue)
            for v, u, q, ue in zip(
                records["value"], records["unit"], records["qualifier"], records["unit_en"], strict=True
            )
        ],
        as_of_text=[format_date(d, lang) for d in records["as_of"]],
        where=records[f"source_{lang}"],
        changed=editing_ui.last_changed_texts("progress", records, context),
    )
    columns = {
        f"label_{lang}": "metric",
        f"region_{lang}": "region",
        "as_of_text": "as_of",
        "shown": "value",
        "where": "source",
        "note": "note",
        "changed": "changed",
    }
    render.table(table, columns, context)

st.subheader(context.t("editui.edit_heading_progress"))
editor = editing_ui.account_box(context, "progress", context.t("editui.viewer_hint_progress"))
if editor is not None:
    editing_ui.edit_section("progress", context, editor)
editing_ui.history_section("progress", context, editor)
