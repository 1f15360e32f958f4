"""A returned 完成值 collection sheet (.xlsx/.xls, any sheet with its headers, or a .csv) as rows to fill in."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..core.matching import CollectedRow
from ..core.values import normalise_text
from ..core.errors import XlToolsError
from .grid import cell_address
from .limits import check_file_size
from .open import open_workbook
from .text import windows_text

FORMULA_WITHOUT_VALUE = "#公式无计算结果"
"""What a formula cell the file saved without its result reads as (the section's program never calculated it)."""


def read_collection(path: Path) -> list[CollectedRow]:
    """The filled rows of a collection sheet (.xlsx/.xls, any sheet with its headers) or a .csv."""
    table = _csv_rows(path) if path.suffix.lower() == ".csv" else _sheet_rows(path)
    if not table:
        raise XlToolsError(f"{path.name} 中没有找到采集表（需有 项目名称、指标名称、全年完成值 三列）")
    where_of, header, body = table
    cols = {normalise_text(v): i for i, v in enumerate(header) if v is not None}
    missing = [name for name in ("项目名称", "指标名称", "全年完成值") if name not in cols]
    if missing:
        raise XlToolsError(f"{path.name} 的采集表缺少「{'」「'.join(missing)}」列")

    def get(values: list[object], name: str) -> object:
        i = cols.get(name)
        return values[i] if i is not None and i < len(values) else None

    rows = []
    for index, values in body:
        project, indicator = get(values, "项目名称"), get(values, "指标名称")
        if project is None or indicator is None:
            continue  # a blank or note row
        code, sheet, cell = (_as_written(get(values, k)) for k in ("项目编码", "工作表", "单元格"))
        rows.append(CollectedRow(
            where=where_of(index), project=_as_written(project) or "", code=code, indicator=_as_written(indicator) or "",
            actual=get(values, "全年完成值"), explanation=get(values, "说明"), sheet=sheet, cell=cell))
    return rows


def _as_written(value: object) -> str | None:
    """Stripped, not normalised: a sheet name must match exactly (names are compared normalised later)."""
    text = str(value).strip() if value is not None else ""
    return text or None


def _sheet_rows(path: Path):
    book = open_workbook(path)
    for grid in book.sheets:
        for r in range(1, min(grid.max_row, 20) + 1):
            header = grid.row_values(r)
            labels = {normalise_text(v) for v in header if v is not None}
            if {"项目名称", "指标名称", "全年完成值"} <= labels:
                body = [(row, [FORMULA_WITHOUT_VALUE if grid.is_formula(row, c) and value is None else value
                               for c, value in enumerate(grid.row_values(row), start=1)])
                        for row in range(r + 1, grid.max_row + 1)]
                col = header.index(next(v for v in header if normalise_text(v) == "全年完成值")) + 1
                return (lambda row, g=grid.name, c=col: f"{g}!{cell_address(row, c)}"), header, body
    return None


def _csv_value(text: str) -> object:
    """A CSV cell as Excel would type it: a plain number becomes a number (the score formulas need one)."""
    text = text.strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d*\.\d+", text):
        return float(text)
    return text or None


def _csv_rows(path: Path):
    check_file_size(path, path.stat().st_size)  # read whole: bounded like a workbook
    text = windows_text(path.read_bytes())  # Excel saves CSV in the system code page on Chinese Windows
    if text is None:
        raise XlToolsError(f"{path.name} 的编码无法识别；请另存为 UTF-8 编码的 CSV")
    lines = list(csv.reader(io.StringIO(text)))
    for i, header in enumerate(lines[:20]):
        if {"项目名称", "指标名称", "全年完成值"} <= {normalise_text(v) for v in header}:
            body = [(n, [_csv_value(v) for v in line]) for n, line in enumerate(lines[i + 1:], start=i + 2)]
            return (lambda n: f"{path.name} 第 {n} 行"), header, body
    return None
