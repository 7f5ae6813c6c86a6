from __future__ import annotations

import pytest

from metrics.numbers import (
    NumberFormatError,
    chinese_ordinal,
    format_percent,
    format_value,
    parse_chinese_integer,
    parse_qualifier,
    parse_quantity,
    unit_matches,
)


@pytest.mark.parametrize(
    ("written", "value", "qualifier", "unit"),
    [
        ("153家", 153, "=", "家"),
        ("40亿元", 4_000_000_000, "=", "元"),
        ("2000万元", 20_000_000, "=", "元"),
        ("超过2000万元", 20_000_000, ">=", "元"),
        ("2,000", 2000, "=", ""),
        ("20,000,000", 20_000_000, "=", ""),
        ("２０００万元", 20_000_000, "=", "元"),
        ("１５２", 152, "=", ""),
        ("66%", 66, "=", "%"),
        ("６６％", 66, "=", "%"),
        ("500以上", 500, ">=", ""),
        ("500家以上", 500, ">=", "家"),
        ("40多家", 40, ">=", "家"),
        ("200多名", 200, ">=", "名"),
        ("1万人次", 10_000, "=", "人次"),
        ("约40亿", 4_000_000_000, "~", ""),
        ("两家", 2, "=", "家"),
        ("第一场", 1, "=", "场"),
        ("一次", 1, "=", "次"),
        ("四个", 4, "=", "个"),
        ("三大", 3, "=", ""),
        ("3大", 3, "=", ""),
        ("一百五十二", 152, "=", ""),
        ("0.5", 0.5, "=", ""),
        ("-5", -5, "=", ""),
    ],
)
def test_parses_numbers_as_written(written, value, qualifier, unit):
    quantity = parse_quantity(written)
    assert (quantity.value, quantity.qualifier, quantity.unit) == (value, qualifier, unit)


@pytest.mark.parametrize("written", ["", "待定", "N/A", "—", "1,5", "10%%", "2021-01-01", "abc", "12,34,5"])
def test_refuses_text_that_is_not_a_number(written):
    with pytest.raises(NumberFormatError):
        parse_quantity(written)


@pytest.mark.parametrize(
    ("written", "expected"),
    [("", "="), ("=", "="), ("以上", ">="), ("≥", ">="), ("超过", ">="), ("At least", ">="), ("约", "~"), ("~", "~")],
)
def test_reads_qualifier_words(written, expected):
    assert parse_qualifier(written) == expected


def test_unknown_qualifier_is_refused():
    with pytest.raises(ValueError):
        parse_qualifier("大概")


def test_units_of_the_same_kind_match():
    assert unit_matches("家", "家") and unit_matches("", "家") and unit_matches("个", "项")
    assert not unit_matches("元", "家") and not unit_matches("%", "个")


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "lang", "style", "expected"),
    [
        (20_000_000, "元", "=", "zh", "compact", "2,000万元"),
        (4_000_000_000, "元", "=", "zh", "compact", "40亿元"),
        (153, "家", "=", "zh", "compact", "153家"),
        (66, "%", "=", "zh", "compact", "66%"),
        (20_000_000, "元", ">=", "zh", "compact", "≥2,000万元"),
        (20_000_000, "元", ">=", "zh", "words", "超过2,000万元"),
        (50_000_000, "元", ">=", "en", "words", "more than ¥50 million"),
        (4_000_000_000, "元", "=", "en", "compact", "¥4 billion"),
        (10_000, "人次", ">=", "zh", "compact", "≥1万人次"),
        (12_345, "家", "=", "zh", "compact", "1.23万家"),
        (None, "家", "=", "zh", "compact", "—"),
    ],
)
def test_formats_numbers_in_chinese_style(value, unit, qualifier, lang, style, expected):
    assert format_value(value, unit, qualifier, lang, style=style) == expected


def test_english_counts_carry_their_unit_word():
    assert format_value(153, "家", "=", "en", "enterprises") == "153 enterprises"


def test_percent_format():
    assert format_percent(30.6) == "30.6%" and format_percent(66.0) == "66%" and format_percent(None) == "—"


@pytest.mark.parametrize(
    ("number", "words"),
    [(1, "一"), (10, "十"), (11, "十一"), (12, "十二"), (20, "二十"), (21, "二十一"), (99, "九十九")],
)
def test_section_numbers_past_ten_read_as_chinese_write_them(number, words):
    assert chinese_ordinal(number) == words
    assert parse_chinese_integer(words) == number


def test_the_percent_of_a_lower_bound_is_one_too():
    """超过2,000万元 of 1亿元 is at least 20%, on a card ('≥20%') and in a sentence ('20%以上')."""
    assert format_percent(20.0, qualifier=">=") == "≥20%"
    assert format_percent(20.0, qualifier=">=", lang="zh", style="words") == "20%以上"
    assert format_percent(20.0, qualifier=">=", lang="en", style="words") == "more than 20%"
    assert format_percent(20.0, qualifier="~", lang="zh", style="words") == "约20%"
    assert format_percent(20.0, qualifier="=") == format_percent(20.0) == "20%"
