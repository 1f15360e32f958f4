"""The hierarchical 项目支出绩效自评表 (Hunan, Anhui, Jiangxi…) filled in the way units fill it by hand.

:func:`build_hierarchical` writes any list of :class:`Project` into the form:
title and "（2023年度）", 项目名称 / 主管部门 / 实施单位, the 项目资金（万元）
block, 年度总体目标, the indicator table with 一级 and 二级 merged over their
rows and 一级 labels carrying their points ("产出指标（50分）"), a 总分 row and
the signature line.  Values and points are text ("≥95%", "10分"); some cells
carry the stray full-width spaces and line breaks of real forms.  One project
per sheet, or all stacked in one sheet.

:func:`build_yuzhong_hierarchical` and :func:`build_yushui_hierarchical` put the
seeds' numbers (000: 渝中区 2023, 004: 渝水区 2022) into this form, so the
toolkit can be shown to score them as it scores their own layouts.  Neither seed
gives 一级/二级 indicators; ``LEVELS`` assigns them by the indicator's name
(满意度 → 满意度指标 / 服务对象满意度指标 is the only obvious one; the rest is
our judgement, written out in ``LEVELS``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from xl_tools.core.rounding import fmt_number
from xl_tools.core.values import Kind, parse_value
from xl_tools.workbook.save import save_stable
from xl_tools.workbook.style import CENTER, LEFT, TITLE_FONT, print_setup, put, set_value, widths
from xl_tools.workbook.template import FUNDS_ROWS, SIGNATURE

from tests.helpers.samples.seed_forms import YUZHONG_TABLES
from tests.helpers.samples.yushui import DEPARTMENT as YUSHUI_DEPARTMENT
from tests.helpers.samples.yushui import PROJECTS as YUSHUI_PROJECTS

__all__ = [
    "Indicator",
    "Project",
    "build_hierarchical",
    "build_yushui_hierarchical",
    "build_yuzhong_hierarchical",
    "yushui_projects",
    "yuzhong_projects",
]

INDICATOR_HEADER = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分")
FUNDS_HEADER = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率")
GAP_ROWS = 2
"""Blank rows between stacked forms."""


@dataclass
class Indicator:
    """One 三级指标 row, texts as written ("≥95%", "23.45万人", "10分")."""

    level1: str
    """Without points: the builder writes "产出指标（50分）" from the points under it."""
    level2: str
    name: str
    target: str
    actual: str
    points: float
    score: Any = None
    """The claimed 得分 as written ("10分")."""
    explanation: str | None = None


@dataclass
class Project:
    """One form's content: amounts in 万元, texts as the unit writes them."""

    name: str
    department: str
    unit: str
    funds: dict[str, tuple[Any, Any, Any]]
    """Row label (one of FUNDS_ROWS) -> (年初预算数, 全年预算数, 全年执行数) in 万元."""
    indicators: list[Indicator]
    exec_points: float = 10
    exec_rate: float | None = None
    """The claimed 执行率 as a fraction (a "100%" typed into a percent cell)."""
    exec_score: Any = None
    goal: str = ""
    goal_actual: str = ""
    claimed_total: Any = None
    year: int = 2023
    department_form: bool = False
    stated_points: dict[str, float] = field(default_factory=dict)
    """一级 -> the points its label states where they differ from the sum under it (a mistake)."""


def _stray(text: Any, i: int) -> Any:
    """Some text cells with the blanks and breaks of a hand-filled form ("　\\n　　30分", "96%\\n")."""
    if not isinstance(text, str) or not text:
        return text
    return (text, text, f"　\n　　{text}", text, text, f"{text}\n")[i % 6]


def _grouped(indicators: list[Indicator]) -> list[Indicator]:
    """Rows ordered by 一级 then 二级 (first appearance), so each can be one merged cell."""
    first1 = {ind.level1: i for i, ind in reversed(list(enumerate(indicators)))}
    first2 = {(ind.level1, ind.level2): i for i, ind in reversed(list(enumerate(indicators)))}
    return sorted(indicators, key=lambda ind: (first1[ind.level1], first2[(ind.level1, ind.level2)]))


