"""`xl-tools doctor`'s checks, each against recorded facts: registry exports of four Windows PCs
(tests/data/windows/*.reg, described in tests/helpers/windows_pc.py), Zone.Identifier streams as browsers and
mail clients write them, configuration files as `addin install` writes them, and the button log as the ribbon
writes it.  Expected verdicts and texts are written out from those recordings.
"""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from xl_tools.core.errors import XlToolsError
from xl_tools.install import doctor
from xl_tools.install.addin_checks import addin_signed, check_addin, check_config, check_record
from xl_tools.install.doctor import diagnose
from xl_tools.install.macro_checks import check_macros, check_motw, check_trusted_location
from xl_tools.install.optional_checks import check_keyring, check_log, check_mail, last_failure
from xl_tools.install.report import MISSING, NOTE, OK, Check, Diagnosis
from xl_tools.install.windows_checks import check_disabled_items, check_excel
from xl_tools.install.windows_facts import (ExcelInstall, MacroSetting, Trust, Zone, excel_install,
                                            internet_block_policy, macro_setting, trusted_locations, zone_of)
from xl_tools.install.windows_readers import WindowsRegistry
from xl_tools.install.places import places

from tests.helpers.regfile import parse
from tests.helpers.windows_pc import (LINUX_RUNTIME, WINDOWS_DATA, install_recorded, python_exe, registry, windows_machine,
                                      windows_places, windows_runtime, zone_text)

C2R = "c2r_365_x64_default.reg"
POLICY4 = "msi2016_x86_on_x64_policy4.reg"
SIGNED_ONLY = "msi2016_x64_signed_only.reg"
OFFICE2013 = "msi2013_x86_locations_disabled.reg"
VERSION = "0.1.0"


# ---- the recorded registries read as Windows has them ------------------------------------------------------


def test_an_export_reads_as_the_registry_holds_it() -> None:
    reg = registry(POLICY4)
    security = r"Software\Microsoft\Office\16.0\Excel\Security"
    assert reg.value("HKCU", security, "VBAWarnings") == 2
    assert reg.value("HKCU", security.upper(), "vbawarnings") == 2  # names and keys ignore case
    assert reg.value("HKCU", rf"{security}\Trusted Locations\Location1", "Path") == r"%APPDATA%\Microsoft\Excel\XLSTART"
    assert reg.subkeys("HKCU", rf"{security}\Trusted Locations") == ["Location0", "Location1", "Location2"]
    assert reg.value("HKLM", r"SOFTWARE\WOW6432Node\Microsoft\Office\16.0\Outlook", "Bitness") == "x86"
    assert reg.value("HKLM", r"SOFTWARE\Microsoft\Office\16.0\Outlook", "Bitness") is None
    (item,) = reg.values("HKCU", r"Software\Microsoft\Office\16.0\Excel\Resiliency\DisabledItems").values()
    assert item[:12] == bytes([1, 0, 0, 0, 0x84, 0, 0, 0, 0x1c, 0, 0, 0])  # wrapped over eight lines in the file
    assert item[12:].decode("utf-16-le").split("\0")[:2] == [
        r"C:\Users\李四\AppData\Roaming\Microsoft\Excel\XLSTART\xl_tools.xlam", "xl_tools.xlam"]


