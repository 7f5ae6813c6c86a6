"""报告导入 in the browser (AppTest): viewers have no way in; an editor reads a pasted report, sees every
figure highlighted and proposed, confirms, and the records land in progress.csv and targets.csv through
the update path with the document kept and listed; reading it again proposes nothing twice."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics import store
from metrics.registry import read_reference_csv
from tests.apptest_support import all_text, metric_values, open_page
from ui.editing import EDITOR_KEY

pytestmark = pytest.mark.usefixtures("built")

REPORT = (
    "黄石市2024年上半年工业互联网工作进展\n"
    "截至6月底，全市已完成规上企业智能化诊断服务612家，在建智能化改造项目143个，总投资45.8亿元。\n"
    "力争全年完成智能化诊断700家以上。\n"
    "<script>alert(1)</script>新增5G全连接工厂2个。\n"
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_viewers_see_no_way_in(lang):
    app = open_page("overview", lang)
    assert not app.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("pages/intake.py")  # not in a viewer's navigation at all


def test_an_editor_whose_sign_in_lapsed_sees_only_the_sign_in_box(editor, secrets_file):
    from metrics import editors

    app = open_page("intake", session={EDITOR_KEY: editor})
    editors.remove_editor("jianghui")
    app.run()
    assert not app.exception
    assert not app.text_area
    assert "editui_sign_in" in {button.key for button in app.button}


def _read(app, text: str):
    app.date_input(key="intake_date").set_value(dt.date(2024, 7, 10))
    app.text_area(key="intake_paste").input(text)
    app.text_input(key="intake_title").input("2024年上半年工业互联网工作进展")
    app.text_input(key="intake_issuer").input("黄石市经济和信息化局")
    return app.run()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_editor_reads_a_report_and_confirms_its_figures(editor, built, lang):
    app = open_page("intake", lang, session={EDITOR_KEY: editor})
    assert not app.exception
    app = _read(app, REPORT)
    assert not app.exception, app.exception
    document = next(element.value for element in app.get("html") if "intake-doc" in element.value)
    assert '<mark class="matched">612家</mark>' in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document and "<script>alert" not in document
    proposals = app.dataframe[0].value
    assert list(proposals["quote"]) == ["612家", "143个", "45.8亿元", "700家以上", "2个"]
    assert list(proposals["accept"]) == [True, True, True, True, False]  # no metric for 5G全连接工厂
    assert proposals["metric"].iloc[4] == ("（未匹配）" if lang == "zh" else "(no metric)")  # not "None"
    assert proposals["value"].iloc[2] == 4_580_000_000  # the editable value stays exact

    preview = pd.concat([frame.value for frame in app.dataframe[1:]])
    value_column = "数值" if lang == "zh" else "Value"
    shown_values = list(preview[value_column])
    assert ("45.8亿元" if lang == "zh" else "¥4.58 billion") in shown_values, shown_values
    assert ("612家" if lang == "zh" else "612 enterprises") in shown_values, shown_values
    assert ("≥700家" if lang == "zh" else "≥700 enterprises") in shown_values, shown_values

    confirm = next(button for button in app.button if button.label in ("确认导入", "Confirm import"))
    confirm.click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    saved = [e.value for e in app.success if e.value.startswith(("已保存", "Saved"))]
    assert len(saved) == 2, saved  # progress and targets each saved as a new version

    progress = read_reference_csv(built / "progress.csv")
    assert len(progress) == 3
    source = progress["source"].iloc[0]
    assert source.startswith("doc_") and (progress["source"] == source).all()
    row = progress[progress["metric_id"] == "diagnosis_enterprises"].iloc[0]
    assert (row["value"], row["as_of"], row["region_id"]) == ("612", "2024-06-30", "huangshi")
    assert "截至6月底，全市已完成规上企业智能化诊断服务612家" in row["note"]
    targets = read_reference_csv(built / "targets.csv")
    new_target = targets[targets["source"] == source].iloc[0]
    assert (new_target["target"], new_target["qualifier"], new_target["period_end"]) == ("700", ">=", "2024-12-31")
    sources = read_reference_csv(built / "sources.csv")
    kept = sources[sources["source_id"] == source].iloc[0]
    assert kept["title_zh"] == "2024年上半年工业互联网工作进展" and kept["date"] == "2024-07-10"
    assert kept["issuer_zh"] == "黄石市经济和信息化局"
    assert (built / kept["file"]).read_text(encoding="utf-8") == REPORT
    assert store.versions("progress")[0].editor == "江晖"

    # Reading the same document again proposes nothing twice: all is shown as recorded, nothing ticked.
    again = _read(open_page("intake", lang, session={EDITOR_KEY: editor}), REPORT)
    proposals = again.dataframe[0].value
    recorded = "已记录" if lang == "zh" else "Recorded"
    assert list(proposals["status"][:4]) == [recorded] * 4
    assert not proposals["accept"].any()
    assert not any(button.label in ("确认导入", "Confirm import") and not button.disabled for button in again.button)

    overview = open_page("sources", lang, session={EDITOR_KEY: editor})
    assert "2024年上半年工业互联网工作进展" in all_text(overview)
    shown = pd.concat([frame.value for frame in overview.dataframe])
    assert shown.astype(str).apply(lambda c: c.str.contains("诊断服务612家")).any().any()


def test_the_review_page_reopens_within_a_second_warm(editor):
    import time

    app = _read(open_page("intake", session={EDITOR_KEY: editor}), REPORT)
    app.run()  # warm: the document is read and proposed once per session and file
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        app.run()
        timings.append(time.perf_counter() - started)
    assert not app.exception
    print(f"review page warm rerun: {min(timings):.3f} s (best of 3)")
    assert min(timings) <= 1.0, timings


ELSEWHERE = (
    "湖北省2024年上半年工业互联网工作简报\n"
    "截至6月底，鄂州市已完成规上企业智能化诊断服务300家。\n"
    "截至6月底，黄石市已完成规上企业智能化诊断服务612家。\n"
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_place_outside_the_dashboard_becomes_a_new_region_saved_with_its_figure(editor, built, lang):
    app = _read(open_page("intake", lang, session={EDITOR_KEY: editor}), ELSEWHERE)
    assert not app.exception, app.exception
    proposals = app.dataframe[0].value
    outside = "（未在看板中：鄂州市）" if lang == "zh" else "(not in the dashboard: 鄂州市)"
    assert list(proposals["region"]) == [outside, "黄石市" if lang == "zh" else "Huangshi"]
    assert list(proposals["accept"]) == [False, True]  # not ticked until it has a region
    assert "None" not in proposals.astype(str).to_numpy().ravel().tolist()

    # A refused region names what is wrong and changes nothing.
    regions_before = (built / "regions.csv").read_bytes()
    app.text_input(key="intake_region_id_0").input("Ezhou City")
    app.button(key="intake_region_add").click().run()
    errors = " ".join(e.value for e in app.error)
    assert ("地区编号“Ezhou City”不合规" if lang == "zh" else "Region id “Ezhou City” is not valid") in errors
    assert ("请填写地区的中文和英文名称" if lang == "zh" else "Fill in both the Chinese and the English name") in errors
    assert (built / "regions.csv").read_bytes() == regions_before

    app.text_input(key="intake_region_id_0").input("ezhou")
    app.text_input(key="intake_region_en_0").input("Ezhou")
    assert app.text_input(key="intake_region_zh_0").value == "鄂州市"
    assert app.selectbox(key="intake_region_level_0").value == "city"
    assert app.selectbox(key="intake_region_parent_0_city").value == "hubei"
    app.button(key="intake_region_add").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert (built / "regions.csv").read_bytes() == regions_before  # pending until the import is confirmed
    proposals = app.dataframe[0].value
    assert list(proposals["region"])[0] == ("鄂州市" if lang == "zh" else "Ezhou")
    assert list(proposals["accept"]) == [True, True]
    preview = all_text(app)
    assert ("将新增1个地区" if lang == "zh" else "1 region(s) added") in preview

    confirm = next(button for button in app.button if button.label in ("确认导入", "Confirm import"))
    confirm.click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    saved = [e.value for e in app.success]
    assert any(("地区表新版本" if lang == "zh" else "regions table version") in message for message in saved), saved

    regions = read_reference_csv(built / "regions.csv")
    ezhou = regions[regions["region_id"] == "ezhou"].iloc[0]
    assert list(ezhou[["name_zh", "name_en", "level", "parent_id"]]) == ["鄂州市", "Ezhou", "city", "hubei"]
    latest = store.versions("regions")[0]
    assert (latest.editor, latest.account, latest.action, latest.detail) == ("江晖", "jianghui", "add_region", "ezhou")
    progress = read_reference_csv(built / "progress.csv")
    row = progress[progress["region_id"] == "ezhou"].iloc[0]
    assert (row["metric_id"], row["value"], row["as_of"]) == ("diagnosis_enterprises", "300", "2024-06-30")
    assert "鄂州市已完成规上企业智能化诊断服务300家" in row["note"]

    # A fresh session: the new region is in the sidebar's selector and its figure on its Overview.
    fresh = open_page("overview", lang)
    selector = fresh.selectbox(key=f"region_{lang}")
    assert "ezhou" in selector.options or ("鄂州市" if lang == "zh" else "Ezhou") in selector.options
    overview = open_page("overview", lang, region="ezhou")
    assert not overview.exception
    assert "300" in " ".join(metric_values(overview).values()), metric_values(overview)
