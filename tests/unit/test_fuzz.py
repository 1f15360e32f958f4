"""Fuzzing the value parser and the unusable-cell findings on anything, and two sheets the readers must take
in their stride (random sheets through readers and core: tests/integration/test_fuzz.py)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from xl_tools.core.cells import unusable
from xl_tools.core.findings import make
from xl_tools.core.model import RawCell
from xl_tools.core.values import normalise_text, parse_number, parse_value
from xl_tools.layouts import template
from xl_tools.layouts.detect import detect
from xl_tools.reading.grid import CellRange, Grid, WorkbookGrid

from tests.helpers.strategies import CELL, FORMATS


FUZZ_VALUES = settings(max_examples=1000, deadline=None, derandomize=True, database=None)


ANYTHING = st.one_of(CELL, st.decimals(), st.datetimes(), st.floats(),
                     st.text(alphabet="0123456789.,%万亿约#!/NAVLUEDIR?"),
                     st.sampled_from([" #n/a ", "#div/0!", "#REF", "#", 10**400, float("nan"), float("-inf")]))


@FUZZ_VALUES
@given(ANYTHING, st.one_of(st.none(), st.sampled_from(FORMATS), st.text(max_size=8)))
def test_number_parser_never_raises(raw: object, number_format: str | None) -> None:
    res = parse_number(raw, number_format=number_format)
    assert (res.number is None) or (math.isfinite(res.number) and res.problem is None)
    assert res.scale in (1.0, 1e4, 1e8)
    value = parse_value(raw, number_format=number_format)
    assert value.number is None or math.isfinite(value.number)
    normalise_text(raw)


@FUZZ_VALUES
@given(ANYTHING, st.one_of(st.none(), st.booleans()))
def test_unusable_cells_make_whole_findings(raw: object, is_formula: bool | None) -> None:
    found = unusable(RawCell(raw, "A1", None, is_formula), "某单元格")
    if found is not None:  # its parameters fill the catalogue's message, which names the field first
        assert make(found[0], sheet="表", cell="A1", **found[1]).message.startswith("某单元格")
    if isinstance(raw, (int, float)) or (raw is None and not is_formula):
        assert found is None  # a number, or a plain blank, is never an unusable cell


# =========================================================================== what the fuzz found, pinned


def test_template_names_over_a_sheet_without_an_indicator_header() -> None:
    """The template's defined names left pointing at rows that hold no 指标名称 header (rows deleted or moved)."""
    names = {n: CellRange(1, 1, 1, 1) for n in template.REQUIRED_NAMES}
    grid = Grid(name="自评表", values={(1, 1): "一级指标", (2, 1): "产出指标"}, names=names)
    assert template.read(grid) == []  # the sheet goes on to be read by its labels


def test_params_sheet_naming_a_rule_set_that_does_not_exist() -> None:
    grid = Grid(name="参数", values={(1, 1): "rule_set", (1, 4): "279"})
    found = detect(WorkbookGrid(path="a.xlsx", sheets=[grid], backend="fuzz"))
    assert found.rule_set is None  # the default rule set applies
    (finding,) = found.findings
    assert (finding.code, finding.sheet, finding.cell) == ("VALUE_UNREADABLE", "参数", "D1")
    assert "没有名为「279」的规则集" in finding.message
