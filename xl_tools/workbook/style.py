"""The look of every sheet the toolkit writes: 宋体, thin borders, A4 print setup."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from ..core.safe_text import cell_text
from ..core.sheets.spec import DEFAULT_WIDTH, FILLS, MARGINS_INCHES
from ..core.text_fit import fitted_heights

FONT = "宋体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
STYLE_FILLS = {style: PatternFill("solid", fgColor=color) for style, color in FILLS.items()}
HEADER_FILL, INPUT_FILL = STYLE_FILLS["header"], STYLE_FILLS["input"]
TITLE_FONT = Font(name=FONT, size=16, bold=True)
HEADER_FONT = Font(name=FONT, size=10, bold=True)
BODY_FONT = Font(name=FONT, size=10)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def set_value(cell, value: object) -> None:
    """Write a value into an openpyxl cell (normal or write-only), texts as ``core.safe_text`` decides: characters
    XML cannot carry shown as visible signs, and a text Excel would take for a formula ("=cmd|…", "+1+1",
    "=100%") stored as a string with quotePrefix, as Excel keeps '=100%, so that editing it keeps it text."""
    if not isinstance(value, str):
        cell.value = value
        return
    text, marked = cell_text(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl would make "=…" a formula and "#N/A" an error value
    if marked:
        cell.quotePrefix = True


def box(ws: Worksheet, ref: str, *, header: bool = False, align: Alignment = CENTER) -> None:
    """Border, font and alignment for every cell of a range (merged ones included)."""
    cells = ws[ref] if ":" in ref else ((ws[ref],),)
    for row in cells:
        for cell in row:
            cell.border = BORDER
            cell.font = HEADER_FONT if header else BODY_FONT
            cell.alignment = align
            if header:
                cell.fill = HEADER_FILL


def put(ws: Worksheet, ref: str, value: object, *, header: bool = False, align: Alignment = CENTER,
        number_format: str | None = None) -> None:
    """Write a value into a cell or a range to merge, styled as a form cell."""
    if ":" in ref:
        ws.merge_cells(ref)
        anchor = ref.split(":")[0]
    else:
        anchor = ref
    set_value(ws[anchor], value)
    if number_format:
        ws[anchor].number_format = number_format
    box(ws, ref, header=header, align=align)


def print_setup(ws: Worksheet, *, landscape: bool, title_rows: str | None = None) -> None:
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    for side, inches in MARGINS_INCHES.items():
        setattr(ws.page_margins, side, inches)
    if title_rows:
        ws.print_title_rows = title_rows


def widths(ws: Worksheet, columns: dict[str, float]) -> None:
    for col, width in columns.items():
        ws.column_dimensions[col].width = width


def fit_rows(ws: Worksheet) -> None:
    """Every row tall enough for its wrapped texts, merged cells included (``core.text_fit``: Excel fits neither
    those nor the rows of a file it did not lay out); a height already set larger is kept."""
    texts = ((cell.row, cell.column, cell.value, float(cell.font.sz or 10) if cell.font else 10.0)
             for row in ws.iter_rows() for cell in row if isinstance(cell.value, str))
    merges = [(r1, c1, r2, c2) for c1, r1, c2, r2 in (range_boundaries(str(m)) for m in ws.merged_cells.ranges)]

    def width_of(col: int) -> float:
        return ws.column_dimensions[get_column_letter(col)].width or DEFAULT_WIDTH

    for r, needed in fitted_heights(texts, width_of, merges).items():
        current = ws.row_dimensions[r].height
        if current is None or needed > current:
            ws.row_dimensions[r].height = needed
