"""Turn one table's form into its result: parse cells, score, and collect findings.

This is where raw cells meet the value parser and the scoring arithmetic; the
project-wide consistency checks live in ``validation``.
"""

from __future__ import annotations

from . import scoring
from .cells import marker, unusable
from .findings import Finding, make
from .model import IndicatorForm, IndicatorResult, ProjectForm, ProjectResult, RawCell
from .parsed import Parsed, SharedClaim
from .rounding import excel_round, fmt_number as _fmt
from .rules import Settings
from .validation import validate_project
from .values import APPROXIMATE, Kind, Value, normalise_text, parse_number, parse_value


class _Ctx:
    """Creates findings located in this table, so no call site types the sheet or project."""

    def __init__(self, form: ProjectForm):
        self.form = form
        self.findings: list[Finding] = []

    def add(self, code: str, cell: str | None = None, **params: object) -> Finding:
        f = make(code, sheet=self.form.sheet, cell=cell or self.form.name_cell,
                 project=self.form.name, **params)
        self.findings.append(f)
        return f

    def usable(self, raw: RawCell, field: str) -> bool:
        """False, with a finding saying what to fix, for an Excel error value or a formula without its result."""
        problem = unusable(raw, field)
        if problem is not None:
            self.add(problem[0], raw.cell, **problem[1])
        return problem is None


def _text(raw: RawCell) -> str:
    return normalise_text(raw.value)


def _points(ctx: _Ctx, raw: RawCell, field_name: str) -> float | None:
    if not ctx.usable(raw, field_name) or raw.blank or marker(raw):
        return None
    res = parse_number(raw.value, number_format=raw.number_format)
    if res.problem:
        ctx.add("CLAIMED_NOT_NUMBER", raw.cell, field=field_name, text=_text(raw))
        return None
    return res.number


def waits_for_actual(target: RawCell, parsed: Value | None = None) -> bool:
    """Whether a blank 完成值 leaves the indicator waiting (未填: no score yet, the total 未填完) rather than
    scored 0 for want of a usable 指标值 (TARGET_MISSING, or the target cell's own error); ``parsed``: the
    target as the caller already parsed it."""
    if unusable(target, "指标值") is not None:
        return False
    if parsed is None:
        parsed = parse_value(target.value, number_format=target.number_format)
    return parsed.kind is not Kind.EMPTY


def is_cost(form: IndicatorForm, has_levels: bool) -> bool:
    labels = [form.level1 or "", form.level2 or ""] if has_levels else [form.name]
    return any("成本" in label for label in labels)


def parse_indicator(ctx: _Ctx, ind: IndicatorForm, settings: Settings) -> Parsed:
    of = f"指标「{ind.name}」的"
    unit_text = (_text(ind.unit) or None) if ctx.usable(ind.unit, of + "计量单位") else None
    op_text = (_text(ind.op) or None) if ctx.usable(ind.op, of + "指标性质") else None
    values_usable = [ctx.usable(ind.target, of + "指标值"), ctx.usable(ind.actual, of + "全年完成值")]
    target = parse_value(ind.target.value, number_format=ind.target.number_format, unit=unit_text, op=op_text)
    actual = parse_value(ind.actual.value, number_format=ind.actual.number_format, unit=unit_text)
    weight = _weight(ctx, ind) if ctx.usable(ind.weight, of + "权重") else None
    claimed = _points(ctx, ind.claimed_score, of + "得分")
    cost = is_cost(ind, ctx.form.has_levels)
    direction = scoring.direction_of(target.op, cost, settings) if target.kind is Kind.QUANTITATIVE else None
    return Parsed(ind, target, actual, weight, claimed, cost, direction, unusable=not all(values_usable))


def _weight(ctx: _Ctx, ind: IndicatorForm) -> float | None:
    """The indicator's points; a zero or negative weight is kept (and reported) so the total shows it.  A form
    with no weight anywhere (no 分值 column) is one UNSCORABLE finding, not one finding per row."""
    if ind.weight.blank:
        if any(not other.weight.blank for other in ctx.form.indicators):
            ctx.add("WEIGHT_INVALID", ind.weight.cell or ind.cell, indicator=ind.name, problem="未填写")
        return None
    res = parse_number(ind.weight.value, number_format=ind.weight.number_format)
    if res.number is None:
        ctx.add("WEIGHT_INVALID", ind.weight.cell, indicator=ind.name, problem=f"「{_text(ind.weight)}」不是数字")
    elif res.number <= 0:
        ctx.add("WEIGHT_INVALID", ind.weight.cell, indicator=ind.name,
                problem="为 0" if res.number == 0 else f"为负数（{res.number:g}）")
    return res.number


