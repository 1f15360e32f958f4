"""The 绩效自评 ribbon's text sources (ribbon.xml, XlTools.bas, the xlwings pin) and the MS-OVBA compression;
the built .xlsm and .xlam: tests/integration/test_addin.py."""

from __future__ import annotations

import re
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

with warnings.catch_warnings():  # olevba's pyparsing grammar uses names pyparsing 3 deprecates
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import decompress_stream

from xl_tools.addin import build
from xl_tools.addin.ovba import compress

from tests.helpers.addin import SOURCES, pinned_version
from tests.helpers.paths import REPO


SCHEMAS = REPO.parent / "shared" / "schemas"
UI = "{http://schemas.microsoft.com/office/2009/07/customui}"
CJK = re.compile(r"[\u4e00-\u9fff]")

GROUPS = {
    "校验": {"check": "校验权重"},
    "计算": {"fill": "填充完成值", "recompute": "重算得分", "undo": "撤销上次操作"},
    "汇总": {"summary": "生成表11", "collect": "导出采集表"},
    "输出": {"report": "生成报告", "pdf": "导出PDF", "email": "发送邮件"},
}


def ribbon() -> etree._Element:
    return etree.parse(str(SOURCES / "ribbon.xml")).getroot()


def buttons() -> list[etree._Element]:
    return ribbon().findall(f".//{UI}button")


# ---- the text sources -------------------------------------------------------------------------------------


def test_ribbon_is_valid_customui14() -> None:
    xsd = SCHEMAS / "customUI14.xsd"
    if not xsd.is_file():
        pytest.skip(f"Microsoft's customUI14.xsd is not beside the repository ({xsd})")
    import xmlschema

    schema = xmlschema.XMLSchema(str(xsd))  # Microsoft's schema as it is (lxml's libxml2 rejects it)
    schema.validate(str(SOURCES / "ribbon.xml"))
    # the check has teeth: a size the schema lacks is refused
    broken = (SOURCES / "ribbon.xml").read_text(encoding="utf-8").replace('size="large"', 'size="huge"', 1)
    assert not schema.is_valid(broken)


def test_ribbon_has_the_tab_groups_and_buttons() -> None:
    (tab,) = ribbon().findall(f"{UI}ribbon/{UI}tabs/{UI}tab")
    assert tab.get("label") == "绩效自评"
    found = {g.get("label"): {b.get("id"): b.get("label") for b in g.findall(f"{UI}button")}
             for g in tab.findall(f"{UI}group")}
    assert found == GROUPS
    assert [g.get("label") for g in tab.findall(f"{UI}group")] == list(GROUPS)
    for button in buttons():
        assert button.get("onAction") == "XlTools.OnAction", button.get("id")
        assert button.get("imageMso"), button.get("id")
        assert CJK.search(button.get("screentip", "")) and CJK.search(button.get("supertip", "")), button.get("id")


def test_every_button_is_one_python_knows() -> None:
    from xl_tools.ribbon import BUTTONS

    assert {b.get("id") for b in buttons()} == set(BUTTONS)


def test_vba_module_is_ascii_and_dispatches_every_button() -> None:
    data = (SOURCES / "XlTools.bas").read_bytes()
    assert data.isascii()
    text = data.decode("ascii")
    assert text.splitlines()[0] == 'Attribute VB_Name = "XlTools"'
    assert re.search(r"^Option Explicit$", text, re.MULTILINE)
    subs = re.findall(r"^(?:Public )?Sub (\w+)\((.*)\)$", text, re.MULTILINE)
    assert subs == [("OnAction", "control As IRibbonControl")]
    assert ("""RunPython "import xl_tools.ribbon as r; r.run('" & control.Id & "', addin='" & ADDIN_VERSION & "')\""""
            in text)


def test_vba_checks_python_and_version_once_before_running_python() -> None:
    """Before the first RunPython: the configured interpreter, then the installed version against the add-in's;
    each failure one message of our own and no RunPython (what Excel does with it cannot be run here)."""
    text = (SOURCES / "XlTools.bas").read_text(encoding="ascii")
    on_action = text[text.index("Public Sub OnAction"):text.index("End Sub")]
    assert on_action.index("Ready()") < on_action.index("RunPython")
    assert "Checked = True" in on_action and "If Not Ready() Then Exit Sub" in on_action
    ready = text[text.index("Private Function Ready"):]
    checks = ['GetConfig("INTERPRETER_WIN", "")', 'GetConfig("XL_TOOLS_VERSION", "")',
              "Not FileExists(interpreter)", "installed <> ADDIN_VERSION"]
    assert all(c in ready for c in checks)
    assert [ready.index(c) for c in checks] == sorted(ready.index(c) for c in checks)
    assert re.findall(r'Text\("(\w+)"\)', ready) == [
        "no_workbook", "title", "not_installed", "title", "no_python", "title", "other_version", "title"]
    assert "RunPython" not in ready


def test_messages_module_spells_each_message_in_utf16_code_units() -> None:
    from xl_tools.addin.messages import MESSAGES, text_module

    source = text_module("9.8.7").source
    assert source.isascii() and max(map(len, source.splitlines())) <= 1023
    assert 'Public Const ADDIN_VERSION As String = "9.8.7"' in source
    found = dict(re.findall(r'Case "(\w+)": Text = U\("([0-9A-F ]+)"\)', source))
    assert set(found) == set(MESSAGES)
    # what the module's U does with ChrW, done by hand: "7EE9" is 绩 (U+7EE9), "D A" a CR LF
    assert found["title"] == "7EE9 6548 81EA 8BC4 5DE5 5177"
    decoded = {key: "".join(chr(int(code, 16)) for code in codes.split()) for key, codes in found.items()}
    assert decoded["no_python"].startswith("找不到加载项配置的 Python：{0}\r\n\r\n")
    assert decoded == {key: text.replace("\n", "\r\n") for key, text in MESSAGES.items()}


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.binary(max_size=3000), st.binary(min_size=8192, max_size=8192),
                 st.lists(st.sampled_from([b"Dim ", b"x", b" As Long\r\n", b"\0", b"    ", b"End Sub\r\n"]),
                          max_size=2500).map(b"".join)))
def test_olevba_decompresses_what_we_compress(data: bytes) -> None:
    """Random bytes need raw chunks, repetitive text long overlapping copies; oletools' decompressor reads both.

    (A short last chunk that does not compress is refused: a raw chunk holds 4096 bytes; text always compresses.)
    """
    assert decompress_stream(bytearray(compress(data))) == data


def test_the_pin_the_builder_reads_is_pyprojects() -> None:
    assert build.pinned_xlwings() == pinned_version()
