"""Every finding the core can emit from a form, with its level, sheet, cell and message.

The seed documents' real mistakes come first (000, 001, 003, 004, see
shared/seeds/README.md), then one test for each remaining code.  ``covers``
records which codes a test checks; the last test fails when a code of the
catalogue has no test here.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

import pytest

from xl_tools.core.crosscheck import check_summaries
from xl_tools.core.evaluate import evaluate, form_stated_settings
from xl_tools.core.findings import CATALOGUE, Finding, Level
from xl_tools.core.model import (
    FundsForm,
    FundsRow,
    ProjectForm,
    ProjectResult,
    RawCell,
    SummaryForm,
    SummaryRowForm,
)
from xl_tools.core.rules import Settings, for_table, resolve_settings
from xl_tools.rulesets import load_rule_set

COVERED: set[str] = set()

# Codes only file readers emit, never the core from a form:
READER_ONLY = {
    "SHEET_UNRECOGNISED",  # layouts.detect: a sheet that is no known form
    # layouts.detect / layouts.sheet_checks, tested on real files in tests/integration/test_bad_inputs.py:
    "SHEET_EMPTY",  # an empty sheet, skipped
    "SHEET_HIDDEN",  # a hidden sheet that was read
    "ROWS_HIDDEN",  # indicators in hidden rows, still scored
    "MERGED_ACROSS_INDICATORS",  # one merged value cell read by several indicators
    "FILE_SKIPPED",  # summarise: a file of a many-file 表11 that cannot be read (tests/cli/test_workflow.py)
    "FILE_UNREADABLE",  # cli --json: a file that cannot be read (tests/integration/test_bombs.py)
    "FILE_REFUSED",  # cli --json: a file past the reading guard's limits (tests/integration/test_bombs.py)
    "MAIL_SETTING_IGNORED",  # layouts.params: an email.* row a workbook may not set (tests/integration/test_email.py)
    "SHEET_SKIPPED",  # detect, services, recompute: one sheet's data breaks a step (tests/integration/test_one_bad_file.py)
}


def covers(*codes: str) -> Callable[[Callable], Callable]:
    def mark(test: Callable) -> Callable:
        COVERED.update(codes)
        return test

    return mark


def table_settings(form: ProjectForm, rule_set: str = "default", overrides: dict | None = None) -> Settings:
    """Settings as the toolkit resolves them for a table: rule set, layout default, what the form states."""
    settings = for_table(resolve_settings(load_rule_set(rule_set), explicit=False), form.layout,
                         form_stated_settings(form))
    return settings.derive([{k: (v, "测试覆盖") for k, v in (overrides or {}).items()}])


def run(form: ProjectForm, rule_set: str = "default", **overrides: object) -> ProjectResult:
    return evaluate(form, table_settings(form, rule_set, {k.replace("__", "."): v for k, v in overrides.items()}))


def expect(findings: list[Finding], code: str, level: Level, sheet: str, cell: str | None, *words: str) -> Finding:
    """The one finding of ``code`` at ``cell``, checked for its level, sheet and message words."""
    found = [f for f in findings if f.code == code and f.cell == cell]
    assert len(found) == 1, [(f.code, f.cell, f.message) for f in findings]
    finding = found[0]
    assert finding.level is level
    assert finding.sheet == sheet
    for word in words:
        assert word in finding.message, (word, finding.message)
    return finding


def cells_of(findings: list[Finding], code: str) -> list[str | None]:
    return [f.cell for f in findings if f.code == code]


def levels(level1: str, level2: str) -> dict[str, str]:
    return {"level1": level1, "level2": level2}


# ================================================================ seed 000: 渝中区 budget-system export


def seed000_department(form_of, *, explained: bool = True) -> ProjectForm:
    """部门整体绩效自评表 as exported: amounts in 元, 执行率权重 10, 10 indicators weighing 100."""
    rows = [
        ("定点医疗机构检查覆盖率", "%", "≥", 98, 98, 10),
        ("委托第三方核查医疗机构数量", "家", "＝", 2, 2, 10),
        ("享受区级公务员医疗补助人数", "人", "≥", 19586, 19586, 10),
        ("医保档案数字化页数", "页", "≥", 85400, 85400, 10),
        ("医疗救助参保资助人数", "人", "≥", 14500, 15385, 10),
        ("医疗救助门诊救助人次数", "人次", "≥", 60000, 85206, 10),
        ("单双解被补助人员政策知晓率", "%", "≥", 95, 95, 5),
        ("医保业务办结率", "%", "＝", 100, 100, 10),
        ("医疗保险参保率", "%", "≥", 96, 96, 15),
        ("服务对象满意度", "%", "≥", 95, 95, 10),
    ]
    table = []
    for name, unit, op, target, actual, weight in rows:
        extras = {"unit": unit, "op": op, "claimed_score": weight}
        if name == "医疗救助门诊救助人次数" and explained:
            extras["explanation"] = "救助人次高于目标值"
        table.append((name, target, actual, weight, extras))
    return form_of(table, sheet="部门整体", name="重庆市渝中区医疗保障局整体", type="department", money_unit="元",
                   budget_start="120,996,011.79", budget="125,738,993.70", executed="125,738,993.70",
                   exec_weight="10.00", claimed_total=100)


@covers("WEIGHT_TOTAL", "CLAIMED_TOTAL_DIFF")
def test_seed000_department_weights_100_beside_execution_10(form_of) -> None:
    result = run(seed000_department(form_of))
    # 8 × 10 + 5 + 15 = 100 besides 执行率 10: the rule set expects 100 − 10 = 90
    expect(result.findings, "WEIGHT_TOTAL", Level.ERROR, "部门整体", "H15",
           "指标权重合计为 100", "应为 90", "执行率权重 10")
    # the plain sum: 10 (执行率 100%) + 100 = 110, against the 自评总分 100 the form claims
    assert (result.execution_rate, result.execution_score, result.total) == (100.0, 10.0, 110.0)
    expect(result.findings, "CLAIMED_TOTAL_DIFF", Level.WARNING, "部门整体", "I3", "填报自评总分 100", "计算为 110")
    assert result.budget == 12573.89937  # 125,738,993.70 元 in 万元


@covers("EXPLANATION_MISSING")
def test_seed000_explanation_for_beating_the_target_by_30_percent(form_of) -> None:
    # seed 000 explains 42.01% (救助人次高于目标值) and not 6.1%; without its explanation it is a finding
    assert cells_of(run(seed000_department(form_of)).findings, "EXPLANATION_MISSING") == []
    result = run(seed000_department(form_of, explained=False))
    expect(result.findings, "EXPLANATION_MISSING", Level.WARNING, "部门整体", "K20",
           "医疗救助门诊救助人次数", "偏离度 42.01% 超过 30%")
    assert cells_of(result.findings, "EXPLANATION_MISSING") == ["K20"]  # not K19 (6.1%)


@covers("EXPLANATION_MISSING")
def test_explanation_for_a_score_below_the_weight(form_of) -> None:
    result = run(form_of([("服务人数", 10000, 8000, 20, {"unit": "人", "op": "≥"})]))
    expect(result.findings, "EXPLANATION_MISSING", Level.WARNING, "项目", "K15", "服务人数", "得分 16 低于分值 20")
    explained = run(form_of([("服务人数", 10000, 8000, 20, {"unit": "人", "op": "≥", "explanation": "人员调出"})]))
    assert cells_of(explained.findings, "EXPLANATION_MISSING") == []


@covers("NAME_TRUNCATED")
def test_seed000_names_cut_at_20_bytes(form_of) -> None:
    rows = [
        ("2022年我区居民医保财", "人", "≥", 140000),
        ("区级补助及时足额发放", "%", "＝", 100),
        ("市级补助及时足额发放", "%", "＝", 100),
        ("居民医保财政补助率", "%", "＝", 100),
        ("居民医保财政补助政策", "%", "≥", 90),
        ("补助发放工作满意度", "%", "≥", 95),
        ("参保服务满意度", "%", "≥", 95),
    ]
    weights = [20, 15, 15, 15, 15, 5, 5]
    form = form_of([(n, t, t, w, {"unit": u, "op": o}) for (n, u, o, t), w in zip(rows, weights)],
                   sheet="居民医保财政补助资金", name="居民医保财政补助资金", name_limit_bytes=20)
    result = run(form)
    # 20 GBK bytes and no complete ending (率, 数, 度 …): rows 15, 16, 17 and 19
    expect(result.findings, "NAME_TRUNCATED", Level.WARNING, "居民医保财政补助资金", "A15", "2022年我区居民医保财", "20 字节")
    assert cells_of(result.findings, "NAME_TRUNCATED") == ["A15", "A16", "A17", "A19"]


@covers("ACTUALS_COPIED")
def test_seed000_every_actual_equals_its_target(form_of) -> None:
    rows = [
        ("参保资助人数", "人", "≥", 14500, 12),
        ("门诊救助人数", "人次", "≥", 60000, 13),
        ("普通住院救助人数", "人次", "≥", 4000, 13),
        ("重大疾病住院救助人数", "人次", "≥", 1800, 12),
        ("区内医疗救助对象参保", "%", "＝", 100, 15),
        ("医疗救助政策知晓率", "%", "≥", 90, 15),
        ("医疗救助对象满意度", "%", "≥", 95, 10),
    ]
    form = form_of([(n, t, t, w, {"unit": u, "op": o}) for n, u, o, t, w in rows],
                   sheet="医疗救助专项经费（残保金）", name="医疗救助专项经费（残保金）")
    result = run(form)
    expect(result.findings, "ACTUALS_COPIED", Level.WARNING, "医疗救助专项经费（残保金）", "B3", "7 个指标")
    assert result.total == 100 and cells_of(result.findings, "WEIGHT_TOTAL") == []
    one_measured = form_of([(n, t, t + 1 if i == 0 else t, w, {"unit": u, "op": o})
                            for i, (n, u, o, t, w) in enumerate(rows)])
    assert cells_of(run(one_measured).findings, "ACTUALS_COPIED") == []


# ================================================================ seed 004: 渝水区 report, points adding up to 100


@covers("WEIGHT_TOTAL")
def test_seed004_points_add_up_to_100(form_of) -> None:
    santiandan = [  # 三联单印刷费: 20 + 20 + 20 + 20 + 20 = 100
        ("印制数量", "≥10万份", "10万份", 20),
        ("合格率", "=100%", "100%", 20),
        ("及时率", "=100%", "100%", 20),
        ("参保证日常工作需要", "参保证日常工作需要", "参保证日常工作需要", 20, {"claimed_score": 20}),
        ("群众满意度", "≥95%", "96%", 20),
    ]
    ic_card = [  # IC卡制作费: 20 + 20 + 20 + 20 + 10 + 10 = 100
        ("制作临时用卡数量", "≥2000张", "2000张", 20),
        ("制卡合格率", "=100%", "100%", 20),
        ("配送到位率", "=100%", "100%", 20),
        ("单卡成本", "≤10元", "10元", 20),
        ("能保证群众用卡需要", "能保证群众用卡需要", "能保证群众用卡需要", 10, {"claimed_score": 10}),
        ("群众满意度", "≥95%", "96%", 10),
    ]
    rescue = [  # 医疗救助补助资金: 20 + 20 + 10 × 4 + 5 + 5 = 90, as it should
        ("住院救助人次", "≥30000", "30000人次", 20),
        ("资助参保人数", "≥20000", "20000人", 20),
        ("门诊救助人次", "≥10000", "10000人次", 10),
        ("住院医疗费用救助比例", "≥70%", "75%", 10),
        ("门诊医疗费用救助比例", "≥70%", "75%", 10),
        ("一站式结算率", "≥90%", "100%", 10),
        ("政策知晓率", "≥95%", "96%", 5),
        ("救助对象满意度", "≥95%", "96%", 5),
    ]
    for name, rows, budget in (("三联单印刷费", santiandan, 3.4), ("IC卡制作费", ic_card, 2)):
        result = run(form_of(rows, sheet=name, name=name, budget=budget, executed=budget), "jiangxi_yushui")
        expect(result.findings, "WEIGHT_TOTAL", Level.ERROR, name, "H15", "指标权重合计为 100", "应为 90")
        assert result.total == 110.0  # 10 + 100
    result = run(form_of(rescue, sheet="医疗救助", budget=1546.43, executed=1546.43), "jiangxi_yushui")
    assert cells_of(result.findings, "WEIGHT_TOTAL") == []
    assert (result.total, result.grade) == (100.0, "优")  # the report: 得分 100 分，考评等级为“优”


# ================================================================ seed 001: 綦江区 targets (表十三)


@covers("DUPLICATE_INDICATOR", "COST_GE")
def test_seed001_financial_input_twice(form_of) -> None:
    # 欺诈骗取医疗保险基金举报奖励: 财政投入 under 产出/成本指标 (＝ 20) and under 成本/经济成本指标 (≥ 5)
    rows = [
        ("查案率", 98, None, 20, {"unit": "%", "op": "≥", **levels("产出指标", "质量指标")}),
        ("举报人员满意", 95, None, 10, {"unit": "%", "op": "＞", **levels("满意度指标", "服务对象满意度指标")}),
        ("财政投入", 20, None, 20, {"unit": "万元", "op": "＝", **levels("产出指标", "成本指标")}),
        ("增加举报人收入", 5, None, 20, {"unit": "万元", "op": "≥", **levels("效益指标", "经济效益指标")}),
        ("财政投入", 5, None, 20, {"unit": "万元", "op": "≥", **levels("成本指标", "经济成本指标")}),
    ]
    form = form_of(rows, sheet="举报奖励", name="欺诈骗取医疗保险基金举报奖励", budget=5, executed=None, exec_weight=10)
    result = run(form)
    expect(result.findings, "DUPLICATE_INDICATOR", Level.WARNING, "举报奖励", "A17", "财政投入", "2 次")
    expect(result.findings, "DUPLICATE_INDICATOR", Level.WARNING, "举报奖励", "A19", "财政投入", "2 次")
    expect(result.findings, "COST_GE", Level.WARNING, "举报奖励", "C19", "成本指标「财政投入」", "写作「≥」")
    assert cells_of(result.findings, "COST_GE") == ["C19"]  # the ＝ one is no ≥
    assert "WEIGHT_TOTAL" not in [f.code for f in result.findings]  # 90 beside the stated 10


@covers("UNIT_MISSING", "COST_GE")
def test_seed001_units_missing(form_of) -> None:
    # 全区社会保险征管以奖代补专项经费: 乡镇数 and 奖励数单位 without 计量单位
    rows = [
        ("乡镇数", 21, None, 20, {"op": "＝", **levels("产出指标", "数量指标")}),
        ("奖励数单位", 11, None, 15, {"op": "≥", **levels("产出指标", "数量指标")}),
        ("增收医疗基金", 50, None, 20, {"unit": "万元", "op": "≥", **levels("效益指标", "经济效益指标")}),
        ("服务对象满意度（%）", 95, None, 10, {"unit": "%", "op": "＞", **levels("满意度指标", "服务对象满意度指标")}),
        ("财政投入", 50, None, 10, {"unit": "万元", "op": "≥", **levels("成本指标", "经济成本指标")}),
        ("增加参保净净值", 1000, None, 15, {"unit": "人数", "op": "＝", **levels("产出指标", "数量指标")}),
    ]
    result = run(form_of(rows, sheet="以奖代补", budget=50, executed=None, exec_weight=10))
    expect(result.findings, "UNIT_MISSING", Level.WARNING, "以奖代补", "B15", "乡镇数")
    assert cells_of(result.findings, "UNIT_MISSING") == ["B15", "B16"]
    expect(result.findings, "COST_GE", Level.WARNING, "以奖代补", "C19", "财政投入")
    assert cells_of(result.findings, "UNIT_CONTRADICTS") == []  # 增收医疗基金 is money


@covers("UNIT_CONTRADICTS")
def test_seed001_unit_contradicts_the_name(form_of) -> None:
    # 2023年运转性项目-独立运行补丁: 医疗保险网络正常运行 万元 ≥ 95
    rows = [
        ("网络检查", 12, None, 10, {"unit": "次", "op": "≥", **levels("效益指标", "社会效益指标")}),
        ("数量指标", 1, None, 20, {"unit": "条", "op": "＝", **levels("产出指标", "数量指标")}),
        ("财政投入", 10, None, 10, {"unit": "万元", "op": "≥", **levels("成本指标", "社会成本指标")}),
        ("医疗保险网络正常运行", 95, None, 10, {"unit": "万元", "op": "≥", **levels("效益指标", "经济效益指标")}),
        ("上级服务对象满意度（%）", 95, None, 10, {"unit": "%", "op": "≥", **levels("满意度指标", "服务对象满意度指标")}),
        ("按时发放率", 95, None, 20, {"unit": "%", "op": "≥", **levels("产出指标", "数量指标")}),
        ("网络通信", 98, None, 10, {"unit": "%", "op": "≥", **levels("效益指标", "社会效益指标")}),
    ]
    result = run(form_of(rows, sheet="独立运行补丁", budget=10, executed=None, exec_weight=10))
    expect(result.findings, "UNIT_CONTRADICTS", Level.WARNING, "独立运行补丁", "B18",
           "医疗保险网络正常运行", "「万元」", "不是金额类指标")
    assert cells_of(result.findings, "UNIT_CONTRADICTS") == ["B18"]


@pytest.mark.parametrize("name", ["增收医疗基金", "收回违约金", "增加参保人员收入", "增加举报人收入", "年度支付",
                                  "增收参保费", "减少医疗支出", "开展项目资金", "投入成本", "财政投入"])
def test_seed001_money_indicators_in_wan_yuan_are_fine(form_of, name: str) -> None:
    result = run(form_of([(name, 50, 50, 90, {"unit": "万元", "op": "≥"})]))
    assert cells_of(result.findings, "UNIT_CONTRADICTS") == []


@covers("UNIT_CONTRADICTS")
def test_unit_contradicts_a_ratio_name_or_the_target(form_of) -> None:
    result = run(form_of([("参保率", 96, 96, 90, {"unit": "人", "op": "≥"})]))
    expect(result.findings, "UNIT_CONTRADICTS", Level.WARNING, "项目", "B15", "参保率", "「人」", "比率类指标")


@covers("ACTUAL_UNIT_DIFFERS")
def test_a_completion_value_in_another_unit_names_both_units_the_right_way_round(form_of) -> None:
    result = run(form_of([("覆盖率", "≥95%", "95人", 90)]))
    found = expect(result.findings, "ACTUAL_UNIT_DIFFERS", Level.WARNING, "项目", "E15", "覆盖率")
    assert "完成值的单位「人」与指标值的单位「%」不同" in found.message
    assert not CATALOGUE["ACTUAL_UNIT_DIFFERS"].about_targets  # filled in at the year's end: to act on
    same = run(form_of([("参保人数", "≥30000人", "30500人数", 45), ("建设工期", "≤12个月", "11月", 45)]))
    assert [f for f in same.findings if "UNIT" in f.code] == []


@covers("PERCENT_AS_FRACTION")
def test_a_percentage_typed_as_a_fraction_is_flagged(form_of) -> None:
    """0.96 typed into an unformatted cell for a 95% target: about a hundredth of it."""
    result = run(form_of([("资金及时划拨率", 95, 0.96, 90, {"unit": "%", "op": "≥"})]))
    found = expect(result.findings, "PERCENT_AS_FRACTION", Level.WARNING, "项目", "E15", "资金及时划拨率")
    assert "指标值为 95，完成值却是 0.96" in found.message and "请填写 96 或 96%" in found.message
    fine = run(form_of([("资金及时划拨率", 95, 96, 45, {"unit": "%", "op": "≥"}),
                        ("差错率", 1, 0.5, 45, {"unit": "%", "op": "≤"})]))  # a target below 10% is no sign of it
    assert cells_of(fine.findings, "PERCENT_AS_FRACTION") == []


@covers("ACTUAL_APPROXIMATE")
def test_an_approximate_completion_value_is_flagged(form_of) -> None:
    result = run(form_of([("参保率", "≥95%", "约95%", 45), ("覆盖率", "≥95%", "96%左右", 45)]))
    first = expect(result.findings, "ACTUAL_APPROXIMATE", Level.WARNING, "项目", "E15", "参保率")
    assert "完成值「约95%」是约数，已按 95 计分" in first.message
    expect(result.findings, "ACTUAL_APPROXIMATE", Level.WARNING, "项目", "E16", "覆盖率", "按 96 计分")


@covers("CLAIMED_ABOVE_FULL_MARKS")
def test_a_claimed_total_above_full_marks_is_an_error(form_of) -> None:
    """Seed 004's forms claim 100 where the rules give 110; a claim of 105 on a 100-point form is impossible."""
    result = run(form_of([("服务人数", 100, 100, 90)], exec_weight=10, claimed_total=105))
    expect(result.findings, "CLAIMED_ABOVE_FULL_MARKS", Level.ERROR, "项目", "I3", "自评总分为 105", "满分 100 分")
    assert cells_of(run(form_of([("服务人数", 100, 100, 90)], exec_weight=10, claimed_total=100)).findings,
                    "CLAIMED_ABOVE_FULL_MARKS") == []


