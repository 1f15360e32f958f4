"""Workbook packages changed part by part: what Excel writes and openpyxl cannot (a cached result, an error
value, macros, a ribbon part, a shape, an x14 data validation)."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path


def rewrite_part(src: Path, dst: Path, part: str, pattern: bytes, replacement: bytes) -> Path:
    """Copy a package with one substitution in one part: what Excel writes and openpyxl cannot (a cached
    formula result, an error value).  The pattern must match exactly once."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                data, count = re.subn(pattern, replacement, data)
                assert count == 1, (part, pattern)
            zout.writestr(info, data)
    return dst
CUSTOM_UI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
VBA = bytes(range(256)) * 8
RIBBON = ('<customUI xmlns="http://schemas.microsoft.com/office/2009/07/customui"><ribbon><tabs>'
          '<tab id="xlTools" label="自评工具"><group id="g" label="计分"><button id="score" label="重新计算" '
          'onAction="Score"/></group></tab></tabs></ribbon></customUI>').encode()
X14_VALIDATION = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>参数!$A$2:$A$3</xm:f></x14:formula1>'
    '<xm:sqref>G2:G4</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>')
SHAPE = ('<twoCellAnchor><from><col>9</col><colOff>0</colOff><row>1</row><rowOff>0</rowOff></from>'
         '<to><col>11</col><colOff>0</colOff><row>4</row><rowOff>0</rowOff></to>'
         '<sp macro="" textlink=""><nvSpPr><cNvPr id="3" name="矩形 2"/><cNvSpPr/></nvSpPr>'
         '<spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></spPr>'
         '<txBody><a:bodyPr/><a:p><a:r><a:t>请填写完成值</a:t></a:r></a:p></txBody></sp><clientData/></twoCellAnchor>')


def png() -> bytes:
    """A 2×2 red PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def add_macros_ribbon_and_shape(parts: dict[str, bytes]) -> dict[str, bytes]:
    """What only Excel writes, added to an openpyxl-made package that has a drawing: a drawn shape, a VBA
    project and a customUI ribbon (with the macro-enabled content type and both relationships)."""
    parts["xl/drawings/drawing1.xml"] = parts["xl/drawings/drawing1.xml"].replace(
        b'spreadsheetDrawing">', b'spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">',
        1).replace(b"</wsDr>", SHAPE.encode() + b"</wsDr>")
    parts["xl/vbaProject.bin"] = VBA
    parts["customUI/customUI14.xml"] = RIBBON
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
        b'<Relationship Id="rId90" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
        b'Target="vbaProject.bin"/></Relationships>'))
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"</Relationships>", (
        f'<Relationship Id="rId90" Type="{CUSTOM_UI_REL}" Target="customUI/customUI14.xml"/>'
        "</Relationships>").encode())
    return parts


def parts_of(path: Path) -> dict[str, bytes]:
    """Every part of a package, by name."""
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_parts(parts: dict[str, bytes], path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    return path
