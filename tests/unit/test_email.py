"""``xl-tools email`` without a server: settings and their layers, addresses, attachment names and types,
sizes, headers, the keyring and the adapter's reading of smtplib's errors (sending: tests/integration/test_email.py)."""

from __future__ import annotations

import re
import smtplib
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest

from xl_tools.adapters.smtp import Server
from xl_tools.mail import config, credentials, message
from xl_tools.mail.settings import Layer, MailSettingsError, resolve

from tests.helpers.mail import DOCX, PASSWORD, SENDER_NAME, USER, XLSX
from tests.helpers.mail import clean_env  # noqa: F401  (autouse: every test here runs in it)


def test_attachment_names_decode_in_the_legacy_and_the_modern_parameter() -> None:
    """Each encoding alone gives back the name: a client reading only one of them still shows it."""
    long_name = "重庆市渝中区医疗保障局2023年度项目支出绩效自评表（含部门整体绩效自评）最终版.xlsm"
    part = message.attachment_part(message.Attachment(long_name, b"PK\x03\x04 data"))
    raw = part.as_bytes(policy=message.SEND_POLICY).decode("ascii")
    assert all(len(line) <= 80 for line in raw.splitlines())
    only_2231 = re.sub(r'\s*filename="[^"]*";', "", raw.replace('name="', 'xname="', 1))
    only_2047 = re.sub(r";\s*filename\*\d\*=[^;\r\n]*", "", raw)
    for variant in (raw, only_2231, only_2047):
        parsed = BytesParser(policy=policy.default).parsebytes(variant.encode("ascii"))
        assert parsed.get_filename() == long_name, variant
    assert "filename*" not in only_2047 and "=?utf-8?" in only_2047
    assert "=?utf-8?" not in only_2231.split("Content-Disposition")[1]
    assert "Content-Type: application/vnd.ms-excel.sheet.macroEnabled.12;" in raw  # as IANA registers it
    assert all(len(w) <= 75 for w in message.encoded_words(long_name))


def test_ascii_names_are_written_plainly() -> None:
    part = message.attachment_part(message.Attachment("report 2023.pdf", b"%PDF-1.7"))
    raw = part.as_bytes(policy=message.SEND_POLICY).decode("ascii")
    assert 'filename="report 2023.pdf"' in raw and "filename*" not in raw and "=?" not in raw
    assert part.get_content_type() == "application/pdf" and part.get_content() == b"%PDF-1.7"


@pytest.mark.parametrize(("name", "expected"), [
    ("a.xlsx", XLSX), ("a.XLSM", "application/vnd.ms-excel.sheet.macroEnabled.12"), ("a.pdf", "application/pdf"),
    ("a.docx", DOCX), ("a.zip", "application/zip"), ("a.xls", "application/vnd.ms-excel"),
    ("a.bin", "application/octet-stream")])
def test_mime_types_are_fixed_by_extension(name: str, expected: str) -> None:
    assert message.mime_type(name) == expected


def test_password_from_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """keyring's own lookup with a backend that keeps passwords in memory (no desktop keyring here)."""
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        keyring.set_password(credentials.KEYRING_SERVICE, USER, PASSWORD)
        found = credentials.find_password(USER, {})
        assert found is not None and found.value == PASSWORD and "密钥环" in found.source
        assert PASSWORD not in repr(found) and PASSWORD not in str(found)
        assert credentials.find_password("other@example.gov.cn", {}) is None
        env = credentials.find_password(USER, {credentials.PASSWORD_ENV: "from-env"})
        assert env is not None and env.value == "from-env"  # the environment first
    finally:
        keyring.set_keyring(previous)


# ------------------------------------------------------------------ settings (pure)


