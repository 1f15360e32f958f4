"""Text files typed on a Chinese Windows: UTF-8 (with or without BOM), else the system code page."""

from __future__ import annotations

WINDOWS_ENCODINGS = ("utf-8-sig", "gb18030")
"""Notepad and Excel save UTF-8 or the ANSI code page (GBK, read as its superset GB18030)."""


def windows_text(data: bytes) -> str | None:
    """The bytes decoded in the first of ``WINDOWS_ENCODINGS`` that fits; None if none does."""
    for encoding in WINDOWS_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
