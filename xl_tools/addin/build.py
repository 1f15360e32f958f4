"""Build 绩效自评模板.xlsm and xl_tools.xlam: the 绩效自评 ribbon and its VBA, from the text sources beside this file.

Both files carry ribbon.xml as their customUI14 part and a VBA project with
XlTools.bas and xlwings' own module (its text read from the installed, pinned
xlwings package, BSD-licensed).  The template is the toolkit's own template
(``template_workbook``) with a document module per sheet; the add-in is
xlwings' ``quickstart_addin_ribbon.xlam`` with its modules and ribbon replaced.

Why the VBA project is made from a donor, xlwings' quickstart files, and not
from nothing: a project needs binary records no text describes (the references
to the Office type library that defines ``IRibbonControl`` and to MSForms, a
project id with the protection fields encrypted against it) and the Dictionary
class xlwings' module uses on a Mac; the donor has them all.  And the donors
themselves are stored the way we write: ``_VBA_PROJECT`` version 0xFFFF and the
xlwings module as compressed source only, so Excel compiles it on open.  xlwings
ships files made this way in every release; that is the best evidence to hand
that Excel accepts what is built here, since Excel cannot run on this machine.

Every build gives the same bytes: fixed zip timestamps, no clock, no random ids.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata, util
from pathlib import Path

from lxml import etree

from ..core.errors import XlToolsError
from ..workbook.save import FIXED_TIME, save_stable
from ..workbook.template import template_workbook
from . import ADDIN_NAME, CONFIG_NAME, TEMPLATE_NAME
from .messages import text_module
from .vbaproject import WORKBOOK_BASE, Donor, Module, build_project, document_module, read_donor

SOURCES = Path(__file__).parent
MACRO_SHEET_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
MACRO_ADDIN_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
VBA_TYPE = "application/vnd.ms-office.vbaProject"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
RIBBON_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
"""The relationship type of customUI/customUI14.xml (the 2006 type is the Office 2007 part's)."""
RIBBON_PART = "customUI/customUI14.xml"

_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_CORE = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
         "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/"}
_PROJECT_NAME_LINE = re.compile(r'^(Public Const PROJECT_NAME As String = )"[^"]*"', re.MULTILINE)
_ADDIN_TITLE = "绩效自评（xl_tools）"
_ADDIN_DESCRIPTION = "「绩效自评」功能区：校验、计分、汇总、报告。需要本机安装 Python 和 xl_tools。"

TEMPLATE_YEAR = 2023
"""The year of the committed template: a build reads no clock, so every build gives the same bytes."""
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'  # as Excel writes it

Parts = dict[str, bytes]
"""A package's parts by name, in zip order."""


def build_all(outdir: Path) -> list[Path]:
    """Write the template and the add-in into ``outdir``."""
    xlwings, ribbon, ours = _sources()
    return [build_template(outdir / TEMPLATE_NAME, xlwings, ribbon, ours),
            build_addin(outdir / ADDIN_NAME, xlwings, ribbon, ours)]


def build_macro_template(target: Path, *, year: int, rule_set: str) -> Path:
    """The template with the ribbon for another year or rule set (`xl-tools template -o 模板.xlsm`)."""
    return build_template(target, *_sources(), year=year, rule_set=rule_set)


def build_addin_only(target: Path) -> Path:
    """The add-in alone, as ``build_all`` writes it (what `addin install` puts in place)."""
    return build_addin(target, *_sources())


def addin_bytes() -> bytes:
    """The add-in as this xl_tools builds it: what `addin install` puts in place and `doctor` compares with."""
    with tempfile.TemporaryDirectory(prefix="xl_tools_addin_") as tmp:
        return build_addin_only(Path(tmp) / ADDIN_NAME).read_bytes()


def _sources() -> tuple[XlwingsSources, bytes, list[Module]]:
    """The pinned xlwings, the ribbon, and our modules: the callback and the messages of this version."""
    from .. import __version__

    callback = Module("XlTools", "standard", (SOURCES / "XlTools.bas").read_text(encoding="ascii"))
    return XlwingsSources.installed(), (SOURCES / "ribbon.xml").read_bytes(), [callback, text_module(__version__)]


