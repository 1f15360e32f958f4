"""The default reader (calamine's values plus formats, formulas, hidden rows, names and errors from the XML)
gives the same grid as the openpyxl reader, on every bundled workbook and on files built to be awkward."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

from xl_tools.jobs.evaluation import read_book
from xl_tools.reading.grid import WorkbookGrid

from tests.helpers.packages import rewrite_part
from tests.helpers.paths import REPO

BUNDLED = sorted((REPO / "workbooks").glob("*.xlsx")) + sorted((REPO / "templates").glob("*.xlsx"))


def assert_same_grids(full: WorkbookGrid, fast: WorkbookGrid, *, names: bool = True) -> None:
    assert (full.backend, fast.backend) == ("openpyxl", "fast")
    assert [g.name for g in fast.sheets] == [g.name for g in full.sheets]
    for a, b in zip(full.sheets, fast.sheets):
        for attr in ("values", "formats", "formulas", "hidden", "hidden_rows") + (("names",) if names else ()):
            assert getattr(b, attr) == getattr(a, attr), (a.name, attr)
        assert sorted(b.merged, key=str) == sorted(a.merged, key=str), a.name


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_workbooks_read_the_same(path: Path) -> None:
    assert_same_grids(read_book(path, "openpyxl"), read_book(path))


def awkward_book(path: Path) -> Path:
    """Data from C6 (not A1), a percent and a custom format, an error value, a formula, a hidden row, a name
    scoped to a sheet whose title needs quoting, a global name, a print area (Excel's own, left out)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "O'Brien 表"
    ws["C6"], ws["D6"] = "满意度", 0.95
    ws["D6"].number_format = "0%"
    ws["D7"] = 1234.5
    ws["D7"].number_format = '#,##0.00"万元"'
    ws["D8"] = "=1/0"
    ws["D9"] = "#DIV/0!"  # openpyxl stores a text that looks like an error as an error cell
    ws["C10"] = "隐藏"
    ws.row_dimensions[10].hidden = True
    ws.merge_cells("C12:E13")
    ws["C12"] = "合并"
    ws.defined_names["XL_NAME"] = DefinedName("XL_NAME", attr_text="'O''Brien 表'!$D$6")
    wb.defined_names["GLOBAL"] = DefinedName("GLOBAL", attr_text="'O''Brien 表'!$C$6:$D$7")
    ws.print_area = "C6:E13"
    other = wb.create_sheet("二")
    other["A1"] = 1
    other.sheet_state = "hidden"
    plain = path.with_name("plain.xlsx")
    wb.save(plain)
    # Excel caches a result for every formula; openpyxl writes none: put #DIV/0! there as Excel would
    return rewrite_part(plain, path, "xl/worksheets/sheet1.xml", rb'<c r="D8"([^>]*)><f>1/0</f>(<v\s*/>|<v></v>)',
                        rb'<c r="D8"\1 t="e"><f>1/0</f><v>#DIV/0!</v>')


def test_awkward_book_reads_the_same(tmp_path: Path) -> None:
    path = awkward_book(tmp_path / "a.xlsx")
    full, fast = read_book(path, "openpyxl"), read_book(path)
    # openpyxl (3.1) does not resolve a name into a sheet whose title has an apostrophe ('O''Brien 表'!$D$6)
    assert full.sheets[0].names == {}
    assert_same_grids(full, fast, names=False)
    grid = fast.sheets[0]
    # hand-checked against the file built above, so a shared mistake of both readers fails too
    assert (grid.value(6, 3), grid.number_format(6, 4), grid.number_format(7, 4)) == ("满意度", "0%", '#,##0.00"万元"')
    assert (grid.value(8, 4), grid.is_formula(8, 4), grid.value(9, 4)) == ("#DIV/0!", True, "#DIV/0!")
    assert grid.hidden_rows == {10}
    assert {k: (r.min_row, r.min_col, r.max_row, r.max_col) for k, r in grid.names.items()} == {
        "XL_NAME": (6, 4, 6, 4), "GLOBAL": (6, 3, 7, 4)}  # the print area is Excel's own name, left out
    assert fast.sheets[1].hidden


def test_rows_and_cells_without_addresses(tmp_path: Path) -> None:
    """The r attributes are optional: cells then follow one another, rows too (some generators write so)."""
    plain = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"], ws["A2"], ws["B2"] = "指标", 0.5, "合计", "=1+1"
    ws["B1"].number_format = "0%"
    ws.row_dimensions[2].hidden = True
    wb.save(plain)
    bare = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(bare, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'(<(?:c|row)) r="[A-Z]*\d+"', rb"\1", data)
                assert b' r="' not in data.split(b"<sheetData>")[1]
            dst.writestr(info, data)
    fast = read_book(bare).sheets[0]
    assert fast.values == {(1, 1): "指标", (1, 2): 0.5, (2, 1): "合计"}  # no cached value for the formula
    assert (fast.number_format(1, 2), fast.formulas, fast.hidden_rows) == ("0%", {(2, 2)}, {2})


def test_bare_calamine_places_a_sheet_that_does_not_start_at_a1(tmp_path: Path) -> None:
    """calamine reports rows from the first used cell; the bare backend used to ignore that offset and
    read C6 as A1 (found when the default reader moved onto calamine)."""
    path = awkward_book(tmp_path / "a.xlsx")
    bare = read_book(path, "calamine").sheets[0]
    full = read_book(path, "openpyxl").sheets[0]
    errors = {rc for rc, v in full.values.items() if isinstance(v, str) and v.startswith("#")}
    assert bare.values == {rc: v for rc, v in full.values.items() if rc not in errors}  # errors: calamine's loss
    assert bare.value(6, 3) == "满意度"


def test_details_from_the_guards_cells_equal_the_searched_ones() -> None:
    """The fast reader takes formats, formulas, errors and hidden rows from the cells the guard already found;
    on every bundled workbook that gives exactly what its own search of the tree gives."""
    import zipfile

    from lxml import etree

    from xl_tools.reading.fast_backend import sheet_details
    from xl_tools.reading.ooxml import sheet_parts
    from xl_tools.reading.package_guard import sheet_shape

    books = sorted((REPO / "workbooks").glob("*.xlsx")) + sorted((REPO / "templates").glob("*.xls[xm]"))
    compared = 0
    for path in books:
        with zipfile.ZipFile(path) as zf:
            for _, part in sheet_parts(zf):
                root = etree.fromstring(zf.read(part))
                shape = sheet_shape(root, path.name)
                assert shape.elements is not None
                searched, found = sheet_details(root), sheet_details(root, shape)
                assert (found.styles, found.formulas, found.errors, found.hidden_rows) == (
                    searched.styles, searched.formulas, searched.errors, searched.hidden_rows), (path.name, part)
                compared += bool(searched.styles or searched.formulas)
    assert compared >= 20
