"""Write live formulas with cached values into a workbook, losslessly, for every layout the core reads.

The Python engine scores the workbook; each result cell the layout names
(``out_cells``) gets the formula that computes it from helper cells and the
engine's value as its cached value, so Excel recalculates when a user types a
new number while readers without an engine still see the scores.  Helper cells
(target, actual, weight as numbers; the judged ratio of qualitative and
deadline indicators) go to the right of each table.  Everything else in the
file is left byte for byte (``workbook.package``); 变更记录 lists the changes.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from .core import formulas as fx
from .core.evaluate import is_cost
from .core.model import IndicatorForm, ProjectForm, ProjectResult, RawCell
from .core.rules import LABELS, Settings
from .core.scoring import REVERSE
from .core.values import Kind, parse_value
from .errors import XlToolsError
from .reading.grid import cell_address, position
from .reading.open import sniff, xlsx_for_writing
from .services import Evaluation, evaluate_file
from .workbook.package import Change, CellWrite, Package, save_in_place
from .workbook.summary import change_log_title
from .workbook.template import PARAMS_HEADER_ROW, PARAMS_SHEET, params_rows

HELPER_HEADER = "工具辅助列（请勿修改）"
CHANGES_SHEET = "变更记录"


@dataclass
class Recomputed:
    evaluation: Evaluation
    path: Path
    changes: list[Change]


def _row(ref: str) -> int:
    return position(ref)[0]


def _helper_column(form: ProjectForm) -> int:
    """First column right of everything the table uses, plus one blank column."""
    refs = [ref for ind in form.indicators for ref in (ind.cell, *ind.out_cells.values(),
                                                      ind.target.cell, ind.actual.cell, ind.weight.cell,
                                                      ind.explanation.cell) if ref]
    refs += [ref for ref in form.out_cells.values() if ref]
    return max((position(r)[1] for r in refs), default=1) + 2


def _is_number(raw: RawCell) -> bool:
    return isinstance(raw.value, (int, float)) and not isinstance(raw.value, bool)


def _percent_cell(raw: RawCell) -> bool:
    return "%" in (raw.number_format or "")


def _live(raw: RawCell, unit: RawCell, parsed: float) -> str | None:
    """A helper that follows a number typed into the cell (scaled as the parser scales it: 万, % cells)."""
    if not _is_number(raw) or not raw.cell:
        return None
    unit_text = unit.value if isinstance(unit.value, str) else None
    factor = parse_value(1, number_format=raw.number_format, unit=unit_text).number or 1.0
    return fx.live_number(raw.cell, parsed, factor)


def _source_check(ind: IndicatorForm) -> str | None:
    """Compare the text cells the helpers were read from with what they held (numbers are live already)."""
    conditions = []
    for raw in (ind.target, ind.actual, ind.weight):
        if not raw.cell or _is_number(raw):
            continue
        text = fx.literal(raw.value)
        if text is None:  # a multi-line or very long text cannot be written into a formula
            continue
        conditions.append(f"{raw.cell}={text}")
    return fx.source_check(conditions) if conditions else None


def _indicator_writes(ind: IndicatorForm, result, knobs: fx.Knobs, col: int) -> dict[str, CellWrite]:
    """Helper cells and the score, 偏离度 and 得分系数 formulas of one indicator row."""
    score_ref = ind.out_cells.get("score")
    if not score_ref or result.score is None:
        return {}
    row = _row(score_ref)
    ha, hb, hw, hk, hs = (cell_address(row, col + i) for i in range(5))
    writes: dict[str, CellWrite] = {}
    check = _source_check(ind)
    if check:
        writes[hs] = CellWrite("", check)
    weight = result.weight if result.weight and result.weight > 0 else None
    w_formula = fx.live_number(ind.weight.cell, weight) if _is_number(ind.weight) and ind.weight.cell else None
    writes[hw] = CellWrite(weight, w_formula)
    if result.kind == Kind.QUANTITATIVE.value and result.target is not None and result.actual is not None:
        writes[ha] = CellWrite(result.target, _live(ind.target, ind.unit, result.target))
        writes[hb] = CellWrite(result.actual, _live(ind.actual, ind.unit, result.actual))
        direction = result.direction or REVERSE
        op = parse_value(ind.target.value, number_format=ind.target.number_format,
                         op=ind.op.value if isinstance(ind.op.value, str) else None).op
        writes[score_ref] = CellWrite(result.score, fx.quantitative_score(ha, hb, hw, direction, op, knobs))
        if ind.out_cells.get("deviation"):
            writes[ind.out_cells["deviation"]] = CellWrite(result.deviation, fx.deviation(ha, hb))
    elif result.kind in (Kind.QUALITATIVE.value, Kind.DEADLINE.value) and weight:
        writes[hk] = CellWrite(result.score / weight * 100)
        writes[score_ref] = CellWrite(result.score, fx.judged_score(hw, hk))
    else:  # no target or no usable actual: the engine scores 0 and says why in 校验结果
        writes[score_ref] = CellWrite(result.score)
    if ind.out_cells.get("coefficient"):
        writes[ind.out_cells["coefficient"]] = CellWrite(result.coefficient, fx.coefficient(score_ref, hw))
    return writes


def _exec_weight(form: ProjectForm, knobs: fx.Knobs) -> str:
    """The form's own 分值 cell when it states one (a typed change then counts), else the setting."""
    source = knobs.settings.sources.get("execution.weight", "")
    if source.startswith("表内填写") and form.funds.exec_weight.cell:
        return f"VALUE({form.funds.exec_weight.cell})"
    if source.startswith(("规则集", "参数表")):
        return knobs.number("execution.weight")
    return fx.num(knobs.settings["execution.weight"])  # a layout's default (表12: 0)


