"""Free text from a CSV is shown as text: a hostile progress record end to end (issue 13). Its source
was markdown under every page title (an image fetched by every viewer, links) and HTML in chart footers
(a styled span drew a 60 px red "SPOOF")."""

from __future__ import annotations

import json
import re

import pytest

from metrics.build import build
from metrics.escaping import markdown_text, plotly_markup, plotly_text, safe_figure_text
from tests.apptest_support import open_page

HOSTILE = (
    "![p](http://10.0.0.9/pixel.png) [点此](http://10.0.0.9/x) "
    '<span style="font-size:60px;color:red">SPOOF</span> <img src=x> **粗** $x$'
)


@pytest.fixture
def hostile(built):
    path = built / "progress.csv"
    source = HOSTILE.replace('"', '""')
    row = f'diagnosis_enterprises,huangshi,2021-12-31,160,=,"{source}",备注 <b>粗</b>\n'
    path.write_text(path.read_text(encoding="utf-8-sig") + row, encoding="utf-8")
    build(built)
    return built


def unescaped(markdown: str, pattern: str) -> bool:
    """Whether `pattern` occurs in markdown without a backslash before its first character."""
    return any(markdown[max(0, m.start() - 1)] != "\\" for m in re.finditer(re.escape(pattern), markdown))


@pytest.mark.parametrize("page", ["overview", "diagnosis"])
def test_a_hostile_progress_source_is_shown_as_its_literal_text(hostile, page):
    app = open_page(page)
    assert not app.exception
    captions = [c.value for c in app.caption if "SPOOF" in c.value]
    assert captions, "the record's source is named under the title"
    for caption in captions:
        for active in ("![", "](", "[点此]", "<span", "<img", "**", "$x"):
            assert not unescaped(caption, active), (active, caption)
    footers = [
        note["text"]
        for chart in app.get("plotly_chart")
        for note in json.loads(chart.proto.spec)["layout"].get("annotations", [])
        if "SPOOF" in note["text"]
    ]
    assert footers, "the record's source is named in a chart footer"
    for footer in footers:
        assert "<span" not in footer and "&lt;span style=" in footer and "<img" not in footer


def test_the_escaping_helpers():
    assert markdown_text("[a](b) ![c](d) <i>") == r"\[a\]\(b\) \!\[c\]\(d\) \<i\>"
    assert plotly_text("<b>R&D</b>") == "&lt;b&gt;R&amp;D&lt;/b&gt;"
    own = "诊断<br><span style='font-size:12px;color:#6b7280'>2021</span><b>153</b>"
    assert plotly_markup(own) == own  # what the chart code writes itself is kept
    assert plotly_markup("<span style='font-size:60px;color:red'>X</span>") == (
        "&lt;span style='font-size:60px;color:red'>X</span>"
    )
    layout = {"title": {"text": "<a href='http://x'>t</a>"}, "annotations": [{"text": "<img src=x>", "x": 1}]}
    safe_figure_text(layout)
    assert "<a" not in layout["title"]["text"] and "<img" not in layout["annotations"][0]["text"]


# Every free-text column of every data file, with text that markdown, HTML, LaTeX or a Streamlit directive
# would act on (issue 13: "every text that comes from a CSV is shown as text").
EVERYWHERE = (
    '![x](http://evil/x.png) [link](http://evil) <span style="font-size:60px">SPOOF</span> **bold** $x$ :red[x]'
)
ACTIVE = ("![x](", "[link](", "<span", "**bold**", "$x$", ":red[x]")
FREE_TEXT = {
    "figures.csv": ("evidence", "evidence_en", "note", "note_en"),
    "targets.csv": ("evidence", "evidence_en", "note", "note_en", "plan", "plan_en", "assumption", "assumption_en"),
    "entities.csv": ("name_zh", "name_en", "evidence"),
    "events.csv": (
        "title_zh",
        "title_en",
        "label_zh",
        "label_en",
        "format_zh",
        "format_en",
        "location_zh",
        "location_en",
        "evidence",
        "note",
    ),
    "sources.csv": ("title_zh", "title_en", "short_zh", "short_en", "issuer_zh", "issuer_en"),
    "metrics.csv": ("label_zh", "label_en", "definition_zh", "definition_en", "phrase_zh", "phrase_en"),
    "regions.csv": ("name_zh", "name_en"),
    "checks.csv": ("label_zh", "label_en", "claim_zh", "claim_en"),
}


