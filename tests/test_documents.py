"""Every figure and event names the document it comes from, and a chart cites only the documents that
state what it draws: a later document on file must not lend its name or date to the reply's events."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from metrics import briefing, chart_catalog
from metrics.build import BuildError, build
from metrics.reader import Reader

LATER_DOCUMENT = (
    "reply_2022_12,委员提案〔2022〕12号,黄石市经济和信息化局,Huangshi Municipal Bureau of Economy and Information "
    "Technology,市政协,Huangshi CPPCC,2022-06-30,关于2022年市政协第12号提案的回复,Reply to CPPCC Proposal No. 12 "
    "(2022),市经信局对市政协〔2022〕12号提案的答复,Huangshi Bureau of Economy and IT reply to CPPCC proposal 2022-12,\n"
)


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8-sig").rstrip("\n") + "\n" + line, encoding="utf-8")


def _cite(path: Path, row_id: str, source_id: str) -> None:
    """The row whose first cell is `row_id` cites `source_id` instead of the reply."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    (index,) = [i for i, line in enumerate(lines) if line.startswith(f"{row_id},")]
    assert lines[index].count(",reply_2021_50,") == 1
    lines[index] = lines[index].replace(",reply_2021_50,", f",{source_id},")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("lang", "footer"),
    [
        ("zh", "数据截至 2021年7月13日 · 来源：市经信局对市政协〔2021〕50号提案的答复"),
        ("en", "Huangshi Bureau of Economy and IT reply to CPPCC proposal 2021-50"),
    ],
)
def test_the_timeline_cites_the_reply_that_states_its_events_when_a_later_document_is_on_file(data_dir, lang, footer):
    _append(data_dir / "sources.csv", LATER_DOCUMENT)
    build(data_dir)
    spec = chart_catalog.activities_timeline(Reader(), "huangshi", lang)
    notes = " ".join(annotation.text for annotation in spec.figure.layout.annotations)
    assert footer in notes
    assert "2022" not in notes.split(footer)[0][-40:]  # not the later document's date
    assert "〔2022〕" not in notes and "2022-12" not in notes


def test_an_event_from_the_later_document_is_cited_with_it(data_dir):
    _append(data_dir / "sources.csv", LATER_DOCUMENT)
    _cite(data_dir / "events.csv", "study_tour_2021_03", "reply_2022_12")
    build(data_dir)
    reader = Reader()
    spec = chart_catalog.activities_timeline(reader, "huangshi", "zh")
    notes = " ".join(annotation.text for annotation in spec.figure.layout.annotations)
    assert "数据截至 2022年6月30日" in notes
    assert "市经信局对市政协〔2021〕50号提案的答复；市经信局对市政协〔2022〕12号提案的答复" in notes
    lines = briefing.evidence_lines(reader, spec, "zh")
    assert any("（市经信局对市政协〔2022〕12号提案的答复，五（一）" in line for line in lines)
    assert any("（市经信局对市政协〔2021〕50号提案的答复，一（二）" in line for line in lines)


def test_briefing_notes_name_each_events_document(built):
    spec = chart_catalog.activities_timeline(Reader(), "huangshi", "en")
    lines = briefing.evidence_lines(Reader(), spec, "en")
    assert lines and all(
        "(Huangshi Bureau of Economy and IT reply to CPPCC proposal 2021-50, section" in line for line in lines
    )


@pytest.mark.parametrize(
    ("name", "row_id"),
    [
        ("figures.csv", "F02"),
        ("events.csv", "conference_2019"),
        ("entities.csv", "东贝电器,Dongbei Electric,enterprise,smart_factory"),
    ],
)
@pytest.mark.parametrize(
    ("written", "zh", "en"),
    [
        (
            "reply_2022_12",
            "来源文件“reply_2022_12”不在 sources.csv 中",
            "Source document 'reply_2022_12' is not in sources.csv",
        ),
        ("", "必填项为空", "Required value is empty"),
    ],
)
def test_a_row_naming_no_listed_document_is_refused_where_it_is(built, name, row_id, written, zh, en):
    before = (built / "dashboard.duckdb").read_bytes()
    path = built / name
    column = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",").index("source_id") + 1
    _cite(path, row_id, written)
    with pytest.raises(BuildError) as error:
        build(built)
    message = str(error.value)
    letter = chr(ord("A") + column - 1)  # the column as Excel and WPS name it
    assert f"{name}: 第3行 {letter}列（source_id）" in message and zh in message and en in message
    assert (built / "dashboard.duckdb").read_bytes() == before


