"""Small rendering helpers every page uses, so cards, chips and charts look the same everywhere."""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import re
import unicodedata
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio
import pyarrow as pa
import streamlit as st

from metrics import chart_catalog, escaping, frames, narrative, page_metrics, report
from metrics.charts import chart_config, dated_note, display_width, enlarged, image_height
from metrics.checks import documents_words
from metrics.frames import _kept, kept_for  # noqa: F401 - _kept: the entries, which tests inspect
from metrics.i18n import format_date
from metrics.narrow import narrow_figure
from metrics.numbers import format_value
from metrics.report import Card
from metrics.style import CHECK_COLORS, status_color
from ui import data, exports, markup, phone
from ui.context import PANEL_FONT_SCALE, PANEL_HEIGHT, Context


def _html_text(value: object) -> str:
    """Data inside our own HTML (one markdown element): escaped, and on one line, since a blank line would
    end the HTML block and let the rest be read as markdown (an image fetched, a link)."""
    return re.sub(r"\s*[\r\n]+\s*", " ", html.escape(str(value)))


def chip(label: str, color: str) -> str:
    """A coloured label with its word: status is never colour alone."""
    return (
        f'<span style="background:{color};color:white;border-radius:4px;padding:1px 8px;'
        f'font-size:0.85rem;white-space:nowrap">{_html_text(label)}</span>'
    )


def status_chip(status: str, label: str) -> str:
    return chip(label, status_color(status))


def check_chip(status: str, label: str) -> str:
    return chip(label, CHECK_COLORS.get(status, "#9ca3af"))


def _region_without_data(context: Context) -> bool:
    """A unit chosen that has no figures or targets yet: say so plainly, and where figures are. True if
    it was said."""
    with_data = data.derived(("region_ids_with_data",), lambda: set(data.fetch("regions_with_data")["region_id"]))
    if context.region_id in with_data:
        return False
    known = data.fetch("region_by_id", region_id=context.region_id)
    if known.empty:
        return False
    row = known.iloc[0].to_dict()
    parent, groups = None, []
    # Where the figures are: only a parent with figures, and the county groups its view shows; not in
    # screenshot mode, where the sidebar's "地区" it points to is hidden.
    if row["parent_id"] in with_data and not context.screenshot:
        reader = data.reader(context.as_of)
        parent = reader.region(row["parent_id"])
        groups = [reader.region(group) for group in reader.in_view(row["parent_id"])[1:]]
    sentence = narrative.region_without_data(row, parent, groups, context.lang)
    st.info(markdown_text(sentence), icon=":material/info:")
    return True


@dataclass(frozen=True)
class Header:
    """What a page's header said: whether the region has no data of its own yet (the page then shows
    nothing more), and the data date it stated (数据截至…), which an older figure on the page must not
    seem to share."""

    without_data: bool
    as_of: dt.date | None = None


def page_header(context: Context, title_key: str, figures=None, metric_ids: list[str] | None = None) -> Header:
    """Page title, the data date and source of what it shows (the figures of `metric_ids`, or all), and a
    banner if the data files are invalid."""
    st.title(context.t(title_key))
    without_data = _region_without_data(context)
    footer = page_footer(context, figures, metric_ids) if figures is not None else None
    if footer is not None:
        st.caption(markdown_text(footer.text(context.lang)))  # sources are free text from CSVs
    problems = data.run_state().problems
    if problems:
        lines = "\n".join(
            f"- {markdown_text(name)}：{markdown_text(p.message(context.lang))}" for name, p in problems[:8]
        )
        st.error(f"{context.t('banner.invalid_data')}\n\n{lines}", icon=":material/error:")
    return Header(without_data, footer.as_of if footer is not None else None)


