"""The seed sample workbooks read back with openpyxl and python_calamine."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from tests.helpers.samples.seed_forms import build_changshou_2021, build_yuzhong_2023

YZ_SHEETS = ["部门整体", "医疗救助专项经费（残保金）", "居民医保财政补助资金", "购买窗口服务专项经费"]
CS_SHEETS = ["表10", "表11", "表12"]


@pytest.fixture(scope="module")
def yuzhong(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_yuzhong_2023(tmp_path_factory.mktemp("yz") / "yuzhong_2023.xlsx")


@pytest.fixture(scope="module")
def changshou(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_changshou_2021(tmp_path_factory.mktemp("cs") / "changshou_2021.xlsx")


def _calamine(path: Path, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def _sheet_xml(path: Path, index: int) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")


# ---------------------------------------------------------------- seed 000


def test_yuzhong_sheets_and_header(yuzhong: Path) -> None:
    wb = openpyxl.load_workbook(yuzhong)
    assert wb.sheetnames == YZ_SHEETS
    ws = wb["部门整体"]
    assert ws["A1"].value == "2023年度部门整体绩效自评表"
    assert ws["A2"].value == "状态：已送审"
    assert [ws[c].value for c in ("A3", "B3", "E3", "F3", "H3", "I3")] == [
        "项目名称：", "重庆市渝中区医疗保障局整体", "项目编码：", "50010300023P000076", "自评总分：", 100,
    ]
    assert ws["I3"].number_format == "0.00"
    assert [ws[c].value for c in ("A4", "B4", "D4", "E4", "F4", "G4", "H4", "I4")] == [
        "项目主管部门：", "094-重庆市渝中区医疗保障局", "财政归口处室：", "004-社保科",
        "部门联系人：", "周翔", "联系电话：", "63551115",
    ]
    assert wb["医疗救助专项经费（残保金）"]["A1"].value == "2023年度二级项目绩效自评表"
    assert wb["医疗救助专项经费（残保金）"]["A2"].value == "状态：部门审核已审"
    assert wb["医疗救助专项经费（残保金）"]["F3"].value == "50010322T000000088769"
    assert wb["购买窗口服务专项经费"]["G4"].value == "周翔"


def test_yuzhong_funds_are_text(yuzhong: Path) -> None:
    ws = openpyxl.load_workbook(yuzhong)["部门整体"]
    assert [c.value for c in ws[6]][:7] == [
        None, "年初预算数", "全年（调整）预算数", "全年执行数", "执行率", "执行率权重", "执行率得分",
    ]
    assert [c.value for c in ws[7]][:7] == ["年度总金额", "120,996,011.79", "125,738,993.70", "125,738,993.70", None, None, None]
    assert [c.value for c in ws[8]][:7] == ["其中：财政拨款", "120,996,011.79", "125,738,993.70", "125,738,993.70", 100, "10.00", "10.00"]
    assert [c.value for c in ws[9]][:7] == ["一般公共预算", "120,996,011.79", "125,738,993.70", "125,738,993.70", 100, None, None]
    assert ws["B7"].data_type == "s"
    rows = _calamine(yuzhong, "医疗救助专项经费（残保金）")
    assert rows[7][:4] == ["其中：财政拨款", "16,710,000.00", "20,040,000.00", "20,040,000.00"]
    assert rows[6][2] == "20,040,000.00"


def test_yuzhong_targets_and_indicators(yuzhong: Path) -> None:
    wb = openpyxl.load_workbook(yuzhong)
    ws = wb["部门整体"]
    assert [ws[c].value for c in ("A11", "D11", "H11")] == ["年初绩效目标", "全年（调整）绩效目标", "全年目标实际完成情况"]
    assert ws["A12"].value.endswith("开展特病鉴定、全")
    assert ws["D12"].value.endswith("个人权益告")
    assert ws["H12"].value.endswith("职工医保的参保单位和个体参")
    assert "A12:C12" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[14]] == [
        "指标名称", "计量单位", "指标性质", "指标值", "全年完成值", "偏离度（%）",
        "得分系数（%）", "指标权重", "指标得分", "是否核心指标", "说明",
    ]
    assert [c.value for c in ws[15]] == ["定点医疗机构检查覆盖率", "%", "≥", 98, 98, 0, 100, 10, 10, "是", None]
    assert [c.value for c in ws[16]][:3] == ["委托第三方核查医疗机构数量", "家", "＝"]
    assert [c.value for c in ws[19]][:6] == ["医疗救助参保资助人数", "人", "≥", 14500, 15385, 6.1]
    assert [c.value for c in ws[20]] == [
        "医疗救助门诊救助人次数", "人次", "≥", 60000, 85206, 42.01, 100, 10, 10, "是", "救助人次高于目标值",
    ]
    assert [c.value for c in ws[24]][:9] == ["服务对象满意度", "%", "≥", 95, 95, 0, 100, 10, 10]
    assert ws.max_row == 24
    # weights add up to 100 although 执行率 carries 10 as well (a real mistake)
    assert sum(ws.cell(r, 8).value for r in range(15, 25)) == 100
    resident = wb["居民医保财政补助资金"]
    assert resident["A15"].value == "2022年我区居民医保财"
    assert resident["D15"].value == 140000
    assert resident["J15"].value is None

    rows = _calamine(yuzhong, "部门整体")
    assert rows[18][:6] == ["医疗救助参保资助人数", "人", "≥", 14500.0, 15385.0, 6.1]
    assert rows[19][5] == 42.01 and rows[19][10] == "救助人次高于目标值"
    assert rows[2][8] == 100.0


# ---------------------------------------------------------------- seed 003


def test_changshou_t10(changshou: Path) -> None:
    wb = openpyxl.load_workbook(changshou)
    assert wb.sheetnames == CS_SHEETS
    ws = wb["表10"]
    assert [ws[c].value for c in ("A1", "A2", "A3")] == ["表10", "部门整体绩效自评表", "(2021年度)"]
    assert [c.value for c in ws[4]] == ["部门(单位)名称", "重庆市长寿区医疗保障局", "自评得分", "阳宏15808027144"]
    assert ws["D4"].data_type == "s"
    assert ws["B6"].value == 973.9 and ws["B6"].number_format == "0.00"
    assert ws["C6"].value == 973.9
    assert ws["D6"].value == 1 and ws["D6"].number_format == "0.00%"
    assert ws["B8"].value.startswith("保障本单位人员经费和基本运转")
    assert ws["B8"].value.endswith("实现各个项目绩效目标。")
    assert ws["C8"].value.endswith("村社区医保业务信")
    assert "<p>" not in ws["B8"].value
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A5:A6", "A7:A8", "C7:D7", "C8:D8"} <= merged
    rows = _calamine(changshou, "表10")
    assert rows[3][3] == "阳宏15808027144"
    assert rows[5][1:] == [973.9, 973.9, 1.0]


def test_changshou_t11(changshou: Path) -> None:
    ws = openpyxl.load_workbook(changshou)["表11"]
    assert [c.value for c in ws[4]] == ["序号", "项目名称", "预算数(万元)", "执行数(万元)", "自评得分"]
    assert [c.value for c in ws[5]] == [1, "2021年城乡居民基本医疗保险工作经费市级补助资金", 31, 31, 100]
    assert [c.value for c in ws[20]] == [16, "代列-城乡居民医保补助", 5443.5, 5443.5, 100]
    assert ws.max_row == 20
    assert sum(ws.cell(r, 3).value for r in range(5, 21)) == pytest.approx(15688.79)
    rows = _calamine(changshou, "表11")
    assert rows[19] == [16.0, "代列-城乡居民医保补助", 5443.5, 5443.5, 100.0]
    assert rows[16][2] == 5235.75


def test_changshou_t12(changshou: Path) -> None:
    ws = openpyxl.load_workbook(changshou)["表12"]
    assert ws["A4"].value == "专项(项目)名称"
    assert ws["B4"].value == "2021年医疗服务与保障能力提升(医疗保障能力提升部分)中央补助资金"
    assert ws["E4"].value == "阳群凤15826058455"
    assert [c.value for c in ws[7]] == [None, "总量", "52万元", "总量", "52万元", "项目自评得分 (100)", None, None]
    assert [c.value for c in ws[11]] == [
        "绩效指标", "指标名称", "分值", "年度指标值", "全年完成值", "完成比例", "自评得分", "未完成原因和改进措施",
    ]
    assert [c.value for c in ws[12]] == [None, "合计", 100, "—", "—", "—", 100, "—"]
    assert [c.value for c in ws[13]] == [None, "资金到位率", 10, "=100%", "100%", "100%", 10, None]
    assert [c.value for c in ws[19]] == [None, "参保人员对医保服务的满意度", 15, "≥90%", "95%", "100%", 15, None]
    assert [ws[c].value for c in ("B20", "F20")] == ["说明", "无"]
    assert sum(ws.cell(r, 3).value for r in range(13, 20)) == 100
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A6:A8", "A9:A10", "A11:A19", "B4:C4", "B10:D10", "E10:H10", "C20:E20", "F20:H20"} <= merged


def test_equals_text_is_not_a_formula(changshou: Path) -> None:
    ws = openpyxl.load_workbook(changshou)["表12"]
    for row in range(13, 17):
        cell = ws.cell(row, 4)
        assert cell.value == "=100%"
        assert cell.data_type == "s"
    xml = _sheet_xml(changshou, 3)
    assert "<f>" not in xml and "<f " not in xml
    rows = _calamine(changshou, "表12")
    assert rows[12][3] == "=100%"
    assert rows[12][4] == "100%"
    # data_only reading gives the same string, no formula text lost
    ws_values = openpyxl.load_workbook(changshou, data_only=True)["表12"]
    assert ws_values["D13"].value == "=100%"


# ---------------------------------------------------------------- both


def test_print_setup_and_properties(yuzhong: Path, changshou: Path) -> None:
    for path in (yuzhong, changshou):
        wb = openpyxl.load_workbook(path)
        assert wb.properties.creator == "xl_tools samples"
        assert wb.properties.created == datetime(2024, 1, 1)
        assert wb.properties.modified == datetime(2024, 1, 1)
        for ws in wb:
            assert int(ws.page_setup.paperSize) == 9  # A4
            assert ws.page_setup.fitToWidth == 1
            assert ws.sheet_properties.pageSetUpPr.fitToPage
            assert ws["A3"].font.name == "宋体"
    wb = openpyxl.load_workbook(yuzhong)
    assert all(ws.page_setup.orientation == "landscape" for ws in wb)
    assert openpyxl.load_workbook(changshou)["表12"].page_setup.orientation == "landscape"


def test_rebuild_is_identical(tmp_path: Path, yuzhong: Path, changshou: Path) -> None:
    assert build_yuzhong_2023(tmp_path / "a.xlsx").read_bytes() == yuzhong.read_bytes()
    assert build_changshou_2021(tmp_path / "b.xlsx").read_bytes() == changshou.read_bytes()
