"""xl-tools fill writes the collected values into the input cells only: a cell that holds a formula keeps it."""

from __future__ import annotations

from pathlib import Path

import openpyxl

import xl_tools as xt

from tests.helpers.paths import WORKBOOKS

QIJIANG = WORKBOOKS / "綦江区医疗保障局2023_项目支出绩效目标表.xlsx"
PROJECT = "城乡居民医疗保险基金区级补助（预安排）"


def test_a_formula_in_an_input_cell_is_kept_and_listed(tmp_path: Path) -> None:
    """綦江's 城乡居民医疗保险基金区级补助 as `new` writes it, its 全年执行数 (E6) then made a formula by the unit;
    the returned collection sheet gives 2800 for it and 96 for 资金及时划拨 (G13): G13 is filled, E6 keeps
    its formula and is named."""
    created = xt.new(QIJIANG, tmp_path / "自评.xlsx").path
    wb = openpyxl.load_workbook(created)
    wb[PROJECT]["E6"] = "=2700+100"
    wb.save(created)
    collected = xt.collect(created, tmp_path / "采集表.xlsx")
    sheet = openpyxl.load_workbook(collected)
    ws = sheet.active
    assert (ws["B4"].value, ws["B5"].value) == (PROJECT, PROJECT)  # the rows edited below are this project's
    ws["G4"], ws["G5"] = 2800, 96
    sheet.save(tmp_path / "已填.xlsx")

    filled = xt.fill(created, tmp_path / "已填.xlsx", tmp_path / "已填报.xlsx")

    assert filled.formulas_kept == [f"{PROJECT}!E6"]
    out = openpyxl.load_workbook(filled.path)[PROJECT]
    assert out["E6"].value == "=2700+100" and out["G13"].value == 96
