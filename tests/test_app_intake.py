"""报告导入 in the browser (AppTest): viewers have no way in; an editor reads a pasted report, sees every
figure highlighted and proposed, confirms, and the records land in progress.csv and targets.csv through
the update path with the document kept and listed; reading it again proposes nothing twice."""

from __future__ import annotations

import datetime as dt
import json

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


def _make_new_metric(app, lang: str):
    """Fill in the new-metric form for the one figure without a metric (row 5: 新增5G全连接工厂2个) and add it."""
    app.text_input(key="intake_new_zh_4").input("5G全连接工厂")  # drafted from the words before it, corrected
    app.text_input(key="intake_new_id_4").input("g5_factories")
    app.text_input(key="intake_new_en_4").input("5G fully connected factories")
    app.text_input(key="intake_new_unit_en_4").input("factories")
    app.selectbox(key="intake_new_category_4").set_value("benchmarks")
    return app.button(key="intake_new_add").click().run()


def _confirm(app):
    confirm = next(button for button in app.button if button.label in ("确认导入", "Confirm import"))
    return confirm.click().run()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_new_metric_waits_for_the_confirmation_and_is_saved_with_its_figure(editor, built, lang):
    app = _read(open_page("intake", lang, session={EDITOR_KEY: editor}), REPORT)
    metrics_before = (built / "metrics.csv").read_bytes()

    # A refused metric names what is wrong and changes nothing.
    app.text_input(key="intake_new_id_4").input("G5 factories")
    app.button(key="intake_new_add").click().run()
    errors = " ".join(e.value for e in app.error)
    assert ("指标编号“G5 factories”不合规" if lang == "zh" else 'Metric id "G5 factories" is not valid') in errors
    assert ("请填写中文和英文名称" if lang == "zh" else "Fill in both the Chinese and the English label") in errors

    app = _make_new_metric(app, lang)
    assert not app.exception and not app.error, [e.value for e in app.error]
    added = " ".join(e.value for e in app.success)
    assert (
        "新指标“5G全连接工厂”（g5_factories）已选入1行" if lang == "zh" else "(g5_factories) is chosen for 1 row"
    ) in added
    assert (built / "metrics.csv").read_bytes() == metrics_before  # pending: nothing written before confirming
    assert store.versions("metrics") == []
    proposals = app.dataframe[0].value
    label = "5G全连接工厂（个）" if lang == "zh" else "5G fully connected factories (factories)"
    assert proposals["metric"].iloc[4] == label
    offered = json.dumps(json.loads(app.dataframe[0].proto.columns), ensure_ascii=False)
    assert f'"{label}"' in offered  # one of the metric column's choices
    assert list(proposals["accept"]) == [True] * 5
    shown = all_text(app)
    found = "找到5个数字，其中4个对应到已有指标" if lang == "zh" else "5 figure(s) found: 4 matched to a metric"
    assert found in shown, shown  # the new metric is not one of the existing ones yet
    preview = (
        "将新增1个指标（指标表）：5G全连接工厂（g5_factories）" if lang == "zh" else "1 metric(s) added (metrics table)"
    )
    assert preview in shown, shown
    values = list(pd.concat([frame.value for frame in app.dataframe[1:]])["数值" if lang == "zh" else "Value"])
    assert ("2个" if lang == "zh" else "2 factories") in values, values

    app = _confirm(app)
    assert not app.exception and not app.error, [e.value for e in app.error]
    saved = [e.value for e in app.success]
    assert any(("指标表新版本" if lang == "zh" else "metrics table version") in message for message in saved), saved
    metrics = read_reference_csv(built / "metrics.csv").set_index("metric_id")
    assert tuple(metrics.loc["g5_factories", ["label_zh", "label_en", "unit", "category"]]) == (
        "5G全连接工厂", "5G fully connected factories", "个", "benchmarks"
    )  # fmt: skip
    history = store.versions("metrics")
    assert len(history) == 2 and history[0].action == "add_metric"  # the baseline, and the one new version
    assert (history[0].editor, history[0].account, history[0].detail) == ("江晖", "jianghui", "g5_factories")
    progress = read_reference_csv(built / "progress.csv").set_index("metric_id")
    assert tuple(progress.loc["g5_factories", ["value", "region_id", "as_of"]]) == ("2", "huangshi", "2024-06-30")

    # A fresh session: the figure is on Sources with its metric's label and sentence.
    sources = open_page("sources", lang)
    assert not sources.exception
    table = pd.concat([frame.value for frame in sources.dataframe]).astype(str)
    rows = table[table.apply(lambda row: row.str.contains("5G").any(), axis=1)]
    assert len(rows) == 1, table
    words = " ".join(map(str, rows.iloc[0]))
    assert ("5G全连接工厂" if lang == "zh" else "5G fully connected factories") in words and "2" in words


