"""Chart builders without Streamlit: traces, target and pace markers, titles, footers, formats."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from metrics import chart_catalog, charts, report
from metrics.charts import TARGET_LINE, TARGET_WORDS, TRACK_WIDTH
from metrics.reader import Reader
from metrics.style import FONT_FAMILY, STATUS_COLORS


@pytest.fixture
def reader(built) -> Reader:
    return Reader()


def traces_named(figure, name):
    return [trace for trace in figure.data if trace.name == name]


def footer_text(figure) -> str:
    return next(a.text for a in figure.layout.annotations if a.text.startswith(("数据截至", "Data as of")))


def test_every_key_chart_has_title_footer_and_cjk_font(reader):
    for name, builder in chart_catalog.KEY_CHARTS.items():
        for lang in ("zh", "en"):
            spec = builder(reader, "huangshi", lang)
            assert spec is not None, name
            layout = spec.figure.layout
            assert layout.title.text and layout.font.family == FONT_FAMILY
            assert layout.font.family.startswith('"Noto Sans CJK SC"')
            footer = footer_text(spec.figure)
            if lang == "zh":
                assert footer == "数据截至 2021年7月13日 · 来源：市经信局对市政协〔2021〕50号提案的答复"
            else:
                assert footer.startswith("Data as of 13 July 2021 · Source:")
            assert spec.finding


def test_diagnosis_bullets_mark_targets_and_pace(reader):
    figure = chart_catalog.metric_progress(reader, "huangshi", "diagnosis_enterprises", "zh").figure
    target = traces_named(figure, "目标")[0]
    pace = traces_named(figure, "按进度应达")[0]
    assert list(target.x) == [152, 500]
    words = [note for note in figure.layout.annotations if note.name == TARGET_WORDS]
    assert [(note.x, note.text) for note in words] == [(152, "目标 152家"), (500, "目标 ≥500家")]
    # in the axes' units, standing on the top edge of their row's track (rows 0 and 1; reversed, minus is up)
    assert [(note.xref, note.yref, note.yanchor) for note in words] == [("x", "y", "bottom")] * 2
    assert [note.y for note in words] == pytest.approx([-TRACK_WIDTH / 2, 1 - TRACK_WIDTH / 2])
    assert figure.layout.yaxis.range == pytest.approx((1.5, -0.5 - (1 - TRACK_WIDTH) / 2))  # room above row 0
    # each target's line in the axes' units too, out of the bar (0.42 of a row) and inside the track
    lines = [shape for shape in figure.layout.shapes if shape.name == TARGET_LINE]
    assert [(shape.x0, shape.x1) for shape in lines] == [(152, 152), (500, 500)]
    assert [coordinate for shape in lines for coordinate in (shape.y0, shape.y1)] == pytest.approx(
        [-0.28, 0.28, 0.72, 1.28]
    )
    assert pace.x[0] == pytest.approx(152 * 194 / 365) and pace.x[1] == pytest.approx(500 * 194 / 1095)
    values = figure.data[1]
    assert list(values.x) == [153, 153]
    assert list(values.marker.color) == [STATUS_COLORS["achieved"], STATUS_COLORS["ahead"]]
    column = [a.text for a in figure.layout.annotations if "100.7%" in a.text or "30.6%" in a.text]
    assert "153家 · 100.7%" in column[0] and "已达成" in column[0] and "超前" in column[1]


def test_overview_bullets_are_percent_of_target_with_status_words(reader):
    spec = chart_catalog.overview_progress(reader, "huangshi", "zh")
    values = spec.figure.data[1]
    assert [round(v, 1) for v in values.x] == [100.7, 30.6, 66.0]
    assert list(traces_named(spec.figure, "目标")[0].x) == [100, 100, 100]
    assert spec.figure.layout.title.text == "3项目标：2项超前，1项已达成"
    assert spec.figure.layout.xaxis.ticksuffix == "%"


def test_lower_bounds_are_drawn_and_labelled_as_lower_bounds(reader):
    figure = chart_catalog.funding(reader, "huangshi", "zh").figure
    bars = figure.data[0]
    assert list(bars.text) == ["≥2,000万元", "≥5,000万元"]
    assert list(bars.marker.pattern.shape) == ["/", "/"]
    assert any("下限" in a.text for a in figure.layout.annotations)
    assert figure.layout.title.text == "市县两级拟安排智能化改造资金合计超过7,000万元"


def test_tiers_chart_shows_parts_whole_and_gap(reader):
    spec = chart_catalog.retrofit_tiers(reader, "huangshi", "zh")
    parts = [trace for trace in spec.figure.data if trace.orientation == "h"][:3]
    assert [trace.x[0] for trace in parts] == [24, 31, 72]
    assert spec.figure.layout.title.text.startswith("三类项目合计127个，比答复所述在建项目129个少2个（2021年7月13日）")
    gap_boxes = [shape for shape in spec.figure.layout.shapes if shape.type == "rect"]
    assert (gap_boxes[0].x0, gap_boxes[0].x1) == (127, 129)


def _tier_bars(spec) -> list[float]:
    return [trace.x[0] for trace in spec.figure.data if trace.orientation == "h"][:3]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_later_tier_record_leaves_title_and_bars_on_the_same_figures(data_dir, lang):
    """A year-end record of one tier: the bars stayed newest (80) under a title about the reply's 72."""
    from metrics.build import build

    (data_dir / "progress.csv").write_text(
        "metric_id,region_id,as_of,value,qualifier,source,note\n"
        "smart_line_projects,huangshi,2021-12-31,80,=,年末统计,\n",
        encoding="utf-8",
    )
    build(data_dir)
    spec = chart_catalog.retrofit_tiers(Reader(), "huangshi", lang)
    assert _tier_bars(spec) == [24, 31, 72]  # the reply's tiers, as the title's sum
    title = spec.figure.layout.title.text.replace("<br>", " ")
    assert {
        "zh": "三类项目合计127个，比答复所述在建项目129个少2个（2021年7月13日）",
        "en": "The three tiers add up to 127, 2 fewer than the 129 projects under way the reply states (13 July 2021)",
    }[lang] in title
    footer = " ".join(a.text for a in spec.figure.layout.annotations)
    assert "年末统计" not in footer and "2021-12-31" not in footer


