"""Scoring rules of domain.md, one branch at a time, through ``scoring`` and through ``evaluate``.

Every expected number is written out by hand next to the assertion (A = 指标值,
B = 全年完成值, w = 指标权重) or copied from a seed form.  The variants of
"Variants seen in the wild" each have a test here; test_rules.py maps them.
"""

from __future__ import annotations

import datetime

import pytest

from xl_tools.core import scoring
from xl_tools.core.evaluate import evaluate
from xl_tools.core.findings import Level
from xl_tools.core.model import IndicatorResult, ProjectResult
from xl_tools.core.scoring import EQUAL, POSITIVE, REVERSE
from xl_tools.core.values import Op

CAP_TABLE = [{"below": 80, "max": 89}, {"below": 70, "max": 79}, {"below": 60, "max": 69}, {"below": 50, "max": 59}]
BANDS_80_50_0 = [
    {"name": "达成", "low": 80, "high": 100, "default": 100},
    {"name": "部分达成并具有一定效果", "low": 50, "high": 80, "default": 50},
    {"name": "未达成且效果较差", "low": 0, "high": 50, "default": 0},
]
GRADES_80_70_60 = [{"grade": "优", "min": 80}, {"grade": "良", "min": 70}, {"grade": "中", "min": 60},
                   {"grade": "差", "min": 0}]


def codes(result: ProjectResult) -> list[str]:
    return [f.code for f in result.findings]


def one(form_of, settings, target, actual, weight=20, **extras) -> tuple[IndicatorResult, ProjectResult]:
    """Evaluate a table holding a single indicator."""
    result = evaluate(form_of([("指标", target, actual, weight, extras)]), settings)
    return result.indicators[0], result


# ---------------------------------------------------------------- quantitative, direct


@pytest.mark.parametrize(
    ("op", "direction", "target", "actual", "expected"),
    [
        (Op.GE, POSITIVE, 10000, 10000, 20),  # B = A: full
        (Op.GE, POSITIVE, 10000, 12000, 20),  # B > A: full
        (Op.GE, POSITIVE, 10000, 8000, 16),  # 20 × 8000 / 10000 = 16
        (Op.LE, REVERSE, 100, 90, 20),  # B ≤ A: full
        (Op.LE, REVERSE, 100, 125, 16),  # 20 × 100 / 125 = 16
        (Op.EQ, EQUAL, 100, 100, 20),
        (Op.EQ, EQUAL, 100, 80, 16),  # 20 × min/max = 20 × 80 / 100 = 16
        (Op.EQ, EQUAL, 100, 125, 16),  # 20 × 100 / 125 = 16
    ],
)
def test_quantitative_ratio_rules(settings_of, op, direction, target, actual, expected) -> None:
    assert scoring.quantitative_score(target, actual, 20, op, direction, settings_of()) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (90, 20),  # B < A: full
        (100, 20),  # B = A: full
        (150, 10),  # 20 × (2 × 100 − 150) / 100 = 10
        (200, 0),  # B = 2A: 0
        (300, 0),  # 20 × (200 − 300) / 100 = −20, clamped at 0
    ],
)
def test_reverse_linear_national_platform(settings_of, actual, expected) -> None:
    settings = settings_of("national_platform")
    assert settings["quantitative.reverse_method"] == "linear"
    assert scoring.quantitative_score(100, actual, 20, Op.LE, REVERSE, settings) == pytest.approx(expected)


def test_reverse_ratio_is_the_default_not_linear(settings_of) -> None:
    # ratio: 20 × 100 / 150 = 13.333…; linear would give 10
    assert scoring.quantitative_score(100, 150, 20, Op.LE, REVERSE, settings_of()) == pytest.approx(40 / 3)


