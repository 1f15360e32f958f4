"""The toolkit's template: every field named, every sheet there, and printable on A4."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from xl_tools.layouts import template as names
from xl_tools.workbook.template import build_template

A4_POINTS = (595.3, 841.9)  # 210 × 297 mm in PostScript points


@pytest.fixture(scope="module")
def template_path(tmp_path_factory) -> Path:
    return build_template(tmp_path_factory.mktemp("tpl") / "模板.xlsx", year=2024)


def test_template_has_the_four_sheets(template_path):
    wb = openpyxl.load_workbook(template_path)
    assert wb.sheetnames == ["项目1", "参数", "表11", "校验结果"]


def test_every_field_has_a_sheet_scoped_name(template_path):
    ws = openpyxl.load_workbook(template_path)["项目1"]
    expected = {names.TITLE, names.YEAR, names.NAME, names.CODE, names.DEPT, names.UNIT, names.FUNDS,
                names.EXEC_WEIGHT, names.EXEC_RATE, names.EXEC_SCORE, names.INDICATORS, names.TOTAL, names.GRADE}
    assert expected <= set(ws.defined_names)
    # the names point at the labelled cells of the form
    label_left_of = {names.NAME: "项目名称", names.CODE: "项目编码", names.DEPT: "主管部门", names.UNIT: "实施单位"}
    for name, label in label_left_of.items():
        (sheet, ref), = ws.defined_names[name].destinations
        cell = ws[ref.replace("$", "")]
        assert sheet == "项目1"
        assert ws.cell(cell.row, cell.column - 1).value == label
    (_, ref), = ws.defined_names[names.INDICATORS].destinations
    header = ws[ref.replace("$", "").split(":")[0]].row
    assert [c.value for c in ws[header]][:3] == ["一级指标", "二级指标", "三级指标"]


def test_print_setup_is_a4_one_page_wide(template_path):
    wb = openpyxl.load_workbook(template_path)
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9, ws.title  # 9 = A4 in SpreadsheetML
        assert int(ws.page_setup.fitToWidth) == 1, ws.title
    assert wb["项目1"].page_setup.orientation == "landscape"
    assert wb["项目1"].print_title_rows == "$12:$12"


def test_libreoffice_prints_the_project_sheet_on_a4_landscape(template_path, tmp_path):
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(template_path)],
                   check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "模板.pdf").read_bytes()
    boxes = [tuple(float(x) for x in m.split()[2:4])
             for m in re.findall(rb"/MediaBox\s*\[\s*([0-9. ]+?)\s*\]", pdf)]
    page_boxes = [b for b in boxes if sorted(b) != [max(b)] * 2]  # drop the page-tree default box
    assert page_boxes, "no pages in the PDF"
    for width, height in page_boxes:
        assert sorted((round(width, 1), round(height, 1))) == sorted(A4_POINTS)
    first_width, first_height = page_boxes[0]
    assert first_width > first_height  # the project sheet prints landscape, one page wide


def test_the_command_defaults_to_the_year_being_evaluated(tmp_path: Path) -> None:
    """Self-evaluation looks back: in 2026 the 2025 projects are evaluated."""
    import datetime

    from xl_tools.jobs.template import evaluated_year

    from tests.helpers.cli import xl

    assert evaluated_year(datetime.date(2026, 3, 31)) == 2025
    assert evaluated_year(datetime.date(2027, 1, 1)) == 2026
    run = xl("template", "-o", "模板.xlsx", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    sheet = openpyxl.load_workbook(tmp_path / "模板.xlsx").worksheets[0]
    assert sheet["A2"].value == f"（{datetime.date.today().year - 1}年度）"


def test_an_xlsm_template_is_the_ribbon_template_for_that_year(tmp_path: Path) -> None:
    """A plain workbook under a macro name is one Excel refuses to open: .xlsm gives the real thing."""
    import zipfile

    from tests.helpers.cli import xl

    run = xl("template", "-o", "2026年模板.xlsm", "--year", "2026", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(tmp_path / "2026年模板.xlsm") as zf:
        names_in = set(zf.namelist())
        types = zf.read("[Content_Types].xml").decode()
    assert {"xl/vbaProject.bin", "customUI/customUI14.xml"} <= names_in
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    sheet = openpyxl.load_workbook(tmp_path / "2026年模板.xlsm").worksheets[0]
    assert sheet["A2"].value == "（2026年度）"
    refused = xl("template", "-o", "模板.xls", cwd=tmp_path)
    assert refused.returncode == 2 and "模板只能保存为 .xlsx，或带「绩效自评」功能区和宏的 .xlsm" in refused.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026年模板.xlsm"]
