"""Which metrics each category page shows: its own lists, and the registry's other metrics of its categories.

A metric made later (on the intake page, from a county report or a new plan) is in no page's list; it is
shown as an ordinary card on the page of its category, after the page's own cards (`other_metrics`).
"""

from __future__ import annotations

import pandas as pd

from metrics import chart_catalog, frames

# The document a page's sentence restates (what else the reply says about funding, 我市…): said only in a
# view that shows that document's figures, never on a county's page of its own report's figures.
REPLY = "reply_2021_50"

# The metrics each page draws itself (cards, charts, tier boxes, the timeline), by page file name.
DIAGNOSIS = ["diagnosis_enterprises", "diagnosis_providers"]
FUNDING = ["funding_city_level", "funding_county_level", "funded_retrofit_projects", "funded_demonstration_projects"]
RETROFIT = [
    "retrofit_projects_completed",
    "retrofit_projects_under_way",
    "retrofit_investment",
    "retrofit_completion_share",
]
RETROFIT_TIERS = [
    ("smart_factory_projects", "smart_factory"),
    ("smart_workshop_projects", "smart_workshop"),
    ("smart_line_projects", "smart_line"),
]
ACTIVITY_REACH = [
    "conferences_held",
    "training_participant_enterprises",
    "lecture_audience",
    "study_tour_enterprises",
    "onsite_meetings_held",
    "wechat_reads",
]
ACTIVITY_PLANNED = [
    "conference_segments_planned",
    "conference_forums_planned",
    "onsite_meeting_sites_visited",
    "wechat_months_open",
]

OWN_METRICS: dict[str, list[str]] = {
    "diagnosis": DIAGNOSIS,
    "retrofit": RETROFIT + [metric_id for metric_id, _ in RETROFIT_TIERS],
    "funding": FUNDING,
    "benchmarks": chart_catalog.BENCHMARK_METRICS + chart_catalog.ECOSYSTEM_METRICS,
    "activities": ACTIVITY_REACH + ACTIVITY_PLANNED,
}

# The categories of data/metrics.csv each page shows. Ecosystem metrics (providers, platforms, universities)
# are the benchmarks page's second section today, so a new one joins them there. "policy" is on no page:
# its seed metrics (推进路径、调度会、专题汇报、出台政策的县市区) are stated on no page as figures today,
# and putting the category on a page would add those four cards to it (see PAGE_CATEGORIES' test).
PAGE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "diagnosis": ("diagnosis",),
    "retrofit": ("retrofit",),
    "funding": ("funding",),
    "benchmarks": ("benchmarks", "ecosystem"),
    "activities": ("activities",),
}


def other_metrics(registry: pd.DataFrame, page: str) -> list[str]:
    """The registry's metrics of the page's categories that no page lists itself, in the registry's order."""
    categories = PAGE_CATEGORIES.get(page, ())
    listed = {metric_id for metric_ids in OWN_METRICS.values() for metric_id in metric_ids}
    mine = (row["metric_id"] for row in frames.records(registry) if row["category"] in categories)
    return list(dict.fromkeys(metric_id for metric_id in mine if metric_id not in listed))
