"""What ``--dry-run`` prints and what the ribbon asks before sending: the mail as it would go out. Pure.

Recipients and the sender's name may come from a workbook, so they are shown with where
they came from (工作簿 自评表.xlsx 参数!D32, 配置文件 …, 命令行选项).
"""

from __future__ import annotations

from collections.abc import Sequence
from email.headerregistry import Address
from pathlib import Path
from typing import TYPE_CHECKING

from .credentials import PASSWORD_ENV, Secret, store_hint
from .message import MB
from .settings import MailSettings
from .text import human_size

if TYPE_CHECKING:
    from .service import Prepared


def _from(settings: MailSettings, key: str) -> str:
    source = settings.sources.get(key)
    return f"（来自{source}）" if source else ""


def _addresses(addresses: list[Address], settings: MailSettings, key: str) -> str:
    return "、".join(str(a) for a in addresses) + _from(settings, key) if addresses else "（无）"


def _people(prepared: Prepared) -> list[str]:
    s = prepared.settings
    sender = f"{s.sender_name} <{s.sender}>" if s.sender and s.sender_name else s.sender or "（未设置）"
    named = f"（名称来自{s.sources['sender_name']}）" if s.sender_name and "sender_name" in s.sources else ""
    return [f"发件人：{sender}{named}", f"收件人：{_addresses(prepared.to, s, 'to')}",
            f"抄送：{_addresses(prepared.cc, s, 'cc')}"]


def _attachments(prepared: Prepared) -> list[str]:
    s = prepared.settings
    total = sum(a.size for a in prepared.attachments)
    packed = f"，已压缩为 {prepared.attachments[0].name}" if prepared.zipped else ""
    lines = [f"附件（{len(prepared.files)} 个{packed}，共 {human_size(total)}，上限 {s.max_size_mb:g} MB）："]
    for att in prepared.attachments:
        lines.append(f"  {att.name}　{human_size(att.size)}　{att.mime_type}")
        if prepared.zipped:
            lines += [f"    └ {f.name}　{human_size(f.size)}" for f in prepared.files]
    if total > s.max_size_mb * MB:
        lines.append("  注意：超过上限，实际发送时会被拒绝（见下方错误）")
    return lines


def _server(settings: MailSettings) -> str:
    s = settings
    if not s.host:
        return "邮件服务器：（未设置）"
    return f"邮件服务器：{s.host}:{s.port}（{s.tls}）" + (f"，登录账号 {s.user}" if s.user else "，不登录")


def plan_text(prepared: Prepared, config_file: Path, config_found: bool, password: Secret | None) -> str:
    """The preview; the password itself never, only where it would come from."""
    s = prepared.settings
    lines = ["试运行：只显示将要发送的邮件，不连接服务器、不发送。", *_people(prepared), f"主题：{prepared.subject}",
             *_attachments(prepared), _server(s)]
    if s.user:
        lines.append(f"密码：{password.source if password else f'未找到（设置环境变量 {PASSWORD_ENV}，或 {store_hint(s.user)}）'}")
    lines.append(f"配置文件：{config_file}" + ("" if config_found else "（不存在，未使用）"))
    lines += ["正文：", *[f"  {line}" if line else "" for line in prepared.body.rstrip().splitlines()]]
    return "\n".join(lines)


def confirm_text(prepared: Prepared, notes: Sequence[str] = ()) -> str:
    """What the ribbon shows before sending: who gets it, through which server and login, with what."""
    lines = ["将发送以下邮件，确定发送吗？", *_people(prepared), f"主题：{prepared.subject}", *_attachments(prepared),
             _server(prepared.settings)]
    lines += [f"注意：{note}" for note in notes]
    return "\n".join(lines)
