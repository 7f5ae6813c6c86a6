"""The benchmark harness runs at tiny sizes (a few seconds). Benchmarks are figures, not tests: no timing
is asserted here, only that each part runs and reports."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from benchmarks.__main__ import main
from benchmarks.common import percentile, registered_pages
from benchmarks.load import NGINX_SITE, nginx_config
from benchmarks.synthetic import generate
from metrics.build import build


def test_pages_are_read_from_the_dashboard():
    pages = registered_pages()
    assert pages[0].default and pages[0].path == "pages/overview.py"
    assert all(Path(page.path).exists() or (Path(__file__).parent.parent / page.path).exists() for page in pages)


def test_synthetic_data_is_seeded_valid_and_labelled(tmp_path: Path):
    shape = generate(tmp_path / "a", 2_000)
    generate(tmp_path / "b", 2_000)
    first = (tmp_path / "a" / "progress.csv").read_bytes()
    assert first == (tmp_path / "b" / "progress.csv").read_bytes()
    records = pd.read_csv(tmp_path / "a" / "progress.csv", encoding="utf-8-sig")
    assert len(records) == 2_000 == shape.rows and set(records["source"]) == {"synthetic"}
    regions = pd.read_csv(tmp_path / "a" / "regions.csv", dtype=str, keep_default_na=False)
    assert len(regions[regions["level"] == "city"]) == 17 and len(regions) > 110
    assert build(tmp_path / "a").counts["progress_records"] == 2_000


def test_synthetic_data_never_goes_into_data():
    with pytest.raises(ValueError):
        generate(Path(__file__).parent.parent / "data" / "synthetic", 10)


def test_nginx_config_keeps_the_example_and_uses_the_bench_ports(tmp_path: Path):
    config = nginx_config(NGINX_SITE.read_text(), 18080, [18501, 18502], tmp_path)
    assert "listen 127.0.0.1:18080;" in config and "server 127.0.0.1:18501;" in config
    assert "server 127.0.0.1:8501;" not in config
    assert "proxy_set_header Upgrade $http_upgrade;" in config and "hash $dashboard_route consistent;" in config


def test_percentile_is_nearest_rank():
    assert percentile([5, 1, 4, 2, 3], 0.5) == 3
    assert percentile(list(range(1, 101)), 0.95) == 95


def test_quick_run_writes_a_report(tmp_path: Path, data_dir: Path):
    out = tmp_path / "BENCHMARKS.md"
    skip = "browser,load,exports,regions,floods,uploads,intake"
    code = main(["--quick", "--skip", skip, "--sizes", "300", "--out", str(out)])
    report = out.read_text(encoding="utf-8")
    assert code == 0
    assert "## Summary" in report and "Page speed" in report and "| 300 |" in report
    assert "overview" in report
