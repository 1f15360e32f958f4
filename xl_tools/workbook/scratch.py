"""Toolkit sheets built with openpyxl in a scratch workbook, for ``Package.put_sheet`` to graft."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence

from openpyxl import Workbook

from .style import set_value, widths as set_widths


def scratch_book(build: Callable[[Workbook], object]) -> bytes:
    """An empty workbook handed to ``build`` (which adds the sheets to graft), saved to bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    build(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rows_sheet(title: str, rows: Sequence[Sequence[object]], widths: Mapping[str, float] | None = None) -> bytes:
    """Plain rows of values (a text starting with "=" stays text)."""

    def build(wb: Workbook) -> None:
        ws = wb.create_sheet(title)
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values, start=1):
                if value is not None:
                    set_value(ws.cell(r, c), value)
        set_widths(ws, widths or {})

    return scratch_book(build)
