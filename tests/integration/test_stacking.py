"""Every layout reads the same whether its tables have a sheet each or are stacked in one sheet.

The budget system exports all of a unit's tables into one sheet (seed 000 is
four tables); units paste their 表10 and 表12 under each other.  Each sample's
sheets are copied cell by cell (values, number formats, merges) under each
other into one sheet, with a blank row between, and must give the same
projects, totals and indicator scores as the original.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import openpyxl
import pytest

from xl_tools.jobs.score import score

from tests.helpers.samples.seed_forms import build_changshou_2021, build_yuzhong_2023
from tests.helpers.samples.yushui import build_yushui_2022


def stack_sheets(src: Path, dst: Path, sheets: list[str], gap: int = 1) -> Path:
    """Copy ``sheets`` of ``src`` under each other into the one sheet of ``dst``."""
    source = openpyxl.load_workbook(src)
    out = openpyxl.Workbook()
    target = out.active
    target.title = "全部表格"
    top = 0
    for title in sheets:
        ws = source[title]
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                copy = target.cell(top + cell.row, cell.column, cell.value)
                copy.number_format = cell.number_format
                if cell.data_type == "s":
                    copy.data_type = "s"  # "=100%" stays text
        for rng in ws.merged_cells.ranges:
            target.merge_cells(start_row=top + rng.min_row, start_column=rng.min_col,
                               end_row=top + rng.max_row, end_column=rng.max_col)
        top += ws.max_row + gap
    out.save(dst)
    return dst


def figures(result) -> list[tuple]:
    return [(p.name, p.type, p.layout, p.budget, p.executed, p.execution_score, p.total, p.claimed_total)
            for p in result.projects]


def scores(result) -> list[list[float | None]]:
    return [[i.score for i in p.indicators] for p in result.projects]


CASES: list[tuple[str, Callable[[Path], Path], list[str], int]] = [
    # seed 000: 部门整体 + three 二级项目 of the budget-system export
    ("export", build_yuzhong_2023, ["部门整体", "医疗救助专项经费（残保金）", "居民医保财政补助资金", "购买窗口服务专项经费"], 4),
    # seed 003: 表10 (部门整体, no indicator table) and 表12
    ("table10_table12", build_changshou_2021, ["表10", "表12"], 2),
]


@pytest.mark.parametrize("gap", [0, 1, 3])
@pytest.mark.parametrize(("name", "build", "sheets", "tables"), CASES, ids=[c[0] for c in CASES])
def test_stacked_tables_read_like_one_per_sheet(tmp_path: Path, name: str, build: Callable[[Path], Path],
                                                sheets: list[str], tables: int, gap: int) -> None:
    original = build(tmp_path / f"{name}.xlsx")
    stacked = stack_sheets(original, tmp_path / f"{name}_stacked.xlsx", sheets, gap)
    apart = score(original).scored
    together = score(stacked).scored
    assert len(together.projects) == tables
    assert {p.sheet for p in together.projects} == {"全部表格"}
    assert figures(together) == [f for f, p in zip(figures(apart), apart.projects) if p.sheet in sheets]
    assert scores(together) == [s for s, p in zip(scores(apart), apart.projects) if p.sheet in sheets]


def test_seed000_stacked_keeps_its_totals(tmp_path: Path) -> None:
    """Seed 000 in one sheet, as the budget system exports it: totals 110 (weights 100 + 执行率 10), 100, 100, 100."""
    original = build_yuzhong_2023(tmp_path / "yz.xlsx")
    stacked = stack_sheets(original, tmp_path / "yz_stacked.xlsx", openpyxl.load_workbook(original).sheetnames)
    result = score(stacked).scored
    assert [p.total for p in result.projects] == [110, 100, 100, 100]
    assert [p.budget for p in result.projects] == [12573.89937, 2004, 1413, 146]  # 元 / 10,000


def test_template_sheets_stacked_lose_their_names_but_still_read(tmp_path: Path) -> None:
    """The template's defined names are per sheet; stacked copies have none and read through their labels."""
    original = build_yushui_2022(tmp_path / "ys.xlsx")
    sheets = [s for s in openpyxl.load_workbook(original).sheetnames if s != "参数"][:3]
    stacked = stack_sheets(original, tmp_path / "ys_stacked.xlsx", sheets)
    result = score(stacked, "jiangxi_yushui").scored
    # 医疗救助补助资金 1546.43, 社会保险基金征缴激励经费 80, 医疗服务与保障能力提升补助资金 83; all 10 + 90 = 100
    assert [(p.budget, p.total) for p in result.projects] == [(1546.43, 100), (80, 100), (83, 100)]
