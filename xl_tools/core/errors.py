"""The toolkit's exceptions: each carries a Chinese message a user can act on."""

from __future__ import annotations


class XlToolsError(Exception):
    """Base of every error the toolkit raises on purpose; ``str()`` is the user message."""

    code: str | None = None
    """The catalogued finding (core.findings) that stands for it in ``--json`` output, where there is one."""


class WorkbookReadError(XlToolsError):
    """The file cannot be read as a workbook (missing, corrupt, wrong format)."""

    code = "FILE_UNREADABLE"


class WorkbookMissing(WorkbookReadError):
    """No file at that path (or a folder there)."""


class NotAWorkbook(WorkbookReadError):
    """The file is something else: empty, a PDF, a Word document, a zip of other files."""


class PasswordRequired(WorkbookReadError):
    """The workbook has an open password and none was given."""


class WrongPassword(WorkbookReadError):
    """The password given does not open the workbook."""


class TooLarge(WorkbookReadError):
    """A file asks for more memory or time than any real form needs; refused before it is read."""

    code = "FILE_REFUSED"


class NothingRecognised(XlToolsError):
    """No sheet of the file is a form the toolkit can read."""


class RuleSetError(XlToolsError):
    """A rule-set file is missing or malformed; the message names the key."""


class WriteError(XlToolsError):
    """A result cannot be written (folder missing or read-only, file open in Excel, disk full)."""


def failure_reason(exc: BaseException) -> str:
    """What a user is told when one file or one sheet could not be handled and the others go on: the
    toolkit's own message, or the library's marked as an internal error."""
    return str(exc) if isinstance(exc, XlToolsError) else f"处理时出现内部错误（{type(exc).__name__}: {exc}）"
