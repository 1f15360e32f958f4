"""Editing a user's workbook part by part (xl_tools.workbook.package): nothing else in the file changes.

The test workbook has what users' forms have: comments, data validation (plain
and an x14 one inside extLst), conditional formatting, merged cells, column
widths, a defined name, an image and a drawn shape, a shared formula, shared
strings, a calcChain, a hidden sheet, a VBA project and a customUI ribbon.

Measured for comparison (``test_openpyxl_round_trip_losses``), an openpyxl
3.1 load+save of that same file:
- with ``keep_vba=False``: drops the VBA project and the customUI part and its
  relationship, and writes the workbook as a plain .xlsx main part;
- with ``keep_vba=True``: keeps the vbaProject.bin and customUI parts as files
  but drops the customUI relationship from _rels/.rels, so Excel no longer
  shows the ribbon;
- either way: drops the sheet's extLst (the x14 list validation), the
  mc:Ignorable / x14ac:dyDescent markup, the drawn shape (only the picture
  survives), every formula's cached value (``<v></v>``), the calcChain, and
  rewrites the shared formula and the shared strings (as inline strings).

LibreOffice 7.4 keeps an .xlsx file's cached values on load even with
fullCalcOnLoad="1"; the test that checks recalculated values sets its
OOXMLRecalcMode to "always" in a private profile.
"""

from __future__ import annotations

import io
import math
import os
import re
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook

from xl_tools.core.errors import WorkbookReadError, XlToolsError
from xl_tools.core.sheets.changes import changes_sheet
from xl_tools.workbook.package import (
    CellContent,
    CellWrite,
    Package,
    PackageError,
)
from xl_tools.reading.open import open_workbook
from xl_tools.reading.package_guard import Kept
from xl_tools.workbook.in_place import Saved, save_in_place