@pytest.mark.parametrize(("name", "row_id"), [("events.csv", "conference_2019"), ("entities.csv", "大冶特钢,")])
@pytest.mark.parametrize(
    ("written", "zh", "en"),
    [("dayee", "未知地区“dayee”", "Unknown region 'dayee'"), ("", "必填项为空", "Required value is empty")],
)
def test_an_event_or_name_of_no_known_unit_is_refused_where_it_is(built, name, row_id, written, zh, en):
    """Each event and named enterprise says which unit the document reports it of: pages list a unit's own."""
    before = (built / "dashboard.duckdb").read_bytes()
    path = built / name
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    column = lines[0].split(",").index("region_id") + 1
    (index,) = [i for i, line in enumerate(lines) if line.startswith(row_id)]
    lines[index] = lines[index].replace(",reply_2021_50,huangshi,", f",reply_2021_50,{written},")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BuildError) as error:
        build(built)
    message = str(error.value)
    letter = chr(ord("A") + column - 1)
    assert f"{name}: 第{index + 1}行 {letter}列（region_id）" in message and zh in message and en in message
    assert (built / "dashboard.duckdb").read_bytes() == before


def test_an_events_file_without_units_is_refused(built):
    before = (built / "dashboard.duckdb").read_bytes()
    path = built / "events.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns="region_id")
    frame.to_csv(path, index=False)
    with pytest.raises(BuildError) as error:
        build(built)
    assert "events.csv: 第1行" in str(error.value) and "缺少必填列“region_id”" in str(error.value)
    assert (built / "dashboard.duckdb").read_bytes() == before


def test_a_second_document_called_the_reply_is_refused_where_it_is(built):
    """The next reply entered with the same noun (答复 / the reply): every "比答复所述…" would be about either
    document, so the build refuses it at its cells and keeps the old database."""
    before = (built / "dashboard.duckdb").read_bytes()
    _append(built / "sources.csv", LATER_DOCUMENT.replace("2022-12,\n", "2022-12,答复,The Reply,\n"))
    with pytest.raises(BuildError) as error:
        build(built)
    message = str(error.value)
    assert "sources.csv: 第3行 L列（noun_zh）" in message and "称呼“答复”已用于第2行的文件" in message
    assert (
        "sources.csv: 第3行 M列（noun_en）" in message and "'The Reply' already names the document on line 2" in message
    )
    assert (built / "dashboard.duckdb").read_bytes() == before


# ---------- checks name the document that states their figure ----------

TIERS = (("smart_factory_projects", 30), ("smart_workshop_projects", 40), ("smart_line_projects", 70))


def _tiers_check(lang: str = "zh") -> tuple[dict, str]:
    """The stored check of the tiers against the projects under way, and its sentence."""
    from metrics import narrative

    checks = Reader().fetch("all_checks").set_index("check_id")
    check = {"check_id": "retrofit_projects_under_way_parts", **checks.loc["retrofit_projects_under_way_parts"]}
    return check, narrative.check_sentence(check, lang)