def test_an_export_is_utf16_with_crlf_as_reg_exe_writes_it() -> None:
    data = (WINDOWS_DATA / C2R).read_bytes()
    assert data[:2] == b"\xff\xfe"
    assert data[2:].decode("utf-16-le").startswith("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\")


def test_a_file_that_is_not_an_export_is_refused() -> None:
    with pytest.raises(ValueError, match="not a registry export"):
        parse("REGEDIT4\n\n[HKEY_CURRENT_USER\\Software]\n")


# ---- Excel: which, how many bits ---------------------------------------------------------------------------


@pytest.mark.parametrize("reg, expected, found", [
    (C2R, ExcelInstall("16.0", 64, "16.0.17328.20184", "即点即用", "O365ProPlusRetail"),
     "64 位，Office 2016 及以后（2019/2021/2024/Microsoft 365），版本 16.0.17328.20184（即点即用安装，O365ProPlusRetail）"),
    (POLICY4, ExcelInstall("16.0", 32, "16.0.4266.1001", "MSI"),
     "32 位，Office 2016 及以后（2019/2021/2024/Microsoft 365），版本 16.0.4266.1001（MSI安装）"),
    (SIGNED_ONLY, ExcelInstall("16.0", 64, "16.0.5439.1000", "MSI"),
     "64 位，Office 2016 及以后（2019/2021/2024/Microsoft 365），版本 16.0.5439.1000（MSI安装）"),
    (OFFICE2013, ExcelInstall("15.0", 32, "15.0.4569.1506", "MSI"), "32 位，Office 2013，版本 15.0.4569.1506（MSI安装）"),
])
def test_excel_and_its_bitness_come_from_the_registry(reg: str, expected: ExcelInstall, found: str) -> None:
    office = excel_install(registry(reg))
    assert office == expected
    assert check_excel(office) == Check(OK, "Excel", found)


def test_no_excel_is_a_note_pointing_wps_users_to_the_command_line() -> None:
    reg = parse("Windows Registry Editor Version 5.00\n\n"
                "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Kingsoft\\Office\\6.0\\common]\n\"InstallRoot\"=\"C:\\\\WPS Office\"\n")
    assert excel_install(reg) is None
    check = check_excel(None)
    assert (check.status, check.needed, check.found) == (NOTE, False, "注册表中没有找到 Microsoft Excel")
    assert "xl-tools run 工作簿.xlsx" in check.action


def test_excel_2007_cannot_show_the_ribbon() -> None:
    check = check_excel(ExcelInstall("12.0", 32, None, "MSI"))
    assert (check.status, check.blocking) == (MISSING, True)
    assert check.found == "32 位，Office 2007（MSI安装）：Excel 2007 不显示此加载项的功能区"


# ---- macro security: the setting, the trusted location, the verdict ----------------------------------------


@pytest.mark.parametrize("reg, version, expected", [
    (C2R, "16.0", MacroSetting(2, "默认")),
    (POLICY4, "16.0", MacroSetting(4, "策略")),  # the policy wins over the user's own 2
    (SIGNED_ONLY, "16.0", MacroSetting(3, "策略")),
    (OFFICE2013, "15.0", MacroSetting(2, "用户设置")),
])
def test_vba_warnings_policy_before_user_before_default(reg: str, version: str, expected: MacroSetting) -> None:
    assert macro_setting(registry(reg), version) == expected


@pytest.mark.parametrize("reg, version, expected", [
    (C2R, "16.0", Trust(None, True)),
    (POLICY4, "16.0", Trust(None, True)),
    (SIGNED_ONLY, "16.0", Trust("策略", True)),
    (OFFICE2013, "15.0", Trust("策略", True)),
])
def test_whether_xlstart_is_trusted(reg: str, version: str, expected: Trust, tmp_path: Path) -> None:
    assert trusted_locations(registry(reg), version, windows_places(tmp_path)) == expected


def test_xlstart_listed_by_its_full_path_in_any_case_and_separator_counts() -> None:
    where = places({"USERPROFILE": r"C:\Users\张三", "APPDATA": r"C:\Users\张三\AppData\Roaming"}, windows=True)
    reg = parse("Windows Registry Editor Version 5.00\n\n"
                "[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Excel\\Security\\Trusted Locations\\Location7]\n"
                "\"Path\"=\"C:\\\\USERS\\\\张三\\\\AppData\\\\Roaming\\\\Microsoft\\\\Excel\\\\XLSTART\\\\\"\n")
    assert trusted_locations(reg, "16.0", where) == Trust(None, True)


def test_a_parent_folder_trusts_xlstart_only_with_its_subfolders(tmp_path: Path) -> None:
    key = "[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Excel\\Security\\Trusted Locations\\Location9]\n"
    parent = f"\"Path\"=\"{str(tmp_path / 'Users' / '张三' / 'AppData').replace(chr(92), chr(92) * 2)}\"\n"
    head = "Windows Registry Editor Version 5.00\n\n"
    where = windows_places(tmp_path)
    assert trusted_locations(parse(head + key + parent), "16.0", where) == Trust(None, False)
    assert trusted_locations(parse(head + key + parent + "\"AllowSubfolders\"=dword:00000001\n"), "16.0",
                             where) == Trust(None, True)


def test_xlstart_removed_from_the_list_is_a_note_saying_how_to_add_it(tmp_path: Path) -> None:
    reg = parse("Windows Registry Editor Version 5.00\n\n"
                "[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Excel\\Security\\Trusted Locations\\Location3]\n"
                "\"Path\"=\"%APPDATA%\\\\Microsoft\\\\Templates\"\n")
    where = windows_places(tmp_path)
    trust = trusted_locations(reg, "16.0", where)
    assert trust == Trust(None, False)
    check = check_trusted_location(trust, where)
    assert (check.status, check.needed) == (NOTE, False)
    assert check.found == f"受信任位置列表中没有 {where.xlstart}，加载项的宏按下面的宏设置处理"
    assert check.action.startswith("在 Excel 中：文件 → 选项 → 信任中心 → 信任中心设置 → 受信任位置 → 添加新位置")


def test_trusted_locations_disabled_by_policy_is_said_so(tmp_path: Path) -> None:
    where = windows_places(tmp_path)
    check = check_trusted_location(trusted_locations(registry(OFFICE2013), "15.0", where), where)
    assert (check.status, check.needed) == (NOTE, False)
    assert check.found == f"策略已禁用所有受信任位置，{where.xlstart} 不再被信任，加载项的宏按下面的宏设置处理"


@pytest.mark.parametrize("reg, version, status, found", [
    (C2R, "16.0", OK, "禁用所有宏，并发出通知（默认）（VBAWarnings=2，来自默认）"),
    (POLICY4, "16.0", NOTE, "禁用所有宏，并且不通知（VBAWarnings=4，来自策略）；加载项在受信任位置，仍可运行，"
                            "但在别处打开的模板 .xlsm 的宏不会运行"),
    (SIGNED_ONLY, "16.0", MISSING, "禁用无数字签名的所有宏（VBAWarnings=3，来自策略）；加载项没有数字签名，也不在受信任位置，"
                                   "其宏不会运行"),
    (OFFICE2013, "15.0", NOTE, "禁用所有宏，并发出通知（默认）（VBAWarnings=2，来自用户设置）；加载项不在受信任位置，"
                               "每次启动 Excel 都会询问"),
])
def test_the_macro_verdict_of_each_pc(reg: str, version: str, status: str, found: str, tmp_path: Path) -> None:
    recorded = registry(reg)
    check = check_macros(macro_setting(recorded, version),
                         trusted_locations(recorded, version, windows_places(tmp_path)), signed=False)
    assert (check.item, check.status, check.found) == ("宏设置", status, found)
    assert check.blocking == (status == MISSING)


def test_only_signed_macros_says_how_to_sign_the_addin(tmp_path: Path) -> None:
    recorded = registry(SIGNED_ONLY)
    check = check_macros(macro_setting(recorded, "16.0"), trusted_locations(recorded, "16.0", windows_places(tmp_path)),
                         signed=False)
    assert "Alt+F11 打开 VBA 编辑器" in check.action
    assert "工具 → 数字签名" in check.action
    assert "signtool" in check.action and "SELFCERT.EXE" in check.action
    assert "请信息中心在组策略中允许受信任位置" in check.action  # the policy's, not the user's to change
    signed = check_macros(MacroSetting(3, "策略"), Trust("策略", None), signed=True)
    assert (signed.status, signed.blocking) == (NOTE, False)


def test_all_macros_disabled_without_a_trusted_location_blocks_the_buttons() -> None:
    check = check_macros(MacroSetting(4, "策略"), Trust("策略", None), signed=True)
    assert (check.status, check.blocking) == (MISSING, True)
    assert check.found == "禁用所有宏，并且不通知（VBAWarnings=4，来自策略）；加载项不在受信任位置，其宏不会运行"
    assert check.action.startswith("请信息中心在组策略中允许受信任位置")
    assert check.action.endswith("在此之前请用命令行 xl-tools run 工作簿.xlsx")
    mine = check_macros(MacroSetting(4, "用户设置"), Trust("用户设置", None), signed=False)
    assert mine.action.startswith("在 Excel 中：文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置")


@pytest.mark.parametrize("reg, version, blocked", [
    (C2R, "16.0", False), (POLICY4, "16.0", True), (SIGNED_ONLY, "16.0", True), (OFFICE2013, "15.0", False)])
def test_the_internet_macro_block_policy(reg: str, version: str, blocked: bool) -> None:
    assert internet_block_policy(registry(reg), version) is blocked


def test_excel_disabled_the_addin() -> None:
    check = check_disabled_items(registry(POLICY4), "16.0")
    assert (check.status, check.blocking) == (MISSING, True)
    assert check.found == "Excel 已禁用 xl_tools.xlam（它曾在 Excel 出错时被加载）"
    assert "管理「禁用项目」→ 转到 → 选中 xl_tools.xlam → 启用" in check.action
    assert check_disabled_items(registry(C2R), "16.0") == Check(OK, "Excel 禁用项目", "xl_tools.xlam 不在 Excel 的禁用项目中")


# ---- Mark-of-the-Web ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, zone", [
    ("internet_mail.txt", Zone(3, "mail.czj.example.gov.cn")),
    ("restricted.txt", Zone(4, None)),
    ("intranet.txt", Zone(1, None)),
    ("internet_unknown_host.txt", Zone(3, None)),
])
def test_zone_identifier_streams(name: str, zone: Zone) -> None:
    assert zone_of(zone_text(name)) == zone


