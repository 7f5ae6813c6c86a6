"""Editing from the browser, shared by the targets and progress pages: the editor's sign-in, kept on the
server in session state; edit a table or upload a file; problems per cell; a preview; saving from the
version the editor opened; reload and reapply after someone else saved; history, download and rollback.

Nothing here decides who may write. The session's Editor object is handed to metrics.updates on every
save, and it verifies the sign-in at the moment of writing; what this module checks only decides what to
draw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd
import streamlit as st

from metrics import editing, editors, importing, row_history, store, updates
from metrics.csvfile import UPLOAD_LIMIT_MB, Problem
from metrics.editors import Editor, LoginRefused, NotAuthorised
from metrics.i18n import text
from metrics.numbers import ABOUT, AT_LEAST
from metrics.registry import DEFAULT_REGION, Registry
from metrics.tablefile import diff_rows
from ui import data
from ui.context import Context
from ui.render import markdown_text

EDITOR_KEY = "editui_editor"
# Reasons a genuine sign-in stops working; the editor keeps the table and signs in again to save.
_LAPSED = ("editors.expired", "editors.signed_out", "editors.account_changed")
_QUALIFIERS = ("=", AT_LEAST, ABOUT)
# The names Excel and WPS give these encodings in their "Save as" dialogs (GB18030 reads every GBK file).
_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "gb18030": "GBK", "utf-16": "Unicode (UTF-16)"}
_PROBLEM = "background-color: #fde2e1; color: #7f1d1d"
_CHANGED = "background-color: #fff4ce"
_ADDED = "background-color: #e3f4e8"
T = TypeVar("T")
PROBLEMS_LISTED = 200  # problems listed one by one (and their rows shown); the rest are counted by kind
PREVIEW_ROWS = 500  # changed rows drawn styled in a preview; the counts cover them all
DELETED_LISTED = 20  # rows a deletion warning names; the rest are counted
_REMOVED = "background-color: #f1f1f1; color: #6b7280; text-decoration: line-through"


# ---------- who is signed in ----------


def session_editor(lang: str) -> tuple[Editor | None, NotAuthorised | None]:
    """The Editor this session signed in with and, if that sign-in has lapsed, why; (None, None) for a viewer.

    Anything else found under EDITOR_KEY (a name, a dict, a forged Editor) is removed: it is not a sign-in.
    """
    value = st.session_state.get(EDITOR_KEY)
    if value is None:
        return None, None
    presented = editors.presented(value, _browser_secret())  # carries this connection's secret to saves
    try:
        return editors.verify(presented), None
    except NotAuthorised as refused:
        if refused.key == "security.other_browser":
            # Another websocket resumed this session with its id: a viewer here. The sign-in stays for
            # the browser that made it, should that browser reconnect.
            return None, None
        if isinstance(value, Editor) and refused.key in _LAPSED:
            return presented, refused
        del st.session_state[EDITOR_KEY]
        return None, None


def _client_id() -> str:
    address = st.context.ip_address  # under AppTest a mock, not an address: no address then
    return address if isinstance(address, str) else ""


def _browser_secret() -> str:
    """This connection's browser secret (ui/serve.py); "" where there is no browser (AppTest)."""
    from ui.serve import browser_secret

    cookies = {key: value for key, value in dict(st.context.cookies).items() if isinstance(value, str)}
    return browser_secret(cookies)


def _sign_in(lang: str) -> None:
    """The sign-in form's callback: check the password; the Editor stays in this session on the server."""
    username = st.session_state.get("editui_username", "")
    password = st.session_state.get("editui_password", "")
    st.session_state["editui_password"] = ""  # the password is not kept, not even in server memory
    browser = _browser_secret()
    if not browser and len(st.context.headers):  # a real browser without its secret: nothing to bind to
        st.session_state["editui_sign_in_error"] = text("security.no_browser_cookie", lang)
        return
    try:
        editor = editors.authenticate(username, password, client_id=_client_id(), browser=browser)
    except LoginRefused as refused:
        st.session_state["editui_sign_in_error"] = refused.message(lang)
        return
    if editor is None:
        st.session_state["editui_sign_in_error"] = text("editors.wrong_password", lang)
        return
    previous = st.session_state.get(EDITOR_KEY)
    if not (isinstance(previous, Editor) and previous.username == editor.username):
        _forget_edits()  # someone else's unsaved table is not theirs to save; one's own lapsed table is kept
    st.session_state[EDITOR_KEY] = editor