def test_a_check_of_figures_recorded_on_the_progress_page_names_the_progress_record(data_dir):
    """Officials record a later count of projects under way and its three tiers: the sentence is about
    their record, not the reply."""
    lines = ["retrofit_projects_under_way,huangshi,2021-12-31,140,=,2021年第四季度调度会,\n"]
    lines += [f"{metric},huangshi,2021-12-31,{value},=,2021年第四季度调度会,\n" for metric, value in TIERS]
    for line in lines:
        _append(data_dir / "progress.csv", line)
    build(data_dir)
    check, zh = _tiers_check("zh")
    assert (check["document_zh"], check["document_en"], check["status"]) == (
        "进展记录",
        "the progress record",
        "consistent",
    )
    assert "与进展记录所述140个一致" in zh and "答复" not in zh
    assert "matching the 140 the progress record states" in _tiers_check("en")[1]
    title = chart_catalog.retrofit_tiers(Reader(), "huangshi", "zh").figure.layout.title.text
    assert title.startswith("三类项目合计140个，与进展记录所述在建项目140个一致（2021年12月31日）")


def test_a_check_of_a_later_documents_figures_names_that_document(data_dir):
    from metrics import report

    _append(data_dir / "sources.csv", LATER_DOCUMENT.replace("2022-12,\n", "2022-12,报告,the report,\n"))
    figures = [("F90", "retrofit_projects_under_way", 145)] + [(f"F9{i}", m, v) for i, (m, v) in enumerate(TIERS, 1)]
    for figure_id, metric, value in figures:
        _append(
            data_dir / "figures.csv",
            f"{figure_id},{metric},huangshi,{value},个,=,2022-06-30,reply_2022_12,二,{value}个,stated,,报告所述{value}个,,,\n",
        )
    build(data_dir)
    check, zh = _tiers_check("zh")
    assert (check["document_zh"], check["status"]) == ("报告", "mismatch")
    assert "合计140个，比报告所述145个少5个" in zh
    assert "5 fewer than the 145 the report states" in _tiers_check("en")[1]
    title = chart_catalog.retrofit_tiers(Reader(), "huangshi", "en").figure.layout.title.text
    assert "the report states" in title and "the reply" not in title
    # The other checks are still about the reply: the overview's summary names no single document.
    reader = Reader()
    points = report.key_points(reader.progress("huangshi"), reader.fetch("all_checks"), reader.region("huangshi"), "zh")
    summary = points[-1]
    assert summary.startswith("可核对的5项数据中有") and "答复中" not in summary
    assert "比报告所述145个少5个" in summary


def test_the_replys_checks_still_say_the_reply(built):
    check, zh = _tiers_check("zh")
    assert check["document_zh"] == "答复" and "比答复所述129个少2个" in zh
    assert "2 fewer than the 129 the reply states" in _tiers_check("en")[1]


@pytest.mark.parametrize(
    ("lang", "opening"),
    [
        ("zh", "答复中5项可核对数据有1项不一致："),
        ("en", "1 of the 5 checkable statements in the reply does not agree: "),
    ],
)
def test_the_checks_summary_counts_one_mismatch_in_the_singular(built, lang, opening):
    from metrics import narrative

    checks = Reader().fetch("all_checks")
    assert narrative.checks_summary(checks.to_dict("records"), lang).startswith(opening)


# ---------- a chart's note on how figures are stated holds for the figures drawn ----------


def _subtitle(chart, lang: str) -> str:
    return chart(Reader(), "huangshi", lang).figure.layout.title.subtitle.text or ""


@pytest.mark.parametrize(
    ("lang", "funding", "benchmarks"),
    [
        ("zh", "答复所述为“超过”，图中数值为下限", "“≥”：答复列名若干并称“等”，即至少所列之数"),
        (
            "en",
            '"More than" (超过) in the reply: values shown are lower bounds',
            '≥: the reply names some and adds 等 ("and others"), so at least the number named',
        ),
    ],
)
def test_the_replys_lower_bounds_and_counted_names_are_noted_as_the_replys(built, lang, funding, benchmarks):
    assert _subtitle(chart_catalog.funding, lang) == funding
    assert _subtitle(chart_catalog.benchmarks, lang) == benchmarks


