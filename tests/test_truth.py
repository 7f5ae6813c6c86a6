"""What cards, labels and charts say stays true after real edits (issue 12)."""

from __future__ import annotations

from metrics import report
from metrics.build import build
from metrics.reader import Reader

TARGET_HEADER = "metric_id,region_id,period_start,period_end,target,qualifier,source,section,evidence,note\n"


def _add_targets(data_dir, *lines: str) -> None:
    path = data_dir / "targets.csv"
    path.write_text(path.read_text(encoding="utf-8-sig").rstrip("\n") + "\n" + "\n".join(lines) + "\n", "utf-8")


def test_a_future_target_does_not_blank_the_card_of_the_latest_figure(data_dir):
    _add_targets(data_dir, "funding_city_level,huangshi,2022-01-01,2022-12-31,30000000,=,,,,")
    build(data_dir)
    progress = Reader().progress("huangshi")
    for lang, value, line in (("zh", "≥2,000万元", "2022年"), ("en", "≥¥20 million", "2022")):
        (card,) = report.cards(progress, lang, ["funding_city_level"])
        assert card.value == value
        assert str(card.as_of)[:10] == "2021-07-13"
        (target,) = card.targets
        assert target.status == "not_started" and line in target.horizon


def test_a_future_target_does_not_drop_the_figure_from_sentences_and_titles(data_dir):
    from metrics import narrative

    _add_targets(data_dir, "funding_city_level,huangshi,2022-01-01,2022-12-31,30000000,=,,,,")
    build(data_dir)
    progress = Reader().progress("huangshi")
    rows = progress[progress["metric_id"] == "funding_city_level"]
    metric = report.metric_meta(rows.iloc[0].to_dict())
    assert "超过2,000万元" in narrative.headline(rows, metric, "zh")
    assert "超过2,000万元" in narrative.metric_sentence(rows, metric, "全市", "zh")


def test_names_followed_by_deng_read_at_least_and_chao_guo_stays_more_than(built):
    figures = Reader().figures("huangshi")
    table = report.source_table(figures, "zh").assign(metric_id=figures["metric_id"].to_numpy())
    english = report.source_table(figures, "en").assign(metric_id=figures["metric_id"].to_numpy())
    value = dict(zip(table["metric_id"], table["value"], strict=True))
    value_en = dict(zip(english["metric_id"], english["value"], strict=True))
    assert value["financial_institutions_engaged"] == "至少2家"
    assert value_en["financial_institutions_engaged"] == "at least 2 institutions"
    assert value["local_service_providers"] == "至少4家"
    assert value["funding_city_level"] == "超过2,000万元"
    assert value_en["funding_city_level"] == "more than ¥20 million"
    assert value["training_participant_enterprises"] == "超过40家"


def test_investment_is_worded_as_the_total_of_projects_under_way_not_money_spent(built):
    from metrics import narrative

    progress = Reader().progress("huangshi")
    rows = progress[progress["metric_id"] == "retrofit_investment"]
    metric = report.metric_meta(rows.iloc[0].to_dict())
    en = narrative.metric_sentence(rows, metric, "the city", "en")
    zh = narrative.metric_sentence(rows, metric, "全市", "zh")
    assert "invested" not in en and "under way" in en and "total investment" in en
    assert "在建" in zh and "总投资40亿元" in zh


def _row(**overrides) -> dict:
    row = {
        "period_start": "2021-01-01",
        "period_end": "2022-12-31",
        "horizon": "multi_year",
        "target": 100.0,
        "target_qualifier": "=",
        "status": "not_started",
    }
    return {**row, **overrides}


def test_plan_names_come_from_the_data_else_from_the_period_never_invented():
    from metrics import narrative

    assert narrative.horizon_words(_row(), "zh") == "2021–2022年目标"
    assert narrative.horizon_words(_row(), "en") == "2021–2022 target"
    assert narrative.horizon_words(_row(period_start="2022-01-01", period_end="2022-12-31"), "zh") == "2022年目标"
    named = _row(plan="三年行动计划（2024–2026年）", plan_en="three-year plan (2024–2026)")
    assert narrative.horizon_words(named, "zh") == "三年行动计划（2024–2026年）"
    assert narrative.horizon_words(named, "en") == "three-year plan (2024–2026)"


def test_the_plan_named_in_targets_csv_reaches_cards(data_dir):
    _add_targets(
        data_dir,
        "diagnosis_enterprises,huangshi,2021-01-01,2022-12-31,300,=,,,,,,,,",
        "diagnosis_enterprises,huangshi,2024-01-01,2026-12-31,900,=,,,,,三年行动计划（2024–2026年）,,,",
    )
    build(data_dir)
    (card,) = report.cards(Reader().progress("huangshi"), "zh", ["diagnosis_enterprises"])
    horizons = [line.horizon for line in card.targets]
    assert "2021–2022年目标" in horizons and "三年行动计划（2024–2026年）" in horizons
    assert "三年行动计划（2021–2023年）" in horizons and "三年行动计划（2021–2022年）" not in horizons


