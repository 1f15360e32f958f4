"""Build the toolkit's own self-evaluation template and sheets laid out like it.

The project sheet follows the official 项目支出绩效自评表 (资金 block, 年度总体目标,
一级/二级/三级 indicator table, 总分 row, signature line) and carries
sheet-scoped defined names for every field the code reads or writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from ..core.sheets.findings import findings_sheet
from ..core.sheets.params import params_sheet
from ..core.sheets.summary import summary_sheet
from ..layouts import template as names
from ..rulesets import load_rule_set
from .save import save_stable
from .sheet_writer import add_sheet
from .style import CENTER, INPUT_FILL, LEFT, TITLE_FONT, fit_rows, print_setup, put, widths

INDICATOR_HEADERS = ["一级指标", "二级指标", "三级指标", "计量单位", "指标性质", "指标值", "全年完成值",
                     "指标权重", "指标得分", "偏离度（%）", "得分系数（%）", "是否核心指标", "偏差原因分析及改进措施"]
INDICATOR_KEYS = ["level1", "level2", "name", "unit", "op", "target", "actual",
                  "weight", "score", "deviation", "coefficient", "core", "explanation"]
INPUT_KEYS = {"actual", "explanation"}
HEADER_ROW = 12
FUNDS_ROWS = ("年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金")
SIGNATURE = "填报人：　　　　　　联系电话：　　　　　　填报日期：　　　　　　单位负责人签字："


@dataclass
class ProjectSpec:
    """What a project sheet is filled with (amounts in 万元)."""

    name: str = ""
    code: str = ""
    department: str = ""
    unit: str = ""
    year: int = 2023
    funds: dict[str, tuple[Any, Any, Any]] = field(default_factory=dict)
    """Row label (one of FUNDS_ROWS) -> (年初预算数, 全年预算数, 全年执行数)."""
    exec_weight: float | None = 10
    goal: str = ""
    goal_actual: str = ""
    indicators: list[dict[str, Any]] = field(default_factory=list)
    claimed_total: Any = None
    kind: str = "project"


def _name(ws: Worksheet, key: str, ref: str) -> None:
    quoted = ws.title.replace("'", "''")
    ws.defined_names[key] = DefinedName(key, attr_text=f"'{quoted}'!{_absolute(ref)}", localSheetId=None)


def _absolute(ref: str) -> str:
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))


def add_project_sheet(wb: Workbook, title: str, spec: ProjectSpec, *, blank_rows: int = 0) -> Worksheet:
    """A project sheet; ``blank_rows`` extra empty indicator rows for users to fill."""
    ws = wb.create_sheet(title)
    widths(ws, {"A": 11, "B": 14, "C": 24, "D": 8, "E": 7, "F": 12, "G": 12, "H": 8, "I": 8,
                "J": 9, "K": 9, "L": 7, "M": 26})
    heading = "部门整体支出绩效自评表" if spec.kind == "department" else "项目支出绩效自评表"
    ws.merge_cells("A1:M1")
    ws["A1"] = heading
    ws["A1"].font = TITLE_FONT
    ws["A1"].alignment = CENTER
    ws.row_dimensions[1].height = 30
    ws.merge_cells("A2:M2")
    ws["A2"] = f"（{spec.year}年度）"
    ws["A2"].alignment = CENTER
    _name(ws, names.TITLE, "A1")
    _name(ws, names.YEAR, "A2")
    for label_ref, label, value_ref, name, value in (
            ("A3", "项目名称", "B3:F3", names.NAME, spec.name), ("G3", "项目编码", "H3:M3", names.CODE, spec.code),
            ("A4", "主管部门", "B4:F4", names.DEPT, spec.department), ("G4", "实施单位", "H4:M4", names.UNIT, spec.unit)):
        put(ws, label_ref, label, header=True)
        put(ws, value_ref, value, align=LEFT)
        _name(ws, name, value_ref.split(":")[0])
    put(ws, "A5:A9", "项目资金\n（万元）", header=True)
    put(ws, "B5", "", header=True)
    for col, label in zip("CDEFGH", ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")):
        put(ws, f"{col}5", label, header=True)
    put(ws, "I5:M9", "", align=LEFT)
    for offset, label in enumerate(FUNDS_ROWS):
        r = 6 + offset
        put(ws, f"B{r}", label, header=True)
        for col, value in zip("CDE", spec.funds.get(label, (None, None, None))):
            put(ws, f"{col}{r}", value, number_format="#,##0.00")
            ws[f"{col}{r}"].fill = INPUT_FILL
        for col in "FGH":
            if r > 6:
                put(ws, f"{col}{r}", "")
    for ref, name, value, fmt in (("F6", names.EXEC_WEIGHT, spec.exec_weight, "0.00"),
                                  ("G6", names.EXEC_RATE, None, "0.00%"), ("H6", names.EXEC_SCORE, None, "0.00")):
        put(ws, ref, value, number_format=fmt)
        _name(ws, name, ref)
    _name(ws, names.FUNDS, "A5:H9")
    put(ws, "A10:A11", "年度总体目标", header=True)
    put(ws, "B10:G10", "预期目标", header=True)
    put(ws, "H10:M10", "实际完成情况", header=True)
    put(ws, "B11:G11", spec.goal, align=LEFT)
    put(ws, "H11:M11", spec.goal_actual, align=LEFT)
    ws.row_dimensions[11].height = 60
    for col, label in zip("ABCDEFGHIJKLM", INDICATOR_HEADERS):
        put(ws, f"{col}{HEADER_ROW}", label, header=True)
    rows = spec.indicators + [{} for _ in range(blank_rows)]
    for i, ind in enumerate(rows):
        r = HEADER_ROW + 1 + i
        for col, key in zip("ABCDEFGHIJKLM", INDICATOR_KEYS):
            value = ind.get(key)
            align = LEFT if key in ("name", "explanation", "level1", "level2") else CENTER
            put(ws, f"{col}{r}", value, align=align,
                number_format="0.00" if key in ("score", "deviation", "coefficient") else None)
            if key in INPUT_KEYS:
                ws[f"{col}{r}"].fill = INPUT_FILL
    last = HEADER_ROW + max(len(rows), 1)
    _name(ws, names.INDICATORS, f"A{HEADER_ROW}:M{last}")
    total_row = last + 1
    put(ws, f"A{total_row}:G{total_row}", "总分", header=True)
    put(ws, f"H{total_row}", None, number_format="0.00")
    put(ws, f"I{total_row}", spec.claimed_total, number_format="0.00")
    put(ws, f"J{total_row}:K{total_row}", "评价等级", header=True)
    put(ws, f"L{total_row}:M{total_row}", None)
    _name(ws, names.TOTAL, f"I{total_row}")
    _name(ws, names.GRADE, f"L{total_row}")
    sign = total_row + 2
    ws.merge_cells(f"A{sign}:M{sign}")
    ws[f"A{sign}"] = SIGNATURE
    ws[f"A{sign}"].alignment = LEFT
    print_setup(ws, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    ws.print_area = f"A1:M{sign}"
    fit_rows(ws)
    return ws


def template_workbook(*, year: int = 2023, rule_set: str = "default") -> Workbook:
    """The blank template: a project sheet, 参数, 表11 and 校验结果 (the .xlsm add-in template adds its macros to it)."""
    wb = Workbook()
    wb.remove(wb.active)
    add_project_sheet(wb, "项目1", ProjectSpec(year=year), blank_rows=10)
    for sheet in (params_sheet(load_rule_set(rule_set)), summary_sheet([], year=year), findings_sheet([], ["项目1"])):
        add_sheet(wb, sheet)
    return wb


def build_template(path: str | Path, *, year: int = 2023, rule_set: str = "default") -> Path:
    return save_stable(template_workbook(year=year, rule_set=rule_set), path)
