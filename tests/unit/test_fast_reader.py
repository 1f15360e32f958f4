"""The default reader's table of built-in number formats is openpyxl's (the reader on files:
tests/integration/test_fast_reader.py)."""

from __future__ import annotations

from openpyxl.styles.numbers import BUILTIN_FORMATS

from xl_tools.reading.fast_backend import BUILTIN_FORMATS as OUR_BUILTIN_FORMATS


def test_builtin_formats_match_openpyxl() -> None:
    assert OUR_BUILTIN_FORMATS == BUILTIN_FORMATS
