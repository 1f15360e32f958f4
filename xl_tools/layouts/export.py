"""Budget-system export (seed 000): header labels, a 资金情况 block in 元, an 11-column table.

Several tables may be stacked in one sheet (the system exports all of a
unit's tables that way), so each 项目名称 label starts a table of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.model import ProjectForm
from ..core.values import normalise_text
from ..reading.grid import Grid, cell_address
from .labels import find_cells, money_unit_in, value_after_label
from .stacking import tables
from .tables import read_funds_block
from .vocabulary import words

LAYOUT = "export"
NAME_LIMIT_BYTES = 20  # the export cuts 二级项目 indicator names at 20 GBK bytes (seed 000)
REQUIRED = ("name", "op", "target", "actual", "weight")


def read(grid: Grid, taken: Sequence[ProjectForm] = ()) -> list[ProjectForm]:
    forms = []
    for table in tables(grid, words().labels("anchors", "project"), REQUIRED, taken):
        head_rows = table.head_rows
        form = table.new_form(LAYOUT, name_limit_bytes=NAME_LIMIT_BYTES)
        if "部门整体" in table.title or (form.name or "").endswith("整体"):
            form.type = "department"
        code_cells = find_cells(grid, words().labels("labels", "project_code"), head_rows)
        if code_cells:
            form.code = normalise_text(value_after_label(grid, *code_cells[0]).value) or None
        funds_found = read_funds_block(grid, head_rows)
        if funds_found:
            form.funds = funds_found[0]
            unit = money_unit_in(grid, head_rows)
            form.funds.money_unit, form.funds.money_unit_source = unit or ("元", "一体化系统导出表以元为单位")
        total_cells = find_cells(grid, words().labels("labels", "claimed_total"), head_rows)
        if total_cells:
            form.claimed_total = value_after_label(grid, *total_cells[0])
        elif table.row_total is not None:  # no 自评总分 label: the 总分/合计 row states the claim
            form.claimed_total = table.row_total
        if form.claimed_total.cell and form.claimed_total.cell not in {cell_address(r, c) for r, c in total_cells}:
            form.out_cells["total"] = form.claimed_total.cell  # never over a "自评总分：100" label cell
        for key in ("exec_rate", "exec_score"):
            if getattr(form.funds, key).cell:
                form.out_cells[key] = getattr(form.funds, key).cell
        forms.append(form)
    return forms
