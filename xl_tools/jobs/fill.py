"""xl-tools fill: a returned collection sheet's values into the input cells, then the scores recomputed.

The writes are planned by ``core.matching``; conflicts, duplicates and rows that match nothing are listed, not
written; ``writing.write_scores`` then makes scores, 表11 and 变更记录 follow.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..core.matching import FillPlan, plan_fill
from ..outputs import checked_output, content_checked, derived, package_suffix
from ..reading.collection import read_collection
from .score import score
from .writing import put_values, write_scores


@dataclass
class Filled:
    plan: FillPlan
    path: Path | None
    """The written workbook, None when there was nothing to write."""
    backup: Path | None = None
    """The workbook as it was, with --in-place when something was written."""
    formulas_kept: list[str] = field(default_factory=list)
    """Cells (工作表!单元格) the sheet matched but that hold a formula, left as they are."""


def fill(path: str | Path, source: str | Path, out: str | Path | None = None, *, overwrite: bool = False,
         in_place: bool = False, rules: str | Path | None = None) -> Filled:
    """Write the collected values into the input cells, then recompute; conflicts are listed, not written."""
    from ..workbook.in_place import save_in_place
    from ..workbook.package import Package

    path, source = Path(path), Path(source)
    if out and not in_place:
        checked_output(Path(out), [path], in_place_option=True)
    collected = read_collection(source)

    kept: list[str] = []

    def write(pkg: Package, plan: FillPlan) -> None:
        changes, kept[:] = put_values(pkg, plan)
        with tempfile.TemporaryDirectory(prefix="xl_tools_") as tmp:  # the scores follow the filled values
            filled = pkg.save(Path(tmp) / f"filled{path.suffix}")
            write_scores(pkg, score(filled, rules), earlier=changes, report=True)  # as run leaves it

    def edit(pkg: Package) -> FillPlan:  # on what --in-place read, maybe read again after another's save
        plan = plan_fill(collected, score(pkg.path, rules).forms, overwrite=overwrite)
        if plan.writes:
            write(pkg, plan)
        return plan

    if in_place:
        saved = save_in_place(path, edit)
        return Filled(saved.result, path if saved.result.writes else None, saved.backup, kept)
    plan = plan_fill(collected, score(path, rules).forms, overwrite=overwrite)
    if not plan.writes:
        return Filled(plan, None)
    suffix = package_suffix(path)
    target = content_checked(Path(out), [path], suffix, in_place_option=True) if out else derived(path, "已填报", suffix)
    pkg = Package.open(path)
    write(pkg, plan)
    pkg.save(target)
    return Filled(plan, target, formulas_kept=kept)
