"""metrics.page_metrics: which registry metrics a category page shows besides its own lists."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from metrics import page_metrics
from metrics.registry import Registry

SEED = Path(__file__).resolve().parent.parent / "data"


def registry_with(*rows: tuple[str, str]) -> pd.DataFrame:
    seed = Registry.load(SEED).metrics[["metric_id", "category"]]
    return pd.concat([seed, pd.DataFrame(rows, columns=["metric_id", "category"])], ignore_index=True)


def test_a_new_metric_belongs_to_the_page_of_its_category_only():
    registry = registry_with(
        ("special_loans", "funding"), ("g5_factories", "benchmarks"), ("cloud_partners", "ecosystem")
    )
    assert page_metrics.other_metrics(registry, "funding") == ["special_loans"]
    assert page_metrics.other_metrics(registry, "benchmarks") == ["g5_factories", "cloud_partners"]
    for page in ("diagnosis", "retrofit", "activities"):
        assert page_metrics.other_metrics(registry, page) == []


def test_the_seed_registry_has_no_other_metric_on_any_page():
    registry = Registry.load(SEED).metrics
    for page in page_metrics.PAGE_CATEGORIES:
        assert page_metrics.other_metrics(registry, page) == [], page


def test_a_metric_a_page_lists_is_never_repeated_on_another_page():
    # diagnosis_providers is a diagnosis metric drawn on the diagnosis page and in the benchmarks page's
    # ecosystem section: it is listed, so it is an "other metric" nowhere.
    registry = registry_with()
    assert "diagnosis_providers" not in page_metrics.other_metrics(registry, "diagnosis")
    assert "diagnosis_providers" not in page_metrics.other_metrics(registry, "benchmarks")


def test_every_metric_a_page_lists_is_in_the_registry():
    ids = set(Registry.load(SEED).metrics["metric_id"])
    for page, listed in page_metrics.OWN_METRICS.items():
        assert set(listed) <= ids, page


def test_policy_is_on_no_page_and_its_seed_metrics_are_not_listed_anywhere():
    # Recorded so that moving "policy" onto a page is a deliberate choice: its four seed metrics would
    # appear there as cards (financial_institutions_engaged, also policy, is in the ecosystem list).
    registry = Registry.load(SEED).metrics
    assert not any("policy" in categories for categories in page_metrics.PAGE_CATEGORIES.values())
    policy = set(registry.loc[registry["category"] == "policy", "metric_id"])
    listed = {m for ids in page_metrics.OWN_METRICS.values() for m in ids}
    assert policy - listed == {
        "retrofit_approach_levels",
        "dispatch_meetings_per_month",
        "leader_briefings_per_quarter",
        "county_units_with_policies",
    }