def _table_writes(form: ProjectForm, project: ProjectResult, knobs: fx.Knobs) -> dict[str, CellWrite]:
    settings = knobs.settings
    col = _helper_column(form)
    writes: dict[str, CellWrite] = {}
    first_row = min((_row(i.out_cells["score"]) for i in form.indicators if i.out_cells.get("score")),
                    default=None)
    if first_row is not None:
        writes[cell_address(first_row - 1, col)] = CellWrite(HELPER_HEADER)
    for ind, result in zip(form.indicators, project.indicators):
        writes.update(_indicator_writes(ind, result, knobs, col))
    rate_ref, exec_ref = form.out_cells.get("exec_rate"), form.out_cells.get("exec_score")
    percent = False
    if rate_ref and project.budget:
        row = _row(rate_ref)
        hb_budget, hb_exec = cell_address(row, col), cell_address(row, col + 1)
        scale = 10000 if form.funds.money_unit == "元" else 1  # the rate is a ratio: the form's own unit
        writes[hb_budget] = CellWrite(project.budget * scale)
        writes[hb_exec] = CellWrite(project.executed * scale if project.executed is not None else None)
        percent = _percent_cell(form.funds.exec_rate)
        writes[rate_ref] = CellWrite(_exact_rate(project, percent),
                                     fx.execution_rate(hb_budget, hb_exec, percent))
        if exec_ref and project.execution_score is not None:
            writes[exec_ref] = CellWrite(project.execution_score,
                                         fx.execution_score(rate_ref, _exec_weight(form, knobs), percent, knobs))
    total_ref = form.out_cells.get("total")
    if total_ref and project.total is not None:
        if settings["total.rescale_not_applicable"]:
            writes[total_ref] = CellWrite(project.total)  # rescaling stays in Python (参数 says so)
        else:
            scores = [i.out_cells["score"] for i, r in zip(form.indicators, project.indicators)
                      if i.out_cells.get("score") and r.score is not None]
            cost_cap = settings["total.missing_cost_cap"]
            has_cost = any(is_cost(i, form.has_levels) for i in form.indicators)
            writes[total_ref] = CellWrite(project.total, fx.total(
                exec_ref if exec_ref in writes else None, scores, rate_ref if rate_ref in writes else None, percent,
                cost_cap if cost_cap >= 0 and not has_cost else None, settings))
        if form.out_cells.get("grade") and project.grade:
            writes[form.out_cells["grade"]] = CellWrite(project.grade, fx.grade(total_ref, settings))
    return writes


def _exact_rate(project: ProjectResult, percent: bool) -> float | None:
    """The cached 执行率 unrounded, as the formula gives it (the JSON's is rounded to 2 decimals)."""
    if not project.budget or project.executed is None:
        return None
    ratio = project.executed / project.budget
    return ratio if percent else ratio * 100


def _change_rows(evaluation: Evaluation, changes: list[Change]) -> list[list[object]]:
    result = evaluation.result
    head = [change_log_title(result.rule_set, result.rule_set_hash, len(changes))]
    return [head, ["工作表", "单元格", "原值", "新值"]] + [
        [c.sheet, c.ref, _show(c.old), _show(c.new)] for c in changes]


