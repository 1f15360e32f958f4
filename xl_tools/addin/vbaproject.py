"""Make a ``vbaProject.bin`` from a donor project and module sources (MS-OVBA).

The donor, a project Excel wrote, gives what cannot be made from text: its
references (the Office type library that defines ``IRibbonControl``), its
project id with the protection fields bound to it (CMG, DPB, GC), and its
information records.  Everything else is written anew, source only: every
module stream is the compressed source (MODULEOFFSET 0, no compiled p-code),
``_VBA_PROJECT`` is the 7-byte form with version 0xFFFF and no ``__SRP_``
streams are written, so Excel compiles the sources when it opens the file
(MS-OVBA 2.3.4.1 and 1.6: this is what a writer other than Office must write).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import olefile

from . import ovba
from .cfb import write_cfb

ModuleKind = Literal["standard", "class", "document"]
VBA_PROJECT_SOURCE_ONLY = bytes.fromhex("CC61FFFF000100")
"""``_VBA_PROJECT``: Reserved1 0x61CC, Version 0xFFFF (no valid cache: compile from source), 0x00, 0x0001."""
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
"""``VB_Base`` of the workbook's document module (the Excel Workbook class)."""
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
"""``VB_Base`` of a worksheet's document module (the Excel Worksheet class)."""

_PROJECT_MODULES, _PROJECT_NAME, _CODE_PAGE = 0x000F, 0x0004, 0x0003
_MODULE_NAME, _STREAM_NAME, _DOC_STRING, _DOC_STRING_UNICODE = 0x0019, 0x001A, 0x001C, 0x0048
_OFFSET, _TERMINATOR = 0x0031, 0x002B
_PROCEDURAL, _NON_PROCEDURAL = 0x0021, 0x0022
_PROJECT_LINE = re.compile(r"(Document|Module|Class)=([^/]*)(?:/.*)?")
_PROJECT_KEYS: dict[ModuleKind, str] = {"standard": "Module", "class": "Class", "document": "Document"}
_KINDS: dict[str, ModuleKind] = {key: kind for kind, key in _PROJECT_KEYS.items()}


@dataclass(frozen=True)
class Module:
    """One module: its name (also its stream's name), what kind it is, and its source text."""

    name: str
    kind: ModuleKind
    source: str
    doc_string: tuple[bytes, bytes] = (b"", b"")
    """MODULEDOCSTRING and its UTF-16 form, kept from the donor."""


@dataclass(frozen=True)
class Donor:
    """What a project written by Excel gives to the projects made from it."""

    information: list[ovba.Record]
    """The ``dir`` stream's information and reference records (everything before PROJECTMODULES)."""
    code_page: str
    properties: list[str]
    """The PROJECT stream's property lines (ID=, Name=, CMG=, …) without its module lines."""
    sections: list[str]
    """The PROJECT stream's sections after the properties ([Host Extender Info]), without [Workspace]."""
    modules: dict[str, Module]


def read_donor(data: bytes) -> Donor:
    """The donor ``vbaProject.bin``'s records, PROJECT text and module sources."""
    ole = olefile.OleFileIO(data)
    records = ovba.parse_dir(ovba.decompress(ole.openstream("VBA/dir").read()))
    split = next(i for i, (rid, _) in enumerate(records) if rid == _PROJECT_MODULES)
    information = records[:split]
    (code_page,) = struct.unpack("<H", dict(information)[_CODE_PAGE])
    encoding = f"cp{code_page}"
    text = ole.openstream("PROJECT").read().decode(encoding)
    head, *sections = text.split("\r\n\r\n")
    kinds = {m[2]: m[1] for m in map(_PROJECT_LINE.fullmatch, head.split("\r\n")) if m}
    modules: dict[str, Module] = {}
    fields: dict[int, bytes] = {}
    for rid, payload in records[split + 1:]:
        fields[rid] = payload
        if rid != _TERMINATOR:
            continue
        stream = ole.openstream(f"VBA/{fields[_STREAM_NAME].decode(encoding)}").read()
        (offset,) = struct.unpack("<I", fields[_OFFSET])
        name = fields[_MODULE_NAME].decode(encoding)
        modules[name] = Module(name, _KINDS[kinds[name]], ovba.decompress(stream[offset:]).decode(encoding),
                               (fields.get(_DOC_STRING, b""), fields.get(_DOC_STRING_UNICODE, b"")))
        fields = {}
    return Donor(information, encoding,
                 properties=[line for line in head.split("\r\n") if not _PROJECT_LINE.fullmatch(line)],
                 sections=[s for s in sections if s and not s.startswith("[Workspace]")], modules=modules)


