"""Results as the command line shows them: Chinese text tables and findings lists."""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .core.findings import LEVEL_LABEL, SECTION_NOTES, SECTIONS, Level, section
from .core.findings_report import Findings
from .core.model import FileResult
from .core.rounding import excel_round

if TYPE_CHECKING:
    from .jobs.rules import RuleSetInfo

TYPE_LABEL = {"project": "项目", "department": "部门整体"}
LAYOUT_LABEL = {"template": "本工具模板", "export": "一体化系统导出表", "table12": "表12", "table10": "表10"}


def _num(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{excel_round(x, digits):,.{digits}f}"


def _render(table: Any) -> str:
    from rich.console import Console

    buf = io.StringIO()
    Console(file=buf, width=200, color_system=None, legacy_windows=False).print(table)
    return buf.getvalue().rstrip()


def score_text(result: FileResult) -> str:
    from rich.table import Table

    table = Table()
    for head, justify in (("工作表", "left"), ("类型", "left"), ("名称", "left"), ("预算数(万元)", "right"),
                          ("执行数(万元)", "right"), ("执行率%", "right"), ("执行率得分", "right"),
                          ("指标得分", "right"), ("总分", "right"), ("填报总分", "right"), ("等级", "center")):
        table.add_column(head, justify=justify)
    for p in result.projects:
        table.add_row(p.sheet, TYPE_LABEL[p.type], p.name or "—", _num(p.budget), _num(p.executed),
                      _num(p.execution_rate), _num(p.execution_score), _num(p.indicator_score),
                      p.shown_total if p.unfilled else _num(p.total), _num(p.claimed_total), p.grade or "—")
    return f"计分 {result.file}（规则集 {result.rule_set}）\n" + _render(table)


def findings_text(findings: Findings, *, show_all: bool) -> str:
    c = findings.counts()
    lines = [f"校验 {findings.file}（规则集 {findings.rule_set}）：{findings.tally()}"]
    shown = [f for f in findings.ordered() if show_all or f.level is not Level.INFO]
    for part, items in itertools.groupby(shown, key=section):
        items = list(items)
        note = f"：{SECTION_NOTES[part]}" if SECTION_NOTES[part] else ""
        lines.append(f"== {SECTIONS[part]}（{len(items)} 条）{note}")
        for project, group in itertools.groupby(items, key=lambda f: f.project):
            lines.append(f"-- 项目「{project}」" if project else "-- 工作簿")
            for f in group:
                where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f.sheet or "")
                lines.append(f"[{LEVEL_LABEL[f.level]}] {f.code} {where} {f.message}")
    if c["info"] and not show_all:
        lines.append(f"（另有 {c['info']} 条提示，加 --all 查看）")
    if not c["error"]:
        lines.append("没有错误。" if not c["warning"] else "没有错误，请逐条核对警告。")
    return "\n".join(lines)


def rule_sets_text(rule_sets: Sequence[RuleSetInfo]) -> str:
    """``xl-tools rules list``: each built-in rule set's name and title, tab-separated."""
    return "\n".join(f"{rs.name}\t{rs.title}" for rs in rule_sets)


def rule_set_text(rule_set: RuleSetInfo) -> str:
    """``xl-tools rules show``: every setting by key, those the rule set sets itself marked with *."""
    lines = [f"规则集 {rule_set.name}（{rule_set.title}），校验码 {rule_set.digest}"]
    for key in sorted(rule_set.settings):
        setting = rule_set.settings[key]
        lines.append(f"{'*' if setting.declared else ' '} {key} = {setting.text}　# {setting.label}")
    lines.append("（* 表示本规则集自己设定的项，其余沿用 default）")
    return "\n".join(lines)
