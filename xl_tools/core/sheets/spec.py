"""A sheet as data: cells with named styles, and the sheet-wide settings both writers carry out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import KW_ONLY, dataclass, field

from ..addresses import address_row_col, column_letter
from ..cell_write import CellValue, CellWrite
from ..rounding import excel_round, fmt_number
from ..text_fit import fitted_heights

FILLS = {"header": "D9E1F2", "input": "FFF2CC", "error": "F8CBAD", "warning": "FFE699", "info": "DDEBF7"}
BOLD = frozenset({"title", "header"})
BORDERED = frozenset({"header", "body", "left", "link", "input", "error", "warning", "info"})
"""The named styles, as every writer draws them.  title: large bold; note: a plain wrapped line; plain: no border
(a change log's rows); header: bold on its fill; body: centred; left, link (a link's colour), input (on its fill,
unlocked): left-aligned; error / warning / info: a finding's level on its colour.  Bordered ones wrap."""

UNWRAPPED = frozenset({"title", "plain"})
"""The styles whose text stays on one line (a title, a change log's rows)."""
DEFAULT_WIDTH = 8.43
"""Excel's width of a column nobody sized."""
BODY_POINTS = 10.0
"""The font size of every style but the title."""

AMOUNT, PERCENT, SCORE = "#,##0.00", "0.00%", "0.00"


@dataclass(frozen=True, slots=True)
class Cell:
    value: CellValue = None
    _: KW_ONLY
    formula: str | None = None
    """Without "="; ``value`` is then its cached result."""
    style: str = "body"
    number_format: str | None = None
    link: str | None = None
    """A place in the same workbook ('项目 1'!H13) the cell links to."""

    @classmethod
    def of(cls, write: CellWrite | CellValue, style: str = "body", number_format: str | None = None) -> Cell:
        if isinstance(write, CellWrite):
            return cls(write.value, formula=write.formula, style=style, number_format=number_format)
        return cls(write, style=style, number_format=number_format)


MARGINS_INCHES = {"left": 0.5, "right": 0.5, "top": 0.6, "bottom": 0.6}
"""Every toolkit sheet prints on A4, one page wide, centred, within these margins."""


CHART_PAGE_CM = 16.0
"""The height a chart may take on a landscape A4 page of its own."""


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart of one column by another, under the table, printed on a page of its own; the bars
    in the table's order (the first row on top), every bar labelled, both axes shown."""

    title: str
    axis_title: str
    values_column: int
    categories_column: int
    first_row: int
    last_row: int
    anchor: str
    width_cm: float = 24

    @property
    def height_cm(self) -> float:
        """Tall enough for every bar's label (0.9 cm a bar, 3 cm for the title and axis), within the page it is
        printed on alone (A4 landscape less the margins and a repeated header row)."""
        return min(max(7.5, 0.9 * (self.last_row - self.first_row + 1) + 3), CHART_PAGE_CM)

    @property
    def anchor_row(self) -> int:
        """The row the chart starts at: a new printed page begins there."""
        return address_row_col(self.anchor)[0]


@dataclass(frozen=True)
class Validation:
    """Typing rules for cells: a decimal at least 0, or a text of at most so many characters."""

    kind: str  # "amount" | "text"
    cells: tuple[str, ...]
    title: str
    message: str


@dataclass
class Sheet:
    title: str
    rows: Iterable[Sequence[Cell | None]]
    """From A1, one sequence per row; an iterator for sheets too long to hold (read once)."""
    widths: dict[str, float] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)
    freeze: str | None = None
    print_titles: str | None = None
    """Rows repeated on every printed page ("3:3")."""
    landscape: bool = False
    auto_filter: str | None = None
    chart: Chart | None = None
    protected: bool = False
    """Locked but for the input cells, without a password: keeps labels and rows from being changed by accident."""
    hidden: bool = False
    """A working sheet (参数, 变更记录): hidden, so printing the whole workbook (Excel, WPS) or converting it to PDF
    (LibreOffice) leaves it out; 右键工作表标签 → 取消隐藏 shows it."""
    validations: list[Validation] = field(default_factory=list)
    plain_rows: Sequence[Sequence[CellValue]] = ()
    """Rows of bare values under ``rows``, in the ``plain`` style: a change log's tens of thousands, which the
    package writer serialises as they are rather than as a ``Cell`` each."""

    def row_heights(self) -> dict[int, float]:
        """``heights``, and every other row tall enough for its wrapped texts (``core.text_fit``: neither Excel
        nor LibreOffice fits a row with merged cells, nor the rows of a file it did not lay out); a sheet whose
        rows are an iterator keeps ``heights`` alone."""
        if not isinstance(self.rows, Sequence):
            return dict(self.heights)
        texts = ((r, c, cell.value, BODY_POINTS) for r, cells in enumerate(self.rows, start=1)
                 for c, cell in enumerate(cells, start=1)
                 if cell is not None and isinstance(cell.value, str) and cell.style not in UNWRAPPED)
        merges = [(*address_row_col(first), *address_row_col(last)) for first, last in
                  (ref.split(":") for ref in self.merges)]
        fitted = fitted_heights(texts, lambda col: self.widths.get(column_letter(col), DEFAULT_WIDTH), merges)
        heights = dict(self.heights)
        heights.update({r: height for r, height in fitted.items() if height > heights.get(r, 0)})
        return heights

    def all_rows(self) -> Iterator[Sequence[Cell | None]]:
        """``rows``, then ``plain_rows`` as cells: for the writers that style cell by cell."""
        yield from self.rows
        for values in self.plain_rows:
            yield [Cell(value, style="plain") for value in values]


def row(values: Sequence[CellWrite | CellValue], style: str = "body",
        formats: Sequence[str | None] = ()) -> list[Cell]:
    """Cells of one style from plain values (or ``CellWrite``s), with a number format per column."""
    formats = list(formats) + [None] * (len(values) - len(formats))
    return [Cell.of(v, style, f) for v, f in zip(values, formats)]


def shown(cell: Cell | None) -> str:
    """A cell as Excel shows it under the toolkit's own number formats, for a document that prints a sheet's
    description (the report's 表11); an empty cell is "—"."""
    value = None if cell is None else cell.value
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if cell.number_format == PERCENT:
        return f"{excel_round(value * 100, 2):.2f}%"
    if cell.number_format in (AMOUNT, SCORE):
        return f"{excel_round(value, 2):{',' if cell.number_format == AMOUNT else ''}.2f}"
    return fmt_number(value)