@covers("NAME_NUMBER_MISMATCH")
def test_seed001_number_in_the_name(form_of) -> None:
    # 打击欺诈骗取医疗保险基金与开展医保绩效评价专项经费: 定点医药机构894家 家 ≥ 500
    rows = [
        ("服务对象满意度", 90, None, 10, {"unit": "%", "op": "≥", **levels("满意度指标", "服务对象满意度指标")}),
        ("开展项目资金", 90, None, 20, {"unit": "万元", "op": "≥", **levels("产出指标", "时效指标")}),
        ("收回违约金", 80, None, 20, {"unit": "万元", "op": "≥", **levels("效益指标", "社会效益指标")}),
        ("财政投入", 90, None, 20, {"unit": "万元", "op": "≥", **levels("成本指标", "经济成本指标")}),
        ("定点医药机构894家", 500, None, 20, {"unit": "家", "op": "≥", **levels("产出指标", "数量指标")}),
    ]
    result = run(form_of(rows, sheet="打击欺诈", budget=90, executed=None, exec_weight=10))
    expect(result.findings, "NAME_NUMBER_MISMATCH", Level.WARNING, "打击欺诈", "A19",
           "定点医药机构894家", "数字 894", "指标值 500")
    assert cells_of(result.findings, "NAME_NUMBER_MISMATCH") == ["A19"]
    # a year in a name is no number of the target (seed 000: 2022年我区居民医保财)
    year_named = run(form_of([("2022年我区居民医保财", 140000, 140000, 90, {"unit": "人", "op": "≥"})]))
    assert cells_of(year_named.findings, "NAME_NUMBER_MISMATCH") == []


