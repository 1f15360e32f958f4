"""Files in the shapes users send: .xls made by LibreOffice, encrypted packages, an enormous sheet."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import openpyxl
from msoffcrypto.format.ooxml import OOXMLFile


# =========================================================================== building the files


def soffice_convert(src: Path, fmt: str, outdir: Path) -> Path:
    """LibreOffice itself (not the adapter under test), with a private profile."""
    profile = outdir / "lo_profile"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
                    "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=300)
    return outdir / f"{src.stem}.{fmt}"


def encrypt_xlsx(src: Path, dst: Path, password: str) -> Path:
    with open(src, "rb") as fh, open(dst, "wb") as out:
        OOXMLFile(fh).encrypt(password, out)
    return dst


# =========================================================================== enormous sheets


def enormous_book(path: Path, rows: int) -> Path:
    """A workbook whose sheet 明细 has ``rows`` rows of columns A to K, its XML streamed into the zip.

    Starts from a real openpyxl workbook and swaps the sheet part: nothing of size is ever in memory.
    """
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.create_sheet("明细")
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet2.xml":
                dst.writestr(info, src.read(info.filename))
                continue
            with dst.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as out:
                out.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                          b'<dimension ref="A1:K%d"/><sheetData>' % rows)
                for start in range(1, rows + 1, 1000):
                    out.write(b"".join(
                        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c><c r="K%d"><v>%d</v></c></row>'
                        % (r, r, r, r) for r in range(start, min(start + 1000, rows + 1))))
                out.write(b"</sheetData></worksheet>")
    return path
