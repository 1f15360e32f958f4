"""A sheet description (``core.sheets``) written into a file: with openpyxl into a workbook being built, grafted
into a user's workbook through the package editor, or streamed when it is too long to hold."""

from __future__ import annotations

import dataclasses
from copy import copy
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ..core.addresses import cell_address
from ..core.cell_write import CellWrite
from ..core.sheets.spec import BORDERED, Cell, Chart, Sheet, Validation
from .style import (BODY_FONT, BORDER, CENTER, FONT, HEADER_FONT, LEFT, STYLE_FILLS, TITLE_FONT, print_setup,
                    set_value, widths)

LINK_FONT = Font(name=FONT, size=10, color="0563C1", underline="single")
_FONTS = {"title": TITLE_FONT, "header": HEADER_FONT, "link": LINK_FONT}
_ALIGNMENTS = {"title": None, "plain": None, "header": CENTER, "body": CENTER}


def _look(style: str) -> tuple[Font, PatternFill, Alignment | None, Border]:
    """What a named style of ``core.sheets.spec`` looks like in a file: font, fill, alignment, border."""
    return (_FONTS.get(style, BODY_FONT), STYLE_FILLS.get(style, PatternFill()), _ALIGNMENTS.get(style, LEFT),
            BORDER if style in BORDERED else Border())


def _replace(wb: Workbook, title: str) -> Worksheet:
    index = None
    if title in wb.sheetnames:
        index = wb.sheetnames.index(title)
        wb.remove(wb[title])
    return wb.create_sheet(title, index)


def add_sheet(wb: Workbook, sheet: Sheet) -> Worksheet:
    """The sheet in ``wb`` (replacing one of that title where it is); a formula cell gets its formula, which
    openpyxl stores without the cached value (``put_into_package`` adds it)."""
    ws = _replace(wb, sheet.title)
    widths(ws, sheet.widths)
    for r, cells in enumerate(sheet.all_rows(), start=1):
        for c, cell in enumerate(cells, start=1):
            if cell is not None:
                _put(ws, r, c, cell)
    for ref in sheet.merges:
        _merge(ws, ref)
    for r, height in sheet.row_heights().items():
        ws.row_dimensions[r].height = height
    _sheet_settings(ws, sheet)
    if sheet.chart is not None:
        _chart(ws, sheet.chart)
    for validation in sheet.validations:
        _validate(ws, validation)
    if sheet.protected:
        ws.protection.sheet = True  # no password: it keeps rows and labels from being changed by accident
        ws.protection.formatColumns = False  # widening a column is fine
    return ws


def _put(ws: Worksheet, r: int, c: int, cell: Cell) -> None:
    target = ws.cell(r, c)
    if cell.formula is not None:
        target.value = "=" + cell.formula
    else:
        set_value(target, cell.value)
    font, fill, align, border = _look(cell.style)
    target.font, target.fill, target.border = font, fill, border
    if align is not None:
        target.alignment = align
    if cell.number_format:
        target.number_format = cell.number_format
    if cell.style == "input":
        target.protection = Protection(locked=False)
    if cell.link is not None:  # a location, not a relationship: it survives being grafted
        target.hyperlink = Hyperlink(ref=target.coordinate, location=cell.link)


def _merge(ws: Worksheet, ref: str) -> None:
    """Merge, the merged cells taking the first cell's border and fill (as a merged form cell prints)."""
    first = ws[ref.split(":")[0]]
    border, fill = copy(first.border), copy(first.fill)
    ws.merge_cells(ref)
    for row in ws[ref]:
        for cell in row:
            if cell.coordinate != first.coordinate:
                cell.border, cell.fill = border, fill


def _sheet_settings(ws: Any, sheet: Sheet) -> None:
    if sheet.hidden:
        ws.sheet_state = "hidden"
    if sheet.freeze:
        ws.freeze_panes = sheet.freeze
    if sheet.auto_filter:
        ws.auto_filter.ref = sheet.auto_filter
    print_setup(ws, landscape=sheet.landscape, title_rows=sheet.print_titles)


