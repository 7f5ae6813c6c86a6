"""Editing from the browser, shared by the targets, progress and intake pages, one module per part:

- account: the editor's sign-in, kept on the server in session state; the sidebar's status; sign-out.
- state: what one editor has open for one table (the version they opened) and its widget keys.
- section: notices, the two ways to change a table, reload and reapply after someone else saved.
- table / upload: edit the table in place, or upload a file; problems per cell.
- review / save: the preview of changes and deletions to confirm; saving from the version opened.
- history: every version, download and rollback; when each row last changed.

Nothing here decides who may write: the session's Editor is handed to metrics.updates on every save, and
it verifies the sign-in at the moment of writing.
"""

from __future__ import annotations

from ui.editing.account import EDITOR_KEY, account_box, session_editor, sidebar_status, sign_out
from ui.editing.history import history_derived, history_section, last_changed_texts
from ui.editing.review import DELETED_LISTED, PREVIEW_ROWS, PROBLEMS_LISTED
from ui.editing.section import edit_section
from ui.editing.state import EditState, edit_state, table_key
from ui.editing.table import column_config

__all__ = [
    "DELETED_LISTED",
    "EDITOR_KEY",
    "PREVIEW_ROWS",
    "PROBLEMS_LISTED",
    "EditState",
    "account_box",
    "column_config",
    "edit_section",
    "edit_state",
    "history_derived",
    "history_section",
    "last_changed_texts",
    "session_editor",
    "sidebar_status",
    "sign_out",
    "table_key",
]
