"""Structures real forms take, each made from one real table (中江, 2022, in tests/data/real/) by changing only
what the variant is about: the other provinces' ways of writing the same form.

The untouched table (its arithmetic in the manifest): 执行率 = 20 / 20 = 100%, 执行率得分 = 10 × 100% = 10.00,
nine indicators at full marks = 100.00, total = 110.00 (its weights add up to 100, not 90: WEIGHT_TOTAL).
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from xl_tools.jobs.score import score
from xl_tools.core.model import ProjectResult

from tests.helpers.paths import REAL

sys.path.insert(0, str(REAL))
import build  # noqa: E402

BASE = json.loads((REAL / "tables" / "sichuan_zhongjiang_2022_shuibiaochi.json").read_text(encoding="utf-8"))
Rows = list[list[object]]


def variant(tmp_path: Path, change: Callable[[Rows, list[str]], None]) -> ProjectResult:
    table = copy.deepcopy(BASE)
    sheet = table["sheets"][0]
    change(sheet["rows"], sheet["merges"])
    [project] = score(build.build(table, tmp_path / "variant.xlsx")).projects
    return project


def codes(project: ProjectResult, code: str) -> list[str | None]:
    return [f.cell for f in project.findings if f.code == code]


def test_the_untouched_table(tmp_path: Path) -> None:
    p = variant(tmp_path, lambda rows, merges: None)
    assert (p.budget, p.executed, p.execution_score, p.total, p.grade) == (20, 20, 10, 110, "优")


@pytest.mark.parametrize("rate, score", [("100.00%", 10), ("95%", 9.5)])  # 10 × 100%; 10 × 95% = 9.50
def test_executed_left_blank_while_the_rate_is_filled(tmp_path: Path, rate: str, score: float) -> None:
    def change(rows: Rows, merges: list[str]) -> None:
        rows[5][4] = rows[6][4] = None  # 全年执行数 E6, E7
        rows[5][6] = rate               # 执行率 G6
    p = variant(tmp_path, change)
    assert (p.budget, p.executed, p.execution_rate, p.execution_score) == (20, None, float(rate.rstrip("%")), score)
    assert p.total == score + 100
    assert codes(p, "EXECUTED_FROM_RATE") == ["E6"] and codes(p, "EXECUTED_MISSING") == []


def test_a_form_giving_only_the_initial_budget(tmp_path: Path) -> None:
    def change(rows: Rows, merges: list[str]) -> None:
        rows[4][3] = "年初预算数"                      # D5: the only budget column
        rows[5][4], rows[6][4] = 19, 19               # 执行率 = 19 / 20 = 95%
    p = variant(tmp_path, change)
    # 执行率得分 = 10 × 95% = 9.50; total = 9.50 + 100 = 109.50
    assert (p.budget, p.executed, p.execution_rate, p.execution_score, p.total) == (20, 19, 95, 9.5, 109.5)
    assert codes(p, "BUDGET_START_ONLY") == ["D6"] and codes(p, "BUDGET_MISSING") == []


def test_amounts_written_as_text_with_their_unit(tmp_path: Path) -> None:
    def change(rows: Rows, merges: list[str]) -> None:
        rows[5][3], rows[5][4] = "20万元", "190000元"  # 19 万元 spent: 执行率 95%
        rows[6][3], rows[6][4] = "20万元", "190000元"
    p = variant(tmp_path, change)
    assert (p.budget, p.executed, p.execution_rate, p.execution_score) == (20, 19, 95, 9.5)


def test_a_compound_unit(tmp_path: Path) -> None:
    def change(rows: Rows, merges: list[str]) -> None:
        rows[11][3], rows[11][5], rows[11][6] = "补助标准", "≥300元/人*月", "270元/人*月"
    p = variant(tmp_path, change)
    [ind] = [i for i in p.indicators if i.name == "补助标准"]
    # quantitative, 270 against ≥300: 10 × 270 / 300 = 9.00
    assert (ind.kind, ind.unit, ind.target, ind.actual, ind.score) == ("quantitative", "元/人*月", 300, 270, 9)
    assert p.total == 109 and codes(p, "UNIT_CONTRADICTS") == []


@pytest.mark.parametrize("claimed, diff", [(20, []), (19, ["H12"])])
def test_one_score_merged_over_two_indicator_rows(tmp_path: Path, claimed: float, diff: list[str]) -> None:
    def change(rows: Rows, merges: list[str]) -> None:
        rows[11][7], rows[12][7] = claimed, None       # 安装坡面水标尺 and 水标尺宽度 (10 + 10) scored as one
        merges.append("H12:H13")
    p = variant(tmp_path, change)
    assert codes(p, "CLAIMED_GROUP_SCORE_DIFF") == diff
    assert codes(p, "CLAIMED_SCORE_DIFF") == [] and codes(p, "MERGED_ACROSS_INDICATORS") == []
    # the form's row scores: 10 (执行率) + 20 once + 80 = 110 (or 109): its 总分 of 100 is not their sum
    assert codes(p, "CLAIMED_TOTAL_NOT_SUM") == ["H23"]
    assert next(f.message for f in p.findings if f.code == "CLAIMED_TOTAL_NOT_SUM").endswith(
        f"之和为 {claimed + 90}；请核对合计")


def test_an_adjusted_target_replaces_the_initial_one(tmp_path: Path) -> None:
    def change(rows: Rows, merges: list[str]) -> None:
        rows[10][5] = "年初指标值"
        rows[10][8] = "调整指标值"                      # I11, where this form had 未完成原因…
        rows[11][8] = "≥300米"                         # 安装坡面水标尺, actual ≥266米
    p = variant(tmp_path, change)
    [ind] = [i for i in p.indicators if i.name == "安装坡面水标尺"]
    # 10 × 266 / 300 = 8.866… → 8.87; total = 10 + 8.87 + 90 = 108.87
    assert (ind.target, ind.score, p.total) == (300, 8.87, 108.87)
    assert [i.target for i in p.indicators if i.name == "水标尺宽度"] == [50]  # no adjustment: 年初指标值


def test_operators_written_otherwise(tmp_path: Path) -> None:
    def change(rows: Rows, merges: list[str]) -> None:
        rows[11][5], rows[11][6] = "≧300米", "266米"   # 10 × 266 / 300 = 8.87
        rows[12][5], rows[12][6] = ">=50厘米", "40厘米"  # 10 × 40 / 50 = 8.00
        rows[16][5], rows[16][6] = "≦18万元", "20万元"   # cost over its cap: 10 × 18 / 20 = 9.00
    p = variant(tmp_path, change)
    scores = {i.name: i.score for i in p.indicators}
    assert (scores["安装坡面水标尺"], scores["水标尺宽度"], scores["项目计划总投资"]) == (8.87, 8, 9)