def test_a_confirmation_that_fails_leaves_metrics_csv_as_it_was(editor, built, monkeypatch):
    from metrics import updates

    metrics_before = (built / "metrics.csv").read_bytes()
    progress_before = (built / "progress.csv").read_bytes()
    app = _make_new_metric(_read(open_page("intake", session={EDITOR_KEY: editor}), REPORT), "zh")

    real, stale = updates.apply_table, [True]

    def someone_saved_first(*args, **kwargs):  # another editor saved the table after this preview
        if stale:
            raise store.StaleVersionError("before", "after")
        return real(*args, **kwargs)

    monkeypatch.setattr(updates, "apply_table", someone_saved_first)
    app = _confirm(app)
    assert not app.exception
    assert "刚才有其他人保存了新版本" in " ".join(e.value for e in app.error)
    assert (built / "metrics.csv").read_bytes() == metrics_before
    assert (built / "progress.csv").read_bytes() == progress_before
    assert [entry.action for entry in store.versions("metrics")][:2] == ["rollback", "add_metric"]

    # The new metric is still pending and chosen: confirming again (the other save done) saves it with its row.
    stale.clear()
    app.run()
    assert "将新增1个指标" in all_text(app)
    app = _confirm(app)
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert "g5_factories" in read_reference_csv(built / "metrics.csv")["metric_id"].tolist()
    assert "g5_factories" in read_reference_csv(built / "progress.csv")["metric_id"].tolist()


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
    assert ("地区编号“Ezhou City”不合规" if lang == "zh" else 'Region id "Ezhou City" is not valid') in errors
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


CLASHING = (
    "黄石市2024年上半年工业互联网工作进展\n"
    "截至6月底，全市今年已完成规上企业智能化诊断服务96家，三年来累计完成智能化诊断服务规上企业352家。\n"
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_two_accepted_figures_for_one_metric_and_date_are_not_saved_as_one(editor, built, lang):
    """Both read as diagnoses at the end of June: saving both would keep one and drop the other without a
    word. The editor is told which figures clash, by their words and document lines (the table's 行 column),
    and nothing can be confirmed until one is left."""
    app = _read(open_page("intake", lang, session={EDITOR_KEY: editor}), CLASHING)
    proposals = app.dataframe[0].value
    assert list(proposals["quote"]) == ["96家", "352家"]
    assert proposals["accept"].all() and proposals["metric"].nunique() == 1
    warned = " ".join(w.value for w in app.warning)
    if lang == "zh":
        assert "“96家”（原文第2行）和“352家”（原文第2行）是同一指标、地区和日期的两个不同数字" in warned, warned
    else:
        assert "'96家' (line 2) and '352家' (line 2) are two different figures for the same metric" in warned, warned
    confirm = next(button for button in app.button if button.label in ("确认导入", "Confirm import"))
    assert confirm.disabled
    before = (built / "progress.csv").read_bytes()

    table_key = f"intake_table_{app.session_state['intake_read_key'][0][:16]}_0"  # as pages/intake.py names it
    app.session_state[table_key] = {"edited_rows": {0: {"accept": False}}, "added_rows": [], "deleted_rows": []}
    app.run()
    assert "96家" not in " ".join(w.value for w in app.warning)
    confirm = next(button for button in app.button if button.label in ("确认导入", "Confirm import"))
    assert not confirm.disabled
    confirm.click().run()
    progress = read_reference_csv(built / "progress.csv")
    assert (built / "progress.csv").read_bytes() != before
    assert list(progress.loc[progress["metric_id"] == "diagnosis_enterprises", "value"]) == ["352"]


def test_a_ticked_figure_without_a_metric_is_named_by_its_words_and_line(editor):
    """The table's 行 column is the document's line, so a problem names the figure as the table shows it."""
    app = _read(open_page("intake", "zh", session={EDITOR_KEY: editor}), REPORT)
    table_key = f"intake_table_{app.session_state['intake_read_key'][0][:16]}_0"
    app.session_state[table_key] = {"edited_rows": {4: {"accept": True}}, "added_rows": [], "deleted_rows": []}
    app.run()
    warned = " ".join(w.value for w in app.warning)
    assert "“2个”（原文第4行）：请选择指标，或取消“采用”" in warned, warned
