"""Measure a workbook package before any reader allocates for it.

What a reader allocates follows from numbers the file states (each part's size in
the zip directory, ``<sst uniqueCount>``) and from what the parts hold (cell
addresses, merged ranges, how many texts and formats).  The sender chooses both,
so neither is trusted alone:

* the directory's sizes are checked against the limits before anything is inflated; every
  part a reader will open is then inflated here with its bytes counted and must come out
  exactly as long as the directory says, end where its compressed data ends and match its
  CRC; after that the declared sizes are facts, and the readers (calamine's Rust zip
  reader and openpyxl's included) see the bytes that were measured;
* parts whose names differ only the way calamine ignores (case, ``\\``) are refused,
  as is a package whose sheets calamine would look up elsewhere than this reader;
* cell addresses are read with the XML parser the way calamine and openpyxl read
  them (any namespace prefix, any quoting, lower case, cells and rows without an
  address), merged ranges are measured by area, and the shared-string and
  cell-format tables by their declared and their actual counts.

Large sheet parts are parsed as a stream and given up on as soon as they pass a
limit; small ones (nearly all) are parsed once and the tree handed to the caller,
and the cells found on the way are handed to the fast reader, which would otherwise search
for them: the guard's net cost is about 1% of a default read (bench/README.md).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ..core.errors import WorkbookReadError
from . import limits, ooxml
from .grid import CellRange

STREAM_ABOVE = 4 * 2**20
"""Sheet parts larger than this are measured while they inflate, so a runaway sheet costs a few MB to refuse."""
_CHUNK = 2**20
_DIRECTORY_BYTES_PER_PART = 256
"""Directory bytes allowed per part: an entry is 46 bytes plus its name (under 100 in real packages)."""
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_ENCRYPTED_ENTRY = 0x1
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_OFFICE_DOCUMENT = "/relationships/officeDocument"
_XL = "xl/"
_MERGES = "{*}mergeCells/{*}mergeCell"
_WALKED = ("{*}sheetData", "{*}row", "{*}c", "{*}mergeCell")
"""The elements ``_Walker`` looks at; a stream reports only these."""
_NO_LETTERS = str.maketrans("", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_NO_DIGITS = str.maketrans("", "", "0123456789")
_REF = re.compile(r"([A-Za-z]+)([0-9]+)")
_ELEMENT = r"<(?:[A-Za-z_][\w.-]*:)?%s[\s/>]"
_SHARED_STRING = re.compile((_ELEMENT % "si").encode())
_CELL_FORMAT = re.compile((_ELEMENT % "xf").encode())
"""Opening tags of <si> and <xf> under any prefix: an upper bound of their number (text cannot hold "<")."""


def _parser() -> etree.XMLParser:
    # huge_tree: a long shared text is legitimate; no entities are resolved, nothing is fetched
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def _key(name: str) -> str:
    """How calamine finds a part: ``\\`` as ``/``, ASCII case ignored."""
    return name.replace("\\", "/").translate(_ASCII_LOWER)


def check_directory(fh: Any, file_name: str) -> None:
    """Refuse a zip whose central directory alone would cost too much to parse (zipfile builds an object per
    entry): the entry count and directory size it declares, read from its end record."""
    try:
        end = zipfile._EndRecData(fh)  # type: ignore[attr-defined]  # the same record ZipFile reads first
    except (OSError, struct.error):
        return  # ZipFile itself says the file is damaged
    if end is None:
        return
    entries, size = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]  # type: ignore[attr-defined]
    if entries > limits.MAX_PARTS or size > limits.MAX_PARTS * _DIRECTORY_BYTES_PER_PART:
        raise _too_many(file_name, max(entries, size // _DIRECTORY_BYTES_PER_PART))


def _too_many(file_name: str, count: int) -> WorkbookReadError:
    return limits.refuse(file_name, f"包含约 {count:,} 个部件（上限 {limits.MAX_PARTS:,}）")


class Entries:
    """A package's parts, each inflated with its bytes counted and checked the first time it is read.

    ``read`` has the signature of ``ZipFile.read``, so ``ooxml.sheet_parts`` takes either.
    """

    def __init__(self, content: bytes, file_name: str) -> None:
        self.file_name = file_name
        self._content = content
        self._verified: dict[str, bytes | None] = {}
        check_directory(io.BytesIO(content), file_name)
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                infos = [info for info in zf.infolist() if not info.is_dir()]
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, struct.error) as exc:
            raise WorkbookReadError(f"{file_name} 已损坏：压缩包结构不完整（可能下载或复制时被截断），"
                                    "不是可读取的 Excel 工作簿；请重新获取原文件") from exc
        if len(infos) > limits.MAX_PARTS:
            raise _too_many(file_name, len(infos))
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._by_key: dict[str, str] = {}
        for info in infos:
            key = _key(info.filename)
            if key in self._by_key:
                raise limits.refuse(file_name, f"中有两个同名部件（{self._by_key[key]}、{info.filename}），"
                                               "不同的程序会读到不同的内容")
            self._by_key[key] = info.filename
            self._infos[info.filename] = info
        self._check_declared()

    def _check_declared(self) -> None:
        """What the directory states, before anything is inflated: each part's size, ratio, and their sum."""
        total = 0
        for name, info in self._infos.items():
            if info.flag_bits & _ENCRYPTED_ENTRY:
                raise WorkbookReadError(f"{self.file_name} 中的部件 {name} 使用了 zip 加密，不是 Excel 保存的工作簿；"
                                        "请在 Excel/WPS 中打开后另存为 .xlsx 再试")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise WorkbookReadError(f"{self.file_name} 中的部件 {name} 使用了 Excel 不用的压缩方式，无法读取；"
                                        "请在 Excel/WPS 中打开后另存为 .xlsx 再试")
            if info.file_size > limits.MAX_PART_BYTES:
                raise limits.refuse(self.file_name, f"中的部件 {name} 解压后有 {_mb(info.file_size)}"
                                                    f"（上限 {_mb(limits.MAX_PART_BYTES)}）")
            if info.file_size > limits.RATIO_CHECKED_ABOVE and info.file_size > limits.MAX_RATIO * max(
                    info.compress_size, 1):
                raise limits.refuse(self.file_name, f"中的部件 {name} 压缩比异常（{_mb(info.compress_size)} 解压后为 "
                                                    f"{_mb(info.file_size)}，是压缩炸弹的特征）")
            total += info.file_size
        if total > limits.MAX_PACKAGE_BYTES:
            raise limits.refuse(self.file_name, f"解压后共 {_mb(total)}（上限 {_mb(limits.MAX_PACKAGE_BYTES)}）")

    def names(self) -> list[str]:
        return list(self._infos)

    def __contains__(self, name: object) -> bool:
        return name in self._infos

    def find(self, name: str) -> str | None:
        """The part calamine would open for ``name`` (case and ``\\`` ignored), or None."""
        return self._by_key.get(_key(name))

    def size(self, name: str) -> int:
        return self._infos[name].file_size

    def read(self, name: str, limit: int | None = None) -> bytes:
        """The part's bytes, checked; ``limit`` refuses a part larger than the caller will parse."""
        if limit is not None and self.size(name) > limit:
            raise limits.refuse(self.file_name, f"中的部件 {name} 有 {_mb(self.size(name))}（上限 {_mb(limit)}）")
        data = self._verified.get(name)
        if data is None:
            data = b"".join(self.chunks(name))
            self._verified[name] = data
        return data

    def chunks(self, name: str) -> Iterator[bytes]:
        """The part inflated a chunk at a time; raises after the last chunk if it is not what the directory says.

        Never more than the declared size (plus one byte, to notice the lie) comes out, whatever the data.
        """
        info = self._infos[name]
        raw = self._raw(info)
        if info.compress_type == zipfile.ZIP_STORED:
            if len(raw) != info.file_size:
                raise self._lies(name)
            produced, crc = len(raw), zlib.crc32(raw)
            yield bytes(raw)
        else:
            inflater = zlib.decompressobj(-15)
            produced = crc = 0
            pending = raw
            while True:
                try:
                    chunk = inflater.decompress(pending, min(_CHUNK, info.file_size - produced + 1))
                except zlib.error as exc:
                    raise WorkbookReadError(f"{self.file_name} 已损坏：部件 {name} 无法解压（可能下载或复制时出错）；"
                                            "请重新获取原文件") from exc
                pending = inflater.unconsumed_tail
                produced += len(chunk)
                if produced > info.file_size:
                    raise self._lies(name)
                crc = zlib.crc32(chunk, crc)
                if chunk:
                    yield chunk
                if inflater.eof or (not chunk and not pending):
                    break
            if not inflater.eof or produced != info.file_size:
                raise self._lies(name)
        if crc != info.CRC:
            raise WorkbookReadError(f"{self.file_name} 已损坏：部件 {name} 的校验码不符（可能下载或复制时出错）；"
                                    "请重新获取原文件")
        self._verified.setdefault(name, None)

    def _raw(self, info: zipfile.ZipInfo) -> memoryview:
        header = self._content[info.header_offset:info.header_offset + _LOCAL_HEADER.size]
        if len(header) != _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
            raise WorkbookReadError(f"{self.file_name} 已损坏：部件 {info.filename} 的数据不完整（可能下载或复制时被截断）；"
                                    "请重新获取原文件")
        fields = _LOCAL_HEADER.unpack(header)
        start = info.header_offset + _LOCAL_HEADER.size + fields[10] + fields[11]
        raw = memoryview(self._content)[start:start + info.compress_size]
        if len(raw) != info.compress_size:
            raise WorkbookReadError(f"{self.file_name} 已损坏：部件 {info.filename} 的数据不完整（可能下载或复制时被截断）；"
                                    "请重新获取原文件")
        return raw

    def _lies(self, name: str) -> WorkbookReadError:
        return limits.refuse(self.file_name, f"中的部件 {name} 解压后的大小与文件目录中写明的不符")

    def verify_rest(self) -> None:
        """Inflate, count and drop every part not read yet (pictures, macros): nothing unmeasured is left for
        another reader."""
        for name in self._infos:
            if name not in self._verified:
                for _ in self.chunks(name):
                    pass


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f} MB" if size < 2**30 else f"{size / 2**30:,.1f} GB"


