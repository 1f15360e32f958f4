"""Seed 001's 表十三 (19 项目支出绩效目标表) read back with openpyxl.

The expected numbers are copied by hand from the seed text
(/work/shared/seeds/001_5ba333d510a45a27.txt, from "表十三"), not computed by
the builder, so a transcription slip in the sample shows up here.  The blocks
are found by their labels, not by the builder's row arithmetic.
"""

from __future__ import annotations

from itertools import takewhile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.helpers.samples.qijiang import build_qijiang_targets

TITLE = "2023年项目支出绩效目标表"
HEADER = ["一级指标", "二级指标", "三级指标", "指标权重", "计量单位", "指标性质", "指标值", "是否核心指标"]

# (项目编码-名称, 当年预算, 本级安排, 上级补助, 预算执行率权重, indicator count, weight sum), the seed's order
SEED: list[tuple[str, float, float | None, float | None, float, int, float]] = [
    ("50011021T000000048979-城乡居民医疗保险基金区级补助（预安排）", 2952, 2952, None, 10, 6, 90),
    ("50011021T000000048985-城乡医疗救助区级配套经费（预安排）", 300, 300, None, 10, 5, 90),
    ("50011021T000000048990-城乡医疗资助参保区级配套经费（预安排）", 600, 600, None, 10, 6, 90),
    ("50011021T000000048996-打击欺诈骗取医疗保险基金与开展医保绩效评价专项经费（预安排）", 90, 90, None, 10, 5, 90),
    ("50011021T000000049000-公务员医疗补助-住院及特病门诊补助(预安排）", 2100, 2100, None, 10, 6, 90),
    ("50011021T000000049002-公务员医疗系统维护费", 4.5, 4.5, None, 10, 7, 90),
    ("50011021T000000049007-离休干部医疗费用(预安排）", 155, 155, None, 10, 5, 90),
    ("50011021T000000049012-欺诈骗取医疗保险基金举报奖励（预安排）", 5, 5, None, 10, 5, 90),
    ("50011021T000000049016-全区社会保险征管以奖代补专项经费（预安排）", 50, 50, None, 10, 6, 90),
    ("50011021T000000049023-伤残军人医疗费用(预安排）", 120, 120, None, 10, 5, 90),
    ("50011021T000000049027-医保信息网络运行及终端维护费", 17, 17, None, 10, 5, 90),
    ("50011021T000000049031-以个人身份参加城镇职工医疗保险参保补助(预安排）", 15, 15, None, 10, 5, 90),
    ("50011022T000000072249-居民医保市级转移支付补助资金", 1175, None, 1175, 10, 5, 90),
    ("50011022T000000073954-2022年城乡居民基本医疗保险工作经费", 32, None, 32, 10, 5, 90),
    ("50011022T000002024119-城乡医疗救助中央市级转移支付", 3114, None, 3114, 10, 6, 90),
    ("50011022T000002024182-医疗服务与保障能力提升转移", 150, None, 150, 10, 5, 90),
    ("50011023T000003175737-2023年运转性项目-人员补丁", 6, 6, None, 10, 5, 90),
    ("50011023T000003176409-2023年运转性项目-独立运行补丁", 10, 10, None, 10, 7, 90),
    ("50011023T000003176741-2023年运转性项目-非在编人员（限额10%）", 5.75, 5.75, None, 10, 5, 90),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_qijiang_targets(tmp_path_factory.mktemp("qijiang") / "qijiang_2023_targets.xlsx")


@pytest.fixture(scope="module")
def blocks(built: Path) -> list[dict[str, Any]]:
    """Each project's fields, located by the labels of the printed form."""
    ws = openpyxl.load_workbook(built)["表十三"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_col=1, max_col=8)]
    out: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        if row[0] != TITLE:
            continue
        block: dict[str, Any] = {"unit_line": rows[i + 1][0], "money_unit": rows[i + 1][5]}
        for j in range(i + 2, len(rows)):
            r = rows[j]
            if r[0] == "项目名称":
                block |= {"name": r[1], "department": r[6]}
            elif r[0] == "预算执行率权重":
                block |= {"exec_weight": r[1], "category": r[6]}
            elif r[0] == "当年预算（万元）":
                assert (r[2], r[4]) == ("本级安排（万元）", "上级补助（万元）")
                block |= {"budget": r[1], "own": r[3], "upper": r[5]}
            elif r[0] in ("项目概述", "立项依据", "当年绩效目标"):
                block[r[0]] = r[1]
            elif r == HEADER:
                block["indicators"] = list(takewhile(lambda r: r[0] is not None, rows[j + 1:]))
                break
        out.append(block)
    return out


def _indicators(blocks: list[dict[str, Any]], name: str) -> list[list[Any]]:
    [block] = [b for b in blocks if b["name"].endswith(name)]
    return block["indicators"]