from tests.helpers.packages import (
    CUSTOM_UI_REL,
    RIBBON,
    VBA,
    X14_VALIDATION,
    add_macros_ribbon_and_shape,
    parts_of,
    png,
    rewrite_part,
    write_parts,
)
from tests.helpers.samples.yushui import build_yushui_2022

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
WRITES = {
    "C2": CellWrite(170, "B2*2"),          # master of the shared formula C2:C4
    "C4": CellWrite(30.5, "B4*2"),         # was a shared string
    "H6": CellWrite("达标", 'IF(B2>=60,"达标","")', style_of="C2"),  # new row 6, new cell
    "D3": CellWrite(True, "B3>0"),
    "A5": CellWrite("合计"),               # new cell in an existing row, before B5
    "E5": CellWrite(None, "SUM(C2:C4)"),    # no cached value: no <v>
}
EDITED_PARTS = {"xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}
CALC_CHAIN = "xl/calcChain.xml"
pytestmark = pytest.mark.filterwarnings("ignore:Data Validation extension is not supported")  # openpyxl reading it


def _openpyxl_part(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目1"
    for ref, value in {"A1": "指标", "B1": "完成值", "C1": "得分", "D1": "核心", "E1": "说明",
                       "A2": "指标1", "A3": "指标2", "A4": "指标3", "B2": 85, "B3": 40, "B4": 15.25,
                       "C2": "=B2*2", "C3": "=B3*2", "C4": "x", "B5": 140.25}.items():
        ws[ref] = value
    ws["C2"].number_format = "0.00"
    ws["C2"].font = Font(bold=True, color="C00000")
    ws["A1"].comment = Comment("请按年度填写", "财政局")
    dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    dv.add("D2:D4")
    ws.add_data_validation(dv)
    ws.conditional_formatting.add("B2:B4", CellIsRule(operator="lessThan", formula=["60"],
                                                      fill=PatternFill("solid", fgColor="F8CBAD")))
    ws.merge_cells("E1:F1")
    ws.column_dimensions["A"].width = 30
    ws.add_image(Image(io.BytesIO(png())), "H2")
    wb.defined_names["完成值"] = DefinedName("完成值", attr_text="'项目1'!$B$2:$B$4")
    params = wb.create_sheet("参数")
    params.append(["设置"])
    params.append(["是"])
    params.append(["否"])
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "内部"
    hidden.sheet_state = "hidden"
    wb.save(path)


def _by_hand(sheet: str) -> str:
    """What Excel writes and openpyxl cannot: extension namespaces, a shared formula, a shared string, extLst."""
    sheet = sheet.replace(
        f'<worksheet xmlns="{MAIN}"',
        f'<worksheet xmlns="{MAIN}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac"', 1)
    sheet = sheet.replace('<row r="2">', '<row r="2" spans="1:3" x14ac:dyDescent="0.25">', 1)
    sheet = re.sub(r'<c r="C2"( s="\d+")?><f>B2\*2</f><v></v></c>',
                   r'<c r="C2"\1><f t="shared" ref="C2:C3" si="0">B2*2</f><v>170</v></c>', sheet)
    sheet = sheet.replace('<c r="C3"><f>B3*2</f><v></v></c>', '<c r="C3"><f t="shared" si="0"/><v>80</v></c>')
    sheet = sheet.replace('<c r="C4" t="inlineStr"><is><t>x</t></is></c>', '<c r="C4" t="s"><v>0</v></c>')
    assert sheet.count("shared") == 2 and 't="s"' in sheet and "dyDescent" in sheet
    return sheet.replace("</worksheet>", X14_VALIDATION + "</worksheet>")


def rich_workbook(path: Path) -> Path:
    """The test workbook as an .xlsm: openpyxl's part, then what only Excel writes added to the zip."""
    plain = path.with_suffix(".plain.xlsx")
    _openpyxl_part(plain)
    with zipfile.ZipFile(plain) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    plain.unlink()
    parts["xl/worksheets/sheet1.xml"] = _by_hand(parts["xl/worksheets/sheet1.xml"].decode()).encode()
    add_macros_ribbon_and_shape(parts)
    # Excel's own calcPr: no fullCalcOnLoad
    parts["xl/workbook.xml"] = re.sub(rb"<calcPr [^>]*/>", b'<calcPr calcId="191029"/>', parts["xl/workbook.xml"])
    parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>旧得分</t></si></sst>'.encode()
    parts[CALC_CHAIN] = f'<calcChain xmlns="{MAIN}"><c r="C2" i="1"/><c r="C3"/></calcChain>'.encode()
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
        f'<Override PartName="/{CALC_CHAIN}" ContentType="{ct}.calcChain+xml"/></Types>').encode())
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
        f'<Relationship Id="rId91" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId92" Type="{rel}/calcChain" Target="calcChain.xml"/></Relationships>').encode())
    return write_parts(parts, path)


def edit(src: Path, out: Path, kept: Kept | None = None) -> list:
    package = Package.open(src)
    if kept is not None:
        package.adopt(kept)
    changes = package.set_cells("项目1", WRITES)
    package.replace_sheet("变更记录", [["工作表", "单元格", "原值", "新值"],
                                    *[[c.sheet, c.ref, c.old.value, c.new.value] for c in changes]],
                          widths={"A": 12, "D": 20})
    package.set_full_calc_on_load()
    package.save(out)
    return changes


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return rich_workbook(tmp_path_factory.mktemp("pkg") / "自评表.xlsm")


@pytest.fixture(scope="module")
def edited(original: Path) -> Path:
    out = original.with_name("自评表_结果.xlsm")
    edit(original, out)
    return out


@pytest.fixture(scope="module")
def sheet_xml(edited: Path) -> str:
    return parts_of(edited)["xl/worksheets/sheet1.xml"].decode()


def cell_xml(sheet: str, ref: str) -> str:
    match = re.search(rf'<c r="{ref}"(?: [^>/]*)?(?:/>|>.*?</c>)', sheet)
    assert match, ref
    return match[0]


# =========================================================================== nothing lost


