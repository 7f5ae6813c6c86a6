"""A figure about a place the dashboard does not list (a county of another city, another city) can make a new
region: a row of data/regions.csv, checked by regions.csv's rules and the build's validation, kept pending
until the editor confirms the import, then saved in the same confirmation as the rows that use it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from metrics import store
from metrics.intake.reference import Refused, build_problems, csv_with_rows, id_problems, name_problems
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


def regions_csv_with(regions: list[NewRegion], folder: Path) -> bytes:
    """data/regions.csv with the new rows at the end (columns as the file has them)."""
    return csv_with_rows(folder / "regions.csv", [asdict(region) for region in regions])


def with_regions(registry: Registry, regions: list[NewRegion]) -> Registry:
    """The registry as it will be once `regions` are saved: what the preview validates the rows against."""
    if not regions:
        return registry
    added = pd.DataFrame([asdict(region) for region in regions]).reindex(
        columns=registry.regions.columns, fill_value=""
    )
    return Registry(registry.metrics, pd.concat([registry.regions, added], ignore_index=True), registry.sources)


def propose_region(region: NewRegion, pending: list[NewRegion], folder: Path) -> NewRegion:
    """Check a new region against the live regions and those already pending; the cleaned region, or
    RegionRefused naming every problem. Nothing is written."""
    region = region.cleaned()
    registry = with_regions(Registry.load(folder), pending)
    problems = check_region(region, registry)
    if not problems:
        data = regions_csv_with([*pending, region], folder)
        problems = build_problems(folder, {"regions.csv": data}, "intake.region.build")
    if problems:
        raise RegionRefused(problems)
    return region


def save_regions(regions: list[NewRegion], folder: Path, editor: tuple[str, str]) -> store.SaveResult | None:
    """Save regions.csv with the new regions as a new version (history, the editor named), checked again
    against the live file; None when there are none. The caller rebuilds (with the rows that use them)."""
    if not regions:
        return None
    registry = Registry.load(folder)
    problems = [
        p for n, region in enumerate(regions) for p in check_region(region, with_regions(registry, regions[:n]))
    ]
    if problems:
        raise RegionRefused(problems)
    base = store.live_version("regions")
    change = store.Change(action="add_region", detail=",".join(r.region_id for r in regions), added=len(regions))
    return store.save("regions", regions_csv_with(regions, folder), editor[0], change, base, account=editor[1])


def restore_regions(saved: store.SaveResult | None, editor: tuple[str, str]) -> None:
    """Undo save_regions when the rows that needed the regions could not be saved: the previous file as a
    new version (history keeps both)."""
    if saved is None or not saved.changed:
        return
    snapshot = next(entry.snapshot for entry in store.versions("regions") if entry.version == saved.previous)
    change = store.Change(action="rollback", detail=saved.previous)
    store.save("regions", store.read_version("regions", snapshot), editor[0], change, saved.version, account=editor[1])