# ================================================================ seed 003: 长寿区 表10 / 表11 / 表12


T11 = [  # 序号, 项目名称, 预算数(万元), 执行数(万元), 自评得分 = 100 each
    ("2021年城乡居民基本医疗保险工作经费市级补助资金", 31), ("西部志愿者项目补助", 15.64), ("医保基金专项审计", 18.06),
    ("医保网络维护费", 15), ("医保政策宣传及培训费", 19.76), ("村社区医保业务信息化建设及医保基金监管", 54.41),
    ("2021年医疗服务与保障能力提升(医疗保障能力提升部分)中央补助资金", 52),
    ("结转2020年医疗服务与保障服务能力提升中央补助资金", 20), ("结转2020年社会保障专项项目第二批", 199.5),
    ("边缘易致贫人口参加2021年城乡居民医疗保险资金", 1.86), ("街镇-居民医保工作经费", 266.31),
    ("代列-特殊人群医疗补助", 3600), ("代列-医疗救助资金", 5235.75), ("代列-资助参保医疗补助资金", 680),
    ("国有企业“单双解”人员和关闭破产解体城镇集体所有制企业退休人员以个人身份参加城镇职工医疗保险补助", 36),
    ("代列-城乡居民医保补助", 5443.5),
]


def seed003_table10() -> ProjectForm:
    funds = FundsForm(total=FundsRow("全年资金(万元)", budget=RawCell(973.9, "B6"), executed=RawCell(973.9, "C6")))
    return ProjectForm(sheet="表10", layout="table10", type="department", name="重庆市长寿区医疗保障局",
                       name_cell="B4", year=2021, funds=funds, claimed_total=RawCell("阳宏15808027144", "D4"),
                       has_indicator_table=False)


