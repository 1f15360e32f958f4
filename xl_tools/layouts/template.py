"""The toolkit's own template: fields found through sheet-scoped defined names.

Names make the template robust to rows a user inserts; where a name is
missing the sheet still reads through the labels (as an export-like form).
"""

from __future__ import annotations

from ..core.model import ProjectForm
from ..core.values import normalise_text
from ..reading.grid import Grid, cell_address
from .labels import as_written, header_map, money_unit_in, raw, year_in
from .tables import read_funds_block, read_indicators
from .vocabulary import words

LAYOUT = "template"
TITLE = "XL_TITLE"
YEAR = "XL_YEAR"
NAME = "XL_NAME"
CODE = "XL_CODE"
DEPT = "XL_DEPT"
UNIT = "XL_UNIT"
FUNDS = "XL_FUNDS"
EXEC_WEIGHT = "XL_EXEC_WEIGHT"
EXEC_RATE = "XL_EXEC_RATE"
EXEC_SCORE = "XL_EXEC_SCORE"
INDICATORS = "XL_INDICATORS"
TOTAL = "XL_TOTAL"
GRADE = "XL_GRADE"
REQUIRED_NAMES = (TITLE, NAME, FUNDS, INDICATORS, TOTAL)


def read(grid: Grid) -> list[ProjectForm]:
    names = grid.names
    if not all(n in names for n in REQUIRED_NAMES):
        return []

    def at(name: str):
        rng = names[name]
        return raw(grid, rng.min_row, rng.min_col)

    title = normalise_text(at(TITLE).value)
    name = at(NAME)
    code = at(CODE) if CODE in names else None
    funds_rng = names[FUNDS]
    table_rng = names[INDICATORS]
    form = ProjectForm(
        sheet=grid.name, layout=LAYOUT, type="department" if "部门整体" in title else "project",
        name=as_written(name.value) or None, name_cell=name.cell,
        code=(normalise_text(code.value) or None) if code else None,
        year=year_in(grid, range(1, funds_rng.min_row)),
        first_row=1,
    )
    found = read_funds_block(grid, range(funds_rng.min_row, funds_rng.max_row + 1))
    if found:
        form.funds = found[0]
        unit = money_unit_in(grid, range(funds_rng.min_row, funds_rng.max_row + 1))
        form.funds.money_unit, form.funds.money_unit_source = unit or ("万元", "模板默认")
    for key, nm in (("exec_weight", EXEC_WEIGHT), ("exec_rate", EXEC_RATE), ("exec_score", EXEC_SCORE)):
        if nm in names:
            setattr(form.funds, key, at(nm))
            form.out_cells[key] = at(nm).cell
    cols = header_map(grid, table_rng.min_row, words().columns("indicator_columns"))
    if "name" not in cols:  # the name no longer points at the indicator header: read the sheet by its labels
        return []
    form.has_levels = "level1" in cols
    total = names[TOTAL]
    form.indicators, _claimed, form.last_row = read_indicators(grid, table_rng.min_row, cols, total.min_row - 1)
    form.claimed_total = at(TOTAL)
    form.out_cells["total"] = cell_address(total.min_row, total.min_col)
    if GRADE in names:
        form.out_cells["grade"] = at(GRADE).cell
    form.last_row = max(form.last_row, total.min_row)
    return [form]