def test_only_the_edited_parts_differ(original: Path, edited: Path) -> None:
    before, after = parts_of(original), parts_of(edited)
    assert {name for name in before if before[name] != after.get(name)} == EDITED_PARTS | {CALC_CHAIN}
    assert set(after) - set(before) == {"xl/worksheets/sheet4.xml"}
    assert list(after)[: len(before) - 1] == [name for name in before if name != CALC_CHAIN]  # order kept


def test_comments_survive(edited: Path) -> None:
    comment = openpyxl.load_workbook(edited)["项目1"]["A1"].comment
    assert (comment.text, comment.author) == ("请按年度填写", "财政局")


def test_data_validation_survives(edited: Path) -> None:
    (dv,) = openpyxl.load_workbook(edited)["项目1"].data_validations.dataValidation
    assert (str(dv.sqref), dv.type, dv.formula1) == ("D2:D4", "list", '"是,否"')


def test_conditional_formatting_survives(edited: Path) -> None:
    cf = openpyxl.load_workbook(edited)["项目1"].conditional_formatting
    (rule,) = [rule for rng in cf for rule in rng.rules if str(rng.sqref) == "B2:B4"]
    assert (rule.operator, rule.formula) == ("lessThan", ["60"])


def test_merged_cells_survive(edited: Path) -> None:
    assert [str(r) for r in openpyxl.load_workbook(edited)["项目1"].merged_cells.ranges] == ["E1:F1"]


def test_column_widths_survive(edited: Path) -> None:
    assert openpyxl.load_workbook(edited)["项目1"].column_dimensions["A"].width == 30


def test_defined_names_survive(edited: Path) -> None:
    assert openpyxl.load_workbook(edited).defined_names["完成值"].attr_text == "'项目1'!$B$2:$B$4"


def test_image_and_shape_survive(original: Path, edited: Path) -> None:
    before, after = parts_of(original), parts_of(edited)
    for part in ("xl/drawings/drawing1.xml", "xl/drawings/_rels/drawing1.xml.rels", "xl/media/image1.png"):
        assert after[part] == before[part], part
    assert "矩形 2" in after["xl/drawings/drawing1.xml"].decode()
    assert len(openpyxl.load_workbook(edited)["项目1"]._images) == 1


def test_other_sheets_survive(original: Path, edited: Path) -> None:
    before, after = parts_of(original), parts_of(edited)
    assert after["xl/worksheets/sheet2.xml"] == before["xl/worksheets/sheet2.xml"]
    assert [c.value for c in openpyxl.load_workbook(edited)["参数"]["A"]] == ["设置", "是", "否"]


def test_hidden_sheet_stays_hidden(edited: Path) -> None:
    wb = openpyxl.load_workbook(edited)
    assert wb.sheetnames == ["项目1", "参数", "隐藏", "变更记录"]
    assert [ws.sheet_state for ws in wb.worksheets] == ["visible", "visible", "hidden", "visible"]


def test_vba_project_identical(edited: Path) -> None:
    after = parts_of(edited)
    assert after["xl/vbaProject.bin"] == VBA
    assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in after["[Content_Types].xml"]
    assert b'Target="vbaProject.bin"' in after["xl/_rels/workbook.xml.rels"]


def test_custom_ui_part_and_relationship_identical(original: Path, edited: Path) -> None:
    before, after = parts_of(original), parts_of(edited)
    assert after["customUI/customUI14.xml"] == RIBBON
    assert after["_rels/.rels"] == before["_rels/.rels"]
    assert CUSTOM_UI_REL.encode() in after["_rels/.rels"]


def test_ext_lst_and_extension_markup_survive_in_the_edited_sheet(sheet_xml: str) -> None:
    assert "<x14:formula1><xm:f>参数!$A$2:$A$3</xm:f></x14:formula1><xm:sqref>G2:G4</xm:sqref>" in sheet_xml
    assert 'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"' in sheet_xml
    assert 'mc:Ignorable="x14ac"' in sheet_xml
    assert '<row r="2" spans="1:3" x14ac:dyDescent="0.25">' in sheet_xml


