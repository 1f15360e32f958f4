"""`xl-tools doctor`: what this PC has and lacks for the 绩效自评 ribbon (Windows) or the command line (elsewhere),
one line per check, each with what to do when it is not 正常.

A helpdesk reads the report over the phone, so every line says what was looked at, what was found and, when
something is off, the command to type or the place to click.  The Windows facts come through two small readers
(the registry, a file's alternate data stream) that tests replace with recorded ones, so every verdict about
Office, macro policy and Mark-of-the-Web is tested on Linux against exports of real PCs.  Nothing heavy is
imported here: the add-in is built (lxml, openpyxl) only inside the check that compares it.
"""

from __future__ import annotations

import io
import os
import re
import struct
import sys
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from .. import __version__
from ..addin import ADDIN_NAME
from ..core.errors import XlToolsError
from . import xlwings_config
from .places import Places, places
from .system import windowless_python

OK, MISSING, NOTE = "正常", "缺少", "注意"

HKLM, HKCU = "HKLM", "HKCU"
OFFICE_VERSIONS = ("16.0", "15.0", "14.0", "12.0")
"""Office's registry version numbers, newest first: 16.0 is 2016, 2019, 2021, 2024 and Microsoft 365."""
OFFICE_NAMES = {"16.0": "Office 2016 及以后（2019/2021/2024/Microsoft 365）", "15.0": "Office 2013",
                "14.0": "Office 2010", "12.0": "Office 2007"}
VBA_WARNINGS = {1: "启用所有宏", 2: "禁用所有宏，并发出通知（默认）", 3: "禁用无数字签名的所有宏",
                4: "禁用所有宏，并且不通知"}
ZONES = {0: "本机", 1: "本地 Intranet", 2: "受信任的站点", 3: "Internet", 4: "受限制的站点"}
BLOCKED_ZONES = (3, 4)
"""Zones whose files Office opens with macros blocked (Office 2203 and later, or the policy on older ones)."""
SIGNATURE_PARTS = ("xl/vbaProjectSignature.bin", "xl/vbaProjectSignatureAgile.bin", "xl/vbaProjectSignatureV3.bin")

INSTALL = "运行 xl-tools addin install，然后关闭所有 Excel 窗口再重新打开 Excel"
LINUX_NOTE = ("Excel 加载项（功能区「绩效自评」）只能在 Windows 的 Excel 中使用。WPS、LibreOffice 和 Linux（信创）桌面"
              "请用命令行：xl-tools run 工作簿.xlsx（校验、计分、表11，结果写成新的工作簿，可在 WPS 中打开）")


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    status: str
    """正常 / 缺少 / 注意."""
    item: str
    found: str
    action: str = ""
    """What to do (a command or where to click) when the status is not 正常."""
    needed: bool = True
    """Whether the ribbon buttons (Windows) or the command line (elsewhere) need this: a 缺少 here fails doctor."""

    @property
    def blocking(self) -> bool:
        return self.status == MISSING and self.needed

    def line(self) -> str:
        text = f"[{self.status}] {self.item}：{self.found}"
        return f"{text}。处理：{self.action}" if self.action and self.status != OK else text


@dataclass(frozen=True)
class Diagnosis:
    windows: bool
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return not any(c.blocking for c in self.checks)

    def to_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "windows": self.windows,
                "checks": [{**asdict(c), "blocking": c.blocking} for c in self.checks]}

    def text(self) -> str:
        lines = [c.line() for c in self.checks]
        lines.append("")
        lines.append(self.conclusion())
        return "\n".join(lines)

    def conclusion(self) -> str:
        blocking = [c.item for c in self.checks if c.blocking]
        if blocking:
            what = "功能区按钮" if self.windows else "命令行"
            return f"结论：{what}还不能使用，请先处理标为「缺少」的：{'、'.join(blocking)}"
        if self.windows:
            return "结论：功能区按钮所需的都已具备。仍有问题时，把这份报告（xl-tools doctor > 报告.txt）和按钮日志发给维护者"
        return "结论：命令行所需的都已具备。Excel 加载项只用于 Windows；本机请用 xl-tools run 等命令"


