"""Text from a CSV shown as text: in markdown (Streamlit) and in plotly's titles, labels and annotations.

Free text in the data files (a progress record's source, notes, names, an uploaded file's cells and
name) reached markdown, where an image URL was fetched by every viewer and links rendered, and plotly,
which draws a small HTML subset (a styled span drew a 60 px red "SPOOF" over two charts). Issue 13.
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+\-!|<>$~:])")

# What the chart code itself writes into plotly text: line breaks, bold, and spans with a colour (and a
# size) it chose. Anything else that looks like a tag came from data and is escaped.
_OWN_MARKUP = re.compile(r"<br>|</?b>|</span>|<span style='(?:font-size:\d{1,2}px;)?color:#[0-9a-fA-F]{6}'>")


def markdown_text(value: object) -> str:
    """Text shown as itself inside markdown: no emphasis, links, images, HTML, LaTeX ($) or directives."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))


def plotly_text(value: object) -> str:
    """Text shown as itself in a plotly title, label, hover or annotation (which read a small HTML subset)."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plotly_markup(value: str) -> str:
    """Plotly text built by the chart code: its own tags (see _OWN_MARKUP) are kept, any other '<' is
    escaped. The safety net for a figure as a whole; data should pass through plotly_text first."""
    kept, last = [], 0
    for match in _OWN_MARKUP.finditer(value):
        kept.append(value[last : match.start()].replace("<", "&lt;"))
        kept.append(match.group(0))
        last = match.end()
    kept.append(value[last:].replace("<", "&lt;"))
    return "".join(kept)


_TEXT_KEYS = {"text", "hovertext", "name", "x", "y", "labels", "ticktext", "hovertemplate", "texttemplate"}


def safe_figure_text(node: object, key: str = "") -> object:
    """Every string under a text-bearing key of a figure's dicts through plotly_markup (in place)."""
    if isinstance(node, dict):
        for name, value in node.items():
            node[name] = safe_figure_text(value, name)
        return node
    if isinstance(node, list):
        return [safe_figure_text(item, key) for item in node]
    if isinstance(node, str) and key in _TEXT_KEYS and "<" in node:
        return plotly_markup(node)
    return node
