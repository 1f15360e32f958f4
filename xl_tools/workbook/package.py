"""Edit a user's .xlsx/.xlsm where asked and copy every other zip part byte for byte.

An openpyxl load+save rebuilds the whole package from its object model and
drops what that model lacks (the ribbon's relationship, drawing shapes, extLst
content; the VBA project unless asked; see tests/integration/test_package.py). Here only
the parts that change are re-serialised, with lxml, which keeps namespace
prefixes and Excel's extension attributes (mc:Ignorable, x14ac:dyDescent).
"""

from __future__ import annotations

import functools
import io
import itertools
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lxml import etree
from openpyxl.formula.translate import Translator
from openpyxl.utils.cell import get_column_letter, quote_sheetname

from ..core.safe_text import cell_text
from ..core.errors import WorkbookReadError, XlToolsError
from ..reading.grid import position
from ..reading.limits import check_file_size
from ..reading.ooxml import sheet_parts
from ..reading.package_guard import Entries, Kept, SheetShape, check_shared_strings, check_sheet_root
from ..reading.open import sniff
from . import graft
from .atomic import replace_atomically
from ..core.sheets.spec import Sheet
from ..core.cell_write import CellContent, CellValue, CellWrite, Change, same_content
from .save import FIXED_TIME

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_WORKSHEET_REL = f"{_REL}/worksheet"
_WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_STYLES_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
_WORKBOOK = "xl/workbook.xml"
_CONTENT_TYPES = "[Content_Types].xml"
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
# CT_Workbook children that come before definedNames, and before calcPr
_BEFORE_NAMES = {f"{{{_MAIN}}}{tag}" for tag in ("sheets", "functionGroups", "externalReferences")}
_BEFORE_CALC = _BEFORE_NAMES | {f"{{{_MAIN}}}definedNames"}
_PRINT_AREA = "_xlnm.Print_Area"
_LEVEL = 1
"""Deflate's fastest level: on a 500-sheet result 17 % larger than zlib's default level (3.6 against 3.1 MB) in a
quarter of its time (0.07 against 0.25 s); a workbook is saved far more often than it is mailed."""
_ESCAPED = re.compile(r"_x[0-9A-Fa-f]{4}_")
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def _m(tag: str) -> str:
    return f"{{{_MAIN}}}{tag}"


_ROW, _C, _F, _V, _IS, _T = (_m(tag) for tag in ("row", "c", "f", "v", "is", "t"))
"""The tags of every cell written or read (named once: building a tag costs more than the lookup)."""
_CONTENT = frozenset({_F, _V, _IS})
_CONTENT_ATTRIBUTES = frozenset({"t", "cm", "vm"})
"""The type and the cell and value metadata of a cell's content."""
_INTEGER = re.compile(r"-?\d+")
_DIGITS = re.compile(r"\d+")


class PackageError(XlToolsError):
    """A workbook cannot be edited as asked (sheet or cell missing, file busy); the message names them."""


def _position(ref: str) -> tuple[int, int] | None:
    """(row, column) of an A1 reference, or None if it is not one inside Excel's grid."""
    found = position(ref)
    if found is None:
        return None
    row, col = found
    return (row, col) if 1 <= col <= 16384 and 1 <= row <= 1048576 else None


def _escape(text: str) -> str:
    """A literal escape-like text ("_x0001_") kept literal with OOXML's own escape of its underscore."""
    return _ESCAPED.sub(lambda m: "_x005F" + m[0], text)


def _unescape(text: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m[0][2:6], 16)), text)


def _encode(value: CellValue) -> tuple[str, str, bool]:
    """(cell type, text of <v>, whether the text must be marked as text) for a value that is not None; a text
    as ``core.safe_text`` decides (what XML cannot carry shown visibly, formula-like starts marked)."""
    kind = type(value)
    if kind is float or kind is int:  # most of what is written, checked first
        return "n", repr(value), False
    if isinstance(value, bool):
        return "b", "1" if value else "0", False
    if isinstance(value, (int, float)):
        return "n", repr(value), False
    text, marked = cell_text(str(value))
    return "str", _escape(text), marked


def _check_title(title: str) -> None:
    if not title or len(title) > 31 or _BAD_TITLE.search(title) or title.startswith("'"):
        raise PackageError(f"工作表名称「{title}」不可用：最多 31 个字符，不能含 [ ] : * ? / \\")


_RICH_TEXT = etree.XPath("m:t/text()|m:r/m:t/text()", namespaces={"m": _MAIN})


def _rich_text(el: etree._Element) -> str:
    """The text of a shared or inline string, phonetic runs left out."""
    return _unescape("".join(_RICH_TEXT(el)))


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(data, parser)


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _resolve(source: str, target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
        posixpath.join(posixpath.dirname(source), target))


def _range(ref: str) -> tuple[int, int, int, int] | None:
    """(min row, min col, max row, max col) of "A1" or "A1:M30"."""
    ends = [_position(part) for part in ref.split(":")]
    if not 1 <= len(ends) <= 2 or None in ends:
        return None
    (r1, c1), (r2, c2) = ends[0], ends[-1]  # type: ignore[misc]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


