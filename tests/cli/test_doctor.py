"""`xl-tools doctor` through the command line: the whole Linux report, its exit codes, and recorded Windows PCs
(tests/helpers/windows_pc.py) seen through the same command.  HOME is a temporary folder in every run, so
nothing of this machine's settings, mail configuration or button log shows; where a fact of this machine would
show (this Python, LibreOffice, the keyring), a recorded one is put in its place."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from xl_tools import __version__
from xl_tools.install import doctor
from xl_tools.install.machine import Machine, Runtime

from tests.helpers.addin import pinned_version
from tests.helpers.cli import xl
from tests.helpers.windows_pc import (LINUX_RUNTIME, install_recorded, python_exe, windows_machine, windows_runtime,
                                      zone_text)

CLEAN_ENV = {"XDG_CONFIG_HOME": None, "XL_TOOLS_EMAIL_CONFIG": None, "XL_TOOLS_LOG": None,
             "XL_TOOLS_SMTP_PASSWORD": None}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "caiwu"
    folder.mkdir()
    return folder


@pytest.fixture
def recorded(monkeypatch):  # type: ignore[no-untyped-def]
    """A recorded Python, LibreOffice where Debian puts it, no usable keyring (a desktop without one)."""
    from keyring.backends import fail

    def use(runtime: Runtime = LINUX_RUNTIME, soffice: str | None = "/usr/bin/soffice") -> None:
        monkeypatch.setattr(Runtime, "current", classmethod(lambda cls, windows: runtime))
        monkeypatch.setattr("xl_tools.adapters.libreoffice.find_soffice", lambda: soffice)
        monkeypatch.setattr("keyring.get_keyring", lambda: fail.Keyring())

    use()
    return use


def _doctor(home: Path, *args: str):  # type: ignore[no-untyped-def]
    return xl("doctor", *args, cwd=home, env={**CLEAN_ENV, "HOME": str(home)})


def test_the_linux_report(home: Path, recorded) -> None:  # type: ignore[no-untyped-def]
    run = _doctor(home)
    assert run.returncode == 0
    assert run.stdout == (
        "[正常] Python：3.11.9（64 位），/home/caiwu/xl_tools/.venv/bin/python\n"
        "[正常] xl_tools：0.1.0，在 /home/caiwu/xl_tools/xl_tools\n"
        "[正常] xlwings：0.37.8（与 xl_tools 要求的版本一致）\n"
        "[注意] Excel 加载项：本机不是 Windows。处理：Excel 加载项（功能区「绩效自评」）只能在 Windows 的 Excel 中使用。"
        "WPS、LibreOffice 和 Linux（信创）桌面请用命令行：xl-tools run 工作簿.xlsx（校验、计分、表11，结果写成新的工作簿，"
        "可在 WPS 中打开）\n"
        "[正常] LibreOffice：/usr/bin/soffice（转换 PDF、读取 .xls 时使用）\n"
        f"[注意] 邮件设置：{home}/.config/xl_tools/email.toml 不存在：只有「发送邮件」和 xl-tools email 需要它。"
        "处理：需要发邮件时按 README 中「xl-tools email」一节创建该文件（或用环境变量 XL_TOOLS_EMAIL_CONFIG 指定）\n"
        "[注意] 密钥环：keyring.backends.fail.Keyring：没有可用的系统密钥环，无法保存邮件密码。"
        "处理：在桌面环境中安装 gnome-keyring（sudo apt-get install gnome-keyring）；或邮件密码改用环境变量 XL_TOOLS_SMTP_PASSWORD\n"
        f"[正常] 按钮日志：{home}/.xl_tools/logs/buttons.log（尚不存在：按钮没有出过意外错误）\n"
        "\n"
        "结论：命令行所需的都已具备。Excel 加载项只用于 Windows；本机请用 xl-tools run 等命令\n")


def test_the_linux_report_as_json(home: Path, recorded) -> None:  # type: ignore[no-untyped-def]
    run = _doctor(home, "--json")
    data = json.loads(run.stdout)
    assert (run.returncode, data["ok"], data["windows"]) == (0, True, False)
    assert [(c["item"], c["status"], c["blocking"]) for c in data["checks"]] == [
        ("Python", "正常", False), ("xl_tools", "正常", False), ("xlwings", "正常", False),
        ("Excel 加载项", "注意", False), ("LibreOffice", "正常", False), ("邮件设置", "注意", False),
        ("密钥环", "注意", False), ("按钮日志", "正常", False)]


def test_no_libreoffice_is_reported_but_the_command_line_still_works(home: Path, recorded) -> None:  # type: ignore[no-untyped-def]
    recorded(soffice=None)
    run = _doctor(home)
    assert run.returncode == 0
    assert ("[缺少] LibreOffice：未找到 soffice：转换 PDF、读取 .xls 不能用，其余功能不受影响。"
            "处理：Debian/Ubuntu 运行 sudo apt-get install libreoffice-calc fonts-noto-cjk\n") in run.stdout


@pytest.mark.parametrize("xlwings, line", [
    (None, "[缺少] xlwings：未安装（xl_tools 需要 0.37.8）。处理：运行 pip install xlwings==0.37.8"),
    ("0.31.4", "[缺少] xlwings：已安装 0.31.4，而 xl_tools 需要 0.37.8（加载项的 VBA 与之配套）。处理：运行 pip install xlwings==0.37.8"),
])
def test_without_the_pinned_xlwings_the_exit_code_is_1(home: Path, recorded, xlwings, line) -> None:  # type: ignore[no-untyped-def]
    recorded(dataclasses.replace(LINUX_RUNTIME, xlwings=xlwings))
    run = _doctor(home)
    assert run.returncode == 1
    assert line in run.stdout
    assert run.stdout.endswith("结论：命令行还不能使用，请先处理标为「缺少」的：xlwings\n")


def test_xl_tools_not_installed_by_pip_fails(home: Path, recorded) -> None:  # type: ignore[no-untyped-def]
    recorded(dataclasses.replace(LINUX_RUNTIME, distribution=None, pinned=None))
    run = _doctor(home)
    assert run.returncode == 1
    assert run.stdout.endswith("结论：命令行还不能使用，请先处理标为「缺少」的：xl_tools、xlwings\n")


def test_this_machine_as_it_is(home: Path) -> None:
    """No recording: this test environment has xl_tools installed with the pinned xlwings."""
    run = _doctor(home)
    assert run.returncode == 0
    assert f"[正常] xlwings：{pinned_version()}（与 xl_tools 要求的版本一致）\n" in run.stdout


def test_the_button_log_shows_the_last_error(home: Path, recorded) -> None:  # type: ignore[no-untyped-def]
    log = home / ".xl_tools" / "logs" / "buttons.log"
    log.parent.mkdir(parents=True)
    log.write_text("2024-03-05 10:12:33,120 按钮 report：Traceback (most recent call last):\n"
                   "  File \"/home/caiwu/xl_tools/xl_tools/ribbon.py\", line 61, in wrapper\n"
                   "PermissionError: [Errno 13] Permission denied: '自评报告.docx'\n", encoding="utf-8")
    run = _doctor(home)
    assert run.returncode == 0
    assert (f"[注意] 按钮日志：{log}，最近一次错误：2024-03-05 10:12:33 按钮 report：PermissionError: [Errno 13] "
            "Permission denied: '自评报告.docx'。处理：把这个文件和出错时打开的工作簿发给维护者\n") in run.stdout


# ---- recorded Windows PCs through the command ----------------------------------------------------------------


@pytest.fixture
def windows_pc(tmp_path: Path, recorded, monkeypatch):  # type: ignore[no-untyped-def]
    """Make doctor see the recorded PC ``reg`` with xl_tools installed as `addin install` leaves it."""

    def use(reg: str, streams: dict[str, bytes] | None = None) -> Machine:
        machine = windows_machine(reg, tmp_path, streams)
        python = python_exe(tmp_path)
        install_recorded(machine.places, b"built", python, __version__)
        recorded(windows_runtime(python))
        monkeypatch.setattr(Machine, "current", classmethod(lambda cls: machine))
        monkeypatch.setattr(doctor, "built_addin_bytes", lambda: b"built")
        return machine

    return use


def test_a_ready_windows_pc_exits_0(home: Path, windows_pc) -> None:  # type: ignore[no-untyped-def]
    windows_pc("c2r_365_x64_default.reg")
    run = _doctor(home)
    assert run.returncode == 0
    assert "[正常] Excel：64 位，Office 2016 及以后（2019/2021/2024/Microsoft 365），版本 16.0.17328.20184（即点即用安装，O365ProPlusRetail）\n" in run.stdout
    assert "[正常] 宏设置：禁用所有宏，并发出通知（默认）（VBAWarnings=2，来自默认）\n" in run.stdout
    assert "结论：功能区按钮所需的都已具备。" in run.stdout


def test_only_signed_macros_without_trusted_locations_exits_1(home: Path, windows_pc) -> None:  # type: ignore[no-untyped-def]
    windows_pc("msi2016_x64_signed_only.reg")
    run = _doctor(home)
    assert run.returncode == 1
    assert ("[缺少] 宏设置：禁用无数字签名的所有宏（VBAWarnings=3，来自策略）；加载项没有数字签名，也不在受信任位置，"
            "其宏不会运行。处理：用单位的代码签名证书为加载项签名：") in run.stdout
    assert run.stdout.endswith("结论：功能区按钮还不能使用，请先处理标为「缺少」的：宏设置\n")


def test_a_template_saved_from_mail_exits_1(home: Path, windows_pc) -> None:  # type: ignore[no-untyped-def]
    template = home / "绩效自评模板.xlsm"
    template.write_bytes(b"PK")
    windows_pc("c2r_365_x64_default.reg", {f"{template}:Zone.Identifier": zone_text("internet_mail.txt")})
    run = _doctor(home, template)
    assert run.returncode == 1
    assert "[缺少] 网络标记：绩效自评模板.xlsm：带有网络标记 ZoneId=3（Internet，来自 mail.czj.example.gov.cn，" in run.stdout
    assert f"Unblock-File -LiteralPath '{template}'" in run.stdout


def test_a_missing_addin_and_configuration_exit_1(home: Path, windows_pc) -> None:  # type: ignore[no-untyped-def]
    machine = windows_pc("c2r_365_x64_default.reg")
    machine.places.addin.unlink()
    machine.places.config_file.unlink()
    run = _doctor(home)
    assert run.returncode == 1
    assert f"[缺少] 加载项：未安装：{machine.places.addin} 不存在。处理：运行 xl-tools addin install" in run.stdout
    assert run.stdout.endswith("结论：功能区按钮还不能使用，请先处理标为「缺少」的：加载项、配置文件\n")


def test_a_workbook_named_on_linux_is_not_checked_for_a_mark(home: Path, recorded) -> None:  # type: ignore[no-untyped-def]
    run = _doctor(home, "绩效自评模板.xlsm")
    assert run.returncode == 0
    assert ("[注意] 网络标记：绩效自评模板.xlsm：网络标记只在 Windows 的 NTFS 磁盘上有意义，本机不检查。"
            "处理：在要打开它的 Windows 电脑上运行 xl-tools doctor 该文件\n") in run.stdout