def test_a_utf16_zone_identifier_and_none() -> None:
    assert zone_of(b"\xff\xfe" + zone_text("restricted.txt").decode("ascii").encode("utf-16-le")) == Zone(4, None)
    assert zone_of(None) is None
    assert zone_of(b"") is None


def _template(tmp_path: Path) -> Path:
    path = tmp_path / "下载" / "绩效自评模板.xlsm"
    path.parent.mkdir()
    path.write_bytes(b"PK")
    return path


def test_a_template_from_mail_is_blocked_and_how_to_unblock_it(tmp_path: Path) -> None:
    path = _template(tmp_path)
    streams = {f"{path}:Zone.Identifier": zone_text("internet_mail.txt")}
    check = check_motw(path, streams.get, trusted_location=False, policy_block=True)
    assert (check.item, check.status, check.blocking) == ("网络标记：绩效自评模板.xlsm", MISSING, True)
    assert check.found == ("带有网络标记 ZoneId=3（Internet，来自 mail.czj.example.gov.cn，下载或从邮件保存），Office 会阻止其中的宏"
                           "；策略「阻止运行来自 Internet 的 Office 文件中的宏」已启用")
    assert check.action == (f"右键 绩效自评模板.xlsm → 属性 → 常规 → 勾选「解除锁定」→ 确定；或在 PowerShell 中运行 "
                            f"Unblock-File -LiteralPath '{path}'。然后重新打开 Excel")


