"""Every figure, target, enterprise and event in data/ is traceable to the words of the reply."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from metrics import paths
from metrics.numbers import parse_quantity
from metrics.registry import read_reference_csv

REPLY = paths.SEED_DIR / "000_808a1ba897e11f88.txt"
pytestmark = pytest.mark.skipif(
    not REPLY.exists(), reason=f"the reply is not on this machine ({REPLY}); CI has it under ../shared/seed"
)

# A figure the reply does not state as a number counts the names it lists; these are their roles.
COUNTED_ROLES = {
    "national_benchmark_enterprises": "national_benchmark",
    "county_units_with_policies": "county_policy",
    "financial_institutions_engaged": "financial_institution",
    "head_platform_companies_engaged": "head_platform_company",
    "local_service_providers": "local_service_provider",
    "universities_with_iiot_institutes": "university",
    "university_enterprise_projects": "university_partner",
}


def squeeze(text: str) -> str:
    """The reply breaks lines and pages mid-phrase; compare without whitespace."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def reply() -> str:
    return squeeze(REPLY.read_text(encoding="utf-8"))


def data(name: str) -> pd.DataFrame:
    return read_reference_csv(paths.PROJECT_ROOT / "data" / name)


@pytest.mark.parametrize("name", ["figures.csv", "targets.csv", "entities.csv", "events.csv"])
def test_every_evidence_phrase_occurs_in_the_reply(reply: str, name: str):
    frame = data(name)
    if name == "targets.csv":
        frame = frame[frame["source"] == "reply_2021_50"]
    missing = [phrase for phrase in frame["evidence"] if squeeze(phrase) not in reply]
    assert not missing


def test_every_stated_figure_is_written_in_its_evidence_and_reads_as_its_value():
    figures = data("figures.csv")
    stated = figures[figures["derivation"] == "stated"]
    assert len(stated) >= 30
    for row in stated.itertuples():
        assert row.as_written in row.evidence, row.figure_id
        quantity = parse_quantity(row.as_written)
        assert quantity.value == float(row.value), row.figure_id
        if quantity.qualifier != "=":
            assert row.qualifier == quantity.qualifier, row.figure_id


def test_counted_figures_match_the_names_the_reply_lists():
    figures = data("figures.csv")
    entities = data("entities.csv")
    counted = figures[figures["derivation"] == "counted"]
    assert set(counted["metric_id"]) == set(COUNTED_ROLES)
    for row in counted.itertuples():
        named = entities[(entities["role"] == COUNTED_ROLES[row.metric_id]) & (entities["section"] == row.section)]
        assert len(named) == int(float(row.value)), row.metric_id
        assert all(name in row.evidence for name in named["name_zh"]), row.metric_id


def test_targets_state_their_number_in_the_evidence():
    targets = data("targets.csv")
    for row in targets[targets["source"] == "reply_2021_50"].itertuples():
        assert str(int(float(row.target))) in row.evidence


def test_lower_bounds_in_the_reply_are_kept_as_lower_bounds():
    figures = data("figures.csv").set_index("metric_id")
    for metric in ("funding_city_level", "funding_county_level", "wechat_reads", "training_participant_enterprises"):
        assert figures.at[metric, "qualifier"] == ">="


def test_the_reply_as_a_source():
    source = data("sources.csv").set_index("source_id").loc["reply_2021_50"]
    assert source["date"] == "2021-07-13" and source["doc_number"] == "委员提案〔2021〕50号"
    assert squeeze(source["issuer_zh"]) in REPLY.read_text(encoding="utf-8").replace("\n", "")
