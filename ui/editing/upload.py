"""Changing a table by uploading a file (CSV in any encoding Excel or WPS writes, or a workbook): the template,
what was read, the file's problems by line and column with its cells at fault in red."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import editing, importing, updates
from metrics.csvfile import UPLOAD_LIMIT_MB, Problem
from metrics.editors import Editor
from metrics.registry import Registry
from ui.context import Context
from ui.editing.review import PROBLEM_STYLE, PROBLEMS_LISTED, changes_from, notes, problem_listing
from ui.editing.save import save_button
from ui.editing.state import EditState, upload_key
from ui.render import markdown_text

# The names Excel and WPS give these encodings in their "Save as" dialogs (GB18030 reads every GBK file).
_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "gb18030": "GBK", "utf-16": "Unicode (UTF-16)"}


def upload_file(
    kind: str, context: Context, editor: Editor, state: EditState, registry: Registry, *, live_ok: bool
) -> None:
    """The template, the uploader, then the file's problems, or what was read, the preview and the save button.

    With `live_ok` false (the live file does not parse) the file replaces it whole, based on what is live."""
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
        key=upload_key(kind, state.generation),
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
    notes([problem.message(context.lang) for problem in result.parsed.warnings], context)
    # A broken live file is replaced as a whole: compare with (and base the save on) what is live now.
    changes = changes_from(kind, state.base_frame, result.parsed.frame) if live_ok else result.changes
    base = state.base if live_ok else result.base_version
    save_button(
        kind,
        context,
        registry,
        state,
        changes,
        source=upload_key(kind, state.generation),
        label=context.t("editui.upload_save"),
        key=f"editui_{kind}_upload_save",
        frame=result.parsed.frame,
        write=lambda deletes: updates.apply(
            kind, content, editor, base_version=base, detail=uploaded.name, confirm_removed=deletes
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
    problem_listing(listing, context, errors)
    notes([problem.message(context.lang) for problem in parsed.warnings], context)  # which row is the header
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
            styles.iloc[wanted.index(line), column - 1] = PROBLEM_STYLE
        else:
            styles.iloc[wanted.index(line), :] = PROBLEM_STYLE
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