@pytest.mark.parametrize(
    ("op", "direction", "actual", "expected"),
    [
        (Op.GE, POSITIVE, 3, 20),  # 3 ≥ 0 satisfied
        (Op.GE, POSITIVE, -1, 0),  # −1 ≥ 0 not satisfied: 0, no division by A = 0
        (Op.LE, REVERSE, 0, 20),
        (Op.LE, REVERSE, 2, 0),
        (Op.EQ, EQUAL, 0, 20),
        (Op.EQ, EQUAL, 1, 0),
        (Op.GT, POSITIVE, 0, 0),  # strict: 0 > 0 is false
        (Op.GT, POSITIVE, 1, 20),
        (Op.LT, REVERSE, 0, 0),  # strict: 0 < 0 is false
        (Op.LT, REVERSE, -1, 20),
    ],
)
def test_target_zero(settings_of, op, direction, actual, expected) -> None:
    assert scoring.quantitative_score(0, actual, 20, op, direction, settings_of()) == expected


def test_strict_operators_are_strict() -> None:
    assert scoring.satisfies(5, Op.GT, 5, POSITIVE) is False
    assert scoring.satisfies(5, Op.GE, 5, POSITIVE) is True
    assert scoring.satisfies(6, Op.GT, 5, POSITIVE) is True
    assert scoring.satisfies(5, Op.LT, 5, REVERSE) is False
    assert scoring.satisfies(5, Op.LE, 5, REVERSE) is True
    assert scoring.satisfies(4, Op.LT, 5, REVERSE) is True


def test_no_operator_means_ge_or_le_for_cost(settings_of) -> None:
    settings = settings_of()
    assert scoring.direction_of(None, False, settings) == POSITIVE
    assert scoring.direction_of(None, True, settings) == REVERSE
    assert scoring.direction_of(None, True, settings_of(overrides={"quantitative.cost_default_reverse": False})) \
        == POSITIVE
    assert scoring.direction_of(Op.GE, True, settings) == POSITIVE  # a written operator wins
    assert scoring.direction_of(Op.EQ, False, settings) == EQUAL


@pytest.mark.parametrize(("actual", "positive", "cost"), [(125, 20, 16), (80, 16, 20)])
def test_no_operator_through_evaluate(form_of, settings_of, actual, positive, cost) -> None:
    # 125 of 100: ≥ gives 20, ≤ gives 20 × 100 / 125 = 16; 80 of 100: ≥ gives 20 × 80 / 100 = 16, ≤ gives 20
    settings = settings_of()
    plain, _ = one(form_of, settings, 100, actual, unit="万元", level1="产出指标", level2="数量指标")
    spent, _ = one(form_of, settings, 100, actual, unit="万元", level1="产出指标", level2="成本指标")
    assert (plain.direction, plain.score) == (POSITIVE, positive)
    assert (spent.direction, spent.score) == (REVERSE, cost)


@pytest.mark.parametrize(
    ("op", "direction", "actual"),
    [
        (Op.GE, POSITIVE, -50),  # 20 × −50 / 100 = −10 -> 0
        (Op.GE, POSITIVE, 1e12),  # full, never more
        (Op.LE, REVERSE, 1e12),  # 20 × 100 / 1e12 ≈ 0
        (Op.LE, REVERSE, -50),  # −50 ≤ 100: full
        (Op.EQ, EQUAL, -50),  # min/max = −50 / 100 < 0 -> 0
        (Op.EQ, EQUAL, 1e12),
    ],
)
def test_score_stays_within_zero_and_weight(settings_of, op, direction, actual) -> None:
    for method in ("ratio", "linear"):
        settings = settings_of(overrides={"quantitative.reverse_method": method})
        score = scoring.quantitative_score(100, actual, 20, op, direction, settings)
        assert 0 <= score <= 20


def test_equal_with_opposite_sign_scores_zero(settings_of) -> None:
    # domain.md: w × min(A, B) / max(A, B) = 20 × (−50) / 100 < 0 -> 0 (not 20 × 50 / 100)
    assert scoring.quantitative_score(100, -50, 20, Op.EQ, EQUAL, settings_of()) == 0


def test_zero_weight_scores_zero(settings_of) -> None:
    assert scoring.quantitative_score(100, 100, 0, Op.GE, POSITIVE, settings_of()) == 0


# ---------------------------------------------------------------- deviation and coefficient


