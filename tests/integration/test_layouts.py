"""Layout readers: the seeds' workbooks, small hand-made workbooks, and the reading interface.

Every expected number below comes from the seeds (/work/shared/seeds, copied in
here: tests do not read that folder) or from the hand computation written next
to it; none is taken from a run of the code under test.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from xl_tools.core.sheets.params import params_sheet
from xl_tools.jobs.run import run
from xl_tools.workbook.sheet_writer import add_sheet
from xl_tools.jobs.score import score
from xl_tools.jobs.evaluation import evaluate_book, read_book
from xl_tools.core.errors import NothingRecognised
from xl_tools.core.model import FileResult, ProjectResult
from xl_tools.rulesets import load_rule_set
from xl_tools.core.values import parse_value
from xl_tools.layouts.detect import detect
from xl_tools.reading.grid import CellRange
from xl_tools.workbook.template import (
    ProjectSpec,
    add_project_sheet,
    build_template,
)

from tests.helpers.packages import rewrite_part
from tests.helpers.samples.seed_forms import build_changshou_2021, build_yuzhong_2023
from tests.helpers.samples.yushui import build_yushui_2022


@pytest.fixture(scope="module")
def yuzhong(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_yuzhong_2023(tmp_path_factory.mktemp("yz") / "渝中区2023.xlsx")


@pytest.fixture(scope="module")
def changshou(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_changshou_2021(tmp_path_factory.mktemp("cs") / "长寿区2021.xlsx")


@pytest.fixture(scope="module")
def yushui(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_yushui_2022(tmp_path_factory.mktemp("ys") / "渝水区2022.xlsx")


def codes(findings: list[Any], code: str) -> list[Any]:
    return [f for f in findings if f.code == code]


def by_sheet(result: FileResult) -> dict[str, ProjectResult]:
    return {p.sheet: p for p in result.projects}


# =========================================================================== seed 000
# 重庆市渝中区医疗保障局 2023, budget-system export: 1 部门整体 + 3 二级项目 tables.

YZ_NAMES = ["重庆市渝中区医疗保障局整体", "医疗救助专项经费（残保金）", "居民医保财政补助资金", "购买窗口服务专项经费"]
YZ_CODES = ["50010300023P000076", "50010322T000000088769", "50010322T000002013408", "50010322T000000089066"]
# 全年（调整）预算数 = 全年执行数 in 元 as the seed prints them, and the same in 万元 (÷ 10,000):
# 125,738,993.70 元 = 12573.89937 万元; 20,040,000.00 = 2004; 14,130,000.00 = 1413; 1,460,000.00 = 146.
YZ_BUDGETS_WAN = [12573.89937, 2004.0, 1413.0, 146.0]
# indicator weights per table (seed): department 10+10+10+10+10+10+5+10+15+10 = 100,
# the projects 12+13+13+12+15+15+10 = 90, 20+15+15+15+15+5+5 = 90, 15+15+10+10+20+20 = 90.
YZ_WEIGHT_TOTALS = [100.0, 90.0, 90.0, 90.0]


def test_yuzhong_four_export_tables(yuzhong: Path) -> None:
    result = score(yuzhong).scored
    assert [p.layout for p in result.projects] == ["export"] * 4
    assert [p.type for p in result.projects] == ["department", "project", "project", "project"]
    assert [p.name for p in result.projects] == YZ_NAMES
    assert "（残保金）" in result.projects[1].name  # full-width brackets kept as written
    assert [p.code for p in result.projects] == YZ_CODES
    assert [len(p.indicators) for p in result.projects] == [10, 7, 7, 6]
    assert [p.weight_total for p in result.projects] == YZ_WEIGHT_TOTALS


def test_yuzhong_amounts_converted_from_yuan(yuzhong: Path) -> None:
    evaluation = score(yuzhong)
    assert [f.funds.money_unit for f in evaluation.forms] == ["元"] * 4
    for project, expected in zip(evaluation.scored.projects, YZ_BUDGETS_WAN):
        assert project.budget == pytest.approx(expected, abs=1e-9)
        assert project.executed == pytest.approx(expected, abs=1e-9)
        assert project.execution_rate == 100.0
        # 执行率权重 10.00 is printed on each form (F8): 10 × 100% = 10
        assert project.execution_weight == 10.0
        assert project.execution_score == 10.0


def test_yuzhong_deviations_recomputed(yuzhong: Path) -> None:
    department = score(yuzhong).scored.projects[0]
    deviations = {i.name: i.deviation for i in department.indicators}
    # (15385 − 14500) / 14500 × 100 = 6.1034… → 6.1;  (85206 − 60000) / 60000 × 100 = 42.01
    assert deviations["医疗救助参保资助人数"] == 6.1
    assert deviations["医疗救助门诊救助人次数"] == 42.01
    others = [d for n, d in deviations.items() if n not in ("医疗救助参保资助人数", "医疗救助门诊救助人次数")]
    assert others == [0.0] * 8
    # both beat their ≥ targets: full weight, as the seed's 得分系数 100 says
    assert all(i.score == i.weight for i in department.indicators)


def test_yuzhong_totals_and_weight_error(yuzhong: Path) -> None:
    result = score(yuzhong).scored
    # department: 10 (执行率) + 100 (its indicators) = 110; projects: 10 + 90 = 100
    assert [p.total for p in result.projects] == [110.0, 100.0, 100.0, 100.0]
    assert [p.claimed_total for p in result.projects] == [100.0] * 4
    errors = [f for f in result.all_findings() if f.level.value == "error"]
    assert [(f.code, f.sheet) for f in errors] == [("WEIGHT_TOTAL", "部门整体")]
    assert "100" in errors[0].message and "90" in errors[0].message
    assert [f.sheet for f in codes(result.all_findings(), "CLAIMED_TOTAL_DIFF")] == ["部门整体"]


def test_yuzhong_truncated_names_and_copied_actuals(yuzhong: Path) -> None:
    findings = score(yuzhong).scored.all_findings()
    # exactly 20 GBK bytes (10 Chinese characters, or 4 digits + 8 characters) and not ending like a
    # complete name (率/数/度…): cut by the export.  重大疾病住院救助人数 is 20 bytes too but complete.
    truncated = {(f.sheet, f.cell) for f in codes(findings, "NAME_TRUNCATED")}
    assert truncated == {
        ("医疗救助专项经费（残保金）", "A19"),  # 区内医疗救助对象参保
        ("居民医保财政补助资金", "A15"),  # 2022年我区居民医保财
        ("居民医保财政补助资金", "A16"),  # 区级补助及时足额发放
        ("居民医保财政补助资金", "A17"),  # 市级补助及时足额发放
        ("居民医保财政补助资金", "A19"),  # 居民医保财政补助政策
        ("购买窗口服务专项经费", "A18"),  # 对聘用人员开展业务培
    }
    # the three projects report every 完成值 equal to its 指标值; the department does not (15385, 85206)
    copied = [f.sheet for f in codes(findings, "ACTUALS_COPIED")]
    assert copied == ["医疗救助专项经费（残保金）", "居民医保财政补助资金", "购买窗口服务专项经费"]


# =========================================================================== seed 003
# 重庆市长寿区医疗保障局 2021: 表10 部门整体, 表11 汇总 (16 projects), 表12 one project.

CS_T12_NAME = "2021年医疗服务与保障能力提升(医疗保障能力提升部分)中央补助资金"
CS_T12_INDICATORS = [
    # (指标名称, 分值, kind)
    ("资金到位率", 10, "quantitative"),
    ("建档立卡贫困人口参保率", 15, "quantitative"),
    ("定点医药机构监督检查覆盖率", 15, "quantitative"),
    ("到位及时率", 15, "quantitative"),
    ("资金使用合规性", 15, "qualitative"),
    ("医疗服务水平", 15, "qualitative"),
    ("参保人员对医保服务的满意度", 15, "quantitative"),
]
CS_T11 = [  # (序号, 项目名称, 预算数, 执行数, 自评得分) as the seed's 表11 prints them (万元)
    (1, "2021年城乡居民基本医疗保险工作经费市级补助资金", 31, 31, 100),
    (2, "西部志愿者项目补助", 15.64, 15.64, 100),
    (3, "医保基金专项审计", 18.06, 18.06, 100),
    (4, "医保网络维护费", 15, 15, 100),
    (5, "医保政策宣传及培训费", 19.76, 19.76, 100),
    (6, "村社区医保业务信息化建设及医保基金监管", 54.41, 54.41, 100),
    (7, CS_T12_NAME, 52, 52, 100),
    (8, "结转2020年医疗服务与保障服务能力提升中央补助资金", 20, 20, 100),
    (9, "结转2020年社会保障专项项目第二批", 199.5, 199.5, 100),
    (10, "边缘易致贫人口参加2021年城乡居民医疗保险资金", 1.86, 1.86, 100),
    (11, "街镇-居民医保工作经费", 266.31, 266.31, 100),
    (12, "代列-特殊人群医疗补助", 3600, 3600, 100),
    (13, "代列-医疗救助资金", 5235.75, 5235.75, 100),
    (14, "代列-资助参保医疗补助资金", 680, 680, 100),
    (15, "国有企业“单双解”人员和关闭破产解体城镇集体所有制企业退休人员以个人身份参加城镇职工医疗保险补助",
     36, 36, 100),
    (16, "代列-城乡居民医保补助", 5443.5, 5443.5, 100),
]
# by hand: 31 + 15.64 = 46.64; + 18.06 = 64.70; + 15 = 79.70; + 19.76 = 99.46; + 54.41 = 153.87;
# + 52 = 205.87; + 20 = 225.87; + 199.5 = 425.37; + 1.86 = 427.23; + 266.31 = 693.54;
# + 3600 = 4293.54; + 5235.75 = 9529.29; + 680 = 10209.29; + 36 = 10245.29; + 5443.5 = 15688.79
CS_T11_BUDGET_SUM = 15688.79
CS_T10_BUDGET = 973.90


def test_changshou_table12(changshou: Path) -> None:
    result = score(changshou).scored
    t12 = by_sheet(result)["表12"]
    assert (t12.layout, t12.type, t12.name) == ("table12", "project", CS_T12_NAME)
    assert (t12.budget, t12.executed, t12.execution_rate) == (52.0, 52.0, 100.0)
    # no separate 执行率 weight: the seven 分值 add up to 100 on their own
    assert t12.execution_weight == 0
    assert t12.execution_score is None
    assert [(i.name, i.weight, i.kind) for i in t12.indicators] == [
        (n, float(w), k) for n, w, k in CS_T12_INDICATORS]
    assert t12.weight_total == 100.0
    assert (t12.total, t12.claimed_total, t12.grade) == (100.0, 100.0, "优")
    assert not [f for f in t12.findings if f.level.value != "info"]


def test_changshou_table10(changshou: Path) -> None:
    t10 = by_sheet(score(changshou).scored)["表10"]
    assert (t10.layout, t10.type, t10.name) == ("table10", "department", "重庆市长寿区医疗保障局")
    assert (t10.budget, t10.executed) == (CS_T10_BUDGET, CS_T10_BUDGET)
    assert t10.claimed_total is None
    (claimed,) = codes(t10.findings, "CLAIMED_NOT_NUMBER")
    assert (claimed.sheet, claimed.cell) == ("表10", "D4")
    assert "阳宏15808027144" in claimed.message


def test_changshou_table11_read_as_summary(changshou: Path) -> None:
    found = detect(read_book(changshou))
    (summary,) = found.summaries
    assert summary.sheet == "表11"
    assert summary.money_unit == "万元"
    assert [r.name for r in summary.rows] == [name for _, name, *_ in CS_T11]
    assert [r.budget.value for r in summary.rows] == [b for _, _, b, _, _ in CS_T11]
    assert [r.executed.value for r in summary.rows] == [e for _, _, _, e, _ in CS_T11]
    assert [r.score.value for r in summary.rows] == [s for *_, s in CS_T11]


def test_changshou_summary_exceeds_department_budget(changshou: Path) -> None:
    result = score(changshou).scored
    (mismatch,) = codes(result.findings, "SUMMARY_MISMATCH")
    assert mismatch.sheet == "表11"
    assert "15688.79" in mismatch.message
    assert "973.9" in mismatch.message
    # 表12's own project agrees with its 表11 row (52 / 52 / 100): no row-level mismatch
    assert len(codes(result.all_findings(), "SUMMARY_MISMATCH")) == 1


# =========================================================================== seed 004
# 新余市渝水区医保局 2022 in the toolkit's template; budgets = executed (万元) and points per the report.

YS_PROJECTS = [  # (sheet, 预算 = 执行 万元, Σ indicator points as the report lists them)
    ("医疗救助补助资金", 1546.43, 20 + 20 + 10 + 10 + 10 + 10 + 5 + 5),
    ("社会保险基金征缴激励经费", 80, 20 + 20 + 20 + 10 + 10 + 10),
    ("医疗服务与保障能力提升补助资金", 83, 10 + 10 + 5 + 5 + 10 + 5 + 10 + 10 + 5 + 10 + 5 + 5),
    ("乡村振兴帮扶资金", 3, 20 + 20 + 10 + 20 + 10 + 10),
    ("政府购买服务", 7.17, 20 + 20 + 20 + 10 + 20),
    ("宣传印刷费", 5, 20 + 20 + 20 + 20 + 10),
    ("软件维护费", 5, 20 + 20 + 20 + 10 + 20),
    ("三联单印刷费", 3.4, 20 + 20 + 20 + 20 + 20),
    ("IC卡制作费", 2, 20 + 20 + 20 + 20 + 10 + 10),
]


def test_yushui_nine_template_projects(yushui: Path) -> None:
    result = score(yushui).scored
    assert [p.sheet for p in result.projects] == [s for s, _, _ in YS_PROJECTS]
    assert [p.layout for p in result.projects] == ["template"] * 9
    assert [p.budget for p in result.projects] == [float(b) for _, b, _ in YS_PROJECTS]
    assert [p.executed for p in result.projects] == [float(b) for _, b, _ in YS_PROJECTS]
    # the report: "9个项目预算总额是1735万元"
    assert sum(p.budget for p in result.projects) == pytest.approx(1735)
    assert [p.weight_total for p in result.projects] == [float(w) for _, _, w in YS_PROJECTS]
    assert [w for _, _, w in YS_PROJECTS] == [90] * 7 + [100] * 2


def test_yushui_weight_errors_and_totals(yushui: Path) -> None:
    result = score(yushui).scored
    errors = [(f.code, f.sheet) for f in result.all_findings() if f.level.value == "error"]
    assert errors == [("WEIGHT_TOTAL", "三联单印刷费"), ("WEIGHT_TOTAL", "IC卡制作费")]
    # every indicator met its target: 10 + 90 = 100, and 10 + 100 = 110 (the plain sum, not capped)
    assert [p.total for p in result.projects] == [100.0] * 7 + [110.0] * 2
    assert [p.claimed_total for p in result.projects] == [100.0] * 9


def test_yushui_rule_set_from_params_sheet(yushui: Path) -> None:
    result = score(yushui).scored
    assert result.rule_set == "jiangxi_yushui"
    assert result.settings["grades"]["source"] == "参数表（规则集 jiangxi_yushui）"
    assert result.settings["execution.weight"]["value"] == 10
    # an explicit choice beats the 参数 sheet
    assert score(yushui, "national_platform").scored.rule_set == "national_platform"


# =========================================================================== small workbooks
# One export table, built cell by cell.  Its figures by hand:
#   全年预算数 1,000,000.00 元 = 100 万元, 全年执行数 900,000.00 元 = 90 万元 → 执行率 90 %,
#   执行率得分 10 × 90 % = 9;  参保人数 ≥ 1000, 完成 800, weight 30 → 30 × 800 / 1000 = 24;
#   业务办结率 ＝ 100, 完成 100 → 30;  服务对象满意度 ≥ 90, 完成 95 → 30.
#   Σ indicators 84, total 9 + 84 = 93 (claimed 100).

EXPORT_HEADER = ("指标名称", "计量单位", "指标性质", "指标值", "全年完成值", "偏离度（%）", "得分系数（%）",
                 "指标权重", "指标得分", "是否核心指标", "说明")
FUNDS_HEADER = ("", "年初预算数", "全年（调整）预算数", "全年执行数", "执行率", "执行率权重", "执行率得分")
SMALL_INDICATORS: list[tuple[Any, ...]] = [
    ("参保人数", "人", "≥", 1000, 800, None, None, 30, 30, "是", None),
    ("业务办结率", "%", "＝", 100, 100, None, None, 30, 30, "是", None),
    ("服务对象满意度", "%", "≥", 90, 95, None, None, 30, 30, "否", None),
]
SMALL_FUNDS = ("1,000,000.00", "1,000,000.00", "900,000.00")
SMALL_EXPECTED = [("参保人数", 1000.0, 800.0, 30.0, 24.0), ("业务办结率", 100.0, 100.0, 30.0, 30.0),
                  ("服务对象满意度", 90.0, 95.0, 30.0, 30.0)]


def export_table(ws: Any, top: int, *, name: str = "某项目", code: str = "X001",
                 columns: tuple[str, ...] = EXPORT_HEADER, one_cell: bool = False,
                 funds: tuple[Any, Any, Any] = SMALL_FUNDS, unit_line: str | None = None,
                 blank_rows_inside: int = 0, indicators: list[tuple[Any, ...]] | None = None,
                 status_line: bool = True) -> int:
    """An export-like table from row ``top``; returns the first row after it."""
    r = top
    ws.cell(r, 1, "2023年度二级项目绩效自评表")
    r += 1
    if status_line:
        ws.cell(r, 1, "状态：部门审核已审")
        r += 1
    if one_cell:
        ws.cell(r, 1, f"项目名称：{name}")
        ws.cell(r, 5, f"项目编码：{code}")
        ws.cell(r, 8, "自评总分：100.00")
    else:
        for col, value in ((1, "项目名称："), (2, name), (5, "项目编码："), (6, code), (8, "自评总分："), (9, 100)):
            ws.cell(r, col, value)
    r += 1
    if unit_line:
        ws.cell(r, 1, unit_line)
        r += 1
    ws.cell(r, 1, "资金情况")
    r += 1
    for col, label in enumerate(FUNDS_HEADER, start=1):
        if label:
            ws.cell(r, col, label)
    r += 1
    ws.cell(r, 1, "年度总金额")
    for col, amount in enumerate(funds, start=2):
        ws.cell(r, col, amount)
    r += 1
    ws.cell(r, 1, "其中：财政拨款")
    for col, amount in enumerate(funds, start=2):
        ws.cell(r, col, amount)
    ws.cell(r, 6, "10.00")
    r += 1
    ws.cell(r, 1, "绩效指标")
    r += 1
    for col, label in enumerate(columns, start=1):
        ws.cell(r, col, label)
    r += 1
    for i, row in enumerate(indicators or SMALL_INDICATORS):
        values = dict(zip(EXPORT_HEADER, row))
        for col, label in enumerate(columns, start=1):
            ws.cell(r, col, values[label])
        r += 1
        if i == 0:
            r += blank_rows_inside
    return r


def one_sheet_book(path: Path, **kwargs: Any) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    export_table(ws, kwargs.pop("top", 1), **kwargs)
    wb.save(path)
    return path


def indicator_figures(project: ProjectResult) -> list[tuple[Any, ...]]:
    return [(i.name, i.target, i.actual, i.weight, i.score) for i in project.indicators]


def assert_small_project(project: ProjectResult) -> None:
    assert (project.layout, project.name, project.code) == ("export", "某项目", "X001")
    assert (project.budget, project.executed) == (100.0, 90.0)
    assert indicator_figures(project) == SMALL_EXPECTED
    assert (project.execution_score, project.indicator_score, project.total) == (9.0, 84.0, 93.0)
    assert project.claimed_total == 100.0


def test_small_export_table(tmp_path: Path) -> None:
    project, = score(one_sheet_book(tmp_path / "a.xlsx")).scored.projects
    assert_small_project(project)


def test_reordered_indicator_columns(tmp_path: Path) -> None:
    columns = ("说明", "指标权重", "全年完成值", "指标名称", "指标值", "计量单位", "指标性质", "指标得分",
               "偏离度（%）", "得分系数（%）", "是否核心指标")
    path = one_sheet_book(tmp_path / "a.xlsx", columns=columns)
    evaluation = score(path)
    project, = evaluation.scored.projects
    assert_small_project(project)
    first = evaluation.forms[0].indicators[0]
    assert (first.cell, first.weight.cell, first.actual.cell, first.target.cell) == ("D10", "B10", "C10", "E10")


def test_blank_rows_above_and_inside_the_table(tmp_path: Path) -> None:
    path = one_sheet_book(tmp_path / "a.xlsx", top=6, blank_rows_inside=2)
    evaluation = score(path)
    project, = evaluation.scored.projects
    assert_small_project(project)
    # title at row 6, header row 14, indicators at 15, then two blank rows, then 18 and 19
    assert [i.cell for i in evaluation.forms[0].indicators] == ["A15", "A18", "A19"]
    assert evaluation.forms[0].year == 2023


def test_label_and_value_in_one_cell(tmp_path: Path) -> None:
    path = one_sheet_book(tmp_path / "a.xlsx", one_cell=True)
    project, = score(path).scored.projects
    assert_small_project(project)
    assert score(path).forms[0].name_cell == "A3"


@pytest.mark.parametrize("gap, status_line", [(0, True), (1, False), (1, True), (3, True)])
def test_two_export_tables_stacked_in_one_sheet(tmp_path: Path, gap: int, status_line: bool) -> None:
    """Blank rows (or none) between the tables; a title block of one row (title) or two (title, status)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "导出"
    after = export_table(ws, 1, status_line=status_line)
    # the second table: 2,000,000.00 元 budget, 900,000.00 spent → 200 万元 / 90 万元, 45 %, 4.5 points
    second = after + gap
    export_table(ws, second, name="第二个项目", code="X002", funds=("2,000,000.00", "2,000,000.00", "900,000.00"),
                 status_line=status_line)
    wb.save(tmp_path / "a.xlsx")
    evaluation = score(tmp_path / "a.xlsx")
    first_p, second_p = evaluation.scored.projects
    assert_small_project(first_p)
    assert (second_p.name, second_p.code, second_p.budget, second_p.executed) == ("第二个项目", "X002", 200.0, 90.0)
    assert indicator_figures(second_p) == SMALL_EXPECTED
    assert (second_p.execution_score, second_p.total) == (4.5, 88.5)  # 10 × 45 % + 84
    assert [f.first_row for f in evaluation.forms] == [1, second]
    assert [f.year for f in evaluation.forms] == [2023, 2023]
    assert evaluation.forms[0].last_row == after - 1