def _oidc_sign_in() -> str:
    """After the bureau's single sign-on, the matching Editor joins the session; returns the email when
    the provider vouched for someone who is not an editor."""
    if EDITOR_KEY in st.session_state or not editors.is_oidc_configured() or not st.user.is_logged_in:
        return ""
    email = str(st.user.get("email") or "")
    editor = editors.authenticate_oidc(email, browser=_browser_secret())
    if editor is None:
        return email
    st.session_state[EDITOR_KEY] = editor
    return ""


def sign_out() -> None:
    """End this session's sign-in on the server too, forget its unsaved state, and redraw."""
    editor = st.session_state.pop(EDITOR_KEY, None)
    if isinstance(editor, Editor):
        editors.sign_out(editor)
    _forget_edits()
    if editors.is_oidc_configured() and st.user.is_logged_in:
        st.logout()
    st.rerun()


def _forget_edits() -> None:
    for key in [key for key in st.session_state if str(key).startswith("editui_state_")]:
        del st.session_state[key]


def sidebar_status(context: Context) -> None:
    """In the sidebar on every page: who is signed in as an editor, and a way to sign out."""
    _oidc_sign_in()
    editor, lapsed = session_editor(context.lang)
    if editor is None or lapsed is not None:
        return
    st.sidebar.caption(context.t("editui.sidebar_signed_in", name=editor.display_name))
    if st.sidebar.button(context.t("editui.sign_out"), key="editui_sidebar_sign_out", icon=":material/logout:"):
        sign_out()


def account_box(context: Context, kind: str, viewer_hint: str = "") -> Editor | None:
    """Who is editing, with a sign-out button; or `viewer_hint` and the sign-in box. Returns the session's
    Editor, including a lapsed one (its table stays on screen; saving asks to sign in again), or None."""
    unmatched = _oidc_sign_in()
    editor, lapsed = session_editor(context.lang)
    if editor is not None and lapsed is None:
        status, button = st.columns([5, 1], vertical_alignment="center")
        status.success(
            context.t("editui.signed_in_as", name=editor.display_name, username=editor.username),
            icon=":material/verified_user:",
        )
        if button.button(context.t("editui.sign_out"), key=f"editui_sign_out_{kind}", icon=":material/logout:"):
            sign_out()
        return editor
    if lapsed is not None:
        st.warning(lapsed.message(context.lang), icon=":material/lock_clock:")
    if unmatched:
        st.info(context.t("editui.oidc_not_editor", email=unmatched), icon=":material/info:")
    if editor is None and viewer_hint:
        st.caption(viewer_hint)
    _sign_in_box(context, expanded=lapsed is not None)
    return editor


def _sign_in_box(context: Context, expanded: bool) -> None:
    error = st.session_state.pop("editui_sign_in_error", None)
    with st.expander(context.t("editui.sign_in_heading"), expanded=expanded or bool(error), icon=":material/login:"):
        if error:
            st.error(error, icon=":material/error:")
        # Streamlit's own "Press Enter to submit form" is English only: in a Chinese page it would be the
        # one English line, and Enter signing in is what anyone expects anyway.
        st.html("<style>[data-testid='stForm'] [data-testid='InputInstructions'] {display: none}</style>")
        with st.form("editui_sign_in_form", border=False):
            left, right = st.columns(2)
            left.text_input(context.t("editui.username"), key="editui_username", autocomplete="username")
            right.text_input(
                context.t("editui.password"), type="password", key="editui_password", autocomplete="current-password"
            )
            st.form_submit_button(
                context.t("editui.sign_in"),
                key="editui_sign_in",
                type="primary",
                icon=":material/login:",
                on_click=_sign_in,
                args=(context.lang,),
            )
        if editors.is_oidc_configured():
            if st.button(context.t("editui.sign_in_oidc"), key="editui_oidc", icon=":material/badge:"):
                st.login(editors.oidc_provider())


