"""数据来源 Sources: every figure with its section, words of the reply, date and source; searchable,
filterable, downloadable for Excel."""

from __future__ import annotations

import streamlit as st

from metrics import frames, narrative, report
from metrics.i18n import format_date
from metrics.intake.recording import intake_document_text
from ui import data, exports, render
from ui.context import current

context = current()
lang = context.lang
reader = data.reader(context.as_of)
render.page_header(context, "page.sources")

st.subheader(context.t("sources.document"))
sources = reader.sources()  # for an earlier update, the documents issued by then
documents = data.derived(
    ("source_documents", lang, context.as_of),
    lambda: [
        intake_document_text(row, lang)
        if str(row["file"]).startswith("documents/")
        else report.document_text(row, lang)
        for row in frames.rows(sources)
    ],
)
for document in documents:
    st.markdown(render.markdown_text(document))  # titles, issuers, file names: text from the CSVs
if context.as_of is not None:  # an earlier update: the documents issued since are left out, and said so
    later = len(data.reader(None).sources()) - len(sources)
    if later:
        st.caption(context.t("sources.later_documents", count=later, date=format_date(context.as_of, lang)))

st.subheader(context.t("sources.figures"))
# The figures of the selected region (and the county groups it shows), as every other page: at
# province scale all regions together are a million rows, seconds to format on every view.
figures = reader.figures(context.region_id)
view = (context.region_id, lang, context.as_of)
table = data.derived(("source_table", *view), lambda: report.source_table(figures, lang))
categories, sections = data.derived(
    ("source_choices", *view),
    lambda: (list(figures["category"].dropna().unique()), sorted(figures["section"].dropna().unique())),
)
search_column, category_column, section_column = st.columns([3, 2, 2])
query = search_column.text_input(context.t("sources.search"), key="sources_search")
all_label = context.t("sources.all")
category = category_column.selectbox(
    context.t("sources.category"),
    [all_label, *categories],
    format_func=lambda c: c if c == all_label else context.t(f"category.{c}"),
)
section = section_column.selectbox(
    context.t("sources.section"),
    [all_label, *sections],
    format_func=lambda s: s if s == all_label else narrative.section_words(s, lang) or s,
)

shown = report.filter_sources(
    table, figures, query, None if category == all_label else category, None if section == all_label else section
)
region_name = render.markdown_text(reader.region(context.region_id)[f"name_{lang}"])
st.caption(context.t("sources.shown", shown=len(shown), total=len(table), region=region_name))
render.table(shown, {name: name for name in report.SOURCE_COLUMNS}, context)
st.download_button(
    context.t("sources.download"),
    data=lambda: report.source_download(shown, figures, lang),  # written when clicked, not on every view
    on_click="ignore",
    file_name=f"huangshi_iiot_figures_{lang}.csv",
    mime="text/csv",
    icon=":material/download:",
)
exports.figures_xlsx(context, lambda: report.shown_figures(shown, figures))  # the rows on screen, as the CSV

st.subheader(context.t("sources.targets"))
targets = reader.targets(context.region_id)
targets = data.derived(
    ("source_targets", context.region_id, context.as_of, lang),
    lambda: targets.assign(
        shown=report.target_texts(targets, lang),
        section=[narrative.section_words(section, lang) for section in targets["section"].fillna("")],
        evidence=[  # the source's words as written, the English beside them on an English page
            narrative.quote_words(words, english, lang)
            for words, english in zip(targets["evidence"], targets["evidence_en"], strict=True)
        ],
    ),
)
render.table(
    targets, {f"label_{lang}": "metric", "shown": "target", "section": "section", "evidence": "evidence"}, context
)
