"""Scoring arithmetic: one indicator, the execution rate, the project total and grade.

Pure functions of parsed values and settings; every number that could differ
between regions comes from ``Settings``.  Scores are rounded as Excel rounds,
each indicator to 2 decimals before they are summed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .rounding import excel_round
from .rules import Settings
from .values import Kind, Op, Value, normalise_text

POSITIVE, REVERSE, EQUAL = "positive", "reverse", "equal"
_DIRECTION = {Op.GE: POSITIVE, Op.GT: POSITIVE, Op.LE: REVERSE, Op.LT: REVERSE, Op.EQ: EQUAL}


def direction_of(op: Op | None, is_cost: bool, settings: Settings) -> str:
    """No operator on a number means ≥, or ≤ for a 成本 indicator (a setting)."""
    if op is None:
        return REVERSE if is_cost and settings["quantitative.cost_default_reverse"] else POSITIVE
    return _DIRECTION[op]


def satisfies(actual: float, op: Op | None, target: float, direction: str) -> bool:
    if op is Op.GT:
        return actual > target
    if op is Op.LT:
        return actual < target
    if direction == POSITIVE:
        return actual >= target
    if direction == REVERSE:
        return actual <= target
    return actual == target


def quantitative_score(target: float, actual: float, weight: float, op: Op | None,
                       direction: str, settings: Settings) -> float:
    """Unrounded score of a quantitative indicator, within [0, weight]."""
    if weight <= 0:
        return 0.0
    if satisfies(actual, op, target, direction):
        raw = weight
    elif target == 0:
        raw = 0.0
    elif direction == POSITIVE:
        raw = weight * actual / target
    elif direction == REVERSE:
        if settings["quantitative.reverse_method"] == "linear":
            raw = weight * (2 * target - actual) / target
        else:
            raw = weight * target / actual if actual else 0.0
    else:
        low, high = sorted((abs(actual), abs(target)))
        raw = weight * low / high if actual * target > 0 else 0.0  # opposite signs: min/max < 0
    return min(max(raw, 0.0), weight)


def deviation(target: float | None, actual: float | None) -> float | None:
    """偏离度 in percent, 2 decimals; None where the target is 0 or either side is missing."""
    if target is None or actual is None or target == 0:
        return None
    return excel_round((actual - target) / target * 100, 2)


def beats_target(dev: float | None, direction: str, threshold: float) -> bool:
    """Whether the result is better than the target by ``threshold`` percent or more."""
    if dev is None:
        return False
    if direction == POSITIVE:
        return dev >= threshold
    if direction == REVERSE:
        return -dev >= threshold
    return dev >= threshold  # 等于: only above the target; falling short is no "target too low"


@dataclass(frozen=True)
class Band:
    name: str
    low: float
    high: float
    default: float

    def contains(self, ratio_percent: float, top: bool) -> bool:
        return self.low <= ratio_percent <= self.high if top else self.low <= ratio_percent < self.high


def bands(settings: Settings) -> list[Band]:
    items = sorted(settings["qualitative.bands"], key=lambda b: -b["high"])
    return [Band(b["name"], b["low"], b["high"], b["default"]) for b in items]


def _has_word(text: str, words: list[str]) -> bool:
    """Single-character words ("是", "否") must be the whole text; longer ones may be part of it."""
    return any(text == w if len(w) == 1 else w in text for w in words)


def judge_qualitative(target: Value, actual: Value, settings: Settings) -> int | None:
    """Index of the band the actual text states (0 = 达成), or None if it cannot be told."""
    text = normalise_text(actual.text)
    n = len(settings["qualitative.bands"])
    if not text:
        return None
    if _has_word(text, settings["qualitative.failed_words"]):
        return n - 1
    if _has_word(text, settings["qualitative.partial_words"]):
        return min(1, n - 1)
    if text == normalise_text(target.text) or _has_word(text, settings["qualitative.achieved_words"]):
        return 0
    return None


def judge_deadline(target: Value, actual: Value, settings: Settings) -> bool | None:
    """True on time, False late, None when the actual value does not say."""
    if actual.kind is Kind.DEADLINE and actual.date is not None:
        if target.date is None:
            return True
        if not target.year_known:
            target = target.with_year(actual.date.year)
        elif not actual.year_known:  # "12月20日完成" against "2023年10月31日前": the deadline's year
            actual = actual.with_year(target.date.year)
        return actual.date <= target.date
    text = normalise_text(actual.text)
    if _has_word(text, settings["qualitative.failed_words"]) or "逾期" in text or "延期" in text:
        return False
    if _has_word(text, settings["deadline.on_time_words"]) or _has_word(text, settings["qualitative.achieved_words"]):
        return True
    return None


def execution(budget: float | None, executed: float | None, weight: float,
              settings: Settings) -> tuple[float | None, float]:
    """(执行率 in percent, unrounded; 执行率得分 rounded)."""
    if not budget or executed is None:
        return None, 0.0
    rate = executed / budget
    return rate * 100, _execution_score(rate, weight, settings)


def execution_from_rate(rate_percent: float, weight: float, settings: Settings) -> tuple[float, float]:
    """The same from a rate the form states, where its 执行数 is blank."""
    return rate_percent, _execution_score(rate_percent / 100, weight, settings)


def _execution_score(rate: float, weight: float, settings: Settings) -> float:
    rate_for_score = min(rate, 1.0) if settings["execution.cap"] else rate
    return excel_round(weight * max(rate_for_score, 0.0), 2)


def cap_for_execution_rate(rate_percent: float | None, settings: Settings) -> float | None:
    """The tightest total cap whose ``below`` the execution rate falls under."""
    if rate_percent is None:
        return None
    caps = [c["max"] for c in settings["total.cap_by_execution_rate"] if rate_percent < c["below"]]
    return min(caps) if caps else None


def grade(total: float | None, settings: Settings) -> str | None:
    if total is None:
        return None
    for band in sorted(settings["grades"], key=lambda g: -g["min"]):
        if total >= band["min"]:
            return band["grade"]
    return None