# ---------- the editing session of one table ----------


@dataclass
class EditState:
    """What one editor has open for one table: the version it is based on and where the table starts."""

    base: str  # the version the editor opened: every save passes it
    base_frame: pd.DataFrame  # that version's rows, to preview the editor's changes against
    start: pd.DataFrame  # what the data editor starts from (the base, or the base with changes reapplied)
    generation: int = 0  # part of the widget keys: a new generation starts a clean table and uploader
    edited: pd.DataFrame | None = None  # the table as last drawn, for "reload and reapply"
    refused: store.StaleVersionError | None = None  # the save that was refused as stale
    refused_frame: pd.DataFrame | None = None  # what that save held
    conflicts: pd.DataFrame | None = None
    base_found: bool = True
    flash: tuple[str, str] | None = None  # (success | info, message) shown once after a save or reload
    # (snapshot, live version, rows it deletes) of a rollback awaiting confirmation
    confirm: tuple[str, str, int] | None = None


def _state_key(kind: str) -> str:
    return f"editui_state_{kind}"


def _fresh(kind: str, generation: int = 0) -> EditState:
    """The live version and its rows, read from one read of the file (a save in between cannot split them)."""
    data = store.read_live(updates.KINDS[kind].table)
    frame = updates.frame_from_bytes(kind, data, Registry.load()).reset_index(drop=True)
    return EditState(store.content_version(data), frame, frame, generation)


def edit_state(kind: str) -> EditState:
    """This session's editing state for a table, opened on first use (that is when base_version is taken)."""
    if _state_key(kind) not in st.session_state:
        st.session_state[_state_key(kind)] = _fresh(kind)
    return st.session_state[_state_key(kind)]


def table_key(kind: str, generation: int = 0) -> str:
    """The data editor's widget key (tests set its edits through session state)."""
    return f"editui_{kind}_table_{generation}"


def _restart(kind: str, flash: tuple[str, str] | None) -> None:
    """After a save or rollback: open the new live version, with a clean table and uploader."""
    state = _fresh(kind, edit_state(kind).generation + 1)
    state.flash = flash
    st.session_state[_state_key(kind)] = state


def _upload_key(kind: str, generation: int) -> str:
    return f"editui_{kind}_upload_{generation}"


def _pending(kind: str, state: EditState) -> bool:
    """Whether the editor has work on screen that a newer version must not silently replace."""
    edits = st.session_state.get(table_key(kind, state.generation)) or {}
    edited = any(edits.get(part) for part in ("edited_rows", "added_rows", "deleted_rows"))
    uploaded = st.session_state.get(_upload_key(kind, state.generation)) is not None
    return edited or uploaded or state.refused is not None or state.start is not state.base_frame


def edit_section(kind: str, context: Context, editor: Editor) -> None:
    """Notices, then the two ways to change the table: edit it here, or upload a file."""
    registry = Registry.load()
    state = edit_state(kind)
    if state.base != updates.live_version(kind) and not _pending(kind, state):
        _restart(kind, state.flash)  # nothing of the editor's would be lost: just open the latest version
        state = edit_state(kind)
    table = updates.KINDS[kind].table
    # The build's verdict, which the banner at the top of the page shows too (a header-only file is fine).
    live_ok = all(name != f"{table}.csv" for name, _ in data.run_state().problems)
    _notices(kind, context, state, updates.live_version(kind), live_ok)
    if not live_ok:
        # Merging with a file that does not parse would lose its rows: only a whole new file, or a rollback.
        _upload(kind, context, editor, state, registry, live_ok=False)
        return
    table_tab, upload_tab = st.tabs([context.t("editui.tab_table"), context.t("editui.tab_upload")])
    with table_tab:
        _table(kind, context, editor, state, registry)
    with upload_tab:
        _upload(kind, context, editor, state, registry, live_ok=True)


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
    st.session_state[_state_key(kind)] = fresh


# ---------- edit in the table ----------


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