def test_a_marked_addin_in_a_trusted_xlstart_still_runs(tmp_path: Path) -> None:
    path = _template(tmp_path)
    streams = {f"{path}:Zone.Identifier": zone_text("restricted.txt")}
    check = check_motw(path, streams.get, trusted_location=True, policy_block=False)
    assert (check.status, check.blocking) == (NOTE, False)
    assert check.found == "带有网络标记 ZoneId=4（受限制的站点，下载或从邮件保存）；它在受信任位置，宏仍会运行"


def test_an_intranet_or_unmarked_file_is_fine(tmp_path: Path) -> None:
    path = _template(tmp_path)
    intranet = {f"{path}:Zone.Identifier": zone_text("intranet.txt")}
    assert check_motw(path, intranet.get, False, False).found == "区域 1（本地 Intranet）网络标记"
    assert check_motw(path, {}.get, False, False) == Check(OK, "网络标记：绩效自评模板.xlsm", "没有网络标记")


# ---- the add-in, its configuration and record ----------------------------------------------------------------


def test_the_addin_missing_equal_or_different(tmp_path: Path) -> None:
    path = windows_places(tmp_path).addin
    missing = check_addin(path, lambda: b"built", signed=False)
    assert (missing.status, missing.blocking) == (MISSING, True)
    assert missing.action.startswith("运行 xl-tools addin install")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"built")
    assert check_addin(path, lambda: b"built", signed=False) == Check(
        OK, "加载项", f"{path}（5 字节，与本机 xl_tools {VERSION} 生成的相同）")
    other = check_addin(path, lambda: b"newer", signed=False)
    assert (other.status, other.found) == (MISSING, f"{path}（5 字节）与本机 xl_tools {VERSION} 生成的不同：是其他版本，或已被改动")