# ---- the facts, gathered in two values so tests can record them -------------------------------------------


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
        return cls(windows, places(), "mbcs" if windows else "utf-8", WindowsRegistry() if windows else None,
                   read_stream, dict(os.environ))


def diagnose(machine: Machine, runtime: Runtime, workbooks: Sequence[Path] = (),
             built_addin: Callable[[], bytes] | None = None) -> Diagnosis:
    """Every check, in the order a helpdesk goes through them: Python, the add-in and its settings, Office,
    then what only some buttons need."""
    checks = python_checks(runtime, windows=machine.windows)
    if machine.windows:
        checks += windows_checks(machine, runtime, workbooks, built_addin or built_addin_bytes)
    else:
        checks.append(Check(NOTE, "Excel 加载项", "本机不是 Windows", LINUX_NOTE, needed=False))
        checks += [Check(NOTE, f"网络标记：{Path(w).name}", "网络标记只在 Windows 的 NTFS 磁盘上有意义，本机不检查",
                         "在要打开它的 Windows 电脑上运行 xl-tools doctor 该文件", needed=False) for w in workbooks]
    checks += [check_libreoffice(machine.windows), check_mail(machine), check_keyring(machine.windows),
               check_log(machine.places.log_file)]
    return Diagnosis(machine.windows, checks)


# ---- Python and the packages --------------------------------------------------------------------------------


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


# ---- Windows: the add-in, its settings, Office and its macro security ----------------------------------------


def windows_checks(machine: Machine, runtime: Runtime, workbooks: Sequence[Path],
                   built_addin: Callable[[], bytes]) -> list[Check]:
    registry = machine.registry
    assert registry is not None, "a Windows machine comes with its registry"
    office = excel_install(registry)
    version = office.version if office else _security_version(registry)
    addin = machine.places.addin
    signed = addin_signed(addin)
    trust = trusted_locations(registry, version, machine.places)
    checks = [check_excel(office), check_addin(addin, built_addin, signed), check_disabled_items(registry, version),
              *check_config(machine.places, machine.code_page, runtime),
              check_record(machine.places), check_trusted_location(trust, machine.places),
              check_macros(macro_setting(registry, version), trust, signed)]
    policy_block = internet_block_policy(registry, version)
    if addin.is_file():
        checks.append(check_motw(addin, machine.streams, trust.xlstart_trusted, policy_block))
    checks += [check_motw(Path(w), machine.streams, False, policy_block) for w in workbooks]
    return checks


@dataclass(frozen=True)
class ExcelInstall:
    version: str
    """The registry version number (16.0 …) under which Excel keeps its settings."""
    bits: int | None
    build: str | None
    kind: str
    """即点即用 (Click-to-Run: Microsoft 365, 2019 and later) or MSI."""
    product: str | None = None


def excel_install(registry: RegistryReader) -> ExcelInstall | None:
    """Excel as the registry describes it: Click-to-Run's configuration, else the newest MSI install (its
    InstallRoot in the 64-bit view, or under WOW6432Node for 32-bit Office on 64-bit Windows)."""
    c2r = r"SOFTWARE\Microsoft\Office\ClickToRun\Configuration"
    platform = registry.value(HKLM, c2r, "Platform")
    if platform is not None:
        build = _text(registry.value(HKLM, c2r, "VersionToReport"))
        return ExcelInstall("16.0", _bits(platform), build, "即点即用",
                            _text(registry.value(HKLM, c2r, "ProductReleaseIds")))
    windows64 = _windows_bits(registry) == 64
    for version in OFFICE_VERSIONS:
        for view, bits in (("", 64 if windows64 else 32), ("WOW6432Node\\", 32)):
            base = rf"SOFTWARE\{view}Microsoft\Office\{version}"
            if registry.value(HKLM, rf"{base}\Excel\InstallRoot", "Path") is None:
                continue
            stated = _bits(registry.value(HKLM, rf"{base}\Outlook", "Bitness"))
            build = _text(registry.value(HKLM, rf"{base}\Common\ProductVersion", "LastProduct"))
            return ExcelInstall(version, stated or bits, build, "MSI")
    return None


