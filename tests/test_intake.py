"""Intake parts: numbers as reports write them, what is not a figure, refusals of what cannot be read."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from metrics.intake import IntakeError, propose_file, read_document, recording
from metrics.intake import context as intake_context
from metrics.intake import reading as intake_reading
from metrics.intake.finding import find_figures
from metrics.intake.places import Gazetteer
from metrics.intake.proposals import suggest_label
from metrics.registry import Registry

ROOT = Path(__file__).resolve().parent.parent
BAD = Path(__file__).parent / "fixtures" / "intake" / "bad"


def _found(text: str, places: frozenset[str] = frozenset()) -> list[tuple]:
    return [(f.quote, f.value, f.unit, f.qualifier) for f in find_figures(text, places)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("已完成153家", ("153家", 153, "家", "=")),
        ("标识注册量达10.56万个", ("10.56万个", 105600, "个", "=")),
        ("总投资40亿元", ("40亿元", 4e9, "元", "=")),
        ("安排资金超过2000万元", ("2000万元", 2e7, "元", ">=")),
        ("覆盖500家以上规上企业", ("500家以上", 500, "家", ">=")),
        ("完成率达到百分之六十六", ("百分之六十六", 66, "%", "=")),
        ("培训两千人次", ("两千人次", 2000, "人次", "=")),
        ("新增企业１５２家", ("１５２家", 152, "家", "=")),
        ("40多家企业", ("40多家", 40, "家", ">=")),
        ("上云企业2000余家", ("2000余家", 2000, "家", ">=")),
        ("约420亿元", ("420亿元", 4.2e10, "元", "~")),
        ("投资300万元左右", ("300万元左右", 3e6, "元", "~")),
        ("新增50-60家", ("50-60家", 50, "家", ">=")),
        ("设置3大专题论坛", ("3大专题论坛"[:2], 3, "个", "=")),
        ("第六届中国（黄石）工业互联网创新发展大会", ("第六届", 6, "届", "=")),
        ("连续三年成功举办大会", ("连续三年成功举办", 3, "届", "=")),
        ("完成全部目标的66%", ("66%", 66, "%", "=")),
        ("投资三点五亿元", ("三点五亿元", 3.5e8, "元", "=")),
    ],
)
def test_numbers_as_reports_write_them(text, expected):
    quote, value, unit, qualifier = expected
    found = _found(text)
    assert len(found) == 1, found
    assert found[0][0] == quote and found[0][1] == pytest.approx(value) and found[0][2:] == (unit, qualifier)


@pytest.mark.parametrize(
    "text",
    [
        "2021年7月13日",
        "委员提案〔2021〕50号",
        "关于2021年市政协第50号提案的回复",
        "联系电话：6288629",
        "联系电话：0714-7326688",
        "一、持续擦亮工业互联网大会品牌",
        "（三）全力打造一批标杆示范",
        "1. 项目建设",
        "入选第一批湖北省上云标杆企业",
        "首批标杆企业",
        "重点培育2000万元以上的增长点",
        "推动5000万元以上项目加快建设",
        "这是我市第一次举办全国盛会",
        "千家万户",
        "三年行动计划（2021-2023年）",
        "4月29日在开发区召开",
        "一大批高校老师",
    ],
)
def test_what_is_not_a_figure(text):
    assert _found(text) == []


def test_lists_of_names_are_counted_when_they_name_a_kind_of_thing():
    assert _found("主动对接了邮政银行、汉口银行等金融机构") == [("邮政银行、汉口银行", 2, "家", ">=")]
    places = frozenset({"大冶市", "阳新县", "开发区"})
    assert _found("大冶市、阳新县、开发区比照市级政策已出台相关支持政策", places) == [
        ("大冶市、阳新县、开发区", 3, "个", "=")
    ]
    assert _found("涵盖了我市电子、装备、钢铁、建材等7个主导产业") == [("7个", 7, "个", "=")]
    assert _found("央广网、人民网等政经媒体") == []  # media named, not a figure of the programme
    assert _found("规划“会、展、赛”三大版块") == [("三大", 3, "个", "=")]


def test_a_figure_in_brackets_counts_and_a_bracketed_list_number_or_year_does_not():
    assert _found("完成智能化诊断32家，占年度目标（60家）的53%") == [
        ("32家", 32, "家", "="),
        ("60家", 60, "家", "="),
        ("53%", 53, "%", "="),
    ]
    assert _found("（1）三年行动计划（2021-2023年）") == []  # a list number and years in brackets


def _refused(path: Path, tmp_path: Path) -> tuple[int, str, Path]:
    out = tmp_path / "proposals.csv"
    command = [sys.executable, "-m", "metrics", "intake", str(path), "--out", str(out)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    return result.returncode, result.stderr, out


@pytest.mark.parametrize(
    ("name", "zh", "en"),
    [
        ("scanned.pdf", "没有文字层", "no text layer"),
        ("old_format.doc", "另存为 → Word 文档（.docx）", "Save As"),
        ("encrypted.pdf", "设有密码或已加密", "password-protected"),
        ("broken.docx", "已损坏或不完整", "damaged"),
        ("empty.txt", "文件是空的", "empty"),
        ("junk.txt", "不是文字文件", "not a text file"),
    ],
)
def test_bad_input_is_refused_in_both_languages_and_nothing_is_written(name, zh, en, tmp_path):
    code, message, out = _refused(BAD / name, tmp_path)
    assert code == 1
    assert zh in message and en in message, message
    assert not out.exists()


def test_an_oversized_file_is_refused_before_reading(tmp_path, monkeypatch):
    big = tmp_path / "huge.txt"
    big.write_bytes("已完成153家。".encode() * (intake_reading.SIZE_LIMIT // 18 + 1))
    code, message, out = _refused(big, tmp_path)
    assert code == 1 and "文件过大" in message and "too large" in message
    assert not out.exists()


def test_unsupported_types_and_gbk_text():
    with pytest.raises(IntakeError) as refused:
        read_document(b"a,b\n1,2\n", "table.xlsx")
    assert refused.value.key == "unsupported"
    document = read_document("阳新县完成诊断46家".encode("gbk"), "report.txt")
    assert document.lines == ["阳新县完成诊断46家"]
    document = read_document("\ufeff已完成153家\r\n".encode(), "report.md")
    assert document.lines[0] == "已完成153家"


def test_docx_tables_are_read_in_order_with_the_unit_their_header_gives():
    document = read_document((BAD.parent / "year_end_summary.docx").read_bytes(), "summary.docx")
    assert "在建智能化改造项目（个）｜156个" in document.lines
    assert document.lines.index("在建智能化改造项目（个）｜156个") < document.lines.index("三、存在问题")


def test_a_title_given_on_the_command_line_sets_the_region_and_date(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("截至9月底，全县已完成规上企业智能化诊断服务52家。\n", encoding="utf-8")
    out = tmp_path / "proposals.csv"
    command = [sys.executable, "-m", "metrics", "intake", str(report), "--date", "2024-10-08"]
    command += ["--title", "阳新县2024年前三季度工作情况", "--out", str(out)]
    assert subprocess.run(command, cwd=ROOT, capture_output=True, timeout=60).returncode == 0
    row = out.read_text(encoding="utf-8-sig").splitlines()[1].split(",")
    assert row[2:8] == ["52家", "52", "家", "=", "actual", "2024-09-30"] and row[10:13] == [
        "yangxin",
        "阳新县",
        "diagnosis_enterprises",
    ]


@pytest.mark.parametrize(
    ("sentence", "quote", "kind"),
    [
        ("拟建设5个工业互联网平台", "5个", "target"),
        ("拟投入资金2亿元支持企业上云", "2亿元", "target"),
        ("合计安排资金拟超过5000万元", "5000万元", "target"),
        ("今年已完成诊断153家，拟再支持25个项目", "25个", "target"),
        ("拟定于年底前建成5个平台", "5个", "target"),
        # 拟 inside another word is no plan: 虚拟/模拟 (virtual, simulated), 已拟定 (has drawn up)
        ("已建成虚拟工厂3个", "3个", "actual"),
        ("建成数字孪生模拟平台2个", "2个", "actual"),
        ("已拟定支持政策5项", "5项", "actual"),
    ],
)
def test_ni_reads_as_a_target_but_not_inside_other_words(sentence, quote, kind):
    from metrics.intake.context import kind_of

    assert kind_of(sentence, sentence.index(quote), dt.date(2024, 3, 1)) == kind


def _intake(tmp_path: Path, text: str, *options: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    report = tmp_path / "report.txt"
    report.write_text(text, encoding="utf-8")
    out = tmp_path / "proposals.csv"
    command = [sys.executable, "-m", "metrics", "intake", str(report), "--out", str(out), *options]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    return done, out.read_text(encoding="utf-8-sig").splitlines() if out.exists() else []


def test_the_issuer_sets_the_default_region_when_the_title_names_none(tmp_path, data_dir):
    text = "2024年一季度工业互联网工作情况\n截至3月底，已完成规上企业智能化诊断服务46家。\n"
    done, rows = _intake(tmp_path, text, "--date", "2024-04-08", "--issuer", "阳新县经济和信息化局")
    assert done.returncode == 0, done.stderr
    assert rows[1].split(",")[10:13] == ["yangxin", "阳新县", "diagnosis_enterprises"]
    done, rows = _intake(tmp_path, text, "--date", "2024-04-08", "--issuer", "市经信局")  # no place: the city
    assert rows[1].split(",")[10:12] == ["huangshi", "黄石市"]
    done, rows = _intake(tmp_path, "大冶市" + text, "--date", "2024-04-08", "--issuer", "阳新县经济和信息化局")
    assert rows[1].split(",")[10:12] == ["daye", "大冶市"]  # the title's place comes first


def test_keep_records_the_issuer_in_sources_csv_and_without_it_nothing_changes(tmp_path, data_dir):
    from metrics import store
    from metrics.registry import Registry

    text = "阳新县2024年一季度工业互联网工作情况\n已完成规上企业智能化诊断服务46家。\n"
    sources_before = (data_dir / "sources.csv").read_bytes()
    done, _ = _intake(tmp_path, text, "--date", "2024-04-08", "--issuer", "阳新县经济和信息化局")
    assert done.returncode == 0 and (data_dir / "sources.csv").read_bytes() == sources_before
    assert not (data_dir / "documents").exists()

    options = ["--date", "2024-04-08", "--issuer", "阳新县经济和信息化局", "--keep", "--editor", "江晖"]
    done, rows = _intake(tmp_path, text, *options)
    assert done.returncode == 0, done.stderr
    assert "发文单位：阳新县经济和信息化局" in done.stdout and "issued by 阳新县经济和信息化局" in done.stdout
    sources = Registry.load(data_dir).sources.set_index("source_id")
    kept = sources.loc[sources.index.str.startswith("doc_")].iloc[0]
    assert (kept["issuer_zh"], kept["date"]) == ("阳新县经济和信息化局", "2024-04-08")
    assert kept["title_zh"] == "阳新县2024年一季度工业互联网工作情况"
    assert (data_dir / kept["file"]).read_text(encoding="utf-8") == text
    assert store.versions("sources")[0].editor == "江晖"
    done, _ = _intake(tmp_path, text, *options)  # the same document again: one row, not two
    assert len(Registry.load(data_dir).sources) == len(sources)


@pytest.mark.parametrize(
    ("name", "issuer"),
    [
        ("county_quarterly.txt", "阳新县经济和信息化局"),  # GBK, its phone line above the signature
        ("year_end_summary.docx", "黄石市经济和信息化局"),
        ("provincial_roundup.txt", ""),  # not signed
        ("news_post.html", ""),
    ],
)
def test_the_signing_office_is_read_from_the_last_lines(name, issuer):
    from metrics.intake.proposals import signed_issuer

    document = read_document((BAD.parent / name).read_bytes(), name)
    assert signed_issuer(document) == issuer


def test_a_date_under_a_sentence_is_no_signature():
    from metrics.intake.proposals import signed_issuer

    document = read_document("全市已完成诊断153家，下一步将继续推进。\n2021年7月13日\n".encode(), "a.txt")
    assert signed_issuer(document) == ""
    document = read_document("已完成诊断153家。\n\n黄石市经济和信息化局\n\n2021年7月13日\n".encode(), "a.txt")
    assert signed_issuer(document) == "黄石市经济和信息化局"


def test_keep_without_issuer_records_the_signing_office(tmp_path, data_dir):
    from metrics.registry import Registry

    text = "阳新县2024年一季度工作情况\n已完成规上企业智能化诊断服务46家。\n阳新县经济和信息化局\n2024年4月10日\n"
    done, _ = _intake(tmp_path, text, "--keep")
    assert done.returncode == 0, done.stderr
    sources = Registry.load(data_dir).sources
    kept = sources[sources["source_id"].str.startswith("doc_")].iloc[0]
    assert (kept["issuer_zh"], kept["date"]) == ("阳新县经济和信息化局", "2024-04-10")


def _accepted(number, value, kind="actual", as_of="2022-06-30", end="", qualifier="="):
    """One accepted intake row as pages/intake.py builds it (a target has a period, an actual a date)."""
    start, as_of = ("2022-01-01", "") if kind == "target" else ("", as_of)
    return {
        **{"row": number, "kind": kind, "metric_id": "diagnosis_enterprises", "region_id": "huangshi"},
        **{"as_of": as_of, "period_start": start, "period_end": end, "value": value, "qualifier": qualifier},
    }


def test_accepted_rows_clash_only_when_one_saved_row_would_hold_two_values():
    accepted = pd.DataFrame(
        [
            _accepted(1, 96),
            _accepted(2, 352),  # the same metric, region and date: clashes with row 1
            _accepted(3, 96.0),  # the same figure again: no clash
            _accepted(4, 352, as_of="2022-07-20"),  # another date
            _accepted(5, 150, kind="target", end="2022-12-31"),
            _accepted(6, 500, kind="target", end="2023-12-31"),  # another period
            _accepted(7, 150, kind="target", end="2022-12-31", qualifier=">="),  # 150 and ≥150 differ
        ]
    )
    assert [(a["row"], b["row"]) for a, b in recording.clashes(accepted)] == [(1, 2), (5, 7)]


@pytest.mark.parametrize(
    ("sentence", "region"),
    [
        ("阳新县安排配套资金1000万元", "yangxin"),
        ("大冶市、阳新县、开发区合计安排资金拟超过5000万元", "daye_yangxin_kaifaqu"),  # the reply's own group
        ("大冶市、阳新县合计安排配套资金3000余万元", "huangshi"),  # two units' sum: their city's, not 阳新县's
        ("大冶市和阳新县共新增智能工厂5个", "huangshi"),
        ("大冶市、阳新县各新增智能工厂2个", "yangxin"),  # each: stays with the unit named last
        ("大冶市出台政策，阳新县安排资金1000万元", "yangxin"),  # not a list: the nearer unit's
        ("武汉市、襄阳市合计安排资金2亿元", ""),  # other cities are never filed under Huangshi
    ],
)
def test_a_figure_after_a_list_of_units_is_their_parents(sentence, region):
    places = Gazetteer(Registry.load().regions)
    assert places.place_of(sentence, sentence.index(next(ch for ch in sentence if ch.isdigit()))).region_id == region


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        # was 级智能制造示范项目: 新增省 read as a place
        ("新增省级智能制造示范项目6个，3家企业入选", "省级智能制造示范项目"),
        ("阳新县新增5G工厂3个", "5G工厂"),
        ("2023年全市新增数字化车间8个", "数字化车间"),
        ("兑现2023年度奖补资金650万元", "兑现奖补资金"),  # was 兑现度奖补资金
    ],
)
def test_a_suggested_label_is_the_words_before_the_figure_without_places_and_verbs(sentence, label):
    figure = find_figures(sentence)[0]
    assert suggest_label(sentence, figure.start, figure.end, figure) == label


def test_a_missing_dashboard_file_is_named_not_the_report(tmp_path):
    """The report is readable; the data folder it is read against lacks metrics.csv. The message names that
    file (it named the report before: 无法读取文件 report.txt：… metrics.csv)."""
    report = tmp_path / "report.txt"
    report.write_text("截至6月底，全市已完成规上企业智能化诊断服务96家。\n", encoding="utf-8")
    empty = tmp_path / "data"
    empty.mkdir()
    command = [sys.executable, "-m", "metrics", "intake", str(report), "--out", str(tmp_path / "out.csv")]
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(empty)}
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 1
    assert f"无法读取文件 {empty / 'metrics.csv'}" in result.stderr, result.stderr
    assert f"Cannot read {empty / 'metrics.csv'}" in result.stderr
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    ("head", "as_of"),
    [
        ("去年全市完成智能化诊断", "2023-12-31"),  # last year's figure
        ("全市规上工业企业上云率达到65%，较去年提高", "2024-10-12"),  # a change since last year, as of now
        ("比去年增加", "2024-10-12"),
        ("比去年同期增长", "2024-10-12"),
        ("今年1至9月，新增项目45个，比去年同期多", "2024-09-30"),
    ],
)
def test_last_year_dates_a_figure_only_when_it_is_not_the_comparison(head, as_of):
    assert intake_context.as_of(head, dt.date(2024, 10, 12)).isoformat() == as_of


def test_a_target_set_for_each_year_is_proposed_for_one_year_not_the_whole_plan():
    text = (
        "黄石市工业互联网创新发展三年行动计划（2024-2026年）\n"
        "到2026年，全市累计完成智能化改造项目600个以上，每年新增智能化改造项目200个以上。\n"
        "市财政每年安排智能化改造专项资金不少于5000万元。\n"
    )
    _, frame = propose_file(text.encode("utf-8"), "plan.txt", dt.date(2024, 3, 1), registry=Registry.load())
    periods = {row["quote"]: (row["period_start"], row["period_end"]) for row in frame.to_dict("records")}
    assert periods["600个以上"] == ("2024-01-01", "2026-12-31")  # the plan's: 到2026年累计
    assert periods["200个以上"] == ("2024-01-01", "2024-12-31")  # each year's: was the whole plan's three years
    assert periods["5000万元"] == ("2024-01-01", "2024-12-31")
