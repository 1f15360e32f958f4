"""Project forms built from indicator rows, and settings, for the core's tests.

Forms are laid out like the budget-system export (seed 000), so a finding's
cell can be checked: project name B3, 自评总分 I3, funds row 7 (年初预算数 B,
全年预算数 C, 全年执行数 D), 执行率权重 F8, indicators from row 15 with
名称 A, 计量单位 B, 指标性质 C, 指标值 D, 全年完成值 E, 指标权重 H, 指标得分 I, 说明 K."""

from __future__ import annotations

from typing import Any

from xl_tools.core.model import FundsForm, FundsRow, IndicatorForm, ProjectForm, RawCell
from xl_tools.core.rules import Settings, resolve_settings
from xl_tools.rulesets import load_rule_set


FIRST_ROW = 15
COLUMNS = {"unit": "B", "op": "C", "target": "D", "actual": "E", "weight": "H",
           "claimed_score": "I", "explanation": "K"}


def make_form(rows: list[tuple[Any, ...]], *, budget: Any = 100, executed: Any = 100, budget_start: Any = None,
              exec_weight: Any = None, claimed_total: Any = None, year: int | None = 2023,
              money_unit: str = "万元", **form_kw: Any) -> ProjectForm:
    """A project table from (name, target, actual, weight[, extras]) rows.

    ``extras`` sets other cells of the row (unit, op, claimed_score, explanation)
    and IndicatorForm fields (level1, level2); a row with a level1 makes the
    table hierarchical unless ``has_levels`` is given.
    """
    indicators = []
    for i, row in enumerate(rows):
        name, target, actual, weight = row[:4]
        extras = dict(row[4]) if len(row) > 4 else {}
        r = FIRST_ROW + i
        values = {"target": target, "actual": actual, "weight": weight}
        values.update({k: extras.pop(k) for k in list(extras) if k in COLUMNS})
        cells = {k: RawCell(values.get(k), f"{col}{r}") for k, col in COLUMNS.items()}
        indicators.append(IndicatorForm(name=name, cell=f"A{r}", **cells, **extras))
    funds = FundsForm(money_unit=money_unit,
                      total=FundsRow("年度资金总额", RawCell(budget_start, "B7"), RawCell(budget, "C7"),
                                     RawCell(executed, "D7")),
                      exec_weight=RawCell(exec_weight, "F8"))
    form_kw.setdefault("has_levels", any(ind.level1 for ind in indicators))
    form_kw.setdefault("sheet", "项目")
    form_kw.setdefault("name", "测试项目")
    return ProjectForm(layout=form_kw.pop("layout", "export"), type=form_kw.pop("type", "project"),
                       name_cell="B3", year=year, funds=funds, claimed_total=RawCell(claimed_total, "I3"),
                       indicators=indicators, **form_kw)


def make_settings(rule_set: str = "default", overrides: dict[str, Any] | None = None) -> Settings:
    """A rule set's settings with single keys overridden, as a 参数 sheet would."""
    settings = resolve_settings(load_rule_set(rule_set), explicit=False)
    return settings.derive([{k: (v, "测试覆盖") for k, v in (overrides or {}).items()}])
