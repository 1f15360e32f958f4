"""表11 and 表10 gathered from one workbook or many: each file's figures kept, cross-checked, or its skip noted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from .crosscheck import projects_beyond_department
from .findings import Finding, make
from .matching import name_key
from .model import ProjectResult
from .rounding import fmt_number

DUPLICATES_NAMED = 5
"""Files a duplicate's message names: a project sent by hundreds of units must not make each message list all."""
MAX_TOTAL = 100.0


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
    years: dict[str, int] = field(default_factory=dict)
    """The evaluation year of each file that states one."""

    @property
    def year(self) -> int | None:
        """The year 表11 is titled with: the one most files state (the first of equals)."""
        counts = Counter(self.years.values())
        return max(counts, key=counts.__getitem__) if counts else None

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
        if year is not None:
            self.years[file] = year
        self.departments += departments
        self.findings += beyond
        return beyond

    def skip(self, file: str, reason: str) -> Finding:
        """A workbook that could not be read: listed in 校验结果, the others are still summarised."""
        finding = make("FILE_SKIPPED", sheet=file, reason=reason)
        self.findings.append(finding)
        return finding

    def across_files(self) -> list[Finding]:
        """What only the files together show, added to the findings: the same project sent twice (counted twice
        in 合计), files of other years under one title, totals a 100-point form cannot have."""
        found = self._duplicates() + self._other_years() + self._totals_above_max()
        self.findings += found
        return found

    def _duplicates(self) -> list[Finding]:
        """The same project (same 项目编码, else same name) in two or more files."""
        seen: dict[str, list[tuple[str, str, ProjectResult]]] = {}
        for file, project in zip(self.files, self.projects):
            if key := _project_key(project):
                seen.setdefault(key[1], []).append((file, key[0], project))
        rows = []
        for found in seen.values():
            files = list(dict.fromkeys(file for file, _, _ in found))
            if len(files) < 2:
                continue
            named = "、".join(files[:DUPLICATES_NAMED]) + (f" 等 {len(files)} 个文件" if len(files) > DUPLICATES_NAMED
                                                          else "")
            rows += [make("DUPLICATE_PROJECT", sheet=project.sheet, project=project.name, name=project.name,
                          key=how, files=named).in_file(file) for file, how, project in found]
        return rows

    def _other_years(self) -> list[Finding]:
        year = self.year
        first_sheet = {file: p.sheet for file, p in reversed(list(zip(self.files, self.projects)))}
        return [make("YEARS_DIFFER", sheet=first_sheet.get(file, file), own=own, year=year).in_file(file)
                for file, own in self.years.items() if own != year]

    def _totals_above_max(self) -> list[Finding]:
        return [make("TOTAL_ABOVE_100", sheet=p.sheet, project=p.name, name=p.name, total=fmt_number(p.total)).in_file(file)
                for file, p in zip(self.files, self.projects) if p.total is not None and p.total > MAX_TOTAL + 0.005]


def _project_key(project: ProjectResult) -> tuple[str, str] | None:
    if project.code and project.code.strip():
        return f"项目编码 {project.code.strip()}", project.code.strip()
    name = name_key(project.name)
    return ("同名", name) if name else None
