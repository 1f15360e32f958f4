"""Where the add-in, its configuration and the button log live for one user: computed from the environment
(never from a workbook), so the same code serves the real PC, `doctor` and tests with a recorded environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..addin import ADDIN_NAME, CONFIG_NAME

LOG_ENV = "XL_TOOLS_LOG"


@dataclass(frozen=True)
class Places:
    home: Path
    """%USERPROFILE% (the home folder elsewhere): xlwings' VBA reads its settings from home/.xl_tools."""
    roaming: Path
    """%APPDATA%: Excel's per-user startup folder is under it."""
    log_file: Path

    @property
    def config_dir(self) -> Path:
        return self.home / f".{CONFIG_NAME}"

    @property
    def config_file(self) -> Path:
        """What xlwings' GetConfigFilePath names: %USERPROFILE%\\.xl_tools\\xl_tools.conf."""
        return self.config_dir / f"{CONFIG_NAME}.conf"

    @property
    def record(self) -> Path:
        """What `addin install` added, so that `uninstall` removes exactly that."""
        return self.config_dir / "install.json"

    @property
    def xlstart(self) -> Path:
        """Excel's per-user startup folder: every file in it opens with Excel, and it is a trusted location by
        default (xlwings' own `addin install` uses it too)."""
        return self.roaming / "Microsoft" / "Excel" / "XLSTART"

    @property
    def addin(self) -> Path:
        return self.xlstart / ADDIN_NAME


def places(environ: Mapping[str, str] | None = None, *, windows: bool | None = None) -> Places:
    environ = os.environ if environ is None else environ
    windows = os.name == "nt" if windows is None else windows
    home = Path(environ.get("USERPROFILE") or environ.get("HOME") or Path.home()) if windows else \
        Path(environ.get("HOME") or Path.home())
    roaming = Path(environ["APPDATA"]) if windows and environ.get("APPDATA") else home / "AppData" / "Roaming"
    if environ.get(LOG_ENV):
        log = Path(environ[LOG_ENV])
    elif windows and environ.get("LOCALAPPDATA"):
        log = Path(environ["LOCALAPPDATA"]) / "xl_tools" / "logs" / "buttons.log"
    else:
        log = home / f".{CONFIG_NAME}" / "logs" / "buttons.log"
    return Places(home, roaming, log)
