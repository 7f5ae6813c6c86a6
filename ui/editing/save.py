"""Saving, from the table or a file alike: the preview and its save button, then the write, from the version
the editor opened."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from metrics import editing, store, updates
from metrics.editors import NotAuthorised
from metrics.registry import Registry
from ui import data
from ui.context import Context
from ui.editing.review import notes, preview
from ui.editing.state import EditState, restart


def save_button(
    kind: str,
    context: Context,
    registry: Registry,
    state: EditState,
    changes: pd.DataFrame,
    *,
    source: str,
    label: str,
    key: str,
    frame: pd.DataFrame,
    write: Callable[[int], updates.UpdateResult],
) -> None:
    """The editor's changes previewed, then the save button, disabled while a deletion awaits its tick.

    `source` is the key of the widget the changes came from (the table or the uploader); `frame` is what
    the save holds, kept for reload-and-reapply if it is refused as stale; `write(deletes)` saves,
    confirming the number of rows it deletes."""
    if changes.empty:
        st.caption(context.t("editui.no_changes"))
        return
    if kind == "progress":  # a figure far from its region's figure before it: a slip to check, not a refusal
        figures = editing.stored_figures(changes, lambda region: data.fetch("figures_for_region", region_id=region))
        notes(editing.magnitude_notes(changes, figures, registry, context.lang), context)
    deletes = preview(kind, changes, context, registry, source)
    if st.button(label, key=key, type="primary", icon=":material/save:", disabled=deletes is None):
        _save(kind, context, state, frame, lambda: write(deletes or 0))


def _save(kind: str, context: Context, state: EditState, frame: pd.DataFrame, write) -> None:
    """Run a write; on success open the new version, on a stale base keep the work for reload-and-reapply."""
    lang = context.lang
    try:
        result = write()
    except NotAuthorised as refused:
        st.error(refused.message(lang), icon=":material/lock:")
        return
    except store.StaleVersionError as error:
        state.refused, state.refused_frame = error, frame
        st.rerun()
    except updates.DeletionNotConfirmed as refused:
        st.error(refused.message(lang), icon=":material/delete:")
        return
    if not result.ok:
        st.error(context.t("editui.problems_heading", count=len(result.parsed.errors)), icon=":material/error:")
        return
    if result.saved is None and result.build_problems:  # the rebuild could not be written: not saved
        st.error("\n\n".join(item.message(lang) for _, item in result.build_problems), icon=":material/error:")
        return
    data.begin_run()  # the rest of this view, and a rerun that skips dashboard.py, read the new version
    if result.saved is None or not result.saved.changed:
        restart(kind, ("info", context.t("editui.saved_unchanged")))
    else:
        message = context.t("editui.saved", version=result.saved.version, summary=editing.summary(result.counts, lang))
        if result.build_problems:
            message += "\n\n" + context.t("editui.saved_build_problems")
        restart(kind, ("success", message))
    st.rerun()