def test_a_later_document_stating_whole_and_tiers_is_drawn_with_its_own_sum(data_dir):
    from metrics.build import build

    (data_dir / "progress.csv").write_text(
        "metric_id,region_id,as_of,value,qualifier,source,note\n"
        + "".join(
            f"{metric},huangshi,2021-12-31,{value},=,年末统计,\n"
            for metric, value in [
                ("retrofit_projects_under_way", 130),
                ("smart_factory_projects", 26),
                ("smart_workshop_projects", 31),
                ("smart_line_projects", 80),
            ]
        ),
        encoding="utf-8",
    )
    build(data_dir)
    spec = chart_catalog.retrofit_tiers(Reader(), "huangshi", "zh")
    assert _tier_bars(spec) == [26, 31, 80]
    title = spec.figure.layout.title.text.replace("<br>", "")
    assert "三类项目合计137个，比进展记录所述在建项目130个多7个（2021年12月31日）" in title
    assert "答复" not in title


def test_timeline_separates_held_and_planned(reader):
    figure = chart_catalog.activities_timeline(reader, "huangshi", "zh").figure
    conferences = [trace for trace in figure.data if trace.mode == "markers+text"][0]
    assert len(conferences.x) == 4
    assert list(conferences.marker.color)[-1] == "white"  # 2021: planned, hollow
    assert "2021年10月" in conferences.text[-1] and "大会+大赛" in conferences.text[-1]


def test_no_target_means_no_chart_not_a_zero(data_dir):
    (data_dir / "targets.csv").write_text("metric_id,period_start,period_end,target\n", encoding="utf-8")
    from metrics.build import build

    build(data_dir)
    reader = Reader()
    assert chart_catalog.overview_progress(reader, "huangshi", "zh") is None
    assert chart_catalog.metric_progress(reader, "huangshi", "diagnosis_enterprises", "zh") is None


def test_trend_needs_two_records_and_then_draws_pace(data_dir):
    (data_dir / "progress.csv").write_text(
        "metric_id,as_of,value\ndiagnosis_enterprises,2021-09-30,260\n", encoding="utf-8"
    )
    from metrics.build import build

    build(data_dir)
    spec = chart_catalog.metric_trend(Reader(), "huangshi", "diagnosis_enterprises", "zh")
    actual = traces_named(spec.figure, "实际")[0]
    assert list(actual.y) == [153, 260]
    pace = traces_named(spec.figure, "按进度应达")[0]
    assert list(pace.y) == [0, 500]  # the longest target: the three-year plan
    assert pd.Timestamp(pace.x[-1]).date() == dt.date(2023, 12, 31)