def _column_ref(col: str, first: int, last: int) -> str:
    return f"{col}{first}:{col}{last}" if last > first else f"{col}{first}"


def _merge_runs(ws: Worksheet, col: str, rows: list[int], keys: list[tuple[str, ...]], labels: list[str]) -> None:
    """Write each run of rows with equal keys as one vertically merged cell holding its label."""
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or keys[i] != keys[start]:
            put(ws, _column_ref(col, rows[start], rows[i - 1]), labels[start])
            start = i


def _write_project(ws: Worksheet, top: int, project: Project) -> int:
    """One form from row ``top`` (columns A:J); returns the row after its signature line."""
    title = "部门整体支出绩效自评表" if project.department_form else "项目支出绩效自评表"
    for r, text in ((top, title), (top + 1, f"（{project.year}年度）")):
        ws.merge_cells(f"A{r}:J{r}")
        set_value(ws[f"A{r}"], text)
        ws[f"A{r}"].alignment = CENTER
    ws[f"A{top}"].font = TITLE_FONT
    ws.row_dimensions[top].height = 30
    r = top + 2
    put(ws, f"A{r}", "项目名称", header=True)
    put(ws, f"B{r}:J{r}", project.name, align=LEFT)
    put(ws, f"A{r + 1}", "主管部门", header=True)
    put(ws, f"B{r + 1}:E{r + 1}", project.department, align=LEFT)
    put(ws, f"F{r + 1}:G{r + 1}", "实施单位", header=True)
    put(ws, f"H{r + 1}:J{r + 1}", project.unit, align=LEFT)

    r = top + 4  # 项目资金 block: a header row and the four FUNDS_ROWS
    put(ws, f"A{r}:A{r + len(FUNDS_ROWS)}", "项目资金（万元）", header=True)
    put(ws, f"B{r}:C{r}", None, header=True)
    for col, label in zip("DEFGH", FUNDS_HEADER):
        put(ws, f"{col}{r}", label, header=True)
    put(ws, f"I{r}:J{r}", "得分", header=True)
    for offset, label in enumerate(FUNDS_ROWS, start=1):
        row = r + offset
        put(ws, f"B{row}:C{row}", label, align=LEFT)
        for col, amount in zip("DEF", project.funds.get(label, (None, None, None))):
            put(ws, f"{col}{row}", amount, number_format="#,##0.00")
        first = offset == 1
        put(ws, f"G{row}", project.exec_points if first else "—")
        put(ws, f"H{row}", project.exec_rate if first else "—", number_format="0.00%" if first else None)
        put(ws, f"I{row}:J{row}", project.exec_score if first else "—")

    r = top + 5 + len(FUNDS_ROWS)  # 年度总体目标
    put(ws, f"A{r}:A{r + 1}", "年度总体目标", header=True)
    put(ws, f"B{r}:F{r}", "预期目标", header=True)
    put(ws, f"G{r}:J{r}", "实际完成情况", header=True)
    put(ws, f"B{r + 1}:F{r + 1}", project.goal, align=LEFT)
    put(ws, f"G{r + 1}:J{r + 1}", project.goal_actual, align=LEFT)
    ws.row_dimensions[r + 1].height = 54

    header = _indicator_header_row(top)
    for col, label in zip("BCDEFGH", INDICATOR_HEADER):
        put(ws, f"{col}{header}", label, header=True)
    put(ws, f"I{header}:J{header}", "偏差原因分析及改进措施", header=True)
    rows = _grouped(project.indicators)
    numbers = list(range(header + 1, header + 1 + len(rows)))
    last = numbers[-1] if numbers else header
    put(ws, _column_ref("A", header, last), "绩效指标", header=True)
    sums: dict[str, float] = {}
    for ind in rows:
        sums[ind.level1] = sums.get(ind.level1, 0) + ind.points
    _merge_runs(ws, "B", numbers, [(ind.level1,) for ind in rows],
                [f"{ind.level1}\n（{fmt_number(project.stated_points.get(ind.level1, sums[ind.level1]))}分）"
                 for ind in rows])
    _merge_runs(ws, "C", numbers, [(ind.level1, ind.level2) for ind in rows], [ind.level2 for ind in rows])
    for i, (row, ind) in enumerate(zip(numbers, rows)):
        put(ws, f"D{row}", ind.name, align=LEFT)
        put(ws, f"E{row}", _stray(ind.target, i + 2))
        put(ws, f"F{row}", _stray(ind.actual, i + 1))
        put(ws, f"G{row}", _stray(f"{fmt_number(ind.points)}分", i))
        put(ws, f"H{row}", _stray(ind.score, i + 4))
        put(ws, f"I{row}:J{row}", ind.explanation, align=LEFT)
        ws.row_dimensions[row].height = 30  # room for the wrapped "产出指标\n（50分）" and stray breaks

    total = last + 1
    put(ws, f"A{total}:F{total}", "总分", header=True)
    put(ws, f"G{total}", project.exec_points + sum(ind.points for ind in rows))
    put(ws, f"H{total}", project.claimed_total)
    put(ws, f"I{total}:J{total}", None)
    sign = total + 1
    ws.merge_cells(f"A{sign}:J{sign}")
    ws[f"A{sign}"] = SIGNATURE
    ws[f"A{sign}"].alignment = LEFT
    return sign + 1


