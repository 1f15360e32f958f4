"""The checks of this Python and the packages doctor runs in: what both the command line and the ribbon need."""

from __future__ import annotations

from .machine import Runtime
from .report import MISSING, NOTE, OK, Check


def python_checks(runtime: Runtime, *, windows: bool) -> list[Check]:
    checks = [
        Check(OK, "Python", f"{runtime.python}（{runtime.bits} 位），{runtime.executable}"),
        check_xl_tools(runtime),
        check_xlwings(runtime),
    ]
    if windows:
        checks.append(check_pywin32(runtime))
    return checks


def check_xl_tools(runtime: Runtime) -> Check:
    if runtime.distribution is None:
        return Check(MISSING, "xl_tools", f"{runtime.xl_tools}，在 {runtime.folder}，但没有用 pip 安装（找不到安装信息）",
                     "在 xl_tools 源码文件夹运行 pip install -e .（离线时：pip install --no-index --find-links 安装包文件夹 xl_tools）")
    if runtime.distribution != runtime.xl_tools:
        return Check(NOTE, "xl_tools", f"{runtime.xl_tools}，在 {runtime.folder}；但安装信息记的是 {runtime.distribution}",
                     "在 xl_tools 源码文件夹重新运行 pip install -e .", needed=False)
    return Check(OK, "xl_tools", f"{runtime.xl_tools}，在 {runtime.folder}")


def check_xlwings(runtime: Runtime) -> Check:
    if runtime.pinned is None:
        return Check(MISSING, "xlwings", "无法得知 xl_tools 要求的 xlwings 版本（xl_tools 的安装信息缺失或不完整）",
                     "在 xl_tools 源码文件夹运行 pip install -e .")
    install = (f"运行 pip install xlwings=={runtime.pinned}（离线时：pip install --no-index --find-links 安装包文件夹 "
               f"xlwings=={runtime.pinned}）")
    if runtime.xlwings is None:
        return Check(MISSING, "xlwings", f"未安装（xl_tools 需要 {runtime.pinned}）", install)
    if runtime.xlwings != runtime.pinned:
        return Check(MISSING, "xlwings", f"已安装 {runtime.xlwings}，而 xl_tools 需要 {runtime.pinned}（加载项的 VBA 与之配套）",
                     f"{install}；在 Windows 上之后再运行 xl-tools addin install")
    return Check(OK, "xlwings", f"{runtime.xlwings}（与 xl_tools 要求的版本一致）")


def check_pywin32(runtime: Runtime) -> Check:
    if runtime.pywin32_error:
        return Check(MISSING, "pywin32", f"无法导入（{runtime.pywin32_error}）；xlwings 靠它操作 Excel",
                     "运行 pip install --force-reinstall pywin32（离线时：pip install --no-index --find-links 安装包文件夹 pywin32）")
    return Check(OK, "pywin32", "可以导入")
