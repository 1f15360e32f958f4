"""``xl-tools email`` as an operation: check the workbooks, make the attachments, then send, draft or preview.

The command line and the ribbon call these.  A workbook's 参数 sheet may name its recipients
and the sender's display name, nothing else (``layouts.params.MAIL_KEYS``); workbooks sent
together must agree on them unless the user chose.  PDFs and reports are made in a
temporary folder, read into memory and the folder removed: nothing is written next to the
user's files.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from ..adapters.smtp import Delivery, Server, SmtpError, deliver
from ..core.findings import Finding
from ..core.safe_text import one_line
from ..core.errors import XlToolsError
from ..outputs import fit_name
from ..layouts.params import MAIL_KEYS, PARAMS_SHEET, mail_settings
from ..reading.grid import WorkbookGrid
from ..jobs.evaluation import Result, evaluate_book, read_book
from . import config, sentlog, text
from .credentials import PASSWORD_ENV, Secret, store_hint
from .message import (
    SEND_POLICY,
    Attachment,
    build_message,
    check_size,
    parse_addresses,
    unique_names,
    zip_attachments,
)
from .settings import LABELS, Layer, MailSettings, MailSettingsError, resolve

ERRORS_SHOWN = 5
WORKBOOK_SOURCE = "工作簿 "
"""How a workbook's settings name their source: 工作簿 自评表.xlsx 参数!D32."""


class WorkbookHasErrors(XlToolsError):
    """A workbook to send has error-level findings and --force was not given."""


@dataclass
class Checked:
    """A workbook read, scored and checked."""

    path: Path
    book: WorkbookGrid
    evaluation: Result

    @property
    def errors(self) -> list[Finding]:
        return list(self.evaluation.findings.errors)


@dataclass
class MailRequest:
    """What the user asked for besides the settings (recipients are settings: --to is the options' layer)."""

    subject: str | None = None
    body: str | None = None
    attach_pdf: bool = False
    attach_report: bool = False
    zip: bool = False


@dataclass
class Prepared:
    """Everything of one mail except the server's answer."""

    settings: MailSettings
    to: list[Address]
    cc: list[Address]
    subject: str
    body: str
    files: list[Attachment]
    """The workbooks, PDFs and reports, each on its own."""
    attachments: list[Attachment]
    """What the mail carries: ``files``, or one .zip of them."""
    zipped: bool
    checked: list[Checked]
    message_id: str
    when: datetime

    @property
    def recipients(self) -> list[str]:
        return list(dict.fromkeys(a.addr_spec for a in [*self.to, *self.cc]))

    def message(self, *, draft: bool = False) -> EmailMessage:
        return build_message(sender=self.settings.sender, sender_name=self.settings.sender_name, to=self.to,
                             cc=self.cc, subject=self.subject, body=self.body, attachments=self.attachments,
                             message_id=self.message_id, date=self.when, draft=draft)

    def check_size(self) -> None:
        check_size(self.attachments, self.settings.max_size_mb, zipped=self.zipped)


@dataclass
class Sent:
    delivery: Delivery
    log: Path
    message_id: str
    server: str


def load_settings(options: Mapping[str, Any], checked: Sequence[Checked] = (),
                  environ: Mapping[str, str] | None = None) -> tuple[MailSettings, Path]:
    """Settings from the config file, the environment, each workbook's 参数 sheet and the options, in that order.

    Each workbook is resolved on its own; when they come out different in recipients or the
    sender's name (an option given by the user makes them equal), nothing is sent and the
    MailSettingsError says which file says what.
    """
    environ = os.environ if environ is None else environ
    path = config.config_path(environ)
    base = [config.file_layer(path, required=bool(environ.get(config.CONFIG_ENV))), *config.env_layers(environ)]
    last = Layer("命令行选项", {k: v for k, v in options.items() if v not in (None, ())})
    if not checked:
        return resolve([*base, last]), path
    each = [(c, resolve([*base, *workbook_layers(c), last])) for c in checked]
    _refuse_disagreement(each)
    first = each[0][1]
    joined = {key: "、".join(dict.fromkeys(s.sources[key] for _, s in each))
              for key in MAIL_KEYS if key in first.sources}
    return dataclasses.replace(first, sources={**first.sources, **joined}), path


def workbook_layers(checked: Checked) -> list[Layer]:
    """What the workbook's 参数 sheet may say about its mail (its unit's 报送邮箱, 抄送, 发件人名称), one layer
    a cell, so a value names its file and cell wherever it is shown."""
    grid = checked.book.sheet(PARAMS_SHEET)
    if grid is None:
        return []
    return [Layer(f"{WORKBOOK_SOURCE}{checked.path.name} {grid.name}!{cell}", {key: value})
            for key, value, cell in mail_settings(grid)]


def _comparable(key: str, value: Any) -> Any:
    return tuple(sorted(a.lower() for a in value)) if key in ("to", "cc") else value


