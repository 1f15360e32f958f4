"""The summary workbook of xl-tools summary and batch --summary: 表11 with 来源文件, 表10, 校验结果."""

from __future__ import annotations

from pathlib import Path

from ..core.gathering import Gathered

DEPARTMENT_SHEET = "表10"
DEPARTMENT_HEADERS = ["单位（部门整体）", "全年预算数(万元)", "全年执行数(万元)", "执行率", "自评得分", "评价等级",
                      "各项目预算数合计(万元)", "来源文件", "来源工作表"]


def write_summary(gathered: Gathered, out: Path) -> Path:
    """表11 with a 来源文件 column and a chart, 表10 when any workbook has a 部门整体 table, and 校验结果."""
    from openpyxl import Workbook

    from .save import save_stable
    from .style import CENTER, LEFT, TITLE_FONT, print_setup, put, widths
    from .summary import add_findings_sheet, add_summary_sheet

    wb = Workbook()
    wb.remove(wb.active)
    add_summary_sheet(wb, gathered.projects, year=gathered.year, files=gathered.files)
    if gathered.departments:
        ws = wb.create_sheet(DEPARTMENT_SHEET)
        widths(ws, {"A": 36, "B": 16, "C": 16, "D": 10, "E": 10, "F": 9, "G": 20, "H": 30, "I": 16})
        ws.merge_cells("A1:I1")
        ws["A1"] = "部门整体绩效自评汇总"
        ws["A1"].font = TITLE_FONT
        for col, label in zip("ABCDEFGHI", DEPARTMENT_HEADERS):
            put(ws, f"{col}2", label, header=True)
        for r, (file, dept, budget_sum) in enumerate(gathered.departments, start=3):
            rate = dept.execution_rate / 100 if dept.execution_rate is not None else None
            values = [dept.name, dept.budget, dept.executed, rate, dept.total, dept.grade, budget_sum, file, dept.sheet]
            formats = [None, "#,##0.00", "#,##0.00", "0.00%", "0.00", None, "#,##0.00", None, None]
            for col, value, fmt in zip("ABCDEFGHI", values, formats):
                put(ws, f"{col}{r}", value, number_format=fmt, align=LEFT if col in "AHI" else CENTER)
        print_setup(ws, landscape=True, title_rows="2:2")
    add_findings_sheet(wb, gathered.findings, link_to=[])
    return save_stable(wb, out)
