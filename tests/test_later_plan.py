"""A 2024–2026 plan and a 2024 record arrive: every sentence, card line and table row about the
2021–2023 plan still says which figure it rests on, and a period that ended without a figure from its
end is not called "not met"."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest

from metrics import briefing, chart_catalog, report
from metrics.build import build
from metrics.reader import Reader

PLAN = {
    "source_id": "plan_2024_2026",
    "doc_number": "黄政办发〔2024〕8号",
    "issuer_zh": "黄石市人民政府办公室",
    "issuer_en": "General Office of Huangshi Municipal People's Government",
    "date": "2024-03-01",
    "title_zh": "黄石市工业互联网创新发展三年行动计划（2024—2026年）",
    "title_en": "Huangshi three-year action plan for industrial-internet innovation (2024–2026)",
    "short_zh": "2024—2026年行动计划",
    "short_en": "the 2024–2026 action plan",
    "noun_zh": "新计划",
    "noun_en": "the new plan",
}
NEW_TARGETS = [
    {"period_end": "2026-12-31", "target": "800", "qualifier": ">=", "plan": "三年行动计划（2024–2026年）"},
    {"period_end": "2024-12-31", "target": "250", "qualifier": "=", "plan": "2024年计划"},
]


def _append_rows(path: Path, rows: list[dict]) -> None:
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        header, existing = reader.fieldnames, list(reader)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=header)
        writer.writeheader()
        writer.writerows(existing + [{**dict.fromkeys(header, ""), **row} for row in rows])


@pytest.fixture
def later(data_dir: Path) -> Reader:
    """The reply, the 2024–2026 plan's diagnosis targets and the city's diagnosis count of mid-2024."""
    _append_rows(data_dir / "sources.csv", [PLAN])
    plan_en = {"三年行动计划（2024–2026年）": "three-year plan (2024–2026)", "2024年计划": "2024 plan"}
    _append_rows(
        data_dir / "targets.csv",
        [
            {
                "metric_id": "diagnosis_enterprises",
                "region_id": "huangshi",
                "period_start": "2024-01-01",
                "source": "plan_2024_2026",
                "section": "二（一）",
                "evidence": "到2026年，累计为800家以上规上企业提供智能化诊断服务",
                "plan_en": plan_en[target["plan"]],
                **target,
            }
            for target in NEW_TARGETS
        ],
    )
    _append_rows(
        data_dir / "progress.csv",
        [
            {
                "metric_id": "diagnosis_enterprises",
                "region_id": "huangshi",
                "as_of": "2024-06-30",
                "value": "120",
                "qualifier": "=",
                "source": "2024年上半年调度会",
            }
        ],
    )
    build(data_dir)
    return Reader()


def _points(reader: Reader, lang: str) -> list[str]:
    return report.key_points(reader.progress("huangshi"), reader.fetch("all_checks"), reader.region("huangshi"), lang)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "zh",
            "截至2024年6月30日，全市已完成120家规上企业智能化诊断，超额完成2021年计划（152家），超出1家"
            "（按2021年7月13日的153家）；三年行动计划（2021–2023年，500家以上）已结束，未报期末数"
            "（2021年7月13日时完成30.6%）；2024年计划目标250家，完成48%，符合进度（按进度应达124家）；"
            "三年行动计划（2024–2026年）目标800家以上，完成15%，符合进度（按进度应达133家）。",
        ),
        (
            "en",
            "As of 30 June 2024, the city had diagnosed 120 enterprises, exceeding the 2021 plan (152 enterprises) "
            "by 1 enterprise (going by 153 enterprises on 13 July 2021); the three-year plan (2021–2023, at least "
            "500 enterprises) has ended with no figure for its end (30.6% on 13 July 2021); 48% of the 2024 plan "
            "target of 250 enterprises, on track (124 enterprises expected by now); 15% of the three-year plan "
            "(2024–2026) target of at least 800 enterprises, on track (133 enterprises expected by now).",
        ),
    ],
)
def test_the_key_point_says_which_figure_each_plan_is_judged_on(later, lang, expected):
    assert _points(later, lang)[0] == expected


def test_a_plan_read_after_its_end_on_a_mid_period_figure_is_not_called_unmet(later):
    points = _points(later, "zh")
    (completed,) = [point for point in points if "已完成智能化改造项目66个" in point]
    assert "2021年计划（假设，100个）已结束，未报期末数（2021年7月13日时完成66%；假设：" in completed
    assert not any("未达成" in point for point in points)
    assert not any("ended unmet" in point for point in _points(later, "en"))


def test_the_card_names_the_older_figure_a_line_rests_on(later):
    (card,) = report.cards(later.progress("huangshi"), "zh", ["diagnosis_enterprises"])
    assert card.value == "120家"
    lines = {line.horizon: line for line in card.targets}
    assert (lines["2021年计划"].figure, lines["2021年计划"].figure_date) == ("153家", "2021年7月13日")
    assert lines["2021年计划"].status == "achieved"
    assert lines["三年行动计划（2021–2023年）"].status == "unreported"
    assert lines["三年行动计划（2021–2023年）"].status_text == "未报期末数"
    assert lines["2024年计划"].figure == "" and lines["三年行动计划（2024–2026年）"].figure == ""


def _record_the_third_quarter(data_dir: Path) -> None:
    """A second figure of the new plan: the city's diagnosis count of 2024-09-30."""
    _append_rows(
        data_dir / "progress.csv",
        [
            {
                "metric_id": "diagnosis_enterprises",
                "region_id": "huangshi",
                "as_of": "2024-09-30",
                "value": "180",
                "qualifier": "=",
                "source": "2024年三季度调度会",
            }
        ],
    )
    build(data_dir)