def test_one_sheet_with_19_tables(built: Path, blocks: list[dict[str, Any]]) -> None:
    assert openpyxl.load_workbook(built).sheetnames == ["表十三"]
    assert len(blocks) == 19
    assert {b["unit_line"] for b in blocks} == {"编制单位：225001-重庆市綦江区医疗保障局（本级）"}
    assert {b["money_unit"] for b in blocks} == {"单位：万元"}
    assert {b["department"] for b in blocks} == {"重庆市綦江区医疗保障局"}


@pytest.mark.parametrize("index", range(19))
def test_project_heads_and_weights(blocks: list[dict[str, Any]], index: int) -> None:
    name, budget, own, upper, exec_weight, count, weight_sum = SEED[index]
    block = blocks[index]
    assert block["name"] == name
    assert (block["budget"], block["own"], block["upper"], block["exec_weight"]) == (budget, own, upper, exec_weight)
    assert len(block["indicators"]) == count
    assert sum(row[3] for row in block["indicators"]) == weight_sum
    assert all(row[7] == "否" for row in block["indicators"])


def test_total_budget_and_natures(blocks: list[dict[str, Any]]) -> None:
    assert sum(b["budget"] for b in blocks) == pytest.approx(10901.25)
    natures = [row[5] for b in blocks for row in b["indicators"]]
    assert len(natures) == 104
    assert (natures.count("≥"), natures.count("＝"), natures.count("＞")) == (89, 12, 3)


def test_texts_joined_and_quotes_dropped(blocks: list[dict[str, Any]]) -> None:
    first = blocks[0]
    assert first["项目概述"] == ("城乡居民医疗保险基金区级补助4175万元：按中央、市和区级三级负担，"
                             "补助参合经费65.23万人*每人64元=4175万元，共计安排4175万元。")
    assert first["立项依据"] == ("綦江委办发〔2019〕19号关于印发《重庆市綦江区医疗保障局职能配置、内设机构和人员编制规定》"
                             "的通知")
    assert first["indicators"][3][:3] == ["满意度指标", "服务对象满意度指标", "服务对象满意度（%）"]
    assert not any('"' in str(row[2]) for b in blocks for row in b["indicators"])
    network = next(b for b in blocks if b["name"].endswith("医保信息网络运行及终端维护费"))
    assert (network["category"], network["立项依据"]) == (None, None)  # left blank in the seed


def test_values_typed_as_written(blocks: list[dict[str, Any]]) -> None:
    [first] = [row for row in _indicators(blocks, "城乡居民医疗保险基金区级补助（预安排）") if row[2] == "财政投入"]
    assert first[3:7] == [20, "万元", "≥", 2952]
    assert ["效益指标", "经济效益指标", "增加救助人员收入参保资助", 20, "%", "≥", 0.02, "否"] in \
        _indicators(blocks, "城乡医疗资助参保区级配套经费（预安排）")
    assert ["效益指标", "社会效益指标", "投入情况", 20, "万元", "＝", 5.75, "否"] in \
        _indicators(blocks, "非在编人员（限额10%）")


def test_seed_mistakes_are_kept(blocks: list[dict[str, Any]]) -> None:
    # 财政投入 twice in 欺诈骗取医疗保险基金举报奖励, with different 指标性质
    twice = [row for row in _indicators(blocks, "欺诈骗取医疗保险基金举报奖励（预安排）") if row[2] == "财政投入"]
    assert [row[1:7] for row in twice] == [["成本指标", "财政投入", 20, "万元", "＝", 20],
                                           ["经济成本指标", "财政投入", 20, "万元", "≥", 5]]
    # no 计量单位
    by_name = {row[2]: row for row in _indicators(blocks, "全区社会保险征管以奖代补专项经费（预安排）")}
    assert by_name["乡镇数"][3:7] == [20, None, "＝", 21]
    assert by_name["奖励数单位"][3:7] == [15, None, "≥", 11]
    by_name = {row[2]: row for row in _indicators(blocks, "伤残军人医疗费用(预安排）")}
    assert by_name["支付及时情况"][3:7] == [20, None, "≥", 12]
    by_name = {row[2]: row for row in _indicators(blocks, "离休干部医疗费用(预安排）")}
    assert by_name["支付及时情况"][3:7] == [20, "%", "≥", 98]  # the same name with its unit elsewhere
    by_name = {row[2]: row for row in _indicators(blocks, "医保信息网络运行及终端维护费")}
    assert by_name["定期检查"][3:7] == [20, None, "≥", 12]
    # a unit contradicting the value
    by_name = {row[2]: row for row in _indicators(blocks, "2023年运转性项目-独立运行补丁")}
    assert by_name["医疗保险网络正常运行"][3:7] == [10, "万元", "≥", 95]
    # a number in the indicator's name
    by_name = {row[2]: row for row in _indicators(blocks, "开展医保绩效评价专项经费（预安排）")}
    assert by_name["定点医药机构894家"][3:7] == [20, "家", "≥", 500]


def test_build_is_byte_stable(built: Path, tmp_path: Path) -> None:
    again = build_qijiang_targets(tmp_path / "again.xlsx")
    assert again.read_bytes() == built.read_bytes()
    assert build_qijiang_targets(tmp_path / "again.xlsx").read_bytes() == built.read_bytes()