def page_footer(context: Context, figures, metric_ids: list[str] | None = None):
    """The date and sources of what a page shows, once per data version and viewer's choices: the
    documents of its figures, then of its targets (the cards and charts show those too: a 2024–2026 plan's
    targets beside the reply's figures)."""
    key = ("page_footer", context.region_id, context.as_of, context.lang, tuple(metric_ids or ()))
    return data.derived(key, lambda: _page_footer(figures, metric_ids, context))


def _page_footer(figures, metric_ids: list[str] | None, context: Context):
    # The progress rows every figure page reads for its cards (cached, and their plain rows): no query.
    progress = data.reader(context.as_of).progress(context.region_id)
    return report.page_footer(figures, progress, metric_ids, data.fetch("sources"), context.lang)


# Cards look like Streamlit's bordered containers with an st.metric inside, but a whole grid is one
# HTML element: drawn as containers, columns and metrics, cards were half of a page's server time (each
# element costs about as much as a line of data work) and most of its browser work. st.html, not HTML in
# st.markdown: the browser then parses it natively, where markdown's HTML parser (rehype-raw, 190 KB of
# script to load and run) made a page with cards paint ~0.15-0.3 s later (benchmarks/FIXES.md). Their
# style sheet is the page's (ui.phone.CARD_CSS).


class Cards(list):
    """Shared cards (cached_cards): a list that can be weakly referred to, so what is drawn from it is
    kept with it (kept_for)."""


def card_grid(cards: list[Card], context: Context, stated: dt.date | None = None) -> None:
    """Key-metric cards, three to a row (≥2,000万元 stays whole at 1280 px), one to a row on a phone. A card
    whose figure is older than `stated` (the page header's data date) says its own date."""

    def grid() -> list[str]:
        return [
            card_html(
                item.label,
                item.value,
                definition=item.definition,
                notes=[dated_note(item.as_of, stated, context.lang), item.delta, *_card_notes(item, context)],
                lines=[_target_line(line, context) for line in item.targets],
            )
            for item in cards
        ]

    # The cards' HTML is made once for shared cards (the same words on every view).
    boxes(kept_for(cards, ("grid", context.lang, stated), grid) if isinstance(cards, Cards) else grid())
    _no_target_hint(cards, context)


def boxes(cards_html: list[str]) -> None:
    """Cards made by card_html, as one grid."""
    if cards_html:
        markup.html(f'<div class="hs-cards">{"".join(cards_html)}</div>')


def card_html(label: str, value: str | None, definition: str = "", notes: list[str] = (), lines: list[str] = ()) -> str:
    """A card: its label in full (st.metric cut long Chinese labels short), the value large, then
    notes in caption type and lines (already HTML) below. Text is escaped here."""
    help_mark = (
        f'<span class="hs-card-help" title="{_html_text(definition)}" role="img" '
        f'aria-label="{_html_text(definition)}"></span>'
        if definition
        else ""
    )
    # The help mark at the label's right edge, as Streamlit places its own, never wrapped under it.
    parts = [f'<div class="hs-card"><div class="hs-card-label"><span>{_html_text(label)}</span>{help_mark}</div>']
    if value is not None:
        parts.append(f'<div class="hs-card-value">{_html_text(value)}</div>')
    parts += [f'<div class="hs-card-note">{_html_text(note)}</div>' for note in notes if note]
    parts += [f'<div class="hs-card-line">{line}</div>' for line in lines]
    parts.append("</div>")
    return "".join(parts)


def _card_notes(card: Card, context: Context) -> list[str]:
    if not card.lower_bound:
        return []
    if card.counted:
        return [context.t("scr.card.counted", document=card.counted_in or context.t("check.document_unknown"))]
    return [context.t("card.lower_bound")]


def _no_target_hint(cards: list[Card], context: Context) -> None:
    """Once per page, for a signed-in editor only and never in a screenshot: how many cards have no
    target and where to set one (a page, not a file path). Viewers just see the cards."""
    untargeted = sum(1 for card in cards if not card.targets)
    if not untargeted or context.screenshot:
        return
    from ui.editing import session_editor  # the editing room imports this module

    editor, lapsed = session_editor(context.lang)
    if editor is not None and lapsed is None:
        st.caption(context.t("scr.cards.no_target_hint", count=untargeted))


