"""xl-tools report: the narrative 绩效自评报告 (.docx) of a workbook."""

from __future__ import annotations

from pathlib import Path

from ..narrative import Report, build_report, workbook_texts
from ..outputs import output_for
from ..reading.grid import WorkbookGrid
from .evaluation import Result, evaluate_book, read_book


def document(book: WorkbookGrid, evaluation: Result) -> Report:
    """The report's text from a read and scored workbook (the unit and goals are read from its grid)."""
    return build_report(evaluation.scored, evaluation.tables, workbook_texts(book, evaluation.forms))


def report(path: str | Path, out: str | Path | None = None, rules: str | Path | None = None, *,
           password: str | None = None) -> Path:
    """The .docx beside the workbook (<文件名>_自评报告.docx) unless ``out`` says where; the workbook is not changed."""
    path = Path(path)
    target = output_for(path, out, "自评报告", ".docx", "报告")
    book = read_book(path, password=password)
    return write_report(book, evaluate_book(book, rules), target)


def write_report(book: WorkbookGrid, evaluation: Result, target: Path) -> Path:
    """The report of a read and scored workbook (a file, or the book open in Excel: 生成报告)."""
    from ..adapters.docx_report import write_docx

    return write_docx(document(book, evaluation), target)
