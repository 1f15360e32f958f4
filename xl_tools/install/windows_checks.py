"""The Windows part of `xl-tools doctor`: Excel itself, then the add-in and its settings, then whether Office
lets its macros run, in the order a helpdesk goes through them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..addin import ADDIN_NAME
from .addin_checks import addin_signed, check_addin, check_config, check_record
from .machine import Machine, Runtime
from .macro_checks import check_macros, check_motw, check_trusted_location
from .report import MISSING, NOTE, OK, Check
from .windows_facts import (ExcelInstall, excel_install, internet_block_policy, macro_setting, settings_version,
                            trusted_locations)
from .windows_readers import HKCU, RegistryReader

OFFICE_NAMES = {"16.0": "Office 2016 及以后（2019/2021/2024/Microsoft 365）", "15.0": "Office 2013",
                "14.0": "Office 2010", "12.0": "Office 2007"}


def windows_checks(machine: Machine, runtime: Runtime, workbooks: Sequence[Path],
                   built_addin: Callable[[], bytes]) -> list[Check]:
    registry = machine.registry
    assert registry is not None, "a Windows machine comes with its registry"
    office = excel_install(registry)
    version = office.version if office else settings_version(registry)
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


def check_disabled_items(registry: RegistryReader, version: str) -> Check:
    """Excel's 禁用的项目: an add-in it blamed for a crash is not loaded again, silently, until re-enabled."""
    key = rf"Software\Microsoft\Office\{version}\Excel\Resiliency\DisabledItems"
    for data in registry.values(HKCU, key).values():
        if isinstance(data, bytes) and ADDIN_NAME.lower() in data.decode("utf-16-le", "replace").lower():
            return Check(MISSING, "Excel 禁用项目", f"Excel 已禁用 {ADDIN_NAME}（它曾在 Excel 出错时被加载）",
                         "在 Excel 中：文件 → 选项 → 加载项 → 管理「禁用项目」→ 转到 → 选中 xl_tools.xlam → 启用，"
                         "然后重新打开 Excel")
    return Check(OK, "Excel 禁用项目", f"{ADDIN_NAME} 不在 Excel 的禁用项目中")
