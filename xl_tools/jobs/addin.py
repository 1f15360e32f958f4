"""xl-tools addin build / install / uninstall: the Excel ribbon's template (.xlsm) and add-in (.xlam), and the
add-in put where Excel loads it for this user."""

from __future__ import annotations

from pathlib import Path

from .. import __version__
from ..install.installer import Installed, install, uninstall
from ..install.system import System, windowless_python


def addin_build(outdir: str | Path) -> list[Path]:
    """Write 绩效自评模板.xlsm and xl_tools.xlam into ``outdir``, byte for byte the same on every build; their
    xlwings VBA module comes from the installed xlwings, which must be the version xl_tools pins."""
    from ..addin.build import build_all

    return build_all(Path(outdir))


def addin_install(system: System | None = None, *, addin: str | Path | None = None,
                  interpreter: str | None = None) -> Installed:
    """The add-in this xl_tools builds (or ``addin``, which must be the same file: a bundle's copy) into Excel's
    startup folder, and RunPython pointed at ``interpreter`` (this Python, windowless)."""
    from ..addin.build import addin_bytes
    from ..core.errors import XlToolsError

    system = system or System.current()
    built = addin_bytes()
    if addin is not None and Path(addin).read_bytes() != built:
        raise XlToolsError(f"{addin} 不是 xl_tools {__version__} 生成的加载项（版本不同或已被改动）；"
                           "请去掉 --addin，由本机的 xl_tools 生成并安装")
    return install(system.places, built, interpreter or windowless_python(), __version__,
                   code_page=system.code_page, shorten=system.shorten)


def addin_uninstall(system: System | None = None) -> list[Path]:
    system = system or System.current()
    return uninstall(system.places, code_page=system.code_page)

