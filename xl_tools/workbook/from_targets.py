"""A self-evaluation workbook made from a 绩效目标表: one template sheet per project, targets filled in.

完成值, 执行数 and the explanations stay empty for the year-end; the weights, units, 指标性质 and 指标值 are
copied as the targets give them (mistakes included: they are reported, not silently fixed).
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook

from ..core.findings import Finding
from ..core.safe_text import visible
from ..core.model import RawCell, TargetForm
from ..core.rules import RuleSet
from ..core.values import parse_number
from .save import save_stable
from ..core.sheets.findings import findings_sheet
from ..core.sheets.params import params_sheet
from ..core.sheets.summary import summary_sheet
from .sheet_writer import add_sheet
from .template import ProjectSpec, add_project_sheet

MAX_TITLE = 31
_FORBIDDEN = re.compile(r"[\[\]:*?/\\：？＊／＼［］]")
_RESERVED = {"history"}  # Excel keeps this name for itself


def sheet_titles(names: list[str]) -> list[str]:
    """Sheet names obeying Excel's rules (≤ 31 characters, none of : \\ / ? * [ ], not blank, no leading or
    trailing apostrophe, unique ignoring case, characters XML cannot carry shown as visible signs), as close to
    the project names as they allow."""
    titles: list[str] = []
    taken: set[str] = set()
    for i, name in enumerate(names, start=1):
        base = _FORBIDDEN.sub("", visible(name or "")).strip().strip("'") or f"项目{i}"
        if base.casefold() in _RESERVED:
            base = f"{base}项目"
        title, n = base[:MAX_TITLE], 1
        while title.casefold() in taken:
            n += 1
            suffix = f"（{n}）"
            title = base[:MAX_TITLE - len(suffix)] + suffix
        taken.add(title.casefold())
        titles.append(title)
    return titles


def _number(raw: RawCell) -> float | None:
    return parse_number(raw.value, number_format=raw.number_format).number if not raw.blank else None


def project_spec(target: TargetForm) -> ProjectSpec:
    budget = _number(target.budget)
    exec_weight = _number(target.exec_weight)
    return ProjectSpec(
        name=target.name or "", code=target.code or "", department=target.department or "",
        unit=target.unit or target.department or "", year=target.year or 2023,
        funds={"年度资金总额": (budget, budget, None), "其中：当年财政拨款": (budget, budget, None)},
        exec_weight=exec_weight, goal=target.goal or "",
        indicators=[{"level1": ind.level1, "level2": ind.level2, "name": ind.name, "unit": ind.unit.value,
                     "op": ind.op.value, "target": ind.target.value, "weight": ind.weight.value,
                     "core": ind.core} for ind in target.indicators])


def build_from_targets(targets: list[TargetForm], path: str | Path, *, rule_set: RuleSet,
                       findings: list[Finding]) -> Path:
    """The workbook: a sheet per project, 参数, an empty 表11 and the targets' findings in 校验结果."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, target in zip(sheet_titles([t.name or "" for t in targets]), targets):
        add_project_sheet(wb, title, project_spec(target))
    year = next((t.year for t in targets if t.year), None)
    add_sheet(wb, params_sheet(rule_set))
    add_sheet(wb, summary_sheet([], year=year))
    add_sheet(wb, findings_sheet(findings, sheets=()))  # the findings name the target table's cells, not these
    return save_stable(wb, path)
