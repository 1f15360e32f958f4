"""What `run` adds to a workbook besides the formulas, and the ribbon's buttons add to the open one: 表11
following the recomputed tables, and 校验结果 with links to the cells."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from ..findings import Finding
from ..plan import TableCells
from ..scored import Table
from .findings import findings_sheet
from .spec import Sheet
from .summary import SUMMARY_SHEET, summary_sheet


def report_sheets(tables: Sequence[Table], cells: Mapping[Table, TableCells], findings: Iterable[Finding],
                  sheets: Collection[str], *, year: int | None, summary_title: str = SUMMARY_SHEET) -> list[Sheet]:
    """``cells``: the planned cells of the tables whose formulas were written (the others' rows show values);
    ``sheets``: the workbook's sheets, which links may point into."""
    projects = [t for t in tables if t.result.type == "project"]
    return [summary_sheet([t.result for t in projects], year=year, title=summary_title,
                          links=[cells.get(t, TableCells()) for t in projects]),
            findings_sheet(findings, sheets)]
