"""xl-tools collect: the 完成值 collection sheet for the business sections."""

from __future__ import annotations

from pathlib import Path

from ..outputs import output_for
from .evaluation import Result
from .score import score


def collect(path: str | Path, out: str | Path | None = None, *, password: str | None = None) -> Path:
    """Every indicator and each project's 全年执行数, only 全年完成值 and 说明 open for typing (default output:
    <文件名>_采集表.xlsx beside the workbook)."""
    path = Path(path)
    target = output_for(path, out, "采集表", ".xlsx", "采集表")
    return write_collection(score(path, password=password), path.name, target)


def write_collection(evaluation: Result, workbook_name: str, target: Path) -> Path:
    """The collection sheet of a scored workbook (a file, or the book open in Excel: 导出采集表)."""
    from ..core.sheets.collection import collection_sheet
    from ..workbook.sheet_writer import write_file

    return write_file([collection_sheet(evaluation.forms, workbook_name)], target)
