"""Hostile workbooks: each a real 15 KB form (seed 000's sample) with one change an attacker can make so that
a reader asks for gigabytes, the way issue 13 found them.

``BOMBS`` is the catalogue: tests/integration/test_bombs.py runs every command on each, in a memory-capped process, and
checks the one-line refusal; bench/bombs.py measures time and peak memory of each for docs/bad-inputs.md.
Parts are written with a zip writer of our own, so sizes and streams can say what no honest writer says.
"""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers.paths import REPO

BASE = REPO / "workbooks" / "渝中区医疗保障局2023_一体化系统导出.xlsx"
FORM_SHEET = "xl/worksheets/sheet2.xml"  # 医疗救助专项经费（残保金）
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MB = 2**20


@dataclass
class Part:
    """One zip entry: ``data`` compressed here, or a ready ``raw`` deflate stream with what its header claims."""

    name: str
    data: bytes = b""
    raw: bytes | None = None
    crc: int | None = None
    size: int | None = None


def write_zip(path: Path, parts: list[Part]) -> Path:
    """A zip written field by field (what zipfile would write, plus whatever ``Part`` says instead)."""
    out = io.BytesIO()
    directory = []
    for part in parts:
        if part.raw is None:
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            raw = packer.compress(part.data) + packer.flush()
            crc, size = zlib.crc32(part.data), len(part.data)
        else:
            raw, crc, size = part.raw, part.crc or 0, part.size or 0
        name = part.name.encode()
        offset = out.tell()
        out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, 0x800, 8, 0, 0x21, crc, len(raw), size,
                              len(name), 0))
        out.write(name)
        out.write(raw)
        directory.append(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 0, 20, 0, 0x800, 8, 0, 0x21, crc,
                                     len(raw), size, len(name), 0, 0, 0, 0, 0, offset) + name)
    start = out.tell()
    for entry in directory:
        out.write(entry)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(directory), len(directory),
                          out.tell() - start, start, 0))
    path.write_bytes(out.getvalue())
    return path


def repeated(unit: bytes, times: int, head: bytes = b"", tail: bytes = b"") -> tuple[bytes, int, int]:
    """(deflate stream, CRC, size) of ``head``, ``unit`` repeated ``times``, ``tail``: the unit's block, flushed
    so that it stands alone, is written ``times`` over, so gigabytes cost a few MB and a second to build."""
    def flushed(data: bytes, mode: int) -> bytes:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        return packer.compress(data) + packer.flush(mode)

    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(unit, crc)
    stream = flushed(head, zlib.Z_FULL_FLUSH) + flushed(unit, zlib.Z_FULL_FLUSH) * times + flushed(tail, zlib.Z_FINISH)
    return stream, zlib.crc32(tail, crc), len(head) + len(unit) * times + len(tail)


def base_parts() -> list[Part]:
    with zipfile.ZipFile(BASE) as zf:
        return [Part(info.filename, zf.read(info)) for info in zf.infolist()]


def edited(path: Path, name: str, edit: Callable[[bytes], bytes], extra: list[Part] = ()) -> Path:
    parts = base_parts()
    for part in parts:
        if part.name == name:
            before, part.data = part.data, edit(part.data)
            assert part.data != before, f"the edit of {name} changed nothing"
    return write_zip(path, parts + list(extra))


def into_sheet_data(xml: bytes) -> Callable[[bytes], bytes]:
    return lambda sheet: sheet.replace(b"</sheetData>", xml + b"</sheetData>", 1)


def with_merge(ref: bytes) -> Callable[[bytes], bytes]:
    def edit(sheet: bytes) -> bytes:
        if b"</mergeCells>" in sheet:
            return sheet.replace(b"</mergeCells>", b'<mergeCell ref="' + ref + b'"/></mergeCells>', 1)
        return sheet.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="' + ref
                             + b'"/></mergeCells>', 1)
    return edit


def shared_strings(body: bytes, unique: bytes = b"1") -> bytes:
    return (b'<sst xmlns="' + MAIN.encode() + b'" count="' + unique + b'" uniqueCount="' + unique + b'">'
            + body + b"</sst>")


def _merge_whole_grid(path: Path) -> Path:
    return edited(path, FORM_SHEET, with_merge(b"L1:XFD1048576"))


def _far_cell(attribute: bytes) -> Callable[[Path], Path]:
    return lambda path: edited(path, FORM_SHEET, into_sheet_data(
        b'<row r="1048576"><c ' + attribute + b' t="n"><v>1</v></c></row>'))


