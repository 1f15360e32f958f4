"""The jobs behind ``xl-tools template``, ``rules list``/``rules show`` and ``addin build`` (issue 15 point 2),
through the Python API: typed results, what the commands print and write.

Expected values come from the rule-set files themselves (xl_tools/rulesets/*.toml: their names and titles read
here with tomllib, what each sets itself read off the files by eye) and from the template's layout (its second
row says the year).
"""

from __future__ import annotations

import datetime

import json
import tomllib
from pathlib import Path

import openpyxl
import pytest

import xl_tools as xt

from tests.helpers.cli import xl
from tests.helpers.paths import REPO

RULESETS = REPO / "xl_tools" / "rulesets"
SHIPPED = sorted(path.stem for path in RULESETS.glob("*.toml"))
DECLARED = {  # the keys each file sets, default's being the root every other extends
    "changshou_table12": ["execution.weight"],
    "chongqing_export": ["execution.weight", "explanation.beat_threshold_percent"],
    "default": [],
    "jiangxi_yushui": ["execution.weight", "grades"],
    "national_platform": ["explanation.beat_threshold_percent", "quantitative.reverse_method"],
}


def toml_of(name: str) -> dict:
    return tomllib.loads((RULESETS / f"{name}.toml").read_text(encoding="utf-8"))


def dotted(table: dict, key: str) -> object:
    for part in key.split("."):
        table = table[part]
    return table


