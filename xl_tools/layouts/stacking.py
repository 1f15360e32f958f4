"""Where each table of a sheet starts and ends, so stacked tables read like one per sheet.

Every project layout is found the same way: a 项目名称-like label starts a
table, the few short rows above it are its title block, and its indicator
header is the first row below with the layout's required columns.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..core.model import ProjectForm, RawCell
from ..core.values import normalise_text
from ..reading.grid import Grid, cell_address
from .labels import as_written, find_cells, is_blank, split_code, value_after_label, year_in
from .tables import locate_indicator_table, read_indicators


def _filled_cells(grid: Grid, row: int) -> int:
    """Non-empty cells of a row, a merged range counted once."""
    return sum(1 for c in range(1, grid.max_col + 1) if not is_blank(grid.own_value(row, c)))


def table_starts(grid: Grid, anchors: tuple[str, ...]) -> list[tuple[int, int, int]]:
    """(anchor row, anchor col, first row of the table incl. its title) for each anchor label.

    The title block (title, status line, "(2021年度)") is the few short rows
    above the anchor; a row with three or more cells is the previous table's
    last row, where the title block stops.
    """
    starts = []
    prev_end = 0
    for r, c in sorted(find_cells(grid, anchors)):
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


def starts_inside(rows: range, taken: Sequence[ProjectForm]) -> bool:
    """Whether a table of ``rows`` starts inside a form an earlier reader took: it overlaps that form whatever
    its indicators (they reach at least its header row), so ``detect.read_tables`` would drop it once read."""
    return any(form.first_row <= rows.start <= form.last_row for form in taken)


def spans(grid: Grid, anchors: tuple[str, ...]) -> list[tuple[int, int, range]]:
    """Anchor cell and the rows each stacked table covers."""
    starts = table_starts(grid, anchors)
    out = []
    for i, (r, c, first) in enumerate(starts):
        end = starts[i + 1][2] - 1 if i + 1 < len(starts) else grid.max_row
        out.append((r, c, range(first, end + 1)))
    return out


@dataclass
class Table:
    """One project table of a sheet: its rows, its name cell and its indicator header."""

    grid: Grid
    anchor_row: int
    anchor_col: int
    rows: range
    header_row: int
    cols: dict[str, int]
    row_total: RawCell | None = None
    """The 合计/总分 row's score cell, once ``new_form`` has read the indicators."""

    @property
    def head_rows(self) -> range:
        """The rows above the indicator header: title, name, funds, goals."""
        return range(self.rows.start, self.header_row)

    @property
    def title(self) -> str:
        return " ".join(normalise_text(v) for r, _c, v in self.grid.iter_nonempty()
                        if r in range(self.rows.start, self.anchor_row) and isinstance(v, str))

    def new_form(self, layout: str, **fields: object) -> ProjectForm:
        """A form with what every layout reads the same way; the indicators already read."""
        name = value_after_label(self.grid, self.anchor_row, self.anchor_col)
        code, written = split_code(as_written(name.value))
        form = ProjectForm(sheet=self.grid.name, layout=layout, type="project", code=code,
                           name=written or None,
                           name_cell=name.cell or cell_address(self.anchor_row, self.anchor_col),
                           year=year_in(self.grid, self.rows), first_row=self.rows.start,
                           has_levels="level1" in self.cols)
        for key, value in fields.items():
            setattr(form, key, value)
        form.indicators, self.row_total, form.last_row = read_indicators(
            self.grid, self.header_row, self.cols, self.rows.stop - 1)
        return form


def tables(grid: Grid, anchors: tuple[str, ...], required: tuple[str, ...],
           taken: Sequence[ProjectForm] = ()) -> Iterator[Table]:
    """Each table under one of ``anchors`` whose indicator header has the ``required`` columns, but for those
    starting inside a ``taken`` form."""
    for anchor_row, anchor_col, rows in spans(grid, anchors):
        if starts_inside(rows, taken):
            continue
        found = locate_indicator_table(grid, rows, required)
        if found is not None:
            yield Table(grid, anchor_row, anchor_col, rows, *found)