def test_a_card_does_not_set_a_new_plans_count_against_the_last_plans(later, data_dir):
    """The new plan counts from 2024 (到2026年，累计…): its 120 of mid-2024 against the reply's 153 of 2021
    is no fall of 33. A later figure of the same plan is set against the one before it."""

    def diagnosis_card(reader: Reader, lang: str) -> report.Card:
        (card,) = report.cards(
            reader.progress("huangshi"), lang, ["diagnosis_enterprises"], reader.figures("huangshi"), reader.sources()
        )
        return card

    assert diagnosis_card(later, "zh").value == "120家"
    assert diagnosis_card(later, "zh").delta == diagnosis_card(later, "en").delta == ""
    _record_the_third_quarter(data_dir)
    assert diagnosis_card(Reader(), "zh").delta == "+60家（较2024年6月30日）"


def _drawn_line(reader: Reader) -> list:
    """The trend chart's line of figures: its values in order, None where the line breaks."""
    trend = chart_catalog.metric_trend(reader, "huangshi", "diagnosis_enterprises", "zh").figure
    (line,) = [trace for trace in trend.data if trace.name == "实际"]
    return list(line.y)


def test_the_trend_line_breaks_between_two_plans_counts(later, data_dir):
    """A line from the reply's 153 down to the new plan's 120 would draw a fall; the new plan's own
    figures are joined."""
    assert _drawn_line(later) == [153, None, 120]
    _record_the_third_quarter(data_dir)
    assert _drawn_line(Reader()) == [153, None, 120, 180]


def test_the_briefing_table_gives_each_row_the_figure_its_percent_is_of(later):
    rows = [
        row for row in briefing.summary_rows(later.progress("huangshi"), "zh") if row[0] == "完成智能化诊断的规上企业"
    ]
    assert [(row[1], row[3], row[4][1]) for row in rows] == [
        ("153家\n2021年7月13日", "100.7%", "已达成"),
        ("153家\n2021年7月13日", "30.6%", "未报期末数"),
        ("120家", "48%", "符合进度"),
        ("120家", "15%", "符合进度"),
    ]


def test_the_chart_title_says_which_figure_the_old_plans_rest_on(later):
    spec = chart_catalog.metric_progress(later, "huangshi", "diagnosis_enterprises", "zh")
    assert spec.figure.layout.title.text.replace("<br>", "").startswith(
        "已完成120家规上企业智能化诊断，超2021年计划1家（按2021年7月13日的153家）；"
        "三年行动计划（2021–2023年）未报期末数（2021年7月13日时完成30.6%）"
    )


def test_the_replys_own_sentences_are_unchanged(built):
    reader = Reader()
    assert _points(reader, "zh")[0] == (
        "截至2021年7月13日，全市已完成153家规上企业智能化诊断，超额完成2021年计划（152家），超出1家；"
        "三年行动计划（2021–2023年）目标500家以上，完成30.6%，快于进度（按进度应达89家）。"
    )


