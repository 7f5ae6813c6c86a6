"""The overview page in both languages shows the reply's key figures against their targets."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).parent.parent / "dashboard.py")


def run_app(lang: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["lang"] = lang
    return app.run()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_shows_key_figures(built, lang):
    app = run_app(lang)
    assert not app.exception
    values = {metric.label: metric.value for metric in app.metric}
    if lang == "zh":
        assert values["完成智能化诊断的规上企业"] == "153家"
        assert values["智能化改造项目总投资"] == "40亿元"
        assert values["市本级智能化改造资金（拟安排）"] == "≥2,000万元"
    else:
        assert values["Enterprises diagnosed"] == "153 enterprises"
        assert values["Retrofit investment"] == "¥4 billion"
        assert values["City-level retrofit funding (planned)"] == "≥¥20 million"
    markdown = " ".join(block.value for block in app.markdown)
    assert ("30.6%" in markdown) and ("100.7%" in markdown)
