"""The region selector at province scale: each unit under its city, labelled so a search finds it."""

from __future__ import annotations

import pandas as pd

from ui.context import region_labels


def regions(rows):
    return pd.DataFrame(rows, columns=["region_id", "name_zh", "name_en", "parent_id"])


def test_counties_follow_their_city_and_name_it():
    frame = regions(
        [
            ("hubei", "湖北省", "Hubei", ""),
            ("wuhan", "武汉市", "Wuhan", "hubei"),
            ("huangshi", "黄石市", "Huangshi", "hubei"),
            ("daye", "大冶市", "Daye", "huangshi"),
            ("wh_jiangan", "江岸区", "Jiang'an", "wuhan"),
            ("yangxin", "阳新县", "Yangxin", "huangshi"),
        ]
    )
    labels = region_labels(frame, "zh")
    assert list(labels) == ["hubei", "wuhan", "wh_jiangan", "huangshi", "daye", "yangxin"]
    assert labels["daye"] == "大冶市 · 黄石市" and labels["huangshi"] == "黄石市"
    assert region_labels(frame, "en")["wh_jiangan"] == "Jiang'an · Wuhan"


def test_city_scale_data_keeps_its_plain_names(built):
    from metrics.queries import fetch

    labels = region_labels(fetch("regions_with_data"), "zh")
    assert next(iter(labels)) == "huangshi"
    assert labels["huangshi"] == "黄石市"
    assert all(" · " not in label for label in labels.values())
