"""Fill ``Grid``s from a workbook open in Excel, through xlwings, one bulk read per sheet.

Behind a ribbon button the workbook may be unsaved, so it is read from Excel,
not from the file: each sheet's values from A1 to the end of its used range in
one call.  What else Excel can tell depends on the engine: with COM (Excel on
Windows) the formulas come in one call per sheet and number formats, merged
areas and hidden rows are asked for only where the core needs them; xlwings'
remote interpreter (``xw.Book(json=...)``, what the tests drive on Linux) sends
values and defined names only, so formats, formulas and merges are left
``None`` (unknown) exactly like the bare calamine backend.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .grid import CellRange, Grid, WorkbookGrid, position


def read_book(book: Any) -> WorkbookGrid:
    """``book`` is an ``xlwings.Book``; nothing is written to it."""
    names = _names(book)
    grids = []
    for sheet in book.sheets:
        values = _values(sheet)
        formulas = _formulas(sheet, values)
        grids.append(Grid(
            name=sheet.name, values=values, formats=_formats(sheet, values), formulas=formulas,
            merged=_merges(sheet, values) or [], hidden=not _visible(sheet), names=names.get(sheet.name, {}),
            empty_formats=False))
    return WorkbookGrid(path=book.name, sheets=grids, backend="xlwings")


def _values(sheet: Any) -> dict[tuple[int, int], Any]:
    used = sheet.used_range
    last_row, last_col = used.last_cell.row, used.last_cell.column
    rows = sheet.range((1, 1), (last_row, last_col)).options(ndim=2).value or []
    values = {}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None and value != "":
                values[(r, c)] = _plain(value)
    return values


def _plain(value: Any) -> Any:
    """Whole floats back to int, as the file readers give them (Excel hands every number over as a float)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _formulas(sheet: Any, values: dict[tuple[int, int], Any]) -> set[tuple[int, int]] | None:
    if not values:
        return set()
    try:
        rows = sheet.range((1, 1), _corner(values)).options(ndim=2).formula
    except NotImplementedError:  # the remote interpreter cannot read formulas synchronously
        return None
    return {(r, c) for r, row in enumerate(rows, start=1) for c, text in enumerate(row, start=1)
            if isinstance(text, str) and text.startswith("=")}


def _formats(sheet: Any, values: dict[tuple[int, int], Any]) -> dict[tuple[int, int], str] | None:
    """Number formats of the numeric cells (``Grid.formats``): a 0.95 is 95 % in a percent cell."""
    formats: dict[tuple[int, int], str] = {}
    for (r, c), value in values.items():
        if not isinstance(value, (int, float, dt.datetime)) or isinstance(value, bool):
            continue
        try:
            fmt = sheet.range((r, c)).number_format or "General"
        except NotImplementedError:
            return None
        if fmt != "General":
            formats[(r, c)] = fmt
    return formats


def _merges(sheet: Any, values: dict[tuple[int, int], Any]) -> list[CellRange] | None:
    """Merged areas of the cells holding a value (a merge's value sits in its top-left cell)."""
    found = []
    for r, c in values:
        try:
            area = sheet.range((r, c)).merge_area
        except NotImplementedError:
            return None
        if area.count > 1:
            found.append(CellRange(area.row, area.column, area.last_cell.row, area.last_cell.column))
    return found


def _visible(sheet: Any) -> bool:
    try:
        return bool(sheet.visible)
    except (NotImplementedError, KeyError):  # the VBA client of the remote interpreter does not send it
        return True


def _corner(values: dict[tuple[int, int], Any]) -> tuple[int, int]:
    return max(r for r, _ in values), max(c for _, c in values)


def _names(book: Any) -> dict[str, dict[str, CellRange]]:
    """Sheet name -> the defined names pointing into it; "Sheet!XL_NAME" (sheet scope) loses its prefix."""
    result: dict[str, dict[str, CellRange]] = {}
    for name in book.names:
        try:
            target = name.refers_to_range
        except Exception:  # a name that is a constant or a #REF!: not a range
            continue
        if target is None:
            continue
        first, last = position(target.address.split(":")[0]), position(target.address.split(":")[-1])
        if first and last:
            short = name.name.split("!")[-1]
            if short.startswith("_xlnm.") or short in ("Print_Area", "Print_Titles"):
                continue
            result.setdefault(target.sheet.name, {})[short] = CellRange(first[0], first[1], last[0], last[1])
    return result
