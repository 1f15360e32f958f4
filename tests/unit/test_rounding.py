"""Rounding as Excel's ROUND does it: half away from zero, on the decimal value people see.

Python's round() rounds halves to even and works on the binary value, so for
each case below the built-in gives another result; the contrast is asserted
too, so the examples keep showing why ``excel_round`` exists.
"""

from __future__ import annotations

import math

import pytest

from xl_tools.core.evaluate import evaluate
from xl_tools.core.rounding import excel_round, fmt_number


@pytest.mark.parametrize(
    ("x", "digits", "excel", "python"),
    [
        (0.125, 2, 0.13, 0.12),  # an exact half: Python rounds to the even 2
        (2.675, 2, 2.68, 2.67),  # stored as 2.67499999…: Excel rounds the 15-digit 2.675
        (1.005, 2, 1.01, 1.0),  # stored as 1.00499999…
        (-2.5, 0, -3.0, -2.0),  # away from zero, not towards the even -2
    ],
)
def test_half_away_from_zero(x: float, digits: int, excel: float, python: float) -> None:
    assert excel_round(x, digits) == excel
    assert round(x, digits) == python


def test_89_995_is_90() -> None:
    assert excel_round(89.995, 2) == 90.0
    assert excel_round(89.994, 2) == 89.99


def test_non_finite_values_pass_through() -> None:
    assert math.isnan(excel_round(float("nan")))
    assert excel_round(float("inf")) == float("inf")


def test_fmt_number_for_messages() -> None:
    assert fmt_number(6.103448) == "6.1"
    assert fmt_number(90.0) == "90"
    assert fmt_number(2.675) == "2.68"
    assert fmt_number(None) == "—"


def test_project_scoring_89_995_is_graded_excellent(form_of, settings_of) -> None:
    # 执行率 100 / 100 = 100%: 10 × 1 = 10
    # 服务人数 8000 of ≥ 8000: 40
    # 培训人次 7999 of ≥ 8000: 40 × 7999 / 8000 = 39.995 (the float is 39.99499999…,
    #   so round() would give 39.99 and the total 89.99, a 良) -> Excel 40.00
    # 满意度 0 of ≥ 95: 10 × 0 / 95 = 0
    # unrounded 10 + 40 + 39.995 + 0 = 89.995; each indicator rounded first: 10 + 40 + 40 + 0 = 90.00 -> 优
    assert round(40 * 7999 / 8000, 2) == 39.99
    form = form_of([
        ("服务人数", 8000, 8000, 40, {"unit": "人", "op": "≥"}),
        ("培训人次", 8000, 7999, 40, {"unit": "人次", "op": "≥"}),
        ("满意度", 95, 0, 10, {"unit": "%", "op": "≥"}),
    ])
    result = evaluate(form, settings_of())
    assert [i.score for i in result.indicators] == [40.0, 40.0, 0.0]
    assert result.execution_score == 10.0
    assert result.total == 90.0
    assert result.grade == "优"


def test_numbers_too_large_for_decimals_pass_through() -> None:
    # found by tests/integration/test_fuzz.py: a weight of 1e20 typed in a cell made ROUND's Decimal overflow
    assert excel_round(1e20, 2) == 1e20
    assert excel_round(-1e300, 2) == -1e300
    assert fmt_number(1e20) == "100000000000000000000"
    assert excel_round(123456789012.345, 2) == 123456789012.35  # below 1e15 still rounded half away from zero
