"""What one editor has open for one table (the version it is based on, the table as drawn, a refused save)
and the widget keys built from it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from metrics import store, updates
from metrics.registry import Registry

_STATE_PREFIX = "editui_state_"


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
    # a restore asked for that another editor's save overtook: not done, and said once where it was asked
    overtaken: store.StaleVersionError | None = None


def state_key(kind: str) -> str:
    return f"{_STATE_PREFIX}{kind}"


def fresh(kind: str, generation: int = 0) -> EditState:
    """The live version and its rows, read from one read of the file (a save in between cannot split them)."""
    data = store.read_live(updates.KINDS[kind].table)
    frame = updates.frame_from_bytes(kind, data, Registry.load()).reset_index(drop=True)
    return EditState(store.content_version(data), frame, frame, generation)


def edit_state(kind: str) -> EditState:
    """This session's editing state for a table, opened on first use (that is when base_version is taken)."""
    if state_key(kind) not in st.session_state:
        st.session_state[state_key(kind)] = fresh(kind)
    return st.session_state[state_key(kind)]


def table_key(kind: str, generation: int = 0) -> str:
    """The data editor's widget key (tests set its edits through session state)."""
    return f"editui_{kind}_table_{generation}"


def restart(kind: str, flash: tuple[str, str] | None) -> None:
    """After a save or rollback: open the new live version, with a clean table and uploader."""
    state = fresh(kind, edit_state(kind).generation + 1)
    state.flash = flash
    st.session_state[state_key(kind)] = state


def upload_key(kind: str, generation: int) -> str:
    return f"editui_{kind}_upload_{generation}"


def pending(kind: str, state: EditState) -> bool:
    """Whether the editor has work on screen that a newer version must not silently replace."""
    edits = st.session_state.get(table_key(kind, state.generation)) or {}
    edited = any(edits.get(part) for part in ("edited_rows", "added_rows", "deleted_rows"))
    uploaded = st.session_state.get(upload_key(kind, state.generation)) is not None
    return edited or uploaded or state.refused is not None or state.start is not state.base_frame


def forget_edits() -> None:
    """Drop every table's editing state from this session (a sign-out, another editor signing in)."""
    for key in [key for key in st.session_state if str(key).startswith(_STATE_PREFIX)]:
        del st.session_state[key]