class _Sheet:
    """A worksheet's XML with its rows and cells indexed; refs left implicit by the writer are filled in."""

    def __init__(self, root: etree._Element, extent: tuple[int, int]) -> None:
        self.root = root
        self.as_read = extent
        """(last row, last column) of the cells and merges before anything was written: what the sheet printed."""
        data = root.find(_m("sheetData"))
        if data is None:
            raise ValueError("sheetData")
        self.data = data
        self.rows: dict[int, etree._Element] = {}
        self.cells: dict[str, etree._Element] = {}
        self._masters: dict[str, etree._Element] = {}
        self.arrays: list[tuple[str, tuple[int, int, int, int]]] = []
        self._cols: list[tuple[int, int, str | None]] | None = None
        self._col_style: dict[int, str | None] = {}
        self._dimension = root.find(_m("dimension"))
        self._bounds = _range(self._dimension.get("ref") or "") if self._dimension is not None else None
        rows = list(data.iterchildren(_ROW))
        cells = [c for row in rows for c in row.iterchildren(_C)]
        numbers = [row.get("r") for row in rows]
        refs = [c.get("r") for c in cells]
        if not all(refs) or not all(n and n.isdigit() for n in numbers):
            self._number(rows)
        else:  # every writer we know gives every row and cell its address: nothing to count
            self.rows = dict(zip(map(int, numbers), rows))
            self.cells = dict(zip(refs, cells))
        for f in data.iter(_F):  # fewer than the cells: from each formula to its cell
            c = f.getparent()
            if c.tag == _C and c.getparent().getparent() is data and c.find(_F) is f:
                self._index_formula(c)

    def _number(self, rows: list[etree._Element]) -> None:
        """Rows and cells indexed, the addresses a writer left out (optional in the format) filled in."""
        r = 0
        for row in rows:
            given = row.get("r")
            r = int(given) if given else r + 1
            if not given:
                row.set("r", str(r))
            self.rows[r] = row
            previous = None
            for c in row.iterfind(_C):
                ref = c.get("r")
                if not ref:  # the cell right of the previous one
                    pos = _position(previous) if previous else None
                    ref = f"{get_column_letter(pos[1] + 1 if pos else 1)}{r}"
                    c.set("r", ref)
                self.cells[ref] = c
                previous = ref

    def _index_formula(self, c: etree._Element) -> None:
        f = c.find(_F)
        if f is None or not f.text:
            return
        if f.get("t") == "shared":
            self._masters[f.get("si") or ""] = c
        elif f.get("t") == "array" and (bounds := _range(f.get("ref") or "")) and bounds[:2] != bounds[2:]:
            self.arrays.append((f.get("ref") or "", bounds))

    def formula(self, c: etree._Element) -> str | None:
        f = c.find(_F)
        if f is None:
            return None
        if f.get("t") == "shared" and not f.text:
            master = self._masters.get(f.get("si") or "")
            if master is None:
                return None
            return Translator("=" + (master.findtext(_F) or ""), origin=master.get("r")).translate_formula(
                c.get("r"))[1:]
        return f.text or ""

    def unshare(self, c: etree._Element) -> None:
        """Give every cell sharing the formula of master ``c`` its own text, before ``c`` is overwritten."""
        f = c.find(_F)
        if f is None or f.get("t") != "shared" or not f.text:
            return
        for other in self.cells.values():
            g = other.find(_F)
            if other is not c and g is not None and g.get("t") == "shared" and g.get("si") == f.get("si"):
                g.text = self.formula(other)
                for attr in ("t", "si", "ref"):
                    g.attrib.pop(attr, None)
        self._masters.pop(f.get("si") or "", None)

    def in_array(self, row: int, col: int) -> str | None:
        """The multi-cell array formula range holding (row, col), which only Excel can change as a whole."""
        if not self.arrays:  # the usual case
            return None
        return next((ref for ref, (r1, c1, r2, c2) in self.arrays if r1 <= row <= r2 and c1 <= col <= c2), None)

    def cell(self, ref: str, row: int, col: int, style_of: str | None) -> etree._Element:
        """The cell at ``ref``, created in column order (and its row in row order) with a style if new."""
        if ref in self.cells:
            return self.cells[ref]
        row_el = self._row(row)
        attrib = {"r": ref}
        style = self._style(row_el, col, style_of)
        if style is not None:
            attrib["s"] = style
        last = row_el[-1] if len(row_el) else None
        if last is not None and last.tag == _C and (_position(last.get("r") or "") or (0, 0))[1] < col:
            after = None  # the usual case: a cell right of the row's last one
        else:
            after = next((x for x in row_el if x.tag != _C or _position(x.get("r") or "")[1] > col), None)
        if after is None:
            c = etree.SubElement(row_el, _C, attrib)
        else:
            c = row_el.makeelement(_C, attrib)
            after.addprevious(c)
        if row_el.get("spans"):
            bounds = [int(n) for n in _DIGITS.findall(row_el.get("spans") or "")] + [col]
            row_el.set("spans", f"{min(bounds)}:{max(bounds)}")
        self.cells[ref] = c
        self._widen_dimension(row, col)
        return c

    def _row(self, r: int) -> etree._Element:
        if r not in self.rows:
            row = self.data.makeelement(_ROW, {"r": str(r)})
            following = min((k for k in self.rows if k > r), default=None)
            if following is None:
                self.data.append(row)
            else:
                self.rows[following].addprevious(row)
            self.rows[r] = row
        return self.rows[r]

    def _style(self, row: etree._Element, col: int, style_of: str | None) -> str | None:
        """As Excel styles a cell typed into: the given neighbour's, else the row's, else the column's."""
        if style_of and (src := self.cells.get(style_of.replace("$", "").upper())) is not None and src.get("s"):
            return src.get("s")
        if row.get("customFormat") in ("1", "true"):
            return row.get("s")
        if self._cols is None:
            self._cols = [(int(c.get("min", 0)), int(c.get("max", 0)), c.get("style"))
                          for c in self.root.iterfind(f"{_m('cols')}/{_m('col')}")]
        if col not in self._col_style:
            self._col_style[col] = next((style for low, high, style in self._cols if low <= col <= high), None)
        return self._col_style[col]

    def _widen_dimension(self, row: int, col: int) -> None:
        if self._bounds is None:  # no dimension, or one that is no range
            return
        r1, c1, r2, c2 = self._bounds
        if r1 <= row <= r2 and c1 <= col <= c2:
            return
        self._bounds = r1, c1, r2, c2 = min(r1, row), min(c1, col), max(r2, row), max(c2, col)
        self._dimension.set("ref", f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}")