def seed003_table12(form_of) -> ProjectForm:
    rows = [
        ("资金到位率", "=100%", "100%", 10),
        ("建档立卡贫困人口参保率", "=100%", "100%", 15),
        ("定点医药机构监督检查覆盖率", "=100%", "100%", 15),
        ("到位及时率", "=100%", "100%", 15),
        ("资金使用合规性", "合规;资金拨付有完整审批程序和手续;不存在截留、基", "合规;资金拨付有完整审批程序和手续;不存在截留、基", 15),
        ("医疗服务水平", "稳步提升", "稳步提升", 15),
        ("参保人员对医保服务的满意度", "≥90%", "95%", 15),
    ]
    return form_of([(n, t, a, w, {"claimed_score": w}) for n, t, a, w in rows], sheet="表12", layout="table12",
                   name=T11[6][0], budget="52万元", executed="52万元", claimed_total=100, year=2021)


def seed003_table11(*, changed: dict[int, tuple[str, object]] | None = None) -> SummaryForm:
    rows = []
    for i, (name, amount) in enumerate(T11):
        r = 5 + i
        cells: dict[str, object] = {"budget": amount, "executed": amount, "score": 100}
        field, value = (changed or {}).get(i, (None, None))
        if field:
            cells[field] = value
        rows.append(SummaryRowForm(name=name, cell=f"B{r}", budget=RawCell(cells["budget"], f"C{r}"),
                                   executed=RawCell(cells["executed"], f"D{r}"), score=RawCell(cells["score"], f"E{r}")))
    return SummaryForm(sheet="表11", rows=rows)


@covers("CLAIMED_NOT_NUMBER")
def test_seed003_table10_score_is_a_name_and_phone_number() -> None:
    result = run(seed003_table10())
    expect(result.findings, "CLAIMED_NOT_NUMBER", Level.WARNING, "表10", "D4", "自评得分", "阳宏15808027144")
    assert result.claimed_total is None and result.execution_rate == 100.0
    assert [f.code for f in result.findings] == ["CLAIMED_NOT_NUMBER"]  # no indicator table: nothing else


@covers("SUMMARY_MISMATCH")
def test_seed003_table11_budgets_exceed_table10(form_of) -> None:
    t10, t12 = run(seed003_table10()), run(seed003_table12(form_of))
    assert (t12.budget, t12.total, t12.claimed_total) == (52, 100, 100)
    findings = check_summaries([seed003_table11()], [t10, t12])
    # 31 + 15.64 + 18.06 + 15 + 19.76 + 54.41 + 52 + 20 + 199.5 + 1.86 + 266.31 + 3600 + 5235.75 + 680 + 36
    # + 5443.5 = 15688.79 万元 of projects against a unit budget of 973.90 万元
    expect(findings, "SUMMARY_MISMATCH", Level.WARNING, "表11", "B5", "各项目预算数合计", "15688.79", "973.9", "表10")
    assert len(findings) == 1  # row 7 agrees with 表12: 52 / 52 / 100


@covers("SUMMARY_MISMATCH")
def test_summary_row_disagrees_with_its_project_sheet(form_of) -> None:
    t12 = run(seed003_table12(form_of))
    findings = check_summaries([seed003_table11(changed={6: ("budget", 50)})], [t12])
    expect(findings, "SUMMARY_MISMATCH", Level.WARNING, "表11", "B11", "预算数", "汇总表为 50", "工作表「表12」为 52")
    findings = check_summaries([seed003_table11(changed={6: ("score", 95)})], [t12])
    expect(findings, "SUMMARY_MISMATCH", Level.WARNING, "表11", "B11", "自评得分", "汇总表为 95", "为 100")


@covers("CLAIMED_NOT_NUMBER", "VALUE_UNREADABLE")
def test_summary_cells_that_are_no_numbers(form_of) -> None:
    findings = check_summaries([seed003_table11(changed={1: ("score", "优"), 2: ("budget", "待定")})], [])
    expect(findings, "CLAIMED_NOT_NUMBER", Level.WARNING, "表11", "E6", "西部志愿者项目补助", "自评得分", "「优」")
    expect(findings, "VALUE_UNREADABLE", Level.ERROR, "表11", "C7", "医保基金专项审计", "预算数", "待定")


@covers("CLAIMED_NOT_NUMBER")
def test_indicator_score_that_is_no_number(form_of) -> None:
    result = run(form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥", "claimed_score": "满分"})]))
    expect(result.findings, "CLAIMED_NOT_NUMBER", Level.WARNING, "项目", "I15", "指标「服务人数」的得分", "「满分」")


# ================================================================ one test for each remaining code


@covers("EXECUTED_MISSING")
def test_budget_without_executed_amount(form_of) -> None:
    result = run(form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})], budget=100, executed=None))
    expect(result.findings, "EXECUTED_MISSING", Level.ERROR, "项目", "D7", "全年执行数未填写")
    assert result.execution_score == 0


@covers("EXECUTED_FROM_RATE")
@pytest.mark.parametrize("written, number_format, rate, score", [
    ("95%", None, 95, 9.5),          # 10 × 95% = 9.50
    (0.985, "0.00%", 98.5, 9.85),    # a fraction shown as a percentage: 10 × 98.5% = 9.85
    (98.5, None, 98.5, 9.85),        # a bare percentage
    ("105%", None, 105, 10),         # capped: 10 × min(105%, 100%) = 10
])
def test_a_blank_executed_amount_beside_a_typed_rate(form_of, written, number_format, rate, score) -> None:
    form = form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})], budget=100, executed=None)
    form.funds.exec_rate = RawCell(written, "E7", number_format)
    result = run(form)
    expect(result.findings, "EXECUTED_FROM_RATE", Level.WARNING, "项目", "D7", "全年执行数未填写",
           f"{rate}%（E7）", "请填写全年执行数")
    assert (result.execution_rate, result.execution_score, result.total) == (rate, score, score + 90)
    assert result.executed is None and cells_of(result.findings, "EXECUTED_MISSING") == []