def _far_row_without_addresses(path: Path) -> Path:
    return edited(path, FORM_SHEET, into_sheet_data(b'<row r="1048576"><c t="n"><v>1</v></c></row>'))


def _far_cell_prefixed(path: Path) -> Path:
    return edited(path, FORM_SHEET, into_sheet_data(
        b'<x:row xmlns:x="' + MAIN.encode() + b'" r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'))


def _cell_elements(path: Path) -> Path:
    cells = b"".join(b'<c r="A1"><v>%d</v></c>' % i for i in range(500_000))
    return edited(path, FORM_SHEET, into_sheet_data(b'<row r="1">' + cells + b"</row>"))


def _declared_strings(path: Path) -> Path:
    return write_zip(path, base_parts() + [Part("xl/sharedStrings.xml", shared_strings(b"<si><t>x</t></si>",
                                                                                         b"4000000000"))])


def _huge_strings_part(path: Path) -> Path:
    opening, closing = shared_strings(b"", b"141000000").split(b"</sst>")[0], b"</sst>"
    raw, crc, size = repeated(b"<si><t>x</t></si>" * (MB // 17), 2400, opening, closing)  # 2.4 GB in 2.5 MB
    return write_zip(path, base_parts() + [Part("xl/sharedStrings.xml", raw=raw, crc=crc, size=size)])


def _lying_size(path: Path) -> Path:
    raw, _, size = repeated(b"<si><t>x</t></si>" * (MB // 17), 300)  # 300 MB that claims to be 17 bytes
    first = b"<si><t>x</t></si>"
    return write_zip(path, base_parts() + [Part("xl/sharedStrings.xml", raw=raw, crc=zlib.crc32(first),
                                                size=len(first))])


def _many_strings(path: Path) -> Path:
    body = b"".join(b"<si><t>%x</t></si>" % (i * 2654435761 % 2**32) for i in range(1_200_000))
    return write_zip(path, base_parts() + [Part("xl/sharedStrings.xml", shared_strings(body, b"1200000"))])


def _many_formats(path: Path) -> Path:
    xfs = b"".join(b'<xf numFmtId="%d" fontId="%d" fillId="0" borderId="%d"/>' % (i % 164, i % 7, i % 3)
                   for i in range(70_000))
    return edited(path, "xl/styles.xml", lambda styles: re.sub(rb"(<cellXfs[^>]*>)", rb"\g<1>" + xfs.replace(
        b"\\", b"\\\\"), styles, count=1))


def _custom_xml_part(path: Path) -> Path:
    raw, crc, size = repeated(b"<a>" + b"x" * (MB - 7) + b"</a>", 2048)  # 2 GB in 2 MB
    return write_zip(path, base_parts() + [Part("customXml/item1.xml", raw=raw, crc=crc, size=size)])


def _many_parts(path: Path) -> Path:
    return write_zip(path, base_parts() + [Part(f"customXml/item{i}.xml", b"<a/>") for i in range(30_000)])


def _same_name_twice(path: Path) -> Path:
    return write_zip(path, base_parts() + [
        Part("xl/sharedStrings.xml", shared_strings(b"<si><t>x</t></si>")),
        Part("XL/SharedStrings.xml", shared_strings(b"<si><t>x</t></si>", b"4000000000"))])


def _sheet_elsewhere(path: Path) -> Path:
    """The relationship names the form's sheet with a detour: this reader normalises it back to the form,
    calamine opens the entry spelled that way, which holds a far cell."""
    bomb = Part("xl/worksheets/../worksheets/sheet2.xml", b'<worksheet xmlns="' + MAIN.encode()
                + b'"><sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
    return edited(path, "xl/_rels/workbook.xml.rels",
                  lambda rels: rels.replace(b'Target="/xl/worksheets/sheet2.xml"',
                                            b'Target="worksheets/../worksheets/sheet2.xml"', 1), [bomb])


def _workbook_elsewhere(path: Path) -> Path:
    """_rels/.rels sends calamine to another folder whose sheet holds a far cell; this reader reads xl/."""
    parts = base_parts()
    extra = [Part(p.name.replace("xl/", "xm/", 1), p.data) for p in parts if p.name.startswith("xl/")]
    for part in extra:
        if part.name == FORM_SHEET.replace("xl/", "xm/", 1):
            part.data = into_sheet_data(b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')(part.data)
    for part in parts:
        if part.name == "_rels/.rels":
            part.data = part.data.replace(b'Target="xl/workbook.xml"', b'Target="xm/workbook.xml"', 1)
    return write_zip(path, parts + extra)


def heavy_but_within_limits(path: Path) -> Path:
    """No bomb: 176,000 cells of 80-character texts, inside every limit, yet about 280 MB to read, more than a
    worker capped at 256 MB has (what the memory cap is for)."""
    rnd = random.Random(13)
    words = "项目资金预算执行绩效指标完成情况说明单位财政医疗保障服务满意度社会效益经济成本数量质量时效"
    rows = b"".join(
        b'<row r="%d">' % r + b"".join(b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (
            b"ABCDEFGHIJ"[c:c + 1], r, "".join(rnd.choices(words, k=80)).encode()) for c in range(10)) + b"</row>"
        for r in range(30, 16030))
    return edited(path, FORM_SHEET, into_sheet_data(rows))


@dataclass(frozen=True)
class Bomb:
    name: str
    what: str
    """What the file does, for the catalogue."""
    limit: str
    """What refuses it."""
    build: Callable[[Path], Path]
    expect: str
    """A fragment of the one-line refusal."""
    suffix: str = ".xlsx"
    code: str = "FILE_REFUSED"
    commands: tuple[str, ...] = field(default=("validate", "recompute", "convert"))


BOMBS = [
    Bomb("merge_whole_grid", "一个合并单元格 L1:XFD1048576（170 亿个单元格）", "合并区域面积 ≤ 1,000,000 个单元格",
         _merge_whole_grid, "合并单元格覆盖"),
    Bomb("far_cell_single_quotes", "一个值在 XFD1048576，地址用单引号 r='…'", "使用范围 ≤ 200,000 个单元格",
         _far_cell(b"r='XFD1048576'"), "使用范围过大"),
    Bomb("far_cell_spaced", "一个值在 IV1048576，属性写成 r = \"…\"", "使用范围 ≤ 200,000 个单元格",
         _far_cell(b'r = "IV1048576"'), "使用范围过大"),
    Bomb("far_cell_lower_case", "一个值在 xfd1048576（小写地址）", "使用范围 ≤ 200,000 个单元格",
         _far_cell(b'r="xfd1048576"'), "使用范围过大"),
    Bomb("far_row_without_addresses", "第 1048576 行的单元格不写地址", "使用范围 ≤ 200,000 个单元格",
         _far_row_without_addresses, "使用范围过大"),
    Bomb("far_cell_prefixed", "带命名空间前缀 x:c 的单元格在 XFD1048576", "使用范围 ≤ 200,000 个单元格",
         _far_cell_prefixed, "使用范围过大"),
    Bomb("cell_elements", "一行里 50 万个地址相同的单元格", "单元格元素 ≤ 400,000 个",
         _cell_elements, "个单元格元素"),
    Bomb("declared_strings", "共享文本表声明 40 亿条（uniqueCount）", "声明的文本条数 ≤ 1,000,000",
         _declared_strings, "共享文本表声明或包含"),
    Bomb("huge_strings_part", "共享文本表解压后 2.4 GB（文件 2.5 MB）", "共享文本表 ≤ 100 MB，任一部件 ≤ 256 MB",
         _huge_strings_part, "xl/sharedStrings.xml"),
    Bomb("many_strings", "共享文本表 120 万条文本", "文本条数 ≤ 1,000,000", _many_strings, "共享文本表声明或包含"),
    Bomb("lying_size", "共享文本表声明解压后 17 字节，实际 300 MB", "解压出的字节数必须等于目录中写明的大小",
         _lying_size, "解压后的大小与文件目录中写明的不符"),
    Bomb("many_formats", "样式表 70,000 个单元格格式", "单元格格式 ≤ 65,490 个（Excel 的上限）", _many_formats,
         "个单元格格式"),
    Bomb("custom_xml_part", "一个 2 GB 的 customXml 部件（文件 2 MB）", "任一部件 ≤ 256 MB，压缩比 ≤ 300",
         _custom_xml_part, "customXml/item1.xml"),
    Bomb("many_parts", "30,000 个部件", "部件 ≤ 20,000 个", _many_parts, "个部件"),
    Bomb("same_name_twice", "xl/sharedStrings.xml 与 XL/SharedStrings.xml 并存", "部件名不分大小写不得重复",
         _same_name_twice, "两个同名部件"),
    Bomb("sheet_elsewhere", "工作表关系写成 worksheets/../worksheets/sheet2.xml，另有按此拼写的部件",
         "calamine 与本工具读到的工作表必须相同", _sheet_elsewhere, "工作表位置写法不规范"),
    Bomb("workbook_elsewhere", "_rels/.rels 指向 xm/workbook.xml，xm/ 中的工作表有远处的值",
         "工作簿部件必须在 xl/ 中", _workbook_elsewhere, "不在 xl/ 中"),
]
