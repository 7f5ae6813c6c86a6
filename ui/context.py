"""The sidebar's choices (language, region, as-of date, screenshot mode), kept in the URL so a reload or
a shared link keeps them, and the translation shortcut pages use."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from metrics.escaping import markdown_text
from metrics.i18n import DEFAULT_LANGUAGE, LANGUAGES, format_date, text
from metrics.registry import DEFAULT_REGION
from ui import data
from ui.navigation import EDITOR_PAGES


@dataclass(frozen=True)
class Context:
    """What every page needs to know about the viewer's choices."""

    lang: str
    region_id: str
    as_of: dt.date | None  # None: the latest data
    screenshot: bool = False  # ?shot=1: no chrome, charts as 16:9 panels with larger type

    def t(self, key: str, /, **fields: object) -> str:
        return text(key, self.lang, **fields)


def _query(name: str, default: str) -> str:
    return st.query_params.get(name, default)


def language() -> str:
    """The language from the URL (?lang=en), Chinese by default."""
    lang = _query("lang", DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def sidebar() -> Context:
    """Draw the sidebar controls and return the viewer's context."""
    lang = language()
    english = st.sidebar.toggle(text("language.en", lang), value=lang == "en", key="english")
    chosen = "en" if english else DEFAULT_LANGUAGE
    if chosen != lang:
        st.query_params["lang"] = chosen
        st.rerun()

    names = region_names(lang)
    wanted = _query("region", DEFAULT_REGION)
    if wanted not in names:
        # A known unit without figures yet (?region=daye): shown as itself, its pages saying what it has
        # no data for, rather than silently replaced by the city.
        known = data.fetch("region_by_id", region_id=wanted)
        if not known.empty:
            names = {**names, wanted: known.iloc[0][f"name_{lang}"]}
    region_ids = list(names) or [DEFAULT_REGION]
    region_id = st.sidebar.selectbox(
        text("sidebar.region", lang),
        region_ids,
        index=region_ids.index(wanted) if wanted in region_ids else 0,
        format_func=lambda r: names.get(r, r),
        key=f"region_{lang}",  # one widget per language: a relabelled widget can return a label, not an id
    )
    if not fits_selectbox(names.get(region_id, region_id)):
        # The closed box is a one-line text field that cuts a long name: the whole name is written under it.
        st.sidebar.caption(markdown_text(names.get(region_id, region_id)))
    _remember("region", region_id, DEFAULT_REGION)

    as_of = _as_of_choice(lang)
    screenshot = _screenshot_choice(lang)
    return Context(lang=lang, region_id=region_id, as_of=as_of, screenshot=screenshot)


# The region list opened: a long name wraps onto a second line in a list as wide as the window allows,
# instead of being cut at the width of the box ("大冶市、阳新县、开发区（合…").
REGION_CSS = """
[data-testid="stSelectboxVirtualDropdown"] {
  width: max-content !important; min-width: var(--trigger-width); max-width: calc(100vw - 24px) !important;
}
[data-testid="stSelectboxVirtualDropdown"] [role="option"] { height: auto !important; min-height: 2.5rem; }
[data-testid="stSelectboxVirtualDropdown"] [role="option"] > div {
  height: auto !important; min-height: 1.75rem; padding-top: 0.25rem; padding-bottom: 0.25rem;
  white-space: normal !important; overflow: visible !important;
}
"""

# What the closed selector shows whole in the sidebar (about 240 px at 1440 and on a phone): counted in
# half-width characters, a Chinese character counting two.
SELECTBOX_WIDTH = 22


def fits_selectbox(label: str) -> bool:
    """Whether a label shows whole in the closed sidebar selector."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in label) <= SELECTBOX_WIDTH


def session_pages(pages: list[tuple[str, str, str, str]], context: Context) -> list:
    """The navigation's st.Page objects (path, title key, icon, url path), made once per session and
    language: making them resolves every page file on disk, a tenth of a warm view. Kept per session,
    not shared: st.navigation marks the chosen page object runnable for one run, so sessions running at
    the same time must each have their own."""
    made = st.session_state.setdefault("_navigation_pages", {})
    if context.lang not in made:
        made[context.lang] = [
            # The first page is served at the root address; its own name (/overview) stays a hidden
            # alias, so a bookmark of it opens the page instead of "Page not found".
            st.Page(path, title=context.t(key), icon=icon, url_path=url if index else HOME_PATH, default=not index)
            for index, (path, key, icon, url) in enumerate(pages)
        ]
        path, key, icon, url = pages[0]
        made[context.lang].append(st.Page(path, title=context.t(key), icon=icon, url_path=url, visibility="hidden"))
    pages = [*pages, pages[0]]
    if _editor_session(context.lang):
        return made[context.lang]
    return [page for page, spec in zip(made[context.lang], pages, strict=True) if spec[3] not in EDITOR_PAGES]


# The root page's internal name: Streamlit serves the default page at "/" and matches a page's address
# only against the other pages' names, so the first page's own name is given to a hidden alias.
HOME_PATH = "home"


def open_bookmarked_alias(page, pages: list) -> None:
    """A bookmark of the first page's own address (/overview) arrived: show the page at its root address,
    with the sidebar's choices (language, region, date) kept, so the navigation marks it as chosen."""
    if page is pages[-1]:
        st.switch_page(pages[0], query_params=st.query_params.to_dict())


def _editor_session(lang: str) -> bool:
    """Whether this session signed in as an editor, still valid or lapsed: a lapsed editor stays on the
    editors' page and is asked there to sign in again, rather than sent to the Overview without a word."""
    from ui.editing import session_editor  # ui.editing builds on this module

    editor, _lapsed = session_editor(lang)
    return editor is not None


def _screenshot_choice(lang: str) -> bool:
    """The screenshot-mode switch; when on, the page's chrome is hidden by a style sheet."""
    on = st.sidebar.toggle(
        text("exports.screenshot_toggle", lang),
        value=_query("shot", "0") == "1",
        key="screenshot",
        help=text("exports.screenshot_help", lang),
    )
    _remember("shot", "1" if on else "0", "0")
    return on


# Screenshot mode: no sidebar, header, toolbar, menus or chart toolbars; the column takes the screen's
# width and each chart is a 16:9 panel as large as the window allows: the column's width, or less where
# the window is too low for a panel under the page's title (176 px), so the Overview's first screen shows
# its key chart whole and a screen capture takes any panel whole (960×544 in a 1280×720 window, 1287×724
# at 1440×900, 1607×904 at 1920×1080). Cards and lists grow with the column: four cards to a row from
# 1700 px. PANEL_HEIGHT is the height the panel's margins are laid out for.
PANEL_WIDTH, PANEL_HEIGHT, PANEL_FONT_SCALE = 1120, 630, 1.3
SCREENSHOT_CSS = """
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], [data-testid="stMainMenu"], [data-testid="stAppDeployButton"],
[data-testid="stHeaderActionElements"], header, footer, .modebar-container { display: none !important; }
[data-testid="stMain"] { margin-left: 0 !important; }
[data-testid="stMainBlockContainer"] { max-width: none !important; padding: 24px 24px 48px 24px !important; }
[class*="st-key-panel_"] {
  width: min(100%, calc((100vh - 176px) * 16 / 9)) !important; aspect-ratio: 16 / 9; height: auto !important;
  margin: 0 auto;
}
[class*="st-key-panel_"] > div, [class*="st-key-panel_"] [data-testid="stPlotlyChart"] { height: 100% !important; }
@media (min-width: 1700px) {
  .hs-cards { grid-template-columns: repeat(4, minmax(0, 1fr)) !important; }
}
"""


def leave_screenshot_mode() -> None:
    """Callback of the button that ends screenshot mode (the sidebar's switch is hidden while it is on)."""
    st.query_params.pop("shot", None)
    st.session_state.pop("screenshot", None)


def screenshot_exit(context: Context) -> None:
    """At the foot of a page in screenshot mode, the way back (below the charts, out of any capture)."""
    if context.screenshot:
        st.divider()
        st.button(text("exports.screenshot_exit", context.lang), on_click=leave_screenshot_mode, key="shot_exit")


def region_names(lang: str) -> dict[str, str]:
    """The region selector's labels for the regions with data, once per data version and language."""
    regions = data.fetch("regions_with_data")
    return data.derived(("region_labels", lang), lambda: region_labels(regions, lang))


def region_labels(regions: pd.DataFrame, lang: str) -> dict[str, str]:
    """Region id → label, in the order the selector lists them: each unit followed by the units under it.

    With a province's ~120 units a flat list scatters a city's counties among all others. Listed under
    their city and labelled with it ("大冶市 · 黄石市"), typing a city's name in the selector's search
    finds the city and all of its units.
    """
    name = dict(zip(regions["region_id"], regions[f"name_{lang}"], strict=True))
    parent = {
        region: (up if isinstance(up, str) and up in name else "")
        for region, up in zip(regions["region_id"], regions["parent_id"], strict=True)
    }
    children: dict[str, list[str]] = {}
    for region in regions["region_id"]:  # the query's order (level, admin code) within each parent
        children.setdefault(parent[region], []).append(region)
    labels: dict[str, str] = {}

    def visit(region: str, depth: int) -> None:
        if region in labels:
            return
        up = parent[region]
        labels[region] = name[region] if depth < 2 or not up else f"{name[region]} · {name[up]}"
        for child in children.get(region, []):
            visit(child, depth + 1)

    for top in children.get("", []):
        visit(top, 0)
    for region in regions["region_id"]:  # anything in a cycle of parents still gets listed
        visit(region, 0)
    return labels


def _as_of_choice(lang: str) -> dt.date | None:
    """The as-of selector, shown only when more than one update (a source or a recorded date) exists."""
    labels = data.derived(("as_of_labels", lang), lambda: _as_of_labels(data.fetch("update_dates"), lang))
    if len(labels) <= 1:
        return None
    options = list(labels)
    wanted = _query("asof", "latest")
    chosen = st.sidebar.selectbox(
        text("sidebar.as_of", lang),
        options,
        index=options.index(wanted) if wanted in options else 0,
        format_func=labels.__getitem__,
        key=f"as_of_{lang}",
    )
    _remember("asof", chosen, "latest")
    return None if chosen == "latest" else dt.date.fromisoformat(chosen)


def _as_of_labels(updates: pd.DataFrame, lang: str) -> dict[str, str]:
    """The as-of choices and their words, newest first: 'latest' (最新（2021年7月13日）), then each
    earlier update date. Made once per data version: the selector words every option on each view."""
    dates = [pd.Timestamp(d).date() for d in updates["as_of"]]
    if not dates:
        return {}
    labels = {"latest": f"{text('sidebar.latest', lang)}（{format_date(dates[0], lang)}）"}
    labels.update({d.isoformat(): format_date(d, lang) for d in dates[1:]})
    return labels


def _remember(name: str, value: str, default: str) -> None:
    """Keep a choice in the address (the default left out). Only a change is sent: each write to the
    query parameters sends the browser a message, on every view."""
    present = st.query_params.get(name)
    if value == default:
        if present is not None:
            del st.query_params[name]
    elif present != value:
        st.query_params[name] = value


def current() -> Context:
    """The context the navigation computed for this run."""
    if "context" not in st.session_state:
        # A page's own URL opened as the server's first visit: Streamlit runs it as a legacy
        # pages/ app, without dashboard.py.
        rerun_through_navigation()
    return st.session_state["context"]


def in_pages_folder_mode() -> bool:
    """Whether Streamlit runs this process in its old pages-folder mode: a server started without the
    launcher (ui/serve.py turns the mode off before serving) stays in it until the first st.navigation."""
    from streamlit.runtime.pages_manager import PagesManager

    return bool(PagesManager.uses_pages_directory)


def rerun_through_navigation() -> None:
    """Leave the pages-folder mode and run again as the app navigates (st.navigation in dashboard.py).
    In that mode a run gives the sidebar's widgets other ids than every later run, and a page's own
    URL runs the page without dashboard.py."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()