def test_the_addin_this_xl_tools_builds_matches_itself(tmp_path: Path) -> None:
    """The real comparison: an add-in built as `addin install` builds it is the one doctor builds to compare."""
    from xl_tools.addin.build import build_addin_only

    path = build_addin_only(windows_places(tmp_path).addin)
    check = check_addin(path, doctor.built_addin_bytes, signed=addin_signed(path))
    assert (check.status, check.found) == (OK, f"{path}（{path.stat().st_size:,} 字节，与本机 xl_tools {VERSION} 生成的相同）")


def test_a_signed_addin_cannot_be_compared_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "xl_tools.xlam"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("xl/vbaProject.bin", b"vba")
        zf.writestr("xl/vbaProjectSignatureAgile.bin", b"signature")
    path.write_bytes(buffer.getvalue())
    assert addin_signed(path)
    check = check_addin(path, lambda: b"built", signed=True)
    assert (check.status, check.blocking) == (NOTE, False)
    assert "已数字签名" in check.found


def test_an_addin_that_cannot_be_built_for_comparison_is_a_note(tmp_path: Path) -> None:
    path = tmp_path / "xl_tools.xlam"
    path.write_bytes(b"PK")
    assert not addin_signed(path)

    def fails() -> bytes:
        raise XlToolsError("生成加载项需要 xlwings 0.37.8")

    check = check_addin(path, fails, signed=False)
    assert (check.status, check.needed) == (NOTE, False)
    assert check.found == f"{path}（2 字节）；无法生成用于比对的加载项：生成加载项需要 xlwings 0.37.8"


def test_the_configuration_as_install_writes_it(tmp_path: Path) -> None:
    where = windows_places(tmp_path)
    python = python_exe(tmp_path)
    install_recorded(where, b"built", python, VERSION)
    checks = check_config(where, "cp936", windows_runtime(python))
    assert checks == [Check(OK, "配置文件", f"{where.config_file}（cp936 编码，可以读取）"),
                      Check(OK, "配置：INTERPRETER_WIN", str(python)),
                      Check(OK, "配置：XL_TOOLS_VERSION", VERSION)]
    assert check_record(where) == Check(OK, "安装记录", str(where.record))


def test_configuration_problems_each_say_to_reinstall(tmp_path: Path) -> None:
    where = windows_places(tmp_path)
    (missing,) = check_config(where, "cp936", LINUX_RUNTIME)
    assert (missing.status, missing.found) == (MISSING, f"{where.config_file} 不存在（加载项从中读取要启动的 Python）")
    where.config_dir.mkdir(parents=True)
    where.config_file.write_bytes(b'"INTERPRETER_WIN","C:\\Python\xff"\r\n')  # not cp936
    (unreadable,) = check_config(where, "cp936", LINUX_RUNTIME)
    assert unreadable.status == MISSING and "不是本机代码页（cp936）的文本" in unreadable.found
    gone = r"C:\Users\张三\AppData\Local\Programs\Python\Python311\pythonw.exe"
    where.config_file.write_bytes(f'"INTERPRETER_WIN","{gone}"\r\n"XL_TOOLS_VERSION","0.0.9"\r\n'.encode("cp936"))
    _, interpreter, version = check_config(where, "cp936", LINUX_RUNTIME)
    assert (interpreter.status, interpreter.found) == (MISSING, f"{gone} 不存在（Python 被移动、卸载或重装过）")
    assert interpreter.action == f"用现在的 Python 运行 xl-tools addin install（当前 Python：{LINUX_RUNTIME.executable}）"
    assert (version.status, version.found) == (MISSING, f"记录的是 0.0.9，本机 xl_tools 是 {VERSION}（加载项会拒绝运行）")


