"""The 表11 and 校验结果 sheets the toolkit writes into a workbook."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, NamedStyle
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from ..core.findings import Finding, errors_first
from ..core.model import ProjectResult
from .sheet_names import (FILE_HEADER, FILE_WIDTH, FINDINGS_HEADERS, FINDINGS_SHEET, FINDINGS_WIDTHS, SUMMARY_FIRST_ROW,
                          SUMMARY_HEADERS, SUMMARY_SHEET, finding_row, link_location, summary_table)
from .style import CENTER, FONT, LEFT, LEVEL_FILL, TITLE_FONT, cell_style, print_setup, put, set_value, widths

LINK_FONT = Font(name=FONT, size=10, color="0563C1", underline="single")


def _replace(wb: Workbook, title: str) -> Worksheet:
    index = None
    if title in wb.sheetnames:
        index = wb.sheetnames.index(title)
        wb.remove(wb[title])
    return wb.create_sheet(title, index)


def add_summary_sheet(wb: Workbook, projects: list[ProjectResult], *, year: int | None = None,
                      title: str = SUMMARY_SHEET, files: list[str] | None = None) -> Worksheet:
    """项目绩效自评结果汇总表: one row per project, totals from unrounded amounts, a bar chart of the scores.

    ``files`` (one per project) adds a 来源文件 column, for a 表11 gathered from many workbooks.
    """
    ws = _replace(wb, title)
    headers = SUMMARY_HEADERS + (["来源文件"] if files is not None else [])
    cols = "ABCDEFGHIJ"[:len(headers)]
    last_col = cols[-1]
    widths(ws, {"A": 6, "B": 40, "C": 24, "D": 14, "E": 14, "F": 10, "G": 10, "H": 9, "I": 22, "J": 30})
    ws.merge_cells(f"A1:{last_col}1")
    ws["A1"] = "项目绩效自评结果汇总表"
    ws["A1"].font = TITLE_FONT
    ws.merge_cells(f"A2:{last_col}2")
    ws["A2"] = f"（{year}年度）" if year else ""
    for col, label in zip(cols, headers):
        put(ws, f"{col}3", label, header=True)
    rows, (label, _, _, budget, executed, rate) = summary_table(projects, files)
    formats = [None, None, None, "#,##0.00", "#,##0.00", "0.00%", "0.00", None, None, None]
    for r, values in enumerate(rows, start=SUMMARY_FIRST_ROW):
        for col, value, fmt in zip(cols, values, formats):
            put(ws, f"{col}{r}", value, number_format=fmt, align=LEFT if col in "BCIJ" else CENTER)
    total_row = SUMMARY_FIRST_ROW + len(rows)
    put(ws, f"A{total_row}:C{total_row}", label, header=True)
    put(ws, f"D{total_row}", budget, number_format="#,##0.00", header=True)
    put(ws, f"E{total_row}", executed, number_format="#,##0.00", header=True)
    put(ws, f"F{total_row}", rate, number_format="0.00%", header=True)
    for col in cols[6:]:
        put(ws, f"{col}{total_row}", None, header=True)
    if rows:
        _score_chart(ws, first=SUMMARY_FIRST_ROW, last=total_row - 1, anchor=f"A{total_row + 2}")
    print_setup(ws, landscape=True, title_rows="3:3")
    return ws


def _score_chart(ws: Worksheet, *, first: int, last: int, anchor: str) -> None:
    """A native Excel bar chart of 自评得分 by project, under the table (it prints with it)."""
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "bar"  # horizontal: long project names stay readable
    chart.title = "各项目自评得分"
    chart.y_axis.title = "自评得分"
    chart.y_axis.scaling.min = 0
    chart.legend = None
    chart.add_data(Reference(ws, min_col=7, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
    chart.height = max(7.5, 0.6 * (last - first + 1) + 3)
    chart.width = 24
    ws.add_chart(chart, anchor)


def add_findings_sheet(wb: Workbook, findings: list[Finding], title: str = FINDINGS_SHEET, *,
                       link_to: list[str] | None = None) -> Worksheet:
    """校验结果: every finding with a link to its cell (in the sheets ``link_to``, default ``wb``'s), errors first."""
    ws = _replace(wb, title)
    sheets = set(wb.sheetnames if link_to is None else link_to)
    cols = "ABCDEF"
    cell_col = cols[FINDINGS_HEADERS.index("单元格")]
    widths(ws, dict(zip(cols, FINDINGS_WIDTHS)))
    for col, label in zip(cols, FINDINGS_HEADERS):
        put(ws, f"{col}1", label, header=True)
    for r, f in enumerate(sorted(findings, key=errors_first), start=2):
        for col, value in zip(cols, finding_row(f)):
            put(ws, f"{col}{r}", value, align=LEFT)
        ws[f"A{r}"].fill = LEVEL_FILL[f.level.value]
        if (location := link_location(f, sheets)) is not None:
            # a link inside the workbook (a location, not a relationship: it survives being grafted)
            ws[f"{cell_col}{r}"].hyperlink = Hyperlink(ref=f"{cell_col}{r}", location=location)
            ws[f"{cell_col}{r}"].font = LINK_FONT
    _findings_sheet_setup(ws, cols[-1], len(findings))
    return ws


Table = tuple[str, list[str], list[float], list[list[object]]]
"""(sheet title, headers, column widths, rows): a plain table after the findings."""


def write_findings_of_files(findings: Sequence[Finding], out: Path, tables: Sequence[Table] = ()) -> Path:
    """One 校验结果 for many workbooks, 文件 first, errors first, links to nothing (the cells are in other
    files), then ``tables`` (the counts by unit and by code).  Written row by row in openpyxl's write-only mode
    with one shared style per kind of cell: a province's hundreds of thousands of findings would otherwise be
    held as styled cell objects."""
    from .save import save_stable

    wb = Workbook(write_only=True)
    header, body = cell_style("xl_tools 表头", header=True), cell_style("xl_tools 正文", align=LEFT)
    levels = {level: cell_style(f"xl_tools {level}", align=LEFT, fill=fill) for level, fill in LEVEL_FILL.items()}

    def sheet(title: str, headers: list[str], column_widths: list[float], count: int) -> Any:
        ws = wb.create_sheet(title)
        cols = [get_column_letter(i) for i in range(1, len(headers) + 1)]
        widths(ws, dict(zip(cols, column_widths)))
        _findings_sheet_setup(ws, cols[-1], count)
        ws.append([_styled(ws, label, header) for label in headers])
        return ws

    ws = sheet(FINDINGS_SHEET, [FILE_HEADER] + FINDINGS_HEADERS, [FILE_WIDTH] + FINDINGS_WIDTHS, len(findings))
    for f in sorted(findings, key=errors_first):
        values = [f.file] + finding_row(f)
        ws.append([_styled(ws, values[0], body), _styled(ws, values[1], levels[f.level.value])] +
                  [_styled(ws, v, body) for v in values[2:]])
    for title, headers, column_widths, table in tables:
        ws = sheet(title, headers, column_widths, len(table))
        for values in table:
            ws.append([_styled(ws, v, body) for v in values])
    return save_stable(wb, out)


def _styled(ws: Any, value: object, style: NamedStyle) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws)
    cell.style = style  # first: setting a named style resets the quotePrefix a formula-like text needs
    set_value(cell, value)
    return cell


