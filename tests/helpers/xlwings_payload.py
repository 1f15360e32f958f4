"""A workbook as xlwings' VBA client sends it to the remote interpreter (xlwings/addin/Remote.bas).

The client sends each sheet's values from A1 to the end of its used range (numbers as floats, empty cells
as ""), and the defined names that are ranges, "Sheet!NAME" for sheet-scoped ones; no number formats,
formulas or merged areas.  Tests build the payload from a real file read by the toolkit's file reader.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import xlwings as xw

from xl_tools.reading.grid import cell_address
from xl_tools.jobs.evaluation import read_book


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


_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?%?")
_DATE = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?|年(\d{1,2})月(?:(\d{1,2})日)?)")


def typed(value: Any) -> tuple[str, Any]:
    """What Excel makes of a value set through Range.Value, which it parses as typed input: ("formula", text
    without "="), ("text", text), ("number", float), ("date", datetime), ("bool", bool) or ("blank", None).

    A leading apostrophe makes the rest a text (Excel keeps it as the PrefixCharacter, not in the value); "=…",
    "+…", "@…" and a "-…" that is not a number become formulas; "123456789012345678901", "1,234" and "12%"
    numbers; "2023-12", "2023/12/5" and "2023年12月" dates; TRUE and FALSE booleans.
    """
    if value is None or value == "":
        return "blank", None
    if not isinstance(value, str):
        return ("bool" if isinstance(value, bool) else "number"), value
    if value.startswith("'"):
        return "text", value[1:]
    if _NUMBER.fullmatch(value.strip()) and any(ch.isdigit() for ch in value):
        text = value.strip().replace(",", "")
        return "number", float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    if value.startswith(("=", "@")) and len(value) > 1:
        return "formula", value[1:]
    if value.startswith(("+", "-")) and len(value) > 1:
        return "formula", value
    if (m := _DATE.fullmatch(value.strip())) is not None:
        year, month, day = int(m[1]), int(m[2] or m[4]), int(m[3] or m[5] or 1)
        try:
            return "date", datetime.datetime(year, month, day)
        except ValueError:
            pass
    if value.upper() in ("TRUE", "FALSE"):
        return "bool", value.upper() == "TRUE"
    return "text", value


def _written(action: dict[str, Any]) -> Iterator[tuple[int, int, Any]]:
    """(row, column, value) of a setValues/setFormula action, 0-based; a setFormula's text is a formula, as
    Range.Formula takes it, whatever it starts with."""
    for r, row in enumerate(action["values"]):
        for c, value in enumerate(row):
            if action["func"] == "setFormula" and isinstance(value, str) and value.startswith("="):
                value = {"formula": value[1:]}
            yield action["start_row"] + r, action["start_column"] + c, value


def _cell(value: Any) -> tuple[str, Any]:
    return ("formula", value["formula"]) if isinstance(value, dict) else typed(value)


def applied(before: dict[str, Any], actions: list[dict[str, Any]]) -> dict[str, Any]:
    """The payload Excel would send next, after carrying out a button's actions (what the tests need of
    Excel: values land in their cells typed as Excel types them, sheets are added, cleared and deleted).

    The payload carries values only; a formula (which this simulation cannot calculate) sends "" and is kept
    in ``after["formulas"]`` (sheet -> cell -> text without "="), so a test can see what became one.
    """
    import copy

    after = copy.deepcopy(before)
    sheets = after["sheets"]
    formulas: dict[str, dict[str, str]] = after.setdefault("formulas", {})
    for action in actions:
        func, args = action["func"], action.get("args")
        if func == "addSheet":
            sheets.insert(args[0], {"name": args[1], "pictures": [], "tables": [], "values": [[]]})
        elif func == "sheetDelete":
            formulas.pop(sheets[action["sheet_position"]]["name"], None)
            del sheets[action["sheet_position"]]
        elif func in ("clearContents", "sheetClearContents"):
            sheets[action["sheet_position"]]["values"] = [[]]
            formulas.pop(sheets[action["sheet_position"]]["name"], None)
        elif func in ("setValues", "setFormula"):
            sheet = sheets[action["sheet_position"]]
            grid = sheet["values"]
            for r, c, value in _written(action):
                while len(grid) <= r:
                    grid.append([])
                grid[r].extend([""] * (c + 1 - len(grid[r])))
                kind, content = _cell(value)
                ref = cell_address(r + 1, c + 1)
                formulas.get(sheet["name"], {}).pop(ref, None)
                if kind == "formula":
                    formulas.setdefault(sheet["name"], {})[ref] = content
                grid[r][c] = ("" if kind in ("formula", "blank") else content.isoformat() if kind == "date"
                              else float(content) if kind == "number" else content)
    for sheet in sheets:  # rectangular, as Excel sends a used range
        width = max((len(row) for row in sheet["values"]), default=0)
        sheet["values"] = [row + [""] * (width - len(row)) for row in sheet["values"]] or [[]]
    return after


def apply_to_file(path: Path, actions: list[dict[str, Any]], out: Path) -> Path:
    """A button's actions carried into the workbook file itself (values typed as Excel types them, sheets
    added), through the toolkit's lossless package editor: the file Excel would then save (a date as its
    serial number, without the date format; an added sheet last, whatever its place in Excel)."""
    from xl_tools.workbook.package import CellWrite, Package

    pkg = Package.open(path)
    names = pkg.sheet_names()  # in Excel's order, as the actions count them
    for action in actions:
        if action["func"] == "addSheet":
            pkg.replace_sheet(action["args"][1], [])
            names.insert(action["args"][0], action["args"][1])
        elif action["func"] == "sheetDelete":
            del names[action["sheet_position"]]
        if action["func"] not in ("setValues", "setFormula"):
            continue
        writes = {}
        for r, c, value in _written(action):
            kind, content = _cell(value)
            ref = cell_address(r + 1, c + 1)
            if kind == "formula":
                writes[ref] = CellWrite(None, content)
            elif kind == "date":
                writes[ref] = CellWrite((content - datetime.datetime(1899, 12, 30)).days)
            else:
                writes[ref] = CellWrite(content)
        pkg.set_cells(names[action["sheet_position"]], writes)
    return pkg.save(out)
