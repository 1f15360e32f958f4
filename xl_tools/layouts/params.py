"""Settings a workbook carries in its 参数 sheet (column D overrides the rule set's column C)."""

from __future__ import annotations

from typing import Any

from ..core import rules
from ..core.findings import Finding, make
from ..errors import RuleSetError
from ..reading.grid import Grid, cell_address
from .labels import find_cells, is_blank, norm_label

PARAMS_SHEET = "参数"
RULE_SET_KEY = "rule_set"
MAIL_PREFIX = "email."
"""参数 rows "email.to", "email.cc", "email.sender_name": where this workbook is sent (``xl-tools email``)."""


def read(grid: Grid) -> tuple[dict[str, tuple[Any, str]], str | None, list[Finding]]:
    """Overrides found in a 参数 sheet, the rule set it names, and a finding for each malformed value."""
    header = find_cells(grid, ("本工作簿取值",))
    if grid.name != PARAMS_SHEET and not header:
        return {}, None, []
    value_col = header[0][1] if header else 4
    first_row = header[0][0] + 1 if header else 1
    known = set(rules.LABELS)
    overrides: dict[str, tuple[Any, str]] = {}
    findings: list[Finding] = []
    rule_set: str | None = None
    for r in range(first_row, grid.max_row + 1):
        key = norm_label(grid.value(r, 1))
        if key == RULE_SET_KEY:
            col = value_col if not is_blank(grid.value(r, value_col)) else value_col - 1
            named = grid.value(r, col)
            rule_set = str(named).strip() if not is_blank(named) else None
            problem = _rule_set_problem(rule_set)
            if problem:
                findings.append(make("VALUE_UNREADABLE", sheet=grid.name, cell=cell_address(r, col),
                                     field=f"参数「{RULE_SET_KEY}」", text=rule_set, problem=problem))
                rule_set = None
            continue
        if key not in known:
            continue
        raw = grid.value(r, value_col)
        if is_blank(raw):
            continue
        where = f"{grid.name}!{cell_address(r, value_col)}"
        try:
            overrides[key] = (rules.setting_from_text(key, raw, f"参数表 {where}"), f"参数表 {where}")
        except RuleSetError as exc:
            findings.append(make("VALUE_UNREADABLE", sheet=grid.name, cell=cell_address(r, value_col),
                                 field=f"参数「{key}」", text=str(raw), problem=str(exc)))
    return overrides, rule_set, findings


def _rule_set_problem(name: str | None) -> str | None:
    """Why the rule set a 参数 sheet names cannot be used (it is then left aside), None if it can."""
    if name is None:
        return None
    try:
        rules.load_rule_set(name)
    except RuleSetError as exc:
        return f"{exc}；未使用该规则集"
    return None


def is_params_sheet(grid: Grid) -> bool:
    return grid.name == PARAMS_SHEET or bool(find_cells(grid, ("本工作簿取值",)))


def mail_settings(grid: Grid) -> dict[str, Any]:
    """The workbook's own mail settings from its 参数 sheet (column D, else C), keyed without the prefix."""
    header = find_cells(grid, ("本工作簿取值",))
    value_col = header[0][1] if header else 4
    found: dict[str, Any] = {}
    for r in range(1, grid.max_row + 1):
        key = grid.value(r, 1)
        if not isinstance(key, str) or not key.strip().startswith(MAIL_PREFIX):
            continue
        value = grid.value(r, value_col)
        value = value if not is_blank(value) else grid.value(r, value_col - 1)
        if not is_blank(value):
            found[key.strip()[len(MAIL_PREFIX):]] = value
    return found
