"""Sending one message through an SMTP server (smtplib), with retries and a result per recipient.

Implicit TLS (``ssl``, port 465) or STARTTLS (587) use ``ssl.create_default_context()``,
so the server's certificate and name are checked; ``ca_file`` adds a CA to the system's
(a unit's own server, or the tests' CA).  ``none`` is for a server on this machine only
(settings refuse it for any other host).  Every failure becomes an ``SmtpError`` with a
Chinese message; transient ones (4xx replies, a dropped connection, a timeout) are tried
again after a growing pause.  A recipient counts as accepted only when the server took
the whole message for it (RCPT accepted and DATA answered 250).  What the server said
leaves this module with the password removed, in every form a server could echo it.
"""

from __future__ import annotations

import base64
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..core.errors import XlToolsError


class SmtpError(XlToolsError):
    """Sending failed; ``transient`` when trying again later may work."""

    def __init__(self, message: str, transient: bool = False, tries: int = 1) -> None:
        super().__init__(message)
        self.transient = transient
        self.tries = tries


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    tls: str
    """"ssl", "starttls" or "none"."""
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: str | None = None
    timeout: float = 30.0

    @property
    def where(self) -> str:
        return f"邮件服务器 {self.host}:{self.port}"


@dataclass
class Delivery:
    accepted: list[str]
    refused: dict[str, str]
    """Recipient -> the server's reply ("550 5.1.1 no such user") or why it was not reached."""
    tries: int


def deliver(server: Server, sender: str, recipients: Sequence[str], data: bytes, *, tries: int = 3,
            delay: float = 2.0, sleep: Callable[[float], None] = time.sleep) -> Delivery:
    """Send ``data`` to ``recipients``; transient failures are tried again (``delay``, 2×``delay``…).

    Recipients the server refused for now (4xx) are tried again on their own; those refused
    for good (5xx) are not.  Raises ``SmtpError`` when no recipient was reached at all
    because of an error (wrong password, no connection, …).
    """
    pending = list(dict.fromkeys(recipients))
    accepted: list[str] = []
    refused: dict[str, str] = {}
    waiting: dict[str, str] = {}
    error: SmtpError | None = None
    used = 0
    for attempt in range(max(tries, 1)):
        if attempt:
            sleep(delay * 2 ** (attempt - 1))
        used += 1
        try:
            outcome = _send_once(server, sender, pending, data)
        except SmtpError as exc:
            error = exc
            if exc.transient:
                continue
            break
        error = None
        accepted += [addr for addr in pending if addr not in outcome]
        waiting = {addr: _reply(code, text) for addr, (code, text) in outcome.items() if 400 <= code < 500}
        refused.update({addr: _reply(code, text) for addr, (code, text) in outcome.items() if addr not in waiting})
        pending = list(waiting)
        if not pending:
            break
    if pending and error is not None and not accepted and not refused:
        raise SmtpError(redact(f"{error}" + (f"（共尝试 {used} 次）" if used > 1 else ""), server),
                        error.transient, used)
    for addr in pending:
        refused[addr] = waiting.get(addr) or str(error)
    return Delivery(accepted, {addr: redact(reply, server) for addr, reply in refused.items()}, used)


def redact(text: str, server: Server) -> str:
    """``text`` without the password: as typed, and base64 as AUTH LOGIN sends it and inside AUTH PLAIN's
    "\\0user\\0password" (each with and without its = padding).  A server that echoes what it was sent
    must not put the password on the screen, in the sent-log or in an error message."""
    if not server.password:
        return text
    forms = {server.password}
    for sent in (server.password, f"\0{server.user or ''}\0{server.password}"):
        encoded = base64.b64encode(sent.encode("utf-8")).decode("ascii")
        forms |= {encoded, encoded.rstrip("=")}
    for form in sorted(forms, key=len, reverse=True):  # the padded form before the one it contains
        text = text.replace(form, "******")
    return text


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(words.split())}".strip()


