"""The checks of whether Office lets macros run: the add-in's in XLSTART (trusted locations, the macro setting,
a signature) and any file's that carries a Mark-of-the-Web."""

from __future__ import annotations

from pathlib import Path

from .places import Places
from .report import MISSING, NOTE, OK, Check
from .windows_facts import VBA_WARNINGS, MacroSetting, Trust, zone_of
from .windows_readers import StreamReader

ZONES = {0: "本机", 1: "本地 Intranet", 2: "受信任的站点", 3: "Internet", 4: "受限制的站点"}
BLOCKED_ZONES = (3, 4)
"""Zones whose files Office opens with macros blocked (Office 2203 and later, or the policy on older ones)."""


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
