"""The one interface the toolkit writes a workbook through, whether a file (``workbook.package.Package``) or a
book open in Excel (``adapters.excel_live.LiveWorkbook``): the jobs that put formulas, values and toolkit
sheets into a workbook are written once against it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from .cell_write import CellContent, CellWrite, Change
from .sheets.spec import Sheet


class WorkbookTarget(Protocol):
    def sheet_names(self) -> list[str]:
        """The sheets in tab order."""

    def read_cell(self, sheet: str, ref: str) -> CellContent:
        """What the cell holds now (its formula where the engine can tell)."""

    def set_cells(self, sheet: str, writes: Mapping[str, CellWrite]) -> list[Change]:
        """Write the cells of one sheet, all or nothing; the cells whose content changed are returned."""

    def put_spec(self, sheet: Sheet) -> None:
        """A toolkit sheet as ``core.sheets`` describes it, replacing one of that title where it is."""

    def print_within(self, sheet: str, last_column: int) -> None:
        """Printing limited to what the sheet held before the job wrote to it, at least columns A to
        ``last_column`` (the forms, not the helper columns right of them), unless it has a print area of its own."""

    def finish(self) -> None:
        """Called once after a job's writes: a file is marked for recalculation on opening, live Excel keeps
        the snapshot for 撤销上次操作."""
