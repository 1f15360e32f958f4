"""A form worded otherwise through ``xl-tools``: what the one-line error says, and the user's mapping
(--labels or 参数 rows) that makes it readable."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.helpers.cli import xl
from tests.helpers.paths import REAL


def reworded(tmp_path: Path) -> Path:
    """A real table (四川中江, 2022) whose actual-value column a unit has called 全年实现值, a word no form of the
    corpus uses: the readers cannot know it."""
    sys.path.insert(0, str(REAL))
    import build

    table = json.loads((REAL / "tables" / "sichuan_zhongjiang_2022_shuibiaochi.json").read_text(encoding="utf-8"))
    path = build.build(table, tmp_path / "中江.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws["G11"].value == "全年实际值"
    ws["G11"] = "全年实现值"
    wb.save(path)
    return path


def test_an_unrecognised_form_says_what_was_found_and_what_is_missing(tmp_path: Path) -> None:
    proc = xl("score", str(reworded(tmp_path)), cwd=tmp_path)
    assert proc.returncode == 2
    (line,) = proc.stderr.strip().splitlines()
    assert "项目名称在 A3" in line and "第 11 行像指标表头" in line and "三级指标" not in line
    assert "缺少「完成值」列（最接近的是「全年实现值」，G11）" in line and "--labels" in line


def test_a_mapping_file_makes_the_form_readable(tmp_path: Path) -> None:
    form = reworded(tmp_path)
    mapping = tmp_path / "我的表.toml"
    mapping.write_text('[indicator_columns]\nactual = ["全年实现值"]\n', encoding="utf-8")
    proc = xl("--labels", str(mapping), "score", "--json", str(form), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (project,) = json.loads(proc.stdout)["projects"]
    # the manifest's hand computation: 执行率得分 10 + 指标 100 = 110, 优
    assert (project["budget"], project["executed"], project["total"], project["grade"]) == (20, 20, 110, "优")


def test_the_params_sheet_can_carry_the_mapping(tmp_path: Path) -> None:
    form = reworded(tmp_path)
    wb = openpyxl.load_workbook(form)
    params = wb.create_sheet("参数")
    params.append(["键", "说明", "默认值", "本工作簿取值"])
    params.append(["labels.indicator_columns.actual", "完成值一栏的叫法", None, "全年实现值、实现值"])
    params.append(["labels.indicator_columns.nmae", "写错的字段", None, "名称"])
    wb.save(form)
    proc = xl("score", "--json", str(form), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["projects"][0]["total"] == 110
    validated = xl("validate", "--json", str(form), cwd=tmp_path)
    wrong = [f for f in json.loads(validated.stdout)["findings"] if f["code"] == "VALUE_UNREADABLE"]
    assert [(f["sheet"], f["cell"]) for f in wrong] == [("参数", "A3")]
    assert "「indicator_columns.nmae」不是可映射的字段" in wrong[0]["message"]


@pytest.mark.parametrize("text, message", [
    ('[indicator_columns\nactual = 1', "不是有效的 TOML"),
    ('[indicator_columns]\nactul = ["实现值"]\n', "「indicator_columns.actul」不是可映射的字段"),
    ('actual = ["实现值"]\n', "应为一节"),
])
def test_a_wrong_mapping_file_is_one_line(tmp_path: Path, text: str, message: str) -> None:
    mapping = tmp_path / "我的表.toml"
    mapping.write_text(text, encoding="utf-8")
    proc = xl("--labels", str(mapping), "score", str(reworded(tmp_path)), cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and message in proc.stderr, proc.stderr
