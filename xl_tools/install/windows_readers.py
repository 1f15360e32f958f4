"""The two readers of Windows facts doctor uses, the registry (winreg) and a file's alternate data streams:
everything else about Windows is a pure function of what they return, so tests pass recorded ones instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

HKLM, HKCU = "HKLM", "HKCU"


class RegistryReader(Protocol):
    """The part of the Windows registry doctor reads; ``hive`` is "HKLM" or "HKCU", ``key`` a path below it."""

    def value(self, hive: str, key: str, name: str) -> object | None: ...

    def subkeys(self, hive: str, key: str) -> list[str]: ...

    def values(self, hive: str, key: str) -> dict[str, object]: ...


StreamReader = Callable[[str], bytes | None]
"""A file's alternate data stream by its full name (``path:Zone.Identifier``), None when there is none."""


class WindowsRegistry:
    """The live registry through winreg, in its 64-bit view, so a 32-bit Python sees where 64-bit Office wrote
    (and reads 32-bit Office under WOW6432Node by that name)."""

    _HIVES = {HKLM: "HKEY_LOCAL_MACHINE", HKCU: "HKEY_CURRENT_USER"}

    def _open(self, hive: str, key: str):  # type: ignore[no-untyped-def]
        import winreg

        root = getattr(winreg, self._HIVES[hive])
        return winreg.OpenKey(root, key, 0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY)

    def value(self, hive: str, key: str, name: str) -> object | None:
        import winreg

        try:
            with self._open(hive, key) as handle:
                return winreg.QueryValueEx(handle, name)[0]
        except OSError:
            return None

    def subkeys(self, hive: str, key: str) -> list[str]:
        import winreg

        try:
            with self._open(hive, key) as handle:
                return [winreg.EnumKey(handle, i) for i in range(winreg.QueryInfoKey(handle)[0])]
        except OSError:
            return []

    def values(self, hive: str, key: str) -> dict[str, object]:
        import winreg

        try:
            with self._open(hive, key) as handle:
                found = (winreg.EnumValue(handle, i) for i in range(winreg.QueryInfoKey(handle)[1]))
                return {name: data for name, data, _kind in found}
        except OSError:
            return {}


def read_stream(name: str) -> bytes | None:
    """An NTFS alternate data stream, opened by its name as Windows allows; None where there is none."""
    try:
        with open(name, "rb") as fh:
            return fh.read(64 * 1024)
    except OSError:
        return None
