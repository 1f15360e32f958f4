"""The default .xlsx reader: python-calamine's values plus what calamine cannot see, from the package XML.

calamine reads values (shared strings, rich text, dates, cached formula
results) and merged ranges about a hundred times faster than openpyxl, but it
loses number formats (a 0.95 in a "0%" cell is 95 %), formula flags, hidden
rows, defined names and error values (tests/integration/test_layouts.py shows each).  Those live in
plain attributes of the package: one lxml pass over each sheet part (the ``s``,
``r`` and ``t="e"`` attributes, ``<f>`` children, hidden rows) plus styles.xml and
workbook.xml restores them, at a fraction of openpyxl's cost.  The result is
the same ``Grid`` as the openpyxl backend's (tests/integration/test_fast_reader.py
compares them), with one difference: a cell holding an empty text reads as
empty, where openpyxl gives "" (calamine does not tell them apart; every
reader of the core treats both as blank).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..core.errors import WorkbookReadError
from . import calamine_backend
from .grid import CellRange, WorkbookGrid, position
from .ooxml import NS_MAIN
from .package_guard import CheckedPackage, SheetShape, xml_failure

# ECMA-376 Part 1, 18.8.30: the number formats an xf may name by id alone (spelled as openpyxl spells them)
BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)', 6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)', 8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??",
    14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM",
    20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)", 38: "#,##0_);[Red](#,##0)", 39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)", 41: '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)',
    42: '_("$"* #,##0_);_("$"* \\(#,##0\\);_("$"* "-"_);_(@_)',
    43: '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)',
    44: '_("$"* #,##0.00_)_("$"* \\(#,##0.00\\)_("$"* "-"??_)_(@_)',
    45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
}
_ROW, _CELL, _FORMULA, _VALUE, _SHEET_DATA = (f"{NS_MAIN}{t}" for t in ("row", "c", "f", "v", "sheetData"))
# one area of a defined name: 'Sheet name'!$A$1:$B$2 or Sheet!A1
_NS = {"m": NS_MAIN[1:-1]}
_NUMERIC = (None, "n", "d")
"""Cell types (``t``) whose value a number format changes."""
_DETAILED = etree.XPath("m:row[@hidden='1' or @hidden='true']"
                        " | m:row/m:c[(@s != '0' and (not(@t) or @t='n' or @t='d')) or m:f or @t='e']",
                        namespaces=_NS)
"""Rows and cells the grid needs more of than calamine gives, in document order."""
_FORMULA_REFS = etree.XPath(".//m:c[m:f]/@r", namespaces=_NS, smart_strings=False)
_HIDDEN_ROWS = etree.XPath("m:row[@hidden='1' or @hidden='true']", namespaces=_NS)
_AREA = re.compile(r"(?:'((?:[^']|'')+)'|([^'!,\s()]+))!(\$?[A-Za-z]{1,3}\$?\d+)(?::(\$?[A-Za-z]{1,3}\$?\d+))?")


@dataclass
class SheetDetails:
    """What calamine does not report about one sheet."""

    styles: dict[tuple[int, int], int] = field(default_factory=dict)
    """Cell -> index of its cell format (xf), only where it is not 0."""
    formulas: set[tuple[int, int]] = field(default_factory=set)
    hidden_rows: set[int] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    """Cells holding an error value (#DIV/0!, #N/A…), which calamine reads as empty."""
    empty_results: set[tuple[int, int]] = field(default_factory=set)
    """Formulas that calculated an empty text: a result, not a formula saved without one."""


def read_workbook(path: str | Path, data: bytes | None, details: dict[str, SheetDetails],
                  checked: CheckedPackage, only: Container[str] | None = None) -> WorkbookGrid:
    """Read an .xlsx/.xlsm file (or its ``data``) that ``reading.open`` has sniffed and measured: ``details``
    were taken from each sheet's XML as the guard parsed it (``sheet_details``), ``checked`` is the package as
    the guard left it (its parts checked, its workbook part parsed); ``only`` the sheets the guard measured."""
    path = Path(path)
    book = calamine_backend.read_workbook(path, data, only)
    try:
        entries = checked.entries
        formats = _cell_formats(entries.read("xl/styles.xml") if "xl/styles.xml" in entries else None)
        defined = _defined_names(checked.workbook)
    except (KeyError, ValueError) as exc:
        raise WorkbookReadError(f"{path.name} 已损坏或格式不正确，无法读取（{type(exc).__name__}）") from exc
    except etree.XMLSyntaxError as exc:
        raise xml_failure(exc, path.name) from exc
    for grid in book.sheets:
        found = details.get(grid.name, SheetDetails())
        grid.values.update(found.errors)
        grid.values.update({rc: "" for rc in found.empty_results if rc not in grid.values})
        grid.formats = {rc: fmt for rc, style in found.styles.items()
                        if (fmt := formats.get(style, "General")) != "General"}
        grid.formulas = found.formulas
        grid.hidden_rows = found.hidden_rows
        grid.names = defined.get(grid.name, {})
    book.backend = "fast"
    return book


def _parse(data: bytes):
    # huge_tree: a long shared text is legitimate; no entities are resolved either way
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))


