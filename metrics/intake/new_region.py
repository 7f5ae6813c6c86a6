"""A figure about a place the dashboard does not list (a county of another city, another city) can make a new
region: a row of data/regions.csv, checked by regions.csv's rules and the build's validation, kept pending
until the editor confirms the import, then saved in the same confirmation as the rows that use it
(NEW_REGIONS: metrics.intake.pending, as new metrics are)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import pandas as pd

from metrics.intake.pending import NewRows
from metrics.intake.reference import Refused, id_problems, name_problems
from metrics.registry import Registry

# What each level of region may sit under (regions.csv: the city under the province, counties under a city).
PARENT_LEVELS = {"province": ("",), "city": ("province",), "county": ("city",)}
_ADMIN_CODE = re.compile(r"^\d{6}$")


class RegionRefused(Refused):
    """A new region that would not pass data/regions.csv's rules."""


@dataclass(frozen=True)
class NewRegion:
    """What an editor fills in for a new region, in regions.csv's columns."""

    region_id: str
    name_zh: str
    name_en: str
    level: str
    parent_id: str
    admin_code: str = ""

    def cleaned(self) -> NewRegion:
        """The same region with surrounding spaces removed."""
        return NewRegion(**{key: value.strip() for key, value in asdict(self).items()})


def guessed_level(name: str) -> str:
    """The level a place's name says: 湖南省 a province, 鄂州市 a city, else a county or district."""
    return "province" if name.endswith("省") else "city" if name.endswith("市") else "county"


def parents_for(level: str, regions: pd.DataFrame) -> list[str]:
    """The region ids a region of `level` may sit under ('' for a province, which has none)."""
    allowed = PARENT_LEVELS.get(level, ())
    return [""] * ("" in allowed) + [
        r for r, lv in zip(regions["region_id"], regions["level"], strict=True) if lv in allowed
    ]


def check_region(region: NewRegion, registry: Registry) -> list[tuple[str, dict]]:
    """The rules of data/regions.csv for one new row: a new snake_case id, names no region uses, a known
    level, a parent of the level above, a six-digit administrative code when one is given."""
    problems = id_problems(region.region_id, registry.region_ids, "region")
    problems += name_problems(
        [region.name_zh, region.name_en],
        registry.resolve_region,
        "intake.region.name_missing",
        "intake.region.name_taken",
    )
    if region.level not in PARENT_LEVELS:
        problems.append(("intake.region.bad_level", {"value": region.level}))
    elif region.parent_id not in parents_for(region.level, registry.regions):
        problems.append(("intake.region.bad_parent", {"value": region.parent_id or "—"}))
    if region.admin_code and not _ADMIN_CODE.match(region.admin_code):
        problems.append(("intake.region.bad_code", {"value": region.admin_code}))
    elif region.admin_code and region.admin_code in set(registry.regions["admin_code"]):
        problems.append(("intake.region.code_taken", {"value": region.admin_code}))
    return problems


def _row(region: NewRegion) -> dict:
    return asdict(region)


# Checked when added, pending in the session, saved in the confirmation (metrics.intake.pending).
NEW_REGIONS = NewRows(
    table="regions",
    action="add_region",
    refused=RegionRefused,
    build_key="intake.region.build",
    check=check_region,
    as_row=_row,
    id_of=lambda region: region.region_id,
    cleaned=NewRegion.cleaned,
)