def test_deviation_seed000() -> None:
    # (15385 − 14500) / 14500 × 100 = 6.1034… -> 6.1; (85206 − 60000) / 60000 × 100 = 42.01
    assert scoring.deviation(14500, 15385) == 6.1
    assert scoring.deviation(60000, 85206) == 42.01
    assert scoring.deviation(98, 98) == 0
    assert scoring.deviation(0, 5) is None
    assert scoring.deviation(None, 5) is None
    assert scoring.deviation(5, None) is None


def test_deviation_and_coefficient_through_evaluate(form_of, settings_of) -> None:
    # seed 000 部门整体: 医疗救助参保资助人数 人 ≥ 14500 / 15385, weight 10 -> 6.1, 100, 10
    ind, _ = one(form_of, settings_of(), 14500, 15385, 10, unit="人", op="≥")
    assert (ind.deviation, ind.coefficient, ind.score) == (6.1, 100.0, 10.0)
    # 20 × 8000 / 10000 = 16; 16 / 20 × 100 = 80%; (8000 − 10000) / 10000 × 100 = −20
    ind, _ = one(form_of, settings_of(), 10000, 8000, 20, unit="人", op="≥")
    assert (ind.deviation, ind.coefficient, ind.score) == (-20.0, 80.0, 16.0)
    # 10 × 2 / 3 = 6.666… -> 6.67; 6.67 / 10 × 100 = 66.7
    ind, _ = one(form_of, settings_of(), 3, 2, 10, unit="次", op="≥")
    assert (ind.score, ind.coefficient) == (6.67, 66.7)


def test_no_deviation_for_qualitative_and_deadline(form_of, settings_of) -> None:
    ind, _ = one(form_of, settings_of(), "稳步提升", "稳步提升", 15)
    assert ind.deviation is None and ind.kind == "qualitative"
    ind, _ = one(form_of, settings_of(), "2023年10月31日前", datetime.date(2023, 10, 20), 15)
    assert ind.deviation is None and ind.kind == "deadline"


# ---------------------------------------------------------------- qualitative


def test_qualitative_actual_equal_to_target(form_of, settings_of) -> None:
    # seed 003 表12: 医疗服务水平 15 分, 稳步提升 / 稳步提升, 自评得分 15
    ind, result = one(form_of, settings_of(), "稳步提升", "稳步提升", 15)
    assert (ind.score, ind.band) == (15.0, "达成")
    assert "KIND_QUALITATIVE" in codes(result)


@pytest.mark.parametrize("actual", ["达成", "已完成", "合规", "按时"])
def test_qualitative_achievement_words(form_of, settings_of, actual) -> None:
    ind, _ = one(form_of, settings_of(), "达成预期指标", actual, 15)
    assert (ind.score, ind.band) == (15.0, "达成")


def test_qualitative_partial_and_failed_get_band_defaults(form_of, settings_of) -> None:
    partial, _ = one(form_of, settings_of(), "达成预期指标", "部分完成", 15)
    assert (partial.score, partial.band) == (9.0, "部分达成并具有一定效果")  # 15 × 60% = 9
    failed, _ = one(form_of, settings_of(), "达成预期指标", "未完成", 15)
    assert (failed.score, failed.band) == (0.0, "未达成且效果较差")  # 15 × 0% = 0


@pytest.mark.parametrize(
    ("actual", "claimed", "kept"),
    [
        ("部分完成", 10, True),  # 10 / 15 = 66.7% in [60%, 80%)
        ("部分完成", 12, False),  # 80%: the top of the band is excluded
        ("部分完成", 15, False),
        ("达成", 12, True),  # 80% is 达成 (lower bound included)
        ("达成", 11.9, False),  # 79.3%
        ("未完成", 8.9, True),  # 59.3% in [0%, 60%)
        ("未完成", 9, False),  # 60%
    ],
)
def test_qualitative_claimed_score_inside_or_outside_its_band(form_of, settings_of, actual, claimed, kept) -> None:
    defaults = {"达成": 15.0, "部分完成": 9.0, "未完成": 0.0}  # 15 × 100% / 60% / 0%
    ind, result = one(form_of, settings_of(), "达成预期指标", actual, 15, claimed_score=claimed)
    if kept:
        assert ind.score == claimed
        assert "QUALITATIVE_OUT_OF_BAND" not in codes(result)
    else:
        assert ind.score == defaults[actual]
        assert "QUALITATIVE_OUT_OF_BAND" in codes(result)


