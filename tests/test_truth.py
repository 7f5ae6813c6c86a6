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