def invoke(*args: str | Path, cwd: Path) -> str:
    proc = xl(*args, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_rules_are_the_shipped_files_with_their_titles(tmp_path: Path) -> None:
    found = xt.rules()
    assert SHIPPED == list(DECLARED) and all(isinstance(r, xt.RuleSetInfo) for r in found)
    assert [(r.name, r.title) for r in found] == [(name, toml_of(name)["title"]) for name in SHIPPED]
    assert invoke("rules", "list", cwd=tmp_path) == "".join(f"{name}\t{toml_of(name)['title']}\n" for name in SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_a_rule_set_is_default_but_for_what_its_file_sets(name: str) -> None:
    shown, default = xt.rule_set(name), toml_of("default")
    assert shown.name == name and shown.origin == name and shown.declared == DECLARED[name]
    assert sorted(key for key, setting in shown.settings.items() if setting.declared) == DECLARED[name]
    for key in shown.settings:
        source = toml_of(name) if key in DECLARED[name] else default
        assert shown[key] == dotted(source, key), key
    assert len(shown.digest) == 16 and set(shown.digest) <= set("0123456789abcdef")


def test_a_setting_has_its_meaning_and_its_text() -> None:
    national = xt.rule_set("national_platform")
    grades = national.settings["grades"]
    assert isinstance(grades, xt.RuleSetting) and not grades.declared
    assert (grades.label, grades.text) == ("评价等级（等级:最低分）", "优:90; 良:80; 中:60; 差:0")
    assert national.settings["execution.cap"].text == "是"                             # cap = true
    assert national.settings["total.not_applicable_words"].text == "不适用、无此项"
    assert national.settings["execution.weight"].label == "预算执行率分值"
    reverse = national.settings["quantitative.reverse_method"]
    assert (reverse.value, reverse.text, reverse.declared) == ("linear", "linear", True)


@pytest.mark.parametrize("name", SHIPPED)
def test_to_dict_is_what_rules_show_json_prints(name: str, tmp_path: Path) -> None:
    shown = xt.rule_set(name)
    printed = invoke("rules", "show", name, "--json", cwd=tmp_path)
    assert printed == json.dumps(shown.to_dict(), ensure_ascii=False, indent=2) + "\n"
    assert list(json.loads(printed)) == ["name", "title", "hash", "settings"]
    assert json.loads(printed)["hash"] == shown.digest


def test_rules_show_marks_what_the_rule_set_sets_itself(tmp_path: Path) -> None:
    shown = xt.rule_set("jiangxi_yushui")
    lines = invoke("rules", "show", "jiangxi_yushui", cwd=tmp_path).splitlines()
    assert lines[0] == f"规则集 jiangxi_yushui（渝水区（财预〔2020〕10号等级）），校验码 {shown.digest}"
    assert lines[-1] == "（* 表示本规则集自己设定的项，其余沿用 default）"
    settings = lines[1:-1]
    assert [line[2:].split(" = ")[0] for line in settings] == sorted(shown.settings)
    assert [line[2:].split(" = ")[0] for line in settings if line.startswith("*")] == ["execution.weight", "grades"]
    assert "* grades = 优:90; 良:80; 中:60; 差:0　# 评价等级（等级:最低分）" in settings


def test_a_rule_set_of_ones_own(tmp_path: Path) -> None:
    path = tmp_path / "区里的.toml"
    path.write_text('name = "区里的"\n[execution]\nweight = 20\n', encoding="utf-8")
    mine = xt.rule_set(path)
    assert (mine.name, mine.title, mine.origin, mine.declared) == ("区里的", "区里的", str(path), ["execution.weight"])
    assert mine["execution.weight"] == 20 and mine["grades"] == xt.rule_set("default")["grades"]
    assert mine.digest != xt.rule_set("default").digest
    assert json.loads(invoke("rules", "show", path, "--json", cwd=tmp_path)) == mine.to_dict()
    (tmp_path / "错的.toml").write_text("[execution]\nweigth = 20\n", encoding="utf-8")
    with pytest.raises(xt.RuleSetError, match="execution.weigth"):
        xt.rule_set(tmp_path / "错的.toml")
    with pytest.raises(xt.RuleSetError, match="没有名为「guangxi」的规则集"):
        xt.rule_set("guangxi")


def test_what_a_rule_set_hands_out_is_a_copy() -> None:
    """Changing a shown value changes nothing the next scoring uses (the loaded rule sets are cached)."""
    xt.rule_set("default")["grades"].clear()
    xt.rule_set("default").settings["weights.recommended_split"].value["产出指标"] = 0
    again = xt.rule_set("default")
    assert [g["grade"] for g in again["grades"]] == ["优", "良", "中", "差"]
    assert again["weights.recommended_split"] == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}


def test_template_writes_what_the_command_writes(tmp_path: Path) -> None:
    written = xt.template(tmp_path / "模板.xlsx", year=2024)
    assert written == tmp_path / "模板.xlsx"
    printed = invoke("template", "-o", tmp_path / "命令.xlsx", "--year", "2024", cwd=tmp_path)
    assert printed == f"模板已写入：{tmp_path / '命令.xlsx'}\n"
    assert written.read_bytes() == (tmp_path / "命令.xlsx").read_bytes()  # the same bytes for the same arguments
    assert xt.template(str(tmp_path / "又一个.xlsx"), year=2024).read_bytes() == written.read_bytes()
    book = openpyxl.load_workbook(written)
    assert book.worksheets[0]["A2"].value == "（2024年度）" and "参数" in book.sheetnames
    assert xt.score(written).rule_set == "default"


def test_template_names_its_rule_set_for_later(tmp_path: Path) -> None:
    written = xt.template(tmp_path / "全国.xlsx", rules="national_platform")
    evaluated = datetime.date.today().year - 1  # the default: the year being evaluated
    assert openpyxl.load_workbook(written).worksheets[0]["A2"].value == f"（{evaluated}年度）"
    assert xt.score(written).rule_set == "national_platform"  # read from its 参数 sheet
    assert xt.template(tmp_path / "默认.xlsx").read_bytes() != written.read_bytes()


def test_addin_build_writes_what_the_command_writes(tmp_path: Path) -> None:
    written = xt.addin_build(tmp_path / "api")
    assert written == [tmp_path / "api" / "绩效自评模板.xlsm", tmp_path / "api" / "xl_tools.xlam"]
    printed = invoke("addin", "build", "-o", tmp_path / "cli", cwd=tmp_path)
    assert printed == "".join(f"已写入：{tmp_path / 'cli' / p.name}\n" for p in written)
    for path in written:
        assert path.read_bytes() == (tmp_path / "cli" / path.name).read_bytes(), path.name
