"""The editor's sign-in, kept on the server in session state: the sign-in box, single sign-on, the sidebar's
status and signing out.

Nothing here decides who may write. The session's Editor object is handed to metrics.updates on every
save, and it verifies the sign-in at the moment of writing; what this module checks only decides what to
draw.
"""

from __future__ import annotations

import streamlit as st

from metrics import editors
from metrics.editors import Editor, LoginRefused, NotAuthorised
from metrics.i18n import text
from ui.context import Context
from ui.editing.state import forget_edits

EDITOR_KEY = "editui_editor"
FORM_OPEN_KEY = "editui_sign_in_open"  # True: the viewer asked for the sign-in form; False: closed with 取消
_FORM_FIELDS = ("editui_username", "editui_password", "editui_sign_in_error")
# Reasons a genuine sign-in stops working; the editor keeps the table and signs in again to save.
_LAPSED = ("editors.expired", "editors.signed_out", "editors.account_changed", "editors.secrets_unreadable")


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
    except (LoginRefused, editors.SecretsUnreadable) as refused:
        st.session_state["editui_sign_in_error"] = refused.message(lang)
        return
    if editor is None:
        st.session_state["editui_sign_in_error"] = text("editors.wrong_password", lang)
        return
    previous = st.session_state.get(EDITOR_KEY)
    if not (isinstance(previous, Editor) and previous.username == editor.username):
        forget_edits()  # someone else's unsaved table is not theirs to save; one's own lapsed table is kept
    st.session_state[EDITOR_KEY] = editor
    st.session_state.pop(FORM_OPEN_KEY, None)  # after signing out, the page is a viewer's again


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
    st.session_state.pop(FORM_OPEN_KEY, None)  # a later lapse opens the form again, even if once cancelled
    return ""


def sign_out() -> None:
    """End this session's sign-in on the server too, forget its unsaved state, and redraw."""
    editor = st.session_state.pop(EDITOR_KEY, None)
    if isinstance(editor, Editor):
        editors.sign_out(editor)
    forget_edits()
    if editors.is_oidc_configured() and st.user.is_logged_in:
        st.logout()
    st.rerun()


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


def _open_sign_in() -> None:
    st.session_state[FORM_OPEN_KEY] = True


def _close_sign_in() -> None:
    """The form's 取消: back to the single button, and what was typed (a password too) is forgotten."""
    for key in _FORM_FIELDS:  # Streamlit drops undrawn widgets' values at the end of the run; not relied on
        st.session_state.pop(key, None)
    st.session_state[FORM_OPEN_KEY] = False  # closed on purpose: a lapsed sign-in's form stays closed too


def _sign_in_box(context: Context, expanded: bool) -> None:
    error = st.session_state.pop("editui_sign_in_error", None)
    requested = st.session_state.get(FORM_OPEN_KEY)  # None until the viewer clicks one way or the other
    if not (error or requested or (expanded and requested is None)):
        # A viewer sees one button; the form (two fields and its button) is drawn when asked for. Drawn
        # on every view, even folded away in an expander, it was a quarter of the Targets page's run.
        st.button(
            context.t("editui.sign_in_heading"),
            key="editui_open_sign_in",
            icon=":material/login:",
            on_click=_open_sign_in,
        )
        _single_sign_on_button(context)
        return
    with st.container(border=True):
        st.markdown(f"**{context.t('editui.sign_in_heading')}**")
        # Streamlit's own "Press Enter to submit form" is English only: in a Chinese page it would be the
        # one English line, and Enter signing in is what anyone expects anyway.
        st.html("<style>[data-testid='stForm'] [data-testid='InputInstructions'] {display: none}</style>")
        with st.form("editui_sign_in_form", border=False):
            if error:
                st.error(error, icon=":material/error:")
            left, right = st.columns(2)
            left.text_input(context.t("editui.username"), key="editui_username", autocomplete="username")
            right.text_input(
                context.t("editui.password"), type="password", key="editui_password", autocomplete="current-password"
            )
            # 登录 first: Enter in a field presses a form's first button. 取消 is a form button too (a
            # plain one cannot sit in a form); what it submits, _close_sign_in forgets.
            with st.container(horizontal=True):
                st.form_submit_button(
                    context.t("editui.sign_in"),
                    key="editui_sign_in",
                    type="primary",
                    icon=":material/login:",
                    on_click=_sign_in,
                    args=(context.lang,),
                )
                st.form_submit_button(
                    context.t("editui.cancel"),
                    key="editui_sign_in_cancel",
                    icon=":material/close:",
                    on_click=_close_sign_in,
                )
        _single_sign_on_button(context)


def _single_sign_on_button(context: Context) -> None:
    """The bureau's single sign-on, where it is configured: one click, with or without the form open."""
    if editors.is_oidc_configured():
        if st.button(context.t("editui.sign_in_oidc"), key="editui_oidc", icon=":material/badge:"):
            st.login(editors.oidc_provider())
