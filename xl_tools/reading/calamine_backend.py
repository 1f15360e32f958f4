"""Fill ``Grid``s with python-calamine: fast, but blind to some things.

What it loses against the openpyxl backend (tests/integration/test_layouts.py checks each):
number formats (a 95% stored as 0.95 in a percent cell reads as a bare 0.95,
so ``formats`` is None), formula flags (``formulas`` is None), hidden rows,
defined names (so the toolkit's template is read through its labels) and error
values (#DIV/0! reads as an empty cell).  ``fast_backend`` adds them back.  It does
see cached values, merged ranges, sheet visibility and dates.  Read-only work
may use it where those losses do not matter; the core treats None as unknown.
"""

from __future__ import annotations

import io
from collections.abc import Container
from pathlib import Path

from ..core.errors import WorkbookReadError
from .grid import CellRange, Grid, WorkbookGrid
from .limits import check_merged, check_used_range


def read_workbook(path: str | Path, data: bytes | None = None, only: Container[str] | None = None) -> WorkbookGrid:
    """Read an .xlsx/.xlsm/.xls file (or its decrypted ``data``); ``reading.open`` has sniffed and decrypted it.
    ``only``: the sheets of those names alone."""
    path = Path(path)
    try:
        return _read(path, data, only)
    except (KeyboardInterrupt, SystemExit, WorkbookReadError):
        raise
    except BaseException as exc:  # calamine's Rust panics arrive as BaseException (pyo3 PanicException)
        raise WorkbookReadError(f"{path.name} 已损坏或不是 Excel 工作簿，无法读取（{type(exc).__name__}）") from exc


def _read(path: Path, data: bytes | None, only: Container[str] | None) -> WorkbookGrid:
    import python_calamine as pc

    # a file object, not the path: calamine picks its reader by the extension (an .xlsx named .xls)
    with io.BytesIO(data) if data is not None else open(path, "rb") as fh:
        wb = pc.CalamineWorkbook.from_filelike(fh)
    grids = []
    for meta in wb.sheets_metadata:
        if str(meta.typ).rsplit(".", 1)[-1] != "WorkSheet" or (only is not None and meta.name not in only):
            continue
        sheet = wb.get_sheet_by_name(meta.name)
        top, left = sheet.start or (0, 0)
        # an .xls is not measured before calamine reads it: its dense range is, before it becomes Python lists
        check_used_range(path.name, meta.name, top + sheet.height, left + sheet.width)
        merged = [CellRange(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in (sheet.merged_cell_ranges or [])]
        check_merged(path.name, meta.name, merged)
        values = {}
        for r, row in enumerate(sheet.to_python(skip_empty_area=True), top + 1):  # rows from ``start``, not A1
            values.update(((r, c), _plain(value) if type(value) is float else value)
                          for c, value in enumerate(row, left + 1) if value != "" and value is not None)
        grids.append(Grid(name=meta.name, values=values, formats=None, formulas=None, merged=merged,
                          hidden=str(meta.visible).rsplit(".", 1)[-1] != "Visible"))
    wb.close()
    return WorkbookGrid(path=str(path), sheets=grids, backend="calamine")


def _plain(value: object) -> object:
    """Whole floats back to int, as openpyxl gives them (calamine returns 10.0 for 10)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value
