"""变更记录: which cells a run changed, old and new, under which rules; no date or time, so the same input and
rule set give the same sheet and a finance bureau can re-check a submission."""

from __future__ import annotations

from collections.abc import Sequence

from ..cell_write import CellValue
from .spec import Cell, Sheet

CHANGES_SHEET = "变更记录"
CHANGES_HEADERS = ["工作表", "单元格", "内容", "原值", "新值（公式的计算结果）", "原公式", "写入公式"]


def change_log_title(version: str, rule_set: str, rule_set_hash: str, count: int) -> str:
    """The first line of every 变更记录: who changed the cells, under which rules, how many."""
    return f"xl_tools {version}，规则集 {rule_set}（校验码 {rule_set_hash}），共改动 {count} 个单元格"


def changes_sheet(changes: Sequence[Sequence[CellValue]], *, version: str, rule_set: str, rule_set_hash: str,
                  title: str = CHANGES_SHEET) -> Sheet:
    """``changes``: one row per changed cell, in CHANGES_HEADERS order (an old formula as its text)."""
    rows = [[Cell(change_log_title(version, rule_set, rule_set_hash, len(changes)), style="plain")],
            [Cell(h, style="header") for h in CHANGES_HEADERS]]
    return Sheet(title, rows, widths={"A": 26, "B": 9, "C": 36, "D": 16, "E": 20, "F": 30, "G": 9}, freeze="A3",
                 print_titles="2:2", landscape=True, plain_rows=changes, hidden=True)
