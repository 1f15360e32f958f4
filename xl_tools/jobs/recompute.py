"""xl-tools recompute (and the writing half of run): the plan's formulas into a copy of the workbook, losslessly.

Everything else in the file is left byte for byte (``workbook.package``); 变更记录 lists the changes.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..core.errors import XlToolsError
from ..core.findings import Finding
from ..core.plan import not_on, plan, skipped_sheet, summary_writes
from ..core.sheets.changes import changes_sheet
from ..core.sheets.params import PARAMS_SHEET, params_cells, params_sheet
from ..core.sheets.report import report_sheets
from ..core.sheets.summary import is_toolkit_summary, summary_title
from ..outputs import checked_output, content_checked, derived, package_suffix
from ..reading.open import sniff
from ..workbook.in_place import save_in_place
from ..workbook.package import Change, CellWrite, Package
from ..workbook.plain import xlsx_for_writing
from ..workbook.sheet_writer import put_into_package
from .evaluation import Result
from .score import score



@dataclass
class Recomputed:
    evaluation: Result
    path: Path
    changes: list[Change]
    backup: Path | None = None
    """The workbook as it was, with ``in_place`` when something was written."""


def _params_cells(pkg: Package, evaluation: Result) -> dict[str, str]:
    """The workbook's 参数 cells, the toolkit's sheet added first when it has none."""
    rule_set = evaluation.tables[0].settings.rule_set
    if PARAMS_SHEET in pkg.sheet_names():
        return params_cells(lambda ref: pkg.read_cell(PARAMS_SHEET, ref).value, rule_set)
    put_into_package(pkg, params_sheet(rule_set))
    return params_cells(None, rule_set)


def _write_change_log(pkg: Package, evaluation: Result, changes: list[Change]) -> None:
    result = evaluation.scored
    # a new formula is in its cell for anyone to read; an old one would be lost, so it is kept here
    rows = [[c.sheet, c.ref, c.what, c.old.value, c.new.value, f"={c.old.formula}" if c.old.formula else None,
             "是" if c.new.formula else None] for c in changes]
    put_into_package(pkg, changes_sheet(rows, version=__version__, rule_set=result.rule_set,
                                        rule_set_hash=result.rule_set_hash))


def _set_or_skip(pkg: Package, sheet: str, writes: dict[str, CellWrite], changes: list[Change],
                 failed: dict[str, Finding]) -> None:
    try:
        changes += pkg.set_cells(sheet, writes)  # all or nothing
    except Exception as exc:
        failed[sheet] = skipped_sheet(sheet, exc)


def apply(pkg: Package, evaluation: Result, *, report: bool = False, earlier: list[Change] = ()) -> list[Change]:
    """Formulas and cached values into every table and 表11 of the workbook; with ``report`` (the run
    command) also the toolkit's 表11 and 校验结果.  Returns the user's cells that changed (变更记录), after
    the ``earlier`` changes of the same run (values filled in)."""
    changes: list[Change] = list(earlier)
    ours = {s.sheet for s in evaluation.summaries
            if is_toolkit_summary(lambda ref, sheet=s.sheet: pkg.read_cell(sheet, ref).value)}
    skip = ours if report else set()  # run: ours anew
    planned = plan(evaluation.tables, evaluation.summaries, _params_cells(pkg, evaluation), skip=skip)
    cells = planned.cells
    failed = {f.sheet: f for f in planned.skipped}
    table_sheets = {t.form.sheet for t in evaluation.tables}
    for sheet, writes in planned.writes.items():  # one sheet that cannot be written costs that sheet
        if sheet in table_sheets:
            _set_or_skip(pkg, sheet, writes, changes, failed)
    if failed:  # a 表11 row then shows its values instead of following an unwritten sheet
        cells = not_on(failed, cells)
        summary_rows = {sheet: w for sheet, w in summary_writes(evaluation.tables, evaluation.summaries, cells).items()
                        if sheet not in skip}
    else:
        summary_rows = {sheet: w for sheet, w in planned.writes.items() if sheet not in table_sheets}
    for sheet, writes in summary_rows.items():
        _set_or_skip(pkg, sheet, writes, changes, failed)
    evaluation.scored.findings += failed.values()
    if report:
        for sheet in report_sheets(evaluation.tables, cells, evaluation.findings, pkg.sheet_names(),
                                   year=evaluation.year, summary_title=summary_title(pkg.sheet_names(), ours)):
            put_into_package(pkg, sheet)
    if changes or report:
        pkg.set_full_calc_on_load()
        _write_change_log(pkg, evaluation, changes)
    return changes


def default_output(path: Path, suffix: str) -> Path:
    return derived(path, "重算", suffix)


def recompute(path: str | Path, out: str | Path | None = None, rules: str | Path | None = None, *,
              in_place: bool = False, password: str | None = None, report: bool = False) -> Recomputed:
    """Formulas and cached values into a copy of the workbook (or the workbook itself with ``in_place``).

    An .xls or encrypted input is first turned into a plain .xlsx (LibreOffice, or decryption in memory):
    the result is always a new file, never written over such a file.  A new file is named for what its content
    is (.xlsm for a macro-enabled package, whatever the input is called).
    """
    path = Path(path)
    if out and not in_place:
        checked_output(Path(out), [path], in_place_option=True)
    if in_place:
        kind = sniff(path)
        if kind.format != "xlsx" or kind.encrypted:
            raise XlToolsError(f"{path.name} 是 .xls 或加密的工作簿，不能 --in-place 改写；请用 -o 写成新的 .xlsx")

        def edit(pkg: Package) -> tuple[Result, list[Change]]:  # on what was read, maybe read again
            evaluation = score(pkg.path, rules)
            return evaluation, apply(pkg, evaluation, report=report)

        saved = save_in_place(path, edit)
        evaluation, changes = saved.result
        evaluation.scored.file = str(path)
        return Recomputed(evaluation, path, changes, saved.backup)
    evaluation = score(path, rules, password=password)
    kind = sniff(path)
    if kind.format != "xlsx" or kind.encrypted:
        with tempfile.TemporaryDirectory(prefix="xl_tools_") as tmp:
            plain = Path(tmp) / "source.xlsx"
            plain.write_bytes(xlsx_for_writing(path, password=password).getvalue())
            return _to_new_file(plain, _target(path, out, plain), evaluation, report)
    return _to_new_file(path, _target(path, out, path), evaluation, report)


def _target(path: Path, out: str | Path | None, content: Path) -> Path:
    suffix = package_suffix(content)
    return content_checked(Path(out), [path], suffix, in_place_option=True) if out else default_output(path, suffix)


def _to_new_file(path: Path, target: Path, evaluation: Result, report: bool) -> Recomputed:
    pkg = Package.open(path)
    changes = apply(pkg, evaluation, report=report)
    return Recomputed(evaluation, pkg.save(target), changes)
