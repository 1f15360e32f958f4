"""The plain .xlsx a result is written into, whatever the user handed over.

The package editor and openpyxl read neither .xls nor an encrypted file, so those are turned into a plain
.xlsx first: decrypted in memory, or converted by LibreOffice.  Writing's business, not reading's: the readers
read .xls and encrypted workbooks as they are and never start LibreOffice.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

from ..adapters.libreoffice import convert
from ..reading.open import load
from ..reading.package_guard import check_workbook


def xlsx_for_writing(path: str | Path, *, password: str | None = None) -> io.BytesIO:
    """The .xlsx itself, its decrypted bytes, or the .xls converted (an encrypted .xls is decrypted into a
    private temporary folder for LibreOffice, removed right after)."""
    source = load(path, password)
    if source.format == "xlsx":
        content = source.content()
        check_workbook(content, source.path.name, every_part=True)
        return io.BytesIO(content)
    with tempfile.TemporaryDirectory(prefix="xl_tools_") as tmp:
        xls = Path(tmp) / "source.xls"  # an ASCII name: soffice mangles some others
        if source.data is None:
            shutil.copyfile(source.path, xls)
        else:
            xls.write_bytes(source.data)
        return io.BytesIO(convert(xls, "xlsx", Path(tmp) / "out", display_name=source.path.name).read_bytes())
