"""The sidebar's region selector with every region of Hubei (~120): default, order, search, choice."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.browser import PAINTED, server
from benchmarks.synthetic import generate
from metrics import queries
from metrics.build import build
from metrics.paths import PROJECT_ROOT
from tools.browser import chromium


@dataclass
class RegionCheck:
    regions: int = 0
    default_label: str = ""
    first_options: list[str] = field(default_factory=list)
    search: str = "黄石"
    search_hits: int = 0
    chosen_url: str = ""
    ok: bool = False
    note: str = ""


def check_region_selector(screenshot: Path | None = None) -> RegionCheck:
    """Serve province-scale synthetic data; open the selector, type a city, choose a county by keyboard."""
    result = RegionCheck()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        generate(data, 38 * 120 * 2, all_regions=True)
        build(data)
        result.regions = len(queries.fetch("regions_with_data", database=data / "dashboard.duckdb"))
        with server(PROJECT_ROOT / "dashboard.py", {"DASHBOARD_DATA_DIR": str(data)}) as (url, _, _), chromium() as b:
            page = b.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{url}/?lang=zh")
            page.wait_for_function(PAINTED, timeout=60_000)
            selector = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
            field_ = selector.locator("input").first
            result.default_label = field_.get_attribute("value") or selector.inner_text().splitlines()[-1]
            field_.click()
            page.wait_for_timeout(300)
            result.first_options = page.get_by_role("option").all_inner_texts()[:6]
            page.keyboard.type(result.search)
            page.wait_for_timeout(500)
            result.search_hits = page.get_by_role("option").count()
            if screenshot:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot))
            page.goto(f"{url}/?lang=zh")
            page.wait_for_function(PAINTED, timeout=60_000)
            field_ = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox'] input").first
            field_.click()
            page.keyboard.type("大冶")
            page.wait_for_timeout(300)
            page.keyboard.press("Enter")
            page.wait_for_function(PAINTED, timeout=60_000)
            page.wait_for_timeout(500)
            result.chosen_url = page.url.split("?", 1)[-1]
            result.ok = "region=daye" in page.url and result.search_hits >= 8
    return result