def test_another_existing_python_is_a_note(tmp_path: Path) -> None:
    where = windows_places(tmp_path)
    install_recorded(where, b"built", python_exe(tmp_path), VERSION)
    _, interpreter, _ = check_config(where, "cp936", LINUX_RUNTIME)
    assert (interpreter.status, interpreter.blocking) == (NOTE, False)


def test_no_or_a_broken_install_record_is_a_note(tmp_path: Path) -> None:
    where = windows_places(tmp_path)
    assert (check_record(where).status, check_record(where).needed) == (NOTE, False)
    where.config_dir.mkdir(parents=True)
    where.record.write_text("{", encoding="utf-8")
    assert check_record(where).action == "删除该文件后运行 xl-tools addin install"


# ---- the button log, mail settings, keyring ----------------------------------------------------------------


LOG = ("2024-03-05 09:58:01,004 按钮 recompute：Traceback (most recent call last):\n"
       "  File \"C:\\xl_tools\\ribbon.py\", line 61, in wrapper\n"
       "ZeroDivisionError: division by zero\n"
       "2024-03-05 10:12:33,120 按钮 check：Traceback (most recent call last):\n"
       "  File \"C:\\xl_tools\\ribbon.py\", line 61, in wrapper\n"
       "    return func(live, *args, **kwargs)\n"
       "KeyError: '项目名称'\n\n")


def test_the_log_shows_its_last_failure(tmp_path: Path) -> None:
    log = tmp_path / "buttons.log"
    assert check_log(log) == Check(OK, "按钮日志", f"{log}（尚不存在：按钮没有出过意外错误）", needed=False)
    log.write_text(LOG, encoding="utf-8")
    check = check_log(log)
    assert (check.status, check.needed) == (NOTE, False)
    assert check.found == f"{log}，最近一次错误：2024-03-05 10:12:33 按钮 check：KeyError: '项目名称'"
    assert last_failure("") is None


def test_the_log_the_ribbon_writes_is_the_log_doctor_reads(tmp_path: Path, monkeypatch) -> None:
    from xl_tools import ribbon

    log = tmp_path / "logs" / "buttons.log"
    monkeypatch.setenv("XL_TOOLS_LOG", str(log))
    try:
        {}["项目名称"]
    except KeyError as exc:
        assert ribbon._log_failure("check", exc) == log
    found = check_log(log).found
    assert found.startswith(f"{log}，最近一次错误：") and found.endswith(" 按钮 check：KeyError: '项目名称'")


def test_mail_settings_show_names_never_values(tmp_path: Path) -> None:
    config = tmp_path / "email.toml"
    machine = dataclasses.replace(windows_machine(C2R, tmp_path), environ={"XL_TOOLS_EMAIL_CONFIG": str(config)})
    absent = check_mail(machine)
    assert (absent.status, absent.needed) == (NOTE, False)
    config.write_text('host = "smtp.czj.example.gov.cn"\nuser = "zhangsan@czj.example.gov.cn"\n', encoding="utf-8")
    check = check_mail(machine)
    assert check == Check(OK, "邮件设置", f"{config}（已设置：host、user）", needed=False)
    assert "zhangsan" not in check.line()


def test_the_keyring_backend(monkeypatch) -> None:
    import keyring
    from keyring.backend import KeyringBackend
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    check = check_keyring(windows=False)
    assert (check.status, check.needed) == (NOTE, False)
    assert check.found == "keyring.backends.fail.Keyring：没有可用的系统密钥环，无法保存邮件密码"
    assert check.action == ("在桌面环境中安装 gnome-keyring（sudo apt-get install gnome-keyring）；"
                            "或邮件密码改用环境变量 XL_TOOLS_SMTP_PASSWORD")

    class Vault(KeyringBackend):
        priority = 5  # type: ignore[assignment]

        def get_password(self, service, username):  # type: ignore[no-untyped-def]
            return None

        def set_password(self, service, username, password):  # type: ignore[no-untyped-def]
            pass

        def delete_password(self, service, username):  # type: ignore[no-untyped-def]
            pass

    monkeypatch.setattr(keyring, "get_keyring", Vault)
    assert check_keyring(windows=True).status == OK