@pytest.fixture(scope="module")
def hostile_everywhere(tmp_path_factory):
    """A built data copy whose every free-text cell ends with the hostile text (unique per row, as names
    must be), plus a progress record whose source and note are hostile."""
    import os
    import shutil

    import pandas as pd

    from metrics.registry import read_reference_csv
    from tests.apptest_support import ROOT

    folder = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns("*.duckdb", "history", ".*"))
    for name, columns in FREE_TEXT.items():
        frame = read_reference_csv(folder / name)
        for column in columns:
            # a blank line as well: it would end our own HTML (the cards) and let markdown in after it
            frame[column] = [
                f"{value} {index}\n\n{EVERYWHERE}" if value else value for index, value in enumerate(frame[column])
            ]
        frame.to_csv(folder / name, index=False, encoding="utf-8-sig" if name == "targets.csv" else "utf-8")
    record = pd.DataFrame(
        [["diagnosis_enterprises", "huangshi", "2021-12-31", "160", "=", EVERYWHERE, EVERYWHERE]],
        columns=["metric_id", "region_id", "as_of", "value", "qualifier", "source", "note"],
    )
    record.to_csv(folder / "progress.csv", index=False, encoding="utf-8-sig")
    build(folder)
    before = os.environ.get("DASHBOARD_DATA_DIR")
    os.environ["DASHBOARD_DATA_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("DASHBOARD_DATA_DIR")
    else:
        os.environ["DASHBOARD_DATA_DIR"] = before


MARKDOWN_KINDS = ("markdown", "caption", "info", "warning", "success", "error", "title", "header", "subheader")


def _literal_problems(app) -> list[tuple[str, str]]:
    """(where, text) of every element in which the hostile text would be acted on rather than shown."""
    found = []
    for kind in MARKDOWN_KINDS:
        for element in app.get(kind):
            value = str(element.value)
            if "SPOOF" not in value and "evil" not in value:
                continue
            if getattr(element.proto, "allow_html", False):
                # Our own HTML (the cards): data is HTML-escaped, and one line keeps markdown out of it.
                body = re.sub(r"<style>.*?</style>", "", value, flags=re.S)
                if '<span style="font-size:60px"' in body or "<img" in body or "\n" in body:
                    found.append((kind, value))
                continue
            found += [(kind, value) for active in ACTIVE if unescaped(value, active)]
    for expander in app.get("expander"):
        label = str(expander.proto.label)
        found += [("expander", label) for active in ACTIVE if unescaped(label, active)]
    for table in app.get("table"):
        for cell in table.value.astype(str).to_numpy().ravel():
            found += [("table", cell) for active in ACTIVE if "SPOOF" in cell and unescaped(cell, active)]
    for chart in app.get("plotly_chart"):
        spec = chart.proto.spec
        if '<span style=\\"font-size:60px\\">' in spec or "<img" in spec:
            found.append(("plotly_chart", spec[:200]))
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "page",
    ["overview", "diagnosis", "retrofit", "funding", "benchmarks", "activities", "targets", "progress", "sources"],
)
def test_every_free_text_column_is_shown_as_text_on_every_page(hostile_everywhere, page, lang):
    app = open_page(page, lang)
    assert not app.exception, app.exception
    shown = "\n".join(str(e.value) for kind in MARKDOWN_KINDS for e in app.get(kind))
    assert "SPOOF" in shown or page in ("progress",), "the hostile text reaches the page"
    assert not [(kind, _around(value)) for kind, value in _literal_problems(app)]


def _around(value: str) -> str:
    at = value.find("SPOOF")
    return value[max(0, at - 120) : at + 60]