def _windows_bits(registry: RegistryReader) -> int:
    arch = _text(registry.value(HKLM, r"SYSTEM\CurrentControlSet\Control\Session Manager\Environment",
                                "PROCESSOR_ARCHITECTURE")) or ""
    if arch:
        return 32 if arch.upper() == "X86" else 64
    return 64 if registry.subkeys(HKLM, r"SOFTWARE\WOW6432Node") else 32


def _bits(platform: object) -> int | None:
    text = (_text(platform) or "").lower()
    return 64 if text in ("x64", "amd64", "arm64") else 32 if text == "x86" else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _security_version(registry: RegistryReader) -> str:
    """Where Excel's settings are when its install is not found: the newest version the user has settings for."""
    have = set(registry.subkeys(HKCU, r"Software\Microsoft\Office"))
    return next((v for v in OFFICE_VERSIONS if v in have), OFFICE_VERSIONS[0])


def check_excel(office: ExcelInstall | None) -> Check:
    if office is None:
        return Check(NOTE, "Excel", "注册表中没有找到 Microsoft Excel",
                     "加载项只能在 Microsoft Excel（2010 及以后）中使用；只有 WPS 表格时请用命令行 xl-tools run 工作簿.xlsx",
                     needed=False)
    bits = f"{office.bits} 位" if office.bits else "位数未知"
    build = f"，版本 {office.build}" if office.build else ""
    product = f"，{office.product}" if office.product else ""
    found = f"{bits}，{OFFICE_NAMES[office.version]}{build}（{office.kind}安装{product}）"
    if office.version == "12.0":
        return Check(MISSING, "Excel", f"{found}：Excel 2007 不显示此加载项的功能区",
                     "需要 Excel 2010 或以后的版本；或使用命令行 xl-tools run 工作簿.xlsx")
    return Check(OK, "Excel", found)


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
    """The add-in this xl_tools builds, built now (0.5 s; it needs the pinned xlwings)."""
    import tempfile

    from ..addin.build import build_addin_only

    with tempfile.TemporaryDirectory(prefix="xl_tools_doctor_") as tmp:
        return build_addin_only(Path(tmp) / ADDIN_NAME).read_bytes()


def addin_signed(path: Path) -> bool:
    """Whether the file carries a VBA signature part (signed in the VBA editor): then its bytes differ from the
    build, and an only-signed-macros policy lets it run."""
    try:
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zf:
            names = set(zf.namelist())
    except (OSError, zipfile.BadZipFile):
        return False
    return any(part in names for part in SIGNATURE_PARTS)


def check_disabled_items(registry: RegistryReader, version: str) -> Check:
    """Excel's 禁用的项目: an add-in it blamed for a crash is not loaded again, silently, until re-enabled."""
    key = rf"Software\Microsoft\Office\{version}\Excel\Resiliency\DisabledItems"
    for data in registry.values(HKCU, key).values():
        if isinstance(data, bytes) and ADDIN_NAME.lower() in data.decode("utf-16-le", "replace").lower():
            return Check(MISSING, "Excel 禁用项目", f"Excel 已禁用 {ADDIN_NAME}（它曾在 Excel 出错时被加载）",
                         "在 Excel 中：文件 → 选项 → 加载项 → 管理「禁用项目」→ 转到 → 选中 xl_tools.xlam → 启用，"
                         "然后重新打开 Excel")
    return Check(OK, "Excel 禁用项目", f"{ADDIN_NAME} 不在 Excel 的禁用项目中")


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


# ---- macro security -----------------------------------------------------------------------------------------


def _security_key(version: str, *, policy: bool) -> str:
    root = r"Software\Policies" if policy else "Software"
    return rf"{root}\Microsoft\Office\{version}\Excel\Security"


@dataclass(frozen=True)
class MacroSetting:
    value: int
    source: str
    """策略 (set by the organisation: the user cannot change it), 用户设置, or 默认."""


def macro_setting(registry: RegistryReader, version: str) -> MacroSetting:
    """VBAWarnings: the policy's value wins over the user's; neither set means 2."""
    for policy, source in ((True, "策略"), (False, "用户设置")):
        value = registry.value(HKCU, _security_key(version, policy=policy), "VBAWarnings")
        if isinstance(value, int) and value in VBA_WARNINGS:
            return MacroSetting(value, source)
    return MacroSetting(2, "默认")


