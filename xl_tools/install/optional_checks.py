"""The checks of what only some buttons and commands need (LibreOffice, mail, the keyring) and of the button
log: never 缺少 in a way that fails doctor."""

from __future__ import annotations

import re
from pathlib import Path

from .machine import Machine
from .report import MISSING, NOTE, OK, Check


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