def _refuse_disagreement(each: Sequence[tuple[Checked, MailSettings]]) -> None:
    """Several workbooks naming different recipients (or sender's names): the user must choose, not the first file."""
    options = {"to": "--to", "cc": "--cc", "sender_name": "--sender-name"}
    parts = []
    for key in MAIL_KEYS:
        if len({_comparable(key, getattr(s, key)) for _, s in each}) < 2:
            continue
        lines = [f"所选的 {len(each)} 个工作簿给出的{LABELS[key]}不同："]
        for c, s in each:
            value = getattr(s, key)
            shown = ("、".join(value) if key in ("to", "cc") else value) or "（无）"
            source = s.sources.get(key)
            if source is None or not source.startswith(WORKBOOK_SOURCE):  # resolved with its own layers only
                source = f"{WORKBOOK_SOURCE}{c.path.name}（参数表未填写，" + (f"取自{source}）" if source else "未设置）")
            lines.append(f"  {source}：{shown}")
        parts.append(("\n".join(lines), options[key]))
    if parts:
        chosen = "、".join(option for _, option in parts)
        raise MailSettingsError("\n".join(text for text, _ in parts)
                                + f"\n未发送。请核对后在命令行用 {chosen} 指定（可多次使用），或把这些工作簿分开发送")


def ignored_settings(checked: Sequence[Checked]) -> list[str]:
    """The 参数 rows that tried to set what a workbook may not (server, login, …), as lines naming file and cell."""
    return [f"{c.path.name} {f.sheet}!{f.cell}：{f.message}" for c in checked
            for f in c.evaluation.findings.filter(code="MAIL_SETTING_IGNORED")]


def check_workbooks(paths: Sequence[Path], rule_set: str | Path | None = None, *, force: bool = False) -> list[Checked]:
    """Read and check every workbook; refuse (WorkbookHasErrors) when any has errors, unless ``force``."""
    checked = []
    for path in dict.fromkeys(Path(p).resolve() for p in paths):
        book = read_book(path)
        checked.append(Checked(path, book, evaluate_book(book, rule_set)))
    bad = [c for c in checked if not c.evaluation.valid]
    if bad and not force:
        lines = []
        for c in bad:
            lines.append(f"{c.path.name} 有 {len(c.errors)} 个错误级别的问题：")
            lines += [f"  [错误] {f.code} {f.sheet or ''}{'!' + f.cell if f.cell else ''} {f.message}"
                      for f in c.errors[:ERRORS_SHOWN]]
            if len(c.errors) > ERRORS_SHOWN:
                lines.append(f"  （另有 {len(c.errors) - ERRORS_SHOWN} 个，xl-tools validate {c.path.name} 查看全部）")
        lines.append("未发送。请先改正这些问题（xl-tools validate 查看全部），或确认无误后加 --force 仍然发送")
        raise WorkbookHasErrors("\n".join(lines))
    return checked


def open_elsewhere(path: Path) -> bool:
    """True when Excel or WPS has ``path`` open (its ~$ owner file is beside it): unsaved edits are not sent.

    Excel names the owner file ~$ + the name, or ~$ + the name without its first two
    characters when the name is long enough to need it.
    """
    return any(path.with_name(f"~${name}").exists() for name in (path.name, path.name[2:]))


def _made_files(checked: Sequence[Checked], pdf: bool, report: bool) -> list[Attachment]:
    """Each workbook, then its PDF and report when asked for, made in a temporary folder."""
    pdfs: dict[Path, Attachment] = {}
    reports: dict[Path, Attachment] = {}
    if pdf or report:
        with tempfile.TemporaryDirectory(prefix="xl_tools_email_") as tmp:
            if pdf:
                pdfs = _pdfs(checked, Path(tmp) / "pdf")
            if report:
                reports = _reports(checked, Path(tmp) / "report")
    files = []
    for c in checked:
        files.append(Attachment(c.path.name, c.path.read_bytes()))
        files += [x for x in (pdfs.get(c.path), reports.get(c.path)) if x]
    return files


def _pdfs(checked: Sequence[Checked], folder: Path) -> dict[Path, Attachment]:
    from ..jobs.convert import convert

    batches: list[list[Checked]] = []  # one LibreOffice run a batch; same-named inputs in different batches
    for c in checked:
        batch = next((b for b in batches if all(x.path.stem.lower() != c.path.stem.lower() for x in b)), None)
        if batch is None:
            batches.append([c])
        else:
            batch.append(c)
    made = {}
    for i, batch in enumerate(batches):
        for c, result in zip(batch, convert([c.path for c in batch], "pdf", folder / str(i))):
            if result.output is None:
                raise XlToolsError(f"未能生成 {c.path.name} 的 PDF：{result.error}；可以不加 --attach-pdf 发送")
            made[c.path] = Attachment(fit_name(c.path.stem, ".pdf"), result.output.read_bytes())
    return made


def _reports(checked: Sequence[Checked], folder: Path) -> dict[Path, Attachment]:
    from ..adapters.docx_report import write_docx
    from ..jobs.report import document

    made = {}
    for i, c in enumerate(checked):
        name = fit_name(c.path.stem, "_自评报告.docx")
        written = write_docx(document(c.book, c.evaluation), folder / str(i) / name)
        made[c.path] = Attachment(name, written.read_bytes())
    return made


