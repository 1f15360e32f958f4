"""Results as pandas tables for analysts: one row per table or per indicator, numbers as numbers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..core.model import ProjectResult

if TYPE_CHECKING:
    import pandas

PROJECT_COLUMNS = ("file", "sheet", "name", "code", "type", "layout", "unit", "budget", "executed", "execution_rate",
                   "execution_weight", "execution_score", "weight_total", "indicator_score", "total",
                   "claimed_total", "grade")
INDICATOR_COLUMNS = ("file", "sheet", "project", "cell", "level1", "level2", "name", "kind", "direction",
                     "target_text", "actual_text", "target", "actual", "unit", "weight", "deviation", "coefficient",
                     "score", "claimed_score", "band")
NUMBERS = frozenset({"budget", "executed", "execution_rate", "execution_weight", "execution_score", "weight_total",
                     "indicator_score", "total", "claimed_total", "target", "actual", "weight", "deviation",
                     "coefficient", "score", "claimed_score"})


def projects_frame(projects: Iterable[tuple[str, ProjectResult]]) -> pandas.DataFrame:
    """(file, project) pairs as rows; amounts in 万元 and rates in percent, as in the JSON."""
    return _frame([{**_fields(p, PROJECT_COLUMNS), "file": file} for file, p in projects], PROJECT_COLUMNS)


def indicators_frame(projects: Iterable[tuple[str, ProjectResult]]) -> pandas.DataFrame:
    rows = [{**_fields(i, INDICATOR_COLUMNS), "file": file, "sheet": p.sheet, "project": p.name}
            for file, p in projects for i in p.indicators]
    return _frame(rows, INDICATOR_COLUMNS)


def _fields(obj: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    return {c: getattr(obj, c) for c in columns if hasattr(obj, c)}


def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pandas.DataFrame:
    """Numbers as float64 (a missing one NaN), everything else as text (a missing one <NA>)."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(columns))
    return frame.astype({c: "float64" if c in NUMBERS else "string" for c in columns})