def test_a_rate_a_formula_computed_from_the_blank_amount_is_no_statement(form_of) -> None:
    form = form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})], budget=100, executed=None)
    form.funds.exec_rate = RawCell(0, "E7", "0.00%", is_formula=True)  # =D7/C7 over a blank D7
    result = run(form)
    assert cells_of(result.findings, "EXECUTED_MISSING") == ["D7"] and result.execution_score == 0
    assert cells_of(result.findings, "EXECUTED_FROM_RATE") == []


@covers("BUDGET_START_ONLY")
def test_a_form_with_only_the_initial_budget_is_measured_against_it(form_of) -> None:
    form = form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})], budget_start=80, executed=76)
    form.funds.total.budget = RawCell(None)  # no 全年预算数 column at all
    result = evaluate(form, table_settings(form))
    # 执行率 = 76 / 80 = 95%; 执行率得分 = 10 × 95% = 9.5; total = 9.5 + 90 = 99.5
    assert (result.budget, result.execution_rate, result.execution_score, result.total) == (80, 95, 9.5, 99.5)
    expect(result.findings, "BUDGET_START_ONLY", Level.INFO, "项目", "B7", "只有年初预算数一栏")
    assert form_stated_settings(form)["execution.denominator"] == ("年初预算数", "表中只有年初预算数一栏 项目!B7")
    # a 全年预算数 column left blank is a missing figure, not a missing column
    blank = form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})], budget_start=80, budget=None, executed=76)
    blank_result = evaluate(blank, table_settings(blank))
    assert cells_of(blank_result.findings, "BUDGET_START_ONLY") == [] and blank_result.total is None
    assert cells_of(blank_result.findings, "BUDGET_MISSING")


@covers("CLAIMED_GROUP_SCORE_DIFF")
def test_one_score_merged_over_several_indicators_is_their_score_together(form_of) -> None:
    def merged(claim: float) -> ProjectForm:
        form = form_of([("服务人数", 100, 100, 45, {"unit": "人", "op": "≥", "claimed_score": claim}),
                        ("培训人次", 100, 80, 45, {"unit": "人次", "op": "≥"})], claimed_total=100)
        form.indicators[1].claimed_score = RawCell(claim, "I15")  # the 得分 cell I15:I16 merged: one anchor
        form.funds.exec_score = RawCell(10, "G7")
        return form
    # computed: 45 × 100/100 = 45; 45 × 80/100 = 36; together 81
    wrong = run(merged(90))
    expect(wrong.findings, "CLAIMED_GROUP_SCORE_DIFF", Level.WARNING, "项目", "I15", "2 个指标（「服务人数」、「培训人次」）",
           "合并填报得分 90", "得分之和为 81")
    assert cells_of(wrong.findings, "CLAIMED_SCORE_DIFF") == []  # not 90 against 45 and 90 against 36
    # the claimed parts: 10 + 90 once = 100, as claimed; counted per row they would be 190
    assert cells_of(wrong.findings, "CLAIMED_TOTAL_NOT_SUM") == []
    right = run(merged(81))
    assert {f.code for f in right.findings} & {"CLAIMED_GROUP_SCORE_DIFF", "CLAIMED_SCORE_DIFF"} == set()
    assert right.total == 10 + 81


def test_no_claimed_score_is_compared_where_the_rules_could_not_judge(form_of) -> None:
    # no target (TARGET_MISSING says what to do) and no weight (one UNSCORABLE): a claim of 10 against 0 is noise
    no_target = run(form_of([("服务人数", None, 100, 90, {"unit": "人", "claimed_score": 10})]))
    assert cells_of(no_target.findings, "TARGET_MISSING") == ["D15"]
    assert cells_of(no_target.findings, "CLAIMED_SCORE_DIFF") == []
    assert cells_of(no_target.findings, "EXPLANATION_MISSING") == []
    no_weight = run(form_of([("服务人数", 100, 90, None, {"unit": "人", "op": "≥", "claimed_score": 10})]))
    assert cells_of(no_weight.findings, "UNSCORABLE") and cells_of(no_weight.findings, "CLAIMED_SCORE_DIFF") == []


@covers("MONEY_UNIT")
def test_amounts_in_yuan_are_converted_and_said(form_of) -> None:
    # seed 000: 20,040,000.00 元 = 20,040,000 / 10,000 = 2004 万元
    form = form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})], budget="20,040,000.00",
                   executed="20,040,000.00", money_unit="元")
    form.funds.money_unit_source = "一体化系统导出表以元为单位"
    result = run(form)
    assert (result.budget, result.executed) == (2004, 2004)
    expect(result.findings, "MONEY_UNIT", Level.INFO, "项目", "C7", "一体化系统导出表以元为单位", "元")


@covers("WEIGHT_INVALID")
@pytest.mark.parametrize(("weight", "problem"), [(None, "未填写"), (0, "为 0"), (-5, "为负数（-5）"),
                                                 ("十分", "「十分」不是数字")])
def test_weight_invalid(form_of, weight, problem: str) -> None:
    result = run(form_of([("服务人数", 100, 100, weight, {"unit": "人", "op": "≥"}),
                          ("覆盖率", 98, 98, 90, {"unit": "%", "op": "≥"})]))
    expect(result.findings, "WEIGHT_INVALID", Level.ERROR, "项目", "H15", "指标「服务人数」的权重" + problem)
    assert result.indicators[0].score == 0.0


@covers("TARGET_MISSING")
def test_target_missing(form_of) -> None:
    result = run(form_of([("服务人数", None, 100, 90, {"unit": "人", "op": "≥"})]))
    expect(result.findings, "TARGET_MISSING", Level.ERROR, "项目", "D15", "指标「服务人数」没有填写指标值")


@covers("ACTUAL_MISSING")
def test_actual_missing(form_of) -> None:
    result = run(form_of([("服务人数", 100, "　", 90, {"unit": "人", "op": "≥"})]))
    expect(result.findings, "ACTUAL_MISSING", Level.ERROR, "项目", "E15", "指标「服务人数」没有填写全年完成值")


@covers("ACTUAL_NOT_NUMBER")
def test_actual_not_number(form_of) -> None:
    result = run(form_of([("覆盖率", "≥95%", "基本达到", 90)]))
    expect(result.findings, "ACTUAL_NOT_NUMBER", Level.ERROR, "项目", "E15", "指标「覆盖率」", "≥95%", "「基本达到」")
    assert result.indicators[0].score == 0.0


@covers("OVERSPENT")
def test_overspent(form_of) -> None:
    form = form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})], budget=100, executed=120)
    form.out_cells["exec_rate"] = "E8"
    result = run(form)
    expect(result.findings, "OVERSPENT", Level.ERROR, "项目", "E8", "全年执行数 120 万元超过全年预算数 100 万元")
    # within the tolerance (0.005 万元 = 50 元) it is no finding
    within = run(form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})], budget=100, executed=100.004))
    assert cells_of(within.findings, "OVERSPENT") == []


@covers("BUDGET_MISSING")
def test_budget_missing(form_of) -> None:
    form = form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})], budget=0, executed=50)
    form.out_cells["exec_rate"] = "E8"
    expect(run(form).findings, "BUDGET_MISSING", Level.ERROR, "项目", "E8", "全年预算数为 0 或未填写")
    start = form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})], budget=100, executed=50)
    expect(run(start, execution__denominator="年初预算数").findings, "BUDGET_MISSING", Level.ERROR, "项目", "B3",
           "年初预算数为 0")