def test_later_layers_win() -> None:
    layers = [Layer("配置文件", {"host": "smtp.a.gov.cn", "port": 465, "user": "a@a.gov.cn", "max_size_mb": 10}),
              Layer("环境变量 XL_TOOLS_SMTP_HOST", {"host": "smtp.b.gov.cn"}),
              Layer("工作簿参数表", {"sender_name": "财务科", "to": ["jxk@czj.gov.cn"]}),
              Layer("命令行选项", {"max_size_mb": 5, "sender_name": None})]
    s = resolve(layers)
    assert (s.host, s.port, s.tls, s.user, s.sender, s.sender_name, s.to, s.max_size_mb) == (
        "smtp.b.gov.cn", 465, "ssl", "a@a.gov.cn", "a@a.gov.cn", "财务科", ("jxk@czj.gov.cn",), 5)
    assert s.sources["host"] == "环境变量 XL_TOOLS_SMTP_HOST" and s.sources["sender_name"] == "工作簿参数表"
    assert s.sources["tls"] == "按端口 465 推定" and s.sources["max_size_mb"] == "命令行选项"


def test_an_empty_value_removes_the_login() -> None:
    s = resolve([Layer("配置文件", {"user": "a@a.gov.cn", "sender_name": "财务科"}), Layer("命令行选项", {"user": ""})])
    assert s.user is None and s.sender is None and s.sender_name == "财务科"
    with pytest.raises(MailSettingsError, match="host"):
        resolve([Layer("命令行选项", {"host": " "})])


@pytest.mark.parametrize(("given", "expected"), [
    ({}, ("starttls", 587)), ({"tls": "ssl"}, ("ssl", 465)), ({"port": 465}, ("ssl", 465)),
    ({"port": 25}, ("starttls", 25)), ({"tls": "none", "host": "localhost"}, ("none", 25)),
    ({"tls": "STARTTLS", "port": "2525"}, ("starttls", 2525))])
def test_port_and_tls_follow_each_other(given: dict[str, Any], expected: tuple[str, int]) -> None:
    s = resolve([Layer("命令行选项", given)])
    assert (s.tls, s.port) == expected


@pytest.mark.parametrize("host", ["smtp.example.gov.cn", "10.0.0.5", "127.0.0.2.example.com"])
def test_no_encryption_only_on_this_machine(host: str) -> None:
    with pytest.raises(MailSettingsError, match="只能用于本机"):
        resolve([Layer("命令行选项", {"host": host, "tls": "none"})])
    for local in ("localhost", "127.0.0.1", "::1", "[::1]"):
        assert resolve([Layer("命令行选项", {"host": local, "tls": "none"})]).tls == "none"


def test_bad_values_name_their_source(tmp_path: Path) -> None:
    with pytest.raises(MailSettingsError, match="环境变量 XL_TOOLS_SMTP_PORT.*port.*abc"):
        resolve(config.env_layers({"XL_TOOLS_SMTP_PORT": "abc"}))
    with pytest.raises(MailSettingsError, match="「hots」不是邮件设置项"):
        resolve([Layer("配置文件 x", {"hots": "a"})])
    with pytest.raises(MailSettingsError, match="不是有效的邮箱地址"):
        resolve([Layer("命令行选项", {"sender": "财务科"})])
    bad = tmp_path / "bad.toml"
    bad.write_text('host = "a\n', encoding="utf-8")
    with pytest.raises(MailSettingsError, match="不是有效的 TOML"):
        config.file_layer(bad)
    nested = tmp_path / "nested.toml"
    nested.write_text('[smtp]\nhost = "a"\n', encoding="utf-8")
    with pytest.raises(MailSettingsError, match=r"\[smtp\]"):
        config.file_layer(nested)
    assert config.file_layer(tmp_path / "none.toml").values == {}
    with pytest.raises(MailSettingsError, match="不存在"):
        config.file_layer(tmp_path / "none.toml", required=True)


def test_config_and_log_locations() -> None:
    home = Path("/home/u")
    assert config.config_path({}, windows=False, home=home) == home / ".config" / "xl_tools" / "email.toml"
    assert config.config_path({"XDG_CONFIG_HOME": "/x"}, windows=False, home=home) == Path("/x/xl_tools/email.toml")
    assert config.config_path({"APPDATA": r"C:\Users\u\AppData\Roaming"}, windows=True, home=home) == \
        Path(r"C:\Users\u\AppData\Roaming") / "xl_tools" / "email.toml"
    assert config.config_path({config.CONFIG_ENV: "/etc/m.toml", "XDG_CONFIG_HOME": "/x"}) == Path("/etc/m.toml")
    assert config.log_path({}, Path("/x/xl_tools/email.toml")) == Path("/x/xl_tools/sent.log")
    assert config.log_path({config.LOG_ENV: "/var/log/xl.log"}, Path("/x/email.toml")) == Path("/var/log/xl.log")


