"""表11 项目绩效自评结果汇总表: one row per project, 合计 from unrounded amounts, a bar chart of the scores.

In a workbook whose tables were recomputed each row follows its project's sheet (formulas with their cached
values); gathered from many workbooks it holds the figures, with a 来源文件 column.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from .. import formulas as fx
from ..cell_write import CellWrite
from ..model import ProjectResult
from ..plan import TableCells, linked
from .spec import AMOUNT, PERCENT, SCORE, Cell, Chart, Sheet

SUMMARY_SHEET = "表11"
SUMMARY_SHEET_BESIDE = "表11（计算）"
"""Where the toolkit's 表11 goes when the workbook has a 表11 of its own."""
SUMMARY_HEADERS = ["序号", "项目名称", "项目编码", "预算数(万元)", "执行数(万元)", "执行率", "自评得分", "评价等级", "来源工作表"]
SOURCE_FILE = "来源文件"
SUMMARY_FIRST_ROW = 4
SUMMARY_SOURCE_COLUMN = "I"
FORMATS = [None, None, None, AMOUNT, AMOUNT, PERCENT, SCORE, None, None, None]
LEFT_COLUMNS = (1, 2, 8, 9)  # 项目名称, 项目编码, 来源工作表, 来源文件 (0-based)
TITLE = "项目绩效自评结果汇总表"


def summary_table(projects: Sequence[ProjectResult], files: Sequence[str] | None = None
                  ) -> tuple[list[list[object]], list[object]]:
    """表11's rows (one per project, in SUMMARY_HEADERS order, plus 来源文件 when ``files`` gives one per
    project) and its 合计 row: amounts summed unrounded, 执行率 of the sums."""
    listed = [p for p in projects if p.type == "project"]
    rows: list[list[object]] = []
    for i, p in enumerate(listed, start=1):
        rate = p.execution_rate / 100 if p.execution_rate is not None else None
        rows.append([i, p.name, p.code, p.budget, p.executed, rate, p.shown_total, p.grade, p.sheet]
                    + ([files[i - 1]] if files is not None else []))
    budget = sum(p.budget or 0 for p in listed)
    executed = sum(p.executed or 0 for p in listed)
    return rows, ["合计", None, None, budget, executed, executed / budget if budget else None]


def is_toolkit_summary(read: Callable[[str], object]) -> bool:
    """Whether a 表11 of the workbook (``read`` reads its cells) is one the toolkit wrote, which run replaces."""
    return read(f"{SUMMARY_SOURCE_COLUMN}{SUMMARY_FIRST_ROW - 1}") == SUMMARY_HEADERS[-1]


def summary_title(sheets: Collection[str], ours: Collection[str]) -> str:
    """表11, or 表11（计算） beside a 表11 of the workbook's own (``ours``: the 表11 sheets the toolkit wrote)."""
    return SUMMARY_SHEET_BESIDE if SUMMARY_SHEET in sheets and SUMMARY_SHEET not in ours else SUMMARY_SHEET


def _followed(project: ProjectResult, cells: TableCells, r: int) -> dict[int, CellWrite]:
    """Column (0-based) -> the formula that makes row ``r`` follow its project's sheet."""
    out = {3: linked(project.sheet, cells.budget, project.budget, cells.to_wan, "预算数"),
           4: linked(project.sheet, cells.executed, project.executed, cells.to_wan, "执行数"),
           6: linked(project.sheet, cells.total, project.shown_total, 1.0, "自评得分"),
           7: linked(project.sheet, cells.grade, project.grade, 1.0, "评价等级")}
    if project.budget and project.executed is not None:
        out[5] = CellWrite(project.executed / project.budget, fx.ratio(f"E{r}", f"D{r}"))
    return out


def summary_sheet(projects: Sequence[ProjectResult], *, year: int | None = None, title: str = SUMMARY_SHEET,
                  files: Sequence[str] | None = None, links: Sequence[TableCells | None] | None = None) -> Sheet:
    """``files`` (one per project) adds a 来源文件 column; ``links`` (one per project, None for a table that
    was not recomputed) makes the rows follow the project sheets' cells."""
    headers = SUMMARY_HEADERS + ([SOURCE_FILE] if files is not None else [])
    width = len(headers)
    last_col = "ABCDEFGHIJ"[width - 1]
    values, total = summary_table(projects, files)
    listed = [p for p in projects if p.type == "project"]
    follow = links is not None
    links = list(links) if links is not None else [None] * len(listed)
    rows: list[list[Cell | None]] = [[Cell(TITLE, style="title")], [Cell(f"（{year}年度）" if year else "", style="plain")],
                                     [Cell(h, style="header") for h in headers]]
    for i, (project, row, cells) in enumerate(zip(listed, values, links)):
        r = SUMMARY_FIRST_ROW + i
        formulas = _followed(project, cells, r) if cells is not None else {}
        rows.append([Cell.of(formulas.get(c, v), "left" if c in LEFT_COLUMNS else "body", FORMATS[c])
                     for c, v in enumerate(row)])
    total_row = SUMMARY_FIRST_ROW + len(values)
    last = total_row - 1
    label, _, _, budget, executed, rate = total
    sums = {3: CellWrite(budget, fx.column_sum(f"D{SUMMARY_FIRST_ROW}", f"D{last}")),
            4: CellWrite(executed, fx.column_sum(f"E{SUMMARY_FIRST_ROW}", f"E{last}")),
            5: CellWrite(rate, fx.ratio(f"E{total_row}", f"D{total_row}"))} if values and follow else {}
    rows.append([Cell.of(sums.get(c, v), "header", FORMATS[c])
                 for c, v in enumerate([label, None, None, budget, executed, rate] + [None] * (width - 6))])
    chart = Chart("各项目自评得分", "自评得分", values_column=7, categories_column=2, first_row=SUMMARY_FIRST_ROW,
                  last_row=last, anchor=f"A{total_row + 2}") if values else None
    return Sheet(title, rows, widths={"A": 6, "B": 40, "C": 24, "D": 14, "E": 14, "F": 10, "G": 10, "H": 9, "I": 22,
                                      "J": 30},
                 merges=[f"A1:{last_col}1", f"A2:{last_col}2", f"A{total_row}:C{total_row}"], chart=chart,
                 print_titles="3:3", landscape=True)
