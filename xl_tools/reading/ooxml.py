"""Where each sheet of an .xlsx package lives, read from the package itself.

Both the formula pass of the openpyxl backend and the size guard walk the
sheet parts before (or beside) openpyxl, so the mapping is read once here.
"""

from __future__ import annotations

import posixpath
import zipfile

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def sheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part path inside the zip) in workbook order; a part may be absent from the zip."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False)
    workbook = etree.fromstring(zf.read("xl/workbook.xml"), parser)
    rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"), parser)
    targets = {el.get("Id"): el.get("Target") or "" for el in rels.iter(f"{_NS_PKG_REL}Relationship")}
    parts = []
    for el in workbook.iter(f"{NS_MAIN}sheet"):
        target = targets.get(el.get(f"{_NS_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts.append((el.get("name") or "", part))
    return parts