def _cell_formats(styles: bytes | None) -> dict[int, str]:
    """xf index -> number format code."""
    if styles is None:
        return {}
    root = _parse(styles)
    custom = {int(el.get("numFmtId")): el.get("formatCode") or "General"
              for el in root.iterfind(f"{NS_MAIN}numFmts/{NS_MAIN}numFmt") if el.get("numFmtId", "").isdigit()}
    result = {}
    for index, xf in enumerate(root.iterfind(f"{NS_MAIN}cellXfs/{NS_MAIN}xf")):
        fmt_id = int(xf.get("numFmtId") or 0)
        result[index] = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "General")
    return result


def sheet_details(root, shape: SheetShape | None = None) -> SheetDetails:
    """What the grid needs of one sheet's parsed XML beyond calamine's values.  ``shape`` is the guard's view
    of the sheet: when it kept the cells with their addresses, one pass over them replaces a search."""
    sheet_data = root.find(_SHEET_DATA)
    if sheet_data is None:
        return SheetDetails()
    if shape is not None and shape.elements is not None:
        hidden = _HIDDEN_ROWS(sheet_data)
        if all(row.get("r") for row in hidden):  # else a hidden row's number must be counted: the walk below
            return _from_cells(sheet_data, shape.elements, shape.refs, hidden)
    found = SheetDetails()
    # Excel, WPS, openpyxl and LibreOffice all write every row's and cell's address: one XPath picks the few
    # elements that matter (formatted numbers, formulas, errors, hidden rows) without visiting the others
    for el in _DETAILED(sheet_data):
        ref = el.get("r")
        if ref is None:  # a writer that leaves out optional addresses: positions must be counted
            return _walk_rows(sheet_data, SheetDetails())
        if el.tag == _ROW:
            if ref.isdigit():  # a row address calamine would not take either makes no hidden row
                found.hidden_rows.add(int(ref))
        else:
            _note_cell(found, el, _position(ref))
    return found


def _from_cells(sheet_data, cells: list, refs: list[str], hidden: list) -> SheetDetails:
    """The details from every cell at hand, each with its address: cheaper than any search over the tree."""
    found = SheetDetails(formulas={_position(ref) for ref in _FORMULA_REFS(sheet_data)},
                         hidden_rows={int(r) for row in hidden if (r := row.get("r")).isdigit()})
    for el, ref in zip(cells, refs):
        kind = el.get("t")
        if kind == "e":
            found.errors[_position(ref)] = el.findtext(_VALUE) or "#N/A"
        elif kind == "str":
            if el.findtext(_VALUE) == "" and el.find(_FORMULA) is not None:
                found.empty_results.add(_position(ref))
        elif kind in _NUMERIC:
            style = el.get("s")
            if style and style != "0":  # an empty cell's too: what a number typed there will look like
                found.styles[_position(ref)] = int(style)
    return found


def _note_cell(found: SheetDetails, cell, rc: tuple[int, int]) -> None:
    kind = cell.get("t")
    if kind == "e":
        found.errors[rc] = cell.findtext(_VALUE) or "#N/A"
    elif kind in _NUMERIC and cell.get("s", "0") != "0":
        found.styles[rc] = int(cell.get("s"))
    if cell.find(_FORMULA) is not None:
        found.formulas.add(rc)
        if kind == "str" and cell.findtext(_VALUE) == "":
            found.empty_results.add(rc)


def _walk_rows(sheet_data, found: SheetDetails) -> SheetDetails:
    """The same, cell by cell, for a writer that leaves out optional row or cell addresses."""
    row = 0
    for row_el in sheet_data.iterchildren(_ROW):
        r = row_el.get("r")
        row = int(r) if r else row + 1  # rows without an address follow one another
        if row_el.get("hidden") in ("1", "true"):
            found.hidden_rows.add(row)
        col = 0
        for cell in row_el.iterchildren(_CELL):
            ref = cell.get("r")
            rc = position(ref) if ref else None
            rc = rc if rc is not None else (row, col + 1)
            col = rc[1]
            _note_cell(found, cell, rc)
    return found


@functools.lru_cache(maxsize=1 << 16)  # sheets of one workbook share their addresses
def _position(ref: str) -> tuple[int, int]:
    rc = position(ref)
    if rc is None:
        raise ValueError(f"bad cell address {ref!r}")
    return rc


def _defined_names(root) -> dict[str, dict[str, CellRange]]:
    """Sheet name -> the defined names pointing into it (as openpyxl assigns them: by destination).

    Excel's own names (_xlnm.Print_Area and kin) are left out, as openpyxl keeps them apart.
    """
    result: dict[str, dict[str, CellRange]] = {}
    for el in root.iterfind(f"{NS_MAIN}definedNames/{NS_MAIN}definedName"):
        name = el.get("name") or ""
        if not name or name.startswith("_xlnm."):
            continue
        for quoted, bare, first, last in _AREA.findall(el.text or ""):
            start, end = position(first), position(last or first)
            if start and end:
                sheet = quoted.replace("''", "'") if quoted else bare
                result.setdefault(sheet, {})[name] = CellRange(start[0], start[1], end[0], end[1])
    return result
