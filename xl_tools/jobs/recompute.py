"""xl-tools recompute (and the writing half of run): the plan's formulas into a copy of the workbook, losslessly.

Everything else in the file is left byte for byte (``workbook.package``); 变更记录 lists the changes.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..core.cell_write import Change
from ..core.errors import XlToolsError
from ..outputs import checked_output, content_checked, derived, package_suffix
from ..reading.open import sniff
from ..reading.package_guard import Kept
from ..workbook.in_place import save_in_place
from ..workbook.package import Package
from ..workbook.plain import xlsx_for_writing
from .gc_thresholds import fewer_collections
from .evaluation import Result
from .score import score
from .two_processes import recompute_in_two, worthwhile
from .writing import write_scores


@dataclass
class Recomputed:
    evaluation: Result
    path: Path
    changes: list[Change]
    backup: Path | None = None
    """The workbook as it was, with ``in_place`` when something was written."""


def default_output(path: Path, suffix: str) -> Path:
    return derived(path, "重算", suffix)


@fewer_collections()
def recompute(path: str | Path, out: str | Path | None = None, rules: str | Path | None = None, *,
              in_place: bool = False, password: str | None = None, report: bool = False,
              processes: int | None = None) -> Recomputed:
    """Formulas and cached values into a copy of the workbook (or the workbook itself with ``in_place``).

    An .xls or encrypted input is first turned into a plain .xlsx (LibreOffice, or decryption in memory):
    the result is always a new file, never written over such a file.  A new file is named for what its content
    is (.xlsm for a macro-enabled package, whatever the input is called).  ``processes``: 1 for one process
    (a worker of a batch), 2 for two wherever they can (``two_processes``), None for two where they pay.
    """
    path = Path(path)
    if out and not in_place:
        checked_output(Path(out), [path], in_place_option=True)
    if in_place:
        kind = sniff(path)
        if kind.format != "xlsx" or kind.encrypted:
            raise XlToolsError(f"{path.name} 是 .xls 或加密的工作簿，不能 --in-place 改写；请用 -o 写成新的 .xlsx")

        def edit(pkg: Package) -> tuple[Result, list[Change]]:  # on what was read, maybe read again
            kept = Kept()
            evaluation = score(pkg.path, rules, keep=kept)
            pkg.adopt(kept)
            return evaluation, write_scores(pkg, evaluation, report=report).changes

        saved = save_in_place(path, edit)
        evaluation, changes = saved.result
        evaluation.scored.file = str(path)
        return Recomputed(evaluation, path, changes, saved.backup)
    kind = sniff(path)
    if kind.format == "xlsx" and not kind.encrypted and (done := _in_two(path, out, rules, report, processes)):
        return done
    kept = Kept()
    evaluation = score(path, rules, password=password, keep=kept)
    if kind.format != "xlsx" or kind.encrypted:
        with tempfile.TemporaryDirectory(prefix="xl_tools_") as tmp:
            plain = Path(tmp) / "source.xlsx"
            plain.write_bytes(xlsx_for_writing(path, password=password).getvalue())
            return _to_new_file(plain, _target(path, out, plain), evaluation, report, kept)
    return _to_new_file(path, _target(path, out, path), evaluation, report, kept)


def _in_two(path: Path, out: str | Path | None, rules: str | Path | None, report: bool,
            processes: int | None) -> Recomputed | None:
    """The new file written by two processes, where they pay (``two_processes``); None where they do not."""
    if processes == 1:
        return None
    try:
        pkg = Package.open(path)
        if not worthwhile(len(pkg.sheet_names()), force=processes == 2):
            return None
        target = _target(path, out, path)
    except XlToolsError:  # said as, and when, the one process says it (after reading the workbook)
        return None
    done = recompute_in_two(path, rules, report, pkg)
    return None if done is None else Recomputed(done[0], pkg.save(target), done[1])


def _target(path: Path, out: str | Path | None, content: Path) -> Path:
    suffix = package_suffix(content)
    return content_checked(Path(out), [path], suffix, in_place_option=True) if out else default_output(path, suffix)


def _to_new_file(path: Path, target: Path, evaluation: Result, report: bool, kept: Kept) -> Recomputed:
    pkg = Package.open(path)
    pkg.adopt(kept)  # the sheets as read, unless the file changed since (or was decrypted or converted)
    changes = write_scores(pkg, evaluation, report=report).changes
    return Recomputed(evaluation, pkg.save(target), changes)
