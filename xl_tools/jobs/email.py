"""xl-tools email: the checked workbooks (with their PDFs and reports) to the recipients, or as a draft.

The server, port, encryption, login and sender come only from the configuration file, the environment and the
caller's options; a workbook's 参数 sheet names recipients, cc and the sender name at most (``mail.settings``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import XlToolsError
from ..mail import config, service
from ..mail.credentials import Secret, find_password


@dataclass
class Mail:
    prepared: service.Prepared
    config_file: Path
    password: Secret | None = None
    sent: service.Sent | None = None
    draft: Path | None = None
    """The .eml written instead of sending."""


def email(paths: Sequence[str | Path], *, to: Sequence[str] = (), cc: Sequence[str] = (), subject: str | None = None,
          body: str | None = None, attach_pdf: bool = False, attach_report: bool = False, as_zip: bool = False,
          dry_run: bool = False, eml: str | Path | None = None, force: bool = False, smtp_host: str | None = None,
          smtp_port: int | None = None, tls: str | None = None, smtp_user: str | None = None,
          sender: str | None = None, sender_name: str | None = None, max_size: float | None = None,
          rules: str | Path | None = None, warn: Callable[[str], None] = lambda _: None) -> Mail:
    """Check every workbook (refused with ``service.WorkbookHasErrors`` when one has errors, unless ``force``),
    prepare the mail, then send it, write it as ``eml``, or with ``dry_run`` only prepare it.  ``warn`` hears
    what the user should know on the way (ignored 参数 rows, files sent despite errors or open in Excel)."""
    if dry_run and eml:
        raise XlToolsError("--dry-run 与 --eml 只能选一个")
    options = {"host": smtp_host, "port": smtp_port, "tls": tls, "user": smtp_user, "sender": sender,
               "sender_name": sender_name, "max_size_mb": max_size, "to": tuple(to), "cc": tuple(cc)}
    checked = service.check_workbooks([Path(p) for p in paths], rules, force=force)
    for line in service.ignored_settings(checked):
        warn(f"警告：{line}")
    settings, config_file = service.load_settings(options, checked)
    for c in checked:
        if c.errors:
            warn(f"注意：{c.path.name} 有 {len(c.errors)} 个错误级别的问题，已按 --force 照常附上")
        if service.open_elsewhere(c.path):
            warn(f"注意：{c.path.name} 正在 Excel 或 WPS 中打开，附上的是最后一次保存的内容；有未保存的修改请先保存")
    prepared = service.prepare(service.MailRequest(subject, body, attach_pdf, attach_report, as_zip), settings,
                               checked)
    mail = Mail(prepared, config_file)
    if eml:
        mail.draft = service.write_draft(prepared, Path(eml))
        return mail
    mail.password = find_password(settings.user)  # the keyring is asked only when a password can be needed
    if not dry_run:
        mail.sent = service.send(prepared, mail.password, config.log_path(config=config_file))
    return mail
