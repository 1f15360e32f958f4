"""How tall a row must be to show its wrapped text.  Excel does not fit the height of a row with merged cells,
nor of rows in a file it did not lay out itself (a file the toolkit writes), so texts longer than their column
overprint the next row or are cut off; the writers set the heights computed here.

Widths are Excel's column-width units (the width of "0" in the default font).  A CJK character of a 10-point
宋体 is about two units; LibreOffice's Noto and WPS's fonts run wider, so the estimate leaves a margin.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable

WIDE_UNITS = 2.1
"""Column-width units of one full-width character (CJK, full-width punctuation), with the margin."""
NARROW_UNITS = 1.1
CELL_PADDING_UNITS = 0.8
"""What a cell's inner margins take of its width."""
LINE_POINTS_PER_FONT_POINT = 1.4
"""Line height over font size (宋体 10 pt: Excel's default row of 13.5 pt holds one line)."""
PADDING_POINTS = 3.0


def text_units(text: str) -> float:
    return sum(WIDE_UNITS if unicodedata.east_asian_width(ch) in "WF" else NARROW_UNITS for ch in text)


def lines_needed(text: str, width: float) -> int:
    """Lines ``text`` wraps to in a cell ``width`` units wide (its own line breaks kept)."""
    room = max(width - CELL_PADDING_UNITS, 1.0)
    return sum(max(1, math.ceil(text_units(part) / room)) for part in text.split("\n"))


def row_height(cells: Iterable[tuple[str, float, int]], font_points: float = 10.0) -> float | None:
    """The height in points of a row whose cells are (text, width, rows the cell spans); None when one line is
    enough (the default height stays)."""
    line = font_points * LINE_POINTS_PER_FONT_POINT
    needed = max((lines_needed(text, width) * line / rows for text, width, rows in cells if text), default=0.0)
    return round(needed + PADDING_POINTS, 1) if needed > line else None


def fitted_heights(texts: Iterable[tuple[int, int, str, float]], width_of: Callable[[int], float],
                   merges: Iterable[tuple[int, int, int, int]]) -> dict[int, float]:
    """Row -> the height its wrapped texts need, for the rows one line is not enough for.  ``texts`` are (row,
    column, text, font points), ``merges`` (first row, first column, last row, last column): a merged range's text
    has its columns' width and shares its rows, the other cells of the range count for nothing."""
    spans = {(r1, c1): (c2 - c1 + 1, r2 - r1 + 1) for r1, c1, r2, c2 in merges}
    covered = {(r, c) for (r1, c1), (cols, rows) in spans.items()
               for r in range(r1, r1 + rows) for c in range(c1, c1 + cols)} - set(spans)
    by_row: dict[int, list[tuple[str, float, int, float]]] = {}
    for r, c, text, points in texts:
        if text and (r, c) not in covered:
            cols, rows = spans.get((r, c), (1, 1))
            by_row.setdefault(r, []).append((text, sum(width_of(c + i) for i in range(cols)), rows, points))
    heights = {}
    for r, cells in by_row.items():
        needed = row_height(((text, width, rows) for text, width, rows, _ in cells), max(p for *_, p in cells))
        if needed:
            heights[r] = needed
    return heights
