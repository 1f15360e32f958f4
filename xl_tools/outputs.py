"""Where an operation writes: one rule for every command, so no command can write over what it reads, and every
name the toolkit makes up fits the file system and says truly what the file is."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from .core.errors import XlToolsError

NAME_MAX = 255
"""Bytes of one file name on Linux and macOS (NTFS counts 255 UTF-16 units: never fewer characters)."""
MACRO_ENABLED = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
"""Content type of the workbook part of an .xlsm; Excel refuses a package whose content and name disagree."""
ADDIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
"""…and of an .xlam add-in: code and ribbon, its sheets hidden, nothing to print or convert."""
_CONTENT_TYPES_READ = 1 << 20  # a real [Content_Types].xml is a few KB; a bomb's is not read further


def checked_output(target: Path, inputs: Iterable[Path], *, suffixes: tuple[str, ...] = (), what: str = "结果文件",
                   in_place_option: bool = False, why: str = "") -> Path:
    """``target`` if it is none of ``inputs`` and ends with one of ``suffixes``; else a message saying what to do
    (with ``in_place_option`` the command can rewrite its input on request, after a backup; ``why`` says why
    only those suffixes do)."""
    if any(target.resolve() == Path(p).resolve() for p in inputs):
        advice = "要改写原文件请用 --in-place（会先备份）" if in_place_option else "请用 -o 指定另一个文件名"
        raise XlToolsError(f"输出文件不能与输入文件相同；{advice}")
    if suffixes and target.suffix.lower() not in suffixes:
        raise XlToolsError(f"{what}只能保存为 {' 或 '.join(suffixes)}（收到 {target.name}）{why}；"
                           f"请用 -o 指定以 {suffixes[0]} 结尾的文件名")
    return target


def package_suffix(package: Path | zipfile.ZipFile) -> str:
    """.xlsm when the workbook part's content type is macro-enabled (VBA project or not), else .xlsx: what the
    content needs, whatever the file is called; a package whose content types cannot be read counts as .xlsx."""
    return ".xlsm" if workbook_type(package) == MACRO_ENABLED else ".xlsx"


def workbook_type(package: Path | zipfile.ZipFile) -> str | None:
    """The content type of the package's workbook part (a workbook, a macro-enabled one, an add-in), None when
    the content types cannot be read."""
    from lxml import etree

    try:
        zf = package if isinstance(package, zipfile.ZipFile) else zipfile.ZipFile(package)
        try:
            with zf.open("[Content_Types].xml") as fh:
                data = fh.read(_CONTENT_TYPES_READ)
        finally:
            if zf is not package:
                zf.close()
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except (KeyError, OSError, zipfile.BadZipFile, EOFError, etree.XMLSyntaxError, ValueError):
        return None
    types = {(el.get("PartName") or "").lower(): el.get("ContentType") for el in root
             if isinstance(el.tag, str) and el.tag.endswith("Override")}
    return types.get("/xl/workbook.xml")


def output_suffix(path: Path, password: str | None = None) -> str:
    """The suffix of what the toolkit writes from ``path``: an .xls is converted to a plain .xlsx, a package
    (decrypted first if need be) keeps its own kind."""
    import io

    from .reading.open import load

    source = load(path, password)
    if source.format == "xls":
        return ".xlsx"
    return package_suffix(zipfile.ZipFile(io.BytesIO(source.data)) if source.data is not None else source.path)


def content_checked(target: Path, inputs: Iterable[Path], suffix: str, *, what: str = "结果文件",
                    in_place_option: bool = False) -> Path:
    """``checked_output`` for a workbook whose content needs ``suffix``: Excel opens neither a macro-enabled
    package called .xlsx nor a plain one called .xlsm, and the toolkit does not change the content's kind."""
    why = "：原工作簿启用了宏，内容只能以 .xlsm 打开" if suffix == ".xlsm" else "：原工作簿不含宏，Excel 不会打开扩展名为 .xlsm 的普通工作簿"
    return checked_output(target, inputs, suffixes=(suffix,), what=what, in_place_option=in_place_option, why=why)


def misnamed_warning(path: Path) -> str | None:
    """A warning for --in-place on a package whose name does not match its content (it keeps its name)."""
    needed = package_suffix(path)
    if path.suffix.lower() in (".xlsx", ".xlsm") and path.suffix.lower() != needed:
        return (f"{path.name} 的内容是{'启用宏的工作簿（.xlsm）' if needed == '.xlsm' else '不含宏的工作簿（.xlsx）'}，"
                f"扩展名却是 {path.suffix}，Excel 会拒绝打开；--in-place 保留原文件名，请把它改名为 {path.stem}{needed}")
    return None


def too_long(name: str) -> str:
    """The message for ENAMETOOLONG, wherever the file system refuses a name."""
    return (f"文件名或路径过长：{name}（文件名最多 {NAME_MAX} 字节）；请把文件改用较短的名称，"
            "或用 -o 指定较短的输出文件名")


def fit_name(stem: str, tail: str, limit: int = NAME_MAX) -> str:
    """``stem + tail`` with ``stem`` cut on a character boundary so the name takes at most ``limit`` bytes."""
    room, kept = limit - _bytes(tail), []
    for ch in stem:
        room -= _bytes(ch)
        if room < 0:
            break
        kept.append(ch)
    return "".join(kept) + tail


def _bytes(text: str) -> int:
    return len(text.encode("utf-8", "surrogateescape"))  # a name undecodable on Linux keeps its raw bytes


def derived(path: Path, tag: str, suffix: str) -> Path:
    """``<stem>_<tag><suffix>`` beside ``path`` (the stem shortened if the name would be too long)."""
    return path.with_name(fit_name(path.stem, f"_{tag}{suffix}"))


def output_for(path: Path, out: str | Path | None, tag: str, suffix: str, what: str) -> Path:
    """Where a job writes what it makes of ``path``: ``out``, else ``<stem>_<tag><suffix>`` beside it; never over
    the input, and with the suffix the format needs."""
    return checked_output(Path(out) if out else derived(path, tag, suffix), [path], suffixes=(suffix,), what=what)
