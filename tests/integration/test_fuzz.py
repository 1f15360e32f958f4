"""Fuzzing: the value parser on anything, and the readers and the core on random sheets.

Whatever a workbook holds, the toolkit must answer with findings, never an
exception; the only thing allowed to escape ``evaluate_book`` is
``NothingRecognised`` (no form found), which the command line turns into its
one-line message.

Random sheets are built from the pieces real forms are made of (header rows
of real labels, 项目名称 lines, funds rows, indicator rows, 合计 and signature
lines) with random values, error literals, blanks, merges, number formats,
formulas without results, hidden rows and defined names, so the readers get
far enough to find tables and hand them to the core.

Bounded for CI: a fixed number of examples per test, no deadline (the first
example pays for imports), and ``derandomize=True`` with no example database,
so every run tries the same inputs and a CI failure reproduces locally.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from xl_tools.jobs.evaluation import evaluate_book
from xl_tools.core.errors import NothingRecognised
from xl_tools.rulesets import builtin_names
from xl_tools.layouts import template
from xl_tools.layouts.detect import detect
from xl_tools.reading.grid import CellRange, Grid, WorkbookGrid

from tests.helpers.strategies import CELL, FORMATS

# About 8 s for the sheets and 1 s for the values on one core; the same inputs on every run.
FUZZ_BOOKS = settings(max_examples=600, deadline=None, derandomize=True, database=None)
LABEL_CELL = st.one_of(
    st.sampled_from(["项目名称：", "项目名称", "项目名称：某项目", "专项名称", "部门名称", "单位名称", "项目编码：",
                     "自评总分：", "自评得分", "单位：万元", "单位：元", "2023年度项目支出绩效自评表", "绩效指标"]),
    CELL,
)
INDICATOR_LABELS = ["一级指标", "二级指标", "三级指标", "指标名称", "计量单位", "指标性质", "指标值", "年度指标值",
                    "全年完成值", "实际完成值", "完成比例", "偏离度（%）", "得分系数（%）", "指标权重", "分值",
                    "指标得分", "得分", "自评得分", "是否核心指标", "说明", "偏差原因分析及改进措施"]
FUNDS_LABELS = ["", "年初预算数", "全年（调整）预算数", "全年预算数", "全年执行数", "执行率", "执行率权重",
                "分值", "执行率得分", "得分"]
SUMMARY_LABELS = ["序号", "项目名称", "项目编码", "预算数", "执行数", "自评得分"]
ROW_LABELS = ["年度资金总额", "年度总金额", "其中：财政拨款", "上年结转资金", "其他资金", "总量", "合计", "总分",
              "填报人：　联系电话：", "产出指标", "效益指标", "满意度指标", "成本指标", "数量指标", "rule_set",
              "execution.weight", "grades", "级别"]
SHEET_NAMES = ["自评表", "表10", "表11", "表12", "参数", "校验结果", "Sheet1", "部门整体"]


# The indicator headers of the layouts the toolkit reads (budget-system export, 表12, hierarchical form).
FORM_HEADERS = [
    ["指标名称", "计量单位", "指标性质", "指标值", "全年完成值", "偏离度（%）", "得分系数（%）", "指标权重", "指标得分",
     "是否核心指标", "说明"],
    ["一级指标", "二级指标", "指标名称", "计量单位", "指标性质", "指标值", "全年完成值", "指标权重", "指标得分", "说明"],
    ["指标名称", "分值", "年度指标值", "全年完成值", "完成比例", "自评得分", "未完成原因和改进措施"],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
]


def header_row(labels: list[str]) -> st.SearchStrategy[list[object]]:
    """Some of ``labels`` in any order."""
    return st.permutations(labels).flatmap(lambda p: st.integers(1, len(p)).map(lambda n: list(p[:n])))


def labelled_row(labels: list[str]) -> st.SearchStrategy[list[object]]:
    return st.tuples(st.sampled_from(labels), st.lists(CELL, max_size=8)).map(lambda t: [t[0], *t[1]])


# A whole form: 项目名称, funds header and rows, an indicator header (a real one, maybe shuffled or
# cut short) and rows under it, a 合计 or signature line; each piece may be garbled by the random cells.
FORM = st.tuples(
    st.tuples(st.sampled_from(["项目名称：", "项目名称", "专项名称", "部门名称"]), CELL).map(lambda t: [list(t)]),
    header_row(FUNDS_LABELS).map(lambda r: [r]),
    st.lists(labelled_row(ROW_LABELS[:7]), max_size=3),
    st.sampled_from(FORM_HEADERS).flatmap(
        lambda h: st.one_of(st.just(h), st.permutations(h), header_row(h))).map(lambda r: [r]),
    st.lists(st.lists(CELL, max_size=11), max_size=6),
    st.lists(labelled_row(ROW_LABELS), max_size=2),
).map(lambda parts: [row for part in parts for row in part])
ROW = st.one_of(
    header_row(INDICATOR_LABELS),
    header_row(FUNDS_LABELS),
    header_row(SUMMARY_LABELS),
    st.tuples(LABEL_CELL, CELL, CELL, LABEL_CELL, CELL).map(list),
    labelled_row(ROW_LABELS),
    st.lists(CELL, max_size=12),  # an indicator row, or anything
    st.just([]),  # a blank row
)


@st.composite
def grids(draw: st.DrawFn, name: str) -> Grid:
    sections = draw(st.lists(st.one_of(ROW.map(lambda r: [r]), FORM), max_size=6))
    rows = [row for section in sections for row in section][:40]
    left = draw(st.integers(1, 3))
    values = {(r, left + c): v for r, row in enumerate(rows, start=1) for c, v in enumerate(row)}
    positions = sorted(values) or [(1, 1)]
    max_row = max(r for r, _ in positions)
    max_col = max(c for _, c in positions)

    def ranges() -> st.SearchStrategy[CellRange]:
        return st.tuples(st.integers(1, max_row), st.integers(1, max_col), st.integers(0, 4), st.integers(0, 2)).map(
            lambda t: CellRange(t[0], t[1], t[0] + t[2], t[1] + t[3]))

    no_formats = draw(st.booleans())  # as the calamine backend reads: no formats, no formula flags
    formats = None if no_formats else {p: draw(st.sampled_from(FORMATS)) for p in positions
                                        if draw(st.booleans())}
    formulas = None if no_formats else set(draw(st.lists(st.sampled_from(positions), max_size=6)))
    if formulas:  # a formula saved without its result reads as no value
        for p in formulas:
            if draw(st.booleans()):
                values[p] = None
    names = {n: draw(ranges()) for n in draw(st.lists(st.sampled_from(template.REQUIRED_NAMES + (
        template.EXEC_WEIGHT, template.GRADE, template.CODE)), max_size=7, unique=True))}
    return Grid(name=name, values=values, formats=formats, formulas=formulas,
                merged=draw(st.lists(ranges(), max_size=4)), hidden=draw(st.booleans()),
                hidden_rows=set(draw(st.lists(st.integers(1, max_row), max_size=4))), names=names)


@st.composite
def books(draw: st.DrawFn) -> WorkbookGrid:
    names = draw(st.lists(st.sampled_from(SHEET_NAMES), min_size=1, max_size=3, unique=True))
    return WorkbookGrid(path="随机.xlsx", sheets=[draw(grids(n)) for n in names], backend="fuzz")


@FUZZ_BOOKS
@given(books(), st.sampled_from([None, *builtin_names()]))
def test_readers_and_core_never_raise_on_random_sheets(book: WorkbookGrid, rule_set: str | None) -> None:
    found = detect(book)
    try:
        evaluation = evaluate_book(book, rule_set)
    except NothingRecognised:
        assert not found.forms
        return
    assert len(evaluation.scored.projects) == len(found.forms)
    for project in evaluation.scored.projects:
        for figure in (project.total, project.budget, project.execution_rate):
            assert figure is None or math.isfinite(figure)
