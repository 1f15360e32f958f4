"""How much of a workbook the toolkit will read, and the one-line refusal when a file asks for more.

Every limit is far above the largest real form and far below what would hurt the
machine: a bureau opens hundreds of files from units it does not control, and a
15 KB file can ask a reader for gigabytes (one merged range over the whole grid,
one cell in row 1,048,576, a shared-string table that declares four billion
entries).  ``package_guard`` measures the package against these before any
reader allocates; the .xls reader checks its sheets as it parses them.
Tests lower the limits through this module's attributes, so callers read them
here at call time.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import TooLarge
from .grid import CellRange, column_letter

# The largest real forms: a whole unit's export stacked in one sheet, a few thousand rows by
# 11 to 20 columns (under 100,000 cells); a 表11 of a thousand projects is 10,000.  200,000
# cells of used range (rows × columns from A1) is beyond any of them and still loads in a few
# seconds and a few hundred MB.
MAX_SHEET_CELLS = 200_000
MAX_CELL_ELEMENTS = 2 * MAX_SHEET_CELLS
"""<c> elements in one sheet: more than its used range can hold only when cells repeat an address."""
MAX_BOOK_CELLS = 5_000_000
"""Used ranges of all sheets together: a 500-project workbook has about 250,000."""
MAX_MERGED_CELLS = 1_000_000
"""Cells covered by the merged ranges of one sheet (openpyxl makes an object for each; forms merge a few
thousand)."""
# A sheet part of 200,000 cells is about 10 MB of XML; 100 MB only comes from a runaway sheet
# (or long texts in a huge range).
MAX_SHEET_XML_BYTES = 100 * 2**20
MAX_SHARED_STRINGS_BYTES = 100 * 2**20
MAX_SHARED_STRINGS = 1_000_000
"""Distinct texts of a workbook (declared and actual): a 500-project workbook has under 100,000."""
MAX_XML_PART_BYTES = 16 * 2**20
"""Any other part the toolkit parses (workbook, relationships, styles, content types): real ones are under 1 MB."""
MAX_CELL_FORMATS = 65_490
"""Excel's own limit on distinct cell formats in a workbook."""
MAX_PART_BYTES = 256 * 2**20
"""Any part at all, pictures included (a scanned page is a few MB)."""
MAX_PACKAGE_BYTES = 512 * 2**20
"""All parts of a package together, uncompressed."""
MAX_PARTS = 20_000
"""Entries in the zip: a 500-sheet workbook has about 1,500."""
MAX_RATIO = 300
"""Uncompressed / compressed size of a part over 1 MB: XML compresses 10 to 100 times, a zip bomb 1,000."""
RATIO_CHECKED_ABOVE = 2**20
MAX_FILE_BYTES = 200 * 2**20
"""The file itself, read into memory whole: real forms are under 5 MB, under 20 MB with pictures."""
# An .xls cannot be measured before xlrd parses it, so the file size bounds it: real forms
# are well under 5 MB (under 20 MB with pictures).
MAX_XLS_BYTES = 50 * 1024 * 1024

ADVICE = "请删除表格以外多余的行列（或把自评表复制到新工作簿）后再试"
_NOT_A_FORM = "这不像正常的自评表（可能已损坏或被故意构造）；请向报送单位索取原文件，或在 Excel/WPS 中打开后另存为新文件再试"


def refuse(file_name: str, what: str, advice: str = _NOT_A_FORM) -> TooLarge:
    """The one-line refusal: the file, what in it is too large, what to do."""
    return TooLarge(f"{file_name} {what}，未读取；{advice}")


def check_file_size(path: Path, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise refuse(path.name, f"过大（{size / 2**20:.0f} MB，上限 {MAX_FILE_BYTES // 2**20} MB）", ADVICE)


def check_xls_size(path: Path, size: int) -> None:
    if size > MAX_XLS_BYTES:
        raise refuse(path.name, f"过大（{size / 2**20:.0f} MB，.xls 上限 {MAX_XLS_BYTES // 2**20} MB）", ADVICE)


def check_used_range(file_name: str, sheet: str, rows: int, cols: int) -> None:
    """Refuse a sheet whose used range (from A1 to its last row and column) passes the limit."""
    if rows * cols > MAX_SHEET_CELLS:
        raise refuse(file_name, f"的工作表「{sheet}」使用范围过大（至 {_address(rows, cols)}，"
                                f"约 {rows * cols:,} 个单元格，上限 {MAX_SHEET_CELLS:,}）", ADVICE)


def check_merged(file_name: str, sheet: str, merged: list[CellRange]) -> None:
    """Refuse a sheet whose merged ranges cover more cells than any form (a reader may expand each cell)."""
    area = sum((m.max_row - m.min_row + 1) * (m.max_col - m.min_col + 1) for m in merged)
    if area > MAX_MERGED_CELLS:
        widest = max(merged, key=lambda m: (m.max_row - m.min_row + 1) * (m.max_col - m.min_col + 1))
        raise refuse(file_name, f"的工作表「{sheet}」合并单元格覆盖 {area:,} 个单元格（如 {widest.address}，"
                                f"上限 {MAX_MERGED_CELLS:,}）", "请取消表格以外多余的合并单元格后再试")


def _address(rows: int, cols: int) -> str:
    return f"{column_letter(cols)}{rows}" if cols <= 16384 and rows <= 1048576 else f"第 {rows:,} 行第 {cols:,} 列"