QuotedStyle = Callable[[str | None], str | None]
"""A cell format (a cell's ``s``; None for the default) -> the same with quotePrefix (None: the package has no
styles, a string type alone must do)."""


def _fill(c: etree._Element, write: CellWrite, quoted: QuotedStyle, *, new: bool = False) -> None:
    """Put a value/formula into a cell, keeping its style and any extLst; a formula-like text is marked as
    text in the cell format (quotePrefix), as Excel marks '=x.  A ``new`` cell has no content to clear."""
    kept = [] if new else _cleared(c)  # an extLst, moved back after the new content
    if write.formula is not None:
        etree.SubElement(c, _F).text = write.formula
    if write.value is not None:
        kind, text, marked = _encode(write.value)
        if kind == "str" and write.formula is None:
            if marked and (style := quoted(c.get("s"))) is not None:
                c.set("s", style)
            c.set("t", "inlineStr")
            t = etree.SubElement(etree.SubElement(c, _IS), _T)
        else:
            if kind != "n":
                c.set("t", kind)
            t = etree.SubElement(c, _V)
        t.text = text
        if text != text.strip():
            t.set(_XML_SPACE, "preserve")
    for child in kept:
        c.append(child)


def _cleared(c: etree._Element) -> list[etree._Element]:
    """The cell without its content (value, formula, type and metadata); what else it holds is returned."""
    if len(c):
        for child in list(c):
            if child.tag in _CONTENT:
                c.remove(child)
    for attr in _CONTENT_ATTRIBUTES:
        if c.get(attr) is not None:
            del c.attrib[attr]
    return list(c)


def _value(c: etree._Element, strings: Callable[[], list[str]]) -> CellValue:
    kind = c.get("t", "n")
    if kind == "inlineStr":
        inline = c.find(_IS)
        return _rich_text(inline) if inline is not None else ""
    text = c.findtext(_V)
    if text is None:
        return "" if kind == "str" and c.find(_V) is not None else None
    if kind == "s":
        return strings()[int(text)]
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "str":
        return _unescape(text)
    if kind in ("e", "d"):
        return text
    if not text.strip():  # <v></v>, as openpyxl saves a formula it could not calculate
        return None
    if _INTEGER.fullmatch(text.strip()):
        return int(text)
    try:
        return float(text)
    except ValueError:  # not a number in a number cell: kept as the text the file holds
        return text


def _serialised(sheet: etree._Element, rows: Sequence[Sequence[CellValue]], quoted: QuotedStyle) -> bytes:
    """The sheet's XML with rows of plain values under its last row; formula-like texts (an old formula kept as
    "=SUM(…)") marked as text.  The rows are written as text, each distinct text serialised once, where lxml
    would write them: a change log of a 500-project workbook has tens of thousands of cells, which as elements,
    or as text parsed and written again, cost seconds."""
    data = sheet.find(_m("sheetData"))
    first = max((int(r.get("r") or 0) for r in data.iterfind(_ROW)), default=0) + 1
    width = max((len(values) for values in rows), default=1)
    dim = sheet.find(_m("dimension"))
    if rows and dim is not None and (bounds := _range(dim.get("ref") or "")):
        dim.set("ref", f"A1:{get_column_letter(max(bounds[3], width))}{first + len(rows) - 1}")
    xml = etree.tostring(sheet, encoding="UTF-8", xml_declaration=False)
    if not rows:
        return xml
    prefix = next((f"{p}:" for p, uri in data.nsmap.items() if uri == _MAIN and p), "")
    body = _rows_text(rows, first, width, prefix, quoted).encode()
    end = f"</{prefix}sheetData>".encode()
    if len(data):
        at = xml.rindex(end)
        return xml[:at] + body + xml[at:]
    return xml.replace(f"<{prefix}sheetData/>".encode(), f"<{prefix}sheetData>".encode() + body + end, 1)


_VARIANTS: dict[str, Callable[..., tuple[int, bool]]] = {
    "quotePrefix": graft.quote_prefixed, "numFmt": graft.number_formatted}
"""What a cell format may be varied in (``Package._style_variant``) -> the function finding or adding it."""


@dataclass
class SheetsWritten:
    """Worksheets written by one package, for another package of the same bytes (``Package.take_sheets``)."""

    parts: dict[str, bytes]
    """Sheet part -> its XML as written."""
    extents: dict[str, tuple[int, int]]
    """Sheet -> its extent as read (the print area's)."""
    variants: list[tuple[tuple[str | None, ...], str]]
    """The cell formats varied, in the order they were first asked for: (variant, format) -> format index."""
    formulas: bool
    """Whether formulas were written (the calculation chain goes)."""


_CELL_OR_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?(?:c|row)\s[^>]*>")
_STYLE_ATTRIBUTE = re.compile(rb'(\ss=")(\d+)(")')


