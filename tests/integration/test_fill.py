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


def _cells(path: Path, sheet: str) -> list[list[object]]:
    return [[c.value for c in row] for row in openpyxl.load_workbook(path)[sheet].iter_rows()]


def test_fill_leaves_the_workbook_as_run_would_and_recompute_then_changes_nothing(tmp_path: Path) -> None:
    """綦江 through new, collect and fill (2800 for 城乡居民医疗保险基金区级补助's 全年执行数, 96 for 资金及时
    划拨): its 表11 and 校验结果 are run's on the filled workbook, cell for cell; the 40 warnings `new` listed
    about the target table (sheet 表十三, a sheet of another file) are gone; recompute and run write nothing
    more into the user's sheets."""
    created = xt.new(QIJIANG, tmp_path / "自评.xlsx").path
    assert any(row[2] == "表十三" for row in _cells(created, "校验结果")[1:])
    sheet = openpyxl.load_workbook(xt.collect(created, tmp_path / "采集表.xlsx"))
    sheet.active["G4"], sheet.active["G5"] = 2800, 96
    sheet.save(tmp_path / "已填.xlsx")

    filled = xt.fill(created, tmp_path / "已填.xlsx", tmp_path / "已填报.xlsx").path
    ran = xt.run(filled, tmp_path / "再运行.xlsx")

    for name in ("表11", "校验结果"):
        assert _cells(filled, name) == _cells(ran.path, name), name
    sheets = set(openpyxl.load_workbook(filled).sheetnames)
    assert all(row[2] in sheets for row in _cells(filled, "校验结果")[1:] if row[2])
    assert ran.changes == [] and xt.recompute(filled, tmp_path / "重算.xlsx").changes == []
    assert xt.recompute(ran.path, tmp_path / "重算2.xlsx").changes == []


def test_a_total_waits_for_every_完成值(tmp_path: Path) -> None:
    """A workbook new writes has no 完成值 yet: no indicator that has a 指标值 has a score, and no project a
    total or grade (未填完 in the form and in 表11, never 0 presented as final)."""
    created = xt.new(QIJIANG, tmp_path / "自评.xlsx").path
    result = xt.score(created)
    assert result.projects and all(p.total is None and p.grade is None and p.shown_total == "未填完"
                                   for p in result.projects)
    first = result.tables[0]
    assert first.result.unfilled == [i.name for i in first.form.indicators if i.actual.blank and not i.target.blank]
    assert all(i.score is None for i in first.result.indicators if i.name in first.result.unfilled)
    summary = openpyxl.load_workbook(xt.run(created, tmp_path / "结果.xlsx").path, data_only=True)["表11"]
    assert {summary.cell(r, 7).value for r in range(4, 4 + len(result.projects))} == {"未填完"}
