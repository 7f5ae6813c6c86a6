"""Static tables (ui.render.static_table_html): a short Chinese cell is kept whole on a phone's narrow
column, and every cell is still escaped text."""

from __future__ import annotations

import pandas as pd

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