def _target_line(line, context: Context) -> str:
    """One target of a card: status chip and horizon, then target, percent and expected-to-date."""
    details = [
        context.t("card.target", target=line.target),
        context.t("card.percent_of_target", percent=line.percent),
    ]
    if line.figure:  # the figure the percent is of, when it is not the card's own
        details.insert(0, context.t("card.judged_on", value=line.figure, date=line.figure_date))
    if line.status in ("ahead", "on_track", "behind", "undetermined"):  # the pace a lower bound falls short of
        details.append(context.t("card.expected", expected=line.expected))
    assumed = _html_text(context.t("scr.card.assumption", note=line.assumption)) if line.assumption else ""
    assumption = f'<div class="hs-card-note hs-assumption">{assumed}</div>' if assumed else ""
    return (
        f"{status_chip(line.status, line.status_text)} <strong>{_html_text(line.horizon)}</strong>"
        f'<div class="hs-card-note" style="margin-top:0.35rem">{_html_text(" · ".join(details))}</div>'
        f"{assumption}"
    )


class _Displayed(go.Figure):
    """A figure's plain form, computed once, as st.plotly_chart takes it. Streamlit asks a figure for
    nothing but `to_dict` (a deep copy and a walk of every value), on every view; the shared figures
    never change once built. The figure itself is not copied in: go.Figure(figure) validated every
    property again, ~10 ms a chart on a first view (the overview's 50 annotations: 40 ms under load)."""

    def __init__(self, figure: go.Figure) -> None:
        super().__init__()
        # In JSON's own types (dates as text): plotly writes such a dict with orjson at once, but walks
        # every value of one holding a pandas Timestamp first (the activities timeline: 0.26 ms a view).
        self._plain = json.loads(pio.to_json(figure, validate=False))

    def to_dict(self) -> dict:
        return self._plain


# What is shown for a shared object (a figure's plain form, a table's Arrow form) is kept with it
# (metrics.frames): Streamlit would otherwise recompute it on every view.


def displayed(figure: go.Figure, screenshot: bool = False) -> go.Figure:
    """What st.plotly_chart is given for a figure: its plain form kept; in screenshot mode the panel."""
    if screenshot:
        return kept_for(figure, "panel", lambda: _Displayed(_panel(figure)))
    return kept_for(figure, "plain", lambda: _Displayed(figure))


def _panel(figure: go.Figure) -> go.Figure:
    """The screenshot panel: type ×1.3, margins laid out for PANEL_HEIGHT, and no height of its own: the
    chart fills its 16:9 box (SCREENSHOT_CSS), whatever the window's width."""
    panel = enlarged(figure, PANEL_FONT_SCALE, height=PANEL_HEIGHT)
    panel.layout.height = None
    return panel


def chart(figure: go.Figure, name: str, context: Context) -> None:
    """Show a figure with its PNG download; in screenshot mode, as a 16:9 panel with larger type."""
    filename = f"{name}_{context.region_id}_{context.lang}"
    shown = displayed(figure, context.screenshot)
    if not context.screenshot and phone.is_phone():  # laid out for the width, no toolbar over the title
        shown = kept_for(figure, "phone", lambda: _Displayed(narrow_figure(figure)))
    if context.screenshot:
        # A 16:9 panel as wide as the screen allows (ui.context.SCREENSHOT_CSS sizes the box; the chart fills it).
        with st.container(key=f"panel_{name}"):
            st.plotly_chart(shown, config=chart_config(filename), key=f"chart_{name}", theme=None, height="stretch")
        return
    config = chart_config(filename, image_height(figure))  # the toolbar's PNG: as tall as the rows need
    st.plotly_chart(shown, config=config, key=f"chart_{name}", theme=None)
    if not context.screenshot:
        exports.png_button(figure, name, context)


