"""Mail settings from layers (config file, environment, workbook, options), later layers winning.

Pure: each layer is a plain mapping already read by someone else, so tests need no files.
A workbook's layers carry only what ``layouts.params.MAIL_KEYS`` allows (recipients and the
sender's display name); the caller keeps everything else out.  A value is checked where it
is taken, and a bad one is reported with the layer it came from.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.safe_text import one_line
from ..core.errors import XlToolsError

TLS_MODES = ("ssl", "starttls", "none")
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
DEFAULT_MAX_SIZE_MB = 20.0


class MailSettingsError(XlToolsError):
    """A setting has a value the toolkit cannot use; the message names the setting and its source."""


@dataclass(frozen=True)
class Layer:
    """One source of settings: ``source`` says where it came from in messages ("环境变量")."""

    source: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class MailSettings:
    host: str | None = None
    port: int | None = None
    tls: str = "starttls"
    user: str | None = None
    sender: str | None = None
    sender_name: str | None = None
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    max_size_mb: float = DEFAULT_MAX_SIZE_MB
    ca_file: str | None = None
    timeout: float = 30.0
    tries: int = 3
    """How many times a transient failure (4xx, reset, timeout) is tried in all."""
    retry_delay: float = 2.0
    """Seconds before the second try; doubled before each later one."""
    sources: Mapping[str, str] = field(default_factory=dict)
    """Setting name -> the layer its value came from (missing: built-in default)."""

    @property
    def loopback(self) -> bool:
        return (self.host or "").strip("[]").lower() in LOOPBACK_HOSTS


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("应为非空文字")
    return value.strip()


def _line(value: Any) -> str:
    """A display name: one line, so a name typed with a line break (or taken from a workbook) cannot add a header."""
    return one_line(_text(value))


def check_address(value: Any) -> str:
    text = _text(value)
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in text):
        raise ValueError("不是有效的邮箱地址")
    return text


def _addresses(value: Any) -> tuple[str, ...]:
    items = re.split(r"[,，;；、\s]+", value) if isinstance(value, str) else value  # typed in a cell: 、，； too
    if not isinstance(items, (list, tuple)):
        raise TypeError("应为邮箱地址或地址列表")
    return tuple(_text(v) for v in items if not (isinstance(v, str) and not v.strip()))


def _port(value: Any) -> int:
    return _integer_in(value, 1, 65535, "应为 1～65535 的端口号")


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError("应为整数")
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, int):
        return value
    raise ValueError("应为整数")


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError("应为数字")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError("应为数字") from None
    if not math.isfinite(number) or number < 0:
        raise ValueError("应为不小于 0 的数字")
    return number


def _positive(value: Any) -> float:
    number = _number(value)
    if number <= 0:
        raise ValueError("应为大于 0 的数字")
    return number


def _tries(value: Any) -> int:
    return _integer_in(value, 1, 10, "应为 1～10 的整数（共尝试几次）")


def _integer_in(value: Any, low: int, high: int, message: str) -> int:
    number = _integer(value)
    if not low <= number <= high:
        raise ValueError(message)
    return number


def _tls(value: Any) -> str:
    text = _text(value).lower()
    if text not in TLS_MODES:
        raise ValueError(f"应为 {'、'.join(TLS_MODES)} 之一")
    return text


PARSERS: dict[str, Callable[[Any], Any]] = {
    "host": _text, "port": _port, "tls": _tls, "user": _text, "sender": check_address, "sender_name": _line,
    "to": _addresses, "cc": _addresses, "max_size_mb": _positive, "ca_file": _text, "timeout": _positive,
    "tries": _tries, "retry_delay": _number,
}
LABELS = {
    "host": "邮件服务器地址", "port": "端口", "tls": "加密方式（ssl、starttls 或 none）", "user": "登录账号",
    "sender": "发件地址", "sender_name": "发件人名称", "to": "收件人", "cc": "抄送",
    "max_size_mb": "附件总大小上限（MB）", "ca_file": "额外信任的 CA 证书文件（PEM）", "timeout": "网络超时（秒）",
    "tries": "临时失败时共尝试几次", "retry_delay": "第一次重试前等待的秒数（之后每次加倍）",
}
_SECRET_KEYS = ("password", "pass", "passwd", "密码")
_CLEARABLE = ("user", "sender_name", "ca_file")
"""An empty value in a later layer removes these (a relay on this machine needs no login)."""


def resolve(layers: Sequence[Layer]) -> MailSettings:
    """The settings from ``layers`` in order (file, environment, workbook, options): later ones win.

    A layer's missing or None values leave the earlier ones in place.  When only one of
    port and tls is given the other follows it (465 → ssl; ssl → 465, starttls → 587).
    """
    chosen: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for layer in layers:
        for key, raw in layer.values.items():
            if key.lower() in _SECRET_KEYS:
                raise MailSettingsError(f"{layer.source}中不能写密码；SMTP 密码只从环境变量 XL_TOOLS_SMTP_PASSWORD "
                                        "或系统密钥环读取（python -m keyring set xl_tools-smtp 登录账号）")
            if key not in PARSERS:
                raise MailSettingsError(f"{layer.source}中的「{key}」不是邮件设置项；可用的设置项："
                                        f"{'、'.join(PARSERS)}")
            if raw is None:
                continue
            if key in _CLEARABLE and isinstance(raw, str) and not raw.strip():  # --smtp-user "": do not log in
                chosen.pop(key, None)
                sources[key] = layer.source
                continue
            try:
                chosen[key] = PARSERS[key](raw)
            except (ValueError, TypeError) as exc:
                raise MailSettingsError(f"{layer.source}中的 {key}（{LABELS[key]}）「{raw}」{exc}") from None
            sources[key] = layer.source
    if "tls" not in chosen:
        chosen["tls"] = "ssl" if chosen.get("port") == 465 else "starttls"
        if "port" in sources:
            sources["tls"] = f"按端口 {chosen['port']} 推定"
    if "port" not in chosen:
        chosen["port"] = DEFAULT_PORTS[chosen["tls"]]
        sources["port"] = f"按加密方式 {chosen['tls']} 推定"
    if "sender" not in chosen and "@" in chosen.get("user", ""):
        try:
            chosen["sender"] = check_address(chosen["user"])
            sources["sender"] = "与登录账号相同"
        except ValueError:
            pass
    settings = MailSettings(**chosen, sources=sources)
    if settings.tls == "none" and settings.host and not settings.loopback:
        raise MailSettingsError(f"加密方式 none（不加密）只能用于本机的邮件服务器（{'、'.join(LOOPBACK_HOSTS)}）；"
                                f"{settings.host} 请用 --tls ssl（通常端口 465）或 --tls starttls（通常端口 587）")
    return settings
