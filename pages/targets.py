"""目标 Targets: every target by metric, region and period, where it came from; editors change them here."""

from __future__ import annotations

import streamlit as st

from metrics import narrative, report, store, updates
from metrics.i18n import format_date
from ui import data, exports, render
from ui import editing as editing_ui
from ui.context import Context, current


def targets_table(targets, context: Context):
    """The region's targets as the table shows them (formatted once per data version and language)."""
    lang = context.lang
    return targets.assign(
        period=[
            f"{format_date(s, lang)} – {format_date(e, lang)}"
            for s, e in zip(targets["period_start"], targets["period_end"], strict=True)
        ],
        shown=report.target_texts(targets, lang),
        where=targets[f"source_{lang}"].fillna(targets["source"]).fillna(""),
        changed=editing_ui.last_changed_texts("targets", targets, context),
        # an empty cell is blank, not "None"
        section=[narrative.section_words(section, lang) for section in targets["section"].fillna("")],
        # the source's words as written, with the English beside them on an English page
        evidence=[
            narrative.quote_words(words, english, lang)
            for words, english in zip(targets["evidence"], targets["evidence_en"], strict=True)
        ],
        note=narrative.in_language(targets["note"], targets["note_en"], lang),
    )


def untargeted_lines(progress, context: Context) -> list[str]:
    """One list line per category: the metrics that have figures but no target."""
    untargeted = progress[progress["status"] == "no_target"]
    return [
        f"- **{context.t(f'category.{category}')}**{'：' if context.lang == 'zh' else ': '}"
        + render.markdown_text(context.t("words.list_separator").join(rows[f"label_{context.lang}"]))
        for category, rows in untargeted.groupby("category", sort=False)
    ]


context = current()
lang = context.lang
reader = data.reader(context.as_of)
render.page_header(context, "page.targets")


# The selected region's targets (and its county groups'), as every page follows the sidebar's region:
# a province's file holds thousands, and the download below gives the whole file.
targets = reader.targets(context.region_id)
region_name = render.markdown_text(reader.region(context.region_id)[f"name_{lang}"])
changed = store.last_changed("targets")
st.subheader(context.t("targets.heading"))
if changed is None:
    st.caption(context.t("targets.count_unchanged", count=len(targets), region=region_name))
else:
    st.caption(context.t("targets.count", count=len(targets), region=region_name, changed=f"{changed:%Y-%m-%d %H:%M}"))
if context.as_of is not None:  # an earlier update: the targets of documents issued since are left out, and said so
    later = len(data.reader(None).targets(context.region_id)) - len(targets)
    if later:
        st.caption(context.t("targets.later_documents", count=later, date=format_date(context.as_of, lang)))
if targets.empty:
    st.info(context.t("empty.no_target"), icon=":material/info:")
else:
    table = editing_ui.history_derived(
        "targets", ("targets_table", context.region_id, context.as_of, lang), lambda: targets_table(targets, context)
    )
    columns = {
        # The target beside its metric: a phone's grid shows about three columns before its own scroll.
        f"label_{lang}": "metric",
        "shown": "target",
        "period": "period",
        f"region_{lang}": "region",
        "where": "source",
        "section": "section",
        "evidence": "evidence",
        "note": "note",
        "changed": "changed",
    }
    render.table(table, columns, context)
    st.download_button(
        context.t("targets.download"),
        data=lambda: updates.download_bytes("targets"),  # read when clicked: the file as it is then
        on_click="ignore",
        file_name="targets.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    exports.targets_xlsx(context, targets)

st.subheader(context.t("targets.untargeted"))
progress = reader.progress(context.region_id)
lines = data.derived(
    ("untargeted", context.region_id, context.as_of, lang), lambda: untargeted_lines(progress, context)
)
if lines:
    st.caption(context.t("targets.untargeted_text"))
    st.markdown("\n".join(lines))

st.subheader(context.t("editui.edit_heading_targets"))
editor = editing_ui.account_box(context, "targets", context.t("editui.viewer_hint_targets"))
if editor is not None:
    editing_ui.edit_section("targets", context, editor)
editing_ui.history_section("targets", context, editor)
