"""What recomputing writes, per sheet, before any writer (the package editor, live Excel) writes it.

The Python engine scores the workbook; each result cell the layout names
(``out_cells``) gets the formula that computes it from helper cells and the
engine's value as its cached value, so Excel recalculates when a user types a
new number while readers without an engine still see the scores.  Helper cells
(target, actual, weight as numbers; the judged ratio of qualitative and
deadline indicators) go to the right of each table.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from . import formulas as fx
from .crosscheck import matching_project
from .evaluate import is_cost, waits_for_actual
from .findings import Finding, make
from .model import FundsForm, IndicatorForm, ProjectForm, ProjectResult, RawCell, SummaryForm, SummaryRowForm
from .rules import Settings
from .scored import Table
from .scoring import REVERSE
from .values import Kind, normalise_unit, parse_number, parse_value
from .errors import failure_reason
from .addresses import cell_address, position
from .cell_write import CellWrite

HELPER_HEADER = "工具辅助列（请勿修改）"
PERCENT_SHOWN = "0.00%"
"""The format a 执行率 cell whose own format could not be read is given: the rate is then a fraction."""


def _row(ref: str) -> int:
    return position(ref)[0]


def _last_column(form: ProjectForm) -> int:
    """The last column the table uses."""
    refs = [ref for ind in form.indicators for ref in (ind.cell, *ind.out_cells.values(),
                                                      ind.target.cell, ind.actual.cell, ind.weight.cell,
                                                      ind.explanation.cell) if ref]
    refs += [ref for ref in form.out_cells.values() if ref]
    return max((position(r)[1] for r in refs), default=1)


def _helper_column(form: ProjectForm) -> int:
    """First column right of everything the table uses, plus one blank column."""
    return _last_column(form) + 2


def _is_number(raw: RawCell) -> bool:
    return isinstance(raw.value, (int, float)) and not isinstance(raw.value, bool)


def _live(raw: RawCell, unit: RawCell, parsed: float | None) -> str | None:
    """A helper that follows what is typed into the cell, scaled as the parser scales it (万 of the 计量单位,
    % cells as the format is when Excel calculates)."""
    if not raw.cell:
        return None
    unit_text = unit.value if isinstance(unit.value, str) else None
    return fx.live_number(raw.cell, parsed, normalise_unit(unit_text)[1])


def _waiting(ind: IndicatorForm, result) -> bool:
    """No 完成值 yet: the engine gave no score, the row shows none and the total waits for it."""
    return result.score is None and ind.actual.blank


def _unchanged(raw: RawCell, *, followed: bool) -> str | None:
    """The condition under which the cell still holds what the helpers were written from: with ``followed``,
    also anything ``fx.live_number`` follows itself (a number, a text Excel's VALUE reads, a blank).  None when
    the cell's text cannot be written into a formula (multi-line or very long): it is not checked."""
    if not raw.cell:
        return None
    if followed and (raw.blank or _is_number(raw)):
        return fx.followed(raw.cell)
    text = fx.literal(None if raw.blank else raw.value)
    if text is None:
        return None
    return f"OR({raw.cell}={text},{fx.followed(raw.cell)})" if followed else f"{raw.cell}={text}"


def _indicator_writes(ind: IndicatorForm, result, knobs: fx.Knobs, col: int) -> tuple[dict[str, CellWrite], int | None]:
    """Helper cells and the score, 偏离度 and 得分系数 formulas of one indicator row, and the row of its check
    cell (None without one).

    A quantitative indicator's helpers follow its 指标值, 完成值 and 分值 cells; a qualitative or deadline one
    keeps the ratio Python judged from the texts.  Whatever only Python can read again (a new text with a unit,
    a new qualitative 完成值) turns the row's check cell into 请重新计算, which the 得分 cell shows and the 总分
    counts."""
    score_ref = ind.out_cells.get("score")
    waiting = _waiting(ind, result)
    if not score_ref or (result.score is None and not waiting):
        return {}, None
    row = _row(score_ref)
    ha, hb, hw, hk, hs = (cell_address(row, col + i) for i in range(5))
    name = f"「{ind.name}」"
    writes: dict[str, CellWrite] = {}
    weight = result.weight if result.weight and result.weight > 0 else None
    w_formula = fx.live_number(ind.weight.cell, weight) if ind.weight.cell else None
    writes[hw] = CellWrite(weight, w_formula, label=f"{name}辅助列：分值")
    quantitative = result.kind == Kind.QUANTITATIVE.value and result.target is not None
    conditions = [c for c in [_unchanged(ind.weight, followed=True)] + [
        _unchanged(raw, followed=quantitative) for raw in (ind.target, ind.actual)] if c]
    target = parse_value(ind.target.value, number_format=ind.target.number_format,
                         op=ind.op.value if isinstance(ind.op.value, str) else None)
    # a cleared 完成值 is not yet filled, as the engine reads it (where there is a 指标值 to score against)
    unfilled = ind.actual.cell if ind.actual.cell and waits_for_actual(ind.target, target) else None
    status = fx.status(unfilled, conditions)
    if status:
        writes[hs] = CellWrite(fx.UNFILLED_ROW if waiting else "", status, label=f"{name}辅助列：填报状态")
    check = hs if status else None
    if quantitative:
        writes[ha] = CellWrite(result.target, _live(ind.target, ind.unit, result.target), label=f"{name}辅助列：指标值")
        writes[hb] = CellWrite(result.actual, _live(ind.actual, ind.unit, result.actual), label=f"{name}辅助列：完成值")
        direction = result.direction or REVERSE
        formula = fx.quantitative_score(ha, hb, hw, direction, target.op, knobs)
        if ind.out_cells.get("deviation"):
            writes[ind.out_cells["deviation"]] = CellWrite(result.deviation, fx.rechecked(check, fx.deviation(ha, hb),
                                                                                          recheck=""),
                                                           label=f"{name}偏离度")
    elif result.kind in (Kind.QUALITATIVE.value, Kind.DEADLINE.value) and weight:
        writes[hk] = CellWrite(None if waiting else result.score / weight * 100, label=f"{name}辅助列：达成比例")
        formula = fx.judged_score(hw, hk)
    else:  # no target or no usable actual: the engine scores 0 and says why in 校验结果
        formula = '""' if waiting else fx.num(result.score)
    # a row without 完成值 shows an empty text, cached as such (a formula without a cached value reads as unsaved)
    writes[score_ref] = CellWrite("" if waiting else result.score, fx.rechecked(check, formula),
                                  label=f"{name}得分")
    if ind.out_cells.get("coefficient"):
        writes[ind.out_cells["coefficient"]] = CellWrite("" if waiting else result.coefficient,
                                                         fx.coefficient(score_ref, hw), label=f"{name}得分系数")
    return writes, row if status else None


def _exec_weight(form: ProjectForm, knobs: fx.Knobs) -> str:
    """The form's own 分值 cell when it states one (a typed change then counts), else the setting."""
    source = knobs.settings.sources.get("execution.weight", "")
    if source.startswith("表内填写") and form.funds.exec_weight.cell:  # cleared: the rule set's, as the engine does
        return fx.live_number(form.funds.exec_weight.cell, knobs.settings["execution.weight"],
                              blank=fx.num(knobs.settings.rule_set["execution.weight"]))
    if source.startswith(("规则集", "参数表")):
        return knobs.number("execution.weight")
    return fx.num(knobs.settings["execution.weight"])  # a layout's default (表12: 0)


@dataclass
class TableCells:
    """Cells of one project table that a 表11 row refers to (None where the table has no such cell)."""

    budget: str | None = None
    executed: str | None = None
    to_wan: float = 1.0
    """Factor from the table's money unit to 万元."""
    total: str | None = None
    grade: str | None = None


def _table_writes(form: ProjectForm, project: ProjectResult,
                  knobs: fx.Knobs) -> tuple[dict[str, CellWrite], TableCells]:
    settings = knobs.settings
    col = _helper_column(form)
    writes: dict[str, CellWrite] = {}
    cells = TableCells(to_wan=1 / 10000 if form.funds.money_unit == "元" else 1.0)
    first_row = min((_row(i.out_cells["score"]) for i in form.indicators if i.out_cells.get("score")),
                    default=None)
    if first_row is not None:
        writes[cell_address(first_row - 1, col)] = CellWrite(HELPER_HEADER, label="辅助列标题")
    check_rows = []
    for ind, result in zip(form.indicators, project.indicators):
        planned, check_row = _indicator_writes(ind, result, knobs, col)
        writes.update(planned)
        check_rows += [check_row] if check_row else []
    checks = (f"{cell_address(min(check_rows), col + 4)}:{cell_address(max(check_rows), col + 4)}"
              if check_rows else None)
    rate_ref, exec_ref = form.out_cells.get("exec_rate"), form.out_cells.get("exec_score")
    percent = False
    typed_rate = project.executed is None and not form.funds.exec_rate.blank and not form.funds.exec_rate.is_formula
    if rate_ref and project.budget and not typed_rate:  # a 执行率 the unit typed without 执行数 stays theirs
        row = _row(rate_ref)
        cells.budget, cells.executed = cell_address(row, col), cell_address(row, col + 1)
        scale = 10000 if form.funds.money_unit == "元" else 1  # the rate is a ratio: the form's own unit
        budget_key = "budget_start" if settings["execution.denominator"] == "年初预算数" else "budget"
        writes[cells.budget] = CellWrite(project.budget * scale, _amount(form.funds, budget_key),
                                         label="辅助列：预算数")
        writes[cells.executed] = CellWrite(project.executed * scale if project.executed is not None else None,
                                           _amount(form.funds, "executed"), label="辅助列：执行数")
        shown = form.funds.exec_rate.number_format
        percent = shown is None or "%" in shown  # unknown (live Excel, an empty cell): a fraction, shown as %
        writes[rate_ref] = CellWrite(_exact_rate(project, percent),
                                     fx.execution_rate(cells.budget, cells.executed, percent), label="执行率",
                                     number_format=PERCENT_SHOWN if shown is None else None)
        if exec_ref and project.execution_score is not None:
            writes[exec_ref] = CellWrite(project.execution_score,
                                         fx.execution_score(rate_ref, _exec_weight(form, knobs), percent, knobs),
                                         label="执行率得分")
    total_ref = form.out_cells.get("total")
    if total_ref and (project.total is not None or project.unfilled):
        cells.total = total_ref
        if settings["total.rescale_not_applicable"]:
            writes[total_ref] = CellWrite(project.shown_total, label="总分")  # rescaling stays in Python (参数 says so)
        else:
            scores = [i.out_cells["score"] for i, r in zip(form.indicators, project.indicators)
                      if i.out_cells.get("score") and (r.score is not None or _waiting(i, r))]
            cost_cap = settings["total.missing_cost_cap"]
            has_cost = any(is_cost(i, form.has_levels) for i in form.indicators)
            writes[total_ref] = CellWrite(project.shown_total, fx.any_recheck(checks, fx.total(
                exec_ref if exec_ref in writes else None, scores, rate_ref if rate_ref in writes else None, percent,
                cost_cap if cost_cap >= 0 and not has_cost else None, settings)), label="总分")
        if form.out_cells.get("grade") and (project.grade or project.unfilled):
            cells.grade = form.out_cells["grade"]
            writes[cells.grade] = CellWrite(project.grade or "", fx.grade(total_ref, settings), label="评价等级")
    return writes, cells


def _amount(funds: FundsForm, attr: str) -> str | None:
    """A helper following the form's amount cells as the engine reads them (``evaluate.funds_figures``): the sum
    of the parts when any of them holds a number, else the total row; in the table's own unit.  None (the value
    kept as it is) where a cell holds text, which only Python reads."""
    total = getattr(funds.total, attr) if funds.total is not None else None
    parts = [getattr(row, attr) for row in funds.parts if getattr(row, attr).cell]
    cells = ([total] if total is not None and total.cell else []) + parts
    # a placeholder ("—") is no amount to the engine either, as to SUM and COUNT; an amount written as text is
    # one to the engine only: then the value is kept
    if not cells or any(not _is_number(c) and parse_number(c.value).number is not None for c in cells):
        return None
    return fx.amount(total.cell if total is not None else None, [c.cell for c in parts])


def _exact_rate(project: ProjectResult, percent: bool) -> float | None:
    """The cached 执行率 unrounded, as the formula gives it (the JSON's is rounded to 2 decimals)."""
    if not project.budget or project.executed is None:
        return None
    ratio = project.executed / project.budget
    return ratio if percent else ratio * 100


def linked(sheet: str, ref: str | None, value: float | str | None, factor: float, label: str) -> CellWrite:
    """A 表11 cell showing a project sheet's cell; the value alone where the table has no such cell."""
    if ref is None or value is None:
        return CellWrite(value, label=label)
    return CellWrite(value, fx.linked(fx.sheet_ref(sheet, ref), factor), label=label)


def _row_writes(row: SummaryRowForm, money_factor: float, project: ProjectResult,
                cells: TableCells) -> dict[str, CellWrite]:
    """One 表11 row of the workbook's own: 预算数, 执行数 and 自评得分 follow the project's sheet."""
    name = f"表11「{row.name}」"
    writes = {}
    for raw, value, ref, label in ((row.budget, project.budget, cells.budget, "预算数"),
                                   (row.executed, project.executed, cells.executed, "执行数")):
        if raw.cell and value is not None:
            # helper cells are in the table's unit; the row's own unit may differ (元 or 万元)
            writes[raw.cell] = linked(project.sheet, ref, value / money_factor, cells.to_wan / money_factor,
                                       f"{name}{label}")
    if row.score.cell and project.shown_total is not None:
        writes[row.score.cell] = linked(project.sheet, cells.total, project.shown_total, 1.0, f"{name}自评得分")
    return writes


def summary_writes(tables: Sequence[Table], summaries: Sequence[SummaryForm],
                   cells: dict[Table, TableCells]) -> dict[str, dict[str, CellWrite]]:
    """Sheet -> writes for every row of the workbook's own 表11 that matches one of the planned ``cells``."""
    result: dict[str, dict[str, CellWrite]] = {}
    projects = [t.result for t in tables]
    for summary in summaries:
        factor = 1 / 10000 if summary.money_unit == "元" else 1.0  # 万元 per unit of the 表11's amounts
        for row in summary.rows:
            project = matching_project(row, projects)
            table = next((t for t in tables if t.result is project), None)
            if table is not None and table in cells:
                result.setdefault(summary.sheet, {}).update(_row_writes(row, factor, project, cells[table]))
    return result


@dataclass
class Plan:
    """What recomputing writes, per sheet, before any writer (the package editor, live Excel) writes it."""

    writes: dict[str, dict[str, CellWrite]]
    """Sheet -> cell -> content, the tables' cells and the rows of a 表11 of the workbook's own."""
    cells: dict[Table, TableCells]
    """The cells a 表11 row links to, per table planned (a sheet may hold several tables)."""
    skipped: list[Finding] = field(default_factory=list)
    """Sheets left as they are because planning one of their tables failed (SHEET_SKIPPED)."""
    print_columns: dict[str, int] = field(default_factory=dict)
    """Sheet -> the last column its tables use: printed are the forms, not the helper columns right of them."""


def plan(tables: Sequence[Table], summaries: Sequence[SummaryForm], params: dict[str, str], *,
         skip: Collection[str] = frozenset()) -> Plan:
    """Formulas and cached values for every table and every matching 表11 row (sheets in ``skip`` left out).
    A table whose data breaks the planning leaves its whole sheet unwritten, reported; the others go on."""
    writes: dict[str, dict[str, CellWrite]] = {}
    cells: dict[Table, TableCells] = {}
    failed: dict[str, Finding] = {}
    columns: dict[str, int] = {}
    for table in tables:
        form = table.form
        try:
            planned, cells[table] = _table_writes(form, table.result, _knobs(table.settings, params))
        except Exception as exc:
            failed.setdefault(form.sheet, skipped_sheet(form.sheet, exc))
            continue
        writes.setdefault(form.sheet, {}).update(planned)
        columns[form.sheet] = max(columns.get(form.sheet, 1), _last_column(form))
    cells = not_on(failed, cells)
    for sheet, planned in summary_writes(tables, summaries, cells).items():
        if sheet not in skip:
            writes.setdefault(sheet, {}).update(planned)
    return Plan({sheet: w for sheet, w in writes.items() if w and sheet not in failed}, cells,
                list(failed.values()), {sheet: col for sheet, col in columns.items() if sheet not in failed})


def skipped_sheet(sheet: str, exc: Exception) -> Finding:
    return make("SHEET_SKIPPED", sheet=sheet, reason=failure_reason(exc))


def not_on(sheets: Collection[str], cells: dict[Table, TableCells]) -> dict[Table, TableCells]:
    """The tables not on ``sheets`` (nothing links to the helper cells of a sheet left unwritten)."""
    return {table: c for table, c in cells.items() if table.form.sheet not in sheets}


def _knobs(settings: Settings, cells: dict[str, str]) -> fx.Knobs:
    """Only settings that come from the rule set or the 参数 sheet are read there; a form's own stay literal."""
    live = {k: v for k, v in cells.items() if settings.sources.get(k, "").startswith(("规则集", "参数表"))}
    return fx.Knobs(settings, live)
