"""Writing into a workbook open in Excel through xlwings, with a snapshot for 撤销上次操作.

Running a macro clears Excel's own undo history, so every button first keeps
what it is about to overwrite (value and, where Excel can tell, formula) in a
hidden sheet; ``undo`` puts it back.  Only the cells a button owns are
written; nothing written is read back.

Excel parses whatever is set through Range.Value as typed input: "=…" becomes a
formula, "2023-12" a date, a 21-digit 项目编码 the number 1.23E+20.  So every
text goes in as Excel's own way of typing text, a leading apostrophe (kept as
the cell's PrefixCharacter, not in its value), and the toolkit's formulas only
as formulas (``CellWrite.formula``), never recognised by their "=".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..core.safe_text import visible
from ..reading.grid import Grid, position
from ..core.addresses import address_row_col, cell_address
from ..core.cell_write import CellContent, CellWrite, Change, same_content
from ..core.sheets.spec import BOLD, BORDERED, FILLS, MARGINS_INCHES, Cell, Chart, Sheet

UNDO_SHEET = "_xl_tools_undo"
UNDO_HEADER = ["按钮", "工作表", "单元格", "原值", "原公式"]
POINTS_PER_CM = 72 / 2.54


class LiveWorkbook:
    """An ``xlwings.Book`` as the ribbon writes it (``core.target``), with the grids it was read into (for the
    old values) and the button whose writes the undo snapshot keeps."""

    def __init__(self, book: Any, grids: Mapping[str, Grid], button: str = "") -> None:
        self.book = book
        self.grids = grids
        self.button = button
        self.snapshot: list[list[Any]] = []

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def read_cell(self, sheet: str, ref: str) -> CellContent:
        """The value as read with the book; the formula where Excel can tell (COM), else None."""
        grid = self.grids.get(sheet)
        value = grid.value(*position(ref)) if grid is not None else None
        return CellContent(value, _formulas_of(self.book.sheets[sheet].range(ref), 1)[0])

    def set_cells(self, sheet: str, writes: Mapping[str, CellWrite]) -> list[Change]:
        """Write the cells (texts as text, formulas as formulas) a run of cells down a column per call, keeping
        the old contents for undo; returns the cells that changed."""
        self.status(f"绩效自评工具：正在写入「{sheet}」……")
        target = self.book.sheets[sheet]
        changes = []
        grid = self.grids.get(sheet)
        for first, last, run in _column_runs(writes):
            rng = target.range(first if first == last else f"{first}:{last}")
            old_formulas = _formulas_of(rng, len(run))
            for (ref, write), old_formula in zip(run, old_formulas):
                old = CellContent(grid.value(*position(ref)) if grid is not None else None, old_formula)
                new = CellContent(write.value, write.formula)
                self.snapshot.append([self.button, sheet, ref, old.value, old_formula and "=" + old_formula])
                if not same_content(old, new):
                    changes.append(Change(sheet, ref, old, new, write.label))
            values = [[excel_value(write)] for _ref, write in run]
            rng.value = values if len(values) > 1 else values[0][0]
            for ref, write in run:
                if write.number_format is not None:
                    target.range(ref).number_format = write.number_format
        return sorted(changes, key=lambda ch: address_row_col(ch.ref))  # in sheet order, as a file's are

    def print_within(self, sheet: str, last_column: int) -> None:
        """Excel's PageSetup.PrintArea over the cells and merges the sheet held as read (COM; the remote
        interpreter has none, and there Excel's own print range stays)."""
        target, grid = self.book.sheets[sheet], self.grids.get(sheet)
        if grid is None or not _has_com(target) or target.api.PageSetup.PrintArea:
            return
        rows = max([grid.max_row] + [m.max_row for m in grid.merged])
        columns = max([grid.max_col, last_column] + [m.max_col for m in grid.merged])
        if rows:
            target.api.PageSetup.PrintArea = f"A1:{cell_address(rows, columns)}"

    def finish(self) -> None:
        """Keep this button's old contents (replacing the previous button's: one level of undo)."""
        if not self.snapshot:
            return
        sheet = self._put_rows(UNDO_SHEET, [UNDO_HEADER, *self.snapshot])
        try:
            sheet.api.Visible = 2  # xlSheetVeryHidden: users cannot unhide it from the sheet tabs
        except Exception:  # the remote interpreter has no COM object: hidden the ordinary way
            sheet.visible = False

    def _put_rows(self, title: str, rows: Sequence[Sequence[Any]]) -> Any:
        """A toolkit-owned sheet (校验结果, 表11, 参数) written whole in one call; replaced if it exists.  A cell
        is a value (texts written as text) or a ``CellWrite`` with a formula."""
        if title in self.sheet_names():
            sheet = self.book.sheets[title]
            sheet.clear_contents()
        else:
            sheet = self.book.sheets.add(title, after=self.book.sheets[len(self.book.sheets) - 1])
        width = max((len(r) for r in rows), default=1)
        if rows:
            sheet.range("A1").value = [[excel_value(v) for v in r] + [None] * (width - len(r)) for r in rows]
        return sheet

    def put_spec(self, spec: Sheet) -> Any:
        """A toolkit sheet as ``core.sheets`` describes it: every value and formula in one call, then its looks
        (number formats, fonts, fills, borders, merges, widths, heights, links), a call per run of like cells,
        frozen panes, the chart and the print setup."""
        rows = [list(r) for r in spec.all_rows()]
        width = max((len(r) for r in rows), default=1)
        matrix = [[None if c is None else CellWrite(c.value, c.formula) if c.formula else c.value for c in r]
                  + [None] * (width - len(r)) for r in rows]
        sheet = self._put_rows(spec.title, matrix)
        for ref, look in _runs(rows):
            _format(sheet.range(ref), *look)
        for ref in spec.merges:
            sheet.range(ref).merge(False)
        for col, width_ in spec.widths.items():
            sheet.range(f"{col}1").column_width = width_
        for r, height in spec.row_heights().items():
            sheet.range(f"A{r}").row_height = height
        for r, cells in enumerate(rows, start=1):
            for c, cell in enumerate(cells, start=1):
                if cell is not None and cell.link is not None:
                    sheet.range(cell_address(r, c)).add_hyperlink(f"#{cell.link}", str(cell.value))
        if spec.freeze:
            sheet.freeze_panes.freeze_at(frozen_range(spec.freeze))
        if spec.chart is not None:
            _chart(sheet, spec.chart)
        _page_setup(sheet, spec)
        if sheet.visible == spec.hidden:
            sheet.visible = not spec.hidden
        return sheet

    def status(self, text: str | bool) -> None:
        try:
            self.book.app.status_bar = text
        except NotImplementedError:  # not available on the remote interpreter
            pass

    def alert(self, text: str, *, critical: bool = False) -> None:
        self.book.app.alert(text, title="绩效自评工具", mode="critical" if critical else "info")

    def confirm(self, text: str) -> bool | None:
        """OK / Cancel as True / False; None where no answer comes back (xlwings' remote interpreter shows
        the box after the function has returned), which a caller must take as "not confirmed"."""
        answer = self.book.app.alert(text, title="绩效自评工具", buttons="ok_cancel", mode="info")
        return None if answer is None else answer == "ok"