def test_qualitative_unjudgeable_text(form_of, settings_of) -> None:
    with_claim, result = one(form_of, settings_of(), "社会效益显著提升", "群众获得感增强", 15, claimed_score=12)
    assert (with_claim.score, with_claim.band) == (12.0, "达成")
    assert "QUALITATIVE_UNJUDGED" not in codes(result)
    without, result = one(form_of, settings_of(), "社会效益显著提升", "群众获得感增强", 15)
    assert (without.score, without.band) == (0.0, None)
    assert "QUALITATIVE_UNJUDGED" in codes(result)
    too_high, result = one(form_of, settings_of(), "社会效益显著提升", "群众获得感增强", 15, claimed_score=20)
    assert too_high.score == 0.0 and "QUALITATIVE_UNJUDGED" in codes(result)


def test_qualitative_bands_80_50_0_variant(form_of, settings_of) -> None:
    settings = settings_of(overrides={"qualitative.bands": BANDS_80_50_0})
    ind, _ = one(form_of, settings, "达成预期指标", "部分完成", 15)
    assert ind.score == 7.5  # 15 × 50%
    # 8 / 15 = 53.3%: inside 50–80 here, outside 60–80 by default (-> 15 × 60% = 9)
    ind, result = one(form_of, settings, "达成预期指标", "部分完成", 15, claimed_score=8)
    assert ind.score == 8.0 and "QUALITATIVE_OUT_OF_BAND" not in codes(result)
    ind, result = one(form_of, settings_of(), "达成预期指标", "部分完成", 15, claimed_score=8)
    assert ind.score == 9.0 and "QUALITATIVE_OUT_OF_BAND" in codes(result)


# ---------------------------------------------------------------- deadline


@pytest.mark.parametrize(
    ("actual", "late_ratio", "expected"),
    [
        (datetime.date(2023, 10, 20), 0, 20),
        (datetime.date(2023, 10, 31), 0, 20),  # on the day is on time
        (datetime.date(2023, 11, 2), 0, 0),
        (datetime.date(2023, 11, 2), 50, 10),  # 20 × 50% = 10
        ("2023年11月2日", 0, 0),
        ("按时完成", 0, 20),
        ("12月20日完成", 0, 0),  # no year: the deadline's 2023, so late
        ("逾期完成", 0, 0),
    ],
)
def test_deadline(form_of, settings_of, actual, late_ratio, expected) -> None:
    settings = settings_of(overrides={"deadline.late_ratio": late_ratio})
    ind, result = one(form_of, settings, "2023年10月31日前", actual, 20)
    assert ind.score == expected
    assert ind.band == ("按时" if expected == 20 else "逾期")
    assert "KIND_DEADLINE" in codes(result)
    assert "DATE_YEAR_ASSUMED" not in codes(result)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (datetime.date(2023, 10, 20), 20),
        (datetime.date(2023, 11, 15), 0),
        (datetime.date(2024, 1, 10), 0),  # the 2023 form's 10月底 has passed, not 2024's
        ("按时完成", 20),
    ],
)
def test_deadline_without_year_takes_the_forms_year(form_of, settings_of, actual, expected) -> None:
    ind, result = one(form_of, settings_of(), "10月底前", actual, 20)
    assert ind.score == expected
    assumed = [f for f in result.findings if f.code == "DATE_YEAR_ASSUMED"]
    assert len(assumed) == 1 and assumed[0].level is Level.INFO and "2023" in assumed[0].message


