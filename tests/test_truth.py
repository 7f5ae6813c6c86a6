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