def test_the_view_as_updated_before_the_new_plan_has_none_of_its_targets(later):
    """Chosen in the sidebar, an earlier update shows what was known then: the 2024–2026 plan (issued
    2024-03-01) set no target on 2021-07-13, so the reply's sentence reads as it did."""
    then = Reader(as_of=dt.date(2021, 7, 13))
    targeted = then.progress("huangshi").dropna(subset=["target"])
    assert sorted(targeted["period_end"].astype(str).unique()) == ["2021-12-31", "2023-12-31"]
    assert _points(then, "zh")[0] == (
        "截至2021年7月13日，全市已完成153家规上企业智能化诊断，超额完成2021年计划（152家），超出1家；"
        "三年行动计划（2021–2023年）目标500家以上，完成30.6%，快于进度（按进度应达89家）。"
    )
    after = Reader(as_of=dt.date(2024, 6, 30)).progress("huangshi").dropna(subset=["target"])
    assert "2026-12-31" in set(after["period_end"].astype(str))  # issued by then: the plan's targets are in


def test_a_progress_chart_cites_the_plan_its_targets_come_from(later):
    for spec in (
        chart_catalog.metric_progress(later, "huangshi", "diagnosis_enterprises", "zh"),
        chart_catalog.overview_progress(later, "huangshi", "zh"),
    ):
        footer = spec.figure.layout.annotations[-1].text.replace("<br>", "")
        assert footer.endswith("来源：市经信局对市政协〔2021〕50号提案的答复；2024年上半年调度会；2024—2026年行动计划")
    # The trend draws the plan's ≥800 as its target line.
    trend = chart_catalog.metric_trend(later, "huangshi", "diagnosis_enterprises", "zh")
    footer = trend.figure.layout.annotations[-1].text.replace("<br>", "")
    assert footer.endswith("来源：2024年上半年调度会；市经信局对市政协〔2021〕50号提案的答复；2024—2026年行动计划")


def _pipeline_bars(reader: Reader) -> dict[str, float]:
    spec = chart_catalog.retrofit_pipeline(reader, "huangshi", "zh")
    bars = spec.figure.data[0]
    return dict(zip((" ".join(str(label).replace("<br>", " ").split()) for label in bars.y), bars.x, strict=True))


def test_the_pipeline_sets_completed_projects_beside_the_plan_of_their_date(data_dir: Path):
    """With a 2024 target for completed projects, the reply's 66 (2021) is still drawn beside the 2021 plan,
    and a count of mid-2024 beside the 2024 plan, citing it."""
    _append_rows(data_dir / "sources.csv", [PLAN])
    _append_rows(
        data_dir / "targets.csv",
        [
            {
                "metric_id": "retrofit_projects_completed",
                "region_id": "huangshi",
                "period_start": "2024-01-01",
                "period_end": "2024-12-31",
                "target": "300",
                "qualifier": "=",
                "source": "plan_2024_2026",
                "plan": "2024年计划",
                "plan_en": "2024 plan",
            }
        ],
    )
    build(data_dir)
    bars = _pipeline_bars(Reader())
    assert bars["已完成智能化改造项目"] == 66 and bars["计划完成 · 2021年计划（假设）"] == 100
    _append_rows(
        data_dir / "progress.csv",
        [
            {
                "metric_id": "retrofit_projects_completed",
                "region_id": "huangshi",
                "as_of": "2024-06-30",
                "value": "180",
                "qualifier": "=",
                "source": "2024年上半年调度会",
            }
        ],
    )
    build(data_dir)
    reader = Reader()
    bars = _pipeline_bars(reader)
    assert bars["已完成智能化改造项目"] == 180 and bars["计划完成 · 2024年计划"] == 300
    spec = chart_catalog.retrofit_pipeline(reader, "huangshi", "zh")
    assert spec.figure.layout.annotations[-1].text.replace("<br>", "").endswith("2024—2026年行动计划")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "zh",
            "黄石市人民政府办公室《黄石市工业互联网创新发展三年行动计划（2024—2026年）》（黄政办发〔2024〕8号，2024年3月1日）",
        ),
        (
            "en",
            "General Office of Huangshi Municipal People's Government, \"Huangshi three-year action plan for "
            'industrial-internet innovation (2024–2026)" (黄政办发〔2024〕8号, 1 March 2024)',
        ),
    ],
)
def test_a_document_without_an_addressee_is_named_without_one(later, lang, expected):
    lines = briefing.source_lines(later.fetch("sources"), later.fetch("all_figures"), later.fetch("meta"), lang)
    assert expected in lines
    assert not any("nan" in line for line in lines)
    # The reply's own line keeps its number, date and addressee.
    assert any(line.endswith(("2021年7月13日，致民革黄石市委会）", "Chinese Kuomintang)")) for line in lines)