@pytest.mark.parametrize(("actual", "expected"), [(datetime.date(2022, 10, 31), 20), (datetime.date(2022, 11, 1), 0)])
def test_deadline_without_any_year_takes_the_actual_dates_year(form_of, settings_of, actual, expected) -> None:
    result = evaluate(form_of([("完成时间", "10月底前", actual, 20)], year=None), settings_of())
    assert result.indicators[0].score == expected
    assert "DATE_YEAR_ASSUMED" not in codes(result)


# ---------------------------------------------------------------- execution


FULL = [("服务人数", 100, 100, 90, {"unit": "人", "op": "≥"})]


def test_execution_rate_and_score(form_of, settings_of) -> None:
    # 150 / 200 = 75%; 10 × 0.75 = 7.5; total 7.5 + 90 = 97.5
    result = evaluate(form_of(FULL, budget=200, executed=150), settings_of())
    assert (result.execution_rate, result.execution_score, result.total) == (75.0, 7.5, 97.5)


def test_execution_score_capped_by_default(form_of, settings_of) -> None:
    # 120 / 100 = 120%; capped: 10 × min(1.2, 1) = 10
    result = evaluate(form_of(FULL, budget=100, executed=120), settings_of())
    assert (result.execution_rate, result.execution_score) == (120.0, 10.0)
    assert "OVERSPENT" in codes(result)


def test_execution_score_uncapped(form_of, settings_of) -> None:
    # uncapped: 10 × 1.2 = 12, more than the weight; total 12 + 90 = 102
    result = evaluate(form_of(FULL, budget=100, executed=120), settings_of(overrides={"execution.cap": False}))
    assert (result.execution_score, result.total) == (12.0, 102.0)


@pytest.mark.parametrize(("denominator", "rate", "score"), [("年初预算数", 75.0, 7.5), ("全年预算数", 60.0, 6.0)])
def test_execution_denominator(form_of, settings_of, denominator, rate, score) -> None:
    # 年初 80, 全年 100, 执行 60: 60 / 80 = 75% -> 7.5; 60 / 100 = 60% -> 6
    settings = settings_of(overrides={"execution.denominator": denominator})
    result = evaluate(form_of(FULL, budget_start=80, budget=100, executed=60), settings)
    assert (result.execution_rate, result.execution_score) == (rate, score)
    assert result.budget == (80 if denominator == "年初预算数" else 100)


def test_execution_weight_20(form_of, settings_of) -> None:
    # some templates give 执行率 20: 20 × 50 / 100 = 10
    result = evaluate(form_of([("服务人数", 100, 100, 80)], budget=100, executed=50),
                      settings_of(overrides={"execution.weight": 20}))
    assert (result.execution_score, result.total) == (10.0, 90.0)
    assert "WEIGHT_TOTAL" not in codes(result)


@pytest.mark.parametrize("budget", [0, None, "0.00"])
def test_budget_missing_is_a_finding_not_a_crash(form_of, settings_of, budget) -> None:
    result = evaluate(form_of(FULL, budget=budget, executed=50), settings_of())
    assert result.execution_rate is None
    assert result.execution_score == 0.0
    assert (result.total, result.grade) == (None, None)  # no budget, no score: never 0.00 / 差 (issue 14)
    missing = [f for f in result.findings if f.code == "BUDGET_MISSING"]
    assert len(missing) == 1 and missing[0].level is Level.ERROR and "全年预算数" in missing[0].message
    assert [f.code for f in result.findings if f.code == "UNSCORABLE"] == ["UNSCORABLE"]


# ---------------------------------------------------------------- totals and grades


def test_total_sums_indicator_scores_rounded_first(form_of, settings_of) -> None:
    # three indicators of 10 with 2 of ≥ 3: 10 × 2 / 3 = 6.666… -> 6.67 each
    # plain sum first would give 10 + 20.00 + 60 = 90.00; rounding each first: 10 + 3 × 6.67 + 60 = 90.01
    rows = [(f"指标{i}", 3, 2, 10, {"unit": "次", "op": "≥"}) for i in range(3)]
    rows.append(("服务人数", 100, 100, 60, {"unit": "人", "op": "≥"}))
    result = evaluate(form_of(rows), settings_of())
    assert [i.score for i in result.indicators] == [6.67, 6.67, 6.67, 60.0]
    assert result.indicator_score == 80.01
    assert result.total == 90.01