@covers("FUNDS_TOTAL_MISMATCH")
def test_funds_total_left_at_zero(form_of) -> None:
    form = form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})])
    form.funds = FundsForm(money_unit="元", total=FundsRow("年度资金总额", budget=RawCell(0, "C7"),
                                                           executed=RawCell(0, "D7")),
                           parts=[FundsRow("其中：财政拨款", budget=RawCell("1,000,000.00", "C8"),
                                           executed=RawCell("900,000.00", "D8")),
                                  FundsRow("其他资金", budget=RawCell("200,000.00", "C9"),
                                           executed=RawCell("100,000.00", "D9"))])
    result = run(form)
    # parts: 1,000,000 + 200,000 元 = 120 万元 budget; 900,000 + 100,000 元 = 100 万元 spent
    expect(result.findings, "FUNDS_TOTAL_MISMATCH", Level.ERROR, "项目", "C7",
           "「年度资金总额」的全年预算数 0 与其中各项之和 120 不符")
    expect(result.findings, "FUNDS_TOTAL_MISMATCH", Level.ERROR, "项目", "D7", "全年执行数 0", "100")
    # the parts are used: 100 / 120 = 83.33%
    assert (result.budget, result.executed, result.execution_rate) == (120, 100, 83.33)


@covers("NO_INDICATORS")
def test_no_indicators(form_of) -> None:
    result = run(form_of([]))
    expect(result.findings, "NO_INDICATORS", Level.ERROR, "项目", "B3", "没有找到任何绩效指标")
    assert result.total is None


@covers("LEVEL1_MISSING")
def test_level1_missing(form_of) -> None:
    rows = [("服务人数", 100, 100, 60, {"unit": "人", "op": "≥", **levels("产出指标", "数量指标")}),
            ("覆盖率", 98, 98, 30, {"unit": "%", "op": "≥", **levels("效益指标", "社会效益指标")})]
    expect(run(form_of(rows)).findings, "LEVEL1_MISSING", Level.ERROR, "项目", "B3", "没有「满意度指标」类指标")
    exempt = run(form_of(rows), weights__satisfaction_exempt=True)
    assert cells_of(exempt.findings, "LEVEL1_MISSING") == []


@covers("VALUE_UNREADABLE")
def test_funds_amount_unreadable(form_of) -> None:
    result = run(form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})], budget="一百万元"))
    expect(result.findings, "VALUE_UNREADABLE", Level.ERROR, "项目", "C7", "「年度资金总额」的全年预算数", "「一百万元」")
    assert "BUDGET_MISSING" in [f.code for f in result.findings]


@covers("LEVEL1_SPLIT")
def test_level1_split(form_of) -> None:
    rows = [("服务人数", 100, 100, 30, {"unit": "人", "op": "≥", **levels("产出指标", "数量指标")}),
            ("单位成本", 10, 10, 30, {"unit": "元", "op": "≤", **levels("成本指标", "经济成本指标")}),
            ("覆盖率", 98, 98, 20, {"unit": "%", "op": "≥", **levels("效益指标", "社会效益指标")}),
            ("满意度", 95, 95, 10, {"unit": "%", "op": "≥", **levels("满意度指标", "服务对象满意度指标")})]
    # 产出 30 + 成本 30 = 60 (成本 counts as 产出), 效益 20, 满意度 10
    result = run(form_of(rows))
    expect(result.findings, "LEVEL1_SPLIT", Level.WARNING, "项目", "B3", "产出 60、效益 20、满意度 10",
           "建议为 产出 50、效益 30、满意度 10")
    assert not [f for f in result.findings if f.level is Level.ERROR]


@covers("LEVEL1_POINTS_MISMATCH")
def test_level1_points_mismatch(form_of) -> None:
    """The hierarchical form's 一级 label states its points; the 三级 weights under it must add up to them."""
    def row(name: str, weight: int, label: str, cell: str) -> tuple:
        return (name, 100, 100, weight, {"unit": "%", "op": "≥", "level1": label, "level2": "某二级指标",
                                         "level1_cell": cell})

    rows = [row("服务覆盖率", 30, "产出指标（50分）", "B15"), row("办结率", 25, "产出指标（50分）", "B15"),
            row("参保率", 25, "效益指标\n（30分）", "B17"), row("满意度", 10, "满意度指标（10分）", "B18")]
    result = run(form_of(rows))
    # 产出: 30 + 25 = 55 against 50; 效益: 25 against 30; 满意度: 10 as stated
    expect(result.findings, "LEVEL1_POINTS_MISMATCH", Level.WARNING, "项目", "B15", "「产出指标(50分)」",
           "标明 50 分", "合计为 55 分")
    expect(result.findings, "LEVEL1_POINTS_MISMATCH", Level.WARNING, "项目", "B17", "「效益指标(30分)」",
           "标明 30 分", "合计为 25 分")
    assert cells_of(result.findings, "LEVEL1_POINTS_MISMATCH") == ["B15", "B17"]
    # labels without points, or with something else in brackets, state nothing to check
    plain = [row("服务覆盖率", 80, "产出指标", "B15"), row("满意度", 10, "满意度指标（服务对象）", "B16")]
    assert cells_of(run(form_of(plain)).findings, "LEVEL1_POINTS_MISMATCH") == []


@covers("LEVEL1_BLANK")
def test_level1_blank(form_of) -> None:
    rows = [("服务人数", 100, 100, 50, {"unit": "人", "op": "≥", **levels("产出指标", "数量指标")}),
            ("覆盖率", 98, 98, 30, {"unit": "%", "op": "≥", "level1": "　", "level2": "社会效益指标"}),
            ("满意度", 95, 95, 10, {"unit": "%", "op": "≥", **levels("满意度指标", "服务对象满意度指标")})]
    result = run(form_of(rows))
    expect(result.findings, "LEVEL1_BLANK", Level.WARNING, "项目", "A16", "指标「覆盖率」没有填写一级指标")
    assert cells_of(result.findings, "LEVEL1_MISSING") == []  # not checked while a level is blank


@covers("LEVELS_UNKNOWN")
def test_levels_unknown(form_of) -> None:
    result = run(form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})]))
    expect(result.findings, "LEVELS_UNKNOWN", Level.INFO, "项目", "B3", "未列一级指标")


@covers("CLAIMED_SCORE_DIFF")
def test_claimed_score_diff(form_of) -> None:
    # 20 × 8000 / 10000 = 16, the form claims full marks
    result = run(form_of([("服务人数", 10000, 8000, 20, {"unit": "人", "op": "≥", "claimed_score": 20})]))
    expect(result.findings, "CLAIMED_SCORE_DIFF", Level.WARNING, "项目", "I15", "指标「服务人数」填报得分 20",
           "按规则计算为 16")
    close = run(form_of([("服务人数", 10000, 8000, 20, {"unit": "人", "op": "≥", "claimed_score": 16.01})]))
    assert cells_of(close.findings, "CLAIMED_SCORE_DIFF") == []  # within the 0.01 tolerance


