"""Downloads on pages: a PNG under every chart and the briefing pack on the Overview page.

Nothing is rendered while a page is drawn: each button carries a callable that Streamlit runs, on its
own thread, when the viewer clicks. A PNG is kept per data version, chart, region, language and as-of
date, so the second click on the same chart answers at once and a new data version is never stale.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING

import plotly.graph_objects as go
import streamlit as st

from metrics import exports, paths
from metrics.reader import Reader
from ui import data
from ui.context import Context

if TYPE_CHECKING:
    import pandas as pd


class _Recent:
    """The last few results by key, thread-safe: downloads run on Streamlit's worker threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make()  # outside the lock: one slow image must not hold up every other download
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


_pngs = _Recent(64)  # ~0.3 MB each
_packs = _Recent(4)  # ~4 MB each
_words = _Recent(4)  # ~1.5 MB each


def png_name(name: str, context: Context) -> str:
    """'funding_huangshi_zh.png': the file name of a chart's image."""
    return exports.image_name(name, context.region_id, context.lang)


def png_button(figure: go.Figure, name: str, context: Context) -> None:
    """A download button for the chart as a 1600×900 PNG (2× scale), rendered on click."""
    problem = exports.availability()
    key = (data.run_state().version, name, context.region_id, context.lang, context.as_of)
    st.download_button(
        context.t("exports.png_button"),
        data=lambda: _pngs.get(key, lambda: exports.figure_png(figure)),
        file_name=png_name(name, context),
        mime="image/png",
        icon=":material/image:",
        key=f"png_{name}",
        type="tertiary",
        on_click="ignore",
        disabled=problem is not None,
        help=problem.message(context.lang) if problem else context.t("exports.png_help"),
    )


def pack_button(context: Context) -> None:
    """The one-click briefing: a zip of the PowerPoint deck and every key chart as PNG (not in screenshots)."""
    if context.screenshot:
        return
    problem = exports.availability()
    key = (data.run_state().version, context.region_id, context.lang, context.as_of)
    database, lang, region_id, as_of = paths.database_path(), context.lang, context.region_id, context.as_of

    def make() -> bytes:
        from metrics import briefing  # python-pptx (0.12 s to import) only once a pack is asked for

        return briefing.pack_zip(lang, region_id, Reader(database, as_of))

    row = st.container(horizontal=True)  # the deck and the Word briefing side by side; stacked on a phone
    row.download_button(
        context.t("exports.pack_button"),
        data=lambda: _packs.get(key, make),
        file_name=f"{exports.file_stem(region_id, lang)}.zip",
        mime="application/zip",
        icon=":material/slideshow:",
        key="briefing_pack",
        type="primary",
        on_click="ignore",
        help=context.t("exports.pack_help"),
    )
    word_button(context, row)
    if problem is not None:
        st.warning(
            f"{problem.message(context.lang)}\n\n{context.t('exports.pack_without_images')}",
            icon=":material/image_not_supported:",
        )


def word_button(context: Context, where=st) -> None:
    """The A4 Word briefing (简报), made on click from the same findings and numbers as the deck."""
    key = (data.run_state().version, context.region_id, context.lang, context.as_of)
    database, lang, region_id, as_of = paths.database_path(), context.lang, context.region_id, context.as_of

    def make() -> bytes:
        from metrics import wordbrief  # python-docx only once a briefing is asked for

        return wordbrief.docx_bytes(lang, region_id, Reader(database, as_of))

    where.download_button(
        context.t("brief.word_button"),
        data=lambda: _words.get(key, make),
        file_name=f"{exports.file_stem(region_id, lang)}.docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        icon=":material/description:",
        key="word_briefing",
        type="secondary",
        on_click="ignore",
        help=context.t("brief.word_help"),
    )


def xlsx_button(context: Context, make: Callable[[], bytes], file_name: str, key: str) -> None:
    """An .xlsx download of a table: numbers as numbers, unit and qualifier columns (made on click)."""
    if context.screenshot:
        return
    st.download_button(
        context.t("brief.xlsx_button"),
        data=make,
        file_name=file_name,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:",
        key=key,
        type="tertiary",
        on_click="ignore",
        help=context.t("brief.xlsx_help"),
    )


def key_figures_xlsx(context: Context, progress) -> None:
    """The key metrics against their targets as .xlsx."""
    from metrics import xlsx

    lang = context.lang
    xlsx_button(
        context,
        lambda: xlsx.workbook(*xlsx.key_figures(progress, lang), context.t("xlsx.key_sheet")),
        f"key_metrics_{context.region_id}_{lang}.xlsx",
        "xlsx_key_figures",
    )


def figures_xlsx(context: Context, figures: Callable[[], pd.DataFrame]) -> None:
    """The figures the Sources page shows (its search and filters applied) as .xlsx; `figures` gives
    them when the button is clicked (picking them out took a third of every view of the page)."""
    from metrics import xlsx

    lang = context.lang
    xlsx_button(
        context,
        lambda: xlsx.workbook(*xlsx.figures(figures(), lang), context.t("xlsx.figures_sheet")),
        f"huangshi_iiot_figures_{context.region_id}_{lang}.xlsx",
        "xlsx_figures",
    )


def records_xlsx(context: Context, figures) -> None:
    """The Progress page's records among the region's figures as .xlsx (picked out when clicked)."""
    from metrics import report, xlsx

    lang = context.lang
    xlsx_button(
        context,
        lambda: xlsx.workbook(*xlsx.records(report.progress_records(figures), lang), context.t("xlsx.records_sheet")),
        f"progress_{context.region_id}_{lang}.xlsx",
        "xlsx_records",
    )


def targets_xlsx(context: Context, targets) -> None:
    """The Targets page's targets of the region as .xlsx."""
    from metrics import xlsx

    lang = context.lang
    xlsx_button(
        context,
        lambda: xlsx.workbook(*xlsx.targets(targets, lang), context.t("xlsx.targets_sheet")),
        f"targets_{context.region_id}_{lang}.xlsx",
        "xlsx_targets",
    )
