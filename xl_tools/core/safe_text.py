"""Text that came out of a workbook, made safe to put into any file the toolkit writes.

Workbooks come from units nobody here controls, so every name, unit and value
they carry is untrusted when it is written again: into 校验结果, 表11, a
collection sheet, a report, an email.  Two things can go wrong.  A text that
starts like a formula ("=cmd|'/C calc'!A0", "+1+1", "@SUM(…)") becomes one as
soon as Excel reads it as typed input (a cell edited, a CSV opened, a value
set through COM); and a character XML cannot carry (U+0001, U+000B) makes the
writer fail, taking every other file's output with it.  Writers ask here
instead of deciding for themselves: ``visible`` replaces the characters XML
cannot carry with a sign a reader can see, and ``formula_like`` says which
texts a writer must mark as text (quotePrefix in a file, a leading apostrophe
through Excel).  Pure: no file or Excel access, cheap to import.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes Excel, WPS and LibreOffice read typed input as a formula (OWASP's CSV-injection list)."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""What XML 1.0 cannot carry: C0 controls except tab, LF and CR; the two non-characters; lone surrogates."""


def _sign(match: re.Match[str]) -> str:
    code = ord(match[0])
    return chr(0x2400 + code) if code < 0x20 else "\ufffd"  # ␁ for U+0001 (Control Pictures); else �


def visible(text: str) -> str:
    """``text`` with every character XML cannot carry replaced by a visible sign (U+0001 → ␁, U+FFFF → �),
    never dropped: a reader sees that something was there."""
    return _NOT_XML.sub(_sign, text)


def formula_like(text: str) -> bool:
    """Whether Excel would read ``text``, typed into a cell, as a formula: such a text must be marked as text."""
    return text.startswith(FORMULA_STARTS)


def cell_text(text: str) -> tuple[str, bool]:
    """(the text as it can be written, whether it must be marked as text): the one decision every writer takes."""
    shown = visible(text)
    return shown, formula_like(shown)


def one_line(text: str) -> str:
    """``text`` for a place that holds one line (an email subject, a file name): line breaks and tabs become
    spaces, other controls visible signs."""
    return visible(re.sub(r"[\r\n\t\v\f\x85\u2028\u2029]+", " ", text)).strip()
