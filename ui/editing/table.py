"""Editing a table in place: the data editor with an editor per column, and the problems of the edited
table by row and column."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import editing, updates
from metrics.editors import Editor
from metrics.i18n import text
from metrics.numbers import ABOUT, AT_LEAST
from metrics.registry import DEFAULT_REGION, Registry
from ui.context import Context
from ui.editing.review import PROBLEM_STYLE, PROBLEMS_LISTED, changes_from, notes, problem_listing
from ui.editing.save import save_button
from ui.editing.state import EditState, table_key
from ui.render import markdown_text

_QUALIFIERS = ("=", AT_LEAST, ABOUT)


def column_config(kind: str, lang: str, registry: Registry) -> dict:
    """Headers in the viewer's language, and the right editor per column: choices show names, not ids."""
    metrics = registry.metrics.set_index("metric_id")[f"label_{lang}"].to_dict()
    regions = registry.regions.set_index("region_id")[f"name_{lang}"].to_dict()
    config = {}
    for column in updates.KINDS[kind].columns:
        label = editing.label(column, lang)
        if column == "metric_id":
            config[column] = st.column_config.SelectboxColumn(
                label, options=list(metrics), format_func=lambda v: metrics.get(v, v), required=True
            )
        elif column == "region_id":
            config[column] = st.column_config.SelectboxColumn(
                label,
                options=list(regions),
                format_func=lambda v: regions.get(v, v),
                required=True,
                default=DEFAULT_REGION,
            )
        elif column in editing.DATE_COLUMNS:
            config[column] = st.column_config.DateColumn(label, format="YYYY-MM-DD", required=True)
        elif column in editing.NUMBER_COLUMNS:
            config[column] = st.column_config.NumberColumn(
                label, min_value=0, format="localized", required=True, help=text("editui.number_help", lang)
            )
        elif column == "qualifier":
            config[column] = st.column_config.SelectboxColumn(
                label,
                options=list(_QUALIFIERS),
                format_func=lambda v: text(f"editing.qualifier.{v}", lang),
                default="=",
            )
        elif column == "source":
            config[column] = st.column_config.TextColumn(label, help=text("editui.source_help", lang))
        else:
            config[column] = st.column_config.TextColumn(label)
    return config


def _editable(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Numbers as floats even when the table is empty, so the number column stays a number column."""
    number = next(column for column in editing.NUMBER_COLUMNS if column in updates.KINDS[kind].columns)
    return frame.astype({number: "float64"})


def edit_table(kind: str, context: Context, editor: Editor, state: EditState, registry: Registry) -> None:
    """The table to edit in place; its problems by row and column, or the preview and the save button."""
    st.caption(context.t("editui.table_help"))
    edited = st.data_editor(
        _editable(state.start, kind),
        key=table_key(kind, state.generation),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config=column_config(kind, context.lang, registry),
    )
    state.edited = edited
    if edited.empty and state.base_frame.empty:  # an empty table left empty (not a file with no rows)
        st.caption(context.t("editui.no_changes"))
        return
    result = updates.check_table(kind, edited, registry)
    if not result.ok:
        _table_problems(kind, result.table_problems, edited, context)
        return
    notes([problem.message(context.lang) for problem in result.table_problems], context)
    save_button(
        kind,
        context,
        registry,
        state,
        changes_from(kind, state.base_frame, result.parsed.frame),
        source=table_key(kind, state.generation),
        label=context.t("editui.save"),
        key=f"editui_{kind}_save",
        frame=edited,
        write=lambda deletes: updates.apply_table(
            kind, edited, editor, base_version=state.base, confirm_removed=deletes
        ),
    )


def _table_problems(kind: str, problems: list[updates.TableProblem], edited: pd.DataFrame, context: Context) -> None:
    """Each problem by row and column, and the rows concerned with the cells at fault in red."""
    lang = context.lang
    errors = [problem for problem in problems if problem.severity == "error"]
    st.error(context.t("editui.problems_heading", count=len(errors)), icon=":material/error:")
    listing = pd.DataFrame(
        {
            "row": [str(problem.row + 1) if problem.row is not None else "" for problem in errors],
            "column": [editing.label(problem.column, lang) if problem.column else "" for problem in errors],
            "problem": [markdown_text(problem.message(lang)) for problem in errors],
        }
    )
    problem_listing(listing, context, errors)
    # the rows of the problems listed (styling every row of a huge table passes Streamlit's limit)
    cells = {(problem.row, problem.column) for problem in errors[:PROBLEMS_LISTED] if problem.row is not None}
    rows = sorted({row for row, _ in cells})
    if not rows:
        return
    shown = edited.reset_index(drop=True).iloc[rows][list(updates.KINDS[kind].columns)].copy()
    shown.index = [row + 1 for row in rows]
    styles = pd.DataFrame("", index=shown.index, columns=shown.columns)
    for row, column in cells:
        if column in styles.columns:
            styles.loc[row + 1, column] = PROBLEM_STYLE
        else:
            styles.loc[row + 1, :] = PROBLEM_STYLE
    styled = shown.rename(columns=editing.labels(shown.columns, lang))
    styles.columns = styled.columns
    st.caption(context.t("editui.problem_rows"))
    st.dataframe(styled.style.apply(lambda _: styles, axis=None), width="stretch")
