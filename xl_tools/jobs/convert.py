"""``xl-tools convert``: workbooks and templates to PDF, .xlsx or .ods, Word documents (the 自评报告) to PDF,
through LibreOffice.

The operation behind the command (and the Python API): it checks every input,
chooses output names that never replace an input, runs one LibreOffice process
for the whole batch, and reports each file on its own, so one bad file does not
stop the others.
"""

from __future__ import annotations

import io
import shutil
import struct
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..adapters import libreoffice
from ..core.errors import WorkbookReadError, XlToolsError
from ..outputs import ADDIN, workbook_type
from ..reading import limits
from ..reading.limits import check_file_size
from ..reading.open import check_before_handing_over, password_protected, sniff
from ..reading.package_guard import Entries, check_directory, check_ods

FORMATS = ("pdf", "xlsx", "ods")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ZIP_MAGIC = b"PK\x03\x04"
_WORD_PART = "word/document.xml"
_ZIP_ERRORS = (zipfile.BadZipFile, EOFError, OSError, ValueError, struct.error)
_WORD_ADVICE = "请在 Word/WPS 中打开后另存为 .docx 再试"


@dataclass(frozen=True)
class Converted:
    """One input's outcome: the written file, or the reason there is none."""

    source: Path
    output: Path | None
    error: str | None = None


def convert(paths: Sequence[str | Path], to: str, outdir: str | Path | None = None) -> list[Converted]:
    """Convert each workbook to ``to`` next to itself (or into ``outdir``); formulas are recalculated."""
    if to not in FORMATS:
        raise XlToolsError(f"不支持转换为「{to}」；可选：{'、'.join(FORMATS)}")
    sources = list(dict.fromkeys(Path(p) for p in paths))
    problems = {src: _word_problem(src, to) if _is_word(src) else _problem(src) for src in sources}
    ready = [src for src in sources if problems[src] is None]
    targets = _targets(ready, sources, to, Path(outdir) if outdir else None)
    written: dict[Path, Path | None] = {}
    if ready:
        with tempfile.TemporaryDirectory(prefix="xl_tools_convert_") as tmp:
            made = libreoffice.convert_many(ready, to, Path(tmp), task=f"转换为 .{to} ")
            for src, out in zip(ready, made):
                written[src] = _place(out, targets[src]) if out else None
    return [Converted(src, written.get(src), problems[src] or (
        None if written.get(src) else f"LibreOffice 未能把 {src.name} 转换为 .{to}（文件可能已损坏）"))
        for src in sources]


def _problem(src: Path) -> str | None:
    """Why LibreOffice cannot convert ``src`` unattended, or None.  What LibreOffice is given is measured first,
    as a read would measure it: a file the toolkit would refuse to read is not handed to another program."""
    try:
        kind = sniff(src)
    except WorkbookReadError as exc:
        return _ods_problem(src) if _is_ods(src) else str(exc)
    if kind.format == "xlsx" and not kind.encrypted and workbook_type(src) == ADDIN:
        return (f"{src.name} 是 Excel 加载项（.xlam：功能区按钮和宏），不是工作簿，没有可转换的表格；"
                "请转换用它处理的工作簿")
    if kind.encrypted and password_protected(src):
        return f"{src.name} 设有打开密码，LibreOffice 无人值守时无法打开；请在 Excel/WPS 中取消密码后再转换"
    try:
        check_before_handing_over(src)
    except WorkbookReadError as exc:
        return str(exc)
    return None


def _is_word(path: Path) -> bool:
    """A Word document by its content: a zip holding word/document.xml.  A zip too damaged to list its parts
    is one when its name says .docx: nothing else can tell, and calling it a broken workbook would mislead."""
    try:
        with open(path, "rb") as fh:
            if fh.read(len(_ZIP_MAGIC)) != _ZIP_MAGIC:
                return False
            check_directory(fh, path.name)
        with zipfile.ZipFile(path) as zf:
            return _WORD_PART in zf.namelist()
    except (*_ZIP_ERRORS, WorkbookReadError):
        return path.suffix.lower() == ".docx"


def _word_problem(src: Path, to: str) -> str | None:
    """Why a Word document cannot go to LibreOffice, or None.  Only PDF is made of one; the package is measured
    as a workbook's would be (parts counted, each inflated with its size and checksum checked against the
    directory, sizes, ratios and the total within the limits), so a zip bomb never reaches LibreOffice."""
    if to != "pdf":
        return (f"{src.name} 是 Word 文档（.docx），只能转换为 PDF（--to pdf）；"
                f"转换为 .{to} 的只能是 Excel 工作簿")
    try:
        size = src.stat().st_size
        if size > limits.MAX_FILE_BYTES:
            return str(limits.refuse(src.name, f"过大（{size / 2**20:.0f} MB，上限 {limits.MAX_FILE_BYTES // 2**20} MB）",
                                     "请在 Word/WPS 中压缩其中的图片后另存再试"))
        content = src.read_bytes()
        with zipfile.ZipFile(io.BytesIO(content)) as zf:  # first: the guard would call a broken one a workbook
            infos = zf.infolist()
    except _ZIP_ERRORS:
        return (f"{src.name} 已损坏：压缩包结构不完整（可能下载或复制时被截断），不是可以打开的 Word 文档；"
                "请重新获取或重新生成该文档")
    odd = next((i.filename for i in infos if i.flag_bits & 0x1
                or i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)), None)
    if odd is not None:
        return f"{src.name} 中的部件 {odd} 使用了 Word 不用的加密或压缩方式，无法转换；{_WORD_ADVICE}"
    try:
        Entries(content, src.name).verify_rest()
    except WorkbookReadError as exc:
        return str(exc)
    return None


def _is_ods(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            check_directory(fh, path.name)
        with zipfile.ZipFile(path) as zf:
            return zf.read("mimetype").strip() == _ODS_MIMETYPE
    except (zipfile.BadZipFile, KeyError, OSError, WorkbookReadError):
        return False


def _ods_problem(path: Path) -> str | None:
    try:
        check_file_size(path, path.stat().st_size)
        check_ods(path.read_bytes(), path.name)
    except WorkbookReadError as exc:
        return str(exc)
    return None


def _targets(ready: list[Path], inputs: list[Path], to: str, outdir: Path | None) -> dict[Path, Path]:
    """``<name>.<to>`` beside the input or in ``outdir``; ``<name>_转换.<to>`` where that is an input."""
    taken = {p.resolve() for p in inputs}
    targets: dict[Path, Path] = {}
    for src in ready:
        folder = outdir if outdir is not None else src.parent
        target = folder / f"{src.stem}.{to}"
        if target.resolve() in taken:
            target = folder / f"{src.stem}_转换.{to}"
        targets[src] = target
    clashes = [t for t in targets.values() if list(targets.values()).count(t) > 1]
    if clashes:
        raise XlToolsError(f"有几个输入文件会写出同一个文件 {clashes[0]}；请分开转换，或把同名文件改名")
    return targets


def _place(made: Path, target: Path) -> Path:
    """Move the converted file to ``target`` whole: a reader never sees half a file."""
    from ..workbook.atomic import replace_atomically

    target.parent.mkdir(parents=True, exist_ok=True)
    with open(made, "rb") as src:
        replace_atomically(target, lambda fh: shutil.copyfileobj(src, fh))
    return target
