"""The hierarchical form (一级 | 二级 | 三级指标, 项目资金 in 万元, 总分 row), read from workbooks built like real ones.

Seeds 000 and 004 are put into this form by tests.helpers.samples.hierarchical and
must score as they do in their own layouts.  Expected numbers come from the
seeds (copied in here) or from the hand computation written next to them, never
from a run of the code under test.

Rows of a form built one per sheet: 1 title, 2 "（2023年度）", 3 项目名称, 4 主管部门 /
实施单位, 5 funds header, 6 年度资金总额 (D 年初预算数, E 全年预算数, F 全年执行数,
G 分值, H 执行率, I 得分), 7-9 其中 rows, 10-11 年度总体目标, 12 indicator header
(B 一级, C 二级, D 三级, E 年度指标值, F 实际完成值, G 分值, H 得分, I 偏差原因…),
indicators from 13 grouped by 一级 then 二级, then the 总分 row and the signature line.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from xl_tools.jobs.score import score
from xl_tools.jobs.evaluation import evaluate_book, read_book
from xl_tools.core.model import FileResult
from xl_tools.layouts import compact, hierarchical

from tests.helpers.cli import xl
from tests.helpers.samples.hierarchical import (
    Indicator,
    Project,
    build_hierarchical,
    build_yushui_hierarchical,
    build_yuzhong_hierarchical,
    yushui_projects,
)
from tests.helpers.samples.seed_forms import build_yuzhong_2023
from tests.helpers.samples.yushui import build_yushui_2022

YUSHUI_RULES = "jiangxi_yushui"  # the rule set build_yushui_2022 names in its 参数 sheet


def finding_keys(result: FileResult) -> set[tuple[str, str | None, str | None]]:
    """(code, project, the first 「…」 of the message: the indicator, 一级 or funds row it names)."""
    keys = set()
    for f in result.all_findings():
        named = re.search(r"「([^」]*)」", f.message)
        keys.add((f.code, f.project, named.group(1) if named else None))
    return keys


def project_figures(result: FileResult) -> list[tuple]:
    return [(p.name, p.type, p.budget, p.executed, p.execution_score, p.total, p.claimed_total, p.grade)
            for p in result.projects]


def indicator_scores(result: FileResult) -> list[dict[str, tuple]]:
    """Per project: indicator name -> (weight, score, claimed score); the forms order rows differently."""
    return [{i.name: (i.weight, i.score, i.claimed_score) for i in p.indicators} for p in result.projects]


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hier")
    return {
        "yuzhong_export": build_yuzhong_2023(folder / "yz_export.xlsx"),
        "yuzhong": build_yuzhong_hierarchical(folder / "yz.xlsx"),
        "yuzhong_stacked": build_yuzhong_hierarchical(folder / "yz_stacked.xlsx", one_sheet=True),
        "yushui_template": build_yushui_2022(folder / "ys_template.xlsx"),
        "yushui": build_yushui_hierarchical(folder / "ys.xlsx"),
        "yushui_stacked": build_yushui_hierarchical(folder / "ys_stacked.xlsx", one_sheet=True),
        "yushui_zero_totals": build_yushui_hierarchical(folder / "ys_zero.xlsx", totals_left_at_zero=True),
    }


# ================================================================ (a) seeds 000 and 004, as in their own layouts

YZ_NAMES = ["重庆市渝中区医疗保障局整体", "医疗救助专项经费（残保金）", "居民医保财政补助资金", "购买窗口服务专项经费"]
# seed 000, 全年（调整）预算数 = 全年执行数: 125,738,993.70 / 20,040,000.00 / 14,130,000.00 / 1,460,000.00 元
YZ_BUDGETS_WAN = [12573.89937, 2004.0, 1413.0, 146.0]
# 执行率 100 % × 10 = 10, plus the indicator weights (all met): department 100, projects 90 each
YZ_TOTALS = [110.0, 100.0, 100.0, 100.0]

# Codes only the budget-system export gives, and why the hierarchical form cannot:
#   NAME_TRUNCATED  the export cuts names at 20 GBK bytes; a hand-filled form has no such limit, so a
#                   20-byte name there is no sign of a cut (the seed's cut names are copied as they are);
#   LEVELS_UNKNOWN  the export has no 一级 column; the hierarchical form always has one;
#   MONEY_UNIT      the export is in 元 and says it converted them; the hierarchical form is in 万元.
EXPORT_ONLY = {"NAME_TRUNCATED", "LEVELS_UNKNOWN", "MONEY_UNIT"}
# Codes only a form with 一级 can give, each by hand from the 一级 the fixture assigns (samples.hierarchical.LEVELS):
#   残保金   产出 12+13+13+12 (数量) + 15 (区内医疗救助对象参保) = 65, 效益 15 (知晓率), 满意度 10;
#   居民医保 产出 20 (数量) + 15 + 15 (及时足额发放) + 15 (补助率) = 65, 效益 15 (补助政策), 满意度 5 + 5;
#   窗口服务 产出 15+15+10+10 (数量) + 20 (办结率) = 70, 效益 20 (参保率), 满意度 0: no 满意度指标 at all.
#   The department's weights add up to 100, not 90, so its split is not compared with 50/30/10.
YZ_HIERARCHICAL_ONLY = {
    ("LEVEL1_SPLIT", "医疗救助专项经费（残保金）", None),
    ("LEVEL1_SPLIT", "居民医保财政补助资金", None),
    ("LEVEL1_SPLIT", "购买窗口服务专项经费", None),
    ("LEVEL1_MISSING", "购买窗口服务专项经费", "满意度指标"),
}
YZ_SPLITS = {"医疗救助专项经费（残保金）": "产出 65、效益 15、满意度 10",
             "居民医保财政补助资金": "产出 65、效益 15、满意度 10",
             "购买窗口服务专项经费": "产出 70、效益 20、满意度 0"}


def test_seed000_scores_and_findings_as_in_the_export(books: dict[str, Path]) -> None:
    export = score(books["yuzhong_export"]).scored
    form = score(books["yuzhong"]).scored
    assert [p.layout for p in form.projects] == ["hierarchical"] * 4
    assert [p.name for p in form.projects] == YZ_NAMES
    assert [p.type for p in form.projects] == ["department", "project", "project", "project"]
    assert [p.budget for p in form.projects] == pytest.approx(YZ_BUDGETS_WAN, abs=1e-9)
    assert [p.total for p in form.projects] == YZ_TOTALS
    assert project_figures(form) == project_figures(export)
    assert indicator_scores(form) == indicator_scores(export)
    # seed 000: every 得分系数 is 100, each indicator scores its weight
    assert all(i.score == i.weight for p in form.projects for i in p.indicators)
    assert {k[0] for k in finding_keys(export)} >= EXPORT_ONLY
    assert finding_keys(form) == {k for k in finding_keys(export) if k[0] not in EXPORT_ONLY} | YZ_HIERARCHICAL_ONLY
    splits = {f.project: f.message for f in form.all_findings() if f.code == "LEVEL1_SPLIT"}
    assert {p: m.split("，")[0].removeprefix("一级指标分值为 ") for p, m in splits.items()} == YZ_SPLITS


YS_BUDGETS = [1546.43, 80, 83, 3, 7.17, 5, 5, 3.4, 2]  # seed 004, 万元; budget = executed for all nine
# 10 + 90 for seven projects; 三联单印刷费 and IC卡制作费 list 100 points: 10 + 100 = 110 (seed 004's mistake)
YS_TOTALS = [100.0] * 7 + [110.0] * 2
# The template sheets of build_yushui_2022 leave 一级 blank (LEVELS_UNKNOWN); the hierarchical form has it,
# so the split is compared with 50/30/10 where the points add up to 90.  By hand, from LEVELS:
#   医疗救助补助资金   产出 20+20+10 (数量) + 10+10+10 (比例, 比例, 结算率) = 80, 效益 5, 满意度 5;
#   社会保险基金征缴   产出 20 + 20 (服务及时性提高) + 10 (使用比率) = 50, 效益 20 (参保面) + 10 (能力提升) = 30,
#                      满意度 10: the recommended split, no finding;
#   医疗服务与保障     产出 10 + 5 + 5 + 10 + 5 (响应时间) + 10 (覆盖率) + 10 (结算率) = 55,
#                      效益 10 (政策信息公开) + 10 + 5 (改革) + 5 (知晓度) = 30, 满意度 5;
#   乡村振兴帮扶资金   产出 20 + 20 + 10 + 20 (成本) = 70, 效益 10, 满意度 10;
#   政府购买服务       产出 20+20+20 = 60, 效益 10, 满意度 20;
#   宣传印刷费         产出 20+20+20 = 60, 效益 20, 满意度 10;
#   软件维护费         产出 20+20+20 = 60, 效益 10 (运转率), 满意度 20;
#   三联单印刷费, IC卡制作费: 100 points, so no split to compare (WEIGHT_TOTAL says what is wrong).
YS_SPLITS = {"医疗救助补助资金项目": "产出 80、效益 5、满意度 5",
             "医疗服务与保障能力提升补助资金项目": "产出 55、效益 30、满意度 5",
             "乡村振兴帮扶资金项目": "产出 70、效益 10、满意度 10",
             "政府购买服务项目": "产出 60、效益 10、满意度 20",
             "宣传印刷费项目": "产出 60、效益 20、满意度 10",
             "软件维护费项目": "产出 60、效益 10、满意度 20"}


def test_seed004_scores_and_findings_as_in_the_template(books: dict[str, Path]) -> None:
    template = score(books["yushui_template"]).scored
    form = score(books["yushui"], YUSHUI_RULES).scored
    assert [p.layout for p in form.projects] == ["hierarchical"] * 9
    assert [p.budget for p in form.projects] == [float(b) for b in YS_BUDGETS]
    assert [p.total for p in form.projects] == YS_TOTALS
    assert [p.claimed_total for p in form.projects] == [100.0] * 9  # "100分" in each 总分 row
    assert project_figures(form) == project_figures(template)
    assert indicator_scores(form) == indicator_scores(template)
    only_template = {k for k in finding_keys(template) if k[0] == "LEVELS_UNKNOWN"}
    assert len(only_template) == 9
    # seed 004's two projects whose points add up to 100: this form also states 执行率得分 10 in its funds block,
    # so its rows add up to 110 against the published 总分 of 100 (the template states no execution score)
    not_sums = {("CLAIMED_TOTAL_NOT_SUM", name, None) for name in ("三联单印刷费项目", "IC卡制作费项目")}
    assert finding_keys(form) == (finding_keys(template) - only_template) | {
        ("LEVEL1_SPLIT", name, None) for name in YS_SPLITS} | not_sums
    splits = {f.project: f.message for f in form.all_findings() if f.code == "LEVEL1_SPLIT"}
    assert {p: m.split("，")[0].removeprefix("一级指标分值为 ") for p, m in splits.items()} == YS_SPLITS
    errors = [(f.code, f.project) for f in form.all_findings() if f.level.value == "error"]
    assert errors == [("WEIGHT_TOTAL", "三联单印刷费项目"), ("WEIGHT_TOTAL", "IC卡制作费项目")]


def test_both_backends_read_the_form_alike(books: dict[str, Path]) -> None:
    """calamine keeps values and merged ranges, all this form needs (its numbers are text, not formats)."""
    full = evaluate_book(read_book(books["yuzhong_stacked"], "openpyxl")).scored
    fast = evaluate_book(read_book(books["yuzhong_stacked"], "calamine")).scored
    assert project_figures(fast) == project_figures(full)
    assert indicator_scores(fast) == indicator_scores(full)
    assert finding_keys(fast) == finding_keys(full)


# ================================================================ (b) 年度资金总额 left at 0


def test_total_left_at_zero_uses_its_parts_and_says_so(books: dict[str, Path]) -> None:
    normal = score(books["yushui"], YUSHUI_RULES).scored
    zero = score(books["yushui_zero_totals"], YUSHUI_RULES).scored
    # 其中：当年财政拨款 carries the seed's amounts; 0 + 0 + 0 in 年度资金总额 (row 6) is replaced by them
    assert [p.budget for p in zero.projects] == [float(b) for b in YS_BUDGETS]
    assert [p.executed for p in zero.projects] == [float(b) for b in YS_BUDGETS]
    assert [p.total for p in zero.projects] == YS_TOTALS
    mismatches = [f for f in zero.all_findings() if f.code == "FUNDS_TOTAL_MISMATCH"]
    assert {f.level.value for f in mismatches} == {"error"}
    # 年初预算数 D6, 全年预算数 E6, 全年执行数 F6 of every project
    assert [(f.project, f.cell) for f in mismatches] == [
        (p.name, cell) for p in zero.projects for cell in ("D6", "E6", "F6")]
    first = next(f for f in mismatches if f.cell == "E6")
    assert all(word in first.message for word in ("「年度资金总额」", "全年预算数", " 0 ", "1546.43"))
    assert finding_keys(zero) == finding_keys(normal) | {
        ("FUNDS_TOTAL_MISMATCH", p.name, "年度资金总额") for p in zero.projects}


# ================================================================ (c) stacked in one sheet


@pytest.mark.parametrize("name, rule_set, tops", [
    # each form takes 14 rows plus one per indicator, then 2 blank rows: top + 16 + n
    ("yuzhong", None, [1, 27, 50, 73]),  # 10, 7, 7 and 6 indicators
    ("yushui", YUSHUI_RULES, [1, 25, 47, 75, 97, 118, 139, 160, 181]),  # 8, 6, 12, 6, 5, 5, 5, 5, 6
])
def test_stacked_forms_read_like_one_per_sheet(books: dict[str, Path], name: str, rule_set: str | None,
                                               tops: list[int]) -> None:
    apart = score(books[name], rule_set).scored
    stacked = score(books[f"{name}_stacked"], rule_set)
    assert {p.sheet for p in stacked.scored.projects} == {"项目支出绩效自评表"}
    assert [f.first_row for f in stacked.forms] == tops
    assert project_figures(stacked.scored) == project_figures(apart)
    assert indicator_scores(stacked.scored) == indicator_scores(apart)
    assert finding_keys(stacked.scored) == finding_keys(apart)


# ================================================================ (d) blanks and line breaks in the cells

NOISY = Project(
    name="　参保服务\n提升项目", department="某区医疗保障局", unit="某区医疗保障局",
    funds={"年度资金总额": (50, 50, 50), "其中：当年财政拨款": (50, 50, 50)}, exec_rate=1, exec_score=10,
    indicators=[
        Indicator("产出指标", "数量指标", "服务\n人数", "　≥23.45万人\n", "　\n25万人", 30, "　\n　　30分"),
        Indicator("产出指标", "时效指标", "完成时间", "2023年10月31日前", "2023年10月20日", 20, "20 分"),
        Indicator("效益指标", "社会效益指标", "参保率", "≥95%", "96%", 30, "30分"),
        Indicator("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "　95%　", 10, "10分"),
    ],
    claimed_total="　\n　　100分")


def test_blanks_and_breaks_in_values_and_points(tmp_path: Path) -> None:
    path = build_hierarchical(tmp_path / "noisy.xlsx", [NOISY])
    ws = openpyxl.load_workbook(path).active
    # what the file holds: the given texts, some with the builder's own stray blanks added (E13, G15)
    assert [ws[c].value for c in ("D13", "E13", "F13", "H13")] == ["服务\n人数", "　\n　　　≥23.45万人\n",
                                                                   "　\n25万人", "　\n　　30分"]
    assert (ws["G15"].value, ws["B13"].value, ws["H17"].value) == ("　\n　　30分", "产出指标\n（50分）", "　\n　　100分")
    project, = score(path).scored.projects
    assert project.name == "参保服务提升项目"
    got = [(i.name, i.level1, i.target, i.actual, i.weight, i.claimed_score, i.score) for i in project.indicators]
    assert got == [
        # 23.45万人 = 234,500 人; 25万人 = 250,000 ≥ 234,500: full 30
        ("服务人数", "产出指标(50分)", 234500.0, 250000.0, 30.0, 30.0, 30.0),
        ("完成时间", "产出指标(50分)", None, None, 20.0, 20.0, 20.0),  # 10月20日, before the 31st
        ("参保率", "效益指标(30分)", 95.0, 96.0, 30.0, 30.0, 30.0),
        ("满意度", "满意度指标(10分)", 90.0, 95.0, 10.0, 10.0, 10.0),
    ]
    assert (project.execution_score, project.total, project.claimed_total) == (10.0, 100.0, 100.0)
    assert not [f for f in project.findings if f.level.value != "info"]


def test_level1_points_travel_from_the_label_to_the_finding(tmp_path: Path) -> None:
    """产出指标 labelled 60 分 over 30 + 20 = 50 points: a warning at the merged 一级 cell B13."""
    path = build_hierarchical(tmp_path / "points.xlsx", [replace(NOISY, stated_points={"产出指标": 60})])
    assert openpyxl.load_workbook(path).active["B13"].value == "产出指标\n（60分）"
    project, = score(path).scored.projects
    (finding,) = [f for f in project.findings if f.code == "LEVEL1_POINTS_MISMATCH"]
    assert (finding.cell, finding.level.value) == ("B13", "warning")
    assert all(word in finding.message for word in ("「产出指标(60分)」", "标明 60 分", "合计为 50 分"))


# ================================================================ (e) not 表12 any more


def test_table12_reader_leaves_the_hierarchical_form_alone(books: dict[str, Path]) -> None:
    """It used to take these forms, miss the 分值 10 of the funds block and report a false WEIGHT_TOTAL."""
    book = read_book(books["yuzhong"])
    assert [compact.read(grid) for grid in book.sheets] == [[]] * 4
    assert [len(hierarchical.read(grid)) for grid in book.sheets] == [1] * 4
    result = score(books["yuzhong"]).scored
    for project in result.projects:
        assert project.execution_weight == 10.0
        assert project.settings_overrides["execution.weight"]["source"] == f"表内填写 {project.sheet}!G6"
    # the only WEIGHT_TOTAL is seed 000's real one: the department's 100 points beside 执行率's 10
    assert [(f.project, f.code) for f in result.all_findings() if f.code == "WEIGHT_TOTAL"] == [
        ("重庆市渝中区医疗保障局整体", "WEIGHT_TOTAL")]


# ================================================================ (f) xl-tools run writes into the form


def test_run_writes_scores_into_the_form(tmp_path: Path) -> None:
    """Seed 004's 医疗救助补助资金 with 住院救助人次 at 24000 of ≥30000, claiming full marks.

    By hand: 20 × 24000 / 30000 = 16; the other seven met: 20 + 10 + 10 + 10 + 10 + 5 + 5 = 70;
    执行率 1546.43 / 1546.43 = 100 % → 10;  total 10 + 16 + 70 = 96 (the form claims 100).
    Rows: 数量 13 住院救助人次, 14 资助参保人数, 15 门诊救助人次; 质量 16-18; 效益 19; 满意度 20; 总分 21.
    """
    project = yushui_projects()[0]
    short = replace(project.indicators[0], actual="24000人次")
    path = build_hierarchical(tmp_path / "医疗救助.xlsx", [replace(project, indicators=[short, *project.indicators[1:]])])
    proc = xl("run", path.name, "-o", "结果.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    ws = openpyxl.load_workbook(tmp_path / "结果.xlsx", data_only=True)["医疗救助补助资金项目"]
    assert ws["D13"].value == "住院救助人次"
    assert [ws[f"H{r}"].value for r in range(13, 21)] == [16, 20, 10, 10, 10, 10, 5, 5]
    assert (ws["A21"].value, ws["H21"].value) == ("总分", 96)
    assert (ws["H6"].value, ws["H6"].number_format, ws["I6"].value) == (1, "0.00%", 10)  # 执行率 100 %, 得分 10
    assert ws["A22"].value.startswith("填报人")  # the signature line stays where it was