def _chart(ws: Worksheet, chart: Chart) -> None:
    """A native Excel bar chart, horizontal so that long project names stay readable."""
    from openpyxl.chart import BarChart, Reference

    bars = BarChart()
    bars.type = "bar"
    bars.title = chart.title
    bars.y_axis.title = chart.axis_title
    bars.y_axis.scaling.min = 0
    bars.legend = None
    bars.add_data(Reference(ws, min_col=chart.values_column, min_row=chart.first_row - 1, max_row=chart.last_row),
                  titles_from_data=True)
    bars.set_categories(Reference(ws, min_col=chart.categories_column, min_row=chart.first_row,
                                  max_row=chart.last_row))
    bars.height, bars.width = chart.height_cm, chart.width_cm
    bars.x_axis.scaling.orientation = "maxMin"  # categories top-down, in the table's order
    bars.x_axis.tickLblSkip = 1  # every project named, none skipped
    bars.x_axis.delete = bars.y_axis.delete = False  # written out: without <c:delete val="0"/> Excel may hide axes
    ws.add_chart(bars, chart.anchor)
    ws.row_breaks.append(Break(id=chart.anchor_row - 1))  # the chart starts a page: never split under the table


def _validate(ws: Worksheet, validation: Validation) -> None:
    rule = (dict(type="decimal", operator="greaterThanOrEqual", formula1="0") if validation.kind == "amount"
            else dict(type="textLength", operator="lessThanOrEqual", formula1="500"))
    dv = DataValidation(**rule, allow_blank=True, showErrorMessage=True, errorTitle=validation.title,
                        error=validation.message)
    ws.add_data_validation(dv)
    for ref in validation.cells:
        dv.add(ref)


def workbook_of(sheets: Iterable[Sheet]) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        add_sheet(wb, sheet)
    return wb


def write_file(sheets: Sequence[Sheet], out: Path) -> Path:
    """A new workbook of these sheets, saved atomically with a stable timestamp."""
    from .save import save_stable

    return save_stable(workbook_of(sheets), out)


def put_into_package(pkg: Any, sheet: Sheet) -> None:
    """The sheet grafted into a user's workbook (``workbook.package``), formulas with their cached values; its
    ``plain_rows`` (a change log's thousands) written in one pass."""
    from .scratch import scratch_book

    rows = list(sheet.rows)
    values_only = [[c if c is None or c.formula is None else dataclasses.replace(c, formula=None) for c in r]
                   for r in rows]  # the formulas follow through set_cells, with their cached values
    shown = dataclasses.replace(sheet, rows=values_only, plain_rows=(), hidden=False)  # hidden in the package
    pkg.put_sheet(sheet.title, scratch_book(lambda wb: add_sheet(wb, shown)), rows_below=sheet.plain_rows)
    pkg.set_hidden(sheet.title, sheet.hidden)
    formulas = {cell_address(r, c): CellWrite(cell.value, cell.formula)
                for r, cells in enumerate(rows, start=1) for c, cell in enumerate(cells, start=1)
                if cell is not None and cell.formula is not None}
    if formulas:
        pkg.set_cells(sheet.title, formulas)


def write_streamed(sheets: Sequence[Sheet], out: Path) -> Path:
    """Sheets written row by row in openpyxl's write-only mode, one shared named style per look: a province's
    hundreds of thousands of findings would otherwise be held as styled cell objects."""
    from .save import save_stable

    wb = Workbook(write_only=True)
    looks: dict[tuple[str, str | None], NamedStyle] = {}
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        widths(ws, sheet.widths)
        _sheet_settings(ws, sheet)
        for cells in sheet.all_rows():
            ws.append([None if c is None else _streamed(ws, c, looks) for c in cells])
    return save_stable(wb, out)


def _streamed(ws: Any, cell: Cell, looks: dict[tuple[str, str | None], NamedStyle]) -> WriteOnlyCell:
    key = (cell.style, cell.number_format)
    if key not in looks:
        font, fill, align, border = _look(cell.style)
        looks[key] = NamedStyle(name=f"xl_tools {cell.style} {cell.number_format or ''}".strip(), font=font,
                                fill=fill, alignment=align or Alignment(), border=border,
                                number_format=cell.number_format or "General")
    out = WriteOnlyCell(ws)
    out.style = looks[key]  # first: setting a named style resets the quotePrefix a formula-like text needs
    set_value(out, cell.value)
    return out
