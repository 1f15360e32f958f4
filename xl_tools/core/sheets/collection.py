"""完成值采集表 for the business sections: every indicator and each project's 全年执行数, only 全年完成值 and 说明
open for typing (the sheet is protected without a password), each row naming the cell its value goes back to."""

from __future__ import annotations

from collections.abc import Sequence

from ..addresses import cell_address
from ..matching import EXECUTED
from ..model import ProjectForm
from .spec import Cell, Sheet, Validation

SHEET = "完成值采集"
HEADERS = ["项目编码", "项目名称", "指标名称", "指标性质", "指标值", "计量单位", "全年完成值", "说明", "工作表", "单元格"]
COLUMN = {name: i for i, name in enumerate(HEADERS, start=1)}
HEADER_ROW = 3
INPUTS = ("全年完成值", "说明")
NOTE = ("请只填写黄色的「全年完成值」和「说明」两列：完成值写实际数（可带单位，如 30000人次、96%），"
        "未达目标的写明偏差原因及改进措施。其余各列与「工作表」「单元格」两列用于回填，请勿改动或删行。")


def collection_rows(forms: Sequence[ProjectForm]) -> list[list[object]]:
    """Per project: its 全年执行数 row, then one row per indicator (where each value goes, in the last columns)."""
    rows: list[list[object]] = []
    for form in forms:
        if form.type != "project":
            continue
        executed = form.funds.total.executed if form.funds.total else None
        budget = form.funds.total.budget.value if form.funds.total else None
        if executed is not None and executed.cell:
            rows.append([form.code, form.name, EXECUTED, "资金", budget, form.funds.money_unit, None, None,
                         form.sheet, executed.cell])
        for ind in form.indicators:
            rows.append([form.code, form.name, ind.name, ind.op.value, ind.target.value, ind.unit.value, None, None,
                         form.sheet, ind.actual.cell])
    return rows


def collection_sheet(forms: Sequence[ProjectForm], source_name: str) -> Sheet:
    rows: list[list[Cell | None]] = [[Cell(f"绩效自评完成值采集表（{source_name}）", style="plain")],
                                     [Cell(NOTE, style="note")], [Cell(h, style="header") for h in HEADERS]]
    amounts, notes = [], []
    for r, values in enumerate(collection_rows(forms), start=HEADER_ROW + 1):
        rows.append([Cell(v, style="input" if HEADERS[c] in INPUTS else "left") for c, v in enumerate(values)])
        if values[2] == EXECUTED:
            amounts.append(cell_address(r, COLUMN["全年完成值"]))
        else:
            notes.append(cell_address(r, COLUMN["说明"]))
    validations = [Validation("amount", tuple(amounts), "全年执行数", "请填写不小于 0 的金额（数字）"),
                   Validation("text", tuple(notes), "说明", "说明请控制在 500 字以内")]
    return Sheet(SHEET, rows, widths={"A": 22, "B": 30, "C": 30, "D": 9, "E": 14, "F": 9, "G": 16, "H": 40, "I": 16,
                                      "J": 8},
                 merges=["A1:J1", "A2:J2"], heights={2: 36}, freeze=f"A{HEADER_ROW + 1}",
                 print_titles=f"{HEADER_ROW}:{HEADER_ROW}", landscape=True, protected=True, validations=validations)