def test_weights_not_adding_up_keep_the_plain_sum(form_of, settings_of) -> None:
    # seed 004 三联单印刷费: five indicators of 20 points (100) besides 执行率 10; all met
    # total = 10 + 5 × 20 = 110, neither capped at 100 nor rescaled; WEIGHT_TOTAL stands beside it
    rows = [
        ("印制数量", "≥10万份", "10万份", 20),
        ("合格率", "=100%", "100%", 20),
        ("及时率", "=100%", "100%", 20),
        ("参保证日常工作需要", "参保证日常工作需要", "参保证日常工作需要", 20, {"claimed_score": 20}),
        ("群众满意度", "≥95%", "96%", 20),
    ]
    result = evaluate(form_of(rows, budget=3.4, executed=3.4), settings_of("jiangxi_yushui"))
    assert result.total == 110.0
    assert result.weight_total == 100
    assert "WEIGHT_TOTAL" in codes(result)


@pytest.mark.parametrize(
    ("total", "grade"),
    [(100, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.99, "中"), (60, "中"), (59.99, "差"), (0, "差"),
     (None, None)],
)
def test_grade_boundaries(settings_of, total, grade) -> None:
    assert scoring.grade(total, settings_of()) == grade
    assert scoring.grade(total, settings_of("jiangxi_yushui")) == grade  # seed 004: 90 / 80 / 60, bounds included


@pytest.mark.parametrize(("total", "grade"), [(80, "优"), (79.99, "良"), (70, "良"), (69.99, "中"), (60, "中"),
                                              (59.99, "差")])
def test_grade_bands_80_70_60_variant(settings_of, total, grade) -> None:
    assert scoring.grade(total, settings_of(overrides={"grades": GRADES_80_70_60})) == grade


def test_grade_through_evaluate(form_of, settings_of) -> None:
    # 10 + 20 × 8000 / 10000 + 70 = 10 + 16 + 70 = 96 -> 优; under 80/70/60 as well
    rows = [("服务人数", 10000, 8000, 20, {"unit": "人", "op": "≥"}), ("覆盖率", 98, 98, 70, {"unit": "%", "op": "≥"})]
    assert evaluate(form_of(rows), settings_of()).grade == "优"
    # 10 + 20 × 1000 / 10000 + 0 = 12 -> 差
    rows = [("服务人数", 10000, 1000, 20, {"unit": "人", "op": "≥"}), ("覆盖率", 98, 0, 70, {"unit": "%", "op": "≥"})]
    result = evaluate(form_of(rows), settings_of())
    assert (result.total, result.grade) == (12.0, "差")


@pytest.mark.parametrize(
    ("executed", "cap", "total"),
    [
        (80, None, 98.0),  # 80% is not below 80: 8 + 90
        (75, 89, 89.0),  # 7.5 + 90 = 97.5 -> at most 89
        (65, 79, 79.0),  # 6.5 + 90 = 96.5 -> 79 (below 80 and below 70: the tighter cap)
        (55, 69, 69.0),  # 5.5 + 90 = 95.5 -> 69
        (45, 59, 59.0),  # 4.5 + 90 = 94.5 -> 59
    ],
)
def test_total_capped_by_execution_rate(form_of, settings_of, executed, cap, total) -> None:
    settings = settings_of(overrides={"total.cap_by_execution_rate": CAP_TABLE})
    assert scoring.cap_for_execution_rate(executed, settings) == cap
    result = evaluate(form_of(FULL, budget=100, executed=executed), settings)
    assert result.total == total


def test_no_cap_by_default(form_of, settings_of) -> None:
    assert scoring.cap_for_execution_rate(45, settings_of()) is None
    assert evaluate(form_of(FULL, budget=100, executed=45), settings_of()).total == 94.5  # 4.5 + 90


