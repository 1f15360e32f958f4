"""Checks across tables: a 表11 found in the workbook against the project and 表10 tables."""

from __future__ import annotations

from .cells import marker, unusable
from .findings import Finding, make
from .matching import same_name
from .model import ProjectResult, RawCell, SummaryForm, SummaryRowForm
from .rounding import fmt_number as _fmt
from .values import parse_number

TOLERANCE = 0.005


def _number(raw: RawCell) -> tuple[float | None, str | None]:
    if raw.blank or marker(raw):
        return None, None
    res = parse_number(raw.value, number_format=raw.number_format)
    return res.number, res.problem


def matching_project(row: SummaryRowForm, projects: list[ProjectResult]) -> ProjectResult | None:
    """The project a 表11 row stands for: same 项目编码, else the same name (spacing and truncation aside)."""
    return next((p for p in projects if p.type == "project"
                 and ((row.code and p.code == row.code) or same_name(p.name, row.name))), None)


def check_summaries(summaries: list[SummaryForm], results: list[ProjectResult]) -> list[Finding]:
    findings: list[Finding] = []
    projects = [p for p in results if p.type == "project"]
    departments = [p for p in results if p.type == "department"]
    for table in summaries:
        scale = 1 / 10000 if table.money_unit == "元" else 1.0
        budget_sum = 0.0
        for row in table.rows:
            figures = {}
            for label, raw in (("预算数", row.budget), ("执行数", row.executed), ("自评得分", row.score)):
                field = f"汇总表「{row.name}」的{label}"
                bad_cell = unusable(raw, field)
                if bad_cell is not None:
                    findings.append(make(bad_cell[0], sheet=table.sheet, cell=raw.cell, project=row.name,
                                         **bad_cell[1]))
                    figures[label] = None
                    continue
                value, problem = _number(raw)
                if problem:
                    findings.append(make("CLAIMED_NOT_NUMBER" if label == "自评得分" else "VALUE_UNREADABLE",
                                         sheet=table.sheet, cell=raw.cell, project=row.name,
                                         field=field, text=str(raw.value), problem=problem))
                figures[label] = value
            if figures["预算数"] is not None:
                budget_sum += figures["预算数"] * scale
            match = matching_project(row, projects)
            if match is None:
                continue
            for label, mine, unit_scale in (("预算数", match.budget, scale), ("执行数", match.executed, scale),
                                            ("自评得分", match.claimed_total if match.claimed_total is not None
                                             else match.total, 1.0)):
                theirs = figures[label]
                if theirs is None or mine is None:
                    continue
                if abs(theirs * unit_scale - mine) > TOLERANCE:
                    findings.append(make("SUMMARY_MISMATCH", sheet=table.sheet, cell=row.cell, project=row.name,
                                         what=f"「{row.name}」的{label}", summary=_fmt(theirs * unit_scale),
                                         other_label=f"工作表「{match.sheet}」", other=_fmt(mine)))
        for dept in departments:
            if table.rows and (found := projects_beyond_department(budget_sum, dept, table.sheet,
                                                                   table.rows[0].cell)):
                findings.append(found)
    return findings


def projects_beyond_department(budget_sum: float, dept: ProjectResult, sheet: str | None,
                               cell: str | None) -> Finding | None:
    """A unit's budget also covers 基本支出, so only projects adding up to more than it disagree."""
    if dept.budget is None or budget_sum - dept.budget <= TOLERANCE:
        return None
    return make("SUMMARY_MISMATCH", sheet=sheet, cell=cell, what="各项目预算数合计（万元）超过部门整体预算数",
                summary=_fmt(budget_sum), other_label=f"部门整体表「{dept.sheet}」的全年预算数", other=_fmt(dept.budget))
