"""Row heights for wrapped text, computed by hand: a CJK character is 2.1 width units (with the margin for wider
fonts), a cell's padding 0.8 units, a line 1.4 × the font size, plus 3 points."""

from __future__ import annotations

from xl_tools.core.text_fit import lines_needed, row_height, text_units


def test_a_header_label_in_a_narrow_column() -> None:
    # 全年执行数: 5 × 2.1 = 10.5 units in a column of 7 (6.2 usable): 2 lines of 14 pt, + 3 = 31 pt
    assert text_units("全年执行数") == 10.5
    assert lines_needed("全年执行数", 7) == 2
    assert row_height([("全年执行数", 7, 1)]) == 31.0
    # 得分系数（%）: 6 wide + 1 narrow = 13.7 units: 3 lines in 6.2
    assert lines_needed("得分系数（%）", 7) == 3


def test_one_line_keeps_the_default_height_and_line_breaks_count() -> None:
    assert row_height([("优", 7, 1), ("100.00", 9, 1)]) is None
    assert lines_needed("项目资金\n（万元）", 11) == 2  # 8.4 units each side of the break, 10.2 usable: 1 line each
    # a cell spanning 5 rows shares its lines among them: 2 lines of 14 pt over 5 rows is one line each
    assert row_height([("项目资金\n（万元）", 11, 5)]) is None


def test_a_long_name_in_a_wide_column_and_a_larger_font() -> None:
    name = "医疗服务与保障能力提升补助资金项目"  # 17 characters: 35.7 units in 29.2 usable: 2 lines
    assert lines_needed(name, 30) == 2
    assert row_height([(name, 30, 1)], font_points=12) == 2 * 16.8 + 3
