"""The one configuration file the add-in's VBA reads: xlwings' ``%USERPROFILE%\\.xl_tools\\xl_tools.conf``.

xlwings' VBA writes and reads it with ``Write #`` / ``Input #``: one ``"KEY","value"`` line per setting, in the
system's ANSI code page (cp936 on a Chinese Windows; Python's ``mbcs``).  A UTF-8 file with a Chinese path is
misread, so the file is written in that code page, and a path the code page cannot carry is given in its short
(8.3) form or refused with a message saying what to do.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping

from ..core.errors import XlToolsError

INTERPRETER = "INTERPRETER_WIN"
"""The Python that RunPython starts (xlwings' setting)."""
VERSION = "XL_TOOLS_VERSION"
"""The xl_tools installed beside that Python, checked by the add-in's VBA before its first RunPython."""

Shortener = Callable[[str], str | None]
"""A path -> its short 8.3 form (None when Windows has none for it: 8.3 names turned off on the drive)."""


class ConfigFileError(XlToolsError):
    """The configuration file cannot be read or a value cannot be written in the code page VBA reads."""


def parse(data: bytes, code_page: str, name: str) -> dict[str, str]:
    """The settings of a file xlwings' VBA wrote (or a person typed in the same form); keys upper-cased, as
    xlwings compares them."""
    try:
        text = data.decode(code_page)
    except UnicodeDecodeError:
        raise ConfigFileError(f"{name} 不是本机代码页（{code_page}）的文本，Excel 的加载项读不懂它；"
                              "请删除该文件后重新运行 xl-tools addin install") from None
    settings: dict[str, str] = {}
    for row in csv.reader(io.StringIO(text)):
        if len(row) >= 2 and row[0].strip():
            settings[row[0].strip().upper()] = row[1]
    return settings


def render(settings: Mapping[str, str], code_page: str) -> bytes:
    """``"KEY","value"`` lines with CRLF, as VBA's ``Write #`` writes them, encoded in ``code_page``."""
    for key, value in settings.items():
        if '"' in key or '"' in value or "\n" in value or "\r" in value:
            raise ConfigFileError(f"设置 {key} 的值含有引号或换行，Excel 的加载项无法读取：{value}")
    text = "".join(f'"{key}","{value}"\r\n' for key, value in settings.items())
    try:
        return text.encode(code_page)
    except UnicodeEncodeError as exc:
        raise ConfigFileError(f"设置中的「{exc.object[exc.start:exc.end]}」无法用本机代码页（{code_page}）表示") from None


def vba_path(path: str, code_page: str, shorten: Shortener) -> str:
    """``path`` as the add-in's VBA can read it from the file: itself, else its short form."""
    if _encodable(path, code_page):
        return path
    short = shorten(path)
    if short and _encodable(short, code_page):
        return short
    raise ConfigFileError(
        f"路径 {path} 含有本机代码页（{code_page}）无法表示的字符，Excel 的加载项读不到它，"
        "而 Windows 也没有给它短文件名（8.3 名称）。请把 Python 环境建在只含中文、英文和数字的文件夹里"
        r"（例如 C:\xl_tools\venv），再运行 xl-tools addin install")


def _encodable(text: str, code_page: str) -> bool:
    try:
        text.encode(code_page)
    except UnicodeEncodeError:
        return False
    return True