def test_the_trend_title_counts_dates_with_figures_not_records(with_later_records):
    """The reply's figure and one later record: figures for two dates, of which one is a record (the English
    title said "2 records so far")."""
    titles = {
        lang: chart_catalog.metric_trend(Reader(), "huangshi", "diagnosis_enterprises", lang).finding
        for lang in ("zh", "en")
    }
    assert titles == {
        "zh": "完成智能化诊断的规上企业：已有2次数据",
        "en": "Enterprises diagnosed: figures for 2 dates so far",
    }


def test_the_overview_chart_dates_a_figure_older_than_its_footer(with_later_records):
    """The key chart's footer says 数据截至2021年9月30日 once a September record is on file: the row of the
    reply's 66 completed projects says it is of 13 July (a screenshot of the chart has no cards beside it);
    the September rows add nothing, and at the reply's own date no row is dated."""

    def row_notes(figure) -> list[str]:
        return [
            note.text
            for note in figure.layout.annotations
            if note.xref == "paper" and note.x == 1 and note.xanchor == "left" and note.yref == "y"
        ]

    for lang, words in (("zh", "截至2021年7月13日"), ("en", "As of 13 July 2021")):
        figure = chart_catalog.overview_progress(Reader(), "huangshi", lang).figure
        assert [words in note for note in row_notes(figure)] == [False, False, True]
        # Two lines each, the date on the status's: a third line ran into the next row's note on a slide.
        assert [note.count("<br>") for note in row_notes(figure)] == [1, 1, 1]
        assert re.search(rf"<br><span[^>]*>{words}</span> · <span", row_notes(figure)[2])
    earlier = chart_catalog.overview_progress(Reader(as_of=dt.date(2021, 7, 13)), "huangshi", "zh").figure
    assert len(row_notes(earlier)) == 3 and not any("截至" in note for note in row_notes(earlier))


def test_chart_config_names_the_png_and_doubles_its_scale():
    config = charts.chart_config("diagnosis_progress_huangshi_zh")
    options = config["toImageButtonOptions"]
    assert options == {
        "format": "png",
        "filename": "diagnosis_progress_huangshi_zh",
        "width": 1600,
        "height": 900,
        "scale": 2,
    }
    assert config["displaylogo"] is False