def _findings_sheet_setup(ws: Any, last_col: str, count: int) -> None:
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last_col}{max(count + 1, 1)}"
    print_setup(ws, landscape=True, title_rows="1:1")


CHANGES_HEADERS = ["工作表", "单元格", "内容", "原值", "新值（公式的计算结果）", "原公式", "写入公式"]


def change_log_title(rule_set: str, rule_set_hash: str, count: int) -> str:
    """The first line of every 变更记录: who changed the cells, under which rules, how many."""
    from .. import __version__

    return f"xl_tools {__version__}，规则集 {rule_set}（校验码 {rule_set_hash}），共改动 {count} 个单元格"


def add_changes_sheet(wb: Workbook, *, count: int, rule_set: str, rule_set_hash: str,
                      title: str = "变更记录") -> Worksheet:
    """变更记录's title and header; the changed cells (old and new) go below, one row each, so a finance
    bureau can re-check a submission.  No date or time: the same input and rule set give the same sheet."""
    ws = _replace(wb, title)
    widths(ws, {"A": 26, "B": 9, "C": 36, "D": 16, "E": 20, "F": 30, "G": 9})
    set_value(ws["A1"], change_log_title(rule_set, rule_set_hash, count))
    for col, label in zip("ABCDEFG", CHANGES_HEADERS):
        put(ws, f"{col}2", label, header=True)
    ws.freeze_panes = "A3"
    print_setup(ws, landscape=True, title_rows="2:2")
    return ws
