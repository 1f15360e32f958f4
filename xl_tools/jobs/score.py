"""xl-tools score: read and score a workbook, write nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .gc_thresholds import fewer_collections
from .evaluation import Result, evaluate_book, read_book

if TYPE_CHECKING:
    from ..reading.package_guard import Kept


@fewer_collections()
def score(path: str | Path, rules: str | Path | None = None, *, password: str | None = None,
          keep: Kept | None = None) -> Result:
    """Every table of the workbook scored under ``rules`` (a built-in rule set's name or a .toml file; None: the
    one the workbook's 参数 sheet names, else default), with its findings; ``keep`` as ``read_book`` takes it."""
    return evaluate_book(read_book(path, password=password, keep=keep), rules)