def internet_block_policy(registry: RegistryReader, version: str) -> bool:
    """The policy 阻止在来自 Internet 的 Office 文件中运行宏 (blockcontentexecutionfrominternet = 1)."""
    return registry.value(HKCU, _security_key(version, policy=True), "blockcontentexecutionfrominternet") == 1


@dataclass(frozen=True)
class Trust:
    disabled_by: str | None
    """策略 or 用户设置 when all trusted locations are turned off."""
    listed: bool | None
    """Whether XLSTART is among the listed locations; None when none are listed (Excel's defaults apply)."""
    policy_locations: int = 0

    @property
    def xlstart_trusted(self) -> bool:
        return self.disabled_by is None and self.listed is not False


def trusted_locations(registry: RegistryReader, version: str, where: Places) -> Trust:
    """Whether Excel trusts the per-user XLSTART, where the add-in is: it does by default, unless all trusted
    locations are disabled (policy first) or the user's list of locations no longer has it."""
    disabled_by = next((source for policy, source in ((True, "策略"), (False, "用户设置"))
                        if registry.value(HKCU, _locations_key(version, policy), "AllLocationsDisabled") == 1), None)
    user, policy = (_locations(registry, _locations_key(version, p), where) for p in (False, True))
    target = _normal(str(where.xlstart))
    listed = any(target == path or (subfolders and target.startswith(path + "\\"))
                 for path, subfolders in user + policy) if user else None
    return Trust(disabled_by, listed, len(policy))


def _locations_key(version: str, policy: bool) -> str:
    return rf"{_security_key(version, policy=policy)}\Trusted Locations"


def _locations(registry: RegistryReader, key: str, where: Places) -> list[tuple[str, bool]]:
    """The listed locations (Location0, Location1 …): each folder, expanded and normalised, and whether its
    subfolders are trusted too."""
    found = []
    for sub in registry.subkeys(HKCU, key):
        path = registry.value(HKCU, rf"{key}\{sub}", "Path")
        if isinstance(path, str) and path:
            found.append((_normal(_expand(path, where)), registry.value(HKCU, rf"{key}\{sub}", "AllowSubfolders") == 1))
    return found


def _expand(path: str, where: Places) -> str:
    names = {"APPDATA": str(where.roaming), "USERPROFILE": str(where.home)}
    return re.sub(r"%(\w+)%", lambda m: names.get(m[1].upper(), m[0]), path)


def _normal(path: str) -> str:
    return path.replace("/", "\\").rstrip("\\").lower()


def check_trusted_location(trust: Trust, where: Places) -> Check:
    if trust.disabled_by:
        return Check(NOTE, "受信任位置", f"{trust.disabled_by}已禁用所有受信任位置，{where.xlstart} 不再被信任，"
                     "加载项的宏按下面的宏设置处理", "见「宏设置」一行", needed=False)
    if trust.listed is False:
        return Check(NOTE, "受信任位置", f"受信任位置列表中没有 {where.xlstart}，加载项的宏按下面的宏设置处理",
                     "在 Excel 中：文件 → 选项 → 信任中心 → 信任中心设置 → 受信任位置 → 添加新位置，"
                     f"选择 {where.xlstart}，确定后重新打开 Excel", needed=False)
    extra = f"（另有策略设置的受信任位置 {trust.policy_locations} 个）" if trust.policy_locations else ""
    return Check(OK, "受信任位置", f"{where.xlstart} 是受信任位置，其中加载项的宏不受宏设置限制{extra}")


