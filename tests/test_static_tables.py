"""Tables: a static table (ui.render.static_table_html) keeps a short Chinese cell whole on a phone's narrow
column, and every cell is still escaped text; a grid's (render.table) short columns are as wide as their
longest cell."""

from __future__ import annotations

import pandas as pd

from ui import render
from ui.render import static_table_html


def test_short_chinese_cells_are_kept_whole_and_long_ones_and_english_wrap_as_before():
    frame = pd.DataFrame(
        {
            "时间": ["2021年10月", "2018年"],
            "活动": ["首届中国（黄石）工业互联网创新发展大会", "October 2021"],
            "章节": ["一（二）", "1(2) 一（二）"],
        }
    )
    table = static_table_html(frame)
    assert '<span class="hs-whole">一（二）</span>' in table
    # a date may break after its year, nowhere else; a space stays a place to break
    assert '<span class="hs-whole">2021年</span><span class="hs-whole">10月</span>' in table
    assert '<span class="hs-whole">1(2)</span> <span class="hs-whole">一（二）</span>' in table
    assert "<div>首届中国（黄石）工业互联网创新发展大会</div>" in table  # long: wraps in its column
    assert "<div>October 2021</div>" in table  # English breaks only at spaces anyway


def test_a_short_cell_is_still_escaped_text():
    table = static_table_html(pd.DataFrame({"地点": ["<b>黄石</b>"]}))
    assert "<b>" not in table and '<span class="hs-whole">&lt;b&gt;黄石&lt;/b&gt;</span>' in table


def test_a_short_column_is_as_wide_as_its_longest_cell_and_a_long_one_is_left_to_the_grid():
    """The grid sized a column on the rows it measured first and cut a later value ("至少2家" as "至少2")."""
    frame = pd.DataFrame(
        {
            "数值": ["12个", "3个", "至少2家", None],
            "原文": ["在全国范围公开遴选了浙江中控等7家智能化改造诊断服务机构", "", "", ""],
            "Value": ["12 projects", "more than 40 enterprises", "", ""],
        }
    )
    widths = render.short_column_widths(frame)
    assert "原文" not in widths
    # 至少2家 in the grid's 14 px type: three characters and a digit, with the cell's 8 px padding each side.
    assert widths["数值"] >= 3 * 14 + 8 + 2 * 8
    assert widths["Value"] > widths["数值"]  # "more than 40 enterprises" is wider still


def test_the_sources_grid_gives_its_value_column_a_width_that_holds_every_value(built):
    """On the page: the Sources table's 数值 column is sized to "至少2家", its longest value in the reply."""
    import json

    from tests.apptest_support import open_page

    app = open_page("sources")
    columns = json.loads(app.dataframe[0].proto.columns)
    longest = max(app.dataframe[0].value["数值"], key=render.display_width)
    assert longest == "超过2,000万元"
    assert columns["数值"]["width"] >= render.display_width(longest) * render.GRID_CHARACTER_PX
    assert "原文" not in columns or "width" not in columns["原文"]
