"""Where each sheet of an .xlsx package lives, read from the package itself.

Both the formula pass of the openpyxl backend and the size guard walk the
sheet parts before (or beside) openpyxl, so the mapping is read once here.
Elements and the relationship id are matched by local name, as calamine
matches them: a Strict Open XML workbook (another namespace) has the same
sheets for every reader.
"""

from __future__ import annotations

import posixpath
from typing import Any, Protocol

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"


class PartReader(Protocol):
    def read(self, name: str) -> bytes: ...


def parse(data: bytes) -> Any:
    from lxml import etree

    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def relationships(rels: Any) -> list[tuple[str | None, str]]:
    """(Id, Target as written) of every relationship of a parsed .rels part, in order."""
    return [(el.get("Id"), el.get("Target") or "") for el in rels.iter("{*}Relationship")]


def sheet_targets(workbook: Any, targets: dict[str | None, str]) -> list[tuple[str, str]]:
    """(sheet name, its relationship's target as written) for each <sheet> of a parsed workbook.xml."""
    return [(el.get("name") or "", targets.get(relationship_id(el), "")) for el in workbook.iter("{*}sheet")]


def resolved(target: str) -> str:
    """The part a target of xl/_rels/workbook.xml.rels names (absolute, or relative to xl/)."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def sheet_parts(zf: PartReader) -> list[tuple[str, str]]:
    """(sheet name, part path inside the zip) in workbook order; a part may be absent from the zip.

    ``zf`` is a ``ZipFile`` or anything with its ``read``.
    """
    targets = dict(relationships(parse(zf.read(WORKBOOK_RELS))))
    return [(name, resolved(target)) for name, target in sheet_targets(parse(zf.read(WORKBOOK)), targets)]


def relationship_id(el: Any) -> str | None:
    """A <sheet>'s relationship id as calamine takes it: the last attribute named id, whatever its prefix."""
    found = [v for k, v in el.attrib.items() if k.rpartition("}")[2] == "id"]
    return found[-1] if found else None
