"""The checks of what `xl-tools addin install` leaves on a Windows PC: the add-in in XLSTART, xlwings'
configuration file that its VBA reads, and the install record."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from .. import __version__
from ..core.errors import XlToolsError
from . import xlwings_config
from .machine import Runtime
from .places import Places
from .report import MISSING, NOTE, OK, Check
from .system import windowless_python

INSTALL = "运行 xl-tools addin install，然后关闭所有 Excel 窗口再重新打开 Excel"
SIGNATURE_PARTS = ("xl/vbaProjectSignature.bin", "xl/vbaProjectSignatureAgile.bin", "xl/vbaProjectSignatureV3.bin")


def check_addin(path: Path, built_addin: Callable[[], bytes], signed: bool) -> Check:
    """The add-in in XLSTART, compared byte for byte with the one this xl_tools builds (builds are deterministic,
    so any difference is another version or a changed file)."""
    if not path.is_file():
        return Check(MISSING, "加载项", f"未安装：{path} 不存在", INSTALL)
    data = path.read_bytes()
    where = f"{path}（{len(data):,} 字节"
    try:
        expected = built_addin()
    except XlToolsError as exc:
        return Check(NOTE, "加载项", f"{where}）；无法生成用于比对的加载项：{exc}", "先处理上面 xlwings 一行", needed=False)
    if data == expected:
        return Check(OK, "加载项", f"{where}，与本机 xl_tools {__version__} 生成的相同）")
    if signed:
        return Check(NOTE, "加载项", f"{where}，已数字签名，签名后的文件无法与生成的逐字节比对）",
                     f"请确认签名的是 xl_tools {__version__} 的加载项；升级 xl_tools 后需重新签名", needed=False)
    return Check(MISSING, "加载项", f"{where}）与本机 xl_tools {__version__} 生成的不同：是其他版本，或已被改动", INSTALL)


def built_addin_bytes() -> bytes:
    """The add-in this xl_tools builds, built now (0.5 s; the builder's lxml, openpyxl and the pinned xlwings are
    loaded here only, so importing doctor stays cheap)."""
    from ..addin.build import addin_bytes

    return addin_bytes()


def addin_signed(path: Path) -> bool:
    """Whether the file carries a VBA signature part (signed in the VBA editor): then its bytes differ from the
    build, and an only-signed-macros policy lets it run."""
    try:
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zf:
            names = set(zf.namelist())
    except (OSError, zipfile.BadZipFile):
        return False
    return any(part in names for part in SIGNATURE_PARTS)


def check_config(where: Places, code_page: str, runtime: Runtime) -> list[Check]:
    """xlwings' configuration file as the add-in's VBA reads it: present, in the code page, naming an existing
    Python and this xl_tools version (the VBA refuses to start Python otherwise)."""
    path = where.config_file
    if not path.is_file():
        return [Check(MISSING, "配置文件", f"{path} 不存在（加载项从中读取要启动的 Python）", INSTALL)]
    try:
        settings = xlwings_config.parse(path.read_bytes(), code_page, str(path))
    except XlToolsError as exc:
        return [Check(MISSING, "配置文件", str(exc), INSTALL)]
    checks = [Check(OK, "配置文件", f"{path}（{code_page} 编码，可以读取）")]
    return checks + [_check_interpreter(settings.get(xlwings_config.INTERPRETER), runtime),
                     _check_configured_version(settings.get(xlwings_config.VERSION))]


def _check_interpreter(interpreter: str | None, runtime: Runtime) -> Check:
    item = f"配置：{xlwings_config.INTERPRETER}"
    if not interpreter:
        return Check(MISSING, item, "没有设置加载项要启动的 Python", INSTALL)
    if not Path(interpreter).is_file():
        return Check(MISSING, item, f"{interpreter} 不存在（Python 被移动、卸载或重装过）",
                     f"用现在的 Python 运行 xl-tools addin install（当前 Python：{runtime.executable}）")
    if not _same_python(interpreter, runtime.executable):
        return Check(NOTE, item, f"{interpreter}，与运行本命令的 Python（{runtime.executable}）不同",
                     "若加载项应使用当前的 Python，请运行 xl-tools addin install", needed=False)
    return Check(OK, item, interpreter)


def _same_python(configured: str, executable: str) -> bool:
    candidates = {executable, windowless_python(executable)}
    for candidate in candidates:
        try:
            if os.path.samefile(configured, candidate):  # the 8.3 short form names the same file
                return True
        except OSError:
            continue
    return os.path.normcase(configured) in {os.path.normcase(c) for c in candidates}


def _check_configured_version(version: str | None) -> Check:
    item = f"配置：{xlwings_config.VERSION}"
    if version != __version__:
        found = f"记录的是 {version}" if version else "没有记录 xl_tools 的版本"
        return Check(MISSING, item, f"{found}，本机 xl_tools 是 {__version__}（加载项会拒绝运行）", INSTALL)
    return Check(OK, item, version)


def check_record(where: Places) -> Check:
    """The install record is needed only by `addin uninstall`, so its absence is 注意 at most."""
    import json

    if not where.record.is_file():
        return Check(NOTE, "安装记录", f"{where.record} 不存在：加载项不是用 xl-tools addin install 安装的，"
                     "xl-tools addin uninstall 无法卸载它", INSTALL, needed=False)
    try:
        json.loads(where.record.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        return Check(NOTE, "安装记录", f"{where.record} 已损坏（{exc}）",
                     "删除该文件后运行 xl-tools addin install", needed=False)
    return Check(OK, "安装记录", str(where.record))