def _restyled(data: bytes, renumbered: dict[str, str]) -> bytes:
    """A sheet's XML with its cells' and rows' cell formats renumbered, in the bytes as they are: parsed and
    written again, lxml would write an empty cached text (``<v></v>``) as ``<v/>``.  Outside a start tag no
    ``<`` is unescaped, and inside one a ``"`` ends an attribute's value: only the ``s`` attributes match."""
    new = {old.encode(): index.encode() for old, index in renumbered.items()}

    def tag(found: re.Match[bytes]) -> bytes:
        return _STYLE_ATTRIBUTE.sub(lambda a: a[1] + new.get(a[2], a[2]) + a[3], found[0])

    return _CELL_OR_ROW_TAG.sub(tag, data)


def _new_defined_names(wb: etree._Element) -> etree._Element:
    """An empty definedNames in its place among the workbook's elements (after the sheets and the links to
    other workbooks: Excel "repairs" a file with them in another order)."""
    names = wb.makeelement(_m("definedNames"), {})
    [el for el in wb if el.tag in _BEFORE_NAMES][-1].addnext(names)
    return names


def _rows_text(rows: Sequence[Sequence[CellValue]], first: int, width: int, prefix: str,
               quoted: QuotedStyle) -> str:
    """``rows`` as the XML text lxml writes for them, numbered from ``first``."""
    letters = [get_column_letter(col) for col in range(1, width + 1)]

    @functools.cache
    def quote() -> str:  # the format of a marked text, added to the styles at the first one
        style = quoted(None)
        return f' s="{style}"' if style is not None else ""

    texts: dict[object, str] = {}  # a change log repeats its sheets, labels and values thousands of times
    out = []
    for r, values in enumerate(rows, start=first):
        cells = []
        for letter, value in zip(letters, values):
            if value is None:
                continue
            # 1, 1.0 and True are one key alone, and 0.0 and -0.0
            key = value if type(value) is str else (type(value), value or repr(value))
            cell = texts.get(key)
            if cell is None:
                cell = texts[key] = _cell_text(value, prefix, quote)
            cells.append(f'<{prefix}c r="{letter}{r}"{cell}')
        out.append(f'<{prefix}row r="{r}">{"".join(cells)}</{prefix}row>' if cells else f'<{prefix}row r="{r}"/>')
    return "".join(out)


def _cell_text(value: CellValue, prefix: str, quote: Callable[[], str]) -> str:
    """A cell of ``_rows_text`` from after its reference to its end tag, as lxml writes it: line ends as an XML
    parser leaves them, ``&<>`` escaped, an empty text as an empty element."""
    kind, body, marked = _encode(value)
    space = ' xml:space="preserve"' if body != body.strip() else ""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    body = body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if kind == "str":
        text = f"<{prefix}t{space}>{body}</{prefix}t>" if body else f"<{prefix}t/>"
        return f'{quote() if marked else ""} t="inlineStr"><{prefix}is>{text}</{prefix}is></{prefix}c>'
    kind = "" if kind == "n" else f' t="{kind}"'
    return f"{kind}><{prefix}v>{body}</{prefix}v></{prefix}c>"