def _drawn_rows(spec) -> list[str]:
    """The bar labels a bullet chart draws, top to bottom, without their markup."""
    return [label.split("<br>")[-1].split(">")[-2].split("<")[0] for label in spec.figure.data[0].y]


def test_a_briefing_draws_more_targets_than_a_slide_holds_in_parts(later):
    specs = briefing.chart_specs(later, "huangshi", "zh")
    parts = [spec for spec in specs if spec.part_of == "overview_progress"]
    assert [briefing.chart_title(spec, "zh") for spec in parts] == [
        "目标完成情况总览（1/2）",
        "目标完成情况总览（2/2）",
    ]
    assert [briefing.chart_title(spec, "en") for spec in parts] == [
        "Progress against every target (1 of 2)",
        "Progress against every target (2 of 2)",
    ]
    assert [spec.name for spec in parts] == ["overview_progress_1", "overview_progress_2"]
    assert [len(spec.figure.data[0].y) for spec in parts] == [3, 2]  # even parts, within chart_catalog.PICTURE_ROWS
    plans = [_drawn_rows(spec) for spec in parts]
    assert plans == [
        ["2021年计划", "三年行动计划（2021–2023年）", "2024年计划"],
        ["三年行动计划（2024–2026年）", "2021年计划（假设）"],
    ]
    # Each part's notes cite the figures it draws: the second, the 2024 record and the reply's 66 projects.
    notes = briefing.evidence_lines(later, parts[1], "zh")
    assert len(notes) == 2 and "120家" in notes[0] and "66个" in notes[1]
    # The diagnosis chart's four targets fit one picture.
    assert "diagnosis_enterprises_progress" in [spec.name for spec in specs]


def test_the_replys_briefing_draws_each_chart_whole(built):
    specs = briefing.chart_specs(Reader(), "huangshi", "zh")
    assert not any(spec.part for spec in specs)
    assert briefing.chart_title(specs[0], "zh") == "目标完成情况总览"


def test_a_page_names_the_plan_its_cards_targets_come_from(later):
    from tests.apptest_support import all_text, open_page

    app = open_page("diagnosis")
    assert not app.exception
    assert app.caption[0].value == (
        "数据截至 2024年6月30日 · 来源：2024年上半年调度会；市经信局对市政协〔2021〕50号提案的答复；2024—2026年行动计划"
    )
    page = all_text(app)
    assert "按2021年7月13日的153家" in page and "未报期末数" in page and "期末未达成" not in page


def test_the_english_chart_title_keeps_the_plan_and_the_figure_apart(later):
    spec = chart_catalog.metric_progress(later, "huangshi", "diagnosis_enterprises", "en")
    assert spec.figure.layout.title.text.replace("<br>", " ") == (
        "Diagnosed 120 enterprises, 1 enterprise above the 2021 plan (going by 153 enterprises on 13 July 2021); "
        "no end figure for the three-year plan (2021–2023): 30.6% on 13 July 2021; 48% of the 2024 plan, on track; "
        "15% of the three-year plan (2024–2026), on track"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_no_targets_words_run_into_its_rows_label(later, lang):
    from metrics import narrow
    from metrics.charts import TARGET_WORDS, display_width

    figure = chart_catalog.metric_progress(later, "huangshi", "diagnosis_enterprises", lang).figure
    phone = narrow.narrow_figure(figure)
    end = phone.layout.xaxis.range[1] if phone.layout.xaxis.range else max(n.x for n in phone.layout.annotations)
    labels = {note.y: note.text for note in phone.layout.annotations if note.xref == "paper" and note.x == 0}
    for note in [note for note in phone.layout.annotations if note.name == TARGET_WORDS]:
        label_end = display_width(re.sub(r"<[^>]+>", "", labels[note.y]))  # the width the layout reckons with
        start = note.x / end * narrow.LABEL_UNITS
        if note.xanchor == "right":
            start -= display_width(re.sub(r"<[^>]+>", "", note.text))
        assert start >= label_end, (labels[note.y], note.text)


def test_a_long_title_is_never_broken_inside_a_number():
    from metrics.charts import wrap

    assert wrap("三年行动计划（2021–2023年）未报期末数（2021年7月13日时完成30.6%）；", 17) == (
        "三年行动计划（2021–2023年）<br>未报期末数（2021年7月13日时完成<br>30.6%）；"
    )


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("zh", "5项目标：2项未报期末数，2项符合进度，1项已达成"),
        ("en", "5 targets: 2 with no end figure, 2 on track, 1 achieved"),
    ],
)
def test_the_overview_counts_the_targets_with_no_end_figure_in_words(later, lang, title):
    assert chart_catalog.overview_progress(later, "huangshi", lang).figure.layout.title.text == title


