"""A table's history: every version with when, who and what changed, download and rollback; and when each
row last changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st

from metrics import editing, row_history, store, updates
from metrics.editors import Editor, NotAuthorised
from ui import data
from ui.context import Context
from ui.editing.state import EditState, edit_state, restart
from ui.render import markdown_text

T = TypeVar("T")


def history_derived(kind: str, key: tuple, build: Callable[[], T]) -> T:
    """A value computed from a table's history (its log and which version is live), shared until either
    changes. Not keyed on the data version alone: a rollback brings back an earlier version's content while
    the log has grown, and the history, row changes and who saved must follow the log."""
    table = updates.KINDS[kind].table
    return data.derived_from_files(("history", kind, *key), store.history_files(table), build)


def history_section(kind: str, context: Context, editor: Editor | None) -> None:
    """Every version with when, who and what changed; download any; editors may restore one."""
    lang = context.lang
    st.subheader(context.t("editui.history_heading"))
    history = history_derived(kind, ("history", lang), lambda: editing.history_table(kind, lang))
    if history.empty:
        st.caption(context.t("editui.history_empty"))
        return
    order = ["saved_at", "editor", "action", "summary", "detail", "version", "live"]
    shown = history[order].replace({"editor": {"": "—"}})
    shown = shown.rename(columns=editing.labels(shown.columns, lang))
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={editing.label("live", lang): st.column_config.CheckboxColumn(width="small")},
    )
    entries = history.set_index("snapshot")
    snapshot = st.selectbox(
        context.t("editui.version_choice"),
        list(entries.index),
        format_func=lambda s: " · ".join(
            part
            for part in (
                entries.at[s, "saved_at"],
                entries.at[s, "editor"],
                entries.at[s, "action"],
                entries.at[s, "summary"],
            )
            if part
        ),
        key=f"editui_{kind}_version",
    )
    entry = entries.loc[snapshot]
    buttons = st.container(horizontal=True)
    buttons.download_button(
        context.t("editui.download_version"),
        data=lambda: updates.download_bytes(kind, snapshot),  # read when clicked
        on_click="ignore",
        file_name=editing.version_file_name(kind, snapshot),
        mime="text/csv",
        key=f"editui_{kind}_download_version",
        icon=":material/download:",
    )
    if editor is None:
        return
    state = edit_state(kind)
    if buttons.button(
        context.t("editui.rollback"),
        key=f"editui_{kind}_rollback",
        disabled=bool(entry["live"]),
        help=context.t("editui.rollback_live") if entry["live"] else None,
        icon=":material/history:",
    ):
        preview = updates.rollback_preview(kind, snapshot)
        state.confirm = (snapshot, preview.base_version, preview.counts["removed"] if preview.ok else 0)
    if state.overtaken is not None:  # a restore asked for here, then another save came first (edit_section)
        st.error(
            editing.stale_message(kind, state.overtaken, lang, "editing.stale_rollback"), icon=":material/sync_problem:"
        )
        state.overtaken = None
    if state.confirm is not None and state.confirm[0] != snapshot:
        state.confirm = None  # another version chosen: the question asked of the first one is dropped
    if state.confirm is None:
        return
    question = context.t("editui.rollback_confirm", saved_at=entry["saved_at"], version=entry["version"])
    if state.confirm[2]:
        question = f"**{context.t('audit.rollback_deletes', count=state.confirm[2])}**\n\n{question}"
    st.warning(question, icon=":material/history:")
    answer = st.container(horizontal=True)
    yes = answer.button(context.t("editui.rollback_yes"), key=f"editui_{kind}_rollback_yes", type="primary")
    if answer.button(context.t("editui.cancel"), key=f"editui_{kind}_rollback_no"):
        state.confirm = None
        st.rerun()
    if yes:
        _rollback(kind, context, state, editor, snapshot, entry["version"])


def _rollback(kind: str, context: Context, state: EditState, editor: Editor, snapshot: str, version: str) -> None:
    lang = context.lang
    _, live_then, deletes = state.confirm
    state.confirm = None
    try:
        # confirming the restore confirms the deletions it names
        result = updates.rollback(kind, snapshot, editor, base_version=live_then, confirm_removed=deletes)
    except NotAuthorised as refused:
        st.error(refused.message(lang), icon=":material/lock:")
        return
    except store.StaleVersionError as error:  # another save since the restore was asked for
        st.error(editing.stale_message(kind, error, lang, "editing.stale_rollback"), icon=":material/sync_problem:")
        return
    except updates.DeletionNotConfirmed as refused:
        st.error(refused.message(lang), icon=":material/delete:")
        return
    if not result.ok:
        st.error(context.t("editui.rollback_refused"), icon=":material/error:")
        st.markdown("\n".join(f"- {markdown_text(problem.message(lang))}" for problem in result.parsed.errors))
        return
    data.begin_run()
    # A version is named by its content, and the old bytes are restored exactly: the live version's name is
    # the restored one's, so the message names it once (the history's new line records the rollback).
    restart(kind, ("success", context.t("editui.rolled_back", version=version)))
    st.rerun()


def last_changed_texts(kind: str, frame: pd.DataFrame, context: Context) -> list[str]:
    """For each row of `frame` (with the table's key columns), when and by whom it last changed, or '—'.

    A page that caches these texts keys them with history_derived, as they follow the log."""
    changes = history_derived(kind, ("last_changes",), lambda: row_history.last_changes(kind))
    if changes.empty:  # no recorded save: nothing to match, whatever the number of rows
        return ["—"] * len(frame)
    key = list(updates.KINDS[kind].key)
    known = {
        row_key: context.t("editui.changed_by", when=saved_at[:16], editor=who or "—")
        for row_key, saved_at, who in zip(_row_keys(changes, key), changes["saved_at"], changes["editor"], strict=True)
    }
    return [known.get(row_key, "—") for row_key in _row_keys(frame, key)]


def _row_keys(frame: pd.DataFrame, columns: list[str]) -> list[tuple[str, ...]]:
    """Each row's key as text, dates as YYYY-MM-DD whether they came from a CSV, pandas or DuckDB."""
    texts = [
        pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d")
        if column in editing.DATE_COLUMNS
        else frame[column].astype(str)
        for column in columns
    ]
    return list(zip(*texts, strict=True))
