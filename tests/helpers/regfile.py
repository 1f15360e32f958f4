"""Recorded Windows registries: ``reg export`` / regedit files (Windows Registry Editor Version 5.00) read into the
``RegistryReader`` that ``xl_tools.install.windows_readers`` asks, so its verdicts are tested on Linux against PCs as
they were exported.

Here and not in the package: on a PC doctor reads the live registry through winreg, so only tests need to read
an export, and the package keeps no parser that no user runs.

The format as reg.exe writes it: UTF-16 LE with a BOM (UTF-8 is read too), CRLF, ``[HKEY_…\\key]`` sections,
``"name"=value`` lines (``@`` the default value) with value ``"text"`` (``\\\\`` and ``\\"`` escaped),
``dword:0000000a``, ``hex(b):…`` (QWORD), ``hex(2):…`` (REG_EXPAND_SZ, UTF-16 LE, unexpanded, as winreg returns it),
``hex(7):…`` (REG_MULTI_SZ), ``hex:…`` (REG_BINARY); long hex lists continue on the next line after a ``\\``.
``[-key]`` deletions and ``"name"=-`` removals are not exports and are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

HEADER = "Windows Registry Editor Version 5.00"
HIVES = {"HKEY_LOCAL_MACHINE": "HKLM", "HKEY_CURRENT_USER": "HKCU"}


@dataclass
class RegFile:
    """Keys by (hive, lower-cased path), each with its values by lower-cased name: the registry ignores case."""

    keys: dict[tuple[str, str], dict[str, object]] = field(default_factory=dict)
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    """The key paths as written, for subkeys()."""

    def value(self, hive: str, key: str, name: str) -> object | None:
        return self.keys.get((hive, key.lower()), {}).get(name.lower())

    def subkeys(self, hive: str, key: str) -> list[str]:
        prefix = key.lower() + "\\"
        found = {self.names[(h, k)][len(prefix):].split("\\")[0] for h, k in self.keys
                 if h == hive and k.startswith(prefix)}
        return sorted(found)

    def values(self, hive: str, key: str) -> dict[str, object]:
        return dict(self.keys.get((hive, key.lower()), {}))


def load(path: Path) -> RegFile:
    data = path.read_bytes()
    text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode("utf-8-sig")
    return parse(text)


def parse(text: str) -> RegFile:
    lines = _joined(text.splitlines())
    if not lines or lines[0] != HEADER:
        raise ValueError(f"not a registry export: the first line is not {HEADER!r}")
    reg = RegFile()
    current: tuple[str, str] | None = None
    for line in lines[1:]:
        if not line or line.startswith(";"):
            continue
        if line.startswith("["):
            current = _section(line, reg)
            continue
        if current is None:
            raise ValueError(f"a value outside any key: {line}")
        name, value = _value_line(line)
        reg.keys[current][name.lower()] = value
    return reg


def _joined(raw: list[str]) -> list[str]:
    """Continuation lines (a trailing backslash, the next line indented) made one."""
    lines: list[str] = []
    pending = ""
    for line in raw:
        if pending:
            line = pending + line.strip()
            pending = ""
        if re.search(r"=hex(\([0-9a-f]+\))?:.*\\$", line):
            pending = line[:-1]
            continue
        lines.append(line.rstrip())
    return lines


def _section(line: str, reg: RegFile) -> tuple[str, str]:
    if not line.endswith("]") or line.startswith("[-"):
        raise ValueError(f"not an exported key: {line}")
    root, _, path = line[1:-1].partition("\\")
    hive = HIVES[root]
    reg.keys.setdefault((hive, path.lower()), {})
    reg.names[(hive, path.lower())] = path
    for i in range(path.count("\\")):  # every parent exists too, as in the registry
        parent = path.rsplit("\\", i + 1)[0]
        reg.names.setdefault((hive, parent.lower()), parent)
    return hive, path.lower()


_NAMED = re.compile(r'^(@|"(?:[^"\\]|\\.)*")=(.*)$')


def _value_line(line: str) -> tuple[str, object]:
    found = _NAMED.match(line)
    if not found:
        raise ValueError(f"not a value line: {line}")
    name = "" if found[1] == "@" else _unescape(found[1][1:-1])
    return name, _value(found[2])


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _value(raw: str) -> object:
    if raw.startswith('"') and raw.endswith('"'):
        return _unescape(raw[1:-1])
    if raw.startswith("dword:"):
        return int(raw[6:], 16)
    kind, _, hexes = raw.partition(":")
    data = bytes(int(h, 16) for h in hexes.split(",") if h.strip())
    if kind == "hex":
        return data
    if kind == "hex(b)":
        return int.from_bytes(data, "little")
    if kind == "hex(2)":
        return data.decode("utf-16-le").rstrip("\0")
    if kind == "hex(7)":
        return [s for s in data.decode("utf-16-le").split("\0") if s]
    if raw == "-":
        raise ValueError("a value removal is not an export")
    raise ValueError(f"a value type this reader does not know: {raw[:20]}")