def check_macros(setting: MacroSetting, trust: Trust, signed: bool) -> Check:
    """Whether the add-in's macros run: in a trusted XLSTART whatever the setting (Microsoft's rule: trusted
    locations are not checked against the macro settings); elsewhere as VBAWarnings says.  A policy, which the
    user cannot change, is said to be one, and who can change it."""
    found = f"{VBA_WARNINGS[setting.value]}（VBAWarnings={setting.value}，来自{setting.source}）"
    if setting.value == 1 or (setting.value == 2 and trust.xlstart_trusted):
        return Check(OK, "宏设置", found)
    if trust.xlstart_trusted:
        return Check(NOTE, "宏设置", f"{found}；加载项在受信任位置，仍可运行，但在别处打开的模板 .xlsm 的宏不会运行",
                     "请使用加载项（xl-tools addin install），不要直接打开带宏的模板", needed=False)
    if setting.value == 2:
        return Check(NOTE, "宏设置", f"{found}；加载项不在受信任位置，每次启动 Excel 都会询问",
                     "启动 Excel 时在「Microsoft Excel 安全声明」中点「启用宏」", needed=False)
    if setting.value == 3 and signed:
        return Check(NOTE, "宏设置", f"{found}；加载项已数字签名",
                     "若 Excel 询问是否信任发布者，点「信任来自此发布者的所有文档」", needed=False)
    relax = ("请信息中心在组策略中允许受信任位置，或把宏设置改为「禁用所有宏，并发出通知」" if setting.source == "策略" else
             "在 Excel 中：文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置，选「禁用所有宏，并发出通知」")
    if setting.value == 3:
        return Check(MISSING, "宏设置", f"{found}；加载项没有数字签名，也不在受信任位置，其宏不会运行",
                     "用单位的代码签名证书为加载项签名：打开 Excel → Alt+F11 打开 VBA 编辑器 → 选中 "
                     "VBAProject (xl_tools.xlam) → 工具 → 数字签名 → 选择 → 选证书 → 确定 → Ctrl+S 保存，然后重新打开 Excel"
                     "（也可由信息中心用 signtool 签名；仅在本机试用时可用 Office 自带的 SELFCERT.EXE 制作证书）；"
                     f"或{relax}")
    return Check(MISSING, "宏设置", f"{found}；加载项不在受信任位置，其宏不会运行",
                 f"{relax}，然后重新打开 Excel；在此之前请用命令行 xl-tools run 工作簿.xlsx")


# ---- Mark-of-the-Web ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Zone:
    zone_id: int
    host: str | None = None


def zone_of(data: bytes | None) -> Zone | None:
    """The ZoneId (and the download's host) of a Zone.Identifier stream: ``[ZoneTransfer]\\r\\nZoneId=3…``.
    Browsers write it in ASCII; some tools in UTF-16."""
    if not data:
        return None
    text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode("latin-1")
    found = re.search(r"^\s*ZoneId\s*=\s*(\d+)", text, re.MULTILINE | re.IGNORECASE)
    if not found:
        return None
    url = re.search(r"^\s*(?:HostUrl|ReferrerUrl)\s*=\s*\w+://([^/\s:]+)", text, re.MULTILINE | re.IGNORECASE)
    return Zone(int(found[1]), url[1] if url else None)


def check_motw(path: Path, streams: StreamReader, trusted_location: bool, policy_block: bool) -> Check:
    """A file downloaded or saved from mail carries the zone it came from; Office blocks the macros of one from
    the Internet (3) or a restricted site (4) unless it is in a trusted location."""
    item = f"网络标记：{path.name}"
    if not path.is_file():
        return Check(MISSING, item, f"{path} 不存在，无法检查", "检查文件路径")
    zone = zone_of(streams(f"{path}:Zone.Identifier"))
    if zone is None or zone.zone_id not in BLOCKED_ZONES:
        origin = f"区域 {zone.zone_id}（{ZONES.get(zone.zone_id, '未知')}）" if zone else "没有"
        return Check(OK, item, f"{origin}网络标记")
    source = f"来自 {zone.host}，" if zone.host else ""
    found = f"带有网络标记 ZoneId={zone.zone_id}（{ZONES[zone.zone_id]}，{source}下载或从邮件保存）"
    policy = "；策略「阻止运行来自 Internet 的 Office 文件中的宏」已启用" if policy_block else ""
    unblock = (f"右键 {path.name} → 属性 → 常规 → 勾选「解除锁定」→ 确定；或在 PowerShell 中运行 "
               f"Unblock-File -LiteralPath '{path}'。然后重新打开 Excel")
    if trusted_location:
        return Check(NOTE, item, f"{found}；它在受信任位置，宏仍会运行{policy}", unblock, needed=False)
    return Check(MISSING, item, f"{found}，Office 会阻止其中的宏{policy}", unblock)


