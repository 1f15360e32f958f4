"""Typing into a written workbook the way Excel stores typed input, then holding LibreOffice's recalculation
of every formula against `xl-tools score` on the same file (issue 16).

How Excel stores what a person types (and what is written here with openpyxl, cell by cell):
  "96%" into a General cell -> the number 0.96 with a percent format;  "96" into a % cell -> the same;
  "96" into a text (@) column -> the text "96";  96 into a General cell -> 96;  a cleared cell -> empty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from xl_tools.core.model import RawCell
from xl_tools.core.scored import Table

RECHECK = "请重新计算"
TOLERANCE = 0.006  # scores are rounded to 2 decimals by both


@dataclass(frozen=True)
class Typed:
    sheet: str
    cell: str
    value: Any
    number_format: str | None = None


@dataclass
class Variant:
    """One way of typing, applied to every table of a workbook; ``rechecked`` are the (sheet, 得分 cell) rows
    that must then show 请重新计算 (a text only Python reads)."""

    name: str
    typed: list[Typed] = field(default_factory=list)
    rechecked: set[tuple[str, str]] = field(default_factory=set)


def _first_quantitative(table: Table) -> tuple[Any, Any] | None:
    for ind, result in zip(table.form.indicators, table.result.indicators):
        if (result.kind == "quantitative" and result.target is not None and ind.actual.cell
                and ind.out_cells.get("score") and result.score is not None):
            return ind, result
    return None


def _number(raw: RawCell) -> bool:
    return isinstance(raw.value, (int, float)) and not isinstance(raw.value, bool)


def variants(tables: Iterable[Table]) -> list[Variant]:
    """The typing matrix for the tables of one workbook: the first quantitative indicator of each table done
    90 % of its target, typed each way Excel stores it; its 完成值 cleared; typed as a text with a unit; the
    funds' 全年执行数 cells at 80 % and cleared; the 全年预算数 cells at 125 %; its 分值 one point more."""
    out = {name: Variant(name) for name in ("percent", "text", "plain", "blank", "unit_text", "executed",
                                            "executed_blank", "budget", "weight")}
    for table in tables:
        found = _first_quantitative(table)
        sheet = table.form.sheet
        if found is not None:
            ind, result = found
            done = round(result.target * 0.9, 2)
            cell = ind.actual.cell
            unit = ind.unit.value if isinstance(ind.unit.value, str) else ""
            if "%" in unit or "%" in str(ind.target.value) or "％" in str(ind.target.value):
                out["percent"].typed.append(Typed(sheet, cell, done / 100, "0.00%"))
            written = f"{done:.2f}".rstrip("0").rstrip(".")  # as a person writes it: 5400000, 85.5
            out["text"].typed.append(Typed(sheet, cell, written, "@"))
            out["plain"].typed.append(Typed(sheet, cell, done))
            out["blank"].typed.append(Typed(sheet, cell, None))
            out["unit_text"].typed.append(Typed(sheet, cell, f"约{written}{unit or '个'}"))
            out["unit_text"].rechecked.add((sheet, ind.out_cells["score"]))
            if _number(ind.weight):
                out["weight"].typed.append(Typed(sheet, ind.weight.cell, ind.weight.value + 1))
        funds = table.form.funds
        rows = ([funds.total] if funds.total else []) + funds.parts
        for row in rows:
            if row.executed.cell and _number(row.executed):
                out["executed"].typed.append(Typed(sheet, row.executed.cell, round(row.executed.value * 0.8, 2)))
                out["executed_blank"].typed.append(Typed(sheet, row.executed.cell, None))
            if row.budget.cell and _number(row.budget):
                out["budget"].typed.append(Typed(sheet, row.budget.cell, round(row.budget.value * 1.25, 2)))
    return [v for v in out.values() if v.typed]


def type_into(source: Path, out: Path, typed: Iterable[Typed]) -> Path:
    wb = openpyxl.load_workbook(source)
    for t in typed:
        cell = wb[t.sheet][t.cell]
        cell.value = t.value
        if t.number_format is not None:
            cell.number_format = t.number_format
        elif isinstance(t.value, str):
            cell.data_type = "s"  # as typed: never read back as a formula
    wb.save(out)
    return out


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) < TOLERANCE
    return (a in (None, "") and b in (None, "")) or a == b


def disagreements(recalculated: Path, tables: list[Table], rechecked: set[tuple[str, str]]) -> list[str]:
    """Every 得分, 执行率得分, 执行率, 总分 and 等级 LibreOffice computed that is not what the engine says for the
    same file (``tables``: `xl-tools score` of ``recalculated``); a re-checked row must say 请重新计算, and its
    table's 总分 too, the 等级 then blank."""
    wb = openpyxl.load_workbook(recalculated, data_only=True)
    found = []
    for table in tables:
        form, result = table.form, table.result
        ws = wb[form.sheet]
        recheck = any((form.sheet, i.out_cells.get("score")) in rechecked for i in form.indicators)

        def expect(ref: str | None, value: Any, what: str, transform: Callable[[Any], Any] = lambda v: v) -> None:
            if ref is None:
                return
            got = transform(ws[ref].value)
            if not _close(got, value):
                found.append(f"{form.sheet}!{ref} {what}: LibreOffice {got!r}, engine {value!r}")

        for ind, r in zip(form.indicators, result.indicators):
            ref = ind.out_cells.get("score")
            if ref and (r.score is not None or ind.actual.blank):  # no 完成值: no score (blank)
                expect(ref, RECHECK if (form.sheet, ref) in rechecked else r.score, f"「{ind.name}」得分")
        cells = form.out_cells
        percent = "%" in (ws[cells["exec_rate"]].number_format or "") if cells.get("exec_rate") else False
        if result.execution_rate is not None:
            expect(cells.get("exec_rate"), result.execution_rate, "执行率",
                   lambda v: v * 100 if percent and isinstance(v, (int, float)) else v)
        if result.execution_score is not None:
            expect(cells.get("exec_score"), result.execution_score, "执行率得分")
        if result.shown_total is not None:  # 未填完 while an indicator waits for its 完成值
            expect(cells.get("total"), RECHECK if recheck else result.shown_total, "总分")
        if result.grade is not None:
            expect(cells.get("grade"), None if recheck else result.grade, "等级")
        found += [f"{form.sheet}!{c.coordinate} shows {c.value!r}" for row in ws.iter_rows() for c in row
                  if _absurd(c)]
    return found


def _absurd(cell: Any) -> bool:
    """An error value, or a percentage no form shows (over 1000 %)."""
    value = cell.value
    if isinstance(value, str):
        return value.startswith(("#DIV/0", "#VALUE", "#REF", "#NAME", "#N/A", "#NUM", "Err:"))
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (cell.number_format or "")
            and abs(value) > 10)
