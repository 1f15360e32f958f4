"""What doctor's checks look at, in two values: this Python (`Runtime`) and this PC (`Machine`).  Gathered live
by their ``current()``; tests build them from recordings instead."""

from __future__ import annotations

import os
import struct
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..core.errors import XlToolsError
from .places import Places, places
from .system import ANSI_CODE_PAGE
from .windows_readers import RegistryReader, StreamReader, WindowsRegistry, read_stream


@dataclass(frozen=True)
class Runtime:
    """This Python and what is installed in it."""

    python: str
    bits: int
    executable: str
    xl_tools: str
    folder: str
    """Where the running xl_tools is imported from."""
    distribution: str | None
    """xl_tools' installed version as pip recorded it; None when it runs from a folder without pip install."""
    pinned: str | None
    xlwings: str | None
    pywin32_error: str | None
    """Why pywin32 does not import (None: it does); only asked on Windows."""

    @classmethod
    def current(cls, *, windows: bool) -> Runtime:
        from importlib import metadata

        def version(name: str) -> str | None:
            try:
                return metadata.version(name)
            except metadata.PackageNotFoundError:
                return None

        try:
            from ..addin.build import pinned_xlwings

            pinned: str | None = pinned_xlwings()
        except XlToolsError:
            pinned = None
        return cls(".".join(map(str, sys.version_info[:3])), struct.calcsize("P") * 8, sys.executable, __version__,
                   str(Path(__file__).resolve().parents[1]), version("xl_tools"), pinned, version("xlwings"),
                   _pywin32_error() if windows else None)


def _pywin32_error() -> str | None:
    import importlib

    try:
        for name in ("pywintypes", "win32api", "win32com.client"):
            importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 — a missing DLL fails as ImportError or OSError: both mean "not usable"
        return f"{type(exc).__name__}: {exc}"
    return None


@dataclass(frozen=True)
class Machine:
    """This PC's folders, code page and, on Windows, the two readers of its registry and its files' streams."""

    windows: bool
    places: Places
    code_page: str
    registry: RegistryReader | None = None
    streams: StreamReader = read_stream
    environ: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def current(cls) -> Machine:
        windows = os.name == "nt"
        return cls(windows, places(), ANSI_CODE_PAGE if windows else "utf-8", WindowsRegistry() if windows else None,
                   read_stream, dict(os.environ))