def test_a_plan_that_ended_shows_its_outcome_not_a_pace():
    import datetime as dt

    import pandas as pd

    from metrics import narrative
    from metrics.progress import compute_progress

    figures = pd.DataFrame(
        {
            "metric_id": ["m", "other"],
            "region_id": ["r", "r"],
            "value": [80.0, 1.0],
            "qualifier": ["=", "="],
            "as_of": [dt.date(2020, 12, 31), dt.date(2021, 7, 13)],
            "source_id": ["s", "s"],
        }
    )
    targets = pd.DataFrame(
        {
            "metric_id": ["m"],
            "region_id": ["r"],
            "period_start": ["2020-01-01"],
            "period_end": ["2020-12-31"],
            "target": [100.0],
            "qualifier": ["="],
            "source": ["s"],
        }
    )
    row = compute_progress(figures, targets).iloc[0].to_dict()
    assert row["status"] == "missed"
    metric = {"unit": "个", "unit_en": "projects", "label_zh": "项目", "label_en": "Projects"}
    zh, en = narrative.status_clause(row, metric, "zh"), narrative.status_clause(row, metric, "en")
    assert "期末未达成" in zh and "进度" not in zh
    assert "ended unmet" in en and "pace" not in en

    # The period's last figure from June, not its end: no outcome is claimed, the figure's date is named.
    figures.loc[0, "as_of"] = dt.date(2020, 6, 30)
    row = compute_progress(figures, targets).iloc[0].to_dict()
    assert row["status"] == "unreported"
    zh, en = narrative.status_clause(row, metric, "zh"), narrative.status_clause(row, metric, "en")
    assert zh == "2020年目标（100个）已结束，未报期末数（2020年6月30日时完成80%）"
    assert en == "the 2020 target (100 projects) has ended with no figure for its end (80% on 30 June 2020)"


def test_an_assumed_reading_is_marked_on_card_sentence_and_chart_in_both_languages(built):
    from metrics import chart_catalog, narrative

    reader = Reader()
    progress = reader.progress("huangshi")
    rows = progress[progress["metric_id"] == "retrofit_projects_completed"]
    metric = report.metric_meta(rows.iloc[0].to_dict())
    for lang, mark, note in (("zh", "（假设）", "未写明年份"), ("en", "(assumed)", "without a year")):
        (card,) = report.cards(progress, lang, ["retrofit_projects_completed"])
        (line,) = card.targets
        assert mark in line.horizon and note in line.assumption
        assert mark in narrative.headline(rows, metric, lang)
        assert note in narrative.metric_sentence(rows, metric, "全市" if lang == "zh" else "the city", lang)
        spec = chart_catalog.retrofit_pipeline(reader, "huangshi", lang)
        assert mark in str(spec.figure.to_dict())
    diagnosis = progress[progress["metric_id"] == "diagnosis_enterprises"]
    assert "假设" not in narrative.headline(diagnosis, report.metric_meta(diagnosis.iloc[0].to_dict()), "zh")


def _timeline(lang: str):
    from metrics import chart_catalog

    return chart_catalog.activities_timeline(Reader(), "huangshi", lang).figure


def test_a_year_only_event_is_drawn_as_its_year_not_on_1_january(built):
    import pandas as pd

    figure = _timeline("zh")
    points = {}
    for trace in figure.data:
        if trace.mode and "markers" in trace.mode:
            for x, label in zip(trace.x, trace.text, strict=True):
                points[label] = pd.Timestamp(x)
    conference = next(label for label in points if "第三届" in label)
    training = next(label for label in points if "上海专题培训班" in label)
    assert conference.startswith("2020年<br>") and "2020年1月" not in conference
    assert points[conference] != pd.Timestamp("2020-01-01")
    # drawn as the whole year: a span from 1 January to 31 December behind the marker
    spans = [
        (pd.Timestamp(trace.x[0]), pd.Timestamp(trace.x[-1]))
        for trace in figure.data
        if trace.mode == "lines" and len(trace.x) == 2
    ]
    assert any(start.year == end.year == 2020 and (end - start).days > 300 for start, end in spans)
    assert points[training] > pd.Timestamp("2020-08-01")  # a month-only event at mid-month


def test_an_inferred_date_is_worded_as_approximate(built):
    zh = [label for trace in _timeline("zh").data for label in (trace.text or []) if "公众号" in label]
    en = [label for trace in _timeline("en").data for label in (trace.text or []) if "WeChat" in label]
    assert zh and zh[0].startswith("约2021年5月")
    assert en and en[0].startswith("about May 2021")


def test_english_sections_and_quotes_carry_english_with_the_chinese_beside(built):
    from metrics import narrative

    assert narrative.section_words("二（三）", "en") == "2(3) 二（三）"
    assert narrative.section_words("二（三）、三（一）", "en") == "2(3), 3(1) 二（三）、三（一）"
    assert narrative.section_words("二（三）", "zh") == "二（三）"
    figures = Reader().figures("huangshi")
    english = report.source_table(figures, "en").assign(metric_id=figures["metric_id"].to_numpy())
    row = english[english["metric_id"] == "retrofit_investment"].iloc[0]
    assert row["section"] == "2(2) 二（二）"
    assert "总投资40亿元" in row["evidence"] and "total investment of 4 billion yuan" in row["evidence"]
    chinese = report.source_table(figures, "zh").assign(metric_id=figures["metric_id"].to_numpy())
    assert chinese[chinese["metric_id"] == "retrofit_investment"].iloc[0]["evidence"] == "总投资40亿元"