def catalog_chart(builder, reader, context: Context, *arguments, empty_key: str = "empty.chart") -> None:
    """A chart from metrics.chart_catalog, or the page's empty state."""
    chart_or_empty(catalog_spec(builder, reader, context, *arguments), context, empty_key)


def catalog_spec(builder, reader, context: Context, *arguments):
    """A chart_catalog builder's chart, built once per data version and viewer's choices, then shared."""
    key = ("chart", builder.__name__, context.region_id, context.as_of, context.lang, *arguments)
    return data.derived(key, lambda: builder(reader, context.region_id, *arguments, context.lang))


@dataclass
class OverviewParts:
    """What the Overview shows under its title, each part shared between viewers with the same choices."""

    points: list[str]
    cards: list[Card]
    chart: object  # a chart_catalog.ChartSpec, or None without targets


def overview_parts(reader, context: Context) -> OverviewParts:
    """The Overview's key points, cards and chart, built once per data version and viewer's choices. The
    launcher's warm-up calls this for the default view, so the first viewer finds them built."""
    progress = reader.progress(context.region_id)
    figures = reader.figures(context.region_id)
    return OverviewParts(
        points=key_points(reader, context),
        cards=cached_cards(progress, figures, context, None),
        chart=catalog_spec(chart_catalog.overview_progress, reader, context),
    )


def key_points(reader, context: Context) -> list[str]:
    """The briefing's opening sentences for the region (the Overview's key points), built once per data
    version and viewer's choices."""
    progress = reader.progress(context.region_id)
    checks = reader.checks()
    region = reader.region(context.region_id)
    return data.derived(
        ("key_points", context.region_id, context.as_of, context.lang),
        lambda: report.key_points(progress, checks[checks["region_id"] == context.region_id], region, context.lang),
    )


def cached_cards(progress, figures, context: Context, metric_ids: list[str] | None) -> list[Card]:
    """report.cards for these metrics, built once per data version and viewer's choices."""
    key = ("cards", context.region_id, context.as_of, context.lang, tuple(metric_ids or ()))
    return data.derived(
        key, lambda: Cards(report.cards(progress, context.lang, metric_ids, figures, data.fetch("sources")))
    )


def other_metrics(page: str) -> list[str]:
    """The registry's metrics of this page's categories that no page lists (metrics.page_metrics)."""
    return data.derived(("other_metrics", page), lambda: page_metrics.other_metrics(data.fetch("metrics"), page))


def other_cards(
    progress, figures, context: Context, metric_ids: list[str], stated: dt.date | None, note_key: str = ""
) -> None:
    """Those metrics as ordinary cards under their own heading (and a page's note on them); nothing at all
    when none has a figure or target. `stated`: the page header's data date (card_grid)."""
    cards = cached_cards(progress, figures, context, metric_ids) if metric_ids else []
    if cards:
        st.subheader(context.t("pages3.other_metrics"))
        if note_key:
            st.caption(context.t(note_key))
        card_grid(cards, context, stated)


def chart_or_empty(spec, context: Context, empty_key: str = "empty.no_data") -> None:
    """A catalog chart, or the page's empty state when it has nothing to draw (never a blank chart)."""
    if spec is None:
        st.info(context.t(empty_key), icon=":material/info:")
        return
    chart(spec.figure, spec.name, context)


def evidence(figures, metric_ids: list[str], context: Context) -> None:
    """Where these figures come from: one line each with value, section and date, then the document's
    words in full (a table cut them short), in a collapsed expander. Recorded progress has no document
    words: it is counted in one line with its sources (each record is on the Progress page)."""
    key = ("evidence", context.region_id, context.as_of, context.lang, tuple(metric_ids))
    lines = data.derived(key, lambda: _evidence_text(figures, metric_ids, context))
    if lines is not None:
        with st.expander(context.t("evidence.heading"), icon=":material/format_quote:"):
            st.markdown(lines)