@dataclass
class SheetShape:
    """What a sheet part asks a reader for: its used range from A1, its <c> elements, its merged ranges."""

    rows: int = 0
    cols: int = 0
    cells: int = 0
    merges: list[str] = field(default_factory=list)
    """The ``ref`` of every mergeCell, as written."""
    elements: list[Any] | None = None
    """The <c> elements with their addresses (``refs``, in the same order), while the sheet is handed to
    ``on_sheet``: a reader that wants something of every cell need not find them again.  None when the sheet was
    walked (a cell without an address) and after the hand-over (they would keep the whole tree alive)."""
    refs: list[str] = field(default_factory=list)

    def extent(self) -> tuple[int, int]:
        """(last row, last column) of the cells and the merged ranges: what the sheet prints without a print
        area (a merge's malformed address, refused by any reader that expands it, counts for nothing here)."""
        rows, cols = _merge_corner(self.merges) or (0, 0)
        return max(self.rows, rows), max(self.cols, cols)


class _Walker:
    """Cell positions as calamine and openpyxl give them, event by event, for any shape of sheet XML:
    a cell without ``r`` sits right of the previous one, a row without ``r`` below the previous one, and
    elements count by local name under the first sheetData, whatever their prefix or depth."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.shape = SheetShape()
        self._state = 0  # 0 before sheetData, 1 inside, 2 after
        self._row = self._col = 0  # 0-based, as calamine keeps them

    def event(self, kind: str, el: Any) -> None:
        tag = el.tag
        if not isinstance(tag, str):  # comments and processing instructions
            return
        name = tag.rpartition("}")[2]
        if name == "sheetData":
            if kind == "start" and self._state == 0:
                self._state = 1
            elif kind == "end" and self._state == 1:
                self._state = 2
        elif name == "mergeCell" and kind == "start":
            self.shape.merges.append(el.get("ref") or "")
        elif self._state == 1 and name == "row":
            if kind == "start":
                r = el.get("r")
                if r is not None:
                    self._row = _row_number(self.file_name, r) - 1
            else:
                self._row += 1
                self._col = 0
        elif self._state == 1 and name == "c" and kind == "start":
            r = el.get("r")
            if r is None:
                row, col = self._row + 1, self._col + 1
            else:
                row, col = cell_position(self.file_name, r)
            self._col = col
            shape = self.shape
            shape.cells += 1
            shape.rows = max(shape.rows, row)
            shape.cols = max(shape.cols, col)


def cell_position(file_name: str, ref: str) -> tuple[int, int]:
    """(row, column), 1-based, of a cell address as calamine parses it (letters of either case, then digits);
    anything else is refused rather than guessed.  (An address of letters and digits in another order makes
    calamine and openpyxl give up on the file by themselves: the shortcut of ``sheet_shape`` lets it pass.)"""
    match = _REF.fullmatch(ref)
    if match is None:
        raise WorkbookReadError(f"{file_name} 已损坏：单元格地址「{ref[:20]}」无效；请在 Excel/WPS 中打开后另存为新文件再试")
    return int(match[2]), _column(match[1])


def _row_number(file_name: str, ref: str) -> int:
    digits = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    if not digits.isdigit() or not digits.isascii():
        raise WorkbookReadError(f"{file_name} 已损坏：行号「{ref[:20]}」无效；请在 Excel/WPS 中打开后另存为新文件再试")
    return int(digits)


def _column(letters: str) -> int:
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return col


def merge_range(file_name: str, ref: str | None) -> CellRange:
    ends = [cell_position(file_name, part) for part in (ref or "").split(":")] if ref else []
    if not 1 <= len(ends) <= 2:
        raise WorkbookReadError(f"{file_name} 已损坏：合并区域「{(ref or '')[:40]}」无效；请在 Excel/WPS 中打开后另存为新文件再试")
    (r1, c1), (r2, c2) = ends[0], ends[-1]
    return CellRange(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def sheet_shape(root: Any, file_name: str) -> SheetShape:
    """The shape of a parsed sheet.  When every cell element, whatever its prefix, has an address (Excel, WPS,
    LibreOffice and openpyxl write nothing else), the addresses alone place the cells, and one pass over them
    and two string translations measure them; anything else is walked element by element as the readers walk
    it.  Merged ranges are those openpyxl expands (the worksheet's mergeCells): calamine's own list is measured
    by the backend before a grid is built from it."""
    data = root.find("{*}sheetData")
    if data is None:
        data = next(root.iter("{*}sheetData"), None)
    elements = list(data.iter("{*}c")) if data is not None else []
    refs = [el.get("r") for el in elements]
    if None in refs:  # a cell without an address: its place depends on its neighbours
        return _walked(root, file_name)
    shape = SheetShape(cells=len(refs), merges=[el.get("ref") or "" for el in root.iterfind(_MERGES)],
                       elements=elements, refs=refs)
    if refs:
        joined = "\n".join(refs)
        if joined.translate(_NO_LETTERS).translate(_NO_DIGITS) != "\n" * (len(refs) - 1):
            for ref in refs:  # something but ASCII letters and digits ("A-1", "Ａ1"): the first one is named
                cell_position(file_name, ref)
        shape.rows = max(map(int, joined.translate(_NO_LETTERS).split()), default=0)
        shape.cols = max(map(_column, set(joined.translate(_NO_DIGITS).split())), default=0)
    return shape


def _walked(root: Any, file_name: str) -> SheetShape:
    walker = _Walker(file_name)
    for kind, el in etree.iterwalk(root, events=("start", "end"), tag=_WALKED):
        walker.event(kind, el)
    return walker.shape


def check_shape(shape: SheetShape, file_name: str, sheet: str) -> None:
    if shape.cells > limits.MAX_CELL_ELEMENTS:
        raise limits.refuse(file_name, f"的工作表「{sheet}」有 {shape.cells:,} 个单元格元素（上限 "
                                       f"{limits.MAX_CELL_ELEMENTS:,}）")
    limits.check_used_range(file_name, sheet, shape.rows, shape.cols)
    if shape.merges and len(shape.merges) * _largest_merge_bound(shape.merges) > limits.MAX_MERGED_CELLS:
        limits.check_merged(file_name, sheet, [merge_range(file_name, ref) for ref in shape.merges])


def _largest_merge_bound(refs: list[str]) -> int:
    """Rows × columns of the furthest corner any merge reaches: no merge covers more (the exact areas are only
    added up when this bound times their number passes the limit)."""
    corner = _merge_corner(refs)
    if corner is None:
        return limits.MAX_MERGED_CELLS + 1  # malformed: measured exactly, which names it
    return corner[0] * corner[1]


def _merge_corner(refs: list[str]) -> tuple[int, int] | None:
    """(row, column) of the furthest corner any merge reaches; None without one that reads as an address."""
    joined = "\n".join(refs).replace(":", "\n")
    digits = joined.translate(_NO_LETTERS).split()
    letters = joined.translate(_NO_DIGITS).split()
    if not digits or not letters:
        return None
    return max(map(int, digits)), max(map(_column, set(letters)))


def check_sheet_root(root: Any, file_name: str, sheet: str) -> SheetShape:
    """Refuse a parsed sheet that asks a reader for too much (the package editor's check before it indexes one)."""
    shape = sheet_shape(root, file_name)
    check_shape(shape, file_name, sheet)
    return shape


@dataclass
class CheckedPackage:
    """A package measured whole: its parts (checked), and its sheets in workbook order with their shapes."""

    entries: Entries
    sheets: list[tuple[str, str]]
    shapes: dict[str, SheetShape]
    workbook: Any
    """xl/workbook.xml, parsed (its defined names are the fast reader's)."""


@dataclass
class Kept:
    """What a read leaves for the package editor writing the same file next (recompute, run): the bytes read
    and each sheet's tree as the guard parsed and measured it, so the editor neither parses nor measures a
    sheet twice.  The editor takes them only when its own bytes are these."""

    content: bytes = b""
    sheets: dict[str, tuple[Any, SheetShape]] = field(default_factory=dict)
    """Sheet part -> its parsed root and the guard's shape of it."""


SheetHandler = Callable[[str, Any, SheetShape], None]


def check_workbook(content: bytes, file_name: str, on_sheet: SheetHandler | None = None, *,
                   every_part: bool = False, only: Container[str] | None = None) -> CheckedPackage:
    """Measure every part a reader of this .xlsx/.xlsm may touch, before any of them is read.

    ``on_sheet(name, root, shape)`` receives each sheet's parsed XML once it has passed, with the cells the guard
    found, so the fast reader gets its formats and formulas without a second parse or search; the tree is not
    kept.  calamine reads the
    relationships, workbook, shared strings, styles and sheets, all measured here; ``every_part`` also
    inflates the rest (themes, pictures, macros) for a reader that opens them (openpyxl, LibreOffice).
    With ``only``, the other sheets are neither measured nor parsed: a reader of those sheets alone (one of the
    processes of ``jobs.two_processes``, which adds the cells each measured against the book's limit).
    """
    entries = Entries(content, file_name)
    try:
        workbook = _xml(entries, ooxml.WORKBOOK)
        parts = _sheets_as_calamine_finds_them(entries, workbook)
        _check_shared_strings(entries)
        _check_styles(entries)
        shapes: dict[str, SheetShape] = {}
        total = 0
        for sheet, part in parts:
            if part not in entries or (only is not None and sheet not in only):
                continue
            root, shape = _measure_sheet(entries, part, sheet)
            shapes[sheet] = shape
            total += shape.rows * shape.cols
            if total > limits.MAX_BOOK_CELLS:
                raise limits.refuse(file_name, f"各工作表使用范围合计约 {total:,} 个单元格（上限 "
                                               f"{limits.MAX_BOOK_CELLS:,}）", limits.ADVICE)
            if on_sheet is not None:
                on_sheet(sheet, root, shape)
            shape.elements, shape.refs = None, []
        if every_part:
            entries.verify_rest()
    except etree.XMLSyntaxError as exc:
        raise xml_failure(exc, file_name) from exc
    except KeyError as exc:
        raise WorkbookReadError(f"{file_name} 已损坏或格式不正确，缺少部件 {exc}") from exc
    return CheckedPackage(entries, parts, shapes, workbook)


def xml_failure(exc: Exception, file_name: str) -> Exception:
    """What a failed parse means: libxml2 reports running out of memory (a capped worker) as a syntax error."""
    log = getattr(exc, "error_log", None) or []
    if "memory" in str(exc).lower() or any(entry.type_name == "ERR_NO_MEMORY" for entry in log):
        return MemoryError(str(exc))
    return WorkbookReadError(f"{file_name} 的内部 XML 已损坏，无法读取（{type(exc).__name__}）")


def _measure_sheet(entries: Entries, part: str, sheet: str) -> tuple[Any, SheetShape]:
    file_name = entries.file_name
    size = entries.size(part)
    if size > limits.MAX_SHEET_XML_BYTES:
        raise limits.refuse(file_name, f"的工作表「{sheet}」过大（表格数据 {_mb(size)}，上限 "
                                       f"{_mb(limits.MAX_SHEET_XML_BYTES)}）", limits.ADVICE)
    if size > STREAM_ABOVE:
        shape, data = _stream_sheet(entries, part, sheet)
        return etree.fromstring(data, _parser()), shape
    root = etree.fromstring(entries.read(part), _parser())
    return root, check_sheet_root(root, file_name, sheet)


def _stream_sheet(entries: Entries, part: str, sheet: str) -> tuple[SheetShape, bytes]:
    """A large sheet measured while it inflates and parses, given up at the first limit it passes."""
    walker = _Walker(entries.file_name)
    parser = etree.XMLPullParser(events=("start", "end"), tag=_WALKED, resolve_entities=False, no_network=True,
                                 huge_tree=True)
    kept = []
    for chunk in entries.chunks(part):
        kept.append(chunk)
        parser.feed(chunk)
        for kind, el in parser.read_events():
            walker.event(kind, el)
            if kind == "end" and el.getparent() is not None:  # what has been counted is not kept
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
        shape = walker.shape
        if (shape.cells > limits.MAX_CELL_ELEMENTS or shape.rows * shape.cols > limits.MAX_SHEET_CELLS
                or len(shape.merges) > limits.MAX_MERGED_CELLS):
            check_shape(shape, entries.file_name, sheet)
    parser.close()
    check_shape(walker.shape, entries.file_name, sheet)
    return walker.shape, b"".join(kept)


def _sheets_as_calamine_finds_them(entries: Entries, workbook: Any) -> list[tuple[str, str]]:
    """This reader's sheet parts (as ``ooxml.sheet_parts`` resolves them), refused unless calamine would read the
    same parts: its workbook folder comes from _rels/.rels and its targets are joined without normalising."""
    file_name = entries.file_name
    package_rels = entries.find("_rels/.rels")
    folder = _XL
    if package_rels is not None:
        documents = [el.get("Target") or "" for el in _xml(entries, package_rels).iter("{*}Relationship")
                     if (el.get("Type") or "").endswith(_OFFICE_DOCUMENT)]
        if documents:
            target = documents[-1]
            folder = target[:target.rfind("/") + 1].removeprefix("/") if "/" in target else ""
    if _key(folder) != _XL:
        raise limits.refuse(file_name, f"的工作簿部件不在 xl/ 中（{folder or '根目录'}），结构不规范")
    pairs = ooxml.relationships(_xml(entries, ooxml.WORKBOOK_RELS))
    if len(pairs) != len({rid for rid, _ in pairs}):
        raise limits.refuse(file_name, "的工作簿关系中有重复的编号，结构不规范")
    named = ooxml.sheet_targets(workbook, dict(pairs))
    parts = [(name, ooxml.resolved(target)) for name, target in named]
    theirs = [target.removeprefix("/") if target.startswith("/") else folder + target for _, target in named]
    if any(_key(a) != _key(b) or entries.find(a) not in (None, a) for (_, a), b in zip(parts, theirs)):
        raise limits.refuse(file_name, "的工作表位置写法不规范（不同的程序会读到不同的工作表）")
    return parts


def _xml(entries: Entries, name: str) -> Any:
    """A small part parsed (KeyError if the package lacks it)."""
    return etree.fromstring(entries.read(name, limits.MAX_XML_PART_BYTES), _parser())


def _check_shared_strings(entries: Entries) -> None:
    """The texts table calamine reads at a fixed name."""
    name = entries.find("xl/sharedStrings.xml")
    if name is None:
        return
    check_shared_strings(entries.read(name, limits.MAX_SHARED_STRINGS_BYTES), entries.file_name)


def check_shared_strings(data: bytes, file_name: str) -> None:
    """Refuse a texts table that declares (calamine reserves ``uniqueCount`` entries before reading one) or
    holds more texts than any workbook needs."""
    declared = _declared_count(data)
    actual = len(_SHARED_STRING.findall(data))
    if max(declared, actual) > limits.MAX_SHARED_STRINGS:
        raise limits.refuse(file_name, f"的共享文本表声明或包含 {max(declared, actual):,} 条文本"
                                       f"（上限 {limits.MAX_SHARED_STRINGS:,}）")


def _declared_count(data: bytes) -> int:
    """``uniqueCount`` of the first element named sst, read as calamine reads it (unprefixed attribute)."""
    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True, huge_tree=True)
    for start in range(0, len(data), 64 * 1024):
        parser.feed(data[start:start + 64 * 1024])
        for _, el in parser.read_events():
            if isinstance(el.tag, str) and el.tag.rpartition("}")[2] == "sst":
                text = (el.get("uniqueCount") or "").strip().lstrip("+")
                return int(text) if text.isdigit() and text.isascii() else 0
    return 0


def _check_styles(entries: Entries) -> None:
    name = entries.find("xl/styles.xml")
    if name is None:
        return
    count = len(_CELL_FORMAT.findall(entries.read(name, limits.MAX_XML_PART_BYTES)))
    if count > limits.MAX_CELL_FORMATS:
        raise limits.refuse(entries.file_name, f"的样式表有 {count:,} 个单元格格式（Excel 的上限是 "
                                               f"{limits.MAX_CELL_FORMATS:,}）")


_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODS_CELLS = (f"{{{_TABLE}}}table-row", f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell")


def check_ods(content: bytes, file_name: str) -> None:
    """An OpenDocument spreadsheet measured before LibreOffice opens it: its parts as any package's, and the
    cells its repeat counts ask for (one cell with a value, repeated over 16,384 columns of a row repeated a
    million times, is 17 billion cells to LibreOffice)."""
    entries = Entries(content, file_name)
    name = entries.find("content.xml")
    if name is not None:
        if entries.size(name) > limits.MAX_SHEET_XML_BYTES:
            raise limits.refuse(file_name, f"的表格内容有 {_mb(entries.size(name))}（上限 "
                                           f"{_mb(limits.MAX_SHEET_XML_BYTES)}）", limits.ADVICE)
        parser = etree.XMLPullParser(events=("start", "end"), tag=_ODS_CELLS, resolve_entities=False,
                                     no_network=True, huge_tree=True)
        filled = row_filled = 0
        try:
            for chunk in entries.chunks(name):
                parser.feed(chunk)
                for kind, el in parser.read_events():
                    if el.tag == _ODS_CELLS[0]:
                        if kind == "start":
                            row_filled = 0
                        else:
                            filled += _repeat(el, "number-rows-repeated") * row_filled
                            el.clear()
                    elif kind == "end":
                        if len(el) or el.get(f"{{{_OFFICE}}}value-type"):
                            row_filled += _repeat(el, "number-columns-repeated")
                        el.clear()
                    if filled > limits.MAX_BOOK_CELLS or row_filled > limits.MAX_BOOK_CELLS:
                        raise limits.refuse(file_name, f"的重复单元格展开后超过 {limits.MAX_BOOK_CELLS:,} 个有内容的"
                                                       "单元格", limits.ADVICE)
            parser.close()
        except etree.XMLSyntaxError as exc:
            raise xml_failure(exc, file_name) from exc
    entries.verify_rest()


def _repeat(el: Any, attribute: str) -> int:
    text = (el.get(f"{{{_TABLE}}}{attribute}") or "1").strip()
    return int(text) if text.isdigit() and text.isascii() else 1
