"""Where each sheet of an .xlsx package lives, read from the package itself.

Both the formula pass of the openpyxl backend and the size guard walk the
sheet parts before (or beside) openpyxl, so the mapping is read once here.
Elements and the relationship id are matched by local name, as calamine
matches them: a Strict Open XML workbook (another namespace) has the same
sheets for every reader.
"""

from __future__ import annotations

import posixpath
from typing import Protocol

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class PartReader(Protocol):
    def read(self, name: str) -> bytes: ...


def sheet_parts(zf: PartReader) -> list[tuple[str, str]]:
    """(sheet name, part path inside the zip) in workbook order; a part may be absent from the zip.

    ``zf`` is a ``ZipFile`` or anything with its ``read``.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    workbook = etree.fromstring(zf.read("xl/workbook.xml"), parser)
    rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"), parser)
    targets = {el.get("Id"): el.get("Target") or "" for el in rels.iter("{*}Relationship")}
    parts = []
    for el in workbook.iter("{*}sheet"):
        target = targets.get(relationship_id(el), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts.append((el.get("name") or "", part))
    return parts


def relationship_id(el: object) -> str | None:
    """A <sheet>'s relationship id as calamine takes it: the last attribute named id, whatever its prefix."""
    found = [v for k, v in el.attrib.items() if k.rpartition("}")[2] == "id"]  # type: ignore[attr-defined]
    return found[-1] if found else None