def test_the_targets_known_at_an_earlier_update_leave_out_a_later_plans(later):
    """Chosen in the sidebar, 2021-07-13 lists the reply's targets only: the 2024–2026 plan's two were set
    by a document issued on 2024-03-01, and the Targets page says they are left out (it listed the live
    targets whatever the date)."""
    from tests.apptest_support import all_text, open_page

    then = Reader(as_of=dt.date(2021, 7, 13)).targets("huangshi")
    assert "plan_2024_2026" not in set(then["source"]) and len(then) == len(Reader().targets("huangshi")) - 2
    assert "plan_2024_2026" in set(Reader(as_of=dt.date(2024, 6, 30)).targets("huangshi")["source"])

    earlier = open_page("targets", asof="2021-07-13")
    assert not earlier.exception
    page = all_text(earlier)
    assert "另有2项目标由2021年7月13日之后发布的文件设定，此处按所选更新日期未列出" in page
    shown = earlier.dataframe[0].value
    assert "2024—2026年行动计划" not in set(shown["来源"]) and len(shown) == len(then)
    latest = open_page("targets", lang="en")
    assert "the 2024–2026 action plan" in set(latest.dataframe[0].value["Source"])
    assert "not listed" not in all_text(latest)


def test_an_earlier_update_lists_only_the_documents_and_activities_known_then(later, data_dir):
    """The view as updated on 2021-07-13 listed the 2024–2026 plan among its source documents and the
    activities the plan reports beside the reply's. Now the Sources page lists the reply only and says one
    later document is left out; the activities page, its table and its chart, the reply's events only."""
    from tests.apptest_support import all_text, open_page

    _append_rows(
        data_dir / "events.csv",
        [
            {
                "event_id": "training_2024",
                "date": "2024-05-01",
                "date_precision": "month",
                "kind": "training",
                "status": "planned",
                "title_zh": "2024年工业互联网专题培训",
                "title_en": "2024 industrial-internet training",
                "label_zh": "2024年专题培训",
                "label_en": "2024 training",
                "location_zh": "黄石",
                "location_en": "Huangshi",
                "source_id": "plan_2024_2026",
                "region_id": "huangshi",
                "section": "三（一）",
                "evidence": "2024年组织工业互联网专题培训",
            }
        ],
    )
    build(data_dir)
    then = Reader(as_of=dt.date(2021, 7, 13))
    assert list(then.sources()["source_id"]) == ["reply_2021_50"]
    assert "training_2024" not in set(then.events("huangshi")["event_id"])
    assert "training_2024" in set(Reader().events("huangshi")["event_id"])
    assert "plan_2024_2026" in set(Reader().sources()["source_id"])

    sources = all_text(open_page("sources", asof="2021-07-13"))
    assert "黄石市工业互联网创新发展三年行动计划" not in sources
    assert "另有1份文件于2021年7月13日之后发布，此处按所选更新日期未列出" in sources
    latest = all_text(open_page("sources", lang="en"))
    assert "Huangshi three-year action plan" in latest and "not listed" not in latest

    assert "2024年工业互联网专题培训" not in all_text(open_page("activities", asof="2021-07-13"))
    assert "2024年工业互联网专题培训" in all_text(open_page("activities"))
