"""Where each sheet of an .xlsx package lives, read from the package itself.

Both the formula pass of the openpyxl backend and the size guard walk the
sheet parts before (or beside) openpyxl, so the mapping is read once here.
"""

from __future__ import annotations

import posixpath
import zipfile
from xml.etree.ElementTree import iterparse

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def sheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part path inside the zip) in workbook order; a part may be absent from the zip."""
    with zf.open("xl/workbook.xml") as fh:
        sheets = [
            (el.get("name") or "", el.get(f"{_NS_REL}id"))
            for _, el in iterparse(fh)
            if el.tag == f"{NS_MAIN}sheet"
        ]
    with zf.open("xl/_rels/workbook.xml.rels") as fh:
        targets = {
            el.get("Id"): el.get("Target") or ""
            for _, el in iterparse(fh)
            if el.tag == f"{_NS_PKG_REL}Relationship"
        }
    parts = []
    for name, rid in sheets:
        target = targets.get(rid, "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts.append((name, part))
    return parts
