"""The MIME message from attachment bytes already read: Chinese names that survive every client.

Pure (no files, no network).  ``EmailMessage.add_attachment(filename=...)`` writes only the
RFC 2231 ``filename*`` parameter, which Outlook before 2016, several webmail viewers and
phone clients ignore, showing AT00001.bin or "Untitled attachment".  Each attachment part's
headers are therefore written here by hand: Content-Type with an RFC 2047 ``name`` and
Content-Disposition with an RFC 2047 ``filename`` first, then RFC 2231 ``filename*`` (the
order of RFC 6266's example: clients that know ``filename*`` prefer it).  The part is made
by parsing those headers, so Python keeps them as written; ``SEND_POLICY`` does not refold
them.  MIME types are fixed by extension rather than guessed from the machine's tables.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from pathlib import PurePath
from urllib.parse import quote

from .. import __version__
from ..core.safe_text import one_line
from ..core.errors import XlToolsError
from .settings import MailSettingsError, check_address
from .text import human_size

MIME_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".xls": "application/vnd.ms-excel",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".zip": "application/zip",
}
FALLBACK_TYPE = "application/octet-stream"
SEND_POLICY = policy.SMTP.clone(refold_source="none")
"""CRLF line ends; the hand-written attachment headers (one line is 80 characters) kept as they are."""
MB = 1024 * 1024
_ZIP_UTF8_FLAG = 0x800
_ATTR_CHARS = frozenset("!#$&+-.^_`|~")  # RFC 2231 attribute-char besides letters and digits
_WORD_BYTES = 39  # "=?utf-8?b?" + 52 base64 characters + "?=" = 64: RFC 2047 allows 75, the folded line stays < 78
_NOT_IN_NAMES = re.compile(r'[<>:"/\\|?*]')
"""What Windows refuses in a file name, path separators included."""
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"{port}{i}" for port in ("COM", "LPT") for i in range(1, 10))})
"""Device names Windows will not save a file as, whatever the extension."""


def plain_name(name: str) -> str:
    """``name`` as a file name alone, safe to save on any system: no folder part, no "..", no control characters
    (made visible), nothing Windows refuses (replaced by _).  File names and the .zip's name derive from what
    units typed, and a mail client or unzip tool may save an attachment under the name it is given."""
    text = re.sub(r"\.{2,}", ".", _NOT_IN_NAMES.sub("_", one_line(name))).strip(" .")
    if text.split(".")[0].upper() in _RESERVED:
        text = f"_{text}"
    return text or "附件"


@dataclass(frozen=True)
class Attachment:
    name: str
    """Always a plain file name (``plain_name``): whatever builds an attachment, the mail and the .zip carry no path."""
    data: bytes = field(repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", plain_name(self.name))

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def mime_type(self) -> str:
        return mime_type(self.name)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


class TooLarge(XlToolsError):
    """The attachments add up to more than the size limit."""


def mime_type(name: str) -> str:
    return MIME_TYPES.get(PurePath(name).suffix.lower(), FALLBACK_TYPE)


def encoded_words(text: str) -> list[str]:
    """``text`` as RFC 2047 base64 words of at most 64 characters, never splitting a character."""
    words, chunk = [], b""
    for char in text:
        piece = char.encode("utf-8")
        if len(chunk) + len(piece) > _WORD_BYTES:
            words.append(chunk)
            chunk = b""
        chunk += piece
    words.append(chunk)
    return [f"=?utf-8?b?{base64.b64encode(w).decode('ascii')}?=" for w in words]


def rfc2231_segments(text: str, width: int = 60) -> list[str]:
    """``text`` percent-encoded as UTF-8 (RFC 2231), cut into pieces of at most ``width`` characters."""
    pieces, line = [], ""
    for char in text:
        code = char if (char.isascii() and char.isalnum()) or char in _ATTR_CHARS else quote(char, safe="")
        if len(line) + len(code) > width:
            pieces.append(line)
            line = ""
        line += code
    pieces.append(line)
    return pieces


def _plain(name: str) -> bool:
    """True when ``name`` can go in a quoted parameter as it is."""
    return name.isascii() and name.isprintable() and '"' not in name and "\\" not in name


def _filename_params(name: str) -> tuple[str, str]:
    """The folded parameter text of Content-Type (``name``) and Content-Disposition (``filename``, ``filename*``)."""
    if _plain(name):
        return f'name="{name}"', f'filename="{name}"'
    quoted = '"' + "\r\n ".join(encoded_words(name)) + '"'
    segments = rfc2231_segments(name)
    if len(segments) == 1:
        extended = f"filename*=utf-8''{segments[0]}"
    else:
        extended = ";\r\n ".join(f"filename*{i}*={'utf-8' + chr(39) * 2 if i == 0 else ''}{s}"
                                 for i, s in enumerate(segments))
    return f"name={quoted}", f"filename={quoted};\r\n {extended}"


def attachment_part(attachment: Attachment) -> EmailMessage:
    """One attachment as a MIME part with both file-name encodings and its fixed MIME type."""
    name_param, filename_params = _filename_params(attachment.name)
    body = base64.encodebytes(attachment.data).replace(b"\n", b"\r\n")
    head = (f"Content-Type: {attachment.mime_type};\r\n {name_param}\r\n"
            f"Content-Disposition: attachment;\r\n {filename_params}\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n")
    part = BytesParser(_class=EmailMessage, policy=policy.default).parsebytes(head.encode("ascii") + body)
    assert isinstance(part, EmailMessage)
    return part


def parse_addresses(values: Sequence[str], what: str) -> list[Address]:
    """"a@b.cn", "张三 <a@b.cn>" or "a@b.cn, c@d.cn" as addresses; an invalid one names itself."""
    found = []
    for display, addr in getaddresses(list(values)):
        try:
            spec = check_address(addr)
            if not spec.isascii():
                raise ValueError("含中文等非 ASCII 字符，多数邮件服务器不接受")
            found.append(Address(display_name=display, addr_spec=spec))
        except (ValueError, IndexError) as exc:
            shown = f"{display} <{addr}>" if display else addr
            raise MailSettingsError(f"{what}地址「{shown}」无效：{exc}") from None
    return found


def build_message(*, sender: str | None, sender_name: str | None, to: Sequence[Address], cc: Sequence[Address],
                  subject: str, body: str, attachments: Sequence[Attachment], message_id: str, date: datetime,
                  draft: bool = False) -> EmailMessage:
    """The whole message; ``draft`` adds X-Unsent: 1, so Outlook opens the .eml as a message to send."""
    msg = EmailMessage()
    if sender:
        msg["From"] = Address(display_name=sender_name or "", addr_spec=sender)
    if to:
        msg["To"] = list(to)
    if cc:
        msg["Cc"] = list(cc)
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-ID"] = message_id
    msg["X-Mailer"] = f"xl-tools {__version__}"
    if draft:
        msg["X-Unsent"] = "1"
    msg.set_content(body, cte="base64")
    if attachments:
        msg.make_mixed()
        for attachment in attachments:
            msg.attach(attachment_part(attachment))
    return msg


def unique_names(attachments: Sequence[Attachment]) -> list[Attachment]:
    """Attachments whose names repeat (two folders' 自评表.xlsx) get (2), (3)… before the extension."""
    seen: set[str] = set()
    out = []
    for att in attachments:
        name, n = att.name, 1
        while name.lower() in seen:
            n += 1
            path = PurePath(att.name)
            name = f"{path.stem}({n}){path.suffix}"
        seen.add(name.lower())
        out.append(att if name == att.name else Attachment(name, att.data))
    return out


def zip_attachments(attachments: Sequence[Attachment], name: str, when: datetime) -> Attachment:
    """One .zip holding ``attachments``, names stored as UTF-8 with the flag that tells Windows so."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for att in attachments:
            info = zipfile.ZipInfo(att.name, date_time=when.timetuple()[:6])
            info.flag_bits |= _ZIP_UTF8_FLAG
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, att.data)
    return Attachment(name, buffer.getvalue())


def check_size(attachments: Sequence[Attachment], limit_mb: float, *, zipped: bool) -> None:
    """Refuse attachments adding up to more than ``limit_mb``, with what the user can do instead."""
    total = sum(a.size for a in attachments)
    if total <= limit_mb * MB:
        return
    largest = sorted(attachments, key=lambda a: a.size, reverse=True)[:3]
    listed = "、".join(f"{a.name} {human_size(a.size)}" for a in largest)
    advice = ["分几封邮件发送（每次少选几个工作簿）", "不附 PDF 或报告"]
    if not zipped:
        advice.append("加 --zip 合为一个压缩包（xlsx、docx、pdf 本身已压缩，通常只能小一些）")
    advice.append("或用 --max-size 调高上限（不要超过对方邮箱的限制，编码后邮件约大三分之一）")
    raise TooLarge(f"附件共 {human_size(total)}，超过上限 {limit_mb:g} MB（最大的：{listed}）。可以："
                   + "；".join(advice))
