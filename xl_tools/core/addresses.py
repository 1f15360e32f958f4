"""A1 cell addresses and their row/column numbers, without openpyxl: readers, plans and writers share them."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=1024)
def column_letter(col: int) -> str:
    """Excel column letters of a 1-based column (kept here so the core does not import openpyxl); cached, as
    every cell a reader reports is named by its address."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_ADDRESS = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


@lru_cache(maxsize=4096)
def position(ref: str) -> tuple[int, int] | None:
    """(row, column) of an A1 reference ("B12", "$B$12"), or None if it is not one; cached, as plans and writers
    place the same cells of every sheet of a layout."""
    match = _ADDRESS.fullmatch(ref)
    if not match:
        return None
    col = 0
    for ch in match[1].upper():
        col = col * 26 + ord(ch) - 64
    return int(match[2]), col


def cell_address(row: int, col: int) -> str:
    """A1-style address of a 1-based row/column."""
    return f"{column_letter(col)}{row}"


def address_row_col(address: str) -> tuple[int, int]:
    """1-based (row, column) of an A1-style address, the inverse of ``cell_address``."""
    letters = address.rstrip("0123456789")
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(address[len(letters):]), col
