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
