"""What the registry and a Zone.Identifier stream say about Office, its macro security and a file's origin,
read as Office reads them; no verdicts here, so each fact is tested against registry exports of real PCs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .places import Places
from .windows_readers import HKCU, HKLM, RegistryReader

OFFICE_VERSIONS = ("16.0", "15.0", "14.0", "12.0")
"""Office's registry version numbers, newest first: 16.0 is 2016, 2019, 2021, 2024 and Microsoft 365."""
VBA_WARNINGS = {1: "启用所有宏", 2: "禁用所有宏，并发出通知（默认）", 3: "禁用无数字签名的所有宏",
                4: "禁用所有宏，并且不通知"}


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


def settings_version(registry: RegistryReader) -> str:
    """Where Excel's settings are when its install is not found: the newest version the user has settings for."""
    have = set(registry.subkeys(HKCU, r"Software\Microsoft\Office"))
    return next((v for v in OFFICE_VERSIONS if v in have), OFFICE_VERSIONS[0])


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