def test_openpyxl_round_trip_losses(original: Path, tmp_path: Path) -> None:
    """What the module docstring says an openpyxl load+save loses, measured on the same file."""
    for keep_vba in (False, True):
        out = tmp_path / f"openpyxl_{keep_vba}.xlsm"
        openpyxl.load_workbook(original, keep_vba=keep_vba).save(out)
        after = parts_of(out)
        sheet, drawing = after["xl/worksheets/sheet1.xml"].decode(), after["xl/drawings/drawing1.xml"].decode()
        assert CUSTOM_UI_REL.encode() not in after["_rels/.rels"]
        assert ("customUI/customUI14.xml" in after, after.get("xl/vbaProject.bin") == VBA) == (keep_vba, keep_vba)
        assert (b"macroEnabled" in after["[Content_Types].xml"]) == keep_vba
        assert "x14:dataValidation" not in sheet and "Ignorable" not in sheet and "dyDescent" not in sheet
        assert "矩形 2" not in drawing and "<pic>" in drawing
        assert '<c r="C2" s="1"><f>B2*2</f><v></v></c>' in sheet  # cached 170 gone, shared formula unshared
        assert CALC_CHAIN not in after and "xl/sharedStrings.xml" not in after


# =========================================================================== the written cells


def test_cached_values_and_formulas_read_back(edited: Path) -> None:
    cached = openpyxl.load_workbook(edited, data_only=True)["项目1"]
    formulas = openpyxl.load_workbook(edited)["项目1"]
    expected = {"C2": (170, "=B2*2"), "C3": (80, "=B3*2"), "C4": (30.5, "=B4*2"), "D3": (True, "=B3>0"),
                "H6": ("达标", '=IF(B2>=60,"达标","")'), "A5": ("合计", "合计"), "E5": (None, "=SUM(C2:C4)")}
    for ref, (value, formula) in expected.items():
        assert (cached[ref].value, formulas[ref].value) == (value, formula), ref
    calamine = CalamineWorkbook.from_path(str(edited)).get_sheet_by_name("项目1").to_python()
    assert [row[2] for row in calamine[1:4]] == [170, 80, 30.5]
    assert (calamine[2][3], calamine[4][0], calamine[5][7]) == (True, "合计", "达标")


def test_cell_xml_keeps_style_and_types(original: Path, sheet_xml: str) -> None:
    source = parts_of(original)["xl/worksheets/sheet1.xml"].decode()
    style = re.search(r'<c r="C2" (s="\d+")', source)[1]
    assert cell_xml(sheet_xml, "C2") == cell_xml(source, "C2")  # same content: untouched
    assert cell_xml(sheet_xml, "H6") == f'<c r="H6" {style} t="str"><f>IF(B2&gt;=60,"达标","")</f><v>达标</v></c>'
    assert cell_xml(sheet_xml, "C4") == "<c r=\"C4\"><f>B4*2</f><v>30.5</v></c>"  # shared string replaced
    assert cell_xml(sheet_xml, "D3") == '<c r="D3" t="b"><f>B3&gt;0</f><v>1</v></c>'
    assert cell_xml(sheet_xml, "A5") == '<c r="A5" t="inlineStr"><is><t>合计</t></is></c>'
    assert cell_xml(sheet_xml, "E5") == "<c r=\"E5\"><f>SUM(C2:C4)</f></c>"
    assert re.findall(r'<c r="([A-Z]+5)"', sheet_xml) == ["A5", "B5", "E5"]  # column order
    assert re.findall(r'<row r="(\d+)"', sheet_xml) == ["1", "2", "3", "4", "5", "6"]
    assert '<dimension ref="A1:H6"/>' in sheet_xml


def test_shared_strings_untouched_and_calc_chain_removed(original: Path, edited: Path) -> None:
    before, after = parts_of(original), parts_of(edited)
    assert after["xl/sharedStrings.xml"] == before["xl/sharedStrings.xml"]
    assert CALC_CHAIN not in after
    assert b"calcChain" not in after["[Content_Types].xml"] + after["xl/_rels/workbook.xml.rels"]
    assert b'<calcPr calcId="191029" fullCalcOnLoad="1"/>' in after["xl/workbook.xml"]