def _check_typing(ctx: _Ctx, p: Parsed) -> None:
    """What a 完成值 typed at the year's end likely got wrong: another unit, a percentage typed as a fraction
    (0.96 for 96%, the cell not formatted as %: a formatted one reads as 96), an approximate figure."""
    ind, target, actual = p.form, p.target, p.actual
    if actual.unit and target.unit and actual.unit != target.unit:
        ctx.add("ACTUAL_UNIT_DIFFERS", ind.actual.cell, indicator=ind.name, actual_unit=actual.unit,
                target_unit=target.unit)
    elif (target.unit == "%" and target.number is not None and target.number >= 10
          and actual.number is not None and 0 < actual.number <= 1 and "%" not in actual.text):
        ctx.add("PERCENT_AS_FRACTION", ind.actual.cell, indicator=ind.name, target=target.text,
                actual=actual.text, percent=_fmt(actual.number * 100))
    if APPROXIMATE.search(actual.text):
        ctx.add("ACTUAL_APPROXIMATE", ind.actual.cell, indicator=ind.name, actual=actual.text,
                number=_fmt(actual.number))


def score_indicator(ctx: _Ctx, p: Parsed, settings: Settings) -> IndicatorResult:
    ind, target, actual = p.form, p.target, p.actual
    w = p.weight if p.weight and p.weight > 0 else 0.0
    score: float | None = 0.0
    dev: float | None = None
    band: str | None = None
    kind = target.kind if target.kind is not Kind.EMPTY else Kind.QUALITATIVE
    target_cell = ind.target.cell or ind.cell
    if p.unusable:
        pass  # the cell's own finding says what to fix; nothing to read or judge
    elif target.kind is Kind.EMPTY:
        ctx.add("TARGET_MISSING", target_cell, indicator=ind.name)
    elif actual.kind is Kind.EMPTY:  # not yet filled: no score, and the total waits for it
        ctx.add("ACTUAL_MISSING", ind.actual.cell or ind.cell, indicator=ind.name)
        score = None
    elif settings["total.rescale_not_applicable"] and actual.text in settings["total.not_applicable_words"]:
        score = None  # left out, the others are rescaled in _total; not a value to read or judge
    elif kind is Kind.QUANTITATIVE:
        if actual.kind is not Kind.QUANTITATIVE or actual.number is None:
            ctx.add("ACTUAL_NOT_NUMBER", ind.actual.cell, indicator=ind.name, target=target.text, actual=actual.text)
        else:
            _check_typing(ctx, p)
            dev = scoring.deviation(target.number, actual.number)
            score = scoring.quantitative_score(target.number, actual.number, w, target.op, p.direction, settings)
            threshold = settings["penalty.target_too_low_threshold_percent"]
            penalty = settings["penalty.target_too_low_points"]
            if penalty and scoring.beats_target(dev, p.direction, threshold):
                score = max(score - penalty, 0.0)
                ctx.add("TARGET_TOO_LOW", ind.actual.cell, indicator=ind.name, deviation=_fmt(dev),
                        threshold=_fmt(threshold), penalty=_fmt(penalty))
    else:
        score, band = _judged_score(ctx, p, w, kind, settings)
    if score is not None:
        score = excel_round(score, 2)
    coefficient = excel_round(score / w * 100, 2) if score is not None and w else None
    return IndicatorResult(
        name=ind.name, level1=ind.level1, level2=ind.level2,
        target_text=target.text, actual_text=actual.text,
        target=target.number if kind is Kind.QUANTITATIVE else None,
        actual=actual.number if kind is Kind.QUANTITATIVE else None,
        unit=target.unit or actual.unit, direction=p.direction, kind=kind.value,
        weight=p.weight, deviation=dev, coefficient=coefficient, score=score,
        claimed_score=p.claimed, cell=ind.cell, band=band)