def test_a_recorded_exact_amount_is_not_called_a_lower_bound_the_reply_states(data_dir):
    """Officials record the city's funding as an exact amount: the chart no longer says every value is a
    lower bound stated by the reply; the county's, still the reply's "more than", is named as one."""
    _append(data_dir / "progress.csv", "funding_city_level,huangshi,2021-12-31,26000000,=,2021年资金拨付表,\n")
    build(data_dir)
    assert _subtitle(chart_catalog.funding, "zh") == "县市区配套资金（拟安排）：答复所述为“超过”，图中为下限"
    # The sentence under the chart is dated by the record; the reply's amount keeps the reply's date.
    assert chart_catalog.funding(Reader(), "huangshi", "zh").finding_words == (
        "截至2021年12月31日，市本级智能化改造资金（拟安排）2,600万元，"
        "县市区配套资金（拟安排）超过5,000万元（2021年7月13日），合计超过7,600万元。"
    )
    assert _subtitle(chart_catalog.funding, "en").endswith(
        "in the reply for county-level funding (planned): shown as lower bounds"
    )


def test_no_lower_bound_note_once_every_amount_drawn_is_exact(data_dir):
    for line in (
        "funding_city_level,huangshi,2021-12-31,26000000,=,2021年资金拨付表,\n",
        "funding_county_level,daye_yangxin_kaifaqu,2021-12-31,61000000,=,2021年资金拨付表,\n",
    ):
        _append(data_dir / "progress.csv", line)
    build(data_dir)
    assert _subtitle(chart_catalog.funding, "zh") == ""
    assert "答复" not in _subtitle(chart_catalog.funding, "en")


def test_names_counted_in_a_later_document_are_noted_as_that_documents(data_dir):
    """A later document lists national pilot enterprises again with 等: the ≥ note and the card's note
    name that document, not the reply."""
    from metrics import report
    from ui import render
    from ui.context import Context

    _append(data_dir / "sources.csv", LATER_DOCUMENT.replace("2022-12,\n", "2022-12,报告,the report,\n"))
    _append(
        data_dir / "figures.csv",
        "F90,national_benchmark_enterprises,huangshi,6,家,>=,2022-06-30,reply_2022_12,二,,counted,,甲、乙、丙、丁、戊、己等企业,,,\n",
    )
    build(data_dir)
    assert _subtitle(chart_catalog.benchmarks, "zh") == "“≥”：报告列名若干并称“等”，即至少所列之数"
    assert _subtitle(chart_catalog.benchmarks, "en").startswith("≥: the report names some")
    reader = Reader()
    (card,) = report.cards(
        reader.progress("huangshi"),
        "zh",
        ["national_benchmark_enterprises"],
        reader.figures("huangshi"),
        reader.fetch("sources"),
    )
    assert (card.counted, card.counted_in) == (True, "报告")
    context = Context(lang="zh", region_id="huangshi", as_of=None)
    assert render._card_notes(card, context) == ["“≥”：报告列名若干并称“等”，即至少所列之数"]


# ---------- names are credited to the document that gives them ----------


def test_the_replys_names_are_said_to_be_the_replys(built):
    from ui import render
    from ui.context import Context

    entities = Reader().fetch("entities_by_role")
    zh, en = (Context(lang=lang, region_id="huangshi", as_of=None) for lang in ("zh", "en"))
    assert render.named_in(entities, "diagnosis_provider", zh) == "答复列名：浙江中控"
    assert render.named_in(entities, "smart_line", en, "retrofit.tier_enterprises").startswith("Named in the reply: ")
    heading, lines = render._entity_lines(entities, ["national_benchmark", "provincial_demo"], zh)
    assert heading == "答复列名的企业与机构"
    assert lines[0] == "- **国家级试点示范**（二（三））：华新水泥、新冶钢、劲牌、三丰智能"


