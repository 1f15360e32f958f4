"""Results as the command line shows them: Chinese text tables and findings lists."""

from __future__ import annotations

import io
import itertools
import shutil
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
    Console(file=buf, width=terminal_width(), color_system=None, legacy_windows=False).print(table)
    return buf.getvalue().rstrip()


WIDE = 110
"""Columns below which the score table leaves out 工作表 and 类型 (a Windows console has 120)."""


def terminal_width() -> int:
    """The terminal's columns (COLUMNS when set, as for a pipe); 120, a Windows console's width, when unknown."""
    return shutil.get_terminal_size(fallback=(120, 24)).columns


def score_text(result: FileResult) -> str:
    from rich import box
    from rich.table import Table

    narrow = terminal_width() < WIDE  # a narrow terminal: the name alone beside the numbers, fewer rules
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False) if narrow else Table(box=box.HEAVY_HEAD)
    for head in ("名称",) if narrow else ("工作表", "类型", "名称"):  # wrapped in the width the numbers leave
        table.add_column(head, overflow="fold", min_width=4)
    for head in ("预算数\n(万元)", "执行数\n(万元)", "执行率\n%", "执行率\n得分", "指标\n得分", "总分", "填报\n总分"):
        table.add_column(head, justify="right", no_wrap=True)  # a number never breaks across lines
    table.add_column("等级", justify="center", no_wrap=True)
    for p in result.projects:
        name = p.name or "—"
        shown = [name if p.type == "project" else f"{name}（{TYPE_LABEL[p.type]}）"] if narrow else \
            [p.sheet, TYPE_LABEL[p.type], name]
        table.add_row(*shown, _num(p.budget), _num(p.executed), _num(p.execution_rate), _num(p.execution_score),
                      _num(p.indicator_score), p.shown_total if p.unfilled else _num(p.total), _num(p.claimed_total),
                      p.grade or "—")
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
