"""Fill ``Grid``s from an .xlsx/.xlsm file with openpyxl (values, formats, merges, names).

openpyxl gives either cached values (``data_only=True``) or formula text, not
both, so the formula flags come from a light pass over the sheet XML instead
of a second full load.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path
from xml.etree.ElementTree import iterparse

from ..core.errors import WorkbookReadError
from .grid import CellRange, Grid, WorkbookGrid
from .ooxml import NS_MAIN, sheet_parts


def _formula_cells(zf: zipfile.ZipFile) -> dict[str, set[tuple[int, int]]]:
    """Sheet name -> cells that hold a formula, read straight from the XML."""
    from openpyxl.utils.cell import coordinate_to_tuple

    result: dict[str, set[tuple[int, int]]] = {}
    for name, part in sheet_parts(zf):
        cells: set[tuple[int, int]] = set()
        if part in zf.namelist():
            with zf.open(part) as fh:
                for _, el in iterparse(fh):
                    if el.tag == f"{NS_MAIN}c":
                        if el.find(f"{NS_MAIN}f") is not None and el.get("r"):
                            cells.add(coordinate_to_tuple(el.get("r")))
                        el.clear()
        result[name] = cells
    return result


def read_workbook(path: str | Path, data: bytes | None = None) -> WorkbookGrid:
    """Read every sheet of an .xlsx/.xlsm file (or of its decrypted ``data``); never writes to it.

    ``reading.open.open_workbook`` has already checked that it is a workbook package of a sane size.
    """
    import openpyxl

    path = Path(path)
    try:
        # a file object, not the path: openpyxl refuses a path by its extension (an .xlsx named .xls)
        with io.BytesIO(data) if data is not None else open(path, "rb") as fh:
            with zipfile.ZipFile(fh) as zf:
                formulas = _formula_cells(zf)
            with warnings.catch_warnings():  # openpyxl warns about features it drops; nothing for a user
                warnings.simplefilter("ignore")
                wb = openpyxl.load_workbook(fh, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError) as exc:
        raise WorkbookReadError(f"{path.name} 已损坏或格式不正确，无法读取（{type(exc).__name__}）") from exc
    except Exception as exc:  # openpyxl raises many private types on malformed XML
        raise WorkbookReadError(f"{path.name} 无法读取：{exc}") from exc

    names_by_sheet: dict[str, dict[str, CellRange]] = {}

    def add_name(name: str, defn) -> None:
        for sheet_title, ref in defn.destinations:
            rng = _parse_ref(ref)
            if rng is not None:
                names_by_sheet.setdefault(sheet_title, {})[name] = rng

    for name, defn in wb.defined_names.items():
        add_name(name, defn)
    grids: list[Grid] = []
    for ws in wb.worksheets:
        for name, defn in ws.defined_names.items():
            add_name(name, defn)
    for ws in wb.worksheets:
        values = {}
        formats = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type in ("n", "d") and cell.number_format != "General":  # empty ones too
                    formats[(cell.row, cell.column)] = cell.number_format
                if cell.value is not None:
                    values[(cell.row, cell.column)] = cell.value
        merged = [CellRange(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
        hidden_rows = {idx for idx, dim in ws.row_dimensions.items() if dim.hidden}
        grids.append(
            Grid(
                name=ws.title,
                values=values,
                formats=formats,
                formulas=formulas.get(ws.title, set()),
                merged=merged,
                hidden=ws.sheet_state != "visible",
                hidden_rows=hidden_rows,
                names=names_by_sheet.get(ws.title, {}),
            )
        )
    wb.close()
    return WorkbookGrid(path=str(path), sheets=grids, backend="openpyxl")


def _parse_ref(ref: str) -> CellRange | None:
    from openpyxl.utils.cell import range_boundaries

    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    except (ValueError, TypeError):
        return None
    if None in (min_col, min_row, max_col, max_row):
        return None
    return CellRange(min_row, min_col, max_row, max_col)
