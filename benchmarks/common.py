"""What every benchmark shares: the pages of the dashboard's navigation, timing and summary helpers."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from metrics.paths import PROJECT_ROOT
from ui.navigation import EDITOR_PAGES, PAGES

APP = PROJECT_ROOT / "dashboard.py"


@dataclass(frozen=True)
class Page:
    """A page of the dashboard's navigation (ui/navigation.py)."""

    path: str  # pages/overview.py
    title_key: str  # page.overview
    url: str  # overview
    default: bool

    @property
    def name(self) -> str:
        return self.url or Path(self.path).stem


def registered_pages() -> list[Page]:
    """The pages of the dashboard's navigation (ui/navigation.py), less those a viewer cannot open (报告导入)."""
    return [
        Page(path=path, title_key=title_key, url=url, default=index == 0)
        for index, (path, title_key, _icon, url) in enumerate(PAGES)
        if url not in EDITOR_PAGES
    ]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: list[float], show: Callable[[float], str]) -> str:
    """min–median–max of a measure's rounds, each shown by `show` ("2.1×–2.3×–2.6×")."""
    if not values:
        return "—"
    return "–".join(show(value) for value in (min(values), median(values), max(values)))


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def timed(action: Callable[[], object]) -> float:
    """Seconds one call takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


@contextmanager
def data_dir(folder: Path | None) -> Iterator[None]:
    """Point DASHBOARD_DATA_DIR at a folder for the duration (None: leave it as it is)."""
    previous = os.environ.get("DASHBOARD_DATA_DIR")
    if folder is not None:
        os.environ["DASHBOARD_DATA_DIR"] = str(folder)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DASHBOARD_DATA_DIR", None)
        else:
            os.environ["DASHBOARD_DATA_DIR"] = previous


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children in MB (from /proc; 0 if it is gone)."""
    total = 0
    for each in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _children(pid: int) -> list[int]:
    try:
        found = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return found + [grandchild for child in found for grandchild in _children(child)]


def ms(seconds: float) -> str:
    return "—" if seconds != seconds else f"{seconds * 1000:,.0f} ms"
