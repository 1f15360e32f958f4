"""The ribbon's buttons as Python knows them (the buttons at work: tests/integration/test_ribbon.py)."""

from __future__ import annotations

import pytest

from xl_tools import ribbon


def test_every_ribbon_button_has_a_function() -> None:
    assert set(ribbon.BUTTONS) == {"check", "fill", "recompute", "undo", "summary", "collect", "report", "pdf",
                                   "email"}


@pytest.mark.parametrize("top_left, frozen", [("A2", "1:1"), ("A3", "1:2"), ("C1", "A:B"), ("C3", "A1:B2"),
                                              ("AB11", "A1:AA10")])
def test_frozen_panes_are_named_as_xlwings_freezes_them(top_left: str, frozen: str) -> None:
    """A file names the first cell that scrolls; xlwings (Excel's freezeAt) the cells that stay."""
    from xl_tools.adapters.excel_live import frozen_range

    assert frozen_range(top_left) == frozen


def test_runs_down_a_column_are_written_in_one_call() -> None:
    """H13:H15 and H17 (a gap at H16) and I13: three calls for five cells, each run in row order."""
    from xl_tools.adapters.excel_live import _column_runs
    from xl_tools.core.cell_write import CellWrite

    writes = {ref: CellWrite(1) for ref in ("H15", "I13", "H13", "H17", "H14")}
    assert [(first, last, [ref for ref, _ in run]) for first, last, run in _column_runs(writes)] == [
        ("H13", "H15", ["H13", "H14", "H15"]), ("H17", "H17", ["H17"]), ("I13", "I13", ["I13"])]


def test_excels_page_setup_is_the_files() -> None:
    """The last hop, Excel's COM PageSetup, recorded: 校验结果 as the file prints it (A4 landscape, one page
    wide, its header row 1 on every page, margins 0.5″ = 36 pt and 0.6″ = 43.2 pt) and its filter buttons."""
    from types import SimpleNamespace

    from xl_tools.adapters.excel_live import _page_setup
    from xl_tools.core.sheets.findings import findings_sheet

    filtered = []
    setup = SimpleNamespace()
    sheet = SimpleNamespace(api=SimpleNamespace(PageSetup=setup),
                            range=lambda ref: SimpleNamespace(api=SimpleNamespace(AutoFilter=filtered.append)))
    spec = findings_sheet([], sheets=())
    _page_setup(sheet, spec)
    assert (setup.PaperSize, setup.Orientation, setup.Zoom, setup.FitToPagesWide, setup.FitToPagesTall) == \
        (9, 2, False, 1, False)
    assert setup.PrintTitleRows == "$1:$1" and filtered == [1]
    assert (setup.LeftMargin, setup.RightMargin, setup.TopMargin) == (36, 36, pytest.approx(43.2))


def test_excels_chart_is_reversed_labelled_and_on_a_page_of_its_own() -> None:
    """The last hop for 表11's chart, recorded: after xlwings' cross-engine calls, Excel's category axis (COM
    Axes(1)) reversed so the bars follow the table, every label shown, and a page break at the chart's row."""
    from types import SimpleNamespace

    from xl_tools.adapters.excel_live import _chart
    from xl_tools.core.sheets.spec import Chart

    axis, breaks = SimpleNamespace(), []
    drawn = SimpleNamespace(api=(None, SimpleNamespace(Axes=lambda which: axis if which == 1 else None)),
                            set_x_axis_values=lambda values: None, legend=SimpleNamespace(),
                            value_axis=SimpleNamespace())
    sheet = SimpleNamespace(api=SimpleNamespace(PageSetup=object(), HPageBreaks=SimpleNamespace(Add=breaks.append)),
                            range=lambda *refs: SimpleNamespace(api=refs),
                            charts=SimpleNamespace(add=lambda **kwargs: drawn))
    _chart(sheet, Chart("各项目自评得分", "自评得分", values_column=7, categories_column=2, first_row=4, last_row=12,
                        anchor="A15"))
    assert (axis.ReversePlotOrder, axis.TickLabelSpacing) == (True, 1)
    assert breaks == [("A15",)] and drawn.title == "各项目自评得分" and drawn.value_axis.minimum_scale == 0


def test_excels_print_area_is_the_sheet_as_read() -> None:
    """The last hop of ``print_within`` in Excel, recorded: PageSetup.PrintArea over the cells and merged ranges
    of the sheet as read with the book (the helpers written since are not in the grid), at least the forms'
    columns; a print area the sheet has is kept, and without COM (the remote interpreter) nothing is set."""
    from types import SimpleNamespace

    from xl_tools.adapters.excel_live import LiveWorkbook
    from xl_tools.reading.grid import CellRange, Grid

    def sheet(area: str) -> SimpleNamespace:
        return SimpleNamespace(api=SimpleNamespace(PageSetup=SimpleNamespace(PrintArea=area)))

    grid = Grid("项目", values={(1, 1): "项目名称", (12, 11): 5}, merged=[CellRange(15, 1, 15, 12)])
    narrow = Grid("窄", values={(1, 1): "得分"})
    sheets = {"项目": sheet(""), "窄": sheet(""), "有区域": sheet("$A$1:$B$2"), "远程": SimpleNamespace(api=object())}
    live = LiveWorkbook(SimpleNamespace(sheets=sheets), {"项目": grid, "窄": narrow, "有区域": grid, "远程": grid})
    for name in sheets:
        live.print_within(name, 3)
    assert sheets["项目"].api.PageSetup.PrintArea == "A1:L15"
    assert sheets["窄"].api.PageSetup.PrintArea == "A1:C1"
    assert sheets["有区域"].api.PageSetup.PrintArea == "$A$1:$B$2"
