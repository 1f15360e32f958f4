"""Budget-system export (seed 000): header labels, a 资金情况 block in 元, an 11-column table.

Several tables may be stacked in one sheet (the system exports all of a
unit's tables that way), so each 项目名称 label starts a table of its own.
"""

from __future__ import annotations

from ..core.model import ProjectForm
from ..core.values import normalise_text
from ..reading.grid import Grid, cell_address
from .labels import as_written, find_cells, is_blank, money_unit_in, value_after_label, year_in
from .tables import locate_indicator_table, read_funds_block, read_indicators

LAYOUT = "export"
NAME_LIMIT_BYTES = 20  # the export cuts 二级项目 indicator names at 20 GBK bytes (seed 000)
REQUIRED = ("name", "op", "target", "actual", "weight")


def _filled_cells(grid: Grid, row: int) -> int:
    """Non-empty cells of a row, a merged range counted once."""
    return sum(1 for c in range(1, grid.max_col + 1) if not is_blank(grid.own_value(row, c)))


def table_starts(grid: Grid, anchors: tuple[str, ...]) -> list[tuple[int, int, int]]:
    """(anchor row, anchor col, first row of the table incl. its title) for each anchor label.

    The title block (title, status line, "(2021年度)") is the few short rows
    above the anchor; a row with three or more cells is the previous table's
    last row, where the title block stops.
    """
    cells = sorted(find_cells(grid, anchors))
    starts = []
    prev_end = 0
    for r, c in cells:
        first = r
        for above in range(r - 1, max(prev_end, r - 4), -1):
            filled = _filled_cells(grid, above)
            if filled >= 3:
                break
            if filled:
                first = above
        starts.append((r, c, first))
        prev_end = r
    return starts


def spans(grid: Grid, anchors: tuple[str, ...]) -> list[tuple[int, int, range]]:
    """Anchor cell and the rows each stacked table covers."""
    starts = table_starts(grid, anchors)
    out = []
    for i, (r, c, first) in enumerate(starts):
        end = starts[i + 1][2] - 1 if i + 1 < len(starts) else grid.max_row
        out.append((r, c, range(first, end + 1)))
    return out


def read(grid: Grid) -> list[ProjectForm]:
    forms = []
    for anchor_row, anchor_col, rows in spans(grid, ("项目名称",)):
        table = locate_indicator_table(grid, rows, REQUIRED)
        if table is None:
            continue
        header_row, cols = table
        name = value_after_label(grid, anchor_row, anchor_col)
        head_rows = range(rows.start, header_row)
        code_cells = find_cells(grid, ("项目编码",), head_rows)
        total_cells = find_cells(grid, ("自评总分", "自评得分"), head_rows)
        title = " ".join(normalise_text(grid.value(r, c)) for r, c, v in grid.iter_nonempty()
                         if r in range(rows.start, anchor_row) and isinstance(v, str))
        name_text = as_written(name.value) or None
        is_dept = "部门整体" in title or (name_text or "").endswith("整体")
        funds_found = read_funds_block(grid, head_rows)
        form = ProjectForm(
            sheet=grid.name, layout=LAYOUT, type="department" if is_dept else "project",
            name=name_text, name_cell=name.cell or cell_address(anchor_row, anchor_col),
            code=normalise_text(value_after_label(grid, *code_cells[0]).value) or None if code_cells else None,
            year=year_in(grid, rows),
            first_row=rows.start, has_levels="level1" in cols, name_limit_bytes=NAME_LIMIT_BYTES,
        )
        if funds_found:
            form.funds = funds_found[0]
            unit = money_unit_in(grid, head_rows)
            form.funds.money_unit, form.funds.money_unit_source = unit or ("元", "一体化系统导出表以元为单位")
        form.indicators, row_total, form.last_row = read_indicators(grid, header_row, cols, rows.stop - 1)
        if total_cells:
            form.claimed_total = value_after_label(grid, *total_cells[0])
        elif row_total is not None:  # no 自评总分 label: the 总分/合计 row states the claim
            form.claimed_total = row_total
        if form.claimed_total.cell and form.claimed_total.cell not in {cell_address(r, c) for r, c in total_cells}:
            form.out_cells["total"] = form.claimed_total.cell  # never over a "自评总分：100" label cell
        if form.funds.exec_rate.cell:
            form.out_cells["exec_rate"] = form.funds.exec_rate.cell
        if form.funds.exec_score.cell:
            form.out_cells["exec_score"] = form.funds.exec_score.cell
        forms.append(form)
    return forms
