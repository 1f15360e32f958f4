"""recompute of a workbook of hundreds of sheets in two processes: each reads, scores and writes half the sheets,
and the first then writes what belongs to the whole workbook (表11, print areas, 变更记录) and saves.

The result is the file one process writes, byte for byte (tests/integration/test_two_processes.py).  Wherever
the halves cannot stand for the whole — a 参数 sheet under another name (its label rows change how every sheet
reads), a workbook without a styles part, a file saved again while it is read, a workbook past the size limit,
no process to be had, anything failing or refused — the caller recomputes in one process, which then reports
what is wrong exactly as it always does.  The second process is a fork: Linux only, and only in a process of one
thread that is no worker of a pool (a batch already keeps every core busy).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..core.cell_write import CellContent, CellValue, Change
from ..core.findings import Finding
from ..core.plan import TableCells
from ..core.scored import Table
from ..core.sheets.params import PARAMS_SHEET
from ..core.target import WorkbookTarget
from ..layouts.detect import Detected, detect
from ..reading import limits
from ..reading.package_guard import Kept
from ..workbook.package import Package, SheetsWritten
from .evaluation import Result, Scored, assemble, read_book, score_found
from .writing import TablesWritten, params_read, write_scores, write_tables

MIN_SHEETS = 20
"""Sheets from which a second process pays (template layout, medians of 5: 10 sheets 0.069 against 0.071 s in
one process, 25 sheets 0.12 against 0.16, 100 sheets 0.46 against 0.58; 表12 alike)."""


@dataclass
class _Scored:
    """The second process's sheets read and scored (its first message)."""

    scored: Scored
    cells: dict[str, int]
    """Sheet -> the cells of its used range (the book's limit is on the sum over both halves)."""


@dataclass
class _Written:
    """The second process's sheets written (its second message); table cells in the order of its tables."""

    changes: list[tuple[str, str, CellValue, str | None, CellValue, str | None, str]]
    """As plain tuples (``_flat``): a tenth of the time to pickle and load that ten thousand objects take."""
    cells: list[TableCells | None]
    print_columns: dict[str, int]
    planning_failed: dict[str, Finding]
    writing_failed: dict[str, Finding]
    sheets: SheetsWritten


class _HalfFailed(Exception):
    """The second process could not do its half: the workbook is recomputed in one."""


def worthwhile(sheets: int, *, force: bool = False) -> bool:
    """Whether two processes can and should recompute a workbook of ``sheets`` sheets (``force``: from two on)."""
    return (sheets >= (2 if force else MIN_SHEETS) and sys.platform == "linux" and hasattr(os, "fork")
            and len(os.sched_getaffinity(0)) >= 2 and threading.active_count() == 1
            and multiprocessing.parent_process() is None)


