"""The 完成值 collection sheet handed to business sections: only 全年完成值 and 说明 can be typed in."""

from __future__ import annotations

from pathlib import Path

from ..core.matching import EXECUTED
from ..core.model import ProjectForm
from ..reading.grid import cell_address

SHEET = "完成值采集"
HEADERS = ["项目编码", "项目名称", "指标名称", "指标性质", "指标值", "计量单位", "全年完成值", "说明", "工作表", "单元格"]
COLUMN = {name: i for i, name in enumerate(HEADERS, start=1)}
HEADER_ROW = 3
INPUTS = ("全年完成值", "说明")


def collection_rows(forms: list[ProjectForm]) -> list[list[object]]:
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


def write_collection(forms: list[ProjectForm], source: Path, out: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    from .save import save_stable
    from .style import INPUT_FILL, LEFT, print_setup, put, set_value, widths

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    widths(ws, {"A": 22, "B": 30, "C": 30, "D": 9, "E": 14, "F": 9, "G": 16, "H": 40, "I": 16, "J": 8})
    ws.merge_cells("A1:J1")
    set_value(ws["A1"], f"绩效自评完成值采集表（{source.name}）")
    ws.merge_cells("A2:J2")
    ws["A2"] = ("请只填写黄色的「全年完成值」和「说明」两列：完成值写实际数（可带单位，如 30000人次、96%），"
                "未达目标的写明偏差原因及改进措施。其余各列与「工作表」「单元格」两列用于回填，请勿改动或删行。")
    ws["A2"].alignment = LEFT
    ws.row_dimensions[2].height = 36
    for col, label in enumerate(HEADERS, start=1):
        put(ws, cell_address(HEADER_ROW, col), label, header=True)
    rows = collection_rows(forms)
    amount = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle="全年执行数", error="请填写不小于 0 的金额（数字）")
    note = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="500", allow_blank=True,
                          showErrorMessage=True, errorTitle="说明", error="说明请控制在 500 字以内")
    ws.add_data_validation(amount)
    ws.add_data_validation(note)
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        for col, value in enumerate(values, start=1):
            put(ws, cell_address(r, col), value, align=LEFT)
        for name in INPUTS:
            cell = ws.cell(r, COLUMN[name])
            cell.fill = INPUT_FILL
            cell.protection = Protection(locked=False)
        if values[2] == EXECUTED:
            amount.add(cell_address(r, COLUMN["全年完成值"]))
        else:
            note.add(cell_address(r, COLUMN["说明"]))
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.protection.sheet = True  # no password: it keeps rows and labels from being changed by accident
    ws.protection.formatColumns = False  # widening a column is fine
    print_setup(ws, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    return save_stable(wb, out)
