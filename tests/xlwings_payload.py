"""A workbook as xlwings' VBA client sends it to the remote interpreter (xlwings/addin/Remote.bas).

The client sends each sheet's values from A1 to the end of its used range (numbers as floats, empty cells
as ""), and the defined names that are ranges, "Sheet!NAME" for sheet-scoped ones; no number formats,
formulas or merged areas.  Tests build the payload from a real file read by the toolkit's file reader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlwings as xw

from xl_tools.reading.grid import cell_address
from xl_tools.services import read_book


def payload(path: Path, *, active: int = 0) -> dict[str, Any]:
    book = read_book(path)
    sheets, names = [], []
    for index, grid in enumerate(book.sheets):
        rows = [["" for _ in range(grid.max_col)] for _ in range(grid.max_row)]
        for (r, c), value in grid.values.items():
            is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
            rows[r - 1][c - 1] = float(value) if is_number else value
        sheets.append({"name": grid.name, "pictures": [], "tables": [], "values": rows or [[]]})
        for name, rng in grid.names.items():
            first, last = cell_address(rng.min_row, rng.min_col), cell_address(rng.max_row, rng.max_col)
            names.append({"name": f"{grid.name}!{name}", "sheet_index": index,
                          "address": first if first == last else f"{first}:{last}", "book_scope": False,
                          "scope_sheet_name": grid.name, "scope_sheet_index": index})
    return {"client": "VBA", "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": active, "selection": "A1"},
            "names": names, "sheets": sheets}


def live_book(path: Path) -> xw.Book:
    """The workbook as a ribbon function sees it in Excel, on Linux."""
    return xw.Book(json=payload(path))


def applied(before: dict[str, Any], actions: list[dict[str, Any]]) -> dict[str, Any]:
    """The payload Excel would send next, after carrying out a button's actions (what the tests need of
    Excel: values and formulas land in their cells, sheets are added, cleared and deleted)."""
    import copy

    after = copy.deepcopy(before)
    sheets = after["sheets"]
    for action in actions:
        func, args = action["func"], action["args"]
        if func == "addSheet":
            sheets.insert(args[0], {"name": args[1], "pictures": [], "tables": [], "values": [[]]})
        elif func == "sheetDelete":
            del sheets[action["sheet_position"]]
        elif func == "clearContents":
            sheets[action["sheet_position"]]["values"] = [[]]
        elif func in ("setValues", "setFormula"):
            grid = sheets[action["sheet_position"]]["values"]
            top, left = action["start_row"], action["start_column"]
            for r, row in enumerate(action["values"]):
                for c, value in enumerate(row):
                    while len(grid) <= top + r:
                        grid.append([])
                    line = grid[top + r]
                    line.extend([""] * (left + c + 1 - len(line)))
                    line[left + c] = "" if value is None else value
    for sheet in sheets:  # rectangular, as Excel sends a used range
        width = max((len(row) for row in sheet["values"]), default=0)
        sheet["values"] = [row + [""] * (width - len(row)) for row in sheet["values"]] or [[]]
    return after


def apply_to_file(path: Path, actions: list[dict[str, Any]], out: Path) -> Path:
    """The cell writes of a button's actions carried into the workbook file itself (values and formulas, into
    the sheets that exist), through the toolkit's lossless package editor: the file Excel would then save."""
    from xl_tools.reading.grid import cell_address
    from xl_tools.workbook.package import CellWrite, Package

    pkg = Package.open(path)
    names = pkg.sheet_names()
    for action in actions:
        if action["func"] not in ("setValues", "setFormula") or action["sheet_position"] >= len(names):
            continue
        writes = {}
        for r, row in enumerate(action["values"]):
            for c, value in enumerate(row):
                ref = cell_address(action["start_row"] + r + 1, action["start_column"] + c + 1)
                is_formula = isinstance(value, str) and value.startswith("=")
                writes[ref] = CellWrite(None, value[1:]) if is_formula else CellWrite(None if value == "" else value)
        pkg.set_cells(names[action["sheet_position"]], writes)
    return pkg.save(out)
