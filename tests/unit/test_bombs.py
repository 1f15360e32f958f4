"""The reading guard's measures on sheet XML held in memory, and the memory-limit structure (the bombs
themselves: tests/integration/test_bombs.py)."""

from __future__ import annotations

import sys

import pytest

from xl_tools.adapters.memory_limit import job_limit_information
from xl_tools.core.errors import WorkbookReadError
from xl_tools.reading.grid import CellRange, Grid
from xl_tools.reading.package_guard import sheet_shape

from tests.helpers.bombs import MAIN


@pytest.mark.skipif(sys.maxsize < 2**32, reason="the 64-bit layout")
def test_windows_job_limit_structure_has_the_documented_layout() -> None:
    """JOBOBJECT_EXTENDED_LIMIT_INFORMATION is 144 bytes on 64-bit Windows; ProcessMemoryLimit at offset 112."""
    import ctypes

    info = job_limit_information(2**31)
    assert ctypes.sizeof(info) == 144
    assert type(info).ProcessMemoryLimit.offset == 112 and info.ProcessMemoryLimit == 2**31
    assert info.BasicLimitInformation.LimitFlags == 0x100


SHEET = ('<worksheet xmlns="' + MAIN + '"><sheetData>{rows}</sheetData>{merges}</worksheet>')


@pytest.mark.parametrize("rows, expected", [
    ('<row r="2"><c r="B2"><v>1</v></c><c r="K7"><v>1</v></c></row>', (7, 11, 2)),
    ('<row r="3"><c><v>1</v></c><c><v>1</v></c></row><row><c/></row>', (4, 2, 3)),  # addresses counted
    ("<row r='5'><c r='c9'><v>1</v></c></row>", (9, 3, 1)),                          # quotes, lower case
    ('<row r="1"><c r = "AA3"><v>1</v></c><c><v>2</v></c></row>', (3, 28, 2)),        # after an address
    ('<x:row xmlns:x="' + MAIN + '" r="4"><x:c r="D4"/></x:row><row r="2"><c r="A2"/></row>', (4, 4, 2)),
    ('<row r="1"><c r="A1"><is><t>x</t></is></c></row><row><c/><c r="C2"/><c/></row>', (2, 4, 4)),
])
def test_the_used_range_is_read_as_calamine_and_openpyxl_read_it(rows: str, expected: tuple[int, int, int]) -> None:
    from lxml import etree

    shape = sheet_shape(etree.fromstring(SHEET.format(rows=rows, merges="")), "p.xlsx")
    assert (shape.rows, shape.cols, shape.cells) == expected


def test_the_plain_layout_shortcut_and_the_walk_agree() -> None:
    """The XPath shortcut for <row><c r=…> and the element walk for everything else give the same shape."""
    from hypothesis import given, settings, strategies as st
    from lxml import etree

    from xl_tools.reading.grid import cell_address
    from xl_tools.reading.package_guard import _Walker

    cells = st.lists(st.tuples(st.integers(1, 3000), st.integers(1, 700)), min_size=0, max_size=40)

    @settings(max_examples=200, deadline=None)
    @given(cells)
    def check(positions: list[tuple[int, int]]) -> None:
        body = "".join(f'<row r="{r}"><c r="{cell_address(r, c)}"><v>1</v></c></row>' for r, c in positions)
        root = etree.fromstring(SHEET.format(rows=body, merges='<mergeCells><mergeCell ref="A1:B2"/></mergeCells>'))
        walker = _Walker("p.xlsx")
        for kind, el in etree.iterwalk(root, events=("start", "end")):
            walker.event(kind, el)
        fast = sheet_shape(root, "p.xlsx")
        assert (fast.rows, fast.cols, fast.cells, fast.merges) == (
            walker.shape.rows, walker.shape.cols, walker.shape.cells, walker.shape.merges)
        assert (fast.rows, fast.cols) == (max((r for r, _ in positions), default=0),
                                          max((c for _, c in positions), default=0))

    check()


@pytest.mark.parametrize("ref", ["A-1", "Ａ1", "A 1", "A1&#x2F;"])
def test_an_address_calamine_would_not_parse_is_refused_not_guessed(ref: str) -> None:
    from lxml import etree

    with pytest.raises(WorkbookReadError, match="单元格地址"):
        sheet_shape(etree.fromstring(SHEET.format(rows=f'<row r="1"><c r="{ref}"/></row>', merges="")), "p.xlsx")


def test_merges_of_a_form_still_read_through_their_anchor() -> None:
    g = Grid("s", values={(2, 2): "产出指标（50分）", (9, 1): "x"}, merged=[CellRange(2, 2, 6, 2)])
    assert [g.value(r, 2) for r in range(1, 8)] == [None] + ["产出指标（50分）"] * 5 + [None]