class Package:
    """An .xlsx/.xlsm held as its zip parts; the parts edited are parsed, all others stay bytes."""

    def __init__(self, path: Path, zf: zipfile.ZipFile, entries: Entries, content: bytes) -> None:
        self.path = path
        self._content = content
        self._infos = [info for info in zf.infolist() if not info.is_dir()]
        self._parts = {info.filename: entries.read(info.filename) for info in self._infos}  # each counted
        self._comment = zf.comment
        self._sheet_parts = dict(sheet_parts(zf))
        self._trees: dict[str, etree._Element] = {}
        self._dirty: set[str] = set()
        self._replaced = False
        self._sheets: dict[str, _Sheet] = {}
        self._strings: list[str] | None = None
        self._overrides: dict[str, str | None] | None = None
        """Part -> its content type as [Content_Types].xml overrides it, indexed at the first question."""
        self._calc_chain_dropped = False
        self._adopted: dict[str, tuple[etree._Element, SheetShape]] = {}
        """Sheet part -> the tree the reading guard parsed and its shape as the guard measured it (``adopt``)."""
        self._print_areas: set[str] | None = None
        """localSheetId of every sheet with a print area, indexed at the first ``print_within``."""
        self._extents: dict[str, tuple[int, int]] = {}
        """Sheet -> its extent as read, of the sheets taken from another package (``take_sheets``)."""

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Package:
        path = Path(path)
        kind = sniff(path)
        if kind.format != "xlsx" or kind.encrypted:
            raise PackageError(f"{path.name} 是 .xls 或加密的工作簿，不能直接修改；"
                               "请在 Excel/WPS 中另存为不加密的 .xlsx 后再运行")
        try:
            check_file_size(path, path.stat().st_size)
            content = path.read_bytes()
            entries = Entries(content, path.name)  # every part is copied: every part is measured
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                return cls(path, zf, entries, content)
        except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error, SyntaxError) as exc:
            raise WorkbookReadError(f"{path.name} 已损坏或格式不正确，无法修改（{type(exc).__name__}）") from exc

    def adopt(self, kept: Kept) -> bool:
        """Take the sheets a read of these same bytes parsed and measured (``open_workbook(keep=)``), instead
        of parsing and measuring them again; nothing is taken from a read of other bytes (False then).  Taken,
        they are the package's alone (``kept`` is emptied): a sheet set aside is freed then, not at the end."""
        if kept.content != self._content:
            return False
        for part, (root, shape) in kept.sheets.items():
            if part in self._parts and part not in self._trees:
                self._trees[part], self._adopted[part] = root, (root, shape)
        kept.sheets = {}
        return True

    @property
    def changed(self) -> bool:
        return bool(self._dirty) or self._replaced

    def sheet_names(self) -> list[str]:
        return list(self._sheet_parts)

    def sheet_part_names(self) -> dict[str, str]:
        """Sheet part -> the sheet's name."""
        return {part: name for name, part in self._sheet_parts.items()}

    def read_cell(self, sheet: str, ref: str) -> CellContent:
        """The cell's cached (or constant) value and its formula, as a change log records them."""
        ws = self._sheet(sheet)
        c = ws.cells.get(self._ref(sheet, ref)[0])
        return CellContent(None, None) if c is None else CellContent(_value(c, self._shared_strings), ws.formula(c))

    def set_cells(self, sheet: str, writes: Mapping[str, CellWrite]) -> list[Change]:
        """Write the cells; the ones already holding the same content are left alone and not reported.

        All or nothing on a sheet not yet edited since it was read or saved: if one cell cannot be written
        (inside an array formula, or any failure) the sheet is left as it was, for the caller to report it and
        go on with the others.
        """
        part = self._sheet_parts.get(sheet)
        untouched = part not in self._dirty
        try:
            return self._set_cells(sheet, writes)
        except Exception:
            if untouched:  # its bytes are as read: parsed again on next use
                self._trees.pop(part, None)
                self._sheets.pop(sheet, None)
            raise

    def _set_cells(self, sheet: str, writes: Mapping[str, CellWrite]) -> list[Change]:
        ws = self._sheet(sheet)
        changes = []
        # in sheet order, so each new cell lands after its row's last one (no search for its place)
        for key, (row, col), write in sorted(((*self._ref(sheet, ref), write) for ref, write in writes.items()),
                                             key=lambda item: item[1]):
            c = ws.cells.get(key)
            old = CellContent(None, None) if c is None else CellContent(_value(c, self._shared_strings),
                                                                       ws.formula(c))
            new = CellContent(write.value, write.formula)
            if same_content(old, new):
                continue
            if (array := ws.in_array(row, col)) is not None:
                raise PackageError(f"{self.path.name} 工作表「{sheet}」的 {key} 属于数组公式区域 {array}，不能单独修改")
            if c is None:
                c = ws.cell(key, row, col, write.style_of)
                _fill(c, write, self._quoted_style, new=True)
            else:
                ws.unshare(c)
                _fill(c, write, self._quoted_style)
            if write.number_format is not None:
                style = self._style_variant(c.get("s"), ("numFmt", write.number_format))
                if style is not None:
                    c.set("s", style)
            changes.append(Change(sheet, key, old, new, write.label))
        if changes:
            self._dirty.add(self._sheet_parts[sheet])
        if any(ch.old.formula is not None or ch.new.formula is not None for ch in changes):
            self._drop_calc_chain()  # a chain not matching the formulas makes Excel "repair" the file
        return changes

    def _quoted_style(self, style: str | None) -> str | None:
        return self._style_variant(style, ("quotePrefix",))

    def _style_variant(self, style: str | None, what: tuple[str, ...]) -> str | None:
        """Cell format ``style`` changed as ``what`` says (quotePrefix set, a number format: ``_VARIANTS``), found
        or added once per format (a form may hold many texts like "-")."""
        key = (*what, style)
        if key in self._variants:
            return self._variants[key]
        part = self._styles_part()
        if part is None:
            return None
        index, added = _VARIANTS[what[0]](self._xml(part), int(style or 0), *what[1:])
        if added:
            self._dirty.add(part)
        self._variants[key] = str(index)
        return str(index)

    def has_styles(self) -> bool:
        return self._styles_part() is not None

    def _styles_part(self) -> str | None:
        part = next(iter(self._targets(_WORKBOOK, f"{_REL}/styles")), None)
        return part if part in self._parts else None

    @functools.cached_property
    def _variants(self) -> dict[tuple[str | None, ...], str]:
        return {}

    def written_sheets(self) -> SheetsWritten:
        """The worksheets this package wrote, for the package of the same file in the process that saves it
        (``take_sheets``)."""
        sheets = self.sheet_part_names()
        parts = {part: _DECLARATION + etree.tostring(self._trees[part], encoding="UTF-8")
                 for part in self._dirty if part in sheets}
        return SheetsWritten(parts, {name: ws.as_read for name, ws in self._sheets.items()},
                             list(self._variants.items()), self._calc_chain_dropped)

    def set_aside(self) -> None:
        """The worksheets written so far serialised now and their trees let go, as ``save`` would at the end: a
        process waiting for another does it while it waits (``jobs.two_processes``)."""
        written = self.written_sheets()
        self._settle(written.parts, written.extents)

    def take_sheets(self, written: SheetsWritten) -> None:
        """Worksheets another package of these same bytes wrote (``written_sheets``), as if written here: the
        cell formats it added are added here in the same order, and its cells renumbered where they differ."""
        renumbered = self._replayed(written.variants)
        self._settle({part: _restyled(data, renumbered) if renumbered else data
                      for part, data in written.parts.items()}, written.extents)
        if written.formulas:
            self._drop_calc_chain()

    def _replayed(self, variants: list[tuple[tuple[str | None, ...], str]]) -> dict[str, str]:
        """Another package's cell-format variants asked for here in its order: its number -> this package's, where
        they differ (the formats the styles had as read are the same numbers in both)."""
        renumbered: dict[str, str] = {}
        part = self._styles_part()
        if part is None:
            return renumbered
        added_from = len(_parse(self._parts[part]).findall(f"{_m('cellXfs')}/{_m('xf')}"))  # as read
        for (*what, style), index in variants:
            if int(index) >= added_from:
                mine = self._style_variant(renumbered.get(style, style), tuple(what))
                if mine is not None and mine != index:
                    renumbered[index] = mine
        return renumbered

    def _settle(self, parts: dict[str, bytes], extents: dict[str, tuple[int, int]]) -> None:
        """Worksheets final as bytes: their trees and indexes dropped, their extents as read kept for the print
        area."""
        names = self.sheet_part_names()
        for part, data in parts.items():
            self._parts[part] = data
            self._trees.pop(part, None)
            self._adopted.pop(part, None)
            self._sheets.pop(names[part], None)
            self._dirty.discard(part)
            self._replaced = True
        self._extents.update(extents)

    def replace_sheet(self, title: str, rows: Sequence[Sequence[CellValue]], *,
                      widths: Mapping[str, float] | None = None) -> None:
        """A toolkit-owned sheet of plain rows, replaced where it is or added after the last sheet."""
        from .scratch import rows_sheet

        _check_title(title)
        self.put_sheet(title, rows_sheet(title, rows, widths))

    def put_sheet(self, title: str, scratch: bytes, *, rows_below: Sequence[Sequence[CellValue]] = ()) -> None:
        """Graft sheet ``title`` of a scratch workbook (built with openpyxl) into this one, with its cell
        formats, links, print titles and drawings; a sheet of that name is replaced where it is.

        ``rows_below`` (plain values, as many as a change log has) go under the scratch's rows, written here
        in one pass rather than through openpyxl's cell objects.
        """
        _check_title(title)
        with zipfile.ZipFile(io.BytesIO(scratch)) as zf:
            source = {info.filename: zf.read(info) for info in zf.infolist()}
            source_parts = dict(sheet_parts(zf))
        sheet_part = source_parts[title]
        root = _parse(source[sheet_part])
        strings_part = next((p for p in source if p.endswith("sharedStrings.xml")), None)
        if strings_part:
            graft.inline_strings(root, list(_parse(source[strings_part]).iterfind(_m("si"))))
        self._restyle(root, source)
        xml = _DECLARATION + _serialised(root, rows_below, self._quoted_style)
        existing = self._existing(title)
        if existing is None:
            self._add_sheet(title, b"")
            part = self._sheet_parts[title]
        else:
            part = self._sheet_parts[existing]
            if self._content_type(part) != _WORKSHEET_TYPE:
                raise PackageError(f"{self.path.name} 中的「{existing}」不是普通工作表，不能替换")
            unchanged = part not in self._dirty and self._parts.get(part) == xml
            if unchanged and _rels_path(part) not in self._parts and _rels_path(sheet_part) not in source:
                self._copy_local_names(source, list(source_parts).index(title), title)
                return
            self._trees.pop(part, None)
            self._dirty.discard(part)
            self._sheets.pop(existing, None)
            self._drop_relationships(part)  # the old sheet's comments, drawings, tables
        self._copy_relationships(source, sheet_part, part)
        self._parts[part] = xml
        self._replaced = True
        self._copy_local_names(source, list(source_parts).index(title), title)

    def _restyle(self, sheet: etree._Element, source: dict[str, bytes]) -> None:
        styles_part = next(iter(self._targets(_WORKBOOK, f"{_REL}/styles")), None)
        if styles_part is None or styles_part not in self._parts:  # a bare package: take the scratch's whole
            styles_part = "xl/styles.xml"
            self._parts[styles_part] = source["xl/styles.xml"]
            self._relate(_WORKBOOK, f"{_REL}/styles", styles_part, _STYLES_TYPE)
            return
        styles = graft.StyleMap(self._xml(styles_part), _parse(source["xl/styles.xml"]))
        graft.restyle(sheet, styles)
        if styles.changed:
            self._dirty.add(styles_part)

    def _copy_relationships(self, source: dict[str, bytes], from_part: str, to_part: str) -> None:
        """The scratch part's related parts (a drawing and its chart) copied under fresh names."""
        rels = _rels_path(from_part)
        if rels not in source:
            return
        tree = _parse(source[rels])
        types = _parse(source[_CONTENT_TYPES])
        for el in tree.iterfind(f"{{{_PKG_REL}}}Relationship"):
            if el.get("TargetMode") == "External":
                continue
            target = _resolve(from_part, el.get("Target") or "")
            stem, ext = posixpath.splitext(re.sub(r"\d+(?=\.\w+$)", "", target))
            new = next(p for n in itertools.count(1) if (p := f"{stem}{n}{ext}") not in self._parts)
            self._parts[new] = source[target]
            content_type = next((o.get("ContentType") for o in types.iterfind(f"{{{_CT}}}Override")
                                 if o.get("PartName", "").lstrip("/") == target), None)
            if content_type:
                self._override(new, content_type)
            el.set("Target", posixpath.relpath(new, posixpath.dirname(to_part)))
            self._copy_relationships(source, target, new)
        self._parts[_rels_path(to_part)] = _DECLARATION + etree.tostring(tree, encoding="UTF-8",
                                                                          xml_declaration=False)

    def _copy_local_names(self, source: dict[str, bytes], source_index: int, title: str) -> None:
        """Print titles, print area and filter range of the grafted sheet, with its index here."""
        index = str(self.sheet_names().index(self._existing(title)))
        wb = self._xml(_WORKBOOK)
        names = wb.find(_m("definedNames"))
        old = [el for el in (names if names is not None else []) if el.get("localSheetId") == index]
        scratch_names = _parse(source[_WORKBOOK]).find(_m("definedNames"))
        new = [el for el in (scratch_names if scratch_names is not None else [])
               if el.get("localSheetId") == str(source_index)]
        for el in new:
            el.set("localSheetId", index)
        if [(el.get("name"), el.text) for el in old] == [(el.get("name"), el.text) for el in new]:
            return
        self._dirty.add(_WORKBOOK)
        self._print_areas = None
        for el in old:
            names.remove(el)
        if new and names is None:
            names = _new_defined_names(wb)
        for el in new:
            names.append(el)
        if names is not None and len(names) == 0:
            wb.remove(names)

    def print_within(self, sheet: str, last_column: int) -> None:
        """A print area of what the sheet held before this job wrote to it, and at least columns A to
        ``last_column`` (``core.target``), unless the sheet has its own."""
        if sheet not in self._sheet_parts:
            raise PackageError(f"{self.path.name} 中没有名为「{sheet}」的工作表")
        index = str(self.sheet_names().index(sheet))
        wb = self._xml(_WORKBOOK)
        names = wb.find(_m("definedNames"))
        if self._print_areas is None:  # a template's 500 sheets hold thousands of names: looked through once
            self._print_areas = {el.get("localSheetId") for el in (names if names is not None else [])
                                 if el.get("name") == _PRINT_AREA}
        last_row, last_col = self._extents.get(sheet) or self._sheet(sheet).as_read
        if index in self._print_areas or not last_row:
            return
        names = _new_defined_names(wb) if names is None else names
        area = names.makeelement(_m("definedName"), {"name": _PRINT_AREA, "localSheetId": index})
        area.text = f"{quote_sheetname(sheet)}!$A$1:${get_column_letter(max(last_col, last_column))}${last_row}"
        names.append(area)
        self._print_areas.add(index)
        self._dirty.add(_WORKBOOK)

    def _existing(self, title: str) -> str | None:
        """The sheet Excel takes ``title`` for: sheet names are compared ignoring case."""
        return next((name for name in self._sheet_parts if name.casefold() == title.casefold()), None)

    def set_hidden(self, title: str, hidden: bool) -> None:
        """Hide or show a sheet; a hidden one is never the sheet the workbook opens on (Excel would show it)."""
        wb = self._xml(_WORKBOOK)
        sheets = list(wb.find(_m("sheets")))
        name = self._existing(title)
        if name is None:
            raise PackageError(f"{self.path.name} 中没有名为「{title}」的工作表")
        index, element = next((i, el) for i, el in enumerate(sheets) if el.get("name") == name)
        if (element.get("state") == "hidden") == hidden:
            return
        if hidden:
            element.set("state", "hidden")
            for view in wb.iterfind(f"{_m('bookViews')}/{_m('workbookView')}"):
                if int(view.get("activeTab") or 0) == index:
                    view.set("activeTab", str(next(i for i, el in enumerate(sheets)
                                                   if el.get("state") in (None, "visible"))))
        else:
            element.attrib.pop("state", None)
        self._dirty.add(_WORKBOOK)

    def put_spec(self, sheet: Sheet) -> None:
        """A toolkit sheet (``core.sheets``) grafted in, formulas with their cached values."""
        from .sheet_writer import put_into_package

        put_into_package(self, sheet)

    def finish(self) -> None:
        """What a job ends with (``core.target``): a file recalculated when it is next opened."""
        self.set_full_calc_on_load()

    def set_full_calc_on_load(self) -> None:
        """Ask Excel, WPS and LibreOffice to recalculate every formula when the file is opened."""
        wb = self._xml(_WORKBOOK)
        calc = wb.find(_m("calcPr"))
        if calc is None:
            anchor = [el for el in wb if el.tag in _BEFORE_CALC][-1]
            calc = wb.makeelement(_m("calcPr"), {})
            anchor.addnext(calc)
        elif calc.get("fullCalcOnLoad") in ("1", "true"):
            return
        calc.set("fullCalcOnLoad", "1")
        self._dirty.add(_WORKBOOK)

    def save(self, out_path: str | os.PathLike[str], *,
             install: Callable[[Path, Path], None] = os.replace) -> Path:
        """Write the package atomically (``install`` puts the written file in place: ``in_place`` checks first
        what it replaces); parts keep their order, names, dates and compression."""
        out = Path(out_path)
        self._replaced = self._replaced or bool(self._dirty)  # still "changed" after a save in between
        for part in self._dirty:
            self._parts[part] = _DECLARATION + etree.tostring(self._trees[part], encoding="UTF-8",
                                                              xml_declaration=False)
        self._dirty.clear()
        old = {info.filename for info in self._infos}

        def write(fh: BinaryIO) -> None:
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.comment = self._comment
                for info in self._infos:
                    if info.filename in self._parts:
                        entry = zipfile.ZipInfo(info.filename, info.date_time)
                        entry.compress_type = info.compress_type
                        entry.external_attr = info.external_attr
                        zf.writestr(entry, self._parts[info.filename], compresslevel=_LEVEL)
                for name in (n for n in self._parts if n not in old):
                    entry = zipfile.ZipInfo(name, FIXED_TIME.timetuple()[:6])
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    zf.writestr(entry, self._parts[name], compresslevel=_LEVEL)

        out.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(out, write, mode_of=out if out.exists() else self.path, install=install)
        return out

    # ------------------------------------------------------------------ parts

    def _xml(self, part: str) -> etree._Element:
        if part not in self._trees:
            self._trees[part] = _parse(self._parts[part])
        return self._trees[part]

    def _sheet(self, name: str) -> _Sheet:
        if name not in self._sheets:
            part = self._sheet_parts.get(name)
            if part is None:
                raise PackageError(f"{self.path.name} 中没有名为「{name}」的工作表")
            if part not in self._parts or self._content_type(part) != _WORKSHEET_TYPE:
                raise PackageError(f"{self.path.name} 中的「{name}」不是可写入单元格的工作表")
            try:
                root = self._xml(part)
                adopted, shape = self._adopted.get(part, (None, None))
                if adopted is not root or shape is None:  # the index below holds every cell
                    shape = check_sheet_root(root, self.path.name, name)
                self._sheets[name] = _Sheet(root, shape.extent())
            except (etree.XMLSyntaxError, ValueError) as exc:
                raise WorkbookReadError(f"{self.path.name} 工作表「{name}」已损坏，无法修改") from exc
        return self._sheets[name]

    def _ref(self, sheet: str, ref: str) -> tuple[str, tuple[int, int]]:
        pos = _position(ref)
        if pos is None:
            raise PackageError(f"{self.path.name} 工作表「{sheet}」：「{ref}」不是有效的单元格地址")
        return f"{get_column_letter(pos[1])}{pos[0]}", pos

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            part = next(iter(self._targets(_WORKBOOK, f"{_REL}/sharedStrings")), None)
            if part in self._parts:
                check_shared_strings(self._parts[part], self.path.name)
            root = _parse(self._parts[part]) if part in self._parts else None
            self._strings = [] if root is None else [_rich_text(si) for si in root.iterfind(_m("si"))]
        return self._strings

    def _content_type(self, part: str) -> str | None:
        types = self._xml(_CONTENT_TYPES)
        if self._overrides is None:  # a 500-sheet workbook asks about 500 parts, each among 500 overrides
            self._overrides = {}
            for el in types.iterfind(f"{{{_CT}}}Override"):
                self._overrides.setdefault(el.get("PartName", "").lstrip("/"), el.get("ContentType"))
        if part in self._overrides:
            return self._overrides[part]
        ext = posixpath.splitext(part)[1].lstrip(".").lower()
        return next((el.get("ContentType") for el in types.iterfind(f"{{{_CT}}}Default")
                     if (el.get("Extension") or "").lower() == ext), None)

    def _relationships(self, source: str) -> list[etree._Element]:
        rels = _rels_path(source)
        if rels not in self._parts:
            return []
        return [el for el in self._xml(rels).iterfind(f"{{{_PKG_REL}}}Relationship") if el.get("TargetMode") != "External"]

    def _targets(self, source: str, rel_type: str | None = None) -> list[str]:
        return [_resolve(source, el.get("Target") or "") for el in self._relationships(source)
                if rel_type is None or el.get("Type") == rel_type]

    def _drop_calc_chain(self) -> None:
        if self._calc_chain_dropped:
            return
        self._calc_chain_dropped = True
        for el in self._relationships(_WORKBOOK):
            if el.get("Type") == f"{_REL}/calcChain":
                el.getparent().remove(el)
                self._dirty.add(_rels_path(_WORKBOOK))
                self._drop_part(_resolve(_WORKBOOK, el.get("Target") or ""))

    def _drop_part(self, part: str) -> None:
        """Remove a part no relationship points to any more, with its content type and its own orphans."""
        self._parts.pop(part, None)
        self._trees.pop(part, None)
        self._dirty.discard(part)
        types = self._xml(_CONTENT_TYPES)
        for el in types.iterfind(f"{{{_CT}}}Override"):
            if el.get("PartName", "").lstrip("/") == part:
                types.remove(el)
                self._dirty.add(_CONTENT_TYPES)
        self._overrides = None
        self._drop_relationships(part)

    def _drop_relationships(self, part: str) -> None:
        targets = self._targets(part)
        rels = _rels_path(part)
        self._parts.pop(rels, None)
        self._trees.pop(rels, None)
        self._dirty.discard(rels)
        self._replaced = True
        for target in targets:
            if not any(target in self._targets(src) for src in self._sources()):
                self._drop_part(target)

    def _sources(self) -> Iterable[str]:
        """Every part that has relationships (the package itself is "")."""
        for rels in [name for name in self._parts if name.endswith(".rels")]:
            folder, name = posixpath.split(rels)
            yield posixpath.join(posixpath.dirname(folder), name[: -len(".rels")])

    def _override(self, part: str, content_type: str) -> None:
        override = etree.SubElement(self._xml(_CONTENT_TYPES), f"{{{_CT}}}Override")
        override.set("PartName", f"/{part}")
        override.set("ContentType", content_type)
        self._dirty.add(_CONTENT_TYPES)
        self._overrides = None

    def _relate(self, source: str, rel_type: str, part: str, content_type: str) -> str:
        """A new relationship from ``source`` to a new ``part``; returns its id."""
        self._override(part, content_type)
        rels_part = _rels_path(source)
        rels = self._xml(rels_part)
        ids = {el.get("Id") for el in rels}
        rid = next(r for n in itertools.count(1) if (r := f"rId{n}") not in ids)
        etree.SubElement(rels, f"{{{_PKG_REL}}}Relationship", Id=rid, Type=rel_type,
                         Target=posixpath.relpath(part, posixpath.dirname(source)))
        self._dirty.add(rels_part)
        return rid

    def _add_sheet(self, title: str, xml: bytes) -> None:
        part = next(p for n in itertools.count(1) if (p := f"xl/worksheets/sheet{n}.xml") not in self._parts)
        self._parts[part] = xml
        rid = self._relate(_WORKBOOK, _WORKSHEET_REL, part, _WORKSHEET_TYPE)
        sheets = self._xml(_WORKBOOK).find(_m("sheets"))
        sheet_id = max((int(el.get("sheetId") or 0) for el in sheets), default=0) + 1
        etree.SubElement(sheets, _m("sheet"), {"name": title, "sheetId": str(sheet_id), f"{{{_REL}}}id": rid})
        self._dirty.add(_WORKBOOK)
        self._sheet_parts[title] = part
