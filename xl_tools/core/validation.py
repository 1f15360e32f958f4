"""Project-wide checks that need the whole table: weights, structure, units, claims.

Each check adds findings through the ``add`` callback it is given, which
locates them in the table; the checks themselves never touch files.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Callable

from .model import ProjectForm, ProjectResult, RawCell
from .parsed import Parsed, SharedClaim
from .rounding import excel_round, fmt_number as _fmt
from .rules import Settings
from .scoring import beats_target
from .values import Kind, Op, normalise_text, parse_number

Add = Callable[..., object]

LEVEL1_KEYS = {"产出指标": ("产出", "成本"), "效益指标": ("效益",), "满意度指标": ("满意度",)}
_RATIO_NAME = re.compile(r"(率|满意度|知晓度|覆盖面|占比|比例)")
_MONEY_NAME = re.compile(r"(费|资金|金额|成本|投入|投资|补助|经费|元|价|支出|资助|奖励|补贴|预算|收入|基金|违约金|支付"
                         r"|工资|薪|津贴|款|税|利润|报酬|酬金|赔偿|补偿|贷|额|租)")
COMPLETE_ENDINGS = ("率", "数", "度", "量", "次", "人次", "额", "性")
_NAME_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(万|亿)?(?![\d.])(?!年)")
_LABEL_POINTS = re.compile(r"\(([^()]+)\)")  # on normalised text, where "（" is "("
_NUMBERED = re.compile(r"^指标\d+[:：.、]?")
"""A template's numbering in front of a name ("指标1：开展精品示范村建设数量"): not part of the name."""
_BRACKETED = re.compile(r"\([^()]*\)")
_UNIT_IN_NAME = re.compile(r"\((?:[≥≤><=]*\**)?([^()\d]{1,6})\)$")
"""A unit written into the name: "带动贫困户(人)", "满意度(%)", "种母猪(≥头)", "公猪舍(≥**平方米)"."""


def level1_key(label: str | None) -> str | None:
    """Which required category a 一级 label belongs to ("产出指标（50分）" -> 产出指标)."""
    text = normalise_text(label)
    for key, words in LEVEL1_KEYS.items():
        if any(w in text for w in words):
            return key
    return None


def validate_project(add: Add, form: ProjectForm, parsed: list[Parsed], shared: list[SharedClaim],
                     result: ProjectResult, settings: Settings) -> None:
    if form.has_indicator_table and not form.indicators:
        add("NO_INDICATORS")
    _check_funds(add, form, result, settings)
    if not parsed:
        return
    _check_weights(add, form, parsed, settings)
    _check_levels(add, form, parsed, settings)
    for p in parsed:
        _check_indicator(add, p, settings, form.name_limit_bytes)
    names = Counter(normalise_text(p.form.name) for p in parsed)
    for p in parsed:
        n = names.get(normalise_text(p.form.name), 0)
        if n > 1:
            add("DUPLICATE_INDICATOR", p.form.cell, indicator=p.form.name, count=n)
    filled = [p for p in parsed if p.actual.kind is not Kind.EMPTY and p.target.kind is not Kind.EMPTY]
    if len(filled) >= 3 and len(filled) == len(parsed) and all(_copied(p) for p in filled):
        add("ACTUALS_COPIED", count=len(filled))
    _check_shared_claims(add, shared, settings)
    in_groups = {id(p) for claim in shared for p in claim.members}
    row_claims = [p.claimed for p in parsed if id(p) not in in_groups] + [claim.claimed for claim in shared]
    _check_claimed_total(add, form, result, row_claims, settings)


def _check_shared_claims(add: Add, shared: list[SharedClaim], settings: Settings) -> None:
    """A score merged over several rows is the score of those rows together."""
    for claim in shared:
        members = claim.members
        scores = [p.result.score for p in members if p.judged and p.weight is not None and p.result]
        if len(scores) < len(members) or None in scores:
            continue
        computed = excel_round(sum(s or 0.0 for s in scores), 2)
        if _beyond(claim.claimed - computed, settings["claims.tolerance"]):
            add("CLAIMED_GROUP_SCORE_DIFF", claim.cell, count=len(members), claimed=_fmt(claim.claimed),
                indicators="、".join(f"「{p.form.name}」" for p in members), computed=_fmt(computed))


def _copied(p: Parsed) -> bool:
    if p.target.kind is Kind.QUANTITATIVE:
        return p.actual.number == p.target.number
    return normalise_text(p.actual.text) == normalise_text(p.target.text)


def _check_funds(add: Add, form: ProjectForm, result: ProjectResult, settings: Settings) -> None:
    if result.budget and result.executed is not None:
        if result.executed - result.budget > settings["execution.overspend_tolerance"]:
            add("OVERSPENT", form.out_cells.get("exec_rate"), executed=_fmt(result.executed), budget=_fmt(result.budget))


