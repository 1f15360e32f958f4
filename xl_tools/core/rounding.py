"""Rounding as Excel's ROUND does it: half away from zero on the 15-digit decimal value.

Python's round() rounds halves to even and works on the binary value, so
2.675 becomes 2.67 and 0.125 becomes 0.12 where Excel shows 2.68 and 0.13; a
total of 89.995 must show 90.00 (优), as in Excel.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def excel_round(x: float, digits: int = 2) -> float:
    if x != x or abs(x) >= 1e15:  # nan, ±inf, and numbers whose 15 digits hold no decimals to round
        return x
    d = Decimal(f"{x:.15g}")
    return float(d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def fmt_number(x: float | None, digits: int = 2) -> str:
    """A number for a message: Excel-rounded, no trailing zeros (15688.79, 90, 6.1); "—" for none."""
    if x is None:
        return "—"
    text = f"{excel_round(x, digits):.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
