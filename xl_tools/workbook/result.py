"""Write a result workbook: the input's own cells get the recomputed scores, plus 表11 and 校验结果.

The input is never written; the result goes to a new file next to it.
"""

from __future__ import annotations

from pathlib import Path

from ..core.model import FileResult, ProjectForm, ProjectResult
from ..reading.open import xlsx_for_writing
from .summary import add_findings_sheet, add_summary_sheet
from .save import save_stable


def default_output(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(f"{path.stem}_自评结果.xlsx")


def _put_number(ws, ref: str | None, value: float | None, *, percent: bool = False) -> None:
    """Write a score or rate, keeping the cell's own style; a rate follows the cell's format."""
    if not ref or value is None:
        return
    cell = ws[ref]
    if percent:
        value = value / 100 if "%" in (cell.number_format or "") else value
    cell.value = value


def _fill_project(ws, form: ProjectForm, result: ProjectResult) -> None:
    for ind_form, ind in zip(form.indicators, result.indicators):
        _put_number(ws, ind_form.out_cells.get("score"), ind.score)
        _put_number(ws, ind_form.out_cells.get("deviation"), ind.deviation)
        _put_number(ws, ind_form.out_cells.get("coefficient"), ind.coefficient)
    _put_number(ws, form.out_cells.get("exec_rate"), result.execution_rate, percent=True)
    _put_number(ws, form.out_cells.get("exec_score"), result.execution_score)
    _put_number(ws, form.out_cells.get("total"), result.total)
    if form.out_cells.get("grade") and result.grade:
        ws[form.out_cells["grade"]].value = result.grade


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
    for form, project in zip(forms, result.projects):
        if form.sheet in wb.sheetnames:
            _fill_project(wb[form.sheet], form, project)
    year = next((f.year for f in forms if f.year), None)
    # a 表11 the user made stays as it is; ours goes beside it
    title = "表11" if "表11" not in wb.sheetnames else "表11（计算）"
    add_summary_sheet(wb, result.projects, year=year, title=title)
    add_findings_sheet(wb, result.all_findings())
    return save_stable(wb, out)
