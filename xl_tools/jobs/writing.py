"""What recompute, run and fill write into a workbook, and the ribbon's buttons into the book open in Excel: one
function each, written against ``core.target.WorkbookTarget`` (the package editor or live Excel)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .. import __version__
from ..core.cell_write import Change, CellWrite
from ..core.findings import Finding
from ..core.matching import FillPlan
from ..core.plan import TableCells, not_on, plan, skipped_sheet, summary_writes
from ..core.rules import RuleSet
from ..core.scored import Table
from ..core.sheets.changes import changes_sheet
from ..core.sheets.params import PARAMS_SHEET, params_cells, params_sheet
from ..core.sheets.report import report_sheets
from ..core.sheets.summary import is_toolkit_summary, summary_title
from ..core.target import WorkbookTarget
from .evaluation import Result


@dataclass
class Written:
    changes: list[Change]
    """The user's cells that changed (变更记录)."""
    summary: str | None = None
    """The title the toolkit's 表11 was written under (表11, or 表11（计算） beside the workbook's own)."""


@dataclass
class TablesWritten:
    """What writing the tables left for the workbook's own sheets (表11, print areas, 变更记录)."""

    changes: list[Change]
    cells: dict[Table, TableCells]
    """The cells a 表11 row links to, per table planned."""
    print_columns: dict[str, int]
    planning_failed: dict[str, Finding]
    writing_failed: dict[str, Finding]
    """Sheets left as they were (SHEET_SKIPPED): planning one of their tables failed, or writing them did."""


TablesWriter = Callable[[WorkbookTarget, Sequence[Table], dict[str, str]], TablesWritten]


def write_tables(target: WorkbookTarget, tables: Sequence[Table], params: dict[str, str]) -> TablesWritten:
    """Formulas and cached values into every table; a sheet that cannot be written costs that sheet."""
    planned = plan(tables, (), params)
    changes: list[Change] = []
    failed: dict[str, Finding] = {}
    for sheet, writes in planned.writes.items():
        _set_or_skip(target, sheet, writes, changes, failed)
    return TablesWritten(changes, planned.cells, planned.print_columns, {f.sheet: f for f in planned.skipped},
                         failed)


def write_scores(target: WorkbookTarget, evaluation: Result, *, report: bool = False,
                 earlier: Sequence[Change] = (), tables_writer: TablesWriter = write_tables) -> Written:
    """Formulas and cached values into every table and 表11 of the workbook; with ``report`` (run, 生成表11)
    also the toolkit's 表11 and 校验结果.  The changes listed in 变更记录 follow the ``earlier`` changes of the
    same job (values filled in).  ``tables_writer`` writes the tables (``jobs.two_processes``: in two halves)."""
    changes: list[Change] = list(earlier)
    ours = {s.sheet for s in evaluation.summaries
            if is_toolkit_summary(lambda ref, sheet=s.sheet: target.read_cell(sheet, ref).value)}
    skip = ours if report else set()  # run: ours anew
    tables = tables_writer(target, evaluation.tables, _params_cells(target, evaluation))
    changes += tables.changes
    failed = {**tables.planning_failed, **tables.writing_failed}
    for sheet, column in tables.print_columns.items():
        if sheet not in failed:
            target.print_within(sheet, column)
    cells = not_on(failed, tables.cells)  # a 表11 row then shows its values instead of following an unwritten sheet
    for sheet, writes in summary_writes(evaluation.tables, evaluation.summaries, cells).items():
        if sheet not in skip:
            _set_or_skip(target, sheet, writes, changes, failed)
    evaluation.scored.findings += failed.values()
    title = None
    if report:
        names = target.sheet_names()
        title = summary_title(names, ours)
        for sheet in report_sheets(evaluation.tables, cells, evaluation.findings, names, year=evaluation.year,
                                   summary_title=title):
            target.put_spec(sheet)
    if changes or report:
        _write_change_log(target, evaluation, changes)
        target.finish()
    return Written(changes, title)


def put_values(target: WorkbookTarget, fill: FillPlan) -> tuple[list[Change], list[str]]:
    """The collected values into the input cells, sheet by sheet; a cell holding a formula is left as it is
    (its formula would be lost).  Returns the changes and the cells left alone."""
    changes: list[Change] = []
    kept: list[str] = []
    for sheet in dict.fromkeys(w.sheet for w in fill.writes):
        writes = {}
        for w in fill.writes:
            if w.sheet != sheet:
                continue
            if target.read_cell(sheet, w.cell).formula is not None:
                kept.append(f"{sheet}!{w.cell}")
            else:
                writes[w.cell] = CellWrite(w.value, label=w.label)
        if writes:
            changes += target.set_cells(sheet, writes)
    return changes, kept


def _params_cells(target: WorkbookTarget, evaluation: Result) -> dict[str, str]:
    """The workbook's 参数 cells the formulas read, the toolkit's sheet added first when it has none."""
    rule_set = evaluation.tables[0].settings.rule_set
    cells = params_read(target, rule_set)
    if PARAMS_SHEET not in target.sheet_names():
        target.put_spec(params_sheet(rule_set))
    return cells


def params_read(target: WorkbookTarget, rule_set: RuleSet) -> dict[str, str]:
    """The 参数 cells the formulas read: the workbook's own 参数 sheet's, else the toolkit's (added by the job)."""
    if PARAMS_SHEET in target.sheet_names():
        return params_cells(lambda ref: target.read_cell(PARAMS_SHEET, ref).value, rule_set)
    return params_cells(None, rule_set)


def _write_change_log(target: WorkbookTarget, evaluation: Result, changes: list[Change]) -> None:
    result = evaluation.scored
    # a new formula is in its cell for anyone to read; an old one would be lost, so it is kept here
    rows = [[c.sheet, c.ref, c.what, c.old.value, c.new.value, f"={c.old.formula}" if c.old.formula else None,
             "是" if c.new.formula else None] for c in changes]
    target.put_spec(changes_sheet(rows, version=__version__, rule_set=result.rule_set,
                                  rule_set_hash=result.rule_set_hash))


def _set_or_skip(target: WorkbookTarget, sheet: str, writes: dict[str, CellWrite], changes: list[Change],
                 failed: dict[str, Finding]) -> None:
    try:
        changes += target.set_cells(sheet, writes)  # all or nothing
    except Exception as exc:
        failed[sheet] = skipped_sheet(sheet, exc)