def test_overwriting_a_shared_formula_master_keeps_the_others(original: Path, tmp_path: Path) -> None:
    package = Package.open(original)
    assert package.read_cell("项目1", "C3") == CellContent(80, "B3*2")
    assert package.read_cell("项目1", "C4") == CellContent("旧得分", None)
    (change,) = package.set_cells("项目1", {"C2": CellWrite(8, "B2/10+0.5")})
    assert change.old == CellContent(170, "B2*2")
    out = package.save(tmp_path / "shared.xlsx")
    assert openpyxl.load_workbook(out)["项目1"]["C3"].value == "=B3*2"
    assert Package.open(out).read_cell("项目1", "C3") == CellContent(80, "B3*2")


def test_change_log_sheet(edited: Path) -> None:
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(edited)["变更记录"].iter_rows()]
    assert rows[0] == ["工作表", "单元格", "原值", "新值"]
    assert rows[2] == ["项目1", "C4", "旧得分", 30.5]
    assert [r[1] for r in rows[1:]] == ["D3", "C4", "A5", "E5", "H6"]  # in sheet order; C2 held 170 already


# =========================================================================== same writes, same bytes


def test_editing_twice_gives_identical_bytes(original: Path, edited: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.xlsm"
    edit(original, again)
    assert again.read_bytes() == edited.read_bytes()
    package = Package.open(edited)
    assert package.set_cells("项目1", WRITES) == []
    package.replace_sheet("变更记录", [[c.value for c in row] for row in
                                    openpyxl.load_workbook(edited)["变更记录"].iter_rows()], widths={"A": 12, "D": 20})
    package.set_full_calc_on_load()
    assert not package.changed
    assert package.save(tmp_path / "third.xlsm").read_bytes() == edited.read_bytes()


def test_sheets_parsed_by_the_read_are_written_as_if_parsed_again(original: Path, edited: Path,
                                                                  tmp_path: Path) -> None:
    """recompute gives the editor the sheets its read parsed and measured (Package.adopt): the same bytes come
    out.  Sheets read from other bytes are not taken: here they would put another workbook's 项目1 in."""
    kept = Kept()
    open_workbook(original, keep=kept)
    assert "xl/worksheets/sheet1.xml" in kept.sheets
    edit(original, tmp_path / "adopted.xlsm", kept)
    assert (tmp_path / "adopted.xlsm").read_bytes() == edited.read_bytes()
    other = Kept()
    open_workbook(build_yushui_2022(tmp_path / "other.xlsx"), keep=other)
    assert "xl/worksheets/sheet1.xml" in other.sheets
    edit(original, tmp_path / "not_adopted.xlsm", other)
    assert (tmp_path / "not_adopted.xlsm").read_bytes() == edited.read_bytes()


# =========================================================================== in place


def test_save_in_place_keeps_a_backup(original: Path, edited: Path, tmp_path: Path) -> None:
    target = shutil.copy(original, tmp_path / "表.xlsm")
    saved = save_in_place(target, lambda p: p.set_cells("项目1", {"C4": CellWrite(30.5, "B4*2")}))
    assert [c.ref for c in saved.result] == ["C4"] and saved.backup == tmp_path / "表.bak.xlsm"
    assert (tmp_path / "表.bak.xlsm").read_bytes() == original.read_bytes()
    assert Package.open(target).read_cell("项目1", "C4") == CellContent(30.5, "B4*2")
    save_in_place(target, lambda p: p.set_cells("项目1", {"C4": CellWrite(1, "B4*2")}))
    assert (tmp_path / "表.bak.xlsm").read_bytes() == original.read_bytes()  # an earlier backup is kept
    assert Package.open(tmp_path / "表.bak2.xlsm").read_cell("项目1", "C4") == CellContent(30.5, "B4*2")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["表.bak.xlsm", "表.bak2.xlsm", "表.xlsm"]


def test_save_in_place_without_changes_writes_nothing(original: Path, tmp_path: Path) -> None:
    target = shutil.copy(original, tmp_path / "表.xlsm")
    assert save_in_place(target, lambda p: p.set_cells("项目1", {"C2": CellWrite(170, "B2*2")})) == Saved([], None)
    assert [p.name for p in tmp_path.iterdir()] == ["表.xlsm"]


def test_failed_edit_leaves_the_input_untouched(original: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    target = shutil.copy(original, tmp_path / "表.xlsm")

    def fail(package: Package) -> None:
        package.set_cells("项目1", {"C4": CellWrite(1, "B4*2")})
        raise RuntimeError("计算中断")

    with pytest.raises(RuntimeError):
        save_in_place(target, fail)
    assert [p.name for p in tmp_path.iterdir()] == ["表.xlsm"]

    def crash(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", crash)  # the disk fills up while the backup is written
    with pytest.raises(XlToolsError, match="无法写入"):
        save_in_place(target, lambda p: p.set_cells("项目1", {"C4": CellWrite(1, "B4*2")}))
    assert Path(target).read_bytes() == original.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["表.xlsm"]  # no temp file, no backup


# =========================================================================== bad input


def test_bad_inputs_name_file_sheet_and_cell(original: Path, tmp_path: Path) -> None:
    text = tmp_path / "假的.xlsx"
    text.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(WorkbookReadError, match="假的.xlsx"):
        Package.open(text)
    package = Package.open(original)
    with pytest.raises(PackageError, match="自评表.xlsm 中没有名为「项目9」的工作表"):
        package.set_cells("项目9", {"A1": CellWrite(1)})
    with pytest.raises(PackageError, match="自评表.xlsm 工作表「项目1」：「A0」不是有效的单元格地址"):
        package.set_cells("项目1", {"A0": CellWrite(1)})
    with pytest.raises(PackageError, match="XFE1"):
        package.read_cell("项目1", "XFE1")
    with pytest.raises(PackageError, match="不可用"):
        package.replace_sheet("变更/记录", [])
    with pytest.raises(ValueError):
        CellWrite(1, "=A1")
    assert issubclass(PackageError, XlToolsError)


def test_array_formula_cells_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "数组.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    wb.save(path)
    parts = parts_of(path)
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b"</row>", b'<c r="B1"><f t="array" ref="B1:B2">A1:A2*2</f><v>2</v></c></row>'
                   b'<row r="2"><c r="B2"><v>0</v></c></row>', 1)
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    with pytest.raises(PackageError, match="B2 属于数组公式区域 B1:B2"):
        Package.open(path).set_cells("Sheet", {"B2": CellWrite(5)})


# =========================================================================== LibreOffice


def libreoffice_csv(path: Path, outdir: Path, *, recalculate: bool) -> list[list[str]]:
    """The first sheet as LibreOffice shows it, in a private profile (recalculating on load if asked)."""
    profile = outdir / f"lo_{uuid.uuid4().hex}"
    if recalculate:
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(
            '<?xml version="1.0" encoding="UTF-8"?><oor:items xmlns:oor="http://openoffice.org/2001/registry">'
            '<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" '
            'oor:op="fuse"><value>0</value></prop></item></oor:items>', encoding="utf-8")
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(outdir), str(path)],
                   check=True, capture_output=True, timeout=300)
    text = (outdir / f"{path.stem}.csv").read_text(encoding="utf-8")
    return [line.split(",") for line in text.splitlines()]