def _check_weights(add: Add, form: ProjectForm, parsed: list[Parsed], settings: Settings) -> None:
    weights = [p.weight for p in parsed]
    if any(w is None for w in weights):
        return
    actual = sum(weights)
    points = settings["total.points"]
    exec_weight = settings["execution.weight"]
    expected = points - exec_weight
    if abs(actual - expected) > 1e-6:
        add("WEIGHT_TOTAL", parsed[0].form.weight.cell, actual=_fmt(actual), expected=_fmt(expected),
            total=_fmt(points), exec_weight=_fmt(exec_weight))


def _check_levels(add: Add, form: ProjectForm, parsed: list[Parsed], settings: Settings) -> None:
    if not form.has_levels:
        add("LEVELS_UNKNOWN")
        return
    blank = [p for p in parsed if not normalise_text(p.form.level1)]
    if len(blank) == len(parsed):
        add("LEVELS_UNKNOWN")
        return
    for p in blank:
        add("LEVEL1_BLANK", p.form.cell, indicator=p.form.name)
    _check_level1_points(add, parsed)
    if blank:
        return
    present = Counter()
    for p in parsed:
        key = level1_key(p.form.level1)
        if key:
            present[key] += p.weight or 0
    for required in settings["weights.required_level1"]:
        if required == "满意度指标" and settings["weights.satisfaction_exempt"]:
            continue
        if required not in present:
            add("LEVEL1_MISSING", level1=required)
    split = settings["weights.recommended_split"]
    total = sum(p.weight or 0 for p in parsed)
    if abs(total - sum(split.values())) < 1e-6 and any(abs(present.get(k, 0) - v) > 1e-6 for k, v in split.items()):
        add("LEVEL1_SPLIT", actual=_split_text({k: present.get(k, 0) for k in split}), expected=_split_text(split))


def _check_level1_points(add: Add, parsed: list[Parsed]) -> None:
    """The points an 一级 label states ("产出指标（50分）") against the weights under it."""
    groups: dict[str, list[Parsed]] = {}
    for p in parsed:
        if normalise_text(p.form.level1):
            groups.setdefault(normalise_text(p.form.level1), []).append(p)
    for label, members in groups.items():
        stated = _label_points(label)
        weights = [p.weight for p in members]
        if stated is None or any(w is None for w in weights):
            continue
        if abs(sum(weights) - stated) > 1e-6:
            first = members[0].form
            add("LEVEL1_POINTS_MISMATCH", first.level1_cell or first.cell, level1=label, points=_fmt(stated),
                actual=_fmt(sum(weights)))


def _label_points(label: str) -> float | None:
    """50 from "产出指标(50分)"; None when the brackets hold no points."""
    found = _LABEL_POINTS.search(label)
    if found is None:
        return None
    res = parse_number(found.group(1))
    return res.number if res.problem is None and res.unit in (None, "分") else None


def _split_text(split: dict[str, float]) -> str:
    return "、".join(f"{k[:-2]} {_fmt(v)}" for k, v in split.items())