def _judged_score(ctx: _Ctx, p: Parsed, w: float, kind: Kind, settings: Settings) -> tuple[float, str | None]:
    """Qualitative and deadline indicators: a band from the text, a claimed score kept inside it."""
    ind, target, actual = p.form, p.target, p.actual
    all_bands = scoring.bands(settings)
    cell = ind.actual.cell or ind.cell
    if kind is Kind.DEADLINE:
        ctx.add("KIND_DEADLINE", ind.target.cell or ind.cell, indicator=ind.name, target=target.text)
        if target.date is not None and not target.year_known and ctx.form.year:
            # the form's year, not the actual date's: "10月底前" on a 2023 form is missed in January 2024
            ctx.add("DATE_YEAR_ASSUMED", ind.target.cell, indicator=ind.name, target=target.text, year=ctx.form.year)
            target = target.with_year(ctx.form.year)
        on_time = scoring.judge_deadline(target, actual, settings)
        if on_time is True:
            return w, "按时"
        if on_time is False:
            return w * settings["deadline.late_ratio"] / 100, "逾期"
        index = None
    else:
        ctx.add("KIND_QUALITATIVE", ind.target.cell or ind.cell, indicator=ind.name, target=target.text)
        index = scoring.judge_qualitative(target, actual, settings)
    claimed = p.claimed
    if index is not None:
        band = all_bands[index]
        if claimed is not None and w and band.contains(claimed / w * 100, top=index == 0):
            return claimed, band.name
        computed = w * band.default / 100
        if claimed is not None:
            ctx.add("QUALITATIVE_OUT_OF_BAND", ind.claimed_score.cell, indicator=ind.name, band=band.name,
                    low=_fmt(w * band.low / 100), high=_fmt(w * band.high / 100), claimed=_fmt(claimed),
                    computed=_fmt(computed))
        return computed, band.name
    if claimed is not None and w and 0 <= claimed <= w:
        ratio = claimed / w * 100
        for i, band in enumerate(all_bands):
            if band.contains(ratio, top=i == 0):
                return claimed, band.name
    ctx.add("QUALITATIVE_UNJUDGED", cell, indicator=ind.name, actual=actual.text,
            bands=" / ".join(f"{b.name} {_fmt(b.low)}–{_fmt(b.high)}%" for b in all_bands))
    return 0.0, None


def _money(ctx: _Ctx, raw: RawCell, unit: str, label: str) -> float | None:
    """An amount in 万元, whatever unit the form used; a cell's own unit wins over the form's.

    A bare 万 ("约52万") is 万元 whatever the form's unit: parse_number gives it as 520,000 元.
    """
    if not ctx.usable(raw, label) or raw.blank:
        return None
    res = parse_number(raw.value, number_format=raw.number_format)
    if res.number is None:
        ctx.add("VALUE_UNREADABLE", raw.cell, field=label, text=_text(raw), problem=res.problem or "不是金额")
        return None
    cell_unit = res.unit
    if cell_unit == "元" or (cell_unit is None and (unit == "元" or res.scale != 1)):
        return excel_round(res.number / 10000, 6)  # 元 have 2 decimals, so 万元 need 6
    return res.number


_FIELDS = (("budget_start", "年初预算数"), ("budget", "全年预算数"), ("executed", "全年执行数"))


def funds_figures(ctx: _Ctx, form: ProjectForm) -> dict[str, float | None]:
    """年初预算数 / 全年预算数 / 全年执行数 in 万元; a total that disagrees with its parts yields to them."""
    funds = form.funds
    out: dict[str, float | None] = {}
    if funds.money_unit == "元" and funds.total is not None:
        ctx.add("MONEY_UNIT", funds.total.budget.cell, source=funds.money_unit_source, unit="元")
    for attr, label in _FIELDS:
        total_cell = getattr(funds.total, attr) if funds.total else RawCell(None)
        total = _money(ctx, total_cell, funds.money_unit, f"「{funds.total.label}」的{label}" if funds.total else label)
        part_values = [_money(ctx, getattr(p, attr), funds.money_unit, f"「{p.label}」的{label}") for p in funds.parts]
        known = [v for v in part_values if v is not None]
        if known:
            parts_sum = sum(known)
            if total is None:
                total = parts_sum
            elif abs(total - parts_sum) > 0.005:
                ctx.add("FUNDS_TOTAL_MISMATCH", total_cell.cell, row=funds.total.label if funds.total else "",
                        field=label, total=_fmt(total), parts=_fmt(parts_sum))
                total = parts_sum
        out[attr] = total
    return out


