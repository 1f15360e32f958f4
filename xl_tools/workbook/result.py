"""Write a result workbook: the input's own cells get the recomputed scores, plus 表11, 校验结果 and 变更记录.

The input is never written; the result goes to a new file next to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.model import FileResult, ProjectForm, ProjectResult
from ..reading.open import xlsx_for_writing
from .summary import add_changes_sheet, add_findings_sheet, add_summary_sheet
from .save import save_stable


def default_output(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(f"{path.stem}_自评结果.xlsx")


@dataclass(frozen=True)
class CellChange:
    sheet: str
    cell: str
    what: str
    old: object
    new: object


class _Writer:
    """Writes results into a sheet's own cells and remembers every cell whose content it changed."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.changes: list[CellChange] = []

    def put(self, ref: str | None, value: object, what: str, *, percent: bool = False) -> None:
        """Keep the cell's own style; a rate follows the cell's format (0.95 in a % cell, else 95)."""
        if not ref or value is None:
            return
        cell = self.ws[ref]
        if percent and isinstance(value, float):
            value = value / 100 if "%" in (cell.number_format or "") else value
        if cell.value != value:
            self.changes.append(CellChange(self.ws.title, ref, what, cell.value, value))
            cell.value = value


def _fill_project(ws, form: ProjectForm, result: ProjectResult) -> list[CellChange]:
    writer = _Writer(ws)
    for ind_form, ind in zip(form.indicators, result.indicators):
        for key, value, label in (("score", ind.score, "指标得分"), ("deviation", ind.deviation, "偏离度"),
                                  ("coefficient", ind.coefficient, "得分系数")):
            writer.put(ind_form.out_cells.get(key), value, f"「{ind.name}」{label}")
    writer.put(form.out_cells.get("exec_rate"), result.execution_rate, "执行率", percent=True)
    writer.put(form.out_cells.get("exec_score"), result.execution_score, "执行率得分")
    writer.put(form.out_cells.get("total"), result.total, "总分")
    writer.put(form.out_cells.get("grade"), result.grade, "评价等级")
    return writer.changes


def write_result(source: str | Path, forms: list[ProjectForm], result: FileResult, out: str | Path, *,
                 password: str | None = None) -> Path:
    """The input's cells as openpyxl keeps them (styles, sheet and workbook protection) plus the results.

    An .xls input goes through LibreOffice first; an encrypted one is decrypted in memory and the
    result is not encrypted (the command line says so).
    """
    import openpyxl

    source, out = Path(source), Path(out)
    wb = openpyxl.load_workbook(xlsx_for_writing(source, password=password),
                                keep_vba=source.suffix.lower() == ".xlsm")
    changes: list[CellChange] = []
    for form, project in zip(forms, result.projects):
        if form.sheet in wb.sheetnames:
            changes += _fill_project(wb[form.sheet], form, project)
    year = next((f.year for f in forms if f.year), None)
    # a 表11 the user made stays as it is; ours goes beside it
    title = "表11" if "表11" not in wb.sheetnames else "表11（计算）"
    add_summary_sheet(wb, result.projects, year=year, title=title)
    add_findings_sheet(wb, result.all_findings())
    add_changes_sheet(wb, changes, rule_set=result.rule_set, rule_set_hash=result.rule_set_hash)
    return save_stable(wb, out)