def prepare(request: MailRequest, settings: MailSettings, checked: Sequence[Checked], *,
            now: datetime | None = None) -> Prepared:
    """The mail for ``checked`` workbooks: recipients, subject and body (default ones from the workbooks),
    attachments (with PDFs and reports made when asked), zipped when asked."""
    from ..narrative import workbook_texts

    to = parse_addresses(list(settings.to), "收件人")
    cc = parse_addresses(list(settings.cc), "抄送")
    if not to:
        raise MailSettingsError("没有收件人：请用 --to 指定（可多次使用），或在配置文件中写 to = [\"地址\"]")
    when = (now or datetime.now()).astimezone()
    summaries = [text.summarise(c.path.name, c.evaluation.scored, c.evaluation.year,
                                workbook_texts(c.book, c.evaluation.forms).unit) for c in checked]
    files = unique_names(_made_files(checked, request.attach_pdf, request.attach_report))
    attachments = [zip_attachments(files, text.archive_name(summaries), when)] if request.zip else files
    body = request.body if request.body is not None else text.body(
        summaries, [(a.name, a.size) for a in files], settings.sender_name,
        zip_name=attachments[0].name if request.zip else None)
    domain = settings.sender.rpartition("@")[2] if settings.sender else "xl-tools.invalid"
    subject = one_line(request.subject or text.subject(summaries))  # a header: one line, whoever wrote it
    return Prepared(settings, to, cc, subject, body, files, attachments, request.zip, list(checked),
                    make_msgid(domain=domain), when)


def write_draft(prepared: Prepared, target: Path) -> Path:
    """The mail as an .eml draft (X-Unsent: 1): Outlook opens it ready to send, others as a message."""
    if target.suffix.lower() != ".eml":
        raise XlToolsError(f"草稿只能保存为 .eml（收到 {target.name}）；请用 --eml 指定以 .eml 结尾的文件名")
    if any(target.resolve() == c.path.resolve() for c in prepared.checked):
        raise XlToolsError("草稿文件不能与要发送的工作簿相同；请用 --eml 指定另一个文件名")
    prepared.check_size()
    from ..workbook.atomic import replace_atomically

    target.parent.mkdir(parents=True, exist_ok=True)
    data = prepared.message(draft=True).as_bytes(policy=SEND_POLICY)
    replace_atomically(target, lambda fh: fh.write(data))
    return target


def server_of(settings: MailSettings, password: Secret | None) -> Server:
    """The server to send through; says what is missing (host, sender, password) in Chinese."""
    if not settings.host:
        raise MailSettingsError("未设置邮件服务器：请在配置文件中写 host = \"smtp.…\"，或用环境变量 XL_TOOLS_SMTP_HOST、"
                                "选项 --smtp-host 指定（只想看看邮件可用 --dry-run 或 --eml 草稿.eml）")
    if not settings.sender:
        raise MailSettingsError("未设置发件地址：请在配置文件中写 sender = \"地址\"，或用 --from、环境变量 XL_TOOLS_SENDER")
    if settings.user and password is None:
        raise MailSettingsError(f"未找到账号 {settings.user} 的 SMTP 密码：请设置环境变量 {PASSWORD_ENV}，"
                                f"或把密码存入系统密钥环：{store_hint(settings.user)}")
    return Server(settings.host, settings.port or 0, settings.tls, settings.user,
                  password.value if password else None, settings.ca_file, settings.timeout)


def send(prepared: Prepared, password: Secret | None, log: Path, *,
         sleep: Callable[[float], None] = time.sleep) -> Sent:
    """Send through the configured server and record the outcome in the sent-log (failures too)."""
    settings = prepared.settings
    server = server_of(settings, password)
    prepared.check_size()
    data = prepared.message().as_bytes(policy=SEND_POLICY)
    record = {"when": prepared.when, "message_id": prepared.message_id, "sender": settings.sender or "",
              "subject": prepared.subject, "server": f"{server.host}:{server.port}",
              "to": [a.addr_spec for a in prepared.to], "cc": [a.addr_spec for a in prepared.cc],
              "attachments": prepared.attachments, "workbooks": [str(c.path.resolve()) for c in prepared.checked]}
    try:
        delivery = deliver(server, settings.sender or "", prepared.recipients, data, tries=settings.tries,
                           delay=settings.retry_delay, sleep=sleep)
    except SmtpError as exc:  # the adapter has taken the password out of what the server said
        sentlog.append(log, sentlog.entry(**record, accepted=[], refused={r: str(exc) for r in prepared.recipients},
                                          tries=exc.tries, error=str(exc)))
        raise
    sentlog.append(log, sentlog.entry(**record, accepted=delivery.accepted, refused=delivery.refused,
                                      tries=delivery.tries))
    return Sent(delivery, log, prepared.message_id, f"{server.host}:{server.port}")