EXECUTION_INDICATOR = ("预算执行率", "资金执行率", "项目预算执行率")
"""An indicator row that is the execution rate itself: the form scores execution among its indicators."""


def form_stated_settings(form: ProjectForm) -> dict[str, tuple[object, str]]:
    """Settings the form itself prints (an 执行率权重 of 10 per project in seeds 000 and 001).

    A form that lists the execution rate as an indicator of its own (鄂州, 2021) has no separate execution
    weight: the 分值 of its funds block is then the whole form's 100, not an execution weight.
    """
    stated: dict[str, tuple[object, str]] = {}
    if (start_cell := budget_start_only(form)) is not None:
        stated["execution.denominator"] = ("年初预算数", f"表中只有年初预算数一栏 {form.sheet}!{start_cell}")
    as_indicator = next((ind for ind in form.indicators
                         if normalise_text(ind.name).lstrip("★*").startswith(EXECUTION_INDICATOR)), None)
    if as_indicator is not None:
        stated["execution.weight"] = (0, f"执行率作为指标列在表中 {form.sheet}!{as_indicator.cell}")
        return stated
    raw = form.funds.exec_weight
    if not raw.blank:
        res = parse_number(raw.value, number_format=raw.number_format)
        if res.number is not None and 0 <= res.number < 100:
            stated["execution.weight"] = (res.number, f"表内填写 {form.sheet}!{raw.cell}")
    return stated


def budget_start_only(form: ProjectForm) -> str | None:
    """The 年初预算数 cell of a funds block that has no 全年预算数 column: the only budget the form gives."""
    rows = ([form.funds.total] if form.funds.total else []) + form.funds.parts
    if not rows or any(row.budget.cell is not None for row in rows):
        return None
    return next((row.budget_start.cell for row in rows if row.budget_start.cell is not None), None)


def _written_rate(raw: RawCell) -> float | None:
    """A 执行率 the unit typed (percent): "98.5%", 0.985 formatted as a percentage, or a bare 98.5.  A formula's
    result is no statement: over a blank 执行数 it is the template's 0 or error."""
    if raw.blank or raw.is_formula or isinstance(raw.value, bool):
        return None
    res = parse_number(raw.value, number_format=raw.number_format)
    if res.number is None or res.unit not in ("%", None) or res.number < 0:
        return None
    return res.number if res.unit == "%" or res.number > 1.5 else res.number * 100


def _shared_claims(parsed: list[Parsed]) -> list[SharedClaim]:
    """Indicators whose 得分 cells are one merged cell (they read the same anchor); their own claims are
    cleared, so a group's score is neither compared nor counted once per row."""
    by_cell: dict[tuple[str, float], list[Parsed]] = {}
    for p in parsed:
        if p.claimed is not None and p.form.claimed_score.cell is not None:
            by_cell.setdefault((p.form.claimed_score.cell, p.claimed), []).append(p)
    shared = [SharedClaim(cell, claimed, members) for (cell, claimed), members in by_cell.items() if len(members) > 1]
    for claim in shared:
        for p in claim.members:
            p.claimed = None
    return shared


