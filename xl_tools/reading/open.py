"""Open whatever file a user hands over, deciding what it is by its bytes, not its name.

Forms arrive renamed (.xlsx called .xls and back), encrypted, saved as .xls by
WPS, exported by web systems as CSV or HTML, or as a Word document by mistake.
Only the content tells; each kind that is not a workbook gets one line naming
the file and saying what to do, and each workbook goes to a backend that can
read it, after the size guard.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..core.errors import NotAWorkbook, WorkbookMissing, WorkbookReadError, XlToolsError
from .decrypt import decrypt, opens_without_password
from .grid import WorkbookGrid
from .text import WINDOWS_ENCODINGS
from .limits import check_file_size, check_xls_size

if TYPE_CHECKING:
    from .package_guard import Kept, SheetShape

READERS = ("fast", "openpyxl", "calamine")
"""fast (calamine's values plus formats, formulas, hidden rows and names from the XML) and openpyxl give the
same grid; bare calamine is the fastest and sees no number formats.  An .xls is read with xlrd by the first two."""

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a package; an empty one
_HEAD = 64 * 1024  # enough text to tell CSV, HTML and XML apart
_ADVICE_SAVE_AS = "请在 Excel 或 WPS 中打开后另存为 .xlsx 再试"
_ADVICE_SEND_EXCEL = "请提交 Excel 格式的自评表"

Format = Literal["xlsx", "xls"]


@dataclass(frozen=True)
class Kind:
    """What a file is, before any password: ``format`` is "xlsx" (also .xlsm) or "xls"."""

    format: Format
    encrypted: bool = False


@dataclass(frozen=True)
class Source:
    """A workbook ready to read: where it is, its real format, and its decrypted bytes if it was encrypted."""

    path: Path
    format: Format
    data: bytes | None = None

    def stream(self) -> Path | io.BytesIO:
        """What a reader opens: the file itself, or its decrypted content in memory."""
        return self.path if self.data is None else io.BytesIO(self.data)

    def content(self) -> bytes:
        """The whole package in memory, refused first if the file is larger than any form."""
        if self.data is not None:
            return self.data
        check_file_size(self.path, self.path.stat().st_size)
        return self.path.read_bytes()


def sniff(path: str | Path) -> Kind:
    """The file's kind from its content; a one-line message naming the file if it is no workbook."""
    path = Path(path)
    if not path.exists():
        raise WorkbookMissing(f"文件不存在：{path}")
    if path.is_dir():
        raise WorkbookMissing(f"{path} 是文件夹，不是工作簿")
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD)
    except PermissionError:
        raise WorkbookReadError(f"{path.name} 被其他程序占用或没有读取权限（可能正在 Excel/WPS 中打开，或仍在复制）；"
                                "请关闭该文件或等复制完成后再试") from None
    except OSError as exc:
        raise WorkbookReadError(f"{path.name} 无法读取（{exc.strerror or type(exc).__name__}）；请确认文件完好后再试") from None
    if not head:
        raise NotAWorkbook(f"{path.name} 是空文件（0 字节），没有任何内容；请确认选对了文件")
    if head.startswith(_OLE_MAGIC):
        return _compound_kind(path)
    if head.startswith(_ZIP_MAGIC):
        _check_package(path, path)
        return Kind("xlsx")
    raise NotAWorkbook(_not_a_workbook(path.name, head))


def load(path: str | Path, password: str | None = None) -> Source:
    """Sniff the file and decrypt it in memory if it is encrypted."""
    path = Path(path)
    kind = sniff(path)
    if not kind.encrypted:
        return Source(path, kind.format)
    data = decrypt(path, password)
    if kind.format == "xlsx":
        _check_package(path, io.BytesIO(data))  # an encrypted Word file looks the same until decrypted
    return Source(path, kind.format, data)


def password_protected(path: str | Path) -> bool:
    """Whether the file needs an open password (what the toolkit writes from it is not encrypted)."""
    return sniff(path).encrypted and not opens_without_password(Path(path))


