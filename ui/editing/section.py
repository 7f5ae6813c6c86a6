"""The editing section of a table: notices (a save, a newer version, conflicts), then the two ways to change
the table, and reload-and-reapply after someone else saved."""

from __future__ import annotations

import streamlit as st

from metrics import editing, store, updates
from metrics.editors import Editor
from metrics.i18n import text
from metrics.registry import Registry
from ui import data
from ui.context import Context
from ui.editing.state import EditState, edit_state, pending, restart, state_key
from ui.editing.table import edit_table
from ui.editing.upload import upload_file


def edit_section(kind: str, context: Context, editor: Editor) -> None:
    """Notices, then the two ways to change the table: edit it here, or upload a file."""
    registry = Registry.load()
    state = edit_state(kind)
    live = updates.live_version(kind)
    overtaken = None
    if state.confirm is not None and state.confirm[1] != live:
        # Someone saved since a restore was asked for: it is not done (confirming would be refused), and the
        # page opens the new version below. The history section says why, where the restore was asked.
        overtaken, state.confirm = store.StaleVersionError(state.confirm[1], live), None
    if state.base != live and not pending(kind, state):
        restart(kind, state.flash)  # nothing of the editor's would be lost: just open the latest version
        state = edit_state(kind)
    state.overtaken = overtaken or state.overtaken
    table = updates.KINDS[kind].table
    # The build's verdict, which the banner at the top of the page shows too (a header-only file is fine).
    live_ok = all(name != f"{table}.csv" for name, _ in data.run_state().problems)
    _notices(kind, context, state, updates.live_version(kind), live_ok)
    if not live_ok:
        # Merging with a file that does not parse would lose its rows: only a whole new file, or a rollback.
        upload_file(kind, context, editor, state, registry, live_ok=False)
        return
    table_tab, upload_tab = st.tabs([context.t("editui.tab_table"), context.t("editui.tab_upload")])
    with table_tab:
        edit_table(kind, context, editor, state, registry)
    with upload_tab:
        upload_file(kind, context, editor, state, registry, live_ok=True)


def _notices(kind: str, context: Context, state: EditState, live: str, live_ok: bool) -> None:
    if state.flash:
        level, message = state.flash
        state.flash = None
        if level == "success":
            st.success(message, icon=":material/check_circle:")
            st.toast(message, icon=":material/check_circle:")  # seen wherever the page is scrolled to
        else:
            st.info(message, icon=":material/info:")
    if state.conflicts is not None and not state.conflicts.empty:
        st.warning(context.t("editui.conflicts_heading", count=len(state.conflicts)), icon=":material/call_split:")
        shown = editing.describe_conflicts(kind, state.conflicts, context.lang)
        st.dataframe(shown.rename(columns=editing.labels(shown.columns, context.lang)), hide_index=True)
    if not state.base_found:
        st.warning(context.t("editing.base_missing"), icon=":material/warning:")
    if not live_ok:
        st.warning(context.t("editui.live_invalid", file=f"{updates.KINDS[kind].table}.csv"), icon=":material/block:")
        return
    if live != state.base:
        if state.refused is not None:
            st.error(editing.stale_message(kind, state.refused, context.lang), icon=":material/sync_problem:")
        else:
            who, when = _who_saved(kind, live, context.lang)
            st.warning(context.t("editui.newer_version", who=who, when=when, live=live), icon=":material/sync:")
        st.button(
            context.t("editui.reapply"),
            key=f"editui_{kind}_reapply",
            type="primary",
            icon=":material/sync:",
            on_click=_reapply,
            args=(kind, context.lang),
        )
    else:
        st.caption(_based_on(kind, state.base, context.lang))


def _who_saved(kind: str, version: str, lang: str) -> tuple[str, str]:
    entry = next((entry for entry in updates.versions(kind) if entry.version == version), None)
    who = entry.editor if entry and entry.editor else text("editing.stale_unknown_who", lang)
    return who, entry.saved_at_text if entry else ""


def _based_on(kind: str, version: str, lang: str) -> str:
    entry = next((entry for entry in updates.versions(kind) if entry.version == version), None)
    if entry is None:
        return text("editui.based_on_file", lang, version=version)
    return text("editui.based_on", lang, version=version, when=entry.saved_at_text)


def _reapply(kind: str, lang: str) -> None:
    """The reload button's callback: the editor's table (or refused upload) replayed onto the latest version."""
    state = edit_state(kind)
    mine = next(frame for frame in (state.refused_frame, state.edited, state.start) if frame is not None)
    reapplied = updates.reapply(kind, mine, state.base)
    latest = updates.frame_at_version(kind, reapplied.base_version)
    fresh = EditState(
        base=reapplied.base_version,
        base_frame=latest if latest is not None else updates.current_frame(kind, Registry.load()),
        start=reapplied.frame.reset_index(drop=True),
        generation=state.generation + 1,
        conflicts=reapplied.conflicts,
        base_found=reapplied.base_found,
        flash=("info", text("editui.reapplied", lang, version=reapplied.base_version)),
    )
    st.session_state[state_key(kind)] = fresh
