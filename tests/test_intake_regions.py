"""New regions and metrics from the intake page (metrics/intake/new_region.py, new_metric.py, reference.py):
regions.csv's rules, nothing written on a refusal, the save with history and its undo; and the rows a
confirmed import writes (metrics/intake/recording.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics import store
from metrics.intake import recording
from metrics.intake.new_metric import NEW_METRICS, MetricRefused, NewMetric
from metrics.intake.new_region import NEW_REGIONS, NewRegion, RegionRefused, check_region
from metrics.registry import Registry, read_reference_csv

EZHOU = NewRegion("ezhou", "鄂州市", "Ezhou", "city", "hubei", "420700")


def _keys(problems: list[tuple[str, dict]]) -> list[str]:
    return [key for key, _ in problems]


@pytest.mark.parametrize(
    ("region", "keys"),
    [
        (EZHOU, []),
        (NewRegion("huarong", "华容区", "Huarong District", "county", "ezhou"), ["intake.region.bad_parent"]),
        (NewRegion("Ezhou", "鄂州市", "Ezhou", "city", "hubei"), ["intake.region.bad_id"]),
        (NewRegion("daye", "鄂州市", "Ezhou", "city", "hubei"), ["intake.region.id_taken"]),
        (NewRegion("ezhou", "大冶市", "Ezhou", "city", "hubei"), ["intake.region.name_taken"]),
        (NewRegion("ezhou", "", "Ezhou", "city", "hubei"), ["intake.region.name_missing"]),
        (NewRegion("ezhou", "鄂州市", "Ezhou", "town", "hubei"), ["intake.region.bad_level"]),
        (NewRegion("ezhou", "鄂州市", "Ezhou", "city", "huangshi"), ["intake.region.bad_parent"]),
        (NewRegion("hunan", "湖南省", "Hunan Province", "province", ""), []),
        (NewRegion("hunan", "湖南省", "Hunan Province", "province", "hubei"), ["intake.region.bad_parent"]),
        (NewRegion("ezhou", "鄂州市", "Ezhou", "city", "hubei", "4207"), ["intake.region.bad_code"]),
        (NewRegion("ezhou", "鄂州市", "Ezhou", "city", "hubei", "420200"), ["intake.region.code_taken"]),
    ],
)
def test_a_new_region_follows_the_rules_of_regions_csv(registry, region, keys):
    assert _keys(check_region(region, registry)) == keys


def test_a_county_may_sit_under_a_city_waiting_to_be_saved(registry):
    huarong = NewRegion("huarong", "华容区", "Huarong District", "county", "ezhou")
    assert check_region(huarong, NEW_REGIONS.extended(registry, [EZHOU])) == []


def test_a_refused_region_names_every_problem_in_both_languages_and_writes_nothing(data_dir):
    before = (data_dir / "regions.csv").read_bytes()
    with pytest.raises(RegionRefused) as refused:
        NEW_REGIONS.propose(NewRegion("Ezhou City", " ", "Ezhou", "city", "huangshi"), [], data_dir)
    zh, en = refused.value.messages("zh"), refused.value.messages("en")
    assert any("地区编号“Ezhou City”不合规" in m for m in zh) and any("上级地区“huangshi”不合规" in m for m in zh)
    assert any('Region id "Ezhou City" is not valid' in m for m in en)
    assert (data_dir / "regions.csv").read_bytes() == before
    assert not (data_dir / "history").exists()


def test_saving_new_regions_keeps_history_names_the_editor_and_can_be_undone(data_dir):
    before = (data_dir / "regions.csv").read_bytes()
    made = NEW_REGIONS.propose(NewRegion(" ezhou ", "鄂州市", "Ezhou", "city", "hubei"), [], data_dir)
    assert made.region_id == "ezhou"
    saved = NEW_REGIONS.save([made], data_dir, ("江晖", "jianghui"))
    regions = read_reference_csv(data_dir / "regions.csv")
    assert regions.iloc[-1].to_dict() == {
        "region_id": "ezhou",
        "name_zh": "鄂州市",
        "name_en": "Ezhou",
        "level": "city",
        "parent_id": "hubei",
        "admin_code": "",
    }
    assert len(regions) == len(read_reference_csv_bytes(before)) + 1
    latest = store.versions("regions")[0]
    assert (latest.editor, latest.account, latest.action, latest.added) == ("江晖", "jianghui", "add_region", 1)
    with pytest.raises(RegionRefused):  # the same region a second time
        NEW_REGIONS.save([made], data_dir, ("江晖", "jianghui"))

    NEW_REGIONS.settle(saved, [made], set(), ("江晖", "jianghui"))  # no saved row uses it
    assert (data_dir / "regions.csv").read_bytes() == before
    assert store.versions("regions")[0].action == "rollback"


def read_reference_csv_bytes(data: bytes) -> pd.DataFrame:
    import io

    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


G5 = NewMetric("g5_factories", "5G全连接工厂", "5G fully connected factories", "个", "factories", "benchmarks")


def test_a_refused_metric_names_every_problem_and_writes_nothing(data_dir):
    before = (data_dir / "metrics.csv").read_bytes()
    wanted = NewMetric("g5_factories", "完成智能化诊断的规上企业", "", "个", "", "no_such_category")
    with pytest.raises(MetricRefused) as refused:
        NEW_METRICS.propose(wanted, [], data_dir)
    assert refused.value.messages("en") == [
        'The label "完成智能化诊断的规上企业" is already used by another metric',
        "Fill in both the Chinese and the English label",
        "Unknown category: no_such_category",
    ]
    assert refused.value.messages("zh")[0] == "名称“完成智能化诊断的规上企业”已被其他指标使用"
    assert (data_dir / "metrics.csv").read_bytes() == before


def test_a_new_metric_is_checked_against_the_ones_already_pending_and_nothing_is_written(data_dir):
    before = (data_dir / "metrics.csv").read_bytes()
    made = NEW_METRICS.propose(
        NewMetric(" g5_factories ", " 5G全连接工厂", "5G fully connected factories", "个 ", "", "benchmarks"),
        [],
        data_dir,
    )
    assert (made.metric_id, made.label_zh, made.unit) == ("g5_factories", "5G全连接工厂", "个")
    with pytest.raises(MetricRefused) as refused:  # the same id and label again, while the first is pending
        NEW_METRICS.propose(G5, [made], data_dir)
    assert [key for key, _ in refused.value.problems] == [
        "intake.metric.id_taken",
        "intake.metric.label_taken",
        "intake.metric.label_taken",
    ]
    assert (data_dir / "metrics.csv").read_bytes() == before
    assert not (data_dir / "history").exists()
    assert NEW_METRICS.extended(Registry.load(data_dir), [made]).resolve_metric("5G全连接工厂") == "g5_factories"


def test_saving_new_metrics_keeps_history_names_the_editor_and_is_undone_when_no_row_uses_them(data_dir):
    before = (data_dir / "metrics.csv").read_bytes()
    saved = NEW_METRICS.save([G5], data_dir, ("江晖", "jianghui"))
    row = read_reference_csv(data_dir / "metrics.csv").set_index("metric_id").loc["g5_factories"]
    assert (row["label_zh"], row["unit"], row["unit_en"], row["category"], row["direction"]) == (
        "5G全连接工厂", "个", "factories", "benchmarks", "higher"
    )  # fmt: skip
    latest = store.versions("metrics")[0]
    assert (latest.editor, latest.account, latest.action, latest.detail) == (
        "江晖",
        "jianghui",
        "add_metric",
        "g5_factories",
    )
    NEW_METRICS.settle(saved, [G5], {"g5_factories"}, ("江晖", "jianghui"))  # a saved row uses it: kept
    assert "g5_factories" in Registry.load(data_dir).metric_ids
    NEW_METRICS.settle(saved, [G5], set(), ("江晖", "jianghui"))
    assert (data_dir / "metrics.csv").read_bytes() == before
    assert store.versions("metrics")[0].action == "rollback"


def test_of_two_new_metrics_only_the_one_a_saved_row_uses_stays(data_dir):
    other = NewMetric("cloud_platforms", "上云平台", "Cloud platforms", "个", "platforms", "ecosystem")
    saved = NEW_METRICS.save([G5, other], data_dir, ("江晖", "jianghui"))
    NEW_METRICS.settle(saved, [G5, other], {"cloud_platforms"}, ("江晖", "jianghui"))
    ids = Registry.load(data_dir).metric_ids
    assert "cloud_platforms" in ids and "g5_factories" not in ids
    latest = store.versions("metrics")[0]
    assert (latest.action, latest.detail, latest.removed) == ("edit", "g5_factories", 1)


def test_accepted_proposals_become_progress_and_target_rows_with_their_evidence():
    accepted = pd.DataFrame(
        [
            dict(line=2, section="一、", evidence="已完成诊断612家", metric_id="diagnosis_enterprises",
                 region_id="huangshi", kind="actual", value=612.0, qualifier="=", as_of="2024-06-30",
                 period_start="", period_end=""),
            dict(line=3, section="二、", evidence="力争全年完成700家以上", metric_id="diagnosis_enterprises",
                 region_id="huangshi", kind="target", value=700.0, qualifier=">=", as_of="",
                 period_start="2024-01-01", period_end="2024-12-31"),
        ]
    )  # fmt: skip
    progress = recording.table_rows("progress", accepted, "doc_abc")
    assert progress.to_dict("records") == [
        dict(metric_id="diagnosis_enterprises", region_id="huangshi", as_of="2024-06-30", value=612.0,
             qualifier="=", source="doc_abc", note="原文（第2行）：已完成诊断612家"),
    ]  # fmt: skip
    targets = recording.table_rows("targets", accepted, "doc_abc")
    assert targets.to_dict("records") == [
        dict(metric_id="diagnosis_enterprises", region_id="huangshi", period_start="2024-01-01",
             period_end="2024-12-31", target=700.0, qualifier=">=", source="doc_abc", section="二、",
             evidence="力争全年完成700家以上", note="第3行"),
    ]  # fmt: skip


def test_a_document_keeps_its_issuer_in_sources_csv(data_dir):
    import datetime as dt

    data = "阳新县2024年一季度工业互联网工作情况\n已完成诊断46家。\n".encode()
    source_id = recording.keep_document(
        data, "q1.txt", "", "阳新县经济和信息化局", dt.date(2024, 4, 8), ("江晖", "jianghui")
    )
    row = Registry.load(data_dir).sources.set_index("source_id").loc[source_id]
    assert (row["issuer_zh"], row["title_zh"], row["date"]) == ("阳新县经济和信息化局", "q1", "2024-04-08")
    assert (data_dir / row["file"]).read_bytes() == data
    assert source_id == "doc_" + store.content_version(data)


@pytest.mark.parametrize(
    ("name", "level"), [("湖南省", "province"), ("鄂州市", "city"), ("华容区", "county"), ("嘉鱼县", "county")]
)
def test_the_form_starts_from_the_level_the_name_says(name, level):
    from metrics.intake.new_region import guessed_level

    assert guessed_level(name) == level