def _evidence_text(figures, metric_ids: list[str], context: Context) -> str | None:
    lang = context.lang
    evidence = report.evidence_of(figures, metric_ids, lang)
    if evidence is None:
        return None
    from_reply, recorded_dates, recorded_sources = evidence
    lines = []
    for row in from_reply:
        shown = format_value(row["value"], row["unit"], row["qualifier"], lang, row["unit_en"])
        facts = " · ".join(
            [
                markdown_text(shown),
                f"{context.t('column.section')} {markdown_text(narrative.section_words(row['section'], lang))}",
                f"{context.t('column.as_of')} {format_date(row['as_of'], lang)}",
            ]
        )
        quote = narrative.quote_words(row["evidence"], row.get("evidence_en"), lang)
        words = context.t("evidence.quote", words=markdown_text(quote))
        # Two spaces before the newline: a line break inside the list item.
        lines.append(f"- **{markdown_text(row[f'label_{lang}'])}**　{facts}  \n  {words}")
    separator = context.t("words.list_separator")
    if from_reply:
        sources = separator.join(dict.fromkeys(row[f"source_{lang}"] for row in from_reply))
        lines.append(f"\n{context.t('evidence.source', sources=markdown_text(sources))}")
    if len(recorded_dates):
        lines.append(
            "\n"
            + context.t(
                "evidence.records",
                count=f"{len(recorded_dates):,}",
                dates=_date_span(recorded_dates, context),
                sources=markdown_text(separator.join(dict.fromkeys(recorded_sources))),
                page=context.t("page.progress"),
            )
        )
    return "\n".join(lines)


def _date_span(dates, context: Context) -> str:
    """'2021年9月30日', or '2021年9月30日至2025年3月7日' for dates that differ."""
    first, last = (format_date(date, context.lang) for date in (dates.min(), dates.max()))
    return first if first == last else context.t("words.date_span", first=first, last=last)


def markdown_text(value: object) -> str:
    """Text shown as itself inside markdown: no emphasis, links, LaTeX ($) or colour directives."""
    return escaping.markdown_text(value)


def entity_names(entities, role: str, context: Context) -> str:
    """The names the documents give for a role, joined: 大冶特钢、东贝电器、… . `entities`: the viewer's
    region's (Reader.entities), as for named_in and entity_table."""

    def build() -> str:
        names = dict.fromkeys(row[f"name_{context.lang}"] for row in _with_roles(entities, [role]))
        return context.t("words.list_separator").join(names)

    return data.derived(("entity_names", role, context.region_id, context.lang), build)


def named_in(entities, role: str, context: Context, key: str = "words.named_in") -> str:
    """The names given for a role after the document that gives them ('答复列名：大冶特钢、东贝电器'), one
    part per document ('；' between): a name a later document adds is never credited to the reply.
    '' when no document names any."""

    def build() -> str:
        by_document = _names_by_document(_with_roles(entities, [role]), context.lang)
        return context.t("words.document_separator").join(
            context.t(key, document=document, names=context.t("words.list_separator").join(names))
            for document, names in by_document.items()
        )

    return data.derived(("named_in", role, key, context.region_id, context.lang), build)


def _with_roles(entities, roles: list[str]) -> list[dict]:
    """The entities named for these roles, as plain rows in the order named: a pandas filter per role cost
    ~1–2 ms of a first view for a few dozen rows."""
    return [row for row in frames.records(entities) if row["role"] in roles]


def _naming_documents(named: list[dict], lang: str) -> list[str]:
    """How a sentence names the document that names each of these entities (答复, a later document's noun)."""
    return documents_words(((None, row["source_id"]) for row in named), data.fetch("sources"), lang)