def excel_value(value: Any) -> Any:
    """What Range.Value is given for a cell: a text with the leading apostrophe that makes Excel keep it as
    typed (characters XML cannot carry shown as visible signs), a ``CellWrite`` with a formula as that formula,
    anything else (numbers, None) as it is."""
    if isinstance(value, CellWrite):
        return "=" + value.formula if value.formula is not None else excel_value(value.value)
    if isinstance(value, str):
        return "'" + visible(value) if value else ""
    return value


def _runs(rows: list[list[Cell | None]]) -> list[tuple[str, tuple[str, str | None]]]:
    """(range, (style, number format)) for each run of like cells down a column: a column of 500 findings
    rows costs a few calls, not 500."""
    runs = []
    width = max((len(r) for r in rows), default=0)
    for c in range(width):
        start, look = None, None
        for r in range(len(rows) + 1):
            cell = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
            here = None if cell is None else (cell.style, cell.number_format)
            if here != look:
                if look is not None:
                    runs.append((f"{cell_address(start + 1, c + 1)}:{cell_address(r, c + 1)}", look))
                start, look = r, here
    return runs


def frozen_range(top_left: str) -> str:
    """xlwings' frozen cells for the first cell that scrolls ("A3" in a file: rows 1–2 stay, i.e. "1:2")."""
    row, col = address_row_col(top_left)
    if col == 1:
        return f"1:{row - 1}"
    if row == 1:
        return f"A:{cell_address(1, col - 1).rstrip('1')}"
    return f"A1:{cell_address(row - 1, col - 1)}"


