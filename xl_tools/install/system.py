"""The facts of this PC that installing depends on, in one value: tests give a recorded Windows (a folder for
the user's profile, cp936) and everything but the last call into Windows runs on Linux."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import XlToolsError
from .places import Places, places
from .xlwings_config import Shortener

NOT_WINDOWS = ("Excel 加载项只能安装在 Windows 上。WPS、LibreOffice 和 Linux（信创）桌面的用户请使用命令行："
               "xl-tools run 工作簿.xlsx 完成校验、计分和表11，结果写成新的工作簿，可在 WPS 中打开")


ANSI_CODE_PAGE = "mbcs"
"""Python's name for Windows' ANSI code page, the one VBA reads and writes text files in (cp936 in China)."""


@dataclass(frozen=True)
class System:
    places: Places
    code_page: str
    """The ANSI code page VBA reads and writes text files in (``mbcs`` is Python's name for it)."""
    shorten: Shortener

    @classmethod
    def current(cls) -> System:
        if os.name != "nt":
            raise XlToolsError(NOT_WINDOWS)
        return cls(places(), ANSI_CODE_PAGE, short_path)


def short_path(path: str) -> str | None:
    """Windows' 8.3 name of an existing path (GetShortPathNameW), None when the volume keeps none."""
    import ctypes

    size = ctypes.windll.kernel32.GetShortPathNameW(path, None, 0)  # type: ignore[attr-defined]
    if size == 0:
        return None
    buffer = ctypes.create_unicode_buffer(size)
    ctypes.windll.kernel32.GetShortPathNameW(path, buffer, size)  # type: ignore[attr-defined]
    return buffer.value if buffer.value and buffer.value != path else None


def windowless_python(executable: str = sys.executable) -> str:
    """The interpreter RunPython should start: pythonw.exe beside python.exe (no console window flashing up at
    every click), python.exe itself when there is none."""
    path = Path(executable)
    quiet = path.with_name("pythonw.exe")
    return str(quiet if path.name.lower() == "python.exe" and quiet.is_file() else path)
