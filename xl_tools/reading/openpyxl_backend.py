"""Fill ``Grid``s from an .xlsx/.xlsm file with openpyxl (values, formats, merges, names).

openpyxl gives either cached values (``data_only=True``) or formula text, not
both, so the formula flags come from a light pass over the sheet XML instead
of a second full load.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from xml.etree.ElementTree import iterparse

from ..errors import WorkbookReadError
from .grid import CellRange, Grid, WorkbookGrid

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _formula_cells(zf: zipfile.ZipFile) -> dict[str, set[tuple[int, int]]]:
    """Sheet name -> cells that hold a formula, read straight from the XML."""
    from openpyxl.utils.cell import coordinate_to_tuple

    with zf.open("xl/workbook.xml") as fh:
        sheets = [
            (el.get("name"), el.get(f"{_NS_REL}id"))
            for _, el in iterparse(fh)
            if el.tag == f"{_NS_MAIN}sheet"
        ]
    with zf.open("xl/_rels/workbook.xml.rels") as fh:
        targets = {
            el.get("Id"): el.get("Target")
            for _, el in iterparse(fh)
            if el.tag == f"{_NS_PKG_REL}Relationship"
        }
    result: dict[str, set[tuple[int, int]]] = {}
    for name, rid in sheets:
        target = targets.get(rid, "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        cells: set[tuple[int, int]] = set()
        if part in zf.namelist():
            with zf.open(part) as fh:
                for _, el in iterparse(fh):
                    if el.tag == f"{_NS_MAIN}c":
                        if el.find(f"{_NS_MAIN}f") is not None and el.get("r"):
                            cells.add(coordinate_to_tuple(el.get("r")))
                        el.clear()
        result[name] = cells
    return result


def _check_is_workbook(path: Path) -> None:
    if not path.exists():
        raise WorkbookReadError(f"文件不存在：{path}")
    if path.is_dir():
        raise WorkbookReadError(f"{path} 是文件夹，不是工作簿")
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as fh:
            head = fh.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise WorkbookReadError(
                f"{path.name} 是旧版 .xls 或加密的工作簿，暂不支持；请在 Excel/WPS 中另存为 .xlsx 后再试"
            )
        raise WorkbookReadError(f"{path.name} 不是 Excel 工作簿（.xlsx/.xlsm），无法读取")


def read_workbook(path: str | Path) -> WorkbookGrid:
    """Read every sheet of an .xlsx/.xlsm file; never writes to it."""
    import openpyxl

    path = Path(path)
    _check_is_workbook(path)
    try:
        with zipfile.ZipFile(path) as zf:
            if "xl/workbook.xml" not in zf.namelist():
                raise WorkbookReadError(f"{path.name} 是压缩文件但不是 Excel 工作簿（缺少 xl/workbook.xml）")
            formulas = _formula_cells(zf)
        wb = openpyxl.load_workbook(path, data_only=True)
    except WorkbookReadError:
        raise
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
                if cell.value is None:
                    continue
                values[(cell.row, cell.column)] = cell.value
                formats[(cell.row, cell.column)] = cell.number_format
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