def evaluate(form: ProjectForm, settings: Settings) -> ProjectResult:
    """Score one table and check it; never raises on what the form contains."""
    ctx = _Ctx(form)
    ctx.usable(form.funds.exec_weight, "执行率权重")  # form_stated_settings read it; say why it was not used
    exec_weight = float(settings["execution.weight"])
    money = funds_figures(ctx, form)
    denominator = settings["execution.denominator"]
    budget_key = "budget_start" if denominator == "年初预算数" else "budget"
    budget, executed = money[budget_key], money["executed"]
    rate, exec_score = scoring.execution(budget, executed, exec_weight, settings)
    if not budget:
        ctx.add("BUDGET_MISSING", form.out_cells.get("exec_rate") or form.name_cell,
                field=denominator if denominator != "调整后预算数" else "全年预算数")
    elif executed is None:
        executed_cell = (form.funds.total.executed.cell if form.funds.total else None) \
            or form.out_cells.get("exec_rate")
        written = _written_rate(form.funds.exec_rate)
        if written is None:
            ctx.add("EXECUTED_MISSING", executed_cell)
        else:
            rate, exec_score = scoring.execution_from_rate(written, exec_weight, settings)
            ctx.add("EXECUTED_FROM_RATE", executed_cell, rate=_fmt(excel_round(written, 2)),
                    rate_cell=form.funds.exec_rate.cell)
    if denominator == "年初预算数" and (start_cell := budget_start_only(form)) is not None:
        ctx.add("BUDGET_START_ONLY", start_cell)
    parsed = [parse_indicator(ctx, ind, settings) for ind in form.indicators]
    shared = _shared_claims(parsed)
    for p in parsed:
        p.result = score_indicator(ctx, p, settings)
    indicator_score, total, grade = None, None, None
    missing = _missing_for_a_score(form, parsed, budget, exec_weight, denominator)
    if missing:
        ctx.add("UNSCORABLE", missing=missing[0], advice=missing[1])
    scorable = not missing and form.has_indicator_table and bool(parsed)
    unfilled = [p.form.name for p in parsed if p.actual.kind is Kind.EMPTY and not p.unusable
                and waits_for_actual(p.form.target)] if scorable else []
    if scorable and not unfilled:  # a total of what is filled so far would be no total: it waits (未填完)
        indicator_score, total = _total(ctx, parsed, rate, exec_score if exec_weight else 0.0, settings)
        grade = scoring.grade(total, settings)
    claimed_total = _points(ctx, form.claimed_total, "自评得分")
    result = ProjectResult(
        sheet=form.sheet, name=form.name, code=form.code, type=form.type, layout=form.layout, unit=form.unit,
        budget=budget, executed=executed,
        execution_rate=excel_round(rate, 2) if rate is not None else None,
        execution_score=exec_score if exec_weight else None,
        indicator_score=indicator_score, total=total, claimed_total=claimed_total, grade=grade,
        execution_weight=exec_weight,
        weight_total=sum(p.weight for p in parsed if p.weight is not None) if parsed else None,
        indicators=[p.result for p in parsed if p.result is not None], unfilled=unfilled,
    )
    validate_project(ctx.add, form, parsed, shared, result, settings)
    result.findings = ctx.findings
    return result


def _missing_for_a_score(form: ProjectForm, parsed: list[Parsed], budget: float | None, exec_weight: float,
                         denominator: str) -> tuple[str, str] | None:
    """(what is missing, what to do) when a table that was read cannot be scored: without the budget the
    execution score, without any weight the indicator scores mean nothing, and 0.00 / 差 would be a false
    verdict."""
    if not form.has_indicator_table or not parsed:
        return None
    missing, advice = [], []
    if exec_weight and not budget:
        missing.append(denominator)
        advice.append(f"请填写{denominator}（表中金额无法识别时，见上一条问题）")
    if all(p.weight is None for p in parsed):
        missing.append("指标分值（权重）")
        advice.append("请在表中填写各指标分值，或用 --labels 指明分值所在的列")
    return ("、".join(missing), "；".join(advice)) if missing else None


def _total(ctx: _Ctx, parsed: list[Parsed], rate: float | None, exec_score: float,
           settings: Settings) -> tuple[float | None, float | None]:
    scored = [p for p in parsed if p.result is not None and p.result.score is not None]
    if settings["total.rescale_not_applicable"]:
        na_words = settings["total.not_applicable_words"]
        applicable = [p for p in scored if normalise_text(p.actual.text) not in na_words]
        applicable_weight = sum(p.weight or 0 for p in applicable)
        full = settings["total.points"] - settings["execution.weight"]
        factor = full / applicable_weight if applicable_weight else 0.0
        for p in scored:
            if p not in applicable:
                p.result.score = None
        indicator_score = excel_round(sum(p.result.score for p in applicable) * factor, 2)
    else:
        indicator_score = excel_round(sum(p.result.score for p in scored), 2)
    total = exec_score + indicator_score
    cap = scoring.cap_for_execution_rate(rate, settings)
    if cap is not None:
        total = min(total, cap)
    cost_cap = settings["total.missing_cost_cap"]
    if cost_cap >= 0 and not any(p.is_cost for p in parsed):
        total = min(total, cost_cap)
    return indicator_score, excel_round(total, 2)