def test_claimed_total_within_tolerance(form_of) -> None:
    # 10 + 90 = 100; a claim of 99.99 is 0.01 off, which is not more than the tolerance 0.01
    rows = [("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})]
    assert cells_of(run(form_of(rows, claimed_total=99.99)).findings, "CLAIMED_TOTAL_DIFF") == []
    expect(run(form_of(rows, claimed_total=99.98)).findings, "CLAIMED_TOTAL_DIFF", Level.WARNING, "项目", "I3",
           "填报自评总分 99.98", "计算为 100")


@covers("QUALITATIVE_OUT_OF_BAND")
def test_qualitative_out_of_band(form_of) -> None:
    # 部分完成 of 15: band 60–80% = 9–12 points; 15 claimed; 15 × 60% = 9 used
    result = run(form_of([("政策落实", "达成预期指标", "部分完成", 15, {"claimed_score": 15})]))
    expect(result.findings, "QUALITATIVE_OUT_OF_BAND", Level.WARNING, "项目", "I15", "定性指标「政策落实」",
           "部分达成并具有一定效果", "9–12 分", "填报得分 15", "已按 9 分计算")


@covers("QUALITATIVE_UNJUDGED")
def test_qualitative_unjudged(form_of) -> None:
    result = run(form_of([("社会效益", "社会效益显著提升", "群众获得感增强", 15)]))
    expect(result.findings, "QUALITATIVE_UNJUDGED", Level.WARNING, "项目", "E15", "定性指标「社会效益」",
           "「群众获得感增强」", "达成 80–100%")


@covers("COST_GE")
def test_cost_ge_by_name_without_levels(form_of) -> None:
    result = run(form_of([("单个项目成本", 3, 3, 90, {"unit": "万元", "op": "≥"})]))
    expect(result.findings, "COST_GE", Level.WARNING, "项目", "C15", "成本指标「单个项目成本」写作「≥」")
    fine = run(form_of([("单个项目成本", 3, 3, 90, {"unit": "万元", "op": "≤"})]))
    assert cells_of(fine.findings, "COST_GE") == []


@covers("TARGET_TOO_LOW")
def test_target_too_low(form_of) -> None:
    result = run(form_of([("服务人数", 100, 130, 90, {"unit": "人", "op": "≥", "explanation": "需求增加"})]),
                 penalty__target_too_low_points=2)
    expect(result.findings, "TARGET_TOO_LOW", Level.WARNING, "项目", "E15", "指标「服务人数」完成值超出目标 30%",
           "扣 2 分")
    assert result.indicators[0].score == 88.0  # 90 − 2


@covers("DATE_YEAR_ASSUMED", "KIND_DEADLINE")
def test_deadline_without_year(form_of) -> None:
    result = run(form_of([("完成时间", "10月底前", datetime.date(2023, 10, 20), 90)]))
    expect(result.findings, "DATE_YEAR_ASSUMED", Level.INFO, "项目", "D15", "指标「完成时间」", "「10月底前」", "按 2023 年")
    expect(result.findings, "KIND_DEADLINE", Level.INFO, "项目", "D15", "指标「完成时间」按时效指标评分", "「10月底前」")


@covers("KIND_DEADLINE")
def test_kind_deadline(form_of) -> None:
    result = run(form_of([("完成时间", "2023年10月31日前", "按时完成", 90)]))
    expect(result.findings, "KIND_DEADLINE", Level.INFO, "项目", "D15", "时限「2023年10月31日前」")
    assert cells_of(result.findings, "DATE_YEAR_ASSUMED") == []


@covers("KIND_QUALITATIVE")
def test_kind_qualitative(form_of) -> None:
    result = run(form_of([("医疗服务水平", "稳步提升", "稳步提升", 90)]))
    expect(result.findings, "KIND_QUALITATIVE", Level.INFO, "项目", "D15", "指标「医疗服务水平」按定性指标评分",
           "「稳步提升」")


# ================================================================ cells with no usable value
# The clean form: 服务人数 ≥ 100, done 100, weight 90, claimed 90; 执行率 100 % → 10 + 90 = 100, claimed 100.
# Each place below gets an Excel error value or an uncached formula in turn; the file-level view of the
# same cases (a real workbook through the command line) is in tests/integration/test_bad_inputs.py.

CELL_PLACES = {  # place -> (its cell in form_of's layout, how the message names it)
    "target": ("D15", "指标「服务人数」的指标值"),
    "actual": ("E15", "指标「服务人数」的全年完成值"),
    "weight": ("H15", "指标「服务人数」的权重"),
    "unit": ("B15", "指标「服务人数」的计量单位"),
    "op": ("C15", "指标「服务人数」的指标性质"),
    "claimed_score": ("I15", "指标「服务人数」的得分"),
    "budget": ("C7", "「年度资金总额」的全年预算数"),
    "exec_weight": ("F8", "执行率权重"),
    "claimed_total": ("I3", "自评得分"),
}
# What the cell would have said without the dedicated finding; none of these may appear besides it.
GENERIC = {"TARGET_MISSING", "ACTUAL_MISSING", "ACTUAL_NOT_NUMBER", "WEIGHT_INVALID", "CLAIMED_NOT_NUMBER",
           "VALUE_UNREADABLE", "QUALITATIVE_UNJUDGED", "KIND_QUALITATIVE", "UNIT_CONTRADICTS"}


def clean_form(form_of) -> ProjectForm:
    return form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥", "claimed_score": 90})],
                   exec_weight=10, claimed_total=100)


def with_cell(form: ProjectForm, place: str, **change: object) -> ProjectForm:
    """The form with the RawCell of ``place`` changed (value, is_formula)."""
    holder = {"budget": form.funds.total, "exec_weight": form.funds, "claimed_total": form}.get(place,
                                                                                                form.indicators[0])
    setattr(holder, place, dataclasses.replace(getattr(holder, place), **change))
    return form


def test_clean_form_has_no_errors(form_of) -> None:
    result = run(clean_form(form_of))
    assert (result.total, result.claimed_total) == (100, 100)
    assert not [f for f in result.findings if f.level is not Level.INFO]


@covers("CELL_ERROR_VALUE")
@pytest.mark.parametrize("place", list(CELL_PLACES))
def test_error_value_in_every_cell_the_core_reads(form_of, place: str) -> None:
    cell, field = CELL_PLACES[place]
    result = run(with_cell(clean_form(form_of), place, value="#REF!"))
    expect(result.findings, "CELL_ERROR_VALUE", Level.ERROR, "项目", cell, field, "Excel 错误值 #REF!",
           "公式引用的单元格已被删除", "请修正该单元格的公式")
    assert {f.code for f in result.findings} & GENERIC == set()


@covers("CELL_ERROR_VALUE")
@pytest.mark.parametrize(("written", "error", "meaning"), [
    ("#DIV/0!", "#DIV/0!", "除数为 0"), ("#N/A", "#N/A", "没有找到对应的值"), ("#VALUE!", "#VALUE!", "不能参与运算"),
    ("#NAME?", "#NAME?", "无法识别"), ("#NUM!", "#NUM!", "数值无效"), ("#NULL!", "#NULL!", "没有交集"),
    (" #n/a ", "#N/A", "没有找到对应的值"),
])
def test_each_error_value_says_what_it_means(form_of, written: str, error: str, meaning: str) -> None:
    result = run(with_cell(clean_form(form_of), "actual", value=written))
    expect(result.findings, "CELL_ERROR_VALUE", Level.ERROR, "项目", "E15", f"错误值 {error}（", meaning)
    # the indicator scores 0 and nothing else is said about the value: 10 + 0 = 10
    assert (result.indicators[0].score, result.total) == (0, 10)
    assert {f.code for f in result.findings} & GENERIC == set()


@covers("FORMULA_NOT_CACHED")
@pytest.mark.parametrize("place", list(CELL_PLACES))
def test_formula_without_its_result_in_every_cell_the_core_reads(form_of, place: str) -> None:
    cell, field = CELL_PLACES[place]
    result = run(with_cell(clean_form(form_of), place, value=None, is_formula=True))
    expect(result.findings, "FORMULA_NOT_CACHED", Level.ERROR, "项目", cell, field + "所在单元格是公式但没有保存计算结果",
           "请在 Excel/WPS 中打开后保存，或用 LibreOffice 重新计算")
    assert {f.code for f in result.findings} & GENERIC == set()


def test_formula_with_its_result_is_just_its_value(form_of) -> None:
    result = run(with_cell(clean_form(form_of), "actual", value=100, is_formula=True))
    assert result.total == 100 and not [f for f in result.findings if f.level is not Level.INFO]


@covers("CELL_ERROR_VALUE", "FORMULA_NOT_CACHED")
def test_summary_cells_with_no_usable_value(form_of) -> None:
    table = seed003_table11(changed={1: ("score", "#DIV/0!")})
    table.rows[2].budget = dataclasses.replace(table.rows[2].budget, value=None, is_formula=True)
    findings = check_summaries([table], [])
    expect(findings, "CELL_ERROR_VALUE", Level.ERROR, "表11", "E6", "汇总表「西部志愿者项目补助」的自评得分", "#DIV/0!")
    expect(findings, "FORMULA_NOT_CACHED", Level.ERROR, "表11", "C7", "汇总表「医保基金专项审计」的预算数")
    assert [f.code for f in findings if f.code in GENERIC] == []


# ================================================================ completeness


def test_catalogue_codes_all_have_a_test() -> None:
    assert READER_ONLY <= set(CATALOGUE)
    assert COVERED == set(CATALOGUE) - READER_ONLY


@covers("UNSCORABLE")
def test_a_table_without_money_or_weights_is_not_scored(form_of) -> None:
    """No 0.00 / 差 for a form whose budget cannot be read, nor for one without any weight."""
    no_money = run(form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})], budget="一百万元"))
    expect(no_money.findings, "UNSCORABLE", Level.ERROR, "项目", "B3", "缺少全年预算数", "不按 0 分计")
    assert (no_money.total, no_money.grade) == (None, None)
    no_weights = run(form_of([("服务人数", 100, 100, None, {"unit": "人", "op": "≥"}),
                              ("覆盖率", 98, 98, None, {"unit": "%", "op": "≥"})]))
    expect(no_weights.findings, "UNSCORABLE", Level.ERROR, "项目", "B3", "缺少指标分值（权重）")
    assert (no_weights.total, no_weights.grade) == (None, None)
    # one weight missing among others is WEIGHT_INVALID on that row, and the table is still scored
    one_missing = run(form_of([("服务人数", 100, 100, None, {"unit": "人", "op": "≥"}),
                               ("覆盖率", 98, 98, 90, {"unit": "%", "op": "≥"})]))
    assert cells_of(one_missing.findings, "UNSCORABLE") == [] and one_missing.total == 100


