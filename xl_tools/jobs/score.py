"""xl-tools score: read and score a workbook, write nothing."""

from __future__ import annotations

from pathlib import Path

from .gc_thresholds import fewer_collections
from .evaluation import Result, evaluate_book, read_book


@fewer_collections()
def score(path: str | Path, rules: str | Path | None = None, *, password: str | None = None) -> Result:
    """Every table of the workbook scored under ``rules`` (a built-in rule set's name or a .toml file; None: the
    one the workbook's 参数 sheet names, else default), with its findings."""
    return evaluate_book(read_book(path, password=password), rules)