def _show(content) -> object:
    value, formula = content
    return f"={formula}" if formula else value


def _params_cells(pkg: Package, evaluation: Evaluation) -> dict[str, str]:
    """Setting -> the 参数 expression formulas read it from; the sheet is added when the workbook has none."""
    if PARAMS_SHEET not in pkg.sheet_names():
        rows = params_rows(evaluation.settings[0].rule_set)
        pkg.replace_sheet(PARAMS_SHEET, rows, widths={"A": 36, "B": 34, "C": 30, "D": 22, "E": 30})
        keys = {row[0]: r for r, row in enumerate(rows, start=1) if row and row[0] in LABELS}
    else:
        keys = {}
        header = pkg.read_cell(PARAMS_SHEET, f"D{PARAMS_HEADER_ROW}").value
        if header != "本工作簿取值":  # not the toolkit's layout: formulas keep the rule set's values
            return {}
        for r in range(PARAMS_HEADER_ROW + 1, PARAMS_HEADER_ROW + 2 + len(LABELS)):
            key = pkg.read_cell(PARAMS_SHEET, f"A{r}").value
            if key in LABELS:
                keys[key] = r
    sheet = f"'{PARAMS_SHEET}'!"
    return {key: f'IF({sheet}$D${r}="",{sheet}$C${r},{sheet}$D${r})' for key, r in keys.items()}


def _knobs(settings: Settings, cells: dict[str, str]) -> fx.Knobs:
    """Only settings that come from the rule set or the 参数 sheet are read there; a form's own stay literal."""
    live = {k: v for k, v in cells.items() if settings.sources.get(k, "").startswith(("规则集", "参数表"))}
    return fx.Knobs(settings, live)


def _apply(pkg: Package, evaluation: Evaluation) -> list[Change]:
    changes: list[Change] = []
    cells = _params_cells(pkg, evaluation)
    for form, project, settings in zip(evaluation.forms, evaluation.result.projects, evaluation.settings):
        writes = _table_writes(form, project, _knobs(settings, cells))
        if writes:
            changes += pkg.set_cells(form.sheet, writes)
    if changes:
        pkg.set_full_calc_on_load()
        pkg.replace_sheet(CHANGES_SHEET, _change_rows(evaluation, changes), widths={"A": 26, "B": 9, "C": 40, "D": 40})
    return changes


def default_output(path: Path) -> Path:
    suffix = ".xlsm" if path.suffix.lower() == ".xlsm" else ".xlsx"  # an .xls input gives an .xlsx
    return path.with_name(f"{path.stem}_重算{suffix}")


def recompute_file(path: str | Path, out: str | Path | None = None, rule_set: str | Path | None = None, *,
                   in_place: bool = False, password: str | None = None) -> Recomputed:
    """Formulas and cached values into a copy of the workbook (or the workbook itself with ``in_place``).

    An .xls or encrypted input is first turned into a plain .xlsx (LibreOffice, or decryption in memory):
    the result is always a new .xlsx, never written over such a file.
    """
    path = Path(path)
    target = Path(out) if out else default_output(path)
    if not in_place and target.resolve() == path.resolve():
        raise XlToolsError("输出文件不能与输入文件相同；要改写原文件请用 --in-place（会先备份）")
    kind = sniff(path)
    if kind.format != "xlsx" or kind.encrypted:
        if in_place:
            raise XlToolsError(f"{path.name} 是 .xls 或加密的工作簿，不能 --in-place 改写；请用 -o 写成新的 .xlsx")
        with tempfile.TemporaryDirectory(prefix="xl_tools_") as tmp:
            plain = Path(tmp) / "source.xlsx"
            plain.write_bytes(xlsx_for_writing(path, password=password).getvalue())
            return _to_new_file(plain, target, rule_set)
    if in_place:
        evaluation = evaluate_file(path, rule_set)
        changes = save_in_place(path, lambda pkg: _apply(pkg, evaluation))
        return Recomputed(evaluation, path, changes)
    return _to_new_file(path, target, rule_set)


def _to_new_file(path: Path, target: Path, rule_set: str | Path | None) -> Recomputed:
    evaluation = evaluate_file(path, rule_set)
    pkg = Package.open(path)
    changes = _apply(pkg, evaluation)
    return Recomputed(evaluation, pkg.save(target), changes)