def open_workbook(path: str | Path, *, password: str | None = None, reader: str = "fast",
                  keep: Kept | None = None, only: Container[str] | None = None) -> WorkbookGrid:
    """Read any workbook file into a ``WorkbookGrid``, refusing what is not one or is too large; with ``keep``,
    the fast reader leaves its bytes and parsed sheets there for a writer of the same file.  ``only`` (the fast
    reader of an .xlsx): the sheets of those names alone, the others neither measured nor read."""
    if reader not in READERS:
        raise XlToolsError(f"未知的读取方式「{reader}」；可选：{'、'.join(READERS)}")
    source = load(path, password)
    if source.format == "xls":
        check_xls_size(source.path, len(source.data) if source.data is not None else source.path.stat().st_size)
        if reader == "calamine":
            from .calamine_backend import read_workbook as read_bare

            return read_bare(source.path, source.data)
        from .xlrd_backend import read_workbook as read_xls

        return read_xls(source.path, source.data)
    from .package_guard import check_workbook

    content = source.content()  # one read for every pass
    if reader == "fast":
        from .fast_backend import read_workbook as read_xlsx_fast, sheet_details

        details, roots = {}, {}

        def on_sheet(sheet: str, root: Any, shape: SheetShape) -> None:
            details[sheet] = sheet_details(root, shape)
            if keep is not None:
                roots[sheet] = root, shape

        checked = check_workbook(content, source.path.name, on_sheet=on_sheet, only=only)
        if keep is not None:
            keep.content = content
            keep.sheets = {part: roots[sheet] for sheet, part in checked.sheets if sheet in roots}
        return read_xlsx_fast(source.path, content, details, checked, only)
    check_workbook(content, source.path.name, every_part=reader == "openpyxl")
    if reader == "calamine":
        from .calamine_backend import read_workbook as read_bare

        return read_bare(source.path, content)
    from .openpyxl_backend import read_workbook as read_xlsx

    return read_xlsx(source.path, content)


def check_before_handing_over(path: str | Path, password: str | None = None) -> None:
    """The checks a read would make, for a file about to be given to another program (LibreOffice): it must
    not ask that program for more than the toolkit would read itself."""
    from .package_guard import check_workbook

    source = load(path, password)
    if source.format == "xls":
        check_xls_size(source.path, len(source.data) if source.data is not None else source.path.stat().st_size)
    else:
        check_workbook(source.content(), source.path.name, every_part=True)


def _check_package(path: Path, content: Path | io.BytesIO) -> None:
    """A readable zip with a workbook part, or a message saying what the package is."""
    from .package_guard import check_directory

    try:
        if isinstance(content, Path):
            check_file_size(path, content.stat().st_size)
            with open(content, "rb") as fh:
                check_directory(fh, path.name)
        else:
            check_directory(content, path.name)
        with zipfile.ZipFile(content) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype")[:100].decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, EOFError, OSError):
        raise WorkbookReadError(
            f"{path.name} 已损坏：压缩包结构不完整（可能下载或复制时被截断），不是可读取的 Excel 工作簿；"
            "请重新获取原文件") from None
    if "xl/workbook.xml" in names:
        return
    raise NotAWorkbook(f"{path.name} {_package_kind(names, mimetype)}")


def _package_kind(names: set[str], mimetype: str) -> str:
    """What a zip without a workbook part is, and what to do about it."""
    if "word/document.xml" in names:
        return f"是 Word 文档（.docx），不是 Excel 工作簿；{_ADVICE_SEND_EXCEL}"
    if "ppt/presentation.xml" in names:
        return f"是 PowerPoint 演示文稿（.pptx），不是 Excel 工作簿；{_ADVICE_SEND_EXCEL}"
    if mimetype.endswith("opendocument.spreadsheet"):
        return f"是 OpenDocument 表格（.ods），不是 Excel 工作簿；{_ADVICE_SAVE_AS}"
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        return f"是 OpenDocument 文档（.odt 等），不是 Excel 工作簿；{_ADVICE_SEND_EXCEL}"
    if "xl/workbook.bin" in names:
        return f"是 Excel 二进制工作簿（.xlsb），暂不支持；{_ADVICE_SAVE_AS}"
    if "[Content_Types].xml" in names:
        return f"是 Office 文档，但不是 Excel 工作簿（缺少 xl/workbook.xml）；{_ADVICE_SEND_EXCEL}"
    return "是压缩包（zip），不是 Excel 工作簿（缺少 xl/workbook.xml）；如是打包的文件，请先解压"