def test_numbers_and_a_wanyuan_line_mean_no_conversion(tmp_path: Path) -> None:
    path = one_sheet_book(tmp_path / "wan.xlsx", funds=(100, 100, 90), unit_line="单位：万元")
    evaluation = score(path)
    project, = evaluation.scored.projects
    assert_small_project(project)  # 100 万元, not 0.01
    assert evaluation.forms[0].funds.money_unit == "万元"
    # the same numbers without the line are 元, as the export writes them: 1,000,000 元 = 100 万元
    path = one_sheet_book(tmp_path / "yuan.xlsx", funds=(1000000, 1000000, 900000))
    project, = score(path).scored.projects
    assert (project.budget, project.executed) == (100.0, 90.0)


def test_sheet_that_is_not_a_form_is_reported_and_skipped(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    export_table(wb.active, 1)
    notes = wb.create_sheet("备注")
    notes["A1"] = "本表由财务科填写"
    notes["B3"] = 42
    wb.save(tmp_path / "a.xlsx")
    result = score(tmp_path / "a.xlsx").scored
    assert_small_project(result.projects[0])
    (unknown,) = codes(result.findings, "SHEET_UNRECOGNISED")
    assert (unknown.sheet, unknown.cell, unknown.level.value) == ("备注", "A1", "warning")
    assert "备注" in unknown.message


def test_nothing_recognisable(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "预算绩效自评工作通知"
    wb.create_sheet("空表")
    wb.save(tmp_path / "a.xlsx")
    with pytest.raises(NothingRecognised) as caught:
        score(tmp_path / "a.xlsx").scored
    assert "说明" in str(caught.value) and "空表" in str(caught.value)


def params_book(path: Path, override: Any, weights: tuple[int, int, int] = (30, 30, 20)) -> tuple[Path, int]:
    """The small table with its weights changed, and a 参数 sheet (default rule set) with one value in D."""
    indicators = [row[:7] + (w, w) + row[9:] for row, w in zip(SMALL_INDICATORS, weights)]
    wb = openpyxl.Workbook()
    export_table(wb.active, 1, indicators=indicators)
    ws = add_sheet(wb, params_sheet(load_rule_set("default")))
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "execution.weight")
    ws.cell(row, 4).value = override
    wb.save(path)
    return path, row


def test_params_sheet_override_changes_the_expected_weight_total(tmp_path: Path) -> None:
    # weights 30 + 30 + 20 = 80: right only if 执行率 has 20 points
    path, row = params_book(tmp_path / "p.xlsx", 20)
    result = score(path).scored
    project, = result.projects
    assert result.settings["execution.weight"] == {"value": 20, "source": f"参数表 参数!D{row}"}
    assert project.execution_weight == 20  # beats the 10.00 printed in the form
    assert not codes(project.findings, "WEIGHT_TOTAL")
    # 20 × 90 % = 18;  24 + 30 + 20 = 74;  18 + 74 = 92
    assert (project.execution_score, project.indicator_score, project.total) == (18.0, 74.0, 92.0)

    path, _ = params_book(tmp_path / "q.xlsx", None)  # D left blank: the form's 10 stands
    project, = score(path).scored.projects
    (weights,) = codes(project.findings, "WEIGHT_TOTAL")
    assert "应为 90" in weights.message
    assert (project.execution_score, project.total) == (9.0, 83.0)  # 9 + 74


def test_malformed_params_value_is_a_finding_naming_the_cell(tmp_path: Path) -> None:
    path, row = params_book(tmp_path / "p.xlsx", "二十")
    result = score(path).scored
    (bad,) = codes(result.findings, "VALUE_UNREADABLE")
    assert (bad.sheet, bad.cell, bad.level.value) == ("参数", f"D{row}", "error")
    assert "execution.weight" in bad.message and "二十" in bad.message
    assert result.projects[0].execution_weight == 10  # ignored, not guessed


def test_template_read_back(tmp_path: Path) -> None:
    result = score(build_template(tmp_path / "模板.xlsx")).scored
    project, = result.projects
    assert (project.sheet, project.layout, project.type) == ("项目1", "template", "project")
    assert project.indicators == [] and project.total is None and project.budget is None
    assert {f.code for f in project.findings if f.level.value == "error"} == {"NO_INDICATORS", "BUDGET_MISSING"}
    assert not codes(result.findings, "SHEET_UNRECOGNISED")  # 参数, 表11, 校验结果 are known
    assert result.rule_set == "default"


def test_template_sheet_without_its_names_reads_through_labels(tmp_path: Path) -> None:
    """A template sheet whose defined names are gone (copied, or read by calamine) still reads.

    IC卡制作费 from seed 004: 2 万元 spent in full; points 20+20+20+20+10+10 = 100 (the real mistake).
    """
    spec = ProjectSpec(
        name="IC卡制作费项目", department="新余市渝水区医疗保障局", year=2022,
        funds={"年度资金总额": (2, 2, 2), "其中：当年财政拨款": (2, 2, 2)},
        indicators=[{"name": n, "target": t, "actual": a, "weight": w, "score": w} for n, t, a, w in (
            ("制作临时用卡数量", "≥2000张", "2000张", 20), ("制卡合格率", "=100%", "100%", 20),
            ("配送到位率", "=100%", "100%", 20), ("单卡成本", "≤10元", "10元", 20),
            ("能保证群众用卡需要", "达成预期指标", "达成预期指标", 10), ("群众满意度", "≥95%", "96%", 10))],
        claimed_total=100)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ws = add_project_sheet(wb, "IC卡制作费", spec)
    for name in list(ws.defined_names):
        del ws.defined_names[name]
    wb.save(tmp_path / "a.xlsx")
    evaluation = score(tmp_path / "a.xlsx")
    project, = evaluation.scored.projects
    assert project.layout == "export"  # found by its labels
    # the signature line "填报人：　联系电话：…" ends the table; it is no indicator
    assert [i.name for i in project.indicators] == [
        "制作临时用卡数量", "制卡合格率", "配送到位率", "单卡成本", "能保证群众用卡需要", "群众满意度"]
    assert not codes(project.findings, "WEIGHT_INVALID")
    assert codes(project.findings, "WEIGHT_TOTAL")
    assert (project.budget, project.executed, project.total) == (2.0, 2.0, 110.0)
    # the 年度总体目标 row merged over the amount columns is not part of the funds block
    funds = evaluation.forms[0].funds
    assert funds.exec_rate.blank and funds.exec_score.blank
    assert int(funds.exec_rate.cell[1:]) <= 9 and int(funds.exec_score.cell[1:]) <= 9


# =========================================================================== the reading interface
# One small file, read by both backends: a 0.95 in a "0%" cell, a formula with its cached value,
# the text "=100%", a merged range, a hidden sheet, a hidden row and a defined name.
#
# What the python_calamine Grid loses against the openpyxl Grid (observed with python-calamine 0.9):
#   * number formats: ``formats`` is None, so 0.95 in a "0%" cell reads as 0.95, not 95 %;
#   * formula flags: ``formulas`` is None; a formula's cached result and the text "=100%" are
#     both plain values (calamine gives the cached result, never the formula);
#   * hidden rows and defined names (so the toolkit's template is read through its labels).
# What it keeps: values (dates included), merged ranges (``CalamineSheet.merged_cell_ranges``
# gives them 0-based; the backend turns them into the same CellRange) and sheet visibility.


@pytest.fixture(scope="module")
def interface_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from openpyxl.workbook.defined_name import DefinedName

    folder = tmp_path_factory.mktemp("iface")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"], ws["B1"] = "满意度", 0.95
    ws["B1"].number_format = "0%"
    ws["A2"], ws["B2"] = "合计", "=SUM(40,60)"
    ws["A3"], ws["B3"] = "指标值", "=100%"
    ws["B3"].data_type = "s"  # typed as text, the way Excel keeps '=100%
    ws.merge_cells("A5:C6")
    ws["A5"] = "合并"
    ws["A8"] = "隐藏行"
    ws.row_dimensions[8].hidden = True
    ws.defined_names["XL_NAME"] = DefinedName("XL_NAME", attr_text="'S'!$B$1")
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "x"
    hidden.sheet_state = "hidden"
    plain = folder / "plain.xlsx"
    wb.save(plain)
    # openpyxl writes a formula without its result; Excel would cache 100, so put it there
    # (an empty <v /> as openpyxl writes it without lxml, <v></v> with lxml)
    return rewrite_part(plain, folder / "iface.xlsx", "xl/worksheets/sheet1.xml",
                        rb"<f>SUM\(40,60\)</f><v ?/>|<f>SUM\(40,60\)</f><v></v>", b"<f>SUM(40,60)</f><v>100</v>")


def test_openpyxl_grid_sees_formats_formulas_merges_and_hidden_sheets(interface_book: Path) -> None:
    book = read_book(interface_book, "openpyxl")
    assert book.backend == "openpyxl"
    grid, hidden = book.sheets
    assert grid.number_format(1, 2) == "0%"
    assert parse_value(grid.value(1, 2), number_format=grid.number_format(1, 2)).number == 95
    assert (grid.value(2, 2), grid.is_formula(2, 2)) == (100, True)
    assert (grid.value(3, 2), grid.is_formula(3, 2)) == ("=100%", False)
    assert parse_value(grid.value(3, 2), number_format=grid.number_format(3, 2)).number == 100  # still = 100 %
    assert grid.merged == [CellRange(5, 1, 6, 3)]
    assert grid.value(6, 3) == "合并" and grid.own_value(6, 3) is None
    assert grid.merge_of(6, 3) == CellRange(5, 1, 6, 3)
    assert grid.hidden_rows == {8}
    assert grid.names == {"XL_NAME": CellRange(1, 2, 1, 2)}
    assert (grid.hidden, hidden.name, hidden.hidden) == (False, "隐藏", True)


def test_python_calamine_raw_api(interface_book: Path) -> None:
    """What python_calamine itself hands over, before the backend adapts it."""
    wb = CalamineWorkbook.from_path(str(interface_book))
    sheet = wb.get_sheet_by_name("S")
    rows = sheet.to_python()
    assert rows[0] == ["满意度", 0.95]  # the value only: no trace of the "0%" format
    assert rows[1] == ["合计", 100.0]  # the cached result: no trace of the formula
    assert rows[2] == ["指标值", "=100%"]  # the same kind of value as any text
    # merged ranges ARE available: ((first row, first col), (last row, last col)), 0-based
    assert sheet.merged_cell_ranges == [((4, 0), (5, 2))]
    visibility = {m.name: str(m.visible).rsplit(".", 1)[-1] for m in wb.sheets_metadata}
    assert visibility == {"S": "Visible", "隐藏": "Hidden"}
    wb.close()


def test_calamine_grid_loses_formats_formulas_hidden_rows_and_names(interface_book: Path) -> None:
    full = read_book(interface_book, "openpyxl")
    fast = read_book(interface_book, "calamine")
    assert fast.backend == "calamine"
    grid, hidden = fast.sheets
    # the same cell values (whole floats given back as int, as openpyxl gives them)
    assert grid.values == full.sheets[0].values
    # lost: number formats — the 0.95 in a "0%" cell is ambiguous (0.95 or 95 %?)
    assert grid.formats is None and grid.number_format(1, 2) is None
    assert parse_value(grid.value(1, 2), number_format=grid.number_format(1, 2)).number == 0.95
    # lost: formula flags — a formula's cached 100 and the text "=100%" are just values
    assert grid.formulas is None
    assert grid.is_formula(2, 2) is None and grid.is_formula(3, 2) is None
    # lost: hidden rows and defined names
    assert grid.hidden_rows == set() and full.sheets[0].hidden_rows == {8}
    assert grid.names == {} and full.sheets[0].names
    # kept: merged ranges (the same rectangles) and sheet visibility
    assert grid.merged == full.sheets[0].merged == [CellRange(5, 1, 6, 3)]
    assert grid.value(6, 3) == "合并"
    assert (hidden.name, hidden.hidden) == ("隐藏", True)


def test_calamine_percent_loss_changes_a_score(tmp_path: Path) -> None:
    """服务对象满意度 ≥ 90 % with 完成值 0.95 in a "0%" cell, weight 30.

    openpyxl: 95 % ≥ 90 % → 30.  calamine: 0.95 read as 0.95 % → 30 × 0.95 / 90 = 0.3166… → 0.32.
    """
    indicators = [SMALL_INDICATORS[0][:4] + (1000,) + SMALL_INDICATORS[0][5:], SMALL_INDICATORS[1],
                  ("服务对象满意度", "%", "≥", 90, 0.95, None, None, 30, 30, "否", None)]
    wb = openpyxl.Workbook()
    export_table(wb.active, 1, indicators=indicators)
    actual_cell = wb.active["E12"]
    assert actual_cell.value == 0.95
    actual_cell.number_format = "0%"
    wb.save(tmp_path / "a.xlsx")
    full = evaluate_book(read_book(tmp_path / "a.xlsx", "openpyxl")).scored.projects[0]
    fast = evaluate_book(read_book(tmp_path / "a.xlsx", "calamine")).scored.projects[0]
    assert (full.indicators[2].actual, full.indicators[2].score) == (95.0, 30.0)
    assert (fast.indicators[2].actual, fast.indicators[2].score) == (0.95, 0.32)


@pytest.mark.parametrize("builder", [build_yuzhong_2023, build_changshou_2021])
def test_seed_samples_score_the_same_with_both_backends(tmp_path: Path, builder: Any) -> None:
    path = builder(tmp_path / "a.xlsx")
    full = evaluate_book(read_book(path, "openpyxl")).scored
    fast = evaluate_book(read_book(path, "calamine")).scored
    figures = [[(p.sheet, p.layout, p.budget, p.executed, p.total, p.claimed_total) for p in r.projects]
               for r in (full, fast)]
    assert figures[0] == figures[1]
    assert sorted(f.code for f in full.all_findings()) == sorted(f.code for f in fast.all_findings())


# =========================================================================== reading writes nothing


def _fingerprint(path: Path) -> tuple[str, int, int]:
    st = os.stat(path)
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mtime_ns, st.st_size


@pytest.mark.parametrize("builder", [build_yuzhong_2023, build_changshou_2021, build_yushui_2022, build_template])
def test_reading_never_modifies_the_input(tmp_path: Path, builder: Any) -> None:
    built = builder(tmp_path / "built.xlsx")
    path = tmp_path / "input.xlsx"
    shutil.copyfile(built, path)
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))  # a past mtime, so a write shows
    before = _fingerprint(path)
    score(path)
    read_book(path, "calamine")
    assert _fingerprint(path) == before
    written = run(path, tmp_path / "out.xlsx").path
    assert written.exists()
    assert _fingerprint(path) == before
    written = run(path).path  # the default output name, next to the input
    assert written == tmp_path / "input_自评结果.xlsx" and written.exists()
    assert _fingerprint(path) == before