@pytest.mark.parametrize(
    ("op", "actual", "score", "penalised"),
    [
        ("≥", 130, 18.0, True),  # deviation +30% ≥ 30%: 20 − 2 = 18
        ("≥", 129, 20.0, False),  # +29%
        ("≤", 70, 18.0, True),  # a reverse target beaten: −30%
        ("＝", 130, 13.38, True),  # 20 × 100 / 130 = 15.384… − 2 = 13.384… -> 13.38
        ("＝", 70, 14.0, False),  # a shortfall of 30% is no "target too low": 20 × 70 / 100 = 14
    ],
)
def test_penalty_when_target_beaten_by_30_percent(form_of, settings_of, op, actual, score, penalised) -> None:
    settings = settings_of(overrides={"penalty.target_too_low_points": 2})
    ind, result = one(form_of, settings, 100, actual, 20, unit="人", op=op)
    assert ind.score == score
    assert ("TARGET_TOO_LOW" in codes(result)) is penalised


def test_penalty_message(form_of, settings_of) -> None:
    settings = settings_of(overrides={"penalty.target_too_low_points": 2})
    # seed 000: 医疗救助门诊救助人次数 60000 -> 85206, deviation 42.01%
    _, result = one(form_of, settings, 60000, 85206, 10, unit="人次", op="≥")
    (finding,) = [f for f in result.findings if f.code == "TARGET_TOO_LOW"]
    assert "42.01%（≥ 30%）" in finding.message and "扣 2 分" in finding.message


def test_no_penalty_by_default(form_of, settings_of) -> None:
    ind, result = one(form_of, settings_of(), 100, 130, 20, unit="人", op="≥")
    assert ind.score == 20 and "TARGET_TOO_LOW" not in codes(result)


def test_rescale_not_applicable(form_of, settings_of) -> None:
    rows = [
        ("服务人数", 100, 100, 30, {"unit": "人", "op": "≥"}),  # 30
        ("培训人次", 100, "不适用", 30, {"unit": "人次", "op": "≥"}),  # left out
        ("覆盖率", 100, 50, 30, {"unit": "%", "op": "≥"}),  # 30 × 50 / 100 = 15
    ]
    settings = settings_of(overrides={"total.rescale_not_applicable": True})
    result = evaluate(form_of(rows), settings)
    # (30 + 15) × 90 / 60 = 67.5; total 10 + 67.5 = 77.5
    assert [i.score for i in result.indicators] == [30.0, None, 15.0]
    assert result.indicator_score == 67.5
    assert result.total == 77.5
    assert "ACTUAL_NOT_NUMBER" not in codes(result)
    # without the setting "不适用" is a 完成值 that is no number: 10 + 30 + 0 + 15 = 55
    plain = evaluate(form_of(rows), settings_of())
    assert plain.total == 55.0
    assert "ACTUAL_NOT_NUMBER" in codes(plain)


def test_missing_cost_cap(form_of, settings_of) -> None:
    settings = settings_of(overrides={"total.missing_cost_cap": 80})
    output = ("服务人数", 100, 100, 60, {"unit": "人", "op": "≥", "level1": "产出指标", "level2": "数量指标"})
    benefit = ("覆盖率", 98, 98, 20, {"unit": "%", "op": "≥", "level1": "效益指标", "level2": "社会效益指标"})
    satisfied = ("满意度", 95, 96, 10, {"unit": "%", "op": "≥", "level1": "满意度指标", "level2": "服务对象满意度指标"})
    cost = ("单卡成本", 10, 10, 10, {"unit": "元", "op": "≤", "level1": "产出指标", "level2": "成本指标"})
    # no 成本 indicator: 10 + 60 + 20 + 10 = 100 -> at most 80
    assert evaluate(form_of([output, benefit, satisfied]), settings).total == 80.0
    # with one: 10 + 50 + 20 + 10 + 10 = 100, not capped
    with_cost = (output[0], 100, 100, 50, output[4])
    assert evaluate(form_of([with_cost, benefit, satisfied, cost]), settings).total == 100.0
    # the default (−1) does not cap
    assert evaluate(form_of([output, benefit, satisfied]), settings_of()).total == 100.0