def _compound_kind(path: Path) -> Kind:
    """An OLE compound file: an encrypted .xlsx, an .xls (maybe encrypted), or another Office file."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir()}
    except Exception:  # olefile raises OSError, struct.error, IndexError… on a cut or damaged file
        raise WorkbookReadError(
            f"{path.name} 已损坏：Office 文件结构不完整（可能下载或复制时被截断）；请重新获取原文件") from None
    if "EncryptionInfo" in streams and "EncryptedPackage" in streams:
        return Kind("xlsx", encrypted=True)
    if "Workbook" in streams:
        return Kind("xls", encrypted=_xls_encrypted(path))
    if "Book" in streams:  # Excel 5.0/95: xlrd reads it; msoffcrypto-tool cannot decrypt it
        return Kind("xls")
    if "WordDocument" in streams:
        what = "Word 97-2003 文档（.doc）"
    elif "PowerPoint Document" in streams:
        what = "PowerPoint 97-2003 演示文稿（.ppt）"
    else:
        what = "Office 复合文档（其中没有 Excel 工作表）"
    raise NotAWorkbook(f"{path.name} 是 {what}，不是 Excel 工作簿；{_ADVICE_SEND_EXCEL}")


def _xls_encrypted(path: Path) -> bool:
    """Whether the .xls workbook stream begins with a FILEPASS record."""
    from msoffcrypto.format.xls97 import Xls97File

    try:
        with open(path, "rb") as fh:
            return Xls97File(fh).is_encrypted()
    except Exception:  # a damaged BIFF stream: xlrd will say so with the file's name
        return False


def _not_a_workbook(name: str, head: bytes) -> str:
    """Say what a file that is neither a zip nor a compound file seems to be."""
    if head.startswith(b"%PDF"):
        return f"{name} 是 PDF 文件，不是 Excel 工作簿；{_ADVICE_SEND_EXCEL}"
    text = _as_text(head)
    if text is not None and len(head) == _HEAD:
        text = text[: text.rfind("\n") + 1] or text  # the last line may be cut
    if text is None:
        return f"{name} 不是 Excel 工作簿（.xlsx/.xlsm/.xls），也不是能识别的其他文件，无法读取；请确认选对了文件"
    start = text.lstrip().lower()
    if start.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in start:
        return f"{name} 是 Excel 2003 XML 表格，不是 .xlsx/.xls 工作簿；{_ADVICE_SAVE_AS}"
    if start.startswith(("<!doctype html", "<html")) or "<table" in start[:4096]:
        return f"{name} 是网页（HTML）文件，不是 Excel 工作簿（有的系统导出的 .xls 其实是网页）；{_ADVICE_SAVE_AS}"
    if _looks_like_csv(text):
        return f"{name} 是 CSV 文本文件，不是 Excel 工作簿；{_ADVICE_SAVE_AS}"
    return f"{name} 是纯文本文件，不是 Excel 工作簿；{_ADVICE_SEND_EXCEL}"


def _as_text(head: bytes) -> str | None:
    """The head decoded as text (UTF-8, UTF-16 with BOM, or GB18030), or None if it is binary."""
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    for encoding in ["utf-16"] if utf16 else WINDOWS_ENCODINGS:
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        if not any(ch < " " and ch not in "\t\r\n\f" for ch in text):
            return text
    return None


def _looks_like_csv(text: str) -> bool:
    """At least two fields on every one of the first lines, with the same separator."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    return bool(lines) and any(all(len(row) >= 2 for row in csv.reader(lines, delimiter=delimiter))
                               for delimiter in ",\t;")