@pytest.mark.parametrize("recalculate", [False, True])
def test_libreoffice_opens_the_result(edited: Path, tmp_path: Path, recalculate: bool) -> None:
    rows = libreoffice_csv(edited, tmp_path, recalculate=recalculate)
    assert [r[2] for r in rows[1:4]] == ["170.00", "80", "30.5"]  # C2 keeps its 0.00 format
    assert (rows[2][3], rows[4][0], rows[5][7]) == ("TRUE", "合计", "达标")
    assert rows[4][4] == "280.5"  # E5 has no cached value: LibreOffice computes it either way


def test_libreoffice_recalculation_catches_a_wrong_cached_value(original: Path, tmp_path: Path) -> None:
    package = Package.open(original)
    package.set_cells("项目1", {"C4": CellWrite(999, "B4*2")})
    wrong = package.save(tmp_path / "wrong.xlsx")
    assert libreoffice_csv(wrong, tmp_path / "kept", recalculate=False)[3][2] == "999"
    assert libreoffice_csv(wrong, tmp_path / "recalc", recalculate=True)[3][2] == "30.5"


def test_a_formula_saved_without_its_result_and_a_non_number_read_back_without_failing(tmp_path: Path) -> None:
    """openpyxl saves a formula it cannot calculate as ``<f>…</f><v></v>``; a number cell may hold a text no
    number reads from (a hand-edited or broken file): neither stops the editor reading the cell."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=2700+100"
    wb.active["A2"] = 5
    wb.save(tmp_path / "f.xlsx")
    with zipfile.ZipFile(tmp_path / "f.xlsx") as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert b"<v></v>" in parts[sheet] or b"<v />" in parts[sheet]
    parts[sheet] = parts[sheet].replace(b"<v>5</v>", b"<v>abc</v>")
    with zipfile.ZipFile(tmp_path / "g.xlsx", "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    pkg = Package.open(tmp_path / "g.xlsx")
    assert pkg.read_cell("Sheet", "A1") == (None, "2700+100")
    assert pkg.read_cell("Sheet", "A2") == ("abc", None)


def test_print_area_of_the_forms_columns_where_the_sheet_has_none(tmp_path: Path) -> None:
    """What a job prints of a sheet it wrote helper columns on (``print_within``): what the sheet held before
    the job wrote to it (cells with a value or a format alone, merged ranges), at least the form's columns; the
    helper cells written are left out, and a print area the sheet has is kept.  A definedNames the workbook
    lacks goes after its links to other workbooks, where Excel expects it (before them, Excel "repairs" the
    file)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目'甲"
    ws["A1"], ws["K12"] = "项目名称", 5
    ws["C14"].fill = PatternFill("solid", fgColor="FFFF00")  # a format, no value: a bordered row of the form
    ws.merge_cells("A15:L15")  # a note merged wider than the table
    narrow = wb.create_sheet("窄")
    narrow["A1"] = "得分"
    own = wb.create_sheet("有区域")
    own["A1"], own["Z40"] = 1, 2
    own.print_area = "A1:B2"
    src = tmp_path / "src.xlsx"
    wb.save(src)
    out = tmp_path / "out.xlsx"
    pkg = Package.open(src)
    pkg.set_cells("项目'甲", {"N12": CellWrite(5, "K12"), "N30": CellWrite("辅助")})  # helpers: not printed
    pkg.print_within("项目'甲", 11)
    pkg.print_within("窄", 3)  # the form's columns as the plan found them, though empty here
    pkg.print_within("有区域", 11)
    pkg.print_within("项目'甲", 13)  # once only
    pkg.save(out)
    book = openpyxl.load_workbook(out)
    assert book["项目'甲"].print_area == "'项目''甲'!$A$1:$L$15"
    assert book["窄"].print_area == "'窄'!$A$1:$C$1"
    assert book["有区域"].print_area == "'有区域'!$A$1:$B$2"
    assert len(re.findall(rb"_xlnm.Print_Area", zipfile.ZipFile(out).read("xl/workbook.xml"))) == 3

    rel = b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    linked = rewrite_part(src, tmp_path / "linked.xlsx", "xl/workbook.xml", rb"<definedNames>.*</definedNames>",
                          b"<externalReferences><externalReference " + rel + b' r:id="rId99"/></externalReferences>')
    pkg = Package.open(linked)
    pkg.print_within("项目'甲", 11)
    pkg.save(out)
    root = etree.fromstring(zipfile.ZipFile(out).read("xl/workbook.xml"))
    tags = [el.tag.split("}")[1] for el in root]
    assert tags.index("definedNames") == tags.index("externalReferences") + 1, tags
    assert [el.text for el in root.iter(f"{{{MAIN}}}definedName")] == ["'项目''甲'!$A$1:$L$15"]


