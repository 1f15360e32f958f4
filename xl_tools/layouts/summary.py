"""表11 项目绩效自评结果汇总表 found in a workbook, read to check it against the tables."""

from __future__ import annotations

from ..core.model import SummaryForm, SummaryRowForm
from ..core.values import normalise_text
from ..reading.grid import Grid, cell_address
from .labels import find_header_row, is_blank, money_unit_in, norm_label, raw
from .vocabulary import words

def read(grid: Grid) -> list[SummaryForm]:
    found = find_header_row(grid, ("name", "budget", "executed", "score"), words().columns("summary_columns"),
                            range(1, min(grid.max_row, 30) + 1))
    if found is None:
        return []
    header, cols = found
    rows: list[SummaryRowForm] = []
    totals = words().labels("indicator_rows", "total")
    for r in range(header + 1, grid.max_row + 1):
        name = grid.value(r, cols["name"])
        if is_blank(name):
            continue
        if norm_label(name) in totals or any(norm_label(grid.value(r, c)) in totals for c in range(1, cols["name"])):
            continue
        code = grid.value(r, cols["code"]) if "code" in cols else None
        rows.append(SummaryRowForm(
            name=normalise_text(name), cell=cell_address(r, cols["name"]),
            budget=raw(grid, r, cols["budget"]), executed=raw(grid, r, cols["executed"]),
            score=raw(grid, r, cols["score"]), code=normalise_text(code) or None))
    unit = money_unit_in(grid, range(1, header + 1))
    return [SummaryForm(sheet=grid.name, rows=rows, money_unit=unit[0] if unit else "万元")]
