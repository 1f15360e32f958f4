"""Which layout each sheet is in, tried in a fixed order; unknown sheets are reported, not guessed."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.findings import Finding, make
from ..core.model import ProjectForm, SummaryForm, TargetForm
from ..core.errors import failure_reason
from ..reading.grid import Grid, WorkbookGrid
from . import compact, export, hierarchical, params, summary, targets, template, vocabulary
from .diagnose import diagnose
from .labels import as_written, find_cells, value_after_label
from .sheet_checks import sheet_findings

ProjectReader = Callable[[Grid, Sequence[ProjectForm]], list[ProjectForm]]
"""A layout's reader: the tables of a sheet, but those starting inside the forms given (read already)."""
# tried in this order after the template (whose defined names make it unambiguous)
LABEL_READERS: list[ProjectReader] = [export.read, hierarchical.read, compact.read, compact.read_department]
TOOLKIT_SHEETS = {"校验结果": "级别", "变更记录": "单元格"}  # sheet the toolkit writes -> a header it has
_LEADING_CODE = re.compile(r"^\d+\s*[-－—_ ]\s*")


@dataclass
class Detected:
    forms: list[ProjectForm] = field(default_factory=list)
    summaries: list[SummaryForm] = field(default_factory=list)
    targets: list[TargetForm] = field(default_factory=list)
    """Projects of a 绩效目标表 (the start of the year's work, not a self-evaluation)."""
    params: dict[str, tuple[Any, str]] = field(default_factory=dict)
    rule_set: str | None = None
    """The rule set a 参数 sheet names."""
    findings: list[Finding] = field(default_factory=list)
    label_findings: int = 0
    """How many of the findings, at the front, are about the 参数 sheets' label rows (of the whole book)."""
    params_sheets: list[str] = field(default_factory=list)
    """The sheets read as 参数 sheets (whose label rows extend the vocabulary of every sheet)."""


def _is_toolkit_output(grid: Grid) -> bool:
    header = TOOLKIT_SHEETS.get(grid.name)
    return header is not None and bool(find_cells(grid, (header,), range(1, 3)))


def read_tables(grid: Grid) -> list[ProjectForm]:
    """Every table of a sheet, in sheet order: each reader may find some (a 表10 above a 表12);
    a table already read by an earlier reader is not read again by a later one."""
    forms = template.read(grid)  # the toolkit's template holds exactly one table per sheet
    for reader in LABEL_READERS if not forms else []:
        for form in reader(grid, forms):
            if not any(form.first_row <= f.last_row and f.first_row <= form.last_row for f in forms):
                forms.append(form)
    for form in forms:
        form.unit = form.unit or unit_in(grid, range(form.first_row, form.last_row + 1))
    return sorted(forms, key=lambda f: f.first_row)


def unit_in(grid: Grid, rows: range) -> str | None:
    """The unit a table names ("094-重庆市渝中区医疗保障局" reads as 重庆市渝中区医疗保障局)."""
    for label in vocabulary.words().labels("labels", "units"):  # in order of preference: who spent, else the department
        for r, c in find_cells(grid, (label,), rows):
            text = as_written(value_after_label(grid, r, c).value)
            if text:
                return _LEADING_CODE.sub("", text) or text
    return None


def detect(book: WorkbookGrid, own: Container[str] | None = None) -> Detected:
    """Every sheet read by the first layout that knows it; a sheet whose data breaks a reader is reported
    (SHEET_SKIPPED) and the others are still read.  Label rows of a 参数 sheet (``labels.*``) extend the
    vocabulary for this workbook first.  With ``own``, the tables, 表11 and findings of those sheets alone are
    reported (the settings of a 参数 sheet read along are still taken)."""
    mapping: dict[str, dict[str, list[str]]] = {}
    mapping_findings = []
    params_sheets = [g for g in book.sheets if params.is_params_sheet(g)]
    for grid in params_sheets:
        rows, problems = params.label_mapping(grid)
        for section, fields in rows.items():
            for field_name, labels in fields.items():
                mapping.setdefault(section, {}).setdefault(field_name, []).extend(labels)
        mapping_findings += problems
    with vocabulary.extended(mapping, "参数表") if mapping else contextlib.nullcontext():
        found = _detect(book, own)
    found.findings = mapping_findings + found.findings
    found.label_findings = len(mapping_findings)
    found.params_sheets = [g.name for g in params_sheets]
    return found


def _detect(book: WorkbookGrid, own: Container[str] | None) -> Detected:
    found = Detected()
    for grid in book.sheets:
        reported = own is None or grid.name in own
        try:
            sheet = _read_sheet(grid)
        except Exception as exc:
            if reported:
                found.findings.append(make("SHEET_SKIPPED", sheet=grid.name, reason=failure_reason(exc)))
            continue
        found.params.update(sheet.params)
        found.rule_set = found.rule_set or sheet.rule_set
        if not reported:
            continue
        found.forms += sheet.forms
        found.summaries += sheet.summaries
        found.targets += sheet.targets
        found.findings += sheet.findings
    return found


def _read_sheet(grid: Grid) -> Detected:
    found = Detected()
    if grid.is_empty():
        found.findings.append(make("SHEET_EMPTY", sheet=grid.name))
    elif params.is_params_sheet(grid):
        found.params, found.rule_set, found.findings = params.read(grid)
    elif _is_toolkit_output(grid):
        pass
    elif found_targets := targets.read(grid):
        found.targets = found_targets
    elif forms := read_tables(grid):
        found.forms = forms
        found.findings = sheet_findings(grid, forms)
    elif tables := summary.read(grid):
        found.summaries = tables
        found.findings = sheet_findings(grid, [])
    else:
        cell, detail = diagnose(grid)
        found.findings.append(make("SHEET_UNRECOGNISED", sheet=grid.name, cell=cell, detail=detail))
    return found