@dataclass(frozen=True)
class XlwingsSources:
    """The installed xlwings' donor files and VBA modules, once it is the version xl_tools pins."""

    folder: Path
    version: str

    @classmethod
    def installed(cls) -> XlwingsSources:
        spec = util.find_spec("xlwings")
        if spec is None or spec.origin is None:
            raise XlToolsError("生成加载项需要 xlwings，但本机没有安装；请运行 pip install -e . 安装 xl_tools 及其依赖")
        pinned, installed = pinned_xlwings(), metadata.version("xlwings")
        if installed != pinned:
            raise XlToolsError(f"生成加载项需要 xlwings {pinned}（xl_tools 固定的版本），本机安装的是 {installed}："
                               f"VBA 模块里写着它所调用的 xlwings64-{pinned}.dll，两边版本必须一致；"
                               f"请运行 pip install xlwings=={pinned} 后再生成")
        return cls(Path(spec.origin).parent, pinned)

    def donor(self, file_name: str) -> tuple[Parts, Donor]:
        parts = read_parts((self.folder / file_name).read_bytes())
        return parts, read_donor(parts["xl/vbaProject.bin"])

    def module(self, file_name: str) -> Module:
        """xlwings' module from ``file_name``, reading its settings from CONFIG_NAME.conf."""
        text = (self.folder / file_name).read_text(encoding="ascii")
        if f'XLWINGS_VERSION As String = "{self.version}"' not in text or f"xlwings64-{self.version}.dll" not in text:
            raise XlToolsError(f"本机 xlwings 的 {file_name} 不是 {self.version} 版（其中的版本号和 DLL 名称不符）；"
                               f"请运行 pip install --force-reinstall xlwings=={self.version}")
        text, count = _PROJECT_NAME_LINE.subn(rf'\g<1>"{CONFIG_NAME}"', text)
        if count != 1:
            raise XlToolsError(f"本机 xlwings 的 {file_name} 中找不到 PROJECT_NAME 设置，无法生成加载项")
        return Module("xlwings", "standard", text)


def pinned_xlwings() -> str:
    """The xlwings version xl_tools requires (``xlwings==…`` in pyproject.toml, as installed)."""
    try:
        requires = metadata.requires("xl_tools") or []
    except metadata.PackageNotFoundError:
        raise XlToolsError("生成加载项需要知道 xl_tools 固定的 xlwings 版本，但 xl_tools 没有安装；"
                           "请在源码文件夹运行 pip install -e .") from None
    for requirement in requires:
        found = re.fullmatch(r"xlwings\s*==\s*([\w.]+)", requirement.split(";")[0].strip())
        if found:
            return found[1]
    raise XlToolsError("xl_tools 的依赖中没有固定 xlwings 的版本（xlwings==…）；请重新安装 xl_tools")


def build_template(target: Path, xlwings: XlwingsSources, ribbon: bytes, ours: list[Module], *,
                   year: int = TEMPLATE_YEAR, rule_set: str = "default") -> Path:
    """The toolkit's template with the ribbon and a project whose xlwings module calls back into this workbook."""
    wb = template_workbook(year=year, rule_set=rule_set)
    wb.code_name = "ThisWorkbook"
    for i, ws in enumerate(wb.worksheets, 1):
        ws.sheet_properties.codeName = f"Sheet{i}"
    with tempfile.TemporaryDirectory(prefix="xl_tools_addin_") as tmp:
        parts = read_parts(save_stable(wb, Path(tmp) / "template.xlsx").read_bytes())
    _, donor = xlwings.donor("quickstart_standalone.xlsm")
    modules = [document_module("ThisWorkbook", WORKBOOK_BASE),
               *(document_module(ws.sheet_properties.codeName) for ws in wb.worksheets),
               *_classes(donor), xlwings.module("xlwings.bas"), *ours]
    set_vba_project(parts, build_project(donor, "XlToolsTemplate", modules), MACRO_SHEET_TYPE)
    set_ribbon(parts, ribbon)
    return write_parts(parts, target)