def document_module(name: str, base: str = WORKSHEET_BASE) -> Module:
    """An empty document module for the sheet (or workbook) whose ``codeName`` is ``name``."""
    attributes = {"VB_Name": f'"{name}"', "VB_Base": f'"{base}"', "VB_GlobalNameSpace": "False",
                  "VB_Creatable": "False", "VB_PredeclaredId": "True", "VB_Exposed": "True",
                  "VB_TemplateDerived": "False", "VB_Customizable": "True"}
    return Module(name, "document", "".join(f"Attribute {k} = {v}\r\n" for k, v in attributes.items()))


def build_project(donor: Donor, name: str, modules: Sequence[Module]) -> bytes:
    """A source-only ``vbaProject.bin`` named ``name`` with ``modules``, on the donor's references and id."""
    cp = donor.code_page
    if name in {m.name for m in modules}:
        raise ValueError(f"the project and a module are both called {name}")
    sources = {m.name: _stored_source(m, cp) for m in modules}
    directory = b"".join(ovba.dir_record(rid, name.encode(cp) if rid == _PROJECT_NAME else payload)
                         for rid, payload in donor.information)
    directory += ovba.dir_record(_PROJECT_MODULES, struct.pack("<H", len(modules)))
    directory += ovba.dir_record(0x0013, struct.pack("<H", 0xFFFF))  # PROJECTCOOKIE: 0xFFFF on write
    for m in modules:
        directory += b"".join((
            ovba.dir_record(_MODULE_NAME, m.name.encode(cp)),
            ovba.dir_record(0x0047, m.name.encode("utf-16-le")),
            ovba.dir_record(_STREAM_NAME, m.name.encode(cp)),
            ovba.dir_record(0x0032, m.name.encode("utf-16-le")),
            ovba.dir_record(_DOC_STRING, m.doc_string[0]),
            ovba.dir_record(_DOC_STRING_UNICODE, m.doc_string[1]),
            ovba.dir_record(_OFFSET, struct.pack("<I", 0)),  # the stream is source only
            ovba.dir_record(0x001E, struct.pack("<I", 0)),  # MODULEHELPCONTEXT
            ovba.dir_record(0x002C, struct.pack("<H", 0xFFFF)),  # MODULECOOKIE: 0xFFFF on write
            ovba.dir_record(_PROCEDURAL if m.kind == "standard" else _NON_PROCEDURAL),
            ovba.dir_record(_TERMINATOR),
        ))
    directory += ovba.dir_record(0x0010)
    streams = {
        "PROJECT": _project_text(donor, name, modules).encode(cp),
        "PROJECTwm": b"".join(m.name.encode(cp) + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in modules)
        + b"\0\0",
        "VBA/_VBA_PROJECT": VBA_PROJECT_SOURCE_ONLY,
        "VBA/dir": ovba.compress(directory),
    }
    streams.update({f"VBA/{m.name}": ovba.compress(sources[m.name]) for m in modules})
    return write_cfb(streams)


def _project_text(donor: Donor, name: str, modules: Sequence[Module]) -> str:
    """The PROJECT stream: id, module lines, the donor's other properties, its host extenders, a new workspace."""
    ident, *others = donor.properties
    lines = [ident]
    lines += [f"Document={m.name}/&H00000000" if m.kind == "document" else f"{_PROJECT_KEYS[m.kind]}={m.name}"
              for m in modules]
    lines += [f'Name="{name}"' if line.startswith("Name=") else line for line in others]
    workspace = "\r\n".join(["[Workspace]", *(f"{m.name}=0, 0, 0, 0, C" for m in modules)])
    return "\r\n\r\n".join(["\r\n".join(lines), *donor.sections, workspace]) + "\r\n\r\n"


def _stored_source(module: Module, code_page: str) -> bytes:
    """The source as stored: ASCII (every code page reads it alike), CRLF line ends, ``Attribute VB_Name`` first."""
    first = module.source.split("\n", 1)[0].strip()
    if first != f'Attribute VB_Name = "{module.name}"':
        raise ValueError(f'{module.name}: the first line must be Attribute VB_Name = "{module.name}"')
    if not module.source.isascii():
        bad = next(c for c in module.source if not c.isascii())
        raise ValueError(f"{module.name}: VBA source must be plain ASCII, {bad!r} is not "
                         "(text for users goes in ribbon.xml)")
    return re.sub(r"\r\n|\r|\n", "\r\n", module.source).encode(code_page)
