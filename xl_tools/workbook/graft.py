"""Carry a sheet built with openpyxl in a scratch workbook into a user's package, with its look.

The toolkit's own sheets (表11, 校验结果, 变更记录, 参数) are easiest to build
with openpyxl's styling, but loading the user's file into openpyxl loses parts
of it.  So they are built in a scratch workbook and grafted: the cell formats
they use are appended to the user's styles.xml (each distinct one once, the
user's own formats untouched), shared strings become inline strings, and the
sheet's ``s`` attributes are renumbered.  ``Package.put_sheet`` does the rest
(relationships, drawings, print titles).
"""

from __future__ import annotations

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_FIRST_CUSTOM_FORMAT = 164  # ids below are Excel's built-in number formats
# children of <styleSheet> in schema order, for creating a missing collection in the right place
_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
          "tableStyles", "colors", "extLst")


def _m(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


def _key(el: etree._Element) -> bytes:
    return etree.tostring(el, method="c14n")


class StyleMap:
    """Cell formats (xf) of a scratch styles.xml copied into a target styles.xml on first use."""

    def __init__(self, target: etree._Element, source: etree._Element) -> None:
        self.target = target
        self.source = source
        self._xfs: dict[int, int] = {}
        self._parts: dict[tuple[str, int], int] = {}
        self._known: dict[str, dict[bytes, int]] = {}
        self._formats = {el.get("numFmtId"): el.get("formatCode")
                         for el in source.iterfind(f"{_m('numFmts')}/{_m('numFmt')}")}
        self.changed = False

    def xf(self, index: int) -> int:
        """The target's index of the scratch's cell format ``index``, added if the target lacks it."""
        if index not in self._xfs:
            source_xfs = self.source.find(_m("cellXfs"))
            xf = etree.fromstring(etree.tostring(source_xfs[index]))
            for attr, collection in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
                if xf.get(attr) is not None:
                    xf.set(attr, str(self._part(collection, int(xf.get(attr)))))
            if (fmt := xf.get("numFmtId")) and int(fmt) >= _FIRST_CUSTOM_FORMAT:
                xf.set("numFmtId", str(self._number_format(self._formats.get(fmt) or "General")))
            xf.set("xfId", "0")  # the target's Normal style
            self._xfs[index] = self._append("cellXfs", xf)
        return self._xfs[index]

    def _part(self, collection: str, index: int) -> int:
        key = (collection, index)
        if key not in self._parts:
            element = self.source.find(_m(collection))[index]
            self._parts[key] = self._append(collection, etree.fromstring(etree.tostring(element)))
        return self._parts[key]

    def _number_format(self, code: str) -> int:
        formats = self._collection("numFmts")
        for el in formats.iterfind(_m("numFmt")):
            if el.get("formatCode") == code:
                return int(el.get("numFmtId"))
        used = [int(el.get("numFmtId") or 0) for el in formats.iterfind(_m("numFmt"))]
        new_id = max(used + [_FIRST_CUSTOM_FORMAT - 1]) + 1
        etree.SubElement(formats, _m("numFmt"), numFmtId=str(new_id), formatCode=code)
        formats.set("count", str(len(formats)))
        self.changed = True
        return new_id

    def _append(self, collection: str, element: etree._Element) -> int:
        """Index of an equal element already there, else of ``element`` appended."""
        parent = self._collection(collection)
        if collection not in self._known:
            self._known[collection] = {}
            for i, existing in enumerate(parent):
                self._known[collection].setdefault(_key(existing), i)
        wanted = _key(element)
        if wanted in self._known[collection]:
            return self._known[collection][wanted]
        parent.append(element)
        parent.set("count", str(len(parent)))
        self._known[collection][wanted] = len(parent) - 1
        self.changed = True
        return len(parent) - 1

    def _collection(self, tag: str) -> etree._Element:
        found, created = _collection(self.target, tag)
        self.changed = self.changed or created
        return found


def _collection(styles: etree._Element, tag: str) -> tuple[etree._Element, bool]:
    """A child collection of <styleSheet> (cellXfs, fonts, ...), created in schema order if missing."""
    found = styles.find(_m(tag))
    if found is not None:
        return found, False
    created = styles.makeelement(_m(tag), {"count": "0"})
    later = [styles.find(_m(t)) for t in _ORDER[_ORDER.index(tag) + 1:]]
    anchor = next((el for el in later if el is not None), None)
    if anchor is None:
        styles.append(created)
    else:
        anchor.addprevious(created)
    return created, True


def quote_prefixed(styles: etree._Element, index: int) -> tuple[int, bool]:
    """The index of cell format ``index`` with quotePrefix set, which keeps a formula-like text a text when a
    user edits the cell in Excel; the format is added when the styles lack it.  Returns (index, whether added)."""
    return _variant(styles, index, {"quotePrefix": "1"})


def number_formatted(styles: etree._Element, index: int, code: str) -> tuple[int, bool]:
    """The index of cell format ``index`` showing numbers as ``code`` (one of the built-in formats), added when
    the styles lack it.  Returns (index, whether added)."""
    return _variant(styles, index, {"numFmtId": str(BUILTIN_FORMATS_REVERSE[code]), "applyNumberFormat": "1"})


def _variant(styles: etree._Element, index: int, attrs: dict[str, str]) -> tuple[int, bool]:
    """Cell format ``index`` with ``attrs`` set: found among the formats, or appended."""
    xfs, added = _collection(styles, "cellXfs")
    if not len(xfs):  # no formats at all: first the default one, which cells without a format keep
        etree.SubElement(xfs, _m("xf"), numFmtId="0", fontId="0", fillId="0", borderId="0", xfId="0")
        added = True
    index = index if index < len(xfs) else 0
    if all(xfs[index].get(k) in (v, "true" if v == "1" else v) for k, v in attrs.items()):
        return index, added
    xf = etree.fromstring(etree.tostring(xfs[index]))
    for k, v in attrs.items():
        xf.set(k, v)
    wanted = _key(xf)
    found = next((i for i, el in enumerate(xfs) if _key(el) == wanted), None)
    if found is not None:
        return found, added
    xfs.append(xf)
    xfs.set("count", str(len(xfs)))
    return len(xfs) - 1, True


def restyle(sheet: etree._Element, styles: StyleMap) -> None:
    """Renumber every style reference of a scratch sheet (cells, rows, columns) into the target's."""
    for el in sheet.iter(_m("c"), _m("row")):
        if el.get("s") is not None:
            el.set("s", str(styles.xf(int(el.get("s")))))
    for col in sheet.iter(_m("col")):
        if col.get("style") is not None:
            col.set("style", str(styles.xf(int(col.get("style")))))


def inline_strings(sheet: etree._Element, strings: list[etree._Element]) -> None:
    """Shared-string cells become inline strings, so the target's shared strings stay as they are."""
    for c in sheet.iter(_m("c")):
        if c.get("t") != "s":
            continue
        v = c.find(_m("v"))
        si = strings[int(v.text)]
        c.remove(v)
        c.set("t", "inlineStr")
        inline = c.makeelement(_m("is"), {})
        for child in si:
            inline.append(etree.fromstring(etree.tostring(child)))
        c.append(inline)
