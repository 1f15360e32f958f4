"""``xl-tools email`` against a real SMTP server (aiosmtpd) on a loopback port the OS picks.

Plain, STARTTLS and implicit TLS, each with AUTH; TLS certificates come from a CA made
by trustme, which the client is told to trust through the config file's ``ca_file``.
Every received message is parsed back and its attachments compared byte for byte with
the files.  The CLI runs as a user runs it (a subprocess); the pure parts are called in-process.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import ssl
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from xl_tools.adapters.smtp import Server, SmtpError, deliver
from xl_tools.mail import credentials, message, text
from xl_tools.mail.settings import Layer, MailSettingsError, resolve

from tests.helpers.cli import xl
from tests.helpers.mail import DOCX, PASSWORD, SENDER_NAME, USER, XLSX
from tests.helpers.mail import clean_env  # noqa: F401  (autouse: every test here runs in it)
from tests.helpers.paths import WORKBOOKS

YUZHONG = "渝中区医疗保障局2023_一体化系统导出.xlsx"      # one error (WEIGHT_TOTAL): needs --force
CHANGSHOU = "长寿区医疗保障局2021_表10表11表12.xlsx"       # no errors
YUSHUI = "渝水区医保局2022_项目自评.xlsx"  # the toolkit's template with a 参数 sheet; two errors (--force)
# the plain-connection server asks for AUTH without TLS on purpose (tls none is for loopback only)
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


# ------------------------------------------------------------------ the server


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    authenticated: bool | None

    def parsed(self) -> EmailMessage:
        msg = BytesParser(policy=policy.default).parsebytes(self.data)
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass
class Recorder:
    """The server's handler: keeps every message; refuses the recipients and answers DATA as a test asks."""

    refuse: set[str] = field(default_factory=set)
    data_replies: list[str] = field(default_factory=list)
    """Replies to DATA before the message is accepted ("451 …" makes the client try again)."""
    busy_once: set[str] = field(default_factory=set)
    """Recipients answered 450 (busy, try later) the first time they are given."""
    echo: str = ""
    """Added to the refusal of a recipient (a server that repeats what it was sent)."""
    messages: list[Received] = field(default_factory=list)
    sessions: int = 0

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str,
                          responses: list[str]) -> list[str]:
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown{self.echo}"
        if address in self.busy_once:
            self.busy_once.discard(address)
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_replies:
            return self.data_replies.pop(0)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content,
                                      session.authenticated))
        return "250 2.0.0 Message accepted for delivery"


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
          and auth_data.password == PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


