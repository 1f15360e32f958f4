"""Fill ``Grid``s from an .xls (Excel 97-2003) file with xlrd.

Units still save forms as .xls in WPS.  With ``formatting_info`` xlrd sees
number formats (a 95% stored as 0.95 stays a percentage), merged ranges,
hidden rows and sheets, and defined names; it cannot tell a formula's cached
value from a typed one, so ``formulas`` is None (unknown).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.errors import WorkbookReadError
from .grid import CellRange, Grid, WorkbookGrid
from .limits import check_merged, check_used_range


def read_workbook(path: str | Path, data: bytes | None = None) -> WorkbookGrid:
    """Read every sheet of an .xls file (or of its decrypted ``data``); never writes to it."""
    import xlrd

    path = Path(path)
    book = None
    try:
        book = xlrd.open_workbook(str(path) if data is None else None, file_contents=data,
                                  formatting_info=True, on_demand=True)
        return WorkbookGrid(path=str(path), sheets=_grids(book, path.name), backend="xlrd")
    except WorkbookReadError:
        raise
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct.error… on damaged files
        raise WorkbookReadError(
            f"{path.name} 是 .xls 工作簿，但已损坏或格式不正确，无法读取（{type(exc).__name__}）") from exc
    finally:
        if book is not None:
            book.release_resources()


def _grids(book: Any, file_name: str) -> list[Grid]:
    """One sheet parsed at a time and released, each refused before conversion if too large."""
    names = _names_by_sheet(book)
    grids = []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        check_used_range(file_name, sheet.name, sheet.nrows, sheet.ncols)
        merged = [CellRange(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in sheet.merged_cells]
        check_merged(file_name, sheet.name, merged)
        grids.append(_grid(book, sheet, names.get(index, {}), merged))
        book.unload_sheet(index)
    return grids


def _grid(book: Any, sheet: Any, names: dict[str, CellRange], merged: list[CellRange]) -> Grid:
    import xlrd

    values: dict[tuple[int, int], Any] = {}
    formats: dict[tuple[int, int], str] = {}
    for r in range(sheet.nrows):
        for c in range(sheet.ncols):
            cell = sheet.cell(r, c)
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            values[(r + 1, c + 1)] = _value(cell, book.datemode)
            fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key)
            if cell.ctype in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE) and fmt and fmt.format_str != "General":
                formats[(r + 1, c + 1)] = fmt.format_str
    return Grid(name=sheet.name, values=values, formats=formats, formulas=None, merged=merged,
                hidden=sheet.visibility != 0,
                hidden_rows={r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden},
                names=names)


def _value(cell: Any, datemode: int) -> Any:
    """The cell's value as openpyxl would give it: whole numbers as int, dates as datetime, errors as text."""
    import xlrd

    if cell.ctype == xlrd.XL_CELL_NUMBER:
        value = cell.value
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value  # a negative or huge serial in a date format: keep the number
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#N/A")
    return cell.value


def _names_by_sheet(book: Any) -> dict[int, dict[str, CellRange]]:
    """User-defined names that point at one rectangle of one sheet (built-in print areas left out)."""
    from xlrd.formula import oREF

    result: dict[int, dict[str, CellRange]] = {}
    for name in book.name_obj_list:
        builtin = name.builtin or name.name.startswith("_xlnm.")  # LibreOffice writes print titles both ways
        if builtin or name.macro or name.result is None or name.result.kind != oREF:
            continue
        refs = name.result.value
        if len(refs) != 1:
            continue
        sheet_lo, sheet_hi, row_lo, row_hi, col_lo, col_hi = refs[0].coords
        if sheet_hi - sheet_lo == 1 and row_hi > row_lo and col_hi > col_lo:
            result.setdefault(sheet_lo, {})[name.name] = CellRange(row_lo + 1, col_lo + 1, row_hi, col_hi)
    return result

