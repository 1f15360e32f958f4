"""Hierarchical form (Hunan, Anhui, Jiangxi…): 项目资金 block in 万元, 一级 | 二级 | 三级指标 table, 总分 row.

There is no 计量单位 or 指标性质 column: operators and units are written inside
the values ("≥95%", "23.45万人") and points are text ("10分").  一级 and 二级 cells
are merged over their rows and an 一级 label states its points ("产出指标（50分）");
the label is kept as the form has it so validation can check those points.
Several forms may be stacked in one sheet; each 项目名称 label starts one.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.model import ProjectForm
from ..reading.grid import Grid
from .labels import money_unit_in
from .stacking import tables
from .tables import read_funds_block
from .vocabulary import words

LAYOUT = "hierarchical"
REQUIRED = ("level1", "level2", "name", "target", "actual")
"""No 分值 column is required: some provinces' forms have none (then the table is read and reported UNSCORABLE)."""


def read(grid: Grid, taken: Sequence[ProjectForm] = ()) -> list[ProjectForm]:
    forms = []
    for table in tables(grid, words().labels("anchors", "project"), REQUIRED, taken):
        head_rows = table.head_rows
        form = table.new_form(LAYOUT)
        if "部门整体" in table.title:
            form.type = "department"
        funds_found = read_funds_block(grid, head_rows)
        if funds_found:
            form.funds = funds_found[0]
            form.funds.money_unit, form.funds.money_unit_source = (
                money_unit_in(grid, head_rows) or ("万元", "表格式默认（分级指标表以万元填列）"))
            for key in ("exec_rate", "exec_score"):
                if getattr(form.funds, key).cell:
                    form.out_cells[key] = getattr(form.funds, key).cell
        if table.row_total is not None:  # the 总分 row's 得分 cell: the claim, and where the total goes
            form.claimed_total = table.row_total
            form.out_cells["total"] = table.row_total.cell
        forms.append(form)
    return forms