def _check_indicator(add: Add, p: Parsed, settings: Settings, name_limit: int | None) -> None:
    ind, r = p.form, p.result
    name = normalise_text(ind.name)
    if name_limit and _gbk_length(ind.name) == name_limit and not name.endswith(COMPLETE_ENDINGS):
        add("NAME_TRUNCATED", ind.cell, indicator=ind.name, limit=name_limit)
    if p.target.kind is Kind.QUANTITATIVE:
        unit = p.target.unit
        if not unit and not _UNIT_IN_NAME.search(name):
            add("UNIT_MISSING", ind.unit.cell or ind.target.cell, indicator=ind.name)
        elif unit != "%" and _RATIO_NAME.search(name):
            add("UNIT_CONTRADICTS", ind.unit.cell or ind.target.cell, indicator=ind.name, unit=_unit_written(p),
                reason="指标名称（比率类指标应以 % 计）")
        elif unit == "元" and not _MONEY_NAME.search(name):
            add("UNIT_CONTRADICTS", ind.unit.cell or ind.target.cell, indicator=ind.name, unit=_unit_written(p),
                reason="指标名称（不是金额类指标）")
        # the name's own numbers, leaving out a template's numbering and bracketed notes ("(11kw)"); a rate
        # ("5000吨稻谷储备到位率 100%") counts something else than the quantity its name mentions
        bare = _BRACKETED.sub("", _NUMBERED.sub("", name))
        name_numbers = [float(m.group(1)) * (10000 if m.group(2) == "万" else 1e8 if m.group(2) else 1)
                        for m in _NAME_NUMBER.finditer(bare) if not _is_year(m.group(1))]
        if name_numbers and p.target.number is not None and p.target.number not in name_numbers \
                and not (unit == "%" and _RATIO_NAME.search(bare)):
            add("NAME_NUMBER_MISMATCH", ind.cell, indicator=ind.name, name_number=_fmt(name_numbers[0]),
                target=p.target.text)
        if p.is_cost and p.target.op in (Op.GE, Op.GT):
            add("COST_GE", ind.op.cell or ind.target.cell, indicator=ind.name, op=p.target.op.value.replace(">=", "≥"))
    if r is None or r.score is None or not p.judged:
        return  # nothing to compare with: the finding that left it unjudged (no target, no result) says what to do
    if p.weight is not None and r.claimed_score is not None and _beyond(r.claimed_score - r.score, settings["claims.tolerance"]):
        add("CLAIMED_SCORE_DIFF", ind.claimed_score.cell, indicator=ind.name, claimed=_fmt(r.claimed_score),
            computed=_fmt(r.score))
    if not ind.explanation.blank:
        return
    threshold = settings["explanation.beat_threshold_percent"]
    weight = p.weight or 0
    if weight and r.score < weight - 1e-9:
        add("EXPLANATION_MISSING", ind.explanation.cell or ind.cell, indicator=ind.name,
            reason=f"得分 {_fmt(r.score)} 低于分值 {_fmt(weight)}")
    elif p.direction and beats_target(r.deviation, p.direction, threshold):
        add("EXPLANATION_MISSING", ind.explanation.cell or ind.cell, indicator=ind.name,
            reason=f"偏离度 {_fmt(r.deviation)}% 超过 {_fmt(threshold)}%")


def _beyond(difference: float, tolerance: float) -> bool:
    """More than ``tolerance`` apart; 16.01 − 16 is 0.0100000000000016 in binary, which is not more than 0.01."""
    return abs(difference) - tolerance > 1e-9


def _gbk_length(text: str) -> int:
    return len(text.encode("gbk", errors="replace"))


def _unit_written(p: Parsed) -> str:
    return normalise_text(p.form.unit.value) or p.target.unit or ""


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and digits[:2] in ("19", "20")


def _check_claimed_total(add: Add, form: ProjectForm, result: ProjectResult, row_claims: list[float | None],
                         settings: Settings) -> None:
    """The form's own figures against the rules and against each other: what real forms most often get wrong."""
    tolerance = settings["claims.tolerance"]
    claimed_exec = _claimed_number(form.funds.exec_score)
    if claimed_exec is not None and result.execution_score is not None and result.execution_rate is not None \
            and _beyond(claimed_exec - result.execution_score, tolerance):
        add("CLAIMED_EXEC_SCORE_DIFF", form.funds.exec_score.cell, claimed=_fmt(claimed_exec),
            computed=_fmt(result.execution_score), rate=_fmt(result.execution_rate),
            weight=_fmt(result.execution_weight))
    if claimed_exec is not None and result.budget and result.executed is not None \
            and result.executed - result.budget > settings["execution.overspend_tolerance"] \
            and not _beyond(claimed_exec - result.execution_weight, tolerance):
        add("OVERSPENT_FULL_MARKS", form.funds.exec_score.cell, executed=_fmt(result.executed),
            budget=_fmt(result.budget), claimed=_fmt(claimed_exec))
    if result.claimed_total is None:
        return
    full_marks = settings["total.points"]
    if result.claimed_total > full_marks and _beyond(result.claimed_total - full_marks, tolerance):
        add("CLAIMED_ABOVE_FULL_MARKS", form.claimed_total.cell, claimed=_fmt(result.claimed_total), points=_fmt(full_marks))
    if result.total is not None and _beyond(result.claimed_total - result.total, tolerance):
        add("CLAIMED_TOTAL_DIFF", form.claimed_total.cell, claimed=_fmt(result.claimed_total),
            computed=_fmt(result.total))
    exec_part_known = claimed_exec is not None or not result.execution_weight  # 表12 has no execution score
    if row_claims and all(s is not None for s in row_claims) and exec_part_known:
        parts = excel_round(sum(s or 0.0 for s in row_claims) + (claimed_exec or 0.0), 2)
        if _beyond(result.claimed_total - parts, tolerance):
            add("CLAIMED_TOTAL_NOT_SUM", form.claimed_total.cell, claimed=_fmt(result.claimed_total),
                parts=_fmt(parts))


def _claimed_number(raw: RawCell) -> float | None:
    """A score the form states, when it is a number (its other problems are reported where it is read)."""
    if raw.blank or isinstance(raw.value, bool):
        return None
    return parse_number(raw.value, number_format=raw.number_format).number
