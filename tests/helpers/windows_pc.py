"""Recorded PCs for `xl-tools doctor`: a Windows user's folders under a test's temporary folder, one of the
registry exports in tests/data/windows/, the Zone.Identifier streams of its files, and a recorded Python.

Each export is named for the PC it stands for (all 64-bit Windows unless said):

* c2r_365_x64_default.reg — Microsoft 365 Click-to-Run, 64-bit, 16.0.17328.20184, every setting at its default.
* msi2016_x86_on_x64_policy4.reg — Office 2016 MSI, 32-bit (WOW6432Node), 16.0.4266.1001; policy VBAWarnings 4
  (the user's own 2 overridden) and blockcontentexecutionfrominternet 1; Excel has disabled xl_tools.xlam
  (Resiliency\\DisabledItems).
* msi2016_x64_signed_only.reg — Office 2016 MSI, 64-bit, 16.0.5439.1000; policy VBAWarnings 3 (only signed
  macros), blockcontentexecutionfrominternet 1 and all trusted locations disabled.
* msi2013_x86_locations_disabled.reg — Office 2013 MSI on 32-bit Windows, 15.0.4569.1506; VBAWarnings 2 (user),
  all trusted locations disabled by policy.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path

from xl_tools.install import xlwings_config
from xl_tools.install.machine import Machine, Runtime
from xl_tools.install.places import Places, places

from tests.helpers.paths import REPO
from tests.helpers.regfile import RegFile, load

WINDOWS_DATA = REPO / "tests" / "data" / "windows"
ZONES = WINDOWS_DATA / "zone"

LINUX_RUNTIME = Runtime(python="3.11.9", bits=64, executable="/home/caiwu/xl_tools/.venv/bin/python",
                        xl_tools="0.1.0", folder="/home/caiwu/xl_tools/xl_tools", distribution="0.1.0",
                        pinned="0.37.8", xlwings="0.37.8", pywin32_error=None)
"""A finance officer's Python on a Linux (信创) desktop, as doctor would gather it."""


def registry(name: str) -> RegFile:
    return load(WINDOWS_DATA / name)


def zone_text(name: str) -> bytes:
    return (ZONES / name).read_bytes()


def windows_places(root: Path, user: str = "张三") -> Places:
    """The folders Windows gives ``user``, under ``root``."""
    profile = root / "Users" / user
    return places({"USERPROFILE": str(profile), "APPDATA": str(profile / "AppData" / "Roaming"),
                   "LOCALAPPDATA": str(profile / "AppData" / "Local")}, windows=True)


def windows_runtime(python: Path) -> Runtime:
    """A 64-bit python.org Python in a venv on Windows, with pywin32."""
    return dataclasses.replace(LINUX_RUNTIME, python="3.11.9", executable=str(python),
                               folder=str(python.parents[2] / "Lib" / "site-packages" / "xl_tools"))


def windows_machine(reg: str, root: Path, streams: Mapping[str, bytes] | None = None) -> Machine:
    """A recorded PC: its registry export, its user's folders under ``root``, the files' streams by name."""
    found = dict(streams or {})
    return Machine(True, windows_places(root), "cp936", registry(reg), found.get, {})


def install_recorded(where: Places, addin: bytes, interpreter: Path, version: str) -> None:
    """What `xl-tools addin install` leaves behind: the add-in, the configuration in cp936, the record."""
    where.addin.parent.mkdir(parents=True, exist_ok=True)
    where.addin.write_bytes(addin)
    where.config_dir.mkdir(parents=True, exist_ok=True)
    settings = {xlwings_config.INTERPRETER: str(interpreter), xlwings_config.VERSION: version}
    where.config_file.write_bytes(xlwings_config.render(settings, "cp936"))
    where.record.write_text(json.dumps({"addin": str(where.addin), "config_file": str(where.config_file),
                                        "config_created": True, "config_dir_created": True, "previous": {}}),
                            encoding="utf-8")


def python_exe(root: Path) -> Path:
    exe = root / "Users" / "张三" / "xl_tools" / ".venv" / "Scripts" / "python.exe"
    exe.parent.mkdir(parents=True, exist_ok=True)
    exe.write_bytes(b"MZ")
    return exe