def _indicator_header_row(top: int) -> int:
    """The indicator table's header row of a form starting at ``top`` (after title, names, funds and goal)."""
    return top + 7 + len(FUNDS_ROWS)


def _sheet_title(name: str) -> str:
    return re.sub(r"[:\\/?*\[\]]", "", name)[:31]


def build_hierarchical(path: str | PathLike[str], projects: list[Project], *, one_sheet: bool = False) -> Path:
    """The projects in the hierarchical form: one sheet each, or stacked in one sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    ws = None
    top = 1
    for project in projects:
        if ws is None or not one_sheet:
            ws = wb.create_sheet("项目支出绩效自评表" if one_sheet else _sheet_title(project.name))
            widths(ws, {"A": 7, "B": 13, "C": 12, "D": 24, "E": 14, "F": 14, "G": 8, "H": 8, "I": 12, "J": 12})
            header = _indicator_header_row(1)
            print_setup(ws, landscape=True, title_rows=None if one_sheet else f"{header}:{header}")
            top = 1
        else:  # each stacked form starts a page: their headers differ, none can repeat
            ws.row_breaks.append(Break(id=top - 1))
        top = _write_project(ws, top, project) + GAP_ROWS
    return save_stable(wb, path, creator="xl_tools samples")


# --------------------------------------------------------------------------- the seeds' numbers

LEVELS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    # (words in the indicator's name, 一级, 二级); the first match wins.  "政策" takes seed 000's
    # 居民医保财政补助政策, an export-truncated 政策知晓率.
    (("满意",), "满意度指标", "服务对象满意度指标"),
    (("知晓", "政策", "参保率", "参保面", "效果", "提升", "需要"), "效益指标", "社会效益指标"),
    (("改革", "可持续", "运转"), "效益指标", "可持续影响指标"),
    (("成本",), "产出指标", "成本指标"),
    (("及时", "响应", "办结"), "产出指标", "时效指标"),
    (("率", "比例"), "产出指标", "质量指标"),
    ((), "产出指标", "数量指标"),
)


def level_of(name: str) -> tuple[str, str]:
    """(一级, 二级) for an indicator the seed lists without them."""
    return next((l1, l2) for words, l1, l2 in LEVELS if not words or any(w in name for w in words))


def _indicator(name: str, target: str, actual: str, points: float, score: Any, explanation: str | None = None
               ) -> Indicator:
    return Indicator(*level_of(name), name=name, target=target, actual=actual, points=points, score=score,
                     explanation=explanation)


# seed 000 in 万元, converted by hand from its 元 (年初预算数, 全年（调整）预算数, 全年执行数):
# 120,996,011.79 元 = 12099.601179 万元; 125,738,993.70 元 = 12573.89937 万元; 16,710,000.00 = 1671;
# 20,040,000.00 = 2004; 14,130,000.00 = 1413; 1,460,000.00 = 146.
YUZHONG_FUNDS_WAN: dict[str, tuple[float, float, float]] = {
    "重庆市渝中区医疗保障局整体": (12099.601179, 12573.89937, 12573.89937),
    "医疗救助专项经费（残保金）": (1671, 2004, 2004),
    "居民医保财政补助资金": (1413, 1413, 1413),
    "购买窗口服务专项经费": (146, 146, 146),
}
YUZHONG_DEPARTMENT = "重庆市渝中区医疗保障局"


def yuzhong_projects() -> list[Project]:
    """Seed 000's 部门整体 and three 二级项目: the export's unit and 指标性质 columns go into the values."""
    projects = []
    for table in YUZHONG_TABLES:
        indicators = [_indicator(name, f"{op}{target}{unit}", f"{actual}{unit}", weight, f"{score}分", note)
                      for name, unit, op, target, actual, _dev, _coef, weight, score, _core, note
                      in table["indicators"]]
        funds = YUZHONG_FUNDS_WAN[table["name"]]
        projects.append(Project(
            name=table["name"], department=YUZHONG_DEPARTMENT, unit=YUZHONG_DEPARTMENT,
            funds={FUNDS_ROWS[0]: funds, FUNDS_ROWS[1]: funds}, indicators=indicators,
            exec_rate=1, exec_score=10, goal=table["targets"][1], goal_actual=table["targets"][2],
            claimed_total=table["score"], department_form="部门整体" in table["title"]))
    return projects


def build_yuzhong_hierarchical(path: str | PathLike[str], *, one_sheet: bool = False) -> Path:
    return build_hierarchical(path, yuzhong_projects(), one_sheet=one_sheet)


# seed 004, "2、绩效目标": one goal per project
YUSHUI_GOALS: dict[str, str] = {
    "医疗救助补助资金": "缓解困难人员医疗费用负担，缓解因病致贫、因病返贫现象。",
    "社会保险基金征缴激励经费": "强化医保基金扩面征缴，参保率稳定在95%以上。",
    "医疗服务与保障能力提升补助资金": "提升医保管理水平，提高医保经办服务能力。",
    "乡村振兴帮扶资金": "有效改善农村人居环境，改善乡村基础设施。",
    "政府购买服务": "有效解决人员编制不足矛盾，更好提升医保经办服务能力。",
    "宣传印刷费": "加大医保政策宣传力度，提高医保政策知晓率，保障参保人及时全面享受医保待遇。",
    "软件维护费": "保障医保信息系统正常运行，保证参保人就医需要。",
    "三联单印刷费": "保障医保经办表格需要，保证参保人正常办理医保业务。",
    "IC卡制作费": "保障参保人临时用卡需要，保证参保人正常就医。",
}


def _with_unit(target: str, actual: str) -> str:
    """The report gives units only with the actual value ("≥30000，实际完成30000人次"); the form with both."""
    value = parse_value(target)
    if value.kind is Kind.QUANTITATIVE and value.unit is None:
        return target + (parse_value(actual).unit or "")
    return target


def yushui_projects(*, totals_left_at_zero: bool = False) -> list[Project]:
    """Seed 004's nine projects; ``totals_left_at_zero`` leaves 年度资金总额 at 0 as real forms do."""
    projects = []
    for name, amount, rows in YUSHUI_PROJECTS:
        indicators = [_indicator(n, _with_unit(t, a), a, w, f"{fmt_number(w)}分") for n, t, a, w in rows]
        funds = {FUNDS_ROWS[0]: (0, 0, 0) if totals_left_at_zero else (amount, amount, amount),
                 FUNDS_ROWS[1]: (amount, amount, amount)}
        projects.append(Project(
            name=f"{name}项目", department=YUSHUI_DEPARTMENT, unit=YUSHUI_DEPARTMENT, funds=funds,
            indicators=indicators, exec_rate=1, exec_score=10, goal=YUSHUI_GOALS[name], claimed_total="100分",
            year=2022))
    return projects


def build_yushui_hierarchical(path: str | PathLike[str], *, one_sheet: bool = False,
                              totals_left_at_zero: bool = False) -> Path:
    return build_hierarchical(path, yushui_projects(totals_left_at_zero=totals_left_at_zero), one_sheet=one_sheet)
