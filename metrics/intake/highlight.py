"""The document as HTML with every proposed figure marked; the document's text is always escaped."""

from __future__ import annotations

import html

import pandas as pd

_STYLE = (
    "<style>.intake-doc{font-family:'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif;"
    "font-size:15px;line-height:1.8;white-space:pre-wrap;word-break:break-all}"
    ".intake-doc .n{color:#9ca3af;display:inline-block;width:3em;text-align:right;margin-right:.8em;"
    "user-select:none;font-size:12px}"
    ".intake-doc mark{background:#fde68a;padding:0 2px;border-radius:3px}"
    ".intake-doc mark.matched{background:#bbf7d0}.intake-doc mark.recorded{background:#e5e7eb;color:#374151}"
    ".intake-doc sup{color:#6b7280;font-size:10px;margin-left:1px}</style>"
)


def document_html(lines: list[str], proposals: pd.DataFrame, recorded: list[bool] | None = None) -> str:
    """Each line numbered; each proposal's quote marked (green: a metric found, yellow: none, grey: recorded)
    with its row number in the proposals table."""
    recorded = recorded or [False] * len(proposals)
    by_line: dict[int, list[tuple[int, str, str]]] = {}
    for position, (row, done) in enumerate(zip(proposals.to_dict("records"), recorded, strict=True)):
        kind = "recorded" if done else ("matched" if row["metric_id"] else "")
        by_line.setdefault(int(row["line"]), []).append((position + 1, str(row["quote"]), kind))
    parts = [_STYLE, '<div class="intake-doc">']
    for number, line in enumerate(lines, start=1):
        parts.append(f'<span class="n">{number}</span>{_marked(line, by_line.get(number, []))}\n')
    parts.append("</div>")
    return "".join(parts)


def _marked(line: str, marks: list[tuple[int, str, str]]) -> str:
    out, cursor = [], 0
    for label, quote, kind in marks:
        at = line.find(quote, cursor)
        if at < 0 or not quote:
            continue
        out.append(html.escape(line[cursor:at]))
        out.append(f'<mark class="{kind}">{html.escape(quote)}</mark><sup>{label}</sup>')
        cursor = at + len(quote)
    out.append(html.escape(line[cursor:]))
    return "".join(out)
