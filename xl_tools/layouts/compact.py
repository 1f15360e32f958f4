"""Compact forms (seed 003): 表12 项目支出绩效目标自评表 and 表10 部门整体绩效自评表.

Amounts sit under their header (表10) or after a 总量 label inside the
header's merged columns (表12: "总量 | 52万元"); 表12 has no separate
execution weight and its 合计 row carries the claimed total.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.model import FundsForm, FundsRow, ProjectForm, RawCell
from ..reading.grid import Grid, cell_address
from .stacking import spans, starts_inside, tables
from .labels import as_written, find_cells, is_blank, money_unit_in, norm_label, raw, value_after_label, year_in
from .tables import locate_indicator_table, read_indicators
from .vocabulary import words

TABLE12 = "table12"
TABLE10 = "table10"
REQUIRED = ("name", "weight", "target", "actual")


def _looks_like_amount(value: object) -> bool:
    if isinstance(value, str):
        return any(ch.isdigit() for ch in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _amount_under(grid: Grid, header: tuple[int, int], rows: range) -> tuple[RawCell, list[FundsRow]]:
    """The total under one funds header and its 其中 parts."""
    hr, hc = header
    merge = grid.merge_of(hr, hc)
    last_col = merge.max_col if merge else hc
    total = RawCell(None)
    parts: list[FundsRow] = []
    total_labels, part_labels = words().labels("funds_rows", "total"), words().labels("funds_rows", "parts")
    for r in range(hr + 1, min(hr + 4, rows.stop)):
        label = norm_label(grid.value(r, hc))
        if label in total_labels or label in part_labels:
            value = next((raw(grid, r, c) for c in range(hc + 1, last_col + 1)
                          if not is_blank(grid.value(r, c))), RawCell(None, cell_address(r, hc + 1)))
            if label in total_labels:
                total = value
            else:
                parts.append(FundsRow(label=label, budget=value))
        elif total.blank and _looks_like_amount(grid.value(r, hc)):
            total = raw(grid, r, hc)
    return total, parts


def _funds(grid: Grid, rows: range) -> FundsForm:
    funds = FundsForm()
    columns = words().columns("funds_columns")
    budget_cells = find_cells(grid, columns["budget"], rows)
    executed_cells = find_cells(grid, columns["executed"], rows)
    if not budget_cells:
        return funds
    budget, budget_parts = _amount_under(grid, budget_cells[0], rows)
    executed, executed_parts = (_amount_under(grid, executed_cells[0], rows) if executed_cells
                                else (RawCell(None), []))
    funds.total = FundsRow(label="总量", budget=budget, executed=executed)
    for i, part in enumerate(budget_parts):
        spent = executed_parts[i].budget if i < len(executed_parts) else RawCell(None)
        funds.parts.append(FundsRow(label=part.label, budget=part.budget, executed=spent))
    unit = money_unit_in(grid, rows)
    funds.money_unit, funds.money_unit_source = unit or ("万元", "表格式默认")
    return funds


def read(grid: Grid, taken: Sequence[ProjectForm] = ()) -> list[ProjectForm]:
    forms = []
    for table in tables(grid, words().labels("anchors", "compact_project"), REQUIRED, taken):
        if "op" in table.cols or "level1" in table.cols:  # export / hierarchical forms
            continue
        form = table.new_form(TABLE12, funds=_funds(grid, range(table.anchor_row, table.header_row)))
        if table.row_total is not None:
            form.claimed_total = table.row_total
            form.out_cells["total"] = table.row_total.cell
        forms.append(form)
    return forms


def read_department(grid: Grid, taken: Sequence[ProjectForm] = ()) -> list[ProjectForm]:
    """表10: the unit as a whole; its indicator table is optional."""
    forms = []
    # a 表12 stacked under the 表10 ends it, so the spans are cut at either kind of table
    department = words().labels("anchors", "department")
    for anchor_row, anchor_col, rows in spans(grid, department + words().labels("anchors", "compact_project")):
        if starts_inside(rows, taken) or not find_cells(grid, department, range(anchor_row, anchor_row + 1)):
            continue
        head = range(anchor_row, rows.stop)
        funds = _funds(grid, head)
        if funds.total is None:
            continue
        name = value_after_label(grid, anchor_row, anchor_col)
        form = ProjectForm(sheet=grid.name, layout=TABLE10, type="department",
                           name=as_written(name.value) or None,
                           name_cell=name.cell or cell_address(anchor_row, anchor_col),
                           year=year_in(grid, range(max(1, rows.start - 3), rows.stop)), first_row=rows.start,
                           last_row=rows.stop - 1, funds=funds)
        score_cells = find_cells(grid, words().labels("labels", "claimed_total"), range(anchor_row, anchor_row + 1))
        if score_cells:
            form.claimed_total = value_after_label(grid, *score_cells[0])
        table = locate_indicator_table(grid, rows, REQUIRED)
        if table is None:
            form.has_indicator_table = False
        else:
            form.indicators, claimed, form.last_row = read_indicators(grid, table[0], table[1], rows.stop - 1)
            if claimed is not None and form.claimed_total.blank:
                form.claimed_total = claimed
        forms.append(form)
    return forms
