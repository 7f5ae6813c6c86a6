"""进展录入 Progress records: the figures officials report after the reply; editors enter them here."""

from __future__ import annotations

import streamlit as st

from metrics import report
from ui import data, exports, render
from ui import editing as editing_ui
from ui.context import Context, current

# The value and its date beside the metric: on a phone the grid shows about three columns before its own scroll.
COLUMNS = {
    "label": "metric",
    "shown": "value",
    "as_of_text": "as_of",
    "region": "region",
    "where": "source",
    "note": "note",
    "changed": "changed",
}


def records_table(context: Context):
    """The records of the regions in view, newest first, formatted for the viewer's language.

    Only the selected region (and the county groups it shows): at province scale all records are a
    million rows, which no one reads in a table and which took seconds to format on every view.
    """
    lang = context.lang
    figures = data.reader(context.as_of).figures(context.region_id)
    records = report.progress_records(figures)
    changed = editing_ui.last_changed_texts("progress", records, context)
    return report.records_table(records, lang, changed)[list(COLUMNS)]


context = current()
region_name = render.markdown_text(data.reader(context.as_of).region(context.region_id)[f"name_{context.lang}"])
render.page_header(context, "page.progress")
st.caption(context.t("editui.progress_intro"))

# What the dashboard serves (the last valid records, even while progress.csv is being fixed).
st.subheader(context.t("editui.records_heading"))
# Keyed on the history too: the table says when each row last changed.
table = editing_ui.history_derived(
    "progress", ("progress_records", context.region_id, context.lang, context.as_of), lambda: records_table(context)
)
if table.empty:
    st.info(context.t("editui.records_empty", region=region_name), icon=":material/info:")
else:
    st.caption(context.t("editui.records_count", count=len(table), region=region_name))
    render.table(table, COLUMNS, context)
    exports.records_xlsx(context, data.reader(context.as_of).figures(context.region_id))

st.subheader(context.t("editui.edit_heading_progress"))
editor = editing_ui.account_box(context, "progress", context.t("editui.viewer_hint_progress"))
if editor is not None:
    editing_ui.edit_section("progress", context, editor)
editing_ui.history_section("progress", context, editor)
