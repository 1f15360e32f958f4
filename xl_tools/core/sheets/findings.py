"""校验结果: every finding, what to act on first (``core.findings.in_sections``), its cell a link when the cell is in
the workbook."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Sequence

from ..findings import LEVEL_LABEL, SECTIONS, Finding, in_sections, section
from ..formulas import sheet_ref
from ..safe_text import visible
from .spec import Cell, Sheet

FINDINGS_SHEET = "校验结果"
FINDINGS_HEADERS = ["级别", "代码", "工作表", "单元格", "项目", "说明", "类别"]
FINDINGS_WIDTHS = [7, 24, 22, 9, 30, 80, 22]
FILE_HEADER, FILE_WIDTH = "文件", 36
"""The first column of a 校验结果 over many workbooks (``batch``)."""
COLUMNS = "ABCDEFGHIJ"

_CELL = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}(:[A-Z]{1,3}[1-9][0-9]{0,6})?")


def link_location(finding: Finding, sheets: Collection[str]) -> str | None:
    """Where a 校验结果 link to the finding's cell goes ('项目 1'!H13, the sheet quoted as in any reference the
    toolkit writes); None when the finding names no cell of one of ``sheets``, or a sheet no link can carry."""
    sheet, cell = finding.sheet, finding.cell
    if not (sheet and cell and sheet in sheets and visible(sheet) == sheet and _CELL.fullmatch(cell)):
        return None
    return sheet_ref(sheet, cell)


def finding_row(finding: Finding) -> list[object]:
    """One 校验结果 row, in FINDINGS_HEADERS order."""
    f = finding
    return [LEVEL_LABEL[f.level], f.code, f.sheet, f.cell, f.project, f.message, SECTIONS[section(f)]]


def _row(finding: Finding, link: str | None, file: bool) -> list[Cell | None]:
    values = finding_row(finding)
    cells = [Cell(values[0], style=finding.level.value)] + [Cell(v, style="left") for v in values[1:]]
    if link is not None:
        cells[3] = Cell(finding.cell, style="link", link=link)
    return ([Cell(finding.file, style="left")] if file else []) + cells


def _sheet(title: str, headers: list[str], widths: list[float], rows: Iterable[Sequence[Cell | None]],
           count: int) -> Sheet:
    last = COLUMNS[len(headers) - 1]
    return Sheet(title, rows, widths=dict(zip(COLUMNS, widths)), freeze="A2", auto_filter=f"A1:{last}{count + 1}",
                 print_titles="1:1", landscape=True)


def findings_sheet(findings: Iterable[Finding], sheets: Collection[str], title: str = FINDINGS_SHEET) -> Sheet:
    """One workbook's findings, a link on each cell of one of ``sheets``."""
    ordered = in_sections(findings)
    rows = [[Cell(h, style="header") for h in FINDINGS_HEADERS],
            *(_row(f, link_location(f, sheets), file=False) for f in ordered)]
    return _sheet(title, FINDINGS_HEADERS, FINDINGS_WIDTHS, rows, len(ordered))


def files_findings_sheet(findings: Sequence[Finding]) -> Sheet:
    """Many workbooks' findings, 文件 first, no links (the cells are in other files); its rows are made as they
    are written, a province's hundreds of thousands of findings never held as cells."""
    headers = [FILE_HEADER, *FINDINGS_HEADERS]

    def rows() -> Iterator[list[Cell | None]]:
        yield [Cell(h, style="header") for h in headers]
        for f in in_sections(findings):
            yield _row(f, None, file=True)

    return _sheet(FINDINGS_SHEET, headers, [FILE_WIDTH, *FINDINGS_WIDTHS], rows(), len(findings))


def table_sheet(title: str, headers: Sequence[str], widths: Sequence[float],
                rows: Sequence[Sequence[object]]) -> Sheet:
    """A plain counted table after the findings (by unit, by code)."""
    cells = [[Cell(h, style="header") for h in headers], *([Cell(v, style="left") for v in r] for r in rows)]
    return _sheet(title, list(headers), list(widths), cells, len(rows))