def _context(server: Server) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if server.ca_file:
        try:
            context.load_verify_locations(server.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise SmtpError(f"无法读取设置 ca_file 指定的证书文件 {server.ca_file}（{exc}）；须是 PEM 格式的 CA 证书") from None
    return context


def _send_once(server: Server, sender: str, recipients: Sequence[str],
               data: bytes) -> dict[str, tuple[int, bytes]]:
    """One connection: the recipients the server refused, with its replies (empty: all accepted)."""
    if not f"{server.user or ''}{server.password or ''}".isascii():  # smtplib encodes AUTH as ASCII
        raise SmtpError("SMTP 登录账号和密码只能含英文字母、数字和符号（smtplib 不支持中文或全角字符）；"
                        "请在邮箱设置中生成「授权码」（客户端专用密码）代替")
    context = _context(server) if server.tls != "none" else None
    stage = "connect"
    try:
        if server.tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout, context=context)
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        try:
            if server.tls == "starttls":
                stage = "starttls"
                smtp.ehlo()
                smtp.starttls(context=context)
                smtp.ehlo()
            if server.user:
                stage = "login"
                smtp.login(server.user, server.password or "")
            stage = "send"
            return smtp.sendmail(sender, list(recipients), data)
        finally:
            _quit(smtp)
    except smtplib.SMTPRecipientsRefused as exc:
        return exc.recipients
    except Exception as exc:  # noqa: BLE001 — every other failure gets its Chinese message (none holds the password)
        raise _failure(exc, stage, server, sender) from None


def _quit(smtp: smtplib.SMTP) -> None:
    """Say goodbye without letting a failed QUIT turn a delivered message into an error."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _failure(exc: Exception, stage: str, server: Server, sender: str) -> SmtpError:
    """The Chinese message for what went wrong, and whether trying again may help."""
    where = server.where
    code = getattr(exc, "smtp_code", None)
    reply = _reply(code, exc.smtp_error) if isinstance(exc, smtplib.SMTPResponseException) else ""
    temporary = isinstance(code, int) and 400 <= code < 500
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return SmtpError(f"登录{where}失败：账号 {server.user} 的密码不对，或该账号无权通过 SMTP 发信（服务器答复 {reply}）。"
                         "请核对登录账号和密码；QQ、163、企业邮箱等通常须使用「授权码」（客户端专用密码）而不是网页登录密码",
                         temporary)
    if isinstance(exc, smtplib.SMTPNotSupportedError) or (
            isinstance(exc, smtplib.SMTPException) and "not supported" in str(exc)):
        if stage == "starttls":
            return SmtpError(f"{where} 不支持 STARTTLS 加密；端口 465 请用 --tls ssl，或向管理员询问正确的端口和加密方式")
        return SmtpError(f"{where} 不接受登录（没有提供 AUTH）：服务器要求先加密时请用 --tls ssl 或 starttls；"
                         "本机或内网中继无需登录时，不要设置登录账号（user / --smtp-user）")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return SmtpError(f"{where} 拒绝了发件地址 {sender}（{reply}）；多数服务器要求发件地址与登录账号一致，"
                         "请用 --from 或配置文件中的 sender 设置", temporary)
    if isinstance(exc, smtplib.SMTPDataError):
        hint = "；邮件可能超过了服务器允许的大小，请分几封发送" if code == 552 else ""
        return SmtpError(f"{where} 拒收了这封邮件（{reply}）{hint}", temporary)
    if isinstance(exc, smtplib.SMTPConnectError):
        return SmtpError(f"{where} 拒绝了连接（{reply}）", temporary)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return SmtpError(f"与{where}的连接被断开（{exc or '服务器没有答复'}）", True)
    if isinstance(exc, smtplib.SMTPResponseException):
        return SmtpError(f"{where} 答复错误（{reply}）", temporary)
    if isinstance(exc, smtplib.SMTPException):
        return SmtpError(f"与{where}通信出错（{exc}）")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return SmtpError(f"{where} 的证书未通过验证（{exc.verify_message}）：请核对服务器地址是否与证书一致；"
                         "单位自建服务器使用自签证书时，在配置文件中写 ca_file = \"CA 证书.pem\"")
    if isinstance(exc, ssl.SSLError):
        return SmtpError(f"与{where}建立加密连接失败（{exc.reason or exc}）：端口 465 通常用 --tls ssl，"
                         "587 和 25 用 --tls starttls；请核对端口与加密方式")
    if isinstance(exc, ConnectionRefusedError):
        return SmtpError(f"无法连接{where}：连接被拒绝（服务器没有运行，或地址、端口不对）")
    if isinstance(exc, socket.gaierror):
        return SmtpError(f"找不到邮件服务器「{server.host}」：请核对服务器地址和网络连接")
    if isinstance(exc, TimeoutError):
        hint = "；端口 465 须用 --tls ssl" if server.port == 465 and server.tls != "ssl" else ""
        return SmtpError(f"连接{where}超时（{server.timeout:g} 秒内没有答复）{hint}", True)
    if isinstance(exc, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
        return SmtpError(f"与{where}的连接被中断（{exc.strerror or exc}）", True)
    if isinstance(exc, OSError):
        return SmtpError(f"连接{where}时出现网络错误（{exc.strerror or exc}）")
    return SmtpError(f"发送时出现内部错误（{type(exc).__name__}: {exc}）")
