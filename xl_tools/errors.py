"""The toolkit's exceptions: each carries a Chinese message a user can act on."""

from __future__ import annotations


class XlToolsError(Exception):
    """Base of every error the toolkit raises on purpose; ``str()`` is the user message."""


class WorkbookReadError(XlToolsError):
    """The file cannot be read as a workbook (missing, corrupt, wrong format)."""


class RuleSetError(XlToolsError):
    """A rule-set file is missing or malformed; the message names the key."""


class WriteError(XlToolsError):
    """A result cannot be written (folder missing or read-only, file open in Excel, disk full)."""
