"""Cells whose content cannot be used at all, whatever it was meant to say.

An Excel error value (#DIV/0!, #N/A …) or a formula saved without its result
is a problem of the cell, not of what the user wrote, so it gets a finding
saying what to fix in Excel instead of the generic "not a number" or "missing".
Everything that reads a number cell of a form asks here first.
"""

from __future__ import annotations

from .model import MARKERS, RawCell
from .values import EXCEL_ERRORS, excel_error


def unusable(raw: RawCell, field: str) -> tuple[str, dict[str, object]] | None:
    """The finding code and its parameters when ``raw`` holds no usable value, else None."""
    error = excel_error(raw.value)
    if error is not None:
        return "CELL_ERROR_VALUE", {"field": field, "error": error, "meaning": EXCEL_ERRORS[error]}
    if raw.value is None and raw.is_formula:
        return "FORMULA_NOT_CACHED", {"field": field}
    return None


def marker(raw: RawCell) -> bool:
    """A text the toolkit's formulas show instead of a number (未填完, 请重新计算): read back from a workbook the
    toolkit wrote, it is no score the unit claimed."""
    return isinstance(raw.value, str) and raw.value.strip() in MARKERS
