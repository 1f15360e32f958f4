"""The one way the core sees a workbook, whatever read it.

Backends (openpyxl now, calamine for speed, xlwings for live Excel) fill a
``Grid`` per sheet; layout readers only ever look at ``Grid`` and
``WorkbookGrid``.  A backend that cannot know something (calamine has no
number formats) leaves it ``None`` so the core can tell "unknown" from "none".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, TypeVar

from ..core.addresses import address_row_col, cell_address, column_letter, position

__all__ = ["CellRange", "Grid", "WorkbookGrid", "address_row_col", "cell_address", "column_letter", "position"]

T = TypeVar("T")


@dataclass(frozen=True)
class CellRange:
    """A rectangle of cells, 1-based and inclusive (a merged range)."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int

    def __contains__(self, rc: tuple[int, int]) -> bool:
        r, c = rc
        return self.min_row <= r <= self.max_row and self.min_col <= c <= self.max_col

    @property
    def address(self) -> str:
        return f"{cell_address(self.min_row, self.min_col)}:{cell_address(self.max_row, self.max_col)}"


@dataclass
class Grid:
    """One sheet's cells as plain data.

    ``formats`` and ``formulas`` are ``None`` when the backend cannot see them.  ``formats`` holds the number
    formats of numeric and date cells other than General: a format changes what a number means (0.95 in a
    percent cell is 95 %), while Excel shows text as typed whatever its cell's format.  The file readers also
    give an empty cell's format (what a number typed there will look like); ``empty_formats`` is False where
    only the cells holding a value were asked (Excel through COM), and an empty cell's format is then unknown.
    """

    name: str
    values: dict[tuple[int, int], Any] = field(default_factory=dict)
    formats: dict[tuple[int, int], str] | None = field(default_factory=dict)
    formulas: set[tuple[int, int]] | None = field(default_factory=set)
    merged: list[CellRange] = field(default_factory=list)
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    names: dict[str, CellRange] = field(default_factory=dict)
    """Defined names that point into this sheet (sheet-scoped or global)."""
    empty_formats: bool = True

    def __post_init__(self) -> None:
        self._index_merges()

    def _index_merges(self) -> None:
        """Anchor of every merged cell inside the cells that hold values; ranges reaching further (one merge
        over L1:XFD1048576 is 17 billion cells) are kept as ranges and searched only for cells out there."""
        rows, cols = self._extent() if self.merged else (0, 0)
        self._box = (rows, cols)
        self._merge_anchor: dict[tuple[int, int], tuple[int, int]] = {}
        self._beyond: list[CellRange] = []
        for rng in self.merged:
            anchor = (rng.min_row, rng.min_col)
            for r in range(rng.min_row, min(rng.max_row, rows) + 1):
                for c in range(rng.min_col, min(rng.max_col, cols) + 1):
                    self._merge_anchor[(r, c)] = anchor
            if rng.max_row > rows or rng.max_col > cols:
                self._beyond.append(rng)

    def _anchor(self, row: int, col: int) -> tuple[int, int] | None:
        """The anchor of the merged range holding (row, col), or None if it is in none."""
        found = self._merge_anchor.get((row, col))
        if found is None and self._beyond and (row > self._box[0] or col > self._box[1]):
            return next(((rng.min_row, rng.min_col) for rng in self._beyond if (row, col) in rng), None)
        return found

    def add_merge(self, rng: CellRange) -> None:
        self.merged.append(rng)
        self._index_merges()

    @property
    def max_row(self) -> int:
        return self._extent()[0]

    @property
    def max_col(self) -> int:
        return self._extent()[1]

    def derived(self, key: str, build: Callable[["Grid"], T]) -> T:
        """``build(self)``, kept until the number of values changes: layout readers ask for the same facts
        (extent, non-empty cells, labels by row) thousands of times, and backends fill ``values`` before any
        reader looks."""
        cache = self.__dict__.setdefault("_derived", {})
        hit = cache.get(key)
        if hit is None or hit[0] != len(self.values):
            hit = cache[key] = (len(self.values), build(self))
        return hit[1]

    def _extent(self) -> tuple[int, int]:
        """(last row, last column) with a value."""
        return self.derived("extent", lambda g: (max((r for r, _ in g.values), default=0),
                                                 max((c for _, c in g.values), default=0)))

    def value(self, row: int, col: int) -> Any:
        """The cell's value; a cell inside a merged range shows its anchor's."""
        anchor = self._merge_anchor.get((row, col))  # inline: the readers' hottest call
        if anchor is None:
            anchor = self._anchor(row, col) if self._beyond else None
        return self.values.get(anchor or (row, col))

    def own_value(self, row: int, col: int) -> Any:
        """The value stored in this very cell (None inside a merge)."""
        return self.values.get((row, col))

    def number_format(self, row: int, col: int) -> str | None:
        """The cell's number format; None when it cannot be known."""
        cell = self._anchor(row, col) or (row, col)
        if self.formats is None or (not self.empty_formats and cell not in self.values):
            return None
        return self.formats.get(cell, "General")

    def is_formula(self, row: int, col: int) -> bool | None:
        if self.formulas is None:
            return None
        return (row, col) in self.formulas

    def merge_of(self, row: int, col: int) -> CellRange | None:
        anchor = self._anchor(row, col)
        if anchor is None:
            return None
        for rng in self.merged:
            if (rng.min_row, rng.min_col) == anchor:
                return rng
        return None

    def anchor(self, row: int, col: int) -> tuple[int, int]:
        """The cell whose value (row, col) shows: the first cell of its merged range, else itself."""
        return self._anchor(row, col) or (row, col)

    def is_merge_anchor_or_plain(self, row: int, col: int) -> bool:
        return self.anchor(row, col) == (row, col)

    def is_empty(self) -> bool:
        """Nothing but blanks in the whole sheet."""
        return next(self.iter_nonempty(), None) is None

    def row_values(self, row: int) -> list[Any]:
        """Values of one row from column 1 to ``max_col`` (merges resolved)."""
        return [self.value(row, c) for c in range(1, self.max_col + 1)]

    def iter_nonempty(self) -> Iterator[tuple[int, int, Any]]:
        """Cells with something in them, row by row."""
        return iter(self.derived("nonempty", lambda g: [
            (r, c, v) for (r, c), v in sorted(g.values.items())
            if v is not None and not (isinstance(v, str) and not v.strip())]))


@dataclass
class WorkbookGrid:
    """All sheets of one file, in workbook order."""

    path: str
    sheets: list[Grid]
    backend: str

    def sheet(self, name: str) -> Grid | None:
        for g in self.sheets:
            if g.name == name:
                return g
        return None