@covers("CLAIMED_EXEC_SCORE_DIFF", "OVERSPENT_FULL_MARKS")
def test_the_published_execution_score_is_checked(form_of) -> None:
    # 90 of 100 spent: 10 × 90% = 9, the form claims 10
    form = form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})], budget=100, executed=90)
    form.funds.exec_score = RawCell(10, "G7")
    expect(run(form).findings, "CLAIMED_EXEC_SCORE_DIFF", Level.WARNING, "项目", "G7", "填报执行率得分 10",
           "按规则计算为 9", "执行率 90% × 分值 10")
    # 120 of 100 spent and full marks claimed: the rule caps at 100% (so no difference), but it is flagged
    over = form_of([("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})], budget=100, executed=120)
    over.funds.exec_score = RawCell("10分", "G7")
    result = run(over)
    expect(result.findings, "OVERSPENT_FULL_MARKS", Level.WARNING, "项目", "G7", "全年执行数 120 万元超过预算数 100 万元",
           "满分 10")
    assert cells_of(result.findings, "CLAIMED_EXEC_SCORE_DIFF") == []


@covers("CLAIMED_TOTAL_NOT_SUM")
def test_a_published_total_that_is_not_the_sum_of_its_rows(form_of) -> None:
    # rows claim 40 + 45, the execution score 10: 95, the form's 总分 says 100
    form = form_of([("服务人数", 100, 100, 45, {"unit": "人", "op": "≥", "claimed_score": 40}),
                    ("覆盖率", 98, 98, 45, {"unit": "%", "op": "≥", "claimed_score": 45})],
                   budget=100, executed=100, claimed_total=100)
    form.funds.exec_score = RawCell(10, "G7")
    expect(run(form).findings, "CLAIMED_TOTAL_NOT_SUM", Level.WARNING, "项目", "I3", "填报自评总分 100",
           "各指标得分之和为 95")


# ================================================================ across files (表11 of many workbooks)


def _gathered(*files: tuple[str, int | None, list[ProjectResult]]):
    from xl_tools.core.gathering import Gathered

    gathered = Gathered()
    for name, year, projects in files:
        gathered.add(name, projects, year)
    return gathered


@covers("DUPLICATE_PROJECT")
def test_the_same_project_from_two_files_is_flagged_in_each(form_of) -> None:
    """Counted twice in 合计 otherwise: same 项目编码, or (without codes) the same name however spaced."""
    coded = run(form_of([("服务人数", 100, 100, 90)], exec_weight=10, name="医疗救助", code="500110-01"))
    renamed = run(form_of([("服务人数", 100, 100, 90)], exec_weight=10, name="医疗救助（重报）", code="500110-01"))
    spaced = run(form_of([("服务人数", 100, 100, 90)], exec_weight=10, name="宣传 印刷费", sheet="宣传"))
    plain = run(form_of([("服务人数", 100, 100, 90)], exec_weight=10, name="宣传印刷费", sheet="宣传"))
    gathered = _gathered(("甲单位.xlsx", 2023, [coded, spaced]), ("乙单位.xlsx", 2023, [renamed, plain]))
    found = [f for f in gathered.across_files() if f.code == "DUPLICATE_PROJECT"]
    assert [(f.file, f.project) for f in found] == [("甲单位.xlsx", "医疗救助"), ("乙单位.xlsx", "医疗救助（重报）"),
                                                   ("甲单位.xlsx", "宣传 印刷费"), ("乙单位.xlsx", "宣传印刷费")]
    assert "（项目编码 500110-01）同时出现在 甲单位.xlsx、乙单位.xlsx 中" in found[0].message
    assert "（同名）" in found[2].message and found[0].level is Level.WARNING
    assert gathered.findings == found  # kept for 校验结果


@covers("YEARS_DIFFER")
def test_a_file_of_another_year_is_flagged_and_the_title_takes_the_most_common_year(form_of) -> None:
    project = run(form_of([("服务人数", 100, 100, 90)], exec_weight=10))
    gathered = _gathered(("a.xlsx", 2022, [project]), ("b.xlsx", 2023, [project]), ("c.xlsx", 2023, [project]),
                         ("d.xlsx", None, [project]))
    assert gathered.year == 2023
    (found,) = [f for f in gathered.across_files() if f.code == "YEARS_DIFFER"]
    assert (found.file, found.sheet, found.level) == ("a.xlsx", "项目", Level.WARNING)
    assert found.message.startswith("该文件是 2022 年度的，而表11 按 2023 年度汇总")
    assert _gathered(("a.xlsx", 2023, [project]), ("b.xlsx", 2022, [project])).year == 2023  # equal: the first


@covers("TOTAL_ABOVE_100")
def test_a_total_above_100_is_an_error(form_of) -> None:
    """Seed 004's 三联单印刷费: indicator weights 100 beside an execution-rate weight of 10, all met: 110."""
    over = run(form_of([("印刷数量", 100, 100, 50), ("印刷质量", 100, 100, 50)], exec_weight=10, name="三联单印刷费项目"))
    assert over.total == 110
    (found,) = _gathered(("渝水.xlsx", 2022, [over])).across_files()
    assert found.code == "TOTAL_ABOVE_100" and found.level is Level.ERROR and found.file == "渝水.xlsx"
    assert found.message.startswith("项目「三联单印刷费项目」的总分为 110，超过满分 100 分")
    exact = run(form_of([("印刷数量", 100, 100, 90)], exec_weight=10))
    assert exact.total == 100 and _gathered(("x.xlsx", 2022, [exact])).across_files() == []
