"""A toolkit sheet's cells shown as Excel shows them under the toolkit's number formats (the report's 表11)."""

from __future__ import annotations

import pytest

from xl_tools.core.sheets.spec import AMOUNT, PERCENT, SCORE, Cell, shown


@pytest.mark.parametrize("cell, text", [
    (Cell(1546.425, number_format=AMOUNT), "1,546.43"),  # half up, as Excel rounds what it shows
    (Cell(2004, number_format=AMOUNT), "2,004.00"),
    (Cell(0.98765, number_format=PERCENT), "98.77%"),  # 0.98765 × 100 = 98.765 → 98.77
    (Cell(95, number_format=SCORE), "95.00"),
    (Cell("优"), "优"),
    (Cell(None, number_format=AMOUNT), "—"),
    (None, "—"),
])
def test_a_cell_is_shown_as_its_number_format_shows_it(cell: Cell | None, text: str) -> None:
    assert shown(cell) == text
