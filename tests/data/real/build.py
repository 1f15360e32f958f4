"""Build the corpus of real published tables (tests/data/real/tables/*.json) into workbooks.

Each JSON file is one table transcribed from a public web page: its cells as the unit wrote them (labels, line
breaks, full-width spaces, numbers as numbers, texts as texts), its merged ranges, and a manifest (source
address and title, province, unit, year, kind, layout family, features, complete or cut short, and the
hand-computed expectations).  See README.md beside this file for the format.

Usage: python tests/data/real/build.py [OUTDIR]   (default: tests/data/real/xlsx, not committed)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment

HERE = Path(__file__).resolve().parent
TABLES = HERE / "tables"


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def tables() -> list[tuple[Path, dict[str, Any]]]:
    return [(p, load(p)) for p in sorted(TABLES.glob("*.json"))]


def build(table: dict[str, Any], out: Path) -> Path:
    """The workbook as the unit would have submitted it: one sheet per transcribed sheet, cells and merges."""
    from xl_tools.workbook.save import save_stable

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in table["sheets"]:
        ws = wb.create_sheet(sheet["name"])
        for r, row in enumerate(sheet["rows"], start=1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = ws.cell(r, c)
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # as written: a text is never read back as a formula or a number
                    if "\n" in value:
                        cell.alignment = Alignment(wrap_text=True)
        for ref in sheet.get("merges", []):
            ws.merge_cells(ref)
        for ref, fmt in sheet.get("formats", {}).items():
            ws[ref].number_format = fmt
    return save_stable(wb, out)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "xlsx"
    for path, table in tables():
        print(build(table, out / f"{path.stem}.xlsx"))


if __name__ == "__main__":
    main()