def recompute_in_two(path: Path, rules: str | Path | None, report: bool,
                     pkg: Package) -> tuple[Result, list[Change]] | None:
    """The workbook at ``path`` (a plain .xlsx, opened as ``pkg``) recomputed into ``pkg`` by two processes, for
    the caller to save; None when it must be recomputed in one (``pkg`` is then of no use)."""
    if not pkg.has_styles():  # the first's 参数 sheet would bring the styles the second's cells would not get
        return None
    names = pkg.sheet_names()
    first, second = set(names[:len(names) // 2]), set(names[len(names) // 2:])
    both = {PARAMS_SHEET} & set(names)  # its settings are every table's
    read_end, write_end = os.pipe()
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # no Ctrl-C between the fork and the try
    try:
        pid = os.fork()
    except OSError:  # no process to be had (a limit on processes, or memory)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            os.close(read_end)
            _second_half(write_end, path, rules, pkg, second, both)
        finally:
            os._exit(0)
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as channel:
            return _first_half(channel, path, rules, report, pkg, first, both)
    except Exception:  # _HalfFailed, or a refusal the one process words for the whole workbook
        return None
    finally:
        _reap(pid)


def _reap(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)  # done already, or no longer needed
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:  # reaped already: the program ignores SIGCHLD, or reaps its children itself
        pass


def _first_half(channel: IO[bytes], path: Path, rules: str | Path | None, report: bool, pkg: Package,
                own: set[str], both: set[str]) -> tuple[Result, list[Change]]:
    kept = Kept()
    book = read_book(path, keep=kept, only=own | both)
    mine = score_found(detect(book, own=own), rules)
    theirs = _message(channel, _Scored)
    if any(name != PARAMS_SHEET for name in mine.found.params_sheets + theirs.scored.found.params_sheets):
        raise _HalfFailed  # a 参数 sheet by its content: its label rows are for every sheet of the book
    cells = {**_measured(kept, pkg), **theirs.cells}
    if sum(cells.values()) > limits.MAX_BOOK_CELLS:
        raise _HalfFailed  # refused with the figures by the one process
    joined = _joined(mine, theirs.scored)
    if not joined.tables:  # nothing to recompute: said with the names of every sheet by the one process
        raise _HalfFailed
    evaluation = assemble(book, joined)
    if not pkg.adopt(kept):  # the file was saved again since it was opened: the halves may be of two versions
        raise _HalfFailed

    def tables_writer(target: WorkbookTarget, tables: Sequence[Table], params: dict[str, str]) -> TablesWritten:
        written = write_tables(target, mine.tables, params)
        pkg.set_aside()  # while the second process still writes
        half = _message(channel, _Written)
        pkg.take_sheets(half.sheets)
        later = [(t, c) for t, c in zip(theirs.scored.tables, half.cells) if c is not None]
        return TablesWritten(written.changes + [_change(*c) for c in half.changes],
                             {**written.cells, **dict(later)},
                             {**written.print_columns, **half.print_columns},
                             {**written.planning_failed, **half.planning_failed},
                             {**written.writing_failed, **half.writing_failed})

    return evaluation, write_scores(pkg, evaluation, report=report, tables_writer=tables_writer).changes


def _second_half(channel_fd: int, path: Path, rules: str | Path | None, pkg: Package, own: set[str],
                 both: set[str]) -> None:
    """Read, score and write the sheets ``own``, each step's result sent as soon as it is there."""
    with os.fdopen(channel_fd, "wb") as channel:
        try:
            kept = Kept()
            book = read_book(path, keep=kept, only=own | both)
            scored = score_found(detect(book, own=own), rules)
            pickle.dump(_Scored(scored, _measured(kept, pkg)), channel, pickle.HIGHEST_PROTOCOL)
            channel.flush()
            if not pkg.adopt(kept):
                raise _HalfFailed  # read from other bytes than the first process's package holds
            written = write_tables(pkg, scored.tables, params_read(pkg, scored.settings.rule_set))
            pickle.dump(_Written([_flat(c) for c in written.changes],
                                 [written.cells.get(t) for t in scored.tables], written.print_columns,
                                 written.planning_failed, written.writing_failed, pkg.written_sheets()),
                        channel, pickle.HIGHEST_PROTOCOL)
        except BaseException:  # the first process does it all then, and says what went wrong
            pickle.dump(None, channel)


def _flat(c: Change) -> tuple[str, str, CellValue, str | None, CellValue, str | None, str]:
    return c.sheet, c.ref, c.old.value, c.old.formula, c.new.value, c.new.formula, c.what


def _change(sheet: str, ref: str, old: CellValue, old_formula: str | None, new: CellValue, new_formula: str | None,
            what: str) -> Change:
    return Change(sheet, ref, CellContent(old, old_formula), CellContent(new, new_formula), what)


def _message(channel: IO[bytes], kind: type) -> object:
    try:
        message = pickle.load(channel)
    except (EOFError, pickle.UnpicklingError, OSError) as exc:  # the second process died (memory, a signal)
        raise _HalfFailed from exc
    if not isinstance(message, kind):
        raise _HalfFailed
    return message


def _measured(kept: Kept, pkg: Package) -> dict[str, int]:
    names = pkg.sheet_part_names()
    return {names[part]: shape.rows * shape.cols for part, (_, shape) in kept.sheets.items() if part in names}


def _joined(first: Scored, second: Scored) -> Scored:
    """The two halves as one workbook read in one go: everything in sheet order, the 参数 sheet's label findings
    once, at the front."""
    a, b = first.found, second.found
    found = Detected(forms=a.forms + b.forms, summaries=a.summaries + b.summaries, targets=a.targets + b.targets,
                     params=a.params, rule_set=a.rule_set,
                     findings=a.findings + b.findings[b.label_findings:], label_findings=a.label_findings,
                     params_sheets=a.params_sheets)
    return Scored(found, first.rule_set, first.settings, first.tables + second.tables,
                  first.skipped + second.skipped)