def test_a_name_a_later_document_adds_is_credited_to_that_document(data_dir):
    """A later report names another smart-factory enterprise and a national pilot: the tier's note and the
    named-enterprises list say which document names whom, and no new name is put in the reply's mouth."""
    from ui import render
    from ui.context import Context

    _append(data_dir / "sources.csv", LATER_DOCUMENT.replace("2022-12,\n", "2022-12,报告,the report,\n"))
    for role in ("smart_factory", "national_benchmark"):
        _append(
            data_dir / "entities.csv",
            f"新港智造,Xingang Smart,enterprise,{role},reply_2022_12,huangshi,二,新港智造等\n",
        )
    build(data_dir)
    entities = Reader().fetch("entities_by_role")
    zh, en = (Context(lang=lang, region_id="huangshi", as_of=None) for lang in ("zh", "en"))
    assert render.named_in(entities, "smart_factory", zh, "retrofit.tier_enterprises") == (
        "答复列名：大冶特钢、东贝电器、振华化学、劲牌、华新水泥等；报告列名：新港智造等"
    )
    assert render.named_in(entities, "smart_factory", en, "retrofit.tier_enterprises").endswith(
        "; Named in the report: Xingang Smart, among others"
    )
    heading, lines = render._entity_lines(entities, ["national_benchmark"], zh)
    assert heading == "答复、报告列名的企业与机构"
    assert lines == [
        "- **国家级试点示范**（答复 二（三））：华新水泥、新冶钢、劲牌、三丰智能",
        "- **国家级试点示范**（报告 二）：新港智造",
    ]


# ---------- a briefing from the command line states the files as they are now ----------


def _briefing_text(out: Path) -> str:
    from docx import Document

    document = Document(out / "briefing_huangshi_zh.docx")
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def test_the_command_line_briefing_rebuilds_a_database_older_than_the_files(data_dir, tmp_path, monkeypatch, capsys):
    from metrics import exports
    from metrics.__main__ import main

    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")  # the words only: no pictures needed here
    monkeypatch.setattr(exports, "_server", None)
    build(data_dir)
    targets = data_dir / "targets.csv"
    targets.write_bytes(targets.read_bytes().replace(b",152,", b",160,"))  # edited in Excel, not rebuilt
    main(["briefing", "--out", str(tmp_path), "--format", "docx"])
    words = _briefing_text(tmp_path)
    assert "160家" in words and "152家" not in words

    # A file that does not pass: no briefing, the problem named, the last good database kept.
    before = (data_dir / "dashboard.duckdb").read_bytes()
    targets.write_text("metric_id,period_start,period_end,target\nnope,2021-01-01,2021-12-31,5\n", encoding="utf-8")
    out = tmp_path / "second"
    out.mkdir()
    capsys.readouterr()
    assert main(["briefing", "--out", str(out), "--format", "docx"]) == 1
    err = capsys.readouterr().err
    assert "targets.csv: 第2行" in err and "简报未生成：请先改正上面列出的数据文件问题" in err
    assert not list(out.iterdir())
    assert (data_dir / "dashboard.duckdb").read_bytes() == before


def test_a_briefing_lists_only_the_documents_it_draws_on(data_dir):
    """A county's report on file is not a source of the city's briefing, nor the reply of the county's: the
    deck's and the Word briefing's source lists had named every document on file."""
    from metrics import wordbrief

    _append(data_dir / "sources.csv", LATER_DOCUMENT)
    _append(
        data_dir / "figures.csv",
        "F_daye,retrofit_projects_completed,daye,9,个,=,2022-06-30,reply_2022_12,二,9个,stated,,大冶市已完成9个,,,\n",
    )
    build(data_dir)
    reader = Reader()
    for region, cited, not_cited in (
        ("huangshi", "〔2021〕50号", "〔2022〕12号"),
        ("daye", "〔2022〕12号", "〔2021〕50号"),
    ):
        specs = briefing.chart_specs(reader, region, "zh")
        deck = briefing.build_deck(reader, region, "zh", specs, {}, None)
        listed = " ".join(shape.text_frame.text for shape in deck.slides[-1].shapes if shape.has_text_frame)
        document = wordbrief.build_document(reader, region, "zh", specs, {}, None)
        paragraphs = [paragraph.text for paragraph in document.paragraphs]
        heading = max(i for i, words in enumerate(paragraphs) if words.endswith("数据来源") and len(words) < 10)
        sources_part = " ".join(paragraphs[heading:])
        for text in (listed, sources_part):
            assert cited in text and not_cited not in text, (region, text)
