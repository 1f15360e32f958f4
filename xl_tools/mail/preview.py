"""What ``--dry-run`` prints: the mail as it would go out, and where each setting came from. Pure."""

from __future__ import annotations

from email.headerregistry import Address
from pathlib import Path
from typing import TYPE_CHECKING

from .credentials import PASSWORD_ENV, Secret, store_hint
from .message import MB
from .text import human_size

if TYPE_CHECKING:
    from .service import Prepared


def _addresses(addresses: list[Address]) -> str:
    return "、".join(str(a) for a in addresses) or "（无）"


def plan_text(prepared: Prepared, config_file: Path, config_found: bool, password: Secret | None) -> str:
    """The preview; the password itself never, only where it would come from."""
    s = prepared.settings
    sender = f"{s.sender_name} <{s.sender}>" if s.sender and s.sender_name else s.sender or "（未设置）"
    total = sum(a.size for a in prepared.attachments)
    packed = f"，已压缩为 {prepared.attachments[0].name}" if prepared.zipped else ""
    lines = [
        "试运行：只显示将要发送的邮件，不连接服务器、不发送。",
        f"发件人：{sender}",
        f"收件人：{_addresses(prepared.to)}",
        f"抄送：{_addresses(prepared.cc)}",
        f"主题：{prepared.subject}",
        f"附件（{len(prepared.files)} 个{packed}，共 {human_size(total)}，上限 {s.max_size_mb:g} MB）：",
    ]
    for att in prepared.attachments:
        lines.append(f"  {att.name}　{human_size(att.size)}　{att.mime_type}")
        if prepared.zipped:
            lines += [f"    └ {f.name}　{human_size(f.size)}" for f in prepared.files]
    if total > s.max_size_mb * MB:
        lines.append("  注意：超过上限，实际发送时会被拒绝（见下方错误）")
    if s.host:
        lines.append(f"邮件服务器：{s.host}:{s.port}（{s.tls}）" + (f"，登录账号 {s.user}" if s.user else "，不登录"))
    else:
        lines.append("邮件服务器：（未设置）")
    if s.user:
        lines.append(f"密码：{password.source if password else f'未找到（设置环境变量 {PASSWORD_ENV}，或 {store_hint(s.user)}）'}")
    lines.append(f"配置文件：{config_file}" + ("" if config_found else "（不存在，未使用）"))
    lines += ["正文：", *[f"  {line}" if line else "" for line in prepared.body.rstrip().splitlines()]]
    return "\n".join(lines)