def _names_by_document(named: list[dict], lang: str) -> dict[str, list[str]]:
    """{document words: names in the order given}, documents in the order they first name someone."""
    words = _naming_documents(named, lang)
    grouped: dict[str, dict[str, None]] = {}
    for document, row in zip(words, named, strict=True):
        grouped.setdefault(document, {})[row[f"name_{lang}"]] = None
    return {document: list(names) for document, names in grouped.items()}


def figure_text(figure, context: Context, style: str = "words") -> str:
    """A figure row as words: '7家', '超过2,000万元', 'more than ¥20 million'."""
    units_en = data.derived(("units_en",), lambda: dict(data.fetch("metrics")[["metric_id", "unit_en"]].values))
    unit_en = units_en.get(figure.name, "")
    derivation = figure.get("derivation")
    return format_value(
        figure["value"], figure["unit"], figure["qualifier"], context.lang, unit_en, style=style, derivation=derivation
    )


def entity_table(entities, roles: list[str], context: Context) -> None:
    """The enterprises and institutions the documents name, one line per role (and document, when more
    than one names them), in the documents' order; headed by the documents that name them."""
    heading, lines = entity_lines(entities, roles, context)
    if lines:
        with st.expander(heading, expanded=True, icon=":material/apartment:"):
            st.markdown("\n".join(lines))


def entity_lines(entities, roles: list[str], context: Context) -> tuple[str, list[str]]:
    """(entity_table's heading, its lines: none when the documents name no one for these roles here)."""
    key = ("entity_lines", tuple(roles), context.region_id, context.lang)
    return data.derived(key, lambda: _entity_lines(entities, roles, context))


def _entity_lines(entities, roles: list[str], context: Context) -> tuple[str, list[str]]:
    """(the expander's heading, one markdown line per role and document), on plain rows: a pandas filter and
    group-by per role were 30 ms of the benchmarks page's first view on a slow machine."""
    lang = context.lang
    shown = _with_roles(entities, roles)
    words = _naming_documents(shown, lang)
    documents = list(dict.fromkeys(words))
    # {role: {document: (names, sections)}}, each in the order named; a dict keeps first-seen order
    grouped: dict[str, dict[str, tuple[dict[str, None], dict[str, None]]]] = {}
    for row, document in zip(shown, words, strict=True):
        names, sections = grouped.setdefault(row["role"], {}).setdefault(document, ({}, {}))
        names[row[f"name_{lang}"]] = None
        sections[row["section"]] = None
    lines = []
    for role in roles:
        for document, (names, sections) in grouped.get(role, {}).items():
            names = markdown_text(context.t("words.list_separator").join(names))
            sections = "、".join(sections)
            where = f"{context.t('column.section')} {narrative.section_words(sections, lang)}"
            if len(documents) > 1:  # which document's section, once more than one names someone here
                sections, where = f"{document} {sections}", f"{document}, {where}"
            role_words = context.t(f"role.{role}")
            lines.append(
                f"- **{role_words}**（{markdown_text(sections)}）：{names}"
                if lang == "zh"
                else f"- **{role_words}** ({markdown_text(where)}): {names}"
            )
    heading = context.t("benchmarks.named", document=context.t("words.list_separator").join(documents))
    return heading, lines


def table(frame, columns: dict[str, str], context: Context) -> None:
    """A table of some columns, headed in the viewer's language: columns maps a frame column to a
    `column.*` translation key's last part."""

    def arrow_form() -> tuple[pa.Table, dict]:
        headed = _headed(frame, columns, context)
        configs = {name: st.column_config.Column(width=width) for name, width in short_column_widths(headed).items()}
        return pa.Table.from_pandas(headed, preserve_index=False), configs

    # Kept in Arrow form: converting the frame was most of a table's cost on every view.
    shown, configs = kept_for(frame, ("table", tuple(columns.items()), context.lang), arrow_form)
    st.dataframe(shown, hide_index=True, width="stretch", column_config=configs)


