"""Saving workbooks the toolkit makes so that rebuilding gives the same bytes.

``Workbook.save()`` stamps "modified" with the current time and the zip
entries with the clock, so samples and templates would differ on every build.
"""

from __future__ import annotations

import io
from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import BinaryIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from .atomic import replace_atomically

FIXED_TIME = datetime(2024, 1, 1)


def save_stable(wb: Workbook, path: str | PathLike[str], *, creator: str = "xl_tools") -> Path:
    wb.properties.creator = creator
    wb.properties.lastModifiedBy = creator
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    ExcelWriter(wb, ZipFile(buf, "w", ZIP_DEFLATED, allowZip64=True)).save()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    buf.seek(0)

    def write(fh: BinaryIO) -> None:
        with ZipFile(buf) as src, ZipFile(fh, "w", ZIP_DEFLATED) as dst:
            for info in src.infolist():
                entry = ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
                entry.compress_type = ZIP_DEFLATED
                entry.external_attr = info.external_attr
                dst.writestr(entry, src.read(info.filename))

    replace_atomically(out, write)  # an interrupted save leaves no half-written workbook
    return out
