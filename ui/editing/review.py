"""What an editor sees before saving, whether from the table or a file: the changes against the version
they opened, styled; the deletions to confirm; problems listed and counted by kind; notes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import editing, updates
from metrics.registry import Registry
from metrics.tablefile import diff_rows
from ui.context import Context
from ui.render import markdown_text

PROBLEM_STYLE = "background-color: #fde2e1; color: #7f1d1d"
_CHANGED = "background-color: #fff4ce"
_ADDED = "background-color: #e3f4e8"
_REMOVED = "background-color: #f1f1f1; color: #6b7280; text-decoration: line-through"
PROBLEMS_LISTED = 200  # problems listed one by one (and their rows shown); the rest are counted by kind
PREVIEW_ROWS = 500  # changed rows drawn styled in a preview; the counts cover them all
DELETED_LISTED = 20  # rows a deletion warning names; the rest are counted


def changes_from(kind: str, before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The editor's changes against the version they opened (not the live one, which may have moved on)."""
    spec = updates.KINDS[kind]
    if after.empty:
        after = pd.DataFrame(columns=list(spec.columns))
    return diff_rows(before, after, list(spec.key), list(spec.values))


def problem_listing(listing: pd.DataFrame, context: Context, problems: list | None = None) -> None:
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


def notes(messages: list[str], context: Context) -> None:
    """Warnings that do not stop a save (rows skipped because they were left empty, for instance)."""
    if messages:
        st.info(f"**{context.t('editui.notes_heading')}**\n\n" + "\n".join(f"- {markdown_text(m)}" for m in messages))


def preview(kind: str, changes: pd.DataFrame, context: Context, registry: Registry, key: str) -> int | None:
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