def test_sheets_written_by_another_package_of_the_same_file(tmp_path: Path) -> None:
    """What recompute's second process writes (``written_sheets``) taken into the first's package
    (``take_sheets``) makes the file one package writing both sheets makes: the cell formats each added are
    numbered as one package numbers them, here swapped (the second added the quote-prefixed format first, the
    first package has the percent one at that number), and the print area is the sheet as read, not as written."""
    wb = openpyxl.Workbook()
    first_sheet = wb.active
    first_sheet.title = "甲"
    second_sheet = wb.create_sheet("乙")
    for ws in (first_sheet, second_sheet):
        ws["A1"], ws["B1"] = "x", 1
        ws["A1"].font = ws["B1"].font = Font(bold=True)  # one cell format, not the default
    src = tmp_path / "src.xlsx"
    wb.save(src)
    added_from = len(etree.fromstring(zipfile.ZipFile(src).read("xl/styles.xml")).find(f"{{{MAIN}}}cellXfs"))
    writes = {"甲": {"B1": CellWrite(0.5, "1/2", number_format="0.00%")},
              "乙": {"A1": CellWrite("=不是公式"), "B1": CellWrite(0.25, "1/4", number_format="0.00%"),
                     "C1": CellWrite("", 'IF(B1>1,"超","")'),  # an empty cached text: <v></v> stays as it is
                     "D5": CellWrite(2, label="辅助")}}

    one = Package.open(src)
    for sheet, cells in writes.items():
        one.set_cells(sheet, cells)
    one.print_within("乙", 1)
    one.save(tmp_path / "one.xlsx")

    first, second = Package.open(src), Package.open(src)
    first.set_cells("甲", writes["甲"])
    second.set_cells("乙", writes["乙"])
    first.take_sheets(second.written_sheets())
    first.print_within("乙", 1)
    first.save(tmp_path / "two.xlsx")

    assert parts_of(tmp_path / "two.xlsx") == parts_of(tmp_path / "one.xlsx")
    book = openpyxl.load_workbook(tmp_path / "two.xlsx")
    assert book["乙"]["B1"].number_format == "0.00%" and book["乙"]["A1"].quotePrefix
    assert book["乙"].print_area == "'乙'!$A$1:$B$1"
    sheet = etree.fromstring(zipfile.ZipFile(tmp_path / "two.xlsx").read("xl/worksheets/sheet2.xml"))
    styles = {c.get("r"): c.get("s") for c in sheet.iter(f"{{{MAIN}}}c")}
    assert (styles["B1"], styles["A1"]) == (str(added_from), str(added_from + 1))  # the other way round in ``second``


def test_rows_below_keep_a_negative_zero(tmp_path: Path) -> None:
    """The rows of a toolkit sheet (变更记录's thousands) are written as text, each value's text made once: 0.0
    and -0.0 are equal as numbers but not as the value a cell held."""
    wb = openpyxl.Workbook()
    wb.active.title = "表"
    wb.save(tmp_path / "src.xlsx")
    pkg = Package.open(tmp_path / "src.xlsx")
    pkg.put_spec(changes_sheet([["表", "A1", "得分", 0.0, -0.0, None, None], ["表", "A2", "得分", -0.0, 0, None, None]],
                               version="test", rule_set="default", rule_set_hash="0"))
    pkg.save(tmp_path / "out.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "out.xlsx")["变更记录"].iter_rows(min_row=3, values_only=True))
    assert [[math.copysign(1, v) for v in row[3:5]] for row in rows] == [[1, -1], [-1, 1]]
