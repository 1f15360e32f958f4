"""Names, headers and contents of the sheets the toolkit writes, apart from the openpyxl code that styles
them (the ribbon writes the same sheets through xlwings and must stay cheap to import)."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.findings import Finding
    from ..core.model import ProjectResult

SUMMARY_HEADERS = ["序号", "项目名称", "项目编码", "预算数(万元)", "执行数(万元)", "执行率", "自评得分", "评价等级", "来源工作表"]
SUMMARY_SHEET = "表11"
SUMMARY_SHEET_BESIDE = "表11（计算）"
"""Where the toolkit's 表11 goes when the workbook has a 表11 of its own."""
SUMMARY_FIRST_ROW = 4
SUMMARY_SOURCE_COLUMN = "I"
FINDINGS_SHEET = "校验结果"
FINDINGS_HEADERS = ["级别", "代码", "工作表", "单元格", "项目", "说明"]
FINDINGS_WIDTHS = [7, 24, 22, 9, 30, 80]
FILE_HEADER, FILE_WIDTH = "文件", 36
"""The first column of a 校验结果 over many workbooks (``batch``)."""


_CELL = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}(:[A-Z]{1,3}[1-9][0-9]{0,6})?")


def link_location(finding: Finding, sheets: Collection[str]) -> str | None:
    """Where a 校验结果 link to the finding's cell goes ('项目 1'!H13, the sheet quoted as in any reference the
    toolkit writes); None when the finding names no cell of one of ``sheets``, or a sheet no link can carry."""
    from ..core.formulas import sheet_ref
    from ..core.safe_text import visible

    sheet, cell = finding.sheet, finding.cell
    if not (sheet and cell and sheet in sheets and visible(sheet) == sheet and _CELL.fullmatch(cell)):
        return None
    return sheet_ref(sheet, cell)


def finding_row(finding: Finding) -> list[object]:
    """One 校验结果 row, in FINDINGS_HEADERS order."""
    from ..core.findings import LEVEL_LABEL

    f = finding
    return [LEVEL_LABEL[f.level], f.code, f.sheet, f.cell, f.project, f.message]


def summary_table(projects: list[ProjectResult], files: list[str] | None = None
                  ) -> tuple[list[list[object]], list[object]]:
    """表11's rows (one per project, in SUMMARY_HEADERS order, plus 来源文件 when ``files`` gives one per
    project) and its 合计 row: amounts summed unrounded, 执行率 of the sums."""
    listed = [p for p in projects if p.type == "project"]
    rows: list[list[object]] = []
    for i, p in enumerate(listed, start=1):
        rate = p.execution_rate / 100 if p.execution_rate is not None else None
        rows.append([i, p.name, p.code, p.budget, p.executed, rate, p.total, p.grade, p.sheet]
                    + ([files[i - 1]] if files is not None else []))
    budget = sum(p.budget or 0 for p in listed)
    executed = sum(p.executed or 0 for p in listed)
    return rows, ["合计", None, None, budget, executed, executed / budget if budget else None]