def test_addresses_are_checked() -> None:
    found = message.parse_addresses(["科长 <kz@a.gov.cn>", "a@a.gov.cn, b@b.gov.cn"], "收件人")
    assert [(a.display_name, a.addr_spec) for a in found] == [("科长", "kz@a.gov.cn"), ("", "a@a.gov.cn"),
                                                              ("", "b@b.gov.cn")]
    for bad in ("jxk", "jxk@czj", "财务@czj.gov.cn"):
        with pytest.raises(MailSettingsError, match="收件人地址"):
            message.parse_addresses([bad], "收件人")


def test_size_limit_and_advice() -> None:
    files = [message.Attachment("a.xlsx", b"x" * 600_000), message.Attachment("b.pdf", b"x" * 600_000)]
    message.check_size(files, 2, zipped=False)
    with pytest.raises(message.TooLarge) as caught:
        message.check_size(files, 1, zipped=False)
    assert "超过上限 1 MB" in str(caught.value) and "--zip" in str(caught.value) and "a.xlsx 585.9 KB" in str(caught.value)
    with pytest.raises(message.TooLarge) as caught:
        message.check_size(files, 1, zipped=True)
    assert "--zip" not in str(caught.value)


def test_repeated_names_get_a_number() -> None:
    files = [message.Attachment(n, b"") for n in ("自评表.xlsx", "自评表.xlsx", "自评表.XLSX", "自评表.pdf")]
    assert [a.name for a in message.unique_names(files)] == ["自评表.xlsx", "自评表(2).xlsx", "自评表(3).XLSX",
                                                               "自评表.pdf"]


def test_message_headers() -> None:
    msg = message.build_message(sender=USER, sender_name=SENDER_NAME, to=message.parse_addresses(["a@b.gov.cn"], "收件人"),
                                cc=[], subject="自评", body="正文", attachments=[], message_id="<1@x>",
                                date=datetime(2024, 3, 1, 9, 30).astimezone(), draft=True)
    raw = msg.as_bytes(policy=message.SEND_POLICY)
    assert raw.isascii() and b"\r\nX-Unsent: 1\r\n" in raw and b"From: =?utf-8?" in raw
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert parsed["From"].addresses[0].display_name == SENDER_NAME and parsed["Subject"] == "自评"
    assert not parsed.is_multipart()


def test_smtplib_errors_are_classified() -> None:
    """What the adapter says for replies that no server here can be made to give on demand."""
    from xl_tools.adapters.smtp import _failure

    where = Server("smtp.example.gov.cn", 465, "ssl", USER, PASSWORD)
    said = _failure(smtplib.SMTPSenderRefused(553, b"sender mismatch", USER), "send", where, USER)
    assert "发件地址" in str(said) and not said.transient
    said = _failure(smtplib.SMTPDataError(552, b"too big"), "send", where, USER)
    assert "大小" in str(said) and not said.transient
    said = _failure(smtplib.SMTPConnectError(421, b"too many connections"), "connect", where, USER)
    assert said.transient
    said = _failure(TimeoutError(), "connect", Server("smtp.example.gov.cn", 465, "starttls"), USER)
    assert said.transient and "--tls ssl" in str(said)
    said = _failure(ConnectionResetError(104, "Connection reset by peer"), "send", where, USER)
    assert said.transient and "中断" in str(said)


# ------------------------------------------------------------------ what a server or a workbook's names may not do


def test_plain_attachment_names() -> None:
    cases = {
        "自评表.xlsx": "自评表.xlsx",
        "..\\..\\Windows\\evil.xlsx": "_._Windows_evil.xlsx",
        "../../etc/passwd": "_._etc_passwd",
        "a\x01b\r\nc.pdf": "a\u2401b c.pdf",
        'x<y>:"|?*.zip': "x_y______.zip",
        "CON.xlsx": "_CON.xlsx",
        " 报告 . ": "报告",
        "...": "附件",
    }
    assert {name: message.Attachment(name, b"").name for name in cases} == cases