def _table(kind: str, context: Context, editor: Editor, state: EditState, registry: Registry) -> None:
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
    _notes([problem.message(context.lang) for problem in result.table_problems], context)
    changes = _changes(kind, state.base_frame, result.parsed.frame)
    if changes.empty:
        st.caption(context.t("editui.no_changes"))
        return
    deletes = _preview(kind, changes, context, registry, f"editui_{kind}_table_{state.generation}")
    if st.button(
        context.t("editui.save"),
        key=f"editui_{kind}_save",
        type="primary",
        icon=":material/save:",
        disabled=deletes is None,
    ):
        _save(
            kind,
            context,
            state,
            edited,
            lambda: updates.apply_table(kind, edited, editor, base_version=state.base, confirm_removed=deletes or 0),
        )


def _changes(kind: str, before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The editor's changes against the version they opened (not the live one, which may have moved on)."""
    spec = updates.KINDS[kind]
    if after.empty:
        after = pd.DataFrame(columns=list(spec.columns))
    return diff_rows(before, after, list(spec.key), list(spec.values))


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
    _problem_listing(listing, context, errors)
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
            styles.loc[row + 1, column] = _PROBLEM
        else:
            styles.loc[row + 1, :] = _PROBLEM
    styled = shown.rename(columns=editing.labels(shown.columns, lang))
    styles.columns = styled.columns
    st.caption(context.t("editui.problem_rows"))
    st.dataframe(styled.style.apply(lambda _: styles, axis=None), width="stretch")


def _problem_listing(listing: pd.DataFrame, context: Context, problems: list | None = None) -> None:
    """Row, column and message; a static table, so long messages wrap instead of being cut off.

    A file with thousands of problems gets the count of each kind (`problems`: the Problems listed) and its
    first PROBLEMS_LISTED problems: a page of 100,000 never finished drawing."""
    if len(listing) > PROBLEMS_LISTED:
        if problems:
            st.table(_problem_kinds(problems, context), hide_index=True, border="horizontal")
        st.caption(context.t("audit.problems_first", shown=PROBLEMS_LISTED, total=len(listing)))
        listing = listing.head(PROBLEMS_LISTED)
    headers = {name: context.t(f"editui.column.{name}") for name in ("row", "column", "problem")}
    st.table(listing.rename(columns=headers), hide_index=True, border="horizontal")


def _problem_kinds(problems: list, context: Context) -> pd.DataFrame:
    """One row per kind of problem, most frequent first: how many, and the first of them as an example."""
    counts: dict[str, int] = {}
    examples: dict[str, str] = {}
    for item in problems:
        counts[item.code] = counts.get(item.code, 0) + 1
        examples.setdefault(item.code, item.message(context.lang))
    kinds = sorted(counts, key=lambda code: -counts[code])
    return pd.DataFrame(
        {
            context.t("audit.problem_kind"): [examples[code] for code in kinds],
            context.t("audit.problem_count"): [str(counts[code]) for code in kinds],
        }
    )


def _notes(messages: list[str], context: Context) -> None:
    """Warnings that do not stop a save (rows skipped because they were left empty, for instance)."""
    if messages:
        st.info(f"**{context.t('editui.notes_heading')}**\n\n" + "\n".join(f"- {markdown_text(m)}" for m in messages))


def _preview(kind: str, changes: pd.DataFrame, context: Context, registry: Registry, key: str) -> int | None:
    """Each changed row with old → new, added rows in green, removed rows struck through; the first
    PREVIEW_ROWS of them styled (a 100,000-row file would pass Streamlit's limit of styled cells), with the
    counts of all. Rows it deletes are listed apart and must be confirmed by their number.

    Returns the number of rows the editor confirmed deleting (0 when none are deleted), or None while a
    deletion awaits confirmation: saving stays disabled."""
    lang = context.lang
    counts = {change: int((changes["change"] == change).sum()) for change in ("added", "changed", "removed")}
    st.markdown(f"**{context.t('editui.preview_heading', summary=editing.summary(counts, lang))}**")
    shown_changes = changes.head(PREVIEW_ROWS)
    if len(changes) > len(shown_changes):
        st.caption(context.t("audit.preview_first", shown=len(shown_changes), total=len(changes)))
    described = editing.describe_changes(kind, shown_changes, lang, registry)
    kinds = shown_changes["change"].tolist()

    def colour(frame: pd.DataFrame) -> pd.DataFrame:
        styles = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for position, change in enumerate(kinds):
            if change == "added":
                styles.iloc[position, :] = _ADDED
            elif change == "removed":
                styles.iloc[position, :] = _REMOVED
            else:
                styles.iloc[position, :] = [_CHANGED if " → " in str(v) else "" for v in frame.iloc[position]]
        return styles

    spec = updates.KINDS[kind]
    # The key columns, and the value columns that say something: changed, or in an added or removed row.
    said = [
        column
        for column in spec.values
        if any(
            (change != "changed" and value) or " → " in value
            for change, value in zip(kinds, described[column], strict=True)
        )
    ]
    described = described[["change", *spec.key, *said]]
    shown = described.rename(columns=editing.labels(described.columns, lang))
    st.dataframe(shown.style.apply(colour, axis=None), hide_index=True, width="stretch")
    return _confirm_deletions(kind, changes, counts["removed"], context, registry, key)


def _confirm_deletions(
    kind: str, changes: pd.DataFrame, count: int, context: Context, registry: Registry, key: str
) -> int | None:
    """A save that deletes rows says so, names them, and needs a tick naming their number; a different
    number is a different checkbox, so a changed deletion is never saved on an earlier tick."""
    if not count:
        return 0
    removed = changes[changes["change"] == "removed"]
    listed = editing.describe_changes(kind, removed.head(DELETED_LISTED), context.lang, registry)
    lines = [
        "- " + " · ".join(str(row[column]) for column in updates.KINDS[kind].key if row[column])
        for row in listed.to_dict("records")
    ]
    if count > len(listed):
        lines.append("- " + context.t("audit.delete_more", count=count - len(listed)))
    st.warning(f"**{context.t('audit.delete_heading', count=count)}**\n\n" + "\n".join(lines), icon=":material/delete:")
    confirmed = st.checkbox(context.t("audit.delete_confirm", count=count), key=f"{key}_confirm_delete_{count}")
    return count if confirmed else None


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
        _restart(kind, ("info", context.t("editui.saved_unchanged")))
    else:
        message = context.t("editui.saved", version=result.saved.version, summary=editing.summary(result.counts, lang))
        if result.build_problems:
            message += "\n\n" + context.t("editui.saved_build_problems")
        _restart(kind, ("success", message))
    st.rerun()


# ---------- upload a file ----------


def _upload(
    kind: str, context: Context, editor: Editor, state: EditState, registry: Registry, *, live_ok: bool
) -> None:
    st.caption(context.t("files.upload_help", limit=UPLOAD_LIMIT_MB))
    st.download_button(
        context.t("editui.template"),
        data=editing.template_bytes(kind, registry),
        file_name=editing.template_file_name(kind),
        mime="text/csv",
        key=f"editui_{kind}_template",
        icon=":material/download:",
    )
    uploaded = st.file_uploader(
        context.t("files.upload_label", limit=UPLOAD_LIMIT_MB),
        type=["csv", "txt", "xlsx", "xls"],  # an old .xls is refused by the importer, with what to do instead
        key=_upload_key(kind, state.generation),
    )
    if uploaded is None:
        return
    too_large = importing.upload_too_large(uploaded.size)
    if too_large is not None:  # Streamlit's own limit is the same number (config.toml); this says it in words
        st.error(too_large.message(context.lang), icon=":material/error:")
        return
    content = uploaded.getvalue()
    result = updates.check(kind, content, registry)
    if not result.ok:
        _file_problems(result.parsed, content, context)
        return
    name = markdown_text(uploaded.name)  # the file's name is the uploader's text, not markdown
    if result.parsed.sheet:
        read = context.t(
            "files.upload_read_sheet",
            name=name,
            sheet=markdown_text(result.parsed.sheet),
            rows=len(result.parsed.frame),
        )
    else:
        encoding = _ENCODING_NAMES.get(result.parsed.encoding, result.parsed.encoding)
        read = context.t("editui.upload_read", name=name, encoding=encoding, rows=len(result.parsed.frame))
    st.caption(read)
    _notes([problem.message(context.lang) for problem in result.parsed.warnings], context)
    # A broken live file is replaced as a whole: compare with (and base the save on) what is live now.
    changes = _changes(kind, state.base_frame, result.parsed.frame) if live_ok else result.changes
    base = state.base if live_ok else result.base_version
    if changes.empty:
        st.caption(context.t("editui.no_changes"))
        return
    deletes = _preview(kind, changes, context, registry, f"editui_{kind}_upload_{state.generation}")
    if st.button(
        context.t("editui.upload_save"),
        key=f"editui_{kind}_upload_save",
        type="primary",
        icon=":material/save:",
        disabled=deletes is None,
    ):
        _save(
            kind,
            context,
            state,
            result.parsed.frame,
            lambda: updates.apply(
                kind, content, editor, base_version=base, detail=uploaded.name, confirm_removed=deletes or 0
            ),
        )


def _file_problems(parsed, content: bytes, context: Context) -> None:
    """An uploaded file's problems by line and column, and its lines concerned with the cells in red."""
    errors = parsed.errors
    st.error(context.t("editui.problems_heading", count=len(errors)), icon=":material/error:")
    listing = pd.DataFrame(
        {
            "row": [str(problem.line) if problem.line is not None else "" for problem in errors],
            "column": [markdown_text(_column_name(problem)) for problem in errors],
            "problem": [markdown_text(problem.message(context.lang)) for problem in errors],  # cells quoted
        }
    )
    _problem_listing(listing, context, errors)
    _notes([problem.message(context.lang) for problem in parsed.warnings], context)  # which row is the header
    listed = errors[:PROBLEMS_LISTED]
    lines = _file_lines(content, parsed, {problem.line for problem in listed} | {parsed.header_line})
    cells = {(problem.line, problem.column) for problem in listed if problem.line in lines}
    if not lines or not cells:
        return
    header = lines.get(parsed.header_line, [])
    wanted = sorted({line for line, _ in cells})
    width = max(len(header), *(len(lines[line]) for line in wanted))
    columns = [_letter(i) + (f" {header[i]}" if i < len(header) else "") for i in range(width)]
    shown = pd.DataFrame([lines[line] + [""] * (width - len(lines[line])) for line in wanted], index=wanted)
    shown.columns = columns
    styles = pd.DataFrame("", index=shown.index, columns=shown.columns)
    for line, column in cells:
        if column is not None and 0 < column <= width:
            styles.iloc[wanted.index(line), column - 1] = _PROBLEM
        else:
            styles.iloc[wanted.index(line), :] = _PROBLEM
    st.caption(context.t("editui.problem_rows"))
    st.dataframe(shown.style.apply(lambda _: styles, axis=None), width="stretch")


def _column_name(problem: Problem) -> str:
    if problem.column is None:
        return problem.column_name
    return f"{_letter(problem.column - 1)} {problem.column_name}".strip()


def _letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column letters Excel shows."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _file_lines(content: bytes, parsed, wanted: set[int]) -> dict[int, list[str]]:
    """The cells of the wanted lines (or sheet rows), split as the importer split them."""
    return importing.file_rows(content, parsed, wanted)


# ---------- history ----------


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
    if state.confirm is None or state.confirm[0] != snapshot:
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
    except store.StaleVersionError as error:
        st.error(editing.stale_message(kind, error, lang), icon=":material/sync_problem:")
        return
    except updates.DeletionNotConfirmed as refused:
        st.error(refused.message(lang), icon=":material/delete:")
        return
    if not result.ok:
        st.error(context.t("editui.rollback_refused"), icon=":material/error:")
        st.markdown("\n".join(f"- {markdown_text(problem.message(lang))}" for problem in result.parsed.errors))
        return
    data.begin_run()
    new = result.saved.version if result.saved else version
    _restart(kind, ("success", context.t("editui.rolled_back", version=version, new=new)))
    st.rerun()


# ---------- when rows last changed ----------


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
