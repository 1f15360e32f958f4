"""The summary workbook of xl-tools summary and batch --summary: 表11 with 来源文件, 表10, 校验结果."""

from __future__ import annotations

from pathlib import Path

from ..core.gathering import Gathered
from ..core.sheets.department import department_sheet
from ..core.sheets.findings import findings_sheet
from ..core.sheets.summary import summary_sheet
from .sheet_writer import write_file


def write_summary(gathered: Gathered, out: Path) -> Path:
    """表11 with a 来源文件 column and a chart, 表10 when any workbook has a 部门整体 table, and 校验结果 (its
    cells are in other workbooks: no links)."""
    sheets = [summary_sheet(gathered.projects, year=gathered.year, files=gathered.files)]
    if gathered.departments:
        sheets.append(department_sheet(gathered.departments))
    return write_file([*sheets, findings_sheet(gathered.findings, sheets=())], out)
