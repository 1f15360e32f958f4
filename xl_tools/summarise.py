"""表11 (and 表10) gathered from one workbook or many, as a finance bureau collects them.

A file that cannot be read is listed in 校验结果 and the others are still summarised.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .core.crosscheck import projects_beyond_department
from .core.findings import Finding, make
from .core.model import ProjectResult
from .errors import XlToolsError, failure_reason
from .services import evaluate_file

DEPARTMENT_SHEET = "表10"
DEPARTMENT_HEADERS = ["单位（部门整体）", "全年预算数(万元)", "全年执行数(万元)", "执行率", "自评得分", "评价等级",
                      "各项目预算数合计(万元)", "来源文件", "来源工作表"]


def figures_only(project: ProjectResult) -> ProjectResult:
    """What 表11 and 表10 show of a project: its figures, not its indicators or findings, so gathering
    thousands of workbooks keeps little of each."""
    if not (project.findings or project.indicators or project.settings_overrides):
        return project  # already cut (a batch worker sent it so)
    return replace(project, findings=[], indicators=[], settings_overrides={})


@dataclass
class Gathered:
    projects: list[ProjectResult] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    """The file of each project, in the order of ``projects``."""
    departments: list[tuple[str, ProjectResult, float]] = field(default_factory=list)
    """(file, 部门整体 table, sum of that file's project budgets)."""
    findings: list[Finding] = field(default_factory=list)
    year: int | None = None

    def add(self, file: str, projects: list[ProjectResult], year: int | None = None) -> list[Finding]:
        """The tables of one already-evaluated workbook (``batch`` scores in worker processes, so it must not
        re-read); returns the cross-check findings it added.  All or nothing: if anything of the file fails,
        nothing of it is kept, and the caller lists the file as skipped."""
        found = [figures_only(p) for p in projects if p.type == "project"]
        budget_sum = sum(p.budget or 0 for p in found)
        departments = [(file, figures_only(p), budget_sum) for p in projects if p.type == "department"]
        beyond = [f for _, dept, _ in departments
                  if found and (f := projects_beyond_department(budget_sum, dept, dept.sheet, None))]
        self.projects += found
        self.files += [file] * len(found)
        self.year = self.year or year
        self.departments += departments
        self.findings += beyond
        return beyond

    def skip(self, file: str, reason: str) -> Finding:
        """A workbook that could not be read: listed in 校验结果, the others are still summarised."""
        finding = make("FILE_SKIPPED", sheet=file, reason=reason)
        self.findings.append(finding)
        return finding


def gather(paths: list[Path], rule_set: str | Path | None = None) -> Gathered:
    """Every file's tables; a file that fails in any way (unreadable, or a failure on its data) is listed as
    skipped, naming it and the reason, and the others are still gathered."""
    out = Gathered()
    for path in paths:
        try:
            evaluation = evaluate_file(path, rule_set)
            out.add(path.name, evaluation.result.projects, next((f.year for f in evaluation.forms if f.year), None))
        except Exception as exc:
            out.skip(path.name, failure_reason(exc))
    if not out.projects and not out.departments:
        raise XlToolsError("没有读到任何项目表；" + "；".join(f.message for f in out.findings))
    return out


def write_summary(gathered: Gathered, out: Path) -> Path:
    """表11 with a 来源文件 column and a chart, 表10 when any workbook has a 部门整体 table, and 校验结果."""
    from openpyxl import Workbook

    from .workbook.save import save_stable
    from .workbook.style import CENTER, LEFT, TITLE_FONT, print_setup, put, widths
    from .workbook.summary import add_findings_sheet, add_summary_sheet

    wb = Workbook()
    wb.remove(wb.active)
    add_summary_sheet(wb, gathered.projects, year=gathered.year, files=gathered.files)
    if gathered.departments:
        ws = wb.create_sheet(DEPARTMENT_SHEET)
        widths(ws, {"A": 36, "B": 16, "C": 16, "D": 10, "E": 10, "F": 9, "G": 20, "H": 30, "I": 16})
        ws.merge_cells("A1:I1")
        ws["A1"] = "部门整体绩效自评汇总"
        ws["A1"].font = TITLE_FONT
        for col, label in zip("ABCDEFGHI", DEPARTMENT_HEADERS):
            put(ws, f"{col}2", label, header=True)
        for r, (file, dept, budget_sum) in enumerate(gathered.departments, start=3):
            rate = dept.execution_rate / 100 if dept.execution_rate is not None else None
            values = [dept.name, dept.budget, dept.executed, rate, dept.total, dept.grade, budget_sum, file, dept.sheet]
            formats = [None, "#,##0.00", "#,##0.00", "0.00%", "0.00", None, "#,##0.00", None, None]
            for col, value, fmt in zip("ABCDEFGHI", values, formats):
                put(ws, f"{col}{r}", value, number_format=fmt, align=LEFT if col in "AHI" else CENTER)
        print_setup(ws, landscape=True, title_rows="2:2")
    add_findings_sheet(wb, gathered.findings, link_to=[])
    return save_stable(wb, out)
