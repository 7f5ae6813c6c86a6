"""The phone's variant of every key chart: same data and words, title wrapped to the width, category
labels above their bars, bullet notes inside the plot, the value after the longest bar within it."""

from __future__ import annotations

import datetime as dt

import pytest

from metrics import chart_catalog
from metrics.build import build as build_database
from metrics.charts import TARGET_WORDS, display_width
from metrics.narrow import TARGET_SIZE, TITLE_UNITS, narrow_figure
from metrics.reader import Reader

pytestmark = pytest.mark.usefixtures("built")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_key_chart_has_a_narrow_layout(lang):
    reader = Reader()
    for build in [*chart_catalog.KEY_CHARTS.values(), chart_catalog.funding_supports]:
        spec = build(reader, "huangshi", lang)
        narrow = narrow_figure(spec.figure)
        assert [_values(trace) for trace in narrow.data] == [_values(trace) for trace in spec.figure.data]
        title = narrow.layout.title.text
        assert "".join(title.replace("<br>", "").split()) == "".join(
            spec.figure.layout.title.text.replace("<br>", "").split()
        )  # the same words, wrapped elsewhere
        assert all(display_width(line) <= TITLE_UNITS + 1 for line in title.split("<br>")), spec.name
        assert narrow.layout.margin.l <= 10 and narrow.layout.margin.r <= 10
        horizontal = [trace for trace in narrow.data if trace.orientation == "h"]
        if horizontal:
            assert narrow.layout.yaxis.showticklabels is False
            labels = {note.y for note in narrow.layout.annotations if note.yref == "y" and note.x == 0}
            assert labels == {y for trace in horizontal for y in trace.y}, spec.name
            notes = [n for n in narrow.layout.annotations if n.yref == "y" and n.x == 1]
            assert all(note.xanchor == "right" for note in notes)  # inside the plot, not in a 230 px column


def test_the_longest_bar_leaves_room_for_its_value():
    narrow = narrow_figure(chart_catalog.funding(Reader(), "huangshi", "en").figure)
    assert narrow.layout.xaxis.range[1] >= 1.45 * max(narrow.data[0].x)


def _values(trace) -> list | None:
    return None if trace.x is None else [str(value) for value in trace.x]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_targets_words_end_at_its_marker_on_a_phone(lang):
    """At 360 px '目标 ≥500家', centred on its marker near the axis' end, ran past the chart's right edge."""
    spec = chart_catalog.metric_progress(Reader(), "huangshi", "diagnosis_enterprises", lang)
    narrow = narrow_figure(spec.figure)
    words = [note for note in narrow.layout.annotations if note.name == TARGET_WORDS]
    end = narrow.layout.xaxis.range[1]
    # near the axis' end: ending at the marker; near its start (152 of 540): starting there, off the row's label
    assert [(note.x, note.x > end / 2, note.xanchor) for note in words] == [(152, False, "left"), (500, True, "right")]
    # above the target's line, on the row's label's line (a phone's rows are a fixed height)
    labels = {note.y: note for note in narrow.layout.annotations if note.yref == "y" and note.x == 0}
    for note in words:
        assert (note.yanchor, note.yshift) == ("bottom", labels[note.y].yshift)
        assert note.yshift >= TARGET_SIZE * 1.4 / 2 + 1
    # the line is the marker, sized for the phone's fixed rows; the page's line in the axes' units is left out
    assert [shape.name for shape in spec.figure.layout.shapes] == ["target_line"] * 2
    assert not narrow.layout.shapes


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("chart", ["overview_progress", "diagnosis_progress"])
def test_a_bullets_note_and_label_clear_the_target_line_on_a_phone(lang, chart):
    """Issue 14: the status note ('已达成 · 100.7%') hung from the bar's lower edge, over the lower end of the
    100% line, which stands 3.5 px out of the bar. Its top, and the row label's bottom, clear the line."""
    figure = narrow_figure(chart_catalog.KEY_CHARTS[chart](Reader(), "huangshi", lang).figure)
    (target,) = [trace for trace in figure.data if trace.type == "scatter" and trace.marker.symbol == "line-ns"]
    half_line = target.marker.size * 1.4 / 2  # plotly draws a line-ns marker 1.4 × its size tall
    notes = [n for n in figure.layout.annotations if n.yref == "y" and n.x == 1]
    labels = [n for n in figure.layout.annotations if n.yref == "y" and n.x == 0]
    assert notes and labels
    for note in notes:  # anchored by its top, below the row's centre
        assert note.yanchor == "top" and -note.yshift >= half_line + 1, (note.text, note.yshift, half_line)
    for label in labels:  # anchored by its bottom, above the row's centre
        assert label.yanchor == "bottom" and label.yshift >= half_line + 1, (label.text, label.yshift)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_tiers_names_leave_their_bars_for_a_key_on_a_phone(lang):
    """Plotly shrank '智能工厂建设项目' inside a bar 24 of 165 wide to a few pixels at 390 px: on a phone each
    part's bar holds its figure, and a key under the words names each part with its colour and figure."""
    spec = chart_catalog.retrofit_tiers(Reader(), "huangshi", lang)
    narrow = narrow_figure(spec.figure)
    parts = narrow.data[:3]  # the stacked parts, then the whole
    assert [trace.text[0] for trace in parts[:3]] == ["24", "31", "72"]
    key = narrow.layout.title.subtitle.text
    named = "智能工厂建设项目 24" if lang == "zh" else "Smart-factory projects 24"
    assert named in key and "■" in key
    assert "<br>" in spec.figure.data[0].text[0]  # the page's own figure is not changed


def test_a_part_too_narrow_for_its_name_has_it_beside_the_bar_and_in_the_phones_key(data_dir):
    """A year-end record of one tier (12 of a whole of 140): inside its bar plotly shrank
    '智能工厂建设项目 12' to an unreadable vertical sliver. The last part of the stack, when narrower than a
    tenth of the axis, has its name and figure beside the bar (nothing is stacked there); on a phone, its
    name goes in the key as the others' do. The reply's own parts stay inside their bars."""
    (data_dir / "progress.csv").write_text(
        "metric_id,region_id,as_of,value,qualifier,source,note\n"
        "retrofit_projects_under_way,huangshi,2021-12-31,140,=,2021年第四季度调度会,\n"
        "smart_factory_projects,huangshi,2021-12-31,12,=,2021年第四季度调度会,\n",
        encoding="utf-8",
    )
    build_database(data_dir)
    figure = chart_catalog.retrofit_tiers(Reader(), "huangshi", "zh").figure
    part = figure.data[0]
    assert part.text[0] == "智能工厂建设项目<br>12" and part.textposition == "outside"
    narrow = narrow_figure(figure)
    assert narrow.data[0].text[0] == "12" and "智能工厂建设项目 12" in narrow.layout.title.subtitle.text
    earlier = chart_catalog.retrofit_tiers(Reader(as_of=dt.date(2021, 7, 13)), "huangshi", "zh").figure
    assert [trace.textposition for trace in earlier.data[:3]] == ["inside"] * 3