SHORT_COLUMN = 14  # display width, in Chinese characters: a value, a date, a section, a region
GRID_CHARACTER_PX = 14  # a Chinese character in the grid's 14 px type; a Latin letter about 0.55 of it
GRID_PADDING_PX = 20  # the cell's padding on both sides


def short_column_widths(frame) -> dict[str, int]:
    """Pixel widths for the columns whose every cell and header is short, so that each shows whole: the
    grid sized a column on the first rows it measured and cut a later, longer value ("至少2家" as
    "至少2"). Long columns (names, the source's words) keep the grid's own sizing."""
    widths = {}
    for name in frame.columns:
        texts = [str(value) for value in frame[name].dropna().unique()]
        widest = max((display_width(text) for text in [str(name), *texts]), default=0)
        if widest <= SHORT_COLUMN:
            widths[name] = math.ceil(widest * GRID_CHARACTER_PX + GRID_PADDING_PX)
    return widths


# A static table drawn as Streamlit draws st.table(border="horizontal"), as one HTML element (its style
# sheet is the page's: ui.phone.TABLE_CSS). st.table renders every cell as a markdown element of its own:
# the activities page's two tables were 80 of them, most of the page's browser work after its chart
# (benchmarks/FIXES.md).


def static_table(frame, columns: dict[str, str], context: Context) -> None:
    """A short table shown whole, long titles wrapped instead of cut (st.dataframe cuts them, and loads
    the grid's 1.6 MB of scripts for a handful of rows). Columns as for `table`; cells are shown as
    themselves (escaped HTML), never as markdown."""

    def shown_form() -> str:
        return static_table_html(_headed(frame, columns, context).fillna(""))

    # Made once per frame and language: the same HTML on every view.
    markup.html(kept_for(frame, ("static_table", tuple(columns.items()), context.lang), shown_form))


def static_table_html(frame) -> str:
    """A frame as an HTML table: headers, then each row's cells as text, each in a box as wide as
    st.table's (long text wraps at 400 px)."""

    def cells(tag: str, values, opening: str = "") -> str:
        return "".join(f"<{tag}{opening}><div>{_cell_text(value)}</div></{tag}>" for value in values)

    head = f"<thead><tr>{cells('th', frame.columns, ' scope=col')}</tr></thead>"
    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in frame.itertuples(index=False))
    table = f'<table class="hs-table">{head}<tbody>{body}</tbody></table>'
    return f'<div class="hs-table-box">{table}</div>'


# A short Chinese cell (a date, a section such as 一（二）, a status, a place) is not broken between its
# characters: on a phone the browser broke it wherever the column was narrow ("一" over "（二）", "学习考"
# over "察"). It may still break after a year ("2021年" over "10月") and at a space ("1(2)" over "一（二）"),
# so the long titles keep the width. English breaks only at spaces anyway and is left as it is.
SHORT_CELL = 8  # display width, in Chinese characters
# Where such a cell may break: after a year with its unit (four digits and one more, non-ASCII,
# character: "2021年"), and at a space, which is kept.
_BREAKS = re.compile(r"(?<=\d{4}[^\x00-\x7f])|(\s+)")


def _cell_text(value: object) -> str:
    escaped = _html_text(value)
    if display_width(str(value)) > SHORT_CELL or not any(unicodedata.east_asian_width(ch) in "WF" for ch in escaped):
        return escaped
    parts = (part for part in _BREAKS.split(escaped) if part)
    return "".join(" " if part.isspace() else f'<span class="hs-whole">{part}</span>' for part in parts)


def _headed(frame, columns: dict[str, str], context: Context):
    """Some columns of a frame, headed in the viewer's language (`column.*` translation keys)."""
    headers = {name: context.t(f"column.{key}") for name, key in columns.items()}
    return frame[list(columns)].rename(columns=headers)