def build_addin(target: Path, xlwings: XlwingsSources, ribbon: bytes, ours: list[Module]) -> Path:
    """xlwings' ribbon add-in with our ribbon and modules; its xlwings module calls back into the active workbook."""
    parts, donor = xlwings.donor("quickstart_addin_ribbon.xlam")
    documents = [m for m in donor.modules.values() if m.kind == "document"]
    modules = [*documents, *_classes(donor), xlwings.module("xlwings_custom_addin.bas"), *ours]
    set_vba_project(parts, build_project(donor, "XlToolsAddin", modules), MACRO_ADDIN_TYPE)
    set_ribbon(parts, ribbon)
    # the sheet xlwings reads settings from, disabled by its leading underscore, named after our PROJECT_NAME
    _edit(parts, "xl/workbook.xml", lambda root: _rename_sheet(root, "_myaddin.conf", f"_{CONFIG_NAME}.conf"))
    _edit(parts, "docProps/core.xml", _describe_addin)  # what Excel's 加载项 dialog shows
    return write_parts(parts, target)


def _classes(donor: Donor) -> list[Module]:
    """The donor's class modules: xlwings' Dictionary, which its module uses on a Mac."""
    return [m for m in donor.modules.values() if m.kind == "class"]


def read_parts(data: bytes) -> Parts:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_parts(parts: Parts, target: Path) -> Path:
    """The package, [Content_Types].xml first, every entry stamped with the same fixed time."""
    target.parent.mkdir(parents=True, exist_ok=True)
    names = sorted(parts, key=lambda name: name != "[Content_Types].xml")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in names:
            entry = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(entry, parts[name])
    return target


def set_vba_project(parts: Parts, vba: bytes, main_type: str) -> None:
    """Put ``vba`` in as xl/vbaProject.bin, related from the workbook, and make the package macro-enabled."""

    def content_types(root: etree._Element) -> None:
        _override(root, "/xl/workbook.xml", main_type)
        _override(root, "/xl/vbaProject.bin", VBA_TYPE)

    parts["xl/vbaProject.bin"] = vba
    _edit(parts, "[Content_Types].xml", content_types)
    _edit(parts, "xl/_rels/workbook.xml.rels", lambda root: _relate(root, VBA_REL, "vbaProject.bin"))


def set_ribbon(parts: Parts, ribbon: bytes) -> None:
    """Make ``ribbon`` the package's only ribbon part (customUI14), related from the package root."""

    def edit(root: etree._Element) -> None:
        for rel in root.findall(f"{{{_PKG_REL}}}Relationship"):
            if rel.get("Type", "").endswith("/ui/extensibility"):
                parts.pop(rel.get("Target", "").lstrip("/"), None)
                root.remove(rel)
        _relate(root, RIBBON_REL, RIBBON_PART)

    _edit(parts, "_rels/.rels", edit)
    parts[RIBBON_PART] = ribbon


def _edit(parts: Parts, name: str, change: Callable[[etree._Element], object]) -> None:
    root = etree.fromstring(parts[name])
    change(root)
    parts[name] = _DECLARATION + etree.tostring(root, encoding="unicode").encode("utf-8")


def _override(types: etree._Element, part: str, content_type: str) -> None:
    for override in types.findall(f"{{{_CT}}}Override"):
        if override.get("PartName") == part:
            override.set("ContentType", content_type)
            return
    etree.SubElement(types, f"{{{_CT}}}Override", PartName=part, ContentType=content_type)


def _relate(rels: etree._Element, rel_type: str, target: str) -> None:
    existing = rels.findall(f"{{{_PKG_REL}}}Relationship")
    if any(r.get("Type") == rel_type and r.get("Target") == target for r in existing):
        return
    ids = {r.get("Id") for r in existing}
    new_id = next(f"rId{n}" for n in range(1, len(ids) + 2) if f"rId{n}" not in ids)
    etree.SubElement(rels, f"{{{_PKG_REL}}}Relationship", Id=new_id, Type=rel_type, Target=target)


def _rename_sheet(workbook: etree._Element, old: str, new: str) -> None:
    (sheet,) = workbook.xpath("//m:sheet[@name=$old]", old=old,
                              namespaces={"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"})
    sheet.set("name", new)


def _describe_addin(core: etree._Element) -> None:
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    for path, text in (("dc:title", _ADDIN_TITLE), ("dc:description", _ADDIN_DESCRIPTION), ("dc:creator", "xl_tools"),
                       ("cp:lastModifiedBy", "xl_tools"), ("dcterms:created", stamp), ("dcterms:modified", stamp)):
        (element,) = core.xpath(path, namespaces=_CORE)
        element.text = text
