"""Refuse an enormous sheet before a backend loads it, so memory and time stay bounded.

openpyxl builds an object per cell of a sheet's used range and the calamine
backend a row per row of it, so one stray value in row 1,048,576 costs
gigabytes.  The guard reads the package instead: the uncompressed size each
sheet part declares, then the cell references in the part, streamed in
chunks and given up on as soon as the used range passes the limit.  The
``<dimension>`` element is not trusted: it is optional and some writers
leave it stale.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import IO

from ..errors import WorkbookReadError
from .grid import column_letter
from .ooxml import sheet_parts

# The largest real forms: a whole unit's export stacked in one sheet, a few thousand rows by
# 11 to 20 columns (under 100,000 cells); a 表11 of a thousand projects is 10,000.  200,000
# cells of used range (rows × columns from A1) is beyond any of them and still loads in a few
# seconds and a few hundred MB.
MAX_SHEET_CELLS = 200_000
# A sheet part of 200,000 cells is about 10 MB of XML; 100 MB only comes from a runaway sheet
# (or long texts in a huge range), and the size is known from the zip directory without reading.
MAX_SHEET_XML_BYTES = 100 * 1024 * 1024
# An .xls cannot be measured before xlrd parses it, so the file size bounds it: real forms
# are well under 5 MB (under 20 MB with pictures).
MAX_XLS_BYTES = 50 * 1024 * 1024

_ADVICE = "请删除表格以外多余的行列（或把自评表复制到新工作簿）后再试"
_CHUNK = 1 << 20
_OVERLAP = 256  # longer than any <c ...> start tag, so a tag cut by a chunk boundary is seen whole
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')


def check_xlsx_sheets(zf: zipfile.ZipFile, file_name: str) -> list[tuple[str, str]]:
    """Raise a one-line message naming the first sheet that is too large to read; else the sheet parts
    (``ooxml.sheet_parts``), so a reader after the guard need not look them up again."""
    from lxml.etree import XMLSyntaxError

    try:
        return _check_parts(zf, file_name)
    except (KeyError, XMLSyntaxError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise WorkbookReadError(f"{file_name} 已损坏或格式不正确，无法读取（{type(exc).__name__}）") from exc


def _check_parts(zf: zipfile.ZipFile, file_name: str) -> list[tuple[str, str]]:
    names = set(zf.namelist())
    parts = sheet_parts(zf)
    for sheet, part in parts:
        if part not in names:
            continue
        size = zf.getinfo(part).file_size
        if size > MAX_SHEET_XML_BYTES:
            raise WorkbookReadError(
                f"{file_name} 的工作表「{sheet}」过大（表格数据 {size / 2**20:.0f} MB，上限 "
                f"{MAX_SHEET_XML_BYTES // 2**20} MB），未读取；{_ADVICE}")
        with zf.open(part) as fh:
            far = _used_range_beyond_limit(fh)
        if far is not None:
            check_used_range(file_name, sheet, *far)
    return parts


def check_xls_size(path: Path, size: int) -> None:
    if size > MAX_XLS_BYTES:
        raise WorkbookReadError(
            f"{path.name} 过大（{size / 2**20:.0f} MB，.xls 上限 {MAX_XLS_BYTES // 2**20} MB），未读取；{_ADVICE}")


def check_used_range(file_name: str, sheet: str, rows: int, cols: int) -> None:
    """Refuse a sheet whose used range (from A1 to its last row and column) passes the limit."""
    if rows * cols > MAX_SHEET_CELLS:
        raise WorkbookReadError(
            f"{file_name} 的工作表「{sheet}」使用范围过大（至 {column_letter(cols)}{rows}，"
            f"约 {rows * cols:,} 个单元格，上限 {MAX_SHEET_CELLS:,}），未读取；{_ADVICE}")


def _used_range_beyond_limit(fh: IO[bytes]) -> tuple[int, int] | None:
    """(rows, columns) of the used range once it passes the limit; None if the whole part stays within."""
    max_row = max_col = 0
    tail = b""
    while chunk := fh.read(_CHUNK):
        buf = tail + chunk
        refs = _CELL_REF.findall(buf)
        if refs:  # few distinct column letters: convert each once
            max_row = max(max_row, max(int(digits) for _, digits in refs))
            max_col = max(max_col, max(_column_number(letters) for letters in {lt for lt, _ in refs}))
        if max_row * max_col > MAX_SHEET_CELLS:
            return max_row, max_col
        tail = buf[-_OVERLAP:]
    return None


def _column_number(letters: bytes) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ch - 64
    return col
