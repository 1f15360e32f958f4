"""xl-tools summary: 表11 (and 表10) from one workbook or many, as a finance bureau collects them.

A file that cannot be read is listed in 校验结果 and the others are still summarised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.gathering import Gathered
from ..core.errors import XlToolsError, failure_reason
from ..outputs import checked_output
from .score import score


@dataclass
class Summarised:
    path: Path
    gathered: Gathered


def gather(paths: Sequence[str | Path], rules: str | Path | None = None) -> Gathered:
    """Every file's tables; a file that fails in any way (unreadable, or a failure on its data) is listed as
    skipped, naming it and the reason, and the others are still gathered."""
    out = Gathered()
    for path in map(Path, paths):
        try:
            evaluation = score(path, rules)
            out.add(path.name, evaluation.projects, evaluation.year)
        except Exception as exc:
            out.skip(path.name, failure_reason(exc))
    if not out.projects and not out.departments:
        raise XlToolsError("没有读到任何项目表；" + "；".join(f.message for f in out.findings))
    out.across_files()
    return out


def summary(paths: Sequence[str | Path], out: str | Path = "表11.xlsx", rules: str | Path | None = None) -> Summarised:
    """表11 with a 来源文件 column and a chart, 表10 when any workbook has a 部门整体 table, and 校验结果."""
    from ..workbook.summary_book import write_summary

    target = checked_output(Path(out), [Path(p) for p in paths], suffixes=(".xlsx",), what="汇总表")
    gathered = gather(paths, rules)
    return Summarised(write_summary(gathered, target), gathered)
