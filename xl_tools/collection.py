"""The 完成值 collection sheet handed to business sections, and filling its answers back into the workbook.

`collect` writes a protected sheet (only 全年完成值 and 说明 can be typed in) listing every indicator and each
project's 全年执行数; `fill` reads it back (.xlsx or .csv), plans the writes with ``core.matching``, writes
only the input cells, then recomputes (``recompute.apply``) so scores, 表11 and 变更记录 follow.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .core.matching import EXECUTED, CollectedRow, FillPlan, plan_fill
from .core.model import ProjectForm
from .core.values import normalise_text
from .errors import XlToolsError
from .outputs import checked_output, content_checked, derived, package_suffix
from .reading.grid import cell_address
from .reading.limits import check_file_size
from .reading.text import windows_text
from .services import Evaluation, evaluate_file, read_book

SHEET = "完成值采集"
HEADERS = ["项目编码", "项目名称", "指标名称", "指标性质", "指标值", "计量单位", "全年完成值", "说明", "工作表", "单元格"]
COLUMN = {name: i for i, name in enumerate(HEADERS, start=1)}
HEADER_ROW = 3
INPUTS = ("全年完成值", "说明")
FORMULA_WITHOUT_VALUE = "#公式无计算结果"
"""What a formula cell the file saved without its result reads as (the section's program never calculated it)."""


def collection_rows(forms: list[ProjectForm]) -> list[list[object]]:
    """Per project: its 全年执行数 row, then one row per indicator (where each value goes, in the last columns)."""
    rows: list[list[object]] = []
    for form in forms:
        if form.type != "project":
            continue
        executed = form.funds.total.executed if form.funds.total else None
        budget = form.funds.total.budget.value if form.funds.total else None
        if executed is not None and executed.cell:
            rows.append([form.code, form.name, EXECUTED, "资金", budget, form.funds.money_unit, None, None,
                         form.sheet, executed.cell])
        for ind in form.indicators:
            rows.append([form.code, form.name, ind.name, ind.op.value, ind.target.value, ind.unit.value, None, None,
                         form.sheet, ind.actual.cell])
    return rows


def write_collection(evaluation: Evaluation, source: Path, out: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    from .workbook.save import save_stable
    from .workbook.style import INPUT_FILL, LEFT, print_setup, put, set_value, widths

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    widths(ws, {"A": 22, "B": 30, "C": 30, "D": 9, "E": 14, "F": 9, "G": 16, "H": 40, "I": 16, "J": 8})
    ws.merge_cells("A1:J1")
    set_value(ws["A1"], f"绩效自评完成值采集表（{source.name}）")
    ws.merge_cells("A2:J2")
    ws["A2"] = ("请只填写黄色的「全年完成值」和「说明」两列：完成值写实际数（可带单位，如 30000人次、96%），"
                "未达目标的写明偏差原因及改进措施。其余各列与「工作表」「单元格」两列用于回填，请勿改动或删行。")
    ws["A2"].alignment = LEFT
    ws.row_dimensions[2].height = 36
    for col, label in enumerate(HEADERS, start=1):
        put(ws, cell_address(HEADER_ROW, col), label, header=True)
    rows = collection_rows(evaluation.forms)
    amount = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle="全年执行数", error="请填写不小于 0 的金额（数字）")
    note = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="500", allow_blank=True,
                          showErrorMessage=True, errorTitle="说明", error="说明请控制在 500 字以内")
    ws.add_data_validation(amount)
    ws.add_data_validation(note)
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        for col, value in enumerate(values, start=1):
            put(ws, cell_address(r, col), value, align=LEFT)
        for name in INPUTS:
            cell = ws.cell(r, COLUMN[name])
            cell.fill = INPUT_FILL
            cell.protection = Protection(locked=False)
        if values[2] == EXECUTED:
            amount.add(cell_address(r, COLUMN["全年完成值"]))
        else:
            note.add(cell_address(r, COLUMN["说明"]))
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.protection.sheet = True  # no password: it keeps rows and labels from being changed by accident
    ws.protection.formatColumns = False  # widening a column is fine
    print_setup(ws, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    return save_stable(wb, out)


def read_collection(path: Path) -> list[CollectedRow]:
    """The filled rows of a collection sheet (.xlsx/.xls, any sheet with its headers) or a .csv."""
    table = _csv_rows(path) if path.suffix.lower() == ".csv" else _sheet_rows(path)
    if not table:
        raise XlToolsError(f"{path.name} 中没有找到采集表（需有 项目名称、指标名称、全年完成值 三列）")
    where_of, header, body = table
    cols = {normalise_text(v): i for i, v in enumerate(header) if v is not None}
    missing = [name for name in ("项目名称", "指标名称", "全年完成值") if name not in cols]
    if missing:
        raise XlToolsError(f"{path.name} 的采集表缺少「{'」「'.join(missing)}」列")

    def get(values: list[object], name: str) -> object:
        i = cols.get(name)
        return values[i] if i is not None and i < len(values) else None

    rows = []
    for index, values in body:
        project, indicator = get(values, "项目名称"), get(values, "指标名称")
        if project is None or indicator is None:
            continue  # a blank or note row
        code, sheet, cell = (_as_written(get(values, k)) for k in ("项目编码", "工作表", "单元格"))
        rows.append(CollectedRow(
            where=where_of(index), project=_as_written(project) or "", code=code, indicator=_as_written(indicator) or "",
            actual=get(values, "全年完成值"), explanation=get(values, "说明"), sheet=sheet, cell=cell))
    return rows


def _as_written(value: object) -> str | None:
    """Stripped, not normalised: a sheet name must match exactly (names are compared normalised later)."""
    text = str(value).strip() if value is not None else ""
    return text or None


def _sheet_rows(path: Path):
    book = read_book(path)
    for grid in book.sheets:
        for r in range(1, min(grid.max_row, 20) + 1):
            header = grid.row_values(r)
            labels = {normalise_text(v) for v in header if v is not None}
            if {"项目名称", "指标名称", "全年完成值"} <= labels:
                body = [(row, [FORMULA_WITHOUT_VALUE if grid.is_formula(row, c) and value is None else value
                               for c, value in enumerate(grid.row_values(row), start=1)])
                        for row in range(r + 1, grid.max_row + 1)]
                col = header.index(next(v for v in header if normalise_text(v) == "全年完成值")) + 1
                return (lambda row, g=grid.name, c=col: f"{g}!{cell_address(row, c)}"), header, body
    return None


def _csv_value(text: str) -> object:
    """A CSV cell as Excel would type it: a plain number becomes a number (the score formulas need one)."""
    text = text.strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d*\.\d+", text):
        return float(text)
    return text or None


def _csv_rows(path: Path):
    check_file_size(path, path.stat().st_size)  # read whole: bounded like a workbook
    text = windows_text(path.read_bytes())  # Excel saves CSV in the system code page on Chinese Windows
    if text is None:
        raise XlToolsError(f"{path.name} 的编码无法识别；请另存为 UTF-8 编码的 CSV")
    lines = list(csv.reader(io.StringIO(text)))
    for i, header in enumerate(lines[:20]):
        if {"项目名称", "指标名称", "全年完成值"} <= {normalise_text(v) for v in header}:
            body = [(n, [_csv_value(v) for v in line]) for n, line in enumerate(lines[i + 1:], start=i + 2)]
            return (lambda n: f"{path.name} 第 {n} 行"), header, body
    return None


@dataclass
class Filled:
    plan: FillPlan
    path: Path | None
    """The written workbook, None when there was nothing to write."""
    backup: Path | None = None
    """The workbook as it was, with --in-place when something was written."""


def fill_file(path: str | Path, source: str | Path, out: str | Path | None = None, *, overwrite: bool = False,
              in_place: bool = False, rule_set: str | Path | None = None) -> Filled:
    """Write the collected values into the input cells, then recompute; conflicts are listed, not written."""
    from .recompute import apply
    from .workbook.in_place import save_in_place
    from .workbook.package import CellWrite, Package

    path, source = Path(path), Path(source)
    if out and not in_place:
        checked_output(Path(out), [path], in_place_option=True)
    collected = read_collection(source)

    def write(pkg: Package, plan: FillPlan) -> None:
        changes = []
        for sheet in dict.fromkeys(w.sheet for w in plan.writes):
            changes += pkg.set_cells(sheet, {w.cell: CellWrite(w.value, label=w.label)
                                             for w in plan.writes if w.sheet == sheet})
        with tempfile.TemporaryDirectory(prefix="xl_tools_") as tmp:  # the scores follow the filled values
            filled = pkg.save(Path(tmp) / f"filled{path.suffix}")
            apply(pkg, evaluate_file(filled, rule_set), earlier=changes)

    def edit(pkg: Package) -> FillPlan:  # on what --in-place read, maybe read again after another's save
        plan = plan_fill(collected, evaluate_file(pkg.path, rule_set).forms, overwrite=overwrite)
        if plan.writes:
            write(pkg, plan)
        return plan

    if in_place:
        saved = save_in_place(path, edit)
        return Filled(saved.result, path if saved.result.writes else None, saved.backup)
    plan = plan_fill(collected, evaluate_file(path, rule_set).forms, overwrite=overwrite)
    if not plan.writes:
        return Filled(plan, None)
    suffix = package_suffix(path)
    target = content_checked(Path(out), [path], suffix, in_place_option=True) if out else derived(path, "已填报", suffix)
    pkg = Package.open(path)
    write(pkg, plan)
    pkg.save(target)
    return Filled(plan, target)
