"""What the toolkit writes into one cell, apart from any writer: the package editor and live Excel take it.

Kept in its own module so the ribbon can plan writes without importing the package editor (lxml, openpyxl).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

CellValue = float | int | str | bool | None


@dataclass(frozen=True)
class CellWrite:
    """What one cell should hold: a constant, or a formula with the cached value readers without an engine see."""

    value: CellValue = None
    formula: str | None = None
    """Without the leading "="; function names and separators as stored in the file (English, commas)."""
    style_of: str | None = None
    """A cell of the same sheet whose style a new cell takes (an existing cell keeps its own)."""
    label: str = ""
    """What the cell is (「参保人数」指标得分), for the change log."""
    number_format: str | None = None
    """A number format the cell is given with its content (a 执行率 written as a fraction where the cell's own
    format could not be read is shown as a percentage); None keeps the cell's own."""

    def __post_init__(self) -> None:
        if self.formula is not None and self.formula.startswith("="):
            raise ValueError(f"公式不带等号：{self.formula}")
        if isinstance(self.value, float) and not math.isfinite(self.value):
            raise ValueError(f"不能写入 {self.value}")
        if not isinstance(self.value, (float, int, str, bool, type(None))):
            raise TypeError(f"不能写入 {type(self.value).__name__} 类型的值")


class CellContent(NamedTuple):
    """What a cell holds as a change log records it: its (cached) value and its formula, if any."""

    value: CellValue
    formula: str | None


@dataclass(frozen=True)
class Change:
    """A cell whose content really changed, for the change log."""

    sheet: str
    ref: str
    old: CellContent
    new: CellContent
    what: str = ""


def same_content(old: CellContent, new: CellContent) -> bool:
    """Equal as cell contents: 1 and 1.0 are, True and 1 are not."""
    if old.formula != new.formula:
        return False
    a, b = old.value, new.value
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        return a == b
    return type(a) is type(b) and a == b
