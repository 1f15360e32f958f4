"""表10 部门整体绩效自评汇总, gathered from many workbooks: each 部门整体 table beside its projects' budgets."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import ProjectResult
from .spec import AMOUNT, PERCENT, SCORE, Cell, Sheet

DEPARTMENT_SHEET = "表10"
DEPARTMENT_HEADERS = ["单位（部门整体）", "全年预算数(万元)", "全年执行数(万元)", "执行率", "自评得分", "评价等级",
                      "各项目预算数合计(万元)", "来源文件", "来源工作表"]
FORMATS = [None, AMOUNT, AMOUNT, PERCENT, SCORE, None, AMOUNT, None, None]
LEFT_COLUMNS = (0, 7, 8)


def department_sheet(departments: Sequence[tuple[str, ProjectResult, float]]) -> Sheet:
    """(file, 部门整体 table, sum of that file's project budgets) per row."""
    rows: list[list[Cell | None]] = [[Cell("部门整体绩效自评汇总", style="title")],
                                     [Cell(h, style="header") for h in DEPARTMENT_HEADERS]]
    for file, dept, budget_sum in departments:
        rate = dept.execution_rate / 100 if dept.execution_rate is not None else None
        values = [dept.name, dept.budget, dept.executed, rate, dept.total, dept.grade, budget_sum, file, dept.sheet]
        rows.append([Cell(v, style="left" if c in LEFT_COLUMNS else "body", number_format=FORMATS[c])
                     for c, v in enumerate(values)])
    return Sheet(DEPARTMENT_SHEET, rows, widths={"A": 36, "B": 16, "C": 16, "D": 10, "E": 10, "F": 9, "G": 20, "H": 30,
                                                 "I": 16},
                 merges=["A1:I1"], print_titles="2:2", landscape=True)