# ---- what only some buttons need ---------------------------------------------------------------------------


def check_libreoffice(windows: bool) -> Check:
    """LibreOffice converts to PDF (打印 PDF, email --attach-pdf) and reads old .xls: useful, not needed."""
    from ..adapters.libreoffice import find_soffice

    found = find_soffice()
    if found:
        return Check(OK, "LibreOffice", f"{found}（转换 PDF、读取 .xls 时使用）", needed=False)
    how = ("从 https://zh-cn.libreoffice.org/download/ 下载安装（离线时向信息中心索取安装包），或把 soffice.exe 所在文件夹加入 PATH"
           if windows else "Debian/Ubuntu 运行 sudo apt-get install libreoffice-calc fonts-noto-cjk")
    return Check(MISSING, "LibreOffice", "未找到 soffice：转换 PDF、读取 .xls 不能用，其余功能不受影响", how, needed=False)


def check_mail(machine: Machine) -> Check:
    """The mail settings file: only 发送邮件 needs it.  Only the names of the settings are shown, never values
    (a password is never in the file, but a user name may be)."""
    from ..mail.config import CONFIG_ENV, config_path, file_layer
    from ..mail.settings import MailSettingsError

    path = config_path(machine.environ, windows=machine.windows, home=machine.places.home)
    if not path.exists():
        return Check(NOTE, "邮件设置", f"{path} 不存在：只有「发送邮件」和 xl-tools email 需要它",
                     f"需要发邮件时按 README 中「xl-tools email」一节创建该文件（或用环境变量 {CONFIG_ENV} 指定）", needed=False)
    try:
        keys = sorted(file_layer(path).values)
    except MailSettingsError as exc:
        return Check(NOTE, "邮件设置", str(exc), "按 README 中「xl-tools email」一节的示例修改该文件", needed=False)
    return Check(OK, "邮件设置", f"{path}（已设置：{'、'.join(keys) or '无'}）", needed=False)


def check_keyring(windows: bool) -> Check:
    """Which keyring backend would hold the mail password; the fail backend (or an empty chain) holds nothing."""
    from ..mail.credentials import PASSWORD_ENV

    other = f"邮件密码改用环境变量 {PASSWORD_ENV}"
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001 — a broken keyring install is reported, not raised
        return Check(NOTE, "密钥环", f"无法使用（{type(exc).__name__}: {exc}）", other, needed=False)
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring) or getattr(backend, "backends", None) == []:
        how = "确认 Windows 凭据管理器可用" if windows else "在桌面环境中安装 gnome-keyring（sudo apt-get install gnome-keyring）"
        return Check(NOTE, "密钥环", f"{name}：没有可用的系统密钥环，无法保存邮件密码", f"{how}；或{other}",
                     needed=False)
    return Check(OK, "密钥环", f"{name}（可保存邮件密码）", needed=False)


_RECORD = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:,\d+)? 按钮 (\S+?)：", re.MULTILINE)


def check_log(path: Path) -> Check:
    """The button log: where it is, and the last failure it records (its time, button and the error's last
    line), which is what a helpdesk asks for first."""
    if not path.is_file():
        return Check(OK, "按钮日志", f"{path}（尚不存在：按钮没有出过意外错误）", needed=False)
    last = last_failure(path.read_bytes()[-256 * 1024:].decode("utf-8", "replace"))
    if last is None:
        return Check(OK, "按钮日志", f"{path}（没有错误记录）", needed=False)
    return Check(NOTE, "按钮日志", f"{path}，最近一次错误：{last}",
                 "把这个文件和出错时打开的工作簿发给维护者", needed=False)


def last_failure(text: str) -> str | None:
    """``时间 按钮 id：最后一行`` of the last record: a record is a time, the button and a traceback, whose
    last line names the error."""
    records = list(_RECORD.finditer(text))
    if not records:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines[-1] if lines else None
    record = records[-1]
    lines = [line.strip() for line in text[record.end():].splitlines() if line.strip()]
    return f"{record[1]} 按钮 {record[2]}：{lines[-1] if lines else ''}"
