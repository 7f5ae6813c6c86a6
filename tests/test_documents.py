"""Every figure and event names the document it comes from, and a chart cites only the documents that
state what it draws: a later document on file must not lend its name or date to the reply's events."""

from __future__ import annotations

from pathlib import Path

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


@pytest.mark.parametrize(("name", "row_id"), [("figures.csv", "F02"), ("events.csv", "conference_2019")])
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