def _with_a_plan_not_begun(data_dir) -> Reader:
    """The reply's data and eleven more targets of 2024–2026 (a new plan read in before any of its figures)."""
    from metrics.build import build

    lines = (data_dir / "targets.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    metrics = ["diagnosis_enterprises", "retrofit_projects_completed", "smart_factory_projects"]
    for number in range(11):
        row = dict.fromkeys(header, "")
        row |= {"metric_id": metrics[number % 3], "region_id": "huangshi", "period_start": "2024-01-01"}
        row |= {"period_end": f"{2024 + number // 3}-12-31", "target": str(100 + number), "qualifier": "="}
        row |= {"source": "reply_2021_50", "plan": f"新计划{number}", "plan_en": f"new plan {number}"}
        lines.append(",".join(row[column] for column in header))
    (data_dir / "targets.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    build(data_dir)
    return Reader()


def test_a_period_not_begun_has_no_pace_marker(data_dir):
    """Its pace is 0 by definition: drawn, it was half a diamond on the axis, read as a glitch."""
    reader = _with_a_plan_not_begun(data_dir)
    statuses = [row["status"] for row in reader.progress("huangshi").to_dict("records") if pd.notna(row["target"])]
    assert (len(statuses), statuses.count("not_started")) == (14, 11)
    overview = chart_catalog.overview_progress(reader, "huangshi", "zh").figure
    assert len(traces_named(overview, "按进度应达")[0].x) == 3  # the reply's three targets only
    diagnosis = chart_catalog.metric_progress(reader, "huangshi", "diagnosis_enterprises", "zh").figure
    assert len(traces_named(diagnosis, "按进度应达")[0].x) == 2  # of its six targets, the two begun


def test_a_period_judged_on_its_end_figure_has_no_pace_marker(data_dir):
    """A figure from the period's end (or later): its pace is the target itself, which the line marks."""
    from metrics.build import build

    (data_dir / "progress.csv").write_text(
        "metric_id,as_of,value\ndiagnosis_enterprises,2021-12-31,160\n", encoding="utf-8"
    )
    build(data_dir)
    figure = chart_catalog.metric_progress(Reader(), "huangshi", "diagnosis_enterprises", "zh").figure
    pace = traces_named(figure, "按进度应达")[0]
    assert list(pace.x) == [pytest.approx(500 / 3, rel=0.01)]  # the three-year plan's only: a year of three
    overview = chart_catalog.overview_progress(Reader(), "huangshi", "zh").figure
    assert len(traces_named(overview, "按进度应达")[0].x) == 2  # not the 2021 plan's, ended with 160家


@pytest.mark.parametrize(
    ("lang", "benchmarks", "supports"),
    [
        ("zh", "3家企业获省级智能制造示范", "资金拟支持智能化改造项目5个"),
        (
            "en",
            "3 enterprises hold provincial smart-manufacturing demonstrations",
            "Funding is planned for 5 retrofit projects",
        ),
    ],
)
def test_a_county_title_names_only_what_its_report_states(data_dir, lang, benchmarks, supports):
    """A county's report gives one level of the three and one of the two supports: the titles read
    "3家企业获省级智能制造示范", not "…，—入选湖北省首批上云标杆，—获国家级试点示范"."""
    from metrics.build import build

    (data_dir / "progress.csv").write_text(
        "metric_id,region_id,as_of,value,qualifier,source,note\n"
        "provincial_demo_enterprises,yangxin,2024-03-31,3,=,阳新县一季度报告,\n"
        "funded_retrofit_projects,yangxin,2024-03-31,5,=,阳新县一季度报告,\n",
        encoding="utf-8",
    )
    build(data_dir)
    reader = Reader()
    assert chart_catalog.benchmarks(reader, "yangxin", lang).finding == benchmarks
    assert chart_catalog.funding_supports(reader, "yangxin", lang).finding == supports


def test_an_image_of_many_rows_is_taller_rather_than_squeezed(reader, data_dir):
    """16:9 (1600×900) while the rows fit as the page draws them; 14 target rows make a taller image."""
    few = chart_catalog.overview_progress(reader, "huangshi", "zh").figure
    assert charts.image_height(few) == charts.image_height(few, 1.4) == 900
    many = chart_catalog.overview_progress(_with_a_plan_not_begun(data_dir), "huangshi", "zh").figure
    assert many.layout.height == 150 + 92 * 14
    assert charts.image_height(many) == many.layout.height  # the toolbar's PNG: the page's own spacing
    assert charts.image_height(many, 1.4) == round(many.layout.height * 1.4)  # the button's, type 1.4× larger
    assert charts.chart_config("x", charts.image_height(many))["toImageButtonOptions"]["height"] == many.layout.height


@pytest.mark.parametrize(
    ("title", "width", "lines"),
    [
        ("短标题", 40, 1),
        ("已完成153家规上企业智能化诊断，超2021年计划1家；完成三年行动计划（2021–2023年）的30.6%，快于进度", 30, 2),
    ],
)
def test_long_titles_wrap_at_punctuation(title, width, lines):
    wrapped = charts.wrap(title, width)
    assert wrapped.count("<br>") + 1 == lines
    assert all(charts.display_width(line) <= width for line in wrapped.split("<br>"))


def test_wrapping_keeps_a_bracketed_remark_together():
    assert charts.wrap("市本级智能化改造资金（拟安排）", 14) == "市本级智能化改造资金<br>（拟安排）"
    assert (
        charts.wrap("已完成智能化改造项目占比1", 12) == "已完成智能化改造项目占比1"
    )  # overflow by one, not a lone "1"


def test_charts_carry_the_default_look_only_for_the_trace_types_they_use(reader):
    """The slim template keeps plotly's default style for bar and scatter: a chart with another trace
    type would silently lose its default look, so it must be added to charts._slim_template."""
    import plotly.io as pio

    full = pio.templates["plotly"]
    for name, builder in chart_catalog.KEY_CHARTS.items():
        figure = builder(reader, "huangshi", "zh").figure
        template = figure.layout.template
        used = {trace.type for trace in figure.data}
        assert used <= {"bar", "scatter"}, name
        for trace_type in used:
            assert getattr(template.data, trace_type) == getattr(full.data, trace_type), (name, trace_type)
        assert template.layout.xaxis == full.layout.xaxis and template.layout.colorway == full.layout.colorway
        kept = template.to_plotly_json()
        assert set(kept["data"]) == {"bar", "scatter"} and "geo" not in kept["layout"]  # no unused styles


def test_a_footer_naming_several_sources_wraps_and_the_chart_grows_to_hold_it():
    reply = "Huangshi Bureau of Economy and IT reply to CPPCC proposal 2021-50"
    footer_one = charts.Footer(dt.date(2021, 7, 13), reply)
    footer_many = charts.Footer(dt.date(2021, 12, 31), f"2021年第四季度调度会; 2021年第三季度调度会; {reply}")
    short = charts.briefing_layout(charts.FigureDraft(), "标题", "", footer_one, "en")
    long = charts.briefing_layout(charts.FigureDraft(), "标题", "", footer_many, "en")
    assert "<br>" not in footer_text(short)  # the reply's own footer stays one line
    lines = footer_text(long).split("<br>")
    assert lines == [
        "Data as of 31 December 2021 ·",
        "Source: 2021年第四季度调度会; 2021年第三季度调度会;",
        reply,  # a source is not split while it fits a line
    ]
    assert all(charts.display_width(line) <= charts.FOOTER_WIDTH for line in lines)
    assert long.layout.margin.b == short.layout.margin.b + 32 and long.layout.height == short.layout.height + 32


@pytest.mark.parametrize(("lang", "words"), [("zh", "差2个"), ("en", "2 short")])
def test_tiers_gap_is_labelled_where_it_is_and_no_line_strikes_the_whole(reader, lang, words):
    figure = chart_catalog.retrofit_tiers(reader, "huangshi", lang).figure
    (gap_box,) = [shape for shape in figure.layout.shapes if shape.type == "rect"]
    assert (gap_box.x0, gap_box.x1) == (127, 129)
    # only on the parts' row (category 0): the whole's bar and its "129" are untouched
    assert gap_box.y1 < 0.5 and (gap_box.line.width or 0) == 0
    labels = [a for a in figure.layout.annotations if words in (a.text or "")]
    assert labels and labels[0].y == figure.data[0].y[0] and labels[0].x >= 129


@pytest.mark.parametrize(
    "builder",
    [
        chart_catalog.benchmarks,
        chart_catalog.retrofit_pipeline,
        chart_catalog.retrofit_tiers,
        chart_catalog.activities_timeline,
    ],
)
def test_categories_never_wear_a_status_colour(reader, builder):
    from metrics.style import PACE

    reserved = {color.lower() for color in STATUS_COLORS.values()} | {PACE.lower()}
    spec = builder(reader, "huangshi", "zh")
    if spec is None:
        return
    used = set()
    for trace in spec.figure.data:
        for part in (getattr(trace, "marker", None), getattr(trace, "line", None)):
            for attribute in ("color",):
                value = getattr(part, attribute, None) if part is not None else None
                for color in value if isinstance(value, list | tuple) else [value]:
                    if isinstance(color, str):
                        used.add(color.lower())
            line = getattr(part, "line", None) if part is not None else None
            if line is not None and isinstance(line.color, str):
                used.add(line.color.lower())
    assert not used & reserved, used & reserved


def test_hover_names_are_never_cut(reader):
    figure = chart_catalog.retrofit_tiers(reader, "huangshi", "zh").figure
    assert figure.layout.hoverlabel.namelength == -1
    assert any("智能产线、智能单元改造项目" in (trace.name or "") for trace in figure.data)


def test_the_lower_bound_legend_says_what_is_drawn(reader):
    from metrics.i18n import text

    figure = chart_catalog.funding(reader, "huangshi", "zh").figure
    hatched = [trace for trace in figure.data if getattr(trace.marker, "pattern", None) and trace.marker.pattern.shape]
    assert hatched and all(getattr(trace.marker.line, "dash", None) is None for trace in hatched)
    assert "虚" not in text("chart.lower_bound_note", "zh") and "dash" not in text("chart.lower_bound_note", "en")


def test_a_wrapped_title_unwraps_to_its_own_words():
    assert charts.unwrap("30.6% of<br>the plan") == "30.6% of the plan"
    assert charts.unwrap("more than ¥70 million for smart retrofits,<br>combined") == (
        "more than ¥70 million for smart retrofits, combined"
    )
    assert charts.unwrap("合计127个，少2个<br>（2021年7月13日）") == "合计127个，少2个（2021年7月13日）"


def test_every_chart_is_valid_plotly_and_drawn_as_validated(reader, monkeypatch):
    """Charts skip plotly's validation when finished (for speed): each one the catalog draws must pass it
    and give the very same plain form (keys in another order) as the validated figure."""
    import json

    import plotly.graph_objects as go
    import plotly.io as pio

    drafts: list[dict] = []
    finished = charts.FigureDraft.finished

    def recorded(draft: charts.FigureDraft):
        figure = finished(draft)
        drafts.append({"data": draft.data, "layout": draft.layout, "figure": figure})
        return figure

    monkeypatch.setattr(charts.FigureDraft, "finished", recorded)
    for lang in ("zh", "en"):
        for builder in (*chart_catalog.KEY_CHARTS.values(), chart_catalog.funding_supports):
            builder(reader, "huangshi", lang)
        chart_catalog.metric_trend(reader, "huangshi", "diagnosis_enterprises", lang)

    def plain(figure) -> str:
        return json.dumps(json.loads(pio.to_json(figure.to_dict(), validate=False)), sort_keys=True)

    assert len(drafts) >= 2 * len(chart_catalog.KEY_CHARTS)
    for draft in drafts:
        validated = go.Figure({"data": draft["data"], "layout": draft["layout"]})  # raises on a bad property
        assert plain(draft["figure"]) == plain(validated)


def test_the_bullets_key_names_the_target_a_line_not_a_bar(reader):
    """The English key said 'bar = target' on a chart whose bars are the figures (竖线 = 目标: a vertical line)."""
    for spec in (
        chart_catalog.metric_progress(reader, "huangshi", "diagnosis_enterprises", "en"),
        chart_catalog.overview_progress(reader, "huangshi", "en"),
    ):
        subtitle = spec.figure.layout.title.subtitle.text
        assert "line = target" in subtitle and "bar = target" not in subtitle, subtitle


def test_the_overview_chart_has_room_for_its_longest_row_note(data_dir):
    """A lower bound of money against a plan: '≥2,000万元 / 1,500万元 · ≥133.3%' was cut at the chart's
    right edge. The right margin holds the longest note line at the notes' type size."""
    import csv

    from metrics.build import build

    path = data_dir / "targets.csv"
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    funding = {
        **dict.fromkeys(rows[0], ""),
        **{"metric_id": "funding_city_level", "region_id": "huangshi", "source": "reply_2021_50"},
        **{"period_start": "2021-01-01", "period_end": "2021-12-31", "target": "15000000", "qualifier": "="},
        **{"plan": "2021年计划", "plan_en": "2021 plan", "section": "二（三）", "evidence": "test"},
    }
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([*rows, funding])
    build(data_dir)
    for lang in ("zh", "en"):
        figure = chart_catalog.overview_progress(Reader(), "huangshi", lang).figure
        notes = [
            note.text
            for note in figure.layout.annotations
            if note.xref == "paper" and note.x == 1 and note.xanchor == "left" and note.yref == "y"
        ]
        lines = [re.sub(r"<[^>]+>", "", line) for note in notes for line in note.split("<br>")]
        longest = max(lines, key=charts.display_width)
        assert "133.3%" in longest
        assert figure.layout.margin.r >= charts.display_width(longest) * charts.BODY_SIZE


def test_the_trend_draws_one_point_a_date_the_one_in_force(data_dir):
    """A record of 150 enterprises diagnosed as of the reply's own date, and 260 in September: the line has
    one point a date, the record's 150 for July (as its card and progress take it), not a step 153→150."""
    from metrics.build import build

    (data_dir / "progress.csv").write_text(
        "metric_id,region_id,as_of,value,qualifier,source,note\n"
        "diagnosis_enterprises,huangshi,2021-07-13,150,=,市经信局核实,\n"
        "diagnosis_enterprises,huangshi,2021-09-30,260,=,2021年第三季度调度会,\n",
        encoding="utf-8",
    )
    build(data_dir)
    reader = Reader()
    trend = chart_catalog.metric_trend(reader, "huangshi", "diagnosis_enterprises", "zh").figure
    (line,) = [trace for trace in trend.data if trace.name == "实际"]
    assert list(line.y) == [150, 260]
    # Viewed as of the reply's date, the newest figure (a card's) is the record's, as the line has it.
    july = Reader(as_of=dt.date(2021, 7, 13))
    assert july.latest("huangshi").loc["diagnosis_enterprises", "value"] == 150
    assert (
        report.cards(july.progress("huangshi"), "zh", ["diagnosis_enterprises"], july.figures("huangshi"))[0].value
        == "150家"
    )