class LoopbackController(Controller):
    """aiosmtpd on port 0: the port the OS chose is read back before the controller's first connection."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class Running:
    handler: Recorder
    port: int
    tls: str


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1", "::1").configure_cert(context)
    return context


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def smtp_server(server_context: ssl.SSLContext) -> Iterator[Callable[..., Running]]:
    """Start servers: ``smtp_server("starttls", refuse={...})``; every one is stopped after the test."""
    started: list[Controller] = []

    def start(tls: str = "none", *, refuse: set[str] | None = None, data_replies: list[str] | None = None,
              busy_once: set[str] | None = None, echo: str = "") -> Running:
        handler = Recorder(refuse or set(), list(data_replies or []), set(busy_once or ()), echo)
        kwargs: dict[str, Any] = {"authenticator": authenticator, "auth_required": True}
        if tls == "ssl":
            kwargs.update(ssl_context=server_context, auth_require_tls=False)  # the whole connection is TLS
        elif tls == "starttls":
            kwargs.update(tls_context=server_context, require_starttls=True, auth_require_tls=True)
        else:
            kwargs.update(auth_require_tls=False)
        controller = LoopbackController(handler, hostname="127.0.0.1", port=0, **kwargs)
        controller.start()
        started.append(controller)
        return Running(handler, controller.port, tls)

    yield start
    for controller in started:
        controller.stop()


def free_port() -> int:
    """A loopback port with nothing listening (bound, read, closed)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A working folder with copies of the sample workbooks."""
    folder = tmp_path / "work"
    folder.mkdir()
    for name in (YUZHONG, CHANGSHOU):
        shutil.copyfile(WORKBOOKS / name, folder / name)
    return folder


def write_config(tmp_path: Path, **values: Any) -> Path:
    """email.toml at the place XL_TOOLS_EMAIL_CONFIG names; tries are immediate so tests stay fast."""
    values = {"host": "127.0.0.1", "user": USER, "sender": USER, "sender_name": SENDER_NAME,
              "retry_delay": 0, "timeout": 20, **values}
    lines = [f"{key} = {json.dumps(str(value) if isinstance(value, Path) else value, ensure_ascii=False)}"
             for key, value in values.items() if value is not None]
    path = tmp_path / "cfg" / "email.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def configure_for(server: Running, tmp_path: Path, ca_file: Path, monkeypatch: pytest.MonkeyPatch,
                  **values: Any) -> Path:
    monkeypatch.setenv(credentials.PASSWORD_ENV, PASSWORD)
    return write_config(tmp_path, port=server.port, tls=server.tls, ca_file=ca_file, **values)


def sent_log(tmp_path: Path) -> list[dict[str, Any]]:
    path = tmp_path / "cfg" / "sent.log"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def attachments_of(msg: EmailMessage) -> dict[str, tuple[str, bytes]]:
    found = {}
    for part in msg.iter_attachments():
        assert isinstance(part, EmailMessage)
        payload = part.get_content()
        assert isinstance(payload, bytes)
        found[part.get_filename()] = (part.get_content_type(), payload)
    return found


# ------------------------------------------------------------------ sending through each kind of connection


@pytest.mark.parametrize("tls", ["none", "starttls", "ssl"])
def test_sends_through_each_kind_of_connection(tls: str, smtp_server: Callable[..., Running], work: Path,
                                               tmp_path: Path, ca_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = smtp_server(tls)
    configure_for(server, tmp_path, ca_file, monkeypatch)
    proc = xl("email", YUZHONG, CHANGSHOU, "--to", "jxk@czj.example.gov.cn", "--cc", "科长 <kz@yuzhong.example.gov.cn>",
              "--force", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert "已接收邮件，收件人 2 个" in proc.stdout
    assert "WEIGHT_TOTAL" not in proc.stdout and "有 1 个错误级别的问题" in proc.stderr  # --force says so

    got, = server.handler.messages
    assert got.authenticated is True
    assert got.mail_from == USER and got.rcpt_tos == ["jxk@czj.example.gov.cn", "kz@yuzhong.example.gov.cn"]
    msg = got.parsed()
    assert msg["Subject"] == "重庆市渝中区医疗保障局等 2 个单位2021、2023年度预算绩效自评材料（4个项目）"
    assert msg["From"].addresses[0].display_name == SENDER_NAME
    assert msg["Cc"].addresses[0].display_name == "科长"
    assert attachments_of(msg) == {name: (XLSX, (work / name).read_bytes()) for name in (YUZHONG, CHANGSHOU)}
    body = msg.get_body(("plain",))
    assert body is not None
    content = body.get_content()
    assert "医疗救助专项经费（残保金）：100 分，优" in content and "部门整体：重庆市渝中区医疗保障局整体，110 分，优" in content

    raw = got.data.decode("ascii")  # every header and part is 7-bit
    from_header = r"^From: =\?utf-8\?[bq]\?.+\?=\s+<caiwu@yuzhong\.example\.gov\.cn>"  # RFC 2047 display name
    assert re.search(from_header, raw, re.MULTILINE | re.IGNORECASE)
    assert re.search(r"filename\*(0\*)?=utf-8''%E6%B8%9D", raw)          # RFC 2231: 渝…
    assert re.search(r'filename="=\?utf-8\?b\?', raw) and re.search(r'name="=\?utf-8\?b\?', raw)  # RFC 2047 fallback
    assert "X-Unsent" not in raw

    entry, = sent_log(tmp_path)
    assert entry["status"] == "sent" and entry["accepted"] == got.rcpt_tos and entry["refused"] == {}
    assert entry["message_id"] == msg["Message-ID"]
    assert [(a["name"], a["size"]) for a in entry["attachments"]] == [
        (name, (work / name).stat().st_size) for name in (YUZHONG, CHANGSHOU)]
    import hashlib
    assert entry["attachments"][0]["sha256"] == hashlib.sha256((work / YUZHONG).read_bytes()).hexdigest()


# ------------------------------------------------------------------ what goes wrong


def test_server_down_is_said_plainly_and_logged(work: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(credentials.PASSWORD_ENV, PASSWORD)
    write_config(tmp_path, port=free_port(), tls="none")
    proc = xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", cwd=work)
    assert proc.returncode == 2
    assert "连接被拒绝" in proc.stderr and "Traceback" not in proc.stderr
    entry, = sent_log(tmp_path)
    assert entry["status"] == "failed" and entry["accepted"] == [] and "连接被拒绝" in entry["error"]
    assert entry["tries"] == 1  # a refused connection is not a transient failure


def test_wrong_password(smtp_server: Callable[..., Running], work: Path, tmp_path: Path, ca_file: Path,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    server = smtp_server("starttls")
    configure_for(server, tmp_path, ca_file, monkeypatch)
    monkeypatch.setenv(credentials.PASSWORD_ENV, "not-the-password")
    proc = xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", cwd=work)
    assert proc.returncode == 2
    assert "登录邮件服务器" in proc.stderr and "授权码" in proc.stderr and "535" in proc.stderr
    assert server.handler.messages == []
    assert "not-the-password" not in proc.stderr + proc.stdout + json.dumps(sent_log(tmp_path), ensure_ascii=False)


def test_untrusted_certificate(smtp_server: Callable[..., Running], work: Path, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    server = smtp_server("ssl")
    monkeypatch.setenv(credentials.PASSWORD_ENV, PASSWORD)
    write_config(tmp_path, port=server.port, tls="ssl")  # no ca_file: the tests' CA is not trusted
    proc = xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", cwd=work)
    assert proc.returncode == 2 and "证书未通过验证" in proc.stderr and "ca_file" in proc.stderr
    assert server.handler.messages == []


def test_one_recipient_refused_the_other_sent(smtp_server: Callable[..., Running], work: Path, tmp_path: Path,
                                             ca_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = smtp_server("starttls", refuse={"nobody@czj.example.gov.cn"})
    configure_for(server, tmp_path, ca_file, monkeypatch)
    proc = xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", "--to", "nobody@czj.example.gov.cn", cwd=work)
    assert proc.returncode == 2
    assert "已接收邮件，收件人 1 个：jxk@czj.example.gov.cn" in proc.stdout
    assert "未发给 nobody@czj.example.gov.cn：550 5.1.1" in proc.stdout
    assert "1 个收件人未收到邮件（nobody@czj.example.gov.cn）" in proc.stderr
    got, = server.handler.messages
    assert got.rcpt_tos == ["jxk@czj.example.gov.cn"]
    entry, = sent_log(tmp_path)
    assert entry["status"] == "partial" and entry["accepted"] == ["jxk@czj.example.gov.cn"]
    assert list(entry["refused"]) == ["nobody@czj.example.gov.cn"]
    assert entry["refused"]["nobody@czj.example.gov.cn"].startswith("550 5.1.1")


def test_oversized_attachments_are_refused_before_sending(smtp_server: Callable[..., Running], work: Path,
                                                         tmp_path: Path, ca_file: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    server = smtp_server("none")
    configure_for(server, tmp_path, ca_file, monkeypatch)
    proc = xl("email", CHANGSHOU, YUZHONG, "--force", "--to", "jxk@czj.example.gov.cn", "--max-size", "0.01", cwd=work)
    assert proc.returncode == 2
    assert "超过上限 0.01 MB" in proc.stderr and "--zip" in proc.stderr and "分几封邮件" in proc.stderr
    assert server.handler.sessions == 0 and sent_log(tmp_path) == []


def test_transient_reply_is_tried_again(smtp_server: Callable[..., Running], work: Path, tmp_path: Path,
                                        ca_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = smtp_server("ssl", data_replies=["451 4.3.0 Temporary failure, try again later"])
    configure_for(server, tmp_path, ca_file, monkeypatch, tries=3)
    proc = xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert len(server.handler.messages) == 1 and server.handler.sessions == 2
    entry, = sent_log(tmp_path)
    assert entry["status"] == "sent" and entry["tries"] == 2


def test_transient_failures_back_off_and_give_up(smtp_server: Callable[..., Running]) -> None:
    """In-process, with the pauses recorded instead of slept: delay, then twice the delay; then it gives up."""
    running = smtp_server("none", data_replies=["451 4.3.0 busy"] * 3)
    pauses: list[float] = []
    target = Server("127.0.0.1", running.port, "none", USER, PASSWORD)
    with pytest.raises(SmtpError) as caught:
        deliver(target, USER, ["jxk@czj.example.gov.cn"], b"Subject: x\r\n\r\nx\r\n", tries=3, delay=1.5,
                sleep=pauses.append)
    assert pauses == [1.5, 3.0]
    assert caught.value.transient and "451" in str(caught.value) and "共尝试 3 次" in str(caught.value)
    assert PASSWORD not in str(caught.value) and PASSWORD not in repr(target)
    assert running.handler.messages == []


def test_non_ascii_password_is_refused_plainly(smtp_server: Callable[..., Running]) -> None:
    running = smtp_server("none")
    with pytest.raises(SmtpError, match="授权码") as caught:
        deliver(Server("127.0.0.1", running.port, "none", USER, "口令123"), USER, ["a@czj.example.gov.cn"], b"x")
    assert "口令123" not in str(caught.value) and running.handler.sessions == 0


def test_recipient_refused_for_now_is_tried_again_alone(smtp_server: Callable[..., Running]) -> None:
    """A 450 for one recipient: the other is accepted at once, the busy one on the next try, on its own."""
    running = smtp_server("none", busy_once={"later@czj.example.gov.cn"})
    pauses: list[float] = []
    done = deliver(Server("127.0.0.1", running.port, "none", USER, PASSWORD), USER,
                   ["now@czj.example.gov.cn", "later@czj.example.gov.cn"], b"Subject: x\r\n\r\nx\r\n",
                   tries=3, delay=0.25, sleep=pauses.append)
    assert done.accepted == ["now@czj.example.gov.cn", "later@czj.example.gov.cn"] and done.refused == {}
    assert [m.rcpt_tos for m in running.handler.messages] == [["now@czj.example.gov.cn"], ["later@czj.example.gov.cn"]]
    assert done.tries == 2 and pauses == [0.25]


def test_workbook_with_errors_needs_force(smtp_server: Callable[..., Running], work: Path, tmp_path: Path,
                                          ca_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = smtp_server("starttls")
    configure_for(server, tmp_path, ca_file, monkeypatch)
    refused = xl("email", CHANGSHOU, YUZHONG, "--to", "jxk@czj.example.gov.cn", cwd=work)
    assert refused.returncode == 1
    assert f"{YUZHONG} 有 1 个错误级别的问题" in refused.stderr and "WEIGHT_TOTAL" in refused.stderr
    assert "--force" in refused.stderr and CHANGSHOU not in refused.stderr
    assert server.handler.sessions == 0 and sent_log(tmp_path) == []

    clean = xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", cwd=work)  # no errors: no --force needed
    assert clean.returncode == 0, clean.stderr
    forced = xl("email", YUZHONG, "--to", "jxk@czj.example.gov.cn", "--force", cwd=work)
    assert forced.returncode == 0, forced.stderr
    assert [list(attachments_of(m.parsed())) for m in server.handler.messages] == [[CHANGSHOU], [YUZHONG]]


def test_unreadable_workbook_exits_2(work: Path, tmp_path: Path) -> None:
    write_config(tmp_path)
    (work / "说明.txt").write_text("不是工作簿", encoding="utf-8")
    proc = xl("email", "说明.txt", "--to", "jxk@czj.example.gov.cn", "--dry-run", cwd=work)
    assert proc.returncode == 2 and proc.stderr.startswith("错误：") and "Traceback" not in proc.stderr


# ------------------------------------------------------------------ drafts and previews


def test_eml_draft_parses_back_with_the_same_attachments(smtp_server: Callable[..., Running], work: Path,
                                                         tmp_path: Path, ca_file: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    server = smtp_server("none")
    configure_for(server, tmp_path, ca_file, monkeypatch)
    out = tmp_path / "草稿" / "报送.eml"
    body_file = tmp_path / "正文.txt"
    body_file.write_bytes("请查收。".encode("gbk"))  # Notepad on a Chinese Windows may still save GBK
    proc = xl("email", CHANGSHOU, YUZHONG, "--force", "--to", "jxk@czj.example.gov.cn", "--subject", "2023年绩效自评",
              "--body-file", str(body_file), "--eml", str(out), cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert f"草稿已写入：{out}" in proc.stdout
    draft = BytesParser(policy=policy.default).parsebytes(out.read_bytes())
    assert isinstance(draft, EmailMessage)
    assert draft["X-Unsent"] == "1" and draft["Subject"] == "2023年绩效自评"
    assert draft["To"] == "jxk@czj.example.gov.cn"
    body = draft.get_body(("plain",))
    assert body is not None and body.get_content().strip() == "请查收。"
    assert attachments_of(draft) == {name: (XLSX, (work / name).read_bytes()) for name in (CHANGSHOU, YUZHONG)}
    assert server.handler.sessions == 0 and sent_log(tmp_path) == []
    assert sorted(p.name for p in work.iterdir()) == sorted([CHANGSHOU, YUZHONG])  # nothing beside the workbooks


def test_dry_run_sends_nothing(smtp_server: Callable[..., Running], work: Path, tmp_path: Path, ca_file: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    server = smtp_server("starttls")
    configure_for(server, tmp_path, ca_file, monkeypatch)
    proc = xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", "--cc", "kz@yuzhong.example.gov.cn",
              "--dry-run", cwd=work)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert f"发件人：{SENDER_NAME} <{USER}>" in out
    assert "收件人：jxk@czj.example.gov.cn" in out and "抄送：kz@yuzhong.example.gov.cn" in out
    assert "主题：重庆市长寿区医疗保障局2021年度预算绩效自评材料（1个项目）" in out
    size = (work / CHANGSHOU).stat().st_size
    assert f"{CHANGSHOU}　{size / 1024:.1f} KB　{XLSX}" in out
    assert f"邮件服务器：127.0.0.1:{server.port}（starttls），登录账号 {USER}" in out
    assert f"密码：环境变量 {credentials.PASSWORD_ENV}" in out
    assert server.handler.sessions == 0 and sent_log(tmp_path) == []


def test_a_workbook_open_in_excel_is_pointed_out(work: Path, tmp_path: Path) -> None:
    write_config(tmp_path, user=None)
    (work / f"~${CHANGSHOU[2:]}").write_bytes(b"\x00" * 162)  # Excel's owner file while the workbook is open
    proc = xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", "--dry-run", cwd=work)
    assert proc.returncode == 0 and "正在 Excel 或 WPS 中打开" in proc.stderr


def test_dry_run_over_the_limit_shows_the_mail_then_fails(work: Path, tmp_path: Path) -> None:
    write_config(tmp_path, user=None, sender="caiwu@yuzhong.example.gov.cn")
    proc = xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", "--dry-run", "--max-size", "0.001", cwd=work)
    assert proc.returncode == 2 and "注意：超过上限" in proc.stdout and "超过上限 0.001 MB" in proc.stderr


# ------------------------------------------------------------------ attachments made for the mail


def test_pdf_and_report_attached_with_their_names(smtp_server: Callable[..., Running], work: Path, tmp_path: Path,
                                                  ca_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = smtp_server("ssl")
    configure_for(server, tmp_path, ca_file, monkeypatch)
    proc = xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", "--attach-pdf", "--attach-report", cwd=work)
    assert proc.returncode == 0, proc.stderr
    got, = server.handler.messages
    found = attachments_of(got.parsed())
    stem = Path(CHANGSHOU).stem
    assert list(found) == [CHANGSHOU, f"{stem}.pdf", f"{stem}_自评报告.docx"]
    assert found[CHANGSHOU] == (XLSX, (work / CHANGSHOU).read_bytes())
    kind, pdf = found[f"{stem}.pdf"]
    assert kind == "application/pdf" and pdf.startswith(b"%PDF-")
    kind, docx = found[f"{stem}_自评报告.docx"]
    assert kind == DOCX
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        assert "重庆市长寿区医疗保障局" in zf.read("word/document.xml").decode("utf-8")
    assert sorted(p.name for p in work.iterdir()) == sorted([CHANGSHOU, YUZHONG])  # made in a temporary folder


def test_zip_holds_every_attachment_with_utf8_names(work: Path, tmp_path: Path) -> None:
    write_config(tmp_path, user=None)
    out = tmp_path / "zip.eml"
    proc = xl("email", CHANGSHOU, YUZHONG, "--force", "--to", "jxk@czj.example.gov.cn", "--attach-report", "--zip",
              "--eml", str(out), cwd=work)
    assert proc.returncode == 0, proc.stderr
    draft = BytesParser(policy=policy.default).parsebytes(out.read_bytes())
    assert isinstance(draft, EmailMessage)
    (name, (kind, data)), = attachments_of(draft).items()
    assert name == "重庆市长寿区医疗保障局等 2 个单位2021、2023年度预算绩效自评材料.zip".replace(" ", "")
    assert kind == "application/zip"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == [CHANGSHOU, f"{Path(CHANGSHOU).stem}_自评报告.docx",
                                               YUZHONG, f"{Path(YUZHONG).stem}_自评报告.docx"]
        assert all(i.flag_bits & 0x800 for i in infos)  # the UTF-8 flag: Windows shows the Chinese names
        assert zf.read(CHANGSHOU) == (work / CHANGSHOU).read_bytes()
    body = draft.get_body(("plain",))
    assert body is not None and "已压缩为" in body.get_content() and CHANGSHOU in body.get_content()


# ------------------------------------------------------------------ the password


def test_password_never_appears(smtp_server: Callable[..., Running], work: Path, tmp_path: Path, ca_file: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    server = smtp_server("starttls", refuse={"nobody@czj.example.gov.cn"})
    configure_for(server, tmp_path, ca_file, monkeypatch)
    eml = tmp_path / "d.eml"
    runs = [
        xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", "--to", "nobody@czj.example.gov.cn", cwd=work),
        xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", "--dry-run", cwd=work),
        xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", "--body", "附件请查收", "--eml", str(eml), cwd=work),
        xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", "--smtp-port", str(free_port()), cwd=work),
    ]
    assert [r.returncode for r in runs] == [2, 0, 0, 2]
    assert len(server.handler.messages) == 1
    texts = [r.stdout + r.stderr for r in runs] + [eml.read_text(encoding="ascii"),
                                                    (tmp_path / "cfg" / "sent.log").read_text(encoding="utf-8"),
                                                    server.handler.messages[0].data.decode("ascii")]
    import base64
    encoded = base64.b64encode(PASSWORD.encode()).decode()
    for found in texts:
        assert PASSWORD not in found and encoded not in found


def test_password_is_refused_in_settings_and_options(work: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "cfg" / "email.toml"
    cfg.parent.mkdir()
    cfg.write_text(f'host = "127.0.0.1"\npassword = "{PASSWORD}"\n', encoding="utf-8")
    proc = xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", "--dry-run", cwd=work)
    assert proc.returncode == 2 and "不能写密码" in proc.stderr and PASSWORD not in proc.stderr
    with pytest.raises(MailSettingsError, match="不能写密码"):
        resolve([Layer("工作簿参数表", {"password": "x"})])
    assert "--password" not in xl("email", "-h", cwd=work).stdout


def test_missing_password_says_where_to_put_it(work: Path, tmp_path: Path) -> None:
    write_config(tmp_path, port=25, tls="none")
    proc = xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", cwd=work)
    assert proc.returncode == 2
    assert credentials.PASSWORD_ENV in proc.stderr and f"python -m keyring set xl_tools-smtp {USER}" in proc.stderr


# ------------------------------------------------------------------ texts and sizes (pure)


def test_subject_and_body_from_the_workbooks() -> None:
    from xl_tools.jobs.score import score

    evaluation = score(WORKBOOKS / CHANGSHOU)
    summary = text.summarise(CHANGSHOU, evaluation.scored, evaluation.year)
    assert (summary.unit, summary.year, summary.project_count) == ("重庆市长寿区医疗保障局", 2021, 1)
    assert text.subject([summary]) == "重庆市长寿区医疗保障局2021年度预算绩效自评材料（1个项目）"
    body = text.body([summary], [(CHANGSHOU, 10965)], "长寿区医保局财务科")
    assert "部门整体：重庆市长寿区医疗保障局，未能计分" in body
    assert "1. 2021年医疗服务与保障能力提升(医疗保障能力提升部分)中央补助资金：100 分，优" in body
    assert f"{CHANGSHOU}（10.7 KB）" in body and body.rstrip().endswith("长寿区医保局财务科")
    assert text.archive_name([summary]) == "重庆市长寿区医疗保障局2021年度预算绩效自评材料.zip"
    empty = text.WorkbookSummary("a.xlsx", None, None, "default", ())
    assert text.subject([empty]) == "预算绩效自评材料"


def test_the_command_line_loads_no_mail_library() -> None:
    import subprocess
    import sys

    code = "import sys, xl_tools.cli; print(sorted(m for m in ('smtplib', 'keyring', 'aiosmtpd') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_workbooks_parameters_sheet_says_where_it_goes(work: Path, tmp_path: Path) -> None:
    """A unit's template keeps its 报送邮箱 in 参数 (rows email.to / email.cc / email.sender_name, column D):
    no --to needed; a list typed in one cell with Chinese separators; an option still wins over it; the
    preview names the cell each value came from.  (Seed 004's two projects with points summing to 100 are
    errors, hence --force.)"""
    write_config(tmp_path, user=None, sender="caiwu@yushui.example.gov.cn")
    wb = openpyxl.load_workbook(WORKBOOKS / YUSHUI)
    params = wb["参数"]
    rows = {params.cell(r, 1).value: r for r in range(1, params.max_row + 1)}
    assert (rows["email.to"], rows["email.cc"], rows["email.sender_name"]) == (30, 31, 32)
    params["D30"] = "jxk@czj.example.gov.cn，ysk@czj.example.gov.cn"
    params["D32"] = "渝水区医保局财务股"
    wb.save(work / YUSHUI)
    proc = xl("email", YUSHUI, "--force", "--dry-run", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert f"收件人：jxk@czj.example.gov.cn、ysk@czj.example.gov.cn（来自工作簿 {YUSHUI} 参数!D30）" in proc.stdout
    assert (f"发件人：渝水区医保局财务股 <caiwu@yushui.example.gov.cn>（名称来自工作簿 {YUSHUI} 参数!D32）"
            in proc.stdout)
    proc = xl("email", YUSHUI, "--force", "--dry-run", "--to", "other@czj.example.gov.cn", cwd=work)
    assert "收件人：other@czj.example.gov.cn（来自命令行选项）" in proc.stdout
    params["A31"], params["D31"] = "email.password", "Secret-in-the-workbook"  # a password typed into the workbook
    wb.save(work / YUSHUI)
    proc = xl("email", YUSHUI, "--force", "--dry-run", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert (f"警告：{YUSHUI} 参数!D31：参数表中的「email.password」不能由工作簿设置，已忽略；"
            "SMTP 密码只从环境变量 XL_TOOLS_SMTP_PASSWORD 或系统密钥环读取") in proc.stderr
    assert "Secret-in-the-workbook" not in proc.stdout + proc.stderr


# ------------------------------------------------------------------ what a workbook may not decide


@dataclass
class Captured:
    """What reached the server a workbook named: every connection, every AUTH attempt."""

    connections: int = 0
    logins: list[tuple[str, bytes, bytes]] = field(default_factory=list)
    messages: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages += 1
        return "250 2.0.0 Thank you"


class CountingSMTP(SMTP):
    def connection_made(self, transport: Any) -> None:
        self.event_handler.connections += 1
        super().connection_made(transport)


class CapturingController(LoopbackController):
    def factory(self) -> SMTP:
        return CountingSMTP(self.handler, **self.SMTP_kwargs)


def capture_login(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    """Accepts any login, as a server set up to collect passwords would."""
    server.event_handler.logins.append((mechanism, auth_data.login, auth_data.password))
    return AuthResult(success=True, handled=False)


@pytest.fixture
def capturing_server(server_context: ssl.SSLContext) -> Iterator[Callable[[str], tuple[Captured, int]]]:
    """A second SMTP server on loopback (with a certificate the user's ca_file trusts: the worst case)."""
    started: list[Controller] = []

    def start(tls: str) -> tuple[Captured, int]:
        captured = Captured()
        kwargs: dict[str, Any] = {"authenticator": capture_login, "auth_required": True, "auth_require_tls": False}
        if tls == "starttls":
            kwargs.update(tls_context=server_context, require_starttls=True)
        controller = CapturingController(captured, hostname="127.0.0.1", port=0, **kwargs)
        controller.start()
        started.append(controller)
        captured.connections = 0  # the controller's own check that the server is up
        return captured, controller.port

    yield start
    for controller in started:
        controller.stop()


def with_params(source: Path, target: Path, values: dict[str, Any]) -> dict[str, str]:
    """``source`` saved as ``target`` with 参数 rows (key in A, value in D) added after the last row (a 参数
    sheet is made when there is none); returns each key's value cell."""
    wb = openpyxl.load_workbook(source)
    params = wb["参数"] if "参数" in wb.sheetnames else wb.create_sheet("参数")
    first = params.max_row + 1 if params.max_row > 1 or params["A1"].value is not None else 1
    cells = {}
    for row, (key, value) in enumerate(values.items(), start=first):
        params.cell(row, 1).value = key
        params.cell(row, 4).value = value
        cells[key] = f"D{row}"
    wb.save(target)
    return cells


@pytest.mark.parametrize("tls", ["none", "starttls"])
def test_a_workbook_cannot_send_through_a_server_it_names(tls: str, smtp_server: Callable[..., Running],
                                                         capturing_server: Callable[[str], tuple[Captured, int]],
                                                         work: Path, tmp_path: Path, ca_file: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The attack of issue 13: 参数 rows pointing `xl-tools email` at the workbook's own server, login included.
    The user's server (config file + XL_TOOLS_SMTP_PASSWORD) gets the mail; the workbook's server sees no
    connection at all, and each row it tried is named."""
    legitimate = smtp_server(tls)
    captured, port = capturing_server(tls)
    configure_for(legitimate, tmp_path, ca_file, monkeypatch)
    cells = with_params(WORKBOOKS / YUSHUI, work / YUSHUI, {
        "email.to": "jxk@czj.example.gov.cn", "email.host": "127.0.0.1", "email.port": port, "email.tls": tls,
        "email.user": "collector@evil.example", "email.sender": "collector@evil.example",
        "email.ca_file": str(ca_file)})
    assert cells["email.to"] == "D33" and cells["email.host"] == "D34"

    proc = xl("email", YUSHUI, "--force", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert (captured.connections, captured.logins, captured.messages) == (0, [], 0)
    got, = legitimate.handler.messages
    assert got.authenticated is True and got.mail_from == USER and got.rcpt_tos == ["jxk@czj.example.gov.cn"]
    for key in ("email.host", "email.port", "email.tls", "email.user", "email.sender", "email.ca_file"):
        assert (f"警告：{YUSHUI} 参数!{cells[key]}：参数表中的「{key}」不能由工作簿设置，已忽略；邮件服务器、端口、加密方式、"
                "登录账号、发件地址、证书文件、超时、重试和大小上限只从配置文件 email.toml、环境变量或命令行选项读取") in proc.stderr
    assert "email.to」" not in proc.stderr
    assert "已接收邮件" in proc.stdout and f"127.0.0.1:{legitimate.port}" in proc.stdout
    entry, = sent_log(tmp_path)
    assert entry["server"] == f"127.0.0.1:{legitimate.port}" and entry["from"] == USER


def test_validate_lists_the_mail_rows_a_workbook_may_not_set(work: Path) -> None:
    cells = with_params(WORKBOOKS / YUSHUI, work / YUSHUI, {"email.host": "smtp.evil.example", "EMAIL.PORT": 25,
                                                           "email.cc": "kz@czj.example.gov.cn"})
    proc = xl("validate", YUSHUI, "--json", cwd=work)
    found = [f for f in json.loads(proc.stdout)["findings"] if f["code"] == "MAIL_SETTING_IGNORED"]
    assert [(f["level"], f["sheet"], f["cell"]) for f in found] == [("warning", "参数", cells["email.host"]),
                                                                    ("warning", "参数", cells["EMAIL.PORT"])]
    assert found[0]["message"].startswith("参数表中的「email.host」不能由工作簿设置，已忽略；邮件服务器、")
    assert found[1]["message"].startswith("参数表中的「email.port」不能由工作簿设置，已忽略；")
    text_report = xl("validate", YUSHUI, cwd=work).stdout
    assert f"[警告] MAIL_SETTING_IGNORED 参数!{cells['email.host']} 参数表中的「email.host」" in text_report


def test_workbooks_naming_different_recipients_are_not_sent_together(smtp_server: Callable[..., Running], work: Path,
                                                                    tmp_path: Path, ca_file: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Before, the first workbook's 报送邮箱 took every workbook there; now the user must say where they go."""
    server = smtp_server("none")
    configure_for(server, tmp_path, ca_file, monkeypatch, to=["jxk@czj.example.gov.cn"])
    with_params(WORKBOOKS / YUSHUI, work / "甲.xlsx", {"email.to": "jxk@czj.example.gov.cn"})
    with_params(WORKBOOKS / YUSHUI, work / "乙.xlsx", {"email.to": "collector@evil.example",
                                                      "email.sender_name": "乙单位"})
    shutil.copyfile(WORKBOOKS / YUSHUI, work / "丙.xlsx")  # says nothing: the config file's to

    proc = xl("email", "甲.xlsx", "乙.xlsx", "丙.xlsx", "--force", cwd=work)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-9:] == [
        "错误：所选的 3 个工作簿给出的收件人不同：",
        "  工作簿 甲.xlsx 参数!D33：jxk@czj.example.gov.cn",
        "  工作簿 乙.xlsx 参数!D33：collector@evil.example",
        f"  工作簿 丙.xlsx（参数表未填写，取自配置文件 {tmp_path / 'cfg' / 'email.toml'}）：jxk@czj.example.gov.cn",
        "所选的 3 个工作簿给出的发件人名称不同：",
        f"  工作簿 甲.xlsx（参数表未填写，取自配置文件 {tmp_path / 'cfg' / 'email.toml'}）：{SENDER_NAME}",
        "  工作簿 乙.xlsx 参数!D34：乙单位",
        f"  工作簿 丙.xlsx（参数表未填写，取自配置文件 {tmp_path / 'cfg' / 'email.toml'}）：{SENDER_NAME}",
        "未发送。请核对后在命令行用 --to、--sender-name 指定（可多次使用），或把这些工作簿分开发送"]
    assert server.handler.sessions == 0 and sent_log(tmp_path) == []
    assert xl("email", "甲.xlsx", "乙.xlsx", "--force", "--dry-run", "--to", "jxk@czj.example.gov.cn",
              cwd=work).returncode == 2  # the sender's name still differs
    proc = xl("email", "甲.xlsx", "乙.xlsx", "丙.xlsx", "--force", "--to", "jxk@czj.example.gov.cn",
              "--sender-name", "渝水区医保局", cwd=work)
    assert proc.returncode == 0, proc.stderr
    got, = server.handler.messages
    assert got.rcpt_tos == ["jxk@czj.example.gov.cn"] and got.parsed()["From"].addresses[0].display_name == "渝水区医保局"

    same = xl("email", "甲.xlsx", "丙.xlsx", "--force", "--dry-run", cwd=work)  # they agree: both sources shown
    assert same.returncode == 0, same.stderr
    assert (f"收件人：jxk@czj.example.gov.cn（来自工作簿 甲.xlsx 参数!D33、配置文件 {tmp_path / 'cfg' / 'email.toml'}）"
            in same.stdout)


def test_a_workbook_names_only_a_built_in_rule_set(work: Path, tmp_path: Path) -> None:
    """参数's rule_set row with the path of a real rule set that would change the scores: not read, reported,
    the scores those of the rule set the workbook would have had without it."""
    from xl_tools.jobs.score import score

    hostile = tmp_path / "从严.toml"
    hostile.write_text('name = "strict"\nextends = "default"\n[[grades]]\ngrade = "差"\nmin = 0\n', encoding="utf-8")
    scores = {name: [(p.total, p.grade) for p in score(WORKBOOKS / CHANGSHOU, name).scored.projects]
              for name in (hostile, "default")}
    assert scores == {hostile: [(None, None), (100, "差")], "default": [(None, None), (100, "优")]}  # when read
    with_params(WORKBOOKS / CHANGSHOU, work / "named.xlsx", {"rule_set": "default"})
    cells = with_params(WORKBOOKS / CHANGSHOU, work / "path.xlsx", {"rule_set": str(hostile)})
    plain, pathed = score(work / "named.xlsx").scored, score(work / "path.xlsx").scored
    assert pathed.rule_set == plain.rule_set == "default"
    assert [(p.name, p.total, p.grade) for p in pathed.projects] == [(p.name, p.total, p.grade) for p in plain.projects]
    finding, = [f for f in pathed.findings if f.code == "VALUE_UNREADABLE"]
    assert (finding.sheet, finding.cell) == ("参数", cells["rule_set"])
    assert "工作簿只能指定内置规则集（changshou_table12、chongqing_export、default、jiangxi_yushui、national_platform）" \
           "，不能指定规则集文件；未读取该文件" in finding.message
    assert not [f for f in plain.findings if f.code == "VALUE_UNREADABLE"]


def test_attachment_and_archive_names_carry_no_path(work: Path, tmp_path: Path) -> None:
    """A file named ..\\..\\x (legal on Linux) and a unit named with slashes: inside the .zip, in the MIME
    parameters and as the .zip's own name, every name is a plain file name."""
    write_config(tmp_path, user=None)
    wb = openpyxl.load_workbook(WORKBOOKS / CHANGSHOU)
    for sheet, cell in (("表10", "B4"), ("表12", "B5"), ("表12", "E5")):
        wb[sheet][cell] = "..\\..\\重庆/长寿区"
    hostile = "..\\..\\评估:表?.xlsx"
    wb.save(work / hostile)
    out = tmp_path / "a.eml"
    for extra in (["--zip"], []):
        proc = xl("email", hostile, "--to", "jxk@czj.example.gov.cn", "--attach-report", "--force", "--eml", str(out),
                  *extra, cwd=work)
        assert proc.returncode == 0, proc.stderr
        draft = BytesParser(policy=policy.default).parsebytes(out.read_bytes())
        assert isinstance(draft, EmailMessage)
        names = list(attachments_of(draft))
        raw = out.read_text(encoding="ascii")
        if extra:
            assert names == ["_._重庆_长寿区2021年度预算绩效自评材料.zip"]
            with zipfile.ZipFile(io.BytesIO(attachments_of(draft)[names[0]][1])) as zf:
                assert zf.namelist() == ["_._评估_表_.xlsx", "_._评估_表__自评报告.docx"]
        else:
            assert names == ["_._评估_表_.xlsx", "_._评估_表__自评报告.docx"]
        assert "..\\" not in raw and "%2F" not in raw.upper() and "%5C" not in raw.upper()


def test_an_echoed_login_is_not_shown_in_any_encoding(smtp_server: Callable[..., Running], work: Path,
                                                      tmp_path: Path, ca_file: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that repeats the AUTH exchange (PLAIN's base64 of "\\0user\\0password", LOGIN's base64 of the
    password, with and without padding) in a refusal and in an error: the screen and the sent-log get ******."""
    import base64

    plain = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
    login = base64.b64encode(PASSWORD.encode()).decode()
    assert plain.endswith("=") and login.endswith("=")  # so the unpadded forms differ from the padded ones
    forms = [PASSWORD, plain, plain.rstrip("="), login, login.rstrip("=")]
    said = " you said: " + " ".join(forms)
    refusing = smtp_server("starttls", refuse={"nobody@czj.example.gov.cn"}, echo=said)
    configure_for(refusing, tmp_path, ca_file, monkeypatch)
    refused = xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", "--to", "nobody@czj.example.gov.cn", cwd=work)
    assert refused.returncode == 2 and "未发给 nobody@czj.example.gov.cn：550 5.1.1" in refused.stdout

    failing = smtp_server("ssl", data_replies=["554 5.7.1 Rejected," + said])
    configure_for(failing, tmp_path, ca_file, monkeypatch)
    failed = xl("email", CHANGSHOU, "--to", "jxk@czj.example.gov.cn", cwd=work)
    assert failed.returncode == 2 and "拒收了这封邮件（554 5.7.1 Rejected, you said:" in failed.stderr

    log = (tmp_path / "cfg" / "sent.log").read_text(encoding="utf-8")
    for shown in (refused.stdout + refused.stderr, failed.stdout + failed.stderr, log):
        assert "you said: ****** ****** ****** ****** ******" in shown
        assert not [form for form in forms if form in shown]


def test_hostile_unit_and_project_names_stay_text(smtp_server: Callable[..., Running], work: Path, tmp_path: Path,
                                                  ca_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Names with control characters (U+0001 saved as _x0001_) reach the subject and body as visible signs;
    the mail goes to its recipient only."""
    server = smtp_server("none")
    configure_for(server, tmp_path, ca_file, monkeypatch)
    wb = openpyxl.load_workbook(WORKBOOKS / CHANGSHOU)
    for sheet, cell in (("表10", "B4"), ("表12", "B5"), ("表12", "E5")):
        wb[sheet][cell] = "长寿区医保局\r\nBcc: x@evil.example_x0001_"
    wb["表12"]["B4"] = "医保项目\r\nBcc: y@evil.example_x0001_"
    wb.save(work / "名称.xlsx")
    proc = xl("email", "名称.xlsx", "--to", "jxk@czj.example.gov.cn", cwd=work)
    assert proc.returncode == 0, proc.stderr
    got, = server.handler.messages
    assert got.rcpt_tos == ["jxk@czj.example.gov.cn"]
    msg = got.parsed()
    assert msg["Bcc"] is None and msg["Subject"] == "长寿区医保局Bcc:x@evil.example\u24012021年度预算绩效自评材料（1个项目）"
    body = msg.get_body(("plain",))
    assert body is not None and "  1. 医保项目Bcc:y@evil.example\u2401：100 分，优\n" in body.get_content()


def test_line_breaks_in_names_cannot_add_a_header() -> None:
    """The readers drop line breaks from names today; the mail does not rely on it (names as a reader that
    kept them would give, and a --subject typed with one)."""
    from xl_tools.jobs.score import score

    evaluation = score(WORKBOOKS / CHANGSHOU)
    for project in evaluation.scored.projects:
        project.name = f"{project.name}\r\nBcc: y@evil.example\x0b"
    summary = text.summarise("a.xlsx", evaluation.scored, evaluation.year, "长寿区医保局\r\nBcc: x@evil.example\x01")
    subject, body = text.subject([summary]), text.body([summary], [], "财务科")
    msg = message.build_message(sender=USER, sender_name=None, to=message.parse_addresses(["a@b.gov.cn"], "收件人"),
                                cc=[], subject=subject, body=body, attachments=[], message_id="<1@x>",
                                date=datetime(2024, 3, 1).astimezone())
    parsed = BytesParser(policy=policy.default).parsebytes(msg.as_bytes(policy=message.SEND_POLICY))
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "长寿区医保局 Bcc: x@evil.example\u24012021年度预算绩效自评材料（1个项目）"
    content = parsed.get_body(("plain",)).get_content()
    assert "  1. 2021年医疗服务与保障能力提升(医疗保障能力提升部分)中央补助资金 Bcc: y@evil.example：100 分，优\n" in content
    assert resolve([Layer("工作簿 a.xlsx 参数!D1", {"sender_name": "财务科\r\nBcc: z@evil.example"})]).sender_name \
        == "财务科 Bcc: z@evil.example"


# ------------------------------------------------------------------ the ribbon


def excel_answers(answer: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Excel's message box answered as a user clicking it would (the one COM hop the remote interpreter cannot
    make: there the box shows after the function has returned); the alert is still recorded as an action."""
    from xlwings.pro import _xlremote

    shown = _xlremote.App.alert

    def alert(self: Any, prompt: str, title: str, buttons: str, mode: str, callback: str) -> str | None:
        shown(self, prompt, title, buttons, mode, callback)
        return answer if buttons == "ok_cancel" else None

    monkeypatch.setattr(_xlremote.App, "alert", alert)


@pytest.fixture
def ribbon_workbook(work: Path, tmp_path: Path, smtp_server: Callable[..., Running], ca_file: Path,
                    monkeypatch: pytest.MonkeyPatch) -> tuple[Running, Path, dict[str, str]]:
    """The saved 长寿 workbook with a 参数 sheet naming its 报送邮箱 and, ignored, a server; the user's config."""
    server = smtp_server("starttls")
    configure_for(server, tmp_path, ca_file, monkeypatch)
    path = work / CHANGSHOU
    cells = with_params(WORKBOOKS / CHANGSHOU, path, {"email.to": "jxk@czj.example.gov.cn",
                                                      "email.host": "smtp.evil.example"})
    return server, path, cells


def press_email(path: Path) -> list[dict[str, Any]]:
    import xlwings as xw

    from xl_tools import ribbon
    from tests.helpers.xlwings_payload import payload

    data = payload(path)
    data["book"]["name"] = str(path)  # Excel's full name of a saved workbook
    book = xw.Book(json=data)
    ribbon.email(book)
    return [a for a in book.json()["actions"] if a["func"] == "alert"]


def confirmation(path: Path, port: int, cells: dict[str, str]) -> tuple[str, str, str]:
    """The question's head (people and subject), tail (server and the ignored row) and the attachments' stem."""
    stem = path.stem
    return "\n".join([
        "将发送以下邮件，确定发送吗？",
        f"发件人：{SENDER_NAME} <{USER}>（名称来自配置文件 {path.parent.parent / 'cfg' / 'email.toml'}）",
        f"收件人：jxk@czj.example.gov.cn（来自工作簿 {path.name} 参数!{cells['email.to']}）",
        "抄送：（无）",
        "主题：重庆市长寿区医疗保障局2021年度预算绩效自评材料（1个项目）",
    ]), "\n".join([
        f"邮件服务器：127.0.0.1:{port}（starttls），登录账号 {USER}",
        f"注意：{path.name} 参数!{cells['email.host']}：参数表中的「email.host」不能由工作簿设置，已忽略；邮件服务器、端口、"
        "加密方式、登录账号、发件地址、证书文件、超时、重试和大小上限只从配置文件 email.toml、环境变量或命令行选项读取；"
        "工作簿只能设置 email.to、email.cc、email.sender_name"]), stem


def test_the_ribbon_asks_before_sending(ribbon_workbook: tuple[Running, Path, dict[str, str]]) -> None:
    """On xlwings' remote interpreter no answer comes back: the question is shown, nothing is sent."""
    server, path, cells = ribbon_workbook
    asked, told = press_email(path)
    head, tail, stem = confirmation(path, server.port, cells)
    prompt = asked["args"][0]
    assert asked["args"][2] == "ok_cancel" and prompt.startswith(head + "\n附件（3 个，共 ") and prompt.endswith(tail)
    for name in (CHANGSHOU, f"{stem}.pdf", f"{stem}_自评报告.docx"):
        assert f"\n  {name}　" in prompt
    assert told["args"][0].startswith("未发送：此环境不能等待确认")
    assert server.handler.sessions == 0 and sent_log(path.parent.parent) == []


def test_the_ribbon_sends_what_the_user_confirmed(ribbon_workbook: tuple[Running, Path, dict[str, str]],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """发送邮件 in Excel, OK clicked: the saved file, its PDF and its report, to the 参数 sheet's 报送邮箱, through
    the user's server; the result is an alert."""
    server, path, cells = ribbon_workbook
    excel_answers("ok", monkeypatch)
    asked, done = press_email(path)
    assert asked["args"][0].startswith(confirmation(path, server.port, cells)[0])
    assert done["args"][0].startswith("已发送给 jxk@czj.example.gov.cn")
    got, = server.handler.messages
    assert got.authenticated is True and got.rcpt_tos == ["jxk@czj.example.gov.cn"]
    stem = path.stem
    assert set(attachments_of(got.parsed())) == {CHANGSHOU, f"{stem}.pdf", f"{stem}_自评报告.docx"}
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([CHANGSHOU, YUZHONG])  # nothing left beside it


def test_the_ribbon_sends_nothing_when_cancelled(ribbon_workbook: tuple[Running, Path, dict[str, str]],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    server, path, _cells = ribbon_workbook
    excel_answers("cancel", monkeypatch)
    asked, = press_email(path)
    assert asked["args"][2] == "ok_cancel"
    assert server.handler.sessions == 0 and sent_log(path.parent.parent) == []
