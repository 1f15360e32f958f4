"""表11 and 表10 gathered from one workbook or many: each file's figures kept, cross-checked, or its skip noted."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .crosscheck import projects_beyond_department
from .findings import Finding, make
from .model import ProjectResult


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