def _chart(sheet: Any, chart: Chart) -> None:
    """The chart the file writer draws: horizontal bars of the values column (its header the series name) by the
    categories column, at its anchor, titled, no legend, the value axis from 0."""
    values = sheet.range((chart.first_row - 1, chart.values_column), (chart.last_row, chart.values_column))
    drawn = sheet.charts.add(chart_type="bar_clustered", source=values, plot_by="columns",
                             anchor=sheet.range(chart.anchor), width=chart.width_cm * POINTS_PER_CM,
                             height=chart.height_cm * POINTS_PER_CM)
    drawn.set_x_axis_values(sheet.range((chart.first_row, chart.categories_column),
                                        (chart.last_row, chart.categories_column)))
    drawn.title = chart.title
    drawn.legend.visible = False
    drawn.value_axis.title = chart.axis_title
    drawn.value_axis.minimum_scale = 0
    if not _has_com(sheet):
        return  # the remote interpreter: xlwings has no call for these on every engine
    categories = drawn.api[1].Axes(1)  # xlCategory, of Excel's own chart: the bars in the table's order
    categories.ReversePlotOrder = True
    categories.TickLabelSpacing = 1
    sheet.api.HPageBreaks.Add(sheet.range(f"A{chart.anchor_row}").api)  # the chart on a page of its own


def _has_com(sheet: Any) -> bool:
    """Whether the sheet is Excel's own COM object (Windows), not the remote interpreter's stand-in."""
    try:
        sheet.api.PageSetup
    except AttributeError:
        return False
    return True


def _page_setup(sheet: Any, spec: Sheet) -> None:
    """A4, one page wide, centred, the header rows on every page, landscape where the file has it, and the filter
    buttons: Excel's own PageSetup and AutoFilter (COM), which xlwings has no call for on every engine; the
    remote interpreter has no COM object, and there the sheet prints with Excel's defaults."""
    if not _has_com(sheet):
        return
    setup = sheet.api.PageSetup
    setup.PaperSize = 9  # xlPaperA4
    setup.Orientation = 2 if spec.landscape else 1  # xlLandscape / xlPortrait
    setup.Zoom = False
    setup.FitToPagesWide, setup.FitToPagesTall = 1, False
    setup.CenterHorizontally = True
    for side, inches in MARGINS_INCHES.items():
        setattr(setup, f"{side.capitalize()}Margin", inches * 72)
    if spec.print_titles:
        setup.PrintTitleRows = "$" + spec.print_titles.replace(":", ":$")
    if spec.auto_filter:
        sheet.range(spec.auto_filter).api.AutoFilter(1)


def _format(rng: Any, style: str, number_format: str | None) -> None:
    if number_format:
        rng.number_format = number_format
    if style in BOLD:
        rng.font.bold = True
    if style == "title":
        rng.font.size = 16
    if style in FILLS:
        rng.color = f"#{FILLS[style]}"
    if style in BORDERED:
        rng.borders.line_style = "continuous"
        rng.wrap_text = True


def _formulas_of(rng: Any, count: int) -> list[str | None]:
    """The formulas (without their "=") of a one-column range, one read for the whole run (COM); Nones where
    Excel cannot tell (the remote interpreter)."""
    try:
        texts = rng.formula
    except NotImplementedError:
        return [None] * count
    cells = [texts] if isinstance(texts, str) else [row[0] if isinstance(row, (tuple, list)) else row
                                                    for row in texts]
    return [t[1:] if isinstance(t, str) and t.startswith("=") else None for t in cells]


def _column_runs(writes: Mapping[str, CellWrite]) -> list[tuple[str, str, list[tuple[str, CellWrite]]]]:
    """The writes as runs of adjacent cells down one column (first, last, cells): the score column of a table
    is one call, not one per indicator."""
    ordered = sorted(writes.items(), key=lambda item: address_row_col(item[0])[::-1])
    runs: list[list[tuple[str, CellWrite]]] = []
    for ref, write in ordered:
        row, col = address_row_col(ref)
        if runs:
            last_row, last_col = address_row_col(runs[-1][-1][0])
            if col == last_col and row == last_row + 1:
                runs[-1].append((ref, write))
                continue
        runs.append([(ref, write)])
    return [(run[0][0], run[-1][0], run) for run in runs]


def restore(book: Any) -> int:
    """Put back what the last button overwrote; the snapshot is then removed.  Returns the cells restored."""
    if UNDO_SHEET not in [s.name for s in book.sheets]:
        return 0
    snapshot = book.sheets[UNDO_SHEET]
    rows = snapshot.range("A1").expand().options(ndim=2).value or []
    restored = 0
    for _button, sheet, ref, value, formula in (r[:5] for r in rows[1:] if r and r[1]):
        rng = book.sheets[sheet].range(ref)
        if formula:
            rng.formula = formula
        else:
            rng.value = None if value == "" else excel_value(value)  # an empty cell comes back as "": cleared
        restored += 1
    snapshot.delete()
    return restored
