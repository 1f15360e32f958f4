"""The toolkit's exceptions: each carries a Chinese message a user can act on."""

from __future__ import annotations


class XlToolsError(Exception):
    """Base of every error the toolkit raises on purpose; ``str()`` is the user message."""

    code: str | None = None
    """The catalogued finding (core.findings) that stands for it in ``--json`` output, where there is one."""


class WorkbookReadError(XlToolsError):
    """The file cannot be read as a workbook (missing, corrupt, wrong format)."""

    code = "FILE_UNREADABLE"


class RuleSetError(XlToolsError):
    """A rule-set file is missing or malformed; the message names the key."""


class WriteError(XlToolsError):
    """A result cannot be written (folder missing or read-only, file open in Excel, disk full)."""


def failure_reason(exc: BaseException) -> str:
    """What a user is told when one file or one sheet could not be handled and the others go on: the
    toolkit's own message, or the library's marked as an internal error."""
    return str(exc) if isinstance(exc, XlToolsError) else f"处理时出现内部错误（{type(exc).__name__}: {exc}）"