# ---- whole recorded PCs -------------------------------------------------------------------------------------


def _installed_pc(reg: str, tmp_path: Path, streams: dict[str, bytes] | None = None):  # type: ignore[no-untyped-def]
    machine = windows_machine(reg, tmp_path, streams)
    python = python_exe(tmp_path)
    install_recorded(machine.places, b"built", python, VERSION)
    return machine, windows_runtime(python)


def _statuses(diagnosis: Diagnosis) -> dict[str, str]:
    return {c.item: c.status for c in diagnosis.checks if c.item not in ("LibreOffice", "邮件设置", "密钥环")}


def test_a_default_microsoft_365_pc_is_ready(tmp_path: Path) -> None:
    machine, runtime = _installed_pc(C2R, tmp_path)
    diagnosis = diagnose(machine, runtime, built_addin=lambda: b"built")
    assert _statuses(diagnosis) == {
        "Python": OK, "xl_tools": OK, "xlwings": OK, "pywin32": OK, "Excel": OK, "加载项": OK, "Excel 禁用项目": OK,
        "配置文件": OK, "配置：INTERPRETER_WIN": OK, "配置：XL_TOOLS_VERSION": OK, "安装记录": OK, "受信任位置": OK,
        "宏设置": OK, "网络标记：xl_tools.xlam": OK, "按钮日志": OK}
    assert diagnosis.ok


@pytest.mark.parametrize("reg, blocking", [
    (POLICY4, ["Excel 禁用项目"]),
    (SIGNED_ONLY, ["宏设置"]),
    (OFFICE2013, []),
])
def test_what_blocks_the_buttons_on_each_recorded_pc(reg: str, blocking: list[str], tmp_path: Path) -> None:
    machine, runtime = _installed_pc(reg, tmp_path)
    diagnosis = diagnose(machine, runtime, built_addin=lambda: b"built")
    assert [c.item for c in diagnosis.checks if c.blocking] == blocking
    assert diagnosis.ok is not blocking


def test_a_marked_addin_blocks_only_where_trusted_locations_are_off(tmp_path: Path) -> None:
    where = windows_places(tmp_path)
    streams = {f"{where.addin}:Zone.Identifier": zone_text("internet_mail.txt")}
    trusted, runtime = _installed_pc(C2R, tmp_path, streams)
    assert diagnose(trusted, runtime, built_addin=lambda: b"built").ok
    untrusted, _ = _installed_pc(OFFICE2013, tmp_path, streams)
    diagnosis = diagnose(untrusted, runtime, built_addin=lambda: b"built")
    assert [c.item for c in diagnosis.checks if c.blocking] == ["网络标记：xl_tools.xlam"]


def test_the_json_form_lists_every_check(tmp_path: Path) -> None:
    machine, runtime = _installed_pc(SIGNED_ONLY, tmp_path)
    data = json.loads(json.dumps(diagnose(machine, runtime, built_addin=lambda: b"built").to_dict(),
                                 ensure_ascii=False))
    assert (data["ok"], data["windows"]) == (False, True)
    (macros,) = [c for c in data["checks"] if c["item"] == "宏设置"]
    assert (macros["status"], macros["needed"], macros["blocking"]) == (MISSING, True, True)


def test_importing_doctor_loads_no_workbook_library() -> None:
    probe = ("import json, sys; import xl_tools.install.doctor; "
             "print(json.dumps(sorted({n.partition('.')[0] for n in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert not {"openpyxl", "lxml", "keyring", "xlwings"} & set(json.loads(done.stdout))
    assert WindowsRegistry  # the winreg reader itself imports winreg only when it reads
