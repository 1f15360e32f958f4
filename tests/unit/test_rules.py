"""Rule sets: loading, checking a user's file, where each setting comes from, the 参数-sheet text.

Each variant of domain.md "Variants seen in the wild" is a setting, not code;
``test_every_variant_is_a_rule_set_setting`` loads them all from one user file,
and these tests score each one:

=====================================================  ==========================================================
variant                                                test
=====================================================  ==========================================================
reverse indicators linear, full at B = A, 0 at B = 2A  test_scoring.py::test_reverse_linear_national_platform
执行率得分 capped                                       test_scoring.py::test_execution_score_capped_by_default
执行率得分 uncapped (over-spending beyond the weight)    test_scoring.py::test_execution_score_uncapped
total capped by the execution rate                     test_scoring.py::test_total_capped_by_execution_rate
2-point penalty, result beats target by ≥ 30%          test_scoring.py::test_penalty_when_target_beaten_by_30_percent
grade bands 90/80/60 (财政部 2020, seed 004)            test_scoring.py::test_grade_boundaries
grade bands 80/70/60                                   test_scoring.py::test_grade_bands_80_70_60_variant
qualitative bands 80/60/0                              test_scoring.py::test_qualitative_partial_and_failed_get_band_defaults
qualitative bands 80/50/0                              test_scoring.py::test_qualitative_bands_80_50_0_variant
not-applicable indicators out, weights rescaled        test_scoring.py::test_rescale_not_applicable
cap on the score of a missing 成本 category             test_scoring.py::test_missing_cost_cap
(execution) denominator 年初预算数, weight 20           test_scoring.py::test_execution_denominator, ::test_execution_weight_20
=====================================================  ==========================================================
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xl_tools.core import rules
from xl_tools.core.evaluate import evaluate, form_stated_settings
from xl_tools.core.rules import Shipped, for_table, resolve_settings, setting_from_text, setting_to_text
from xl_tools.core.errors import RuleSetError
from xl_tools.rulesets import builtin_names, load_rule_set, shipped

SHIPPED = ["changshou_table12", "chongqing_export", "default", "jiangxi_yushui", "national_platform"]


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- shipped rule sets


def test_shipped_rule_sets_are_listed() -> None:
    assert builtin_names() == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_rule_set_loads(name: str) -> None:
    rule_set = load_rule_set(name)
    assert rule_set.name == name
    assert set(rule_set.values) == set(load_rule_set("default").values)
    assert rule_set.declared <= set(rule_set.values)
    assert len(rule_set.digest) == 16


def test_default_declares_nothing_and_has_layout_defaults() -> None:
    default = load_rule_set()
    assert default.declared == frozenset()
    assert default["execution.weight"] == 10
    assert default["quantitative.reverse_method"] == "ratio"
    assert default.layout_defaults == {"table12": {"execution.weight": 0}, "export": {"execution.weight": 10}}


def test_extends_merges_and_declared_lists_the_files_own_keys() -> None:
    national = load_rule_set("national_platform")
    assert national["quantitative.reverse_method"] == "linear"  # its own
    assert national["execution.weight"] == 10  # from default
    assert national["grades"] == load_rule_set()["grades"]
    assert national.declared == {"quantitative.reverse_method", "explanation.beat_threshold_percent"}
    assert load_rule_set("changshou_table12").declared == {"execution.weight"}
    assert load_rule_set("changshou_table12")["execution.weight"] == 0


def test_user_file_extends(tmp_path: Path) -> None:
    path = write(tmp_path, 'extends = "national_platform"\n[penalty]\ntarget_too_low_points = 2\n'
                           '[layout_defaults.table12]\n"execution.weight" = 5\n')
    mine = load_rule_set(path)
    assert mine.name == "mine"  # the file's stem when it has no name
    assert mine["penalty.target_too_low_points"] == 2
    assert mine["quantitative.reverse_method"] == "linear"  # from national_platform
    assert mine["execution.weight"] == 10  # from default
    # declared: what the file and its extends chain set, never the root default's keys
    assert mine.declared == {"penalty.target_too_low_points", "quantitative.reverse_method",
                             "explanation.beat_threshold_percent"}
    assert mine.layout_defaults == {"table12": {"execution.weight": 5}, "export": {"execution.weight": 10}}
    assert mine.digest != load_rule_set("national_platform").digest


def test_user_file_without_extends_builds_on_default(tmp_path: Path) -> None:
    mine = load_rule_set(write(tmp_path, 'name = "区里的"\n[execution]\nweight = 20\n'))
    assert (mine.name, mine["execution.weight"], mine.declared) == ("区里的", 20, {"execution.weight"})
    assert mine["grades"] == load_rule_set()["grades"]


def test_every_variant_is_a_rule_set_setting(tmp_path: Path) -> None:
    path = write(tmp_path, """
[total]
cap_by_execution_rate = [{below = 80, max = 89}, {below = 70, max = 79}, {below = 60, max = 69}, {below = 50, max = 59}]
rescale_not_applicable = true
missing_cost_cap = 80
[execution]
weight = 20
cap = false
denominator = "年初预算数"
[quantitative]
reverse_method = "linear"
[penalty]
target_too_low_points = 2
[[qualitative.bands]]
name = "达成"
low = 80
high = 100
default = 100
[[qualitative.bands]]
name = "部分达成"
low = 50
high = 80
default = 50
[[qualitative.bands]]
name = "未达成"
low = 0
high = 50
default = 0
[[grades]]
grade = "优"
min = 80
[[grades]]
grade = "良"
min = 70
[[grades]]
grade = "中"
min = 60
[[grades]]
grade = "差"
min = 0
""")
    mine = load_rule_set(path)
    assert mine["total.cap_by_execution_rate"][3] == {"below": 50, "max": 59}
    assert [b["low"] for b in mine["qualitative.bands"]] == [80, 50, 0]
    assert [g["min"] for g in mine["grades"]] == [80, 70, 60, 0]
    assert (mine["execution.cap"], mine["execution.weight"], mine["execution.denominator"]) == (False, 20, "年初预算数")
    assert (mine["quantitative.reverse_method"], mine["penalty.target_too_low_points"]) == ("linear", 2)
    assert (mine["total.rescale_not_applicable"], mine["total.missing_cost_cap"]) == (True, 80)


# ---------------------------------------------------------------- a user's file with mistakes


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[execution]\nweigth = 10\n", "execution.weigth"),  # unknown key (typo)
        ("[penalty]\ntarget_too_low_points = 2\nbonus = 1\n", "penalty.bonus"),
        ('[execution]\nweight = "十分"\n', "execution.weight"),  # wrong type
        ('[execution]\ncap = "是"\n', "execution.cap"),
        ("[qualitative]\nachieved_words = \"达成\"\n", "qualitative.achieved_words"),
        ("[weights]\nrecommended_split = { \"产出指标\" = \"50\" }\n", "weights.recommended_split"),
        ('[quantitative]\nreverse_method = "log"\n', "quantitative.reverse_method"),  # bad choice
        ('[execution]\ndenominator = "年中预算数"\n', "execution.denominator"),
        ("[execution]\nweight = -10\n", "execution.weight"),  # negative
        ("[deadline]\nlate_ratio = -50\n", "deadline.late_ratio"),
        ('[[grades]]\ngrade = "优"\n', "grades"),  # malformed list element: no min
        ('[[grades]]\ngrade = "优"\nmin = "九十"\n', "grades"),
        ("[total]\ncap_by_execution_rate = [{below = 80, most = 89}]\n", "total.cap_by_execution_rate"),
        ("[total]\ncap_by_execution_rate = [80, 89]\n", "total.cap_by_execution_rate"),
        ("[total]\nnot_applicable_words = [\"不适用\", 0]\n", "total.not_applicable_words"),
        ('[layout_defaults.table12]\n"execution.wieght" = 0\n', "execution.wieght"),
    ],
)
def test_user_file_mistake_names_the_key(tmp_path: Path, text: str, named: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(RuleSetError) as err:
        load_rule_set(path)
    assert f"「{named}」" in str(err.value)
    assert str(path) in str(err.value)


def test_negative_allowed_only_for_missing_cost_cap(tmp_path: Path) -> None:
    assert load_rule_set(write(tmp_path, "[total]\nmissing_cost_cap = -1\n"))["total.missing_cost_cap"] == -1


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[execution\nweight = 10\n")
    with pytest.raises(RuleSetError, match="不是有效的 TOML") as err:
        load_rule_set(path)
    assert str(path) in str(err.value)


def test_missing_extends_parent_names_it(tmp_path: Path) -> None:
    path = write(tmp_path, 'extends = "guangxi"\n')
    with pytest.raises(RuleSetError) as err:
        load_rule_set(path)
    assert "「guangxi」不存在" in str(err.value) and str(path) in str(err.value)


def test_unknown_rule_set_name_lists_the_shipped_ones() -> None:
    with pytest.raises(RuleSetError) as err:
        load_rule_set("guangxi")
    assert "guangxi" in str(err.value) and "national_platform" in str(err.value)


def test_unreadable_file_names_it(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes("name = \"区里\"\n".encode("gbk"))
    with pytest.raises(RuleSetError) as err:
        load_rule_set(path)
    assert str(path) in str(err.value)


def shipped_with(texts: dict[str, str]) -> Shipped:
    """The shipped rule sets and these (a cycle needs two shipped files naming each other)."""
    return Shipped(shipped().texts + tuple(texts.items()))


def test_extends_cycle() -> None:
    more = shipped_with({"a": 'name = "a"\nextends = "b"\n', "b": 'name = "b"\nextends = "a"\n'})
    with pytest.raises(RuleSetError, match="循环") as err:
        more.parse("a", more.text("a"))
    assert "a → b → a" in str(err.value)


def test_extends_itself() -> None:
    more = shipped_with({"a": 'name = "a"\nextends = "a"\n'})
    with pytest.raises(RuleSetError, match="循环") as err:
        more.parse("a", more.text("a"))
    assert "a → a" in str(err.value)


# ---------------------------------------------------------------- where settings come from


def stated(form_of, value="10.00"):
    """What a form prints: 执行率权重 10 (seeds 000 and 001), in F8 of the sheet 项目."""
    return form_stated_settings(form_of([], exec_weight=value))


def test_default_rule_set_is_the_weakest() -> None:
    settings = for_table(resolve_settings(load_rule_set(), explicit=False), "template", {})
    assert settings["execution.weight"] == 10
    assert settings.sources["execution.weight"] == "规则集 default"


def test_layout_default_beats_the_default_rule_set() -> None:
    settings = for_table(resolve_settings(load_rule_set(), explicit=False), "table12", {})
    assert settings["execution.weight"] == 0
    assert settings.sources["execution.weight"] == "表格式默认（table12）"
    assert settings.sources["grades"] == "规则集 default"


def test_what_the_form_states_beats_the_layout_default(form_of) -> None:
    assert stated(form_of) == {"execution.weight": (10, "表内填写 项目!F8")}
    settings = for_table(resolve_settings(load_rule_set(), explicit=False), "table12", stated(form_of))
    assert settings["execution.weight"] == 10
    assert settings.sources["execution.weight"] == "表内填写 项目!F8"


def test_form_states_nothing_readable(form_of) -> None:
    assert stated(form_of, None) == {}
    assert stated(form_of, "十分") == {}


def test_params_sheet_beats_what_the_form_states(form_of) -> None:
    file_settings = resolve_settings(load_rule_set(), explicit=False,
                                     params={"execution.weight": (20, "参数表 参数!D7")})
    settings = for_table(file_settings, "table12", stated(form_of))
    assert settings["execution.weight"] == 20
    assert settings.sources["execution.weight"] == "参数表 参数!D7"


def test_rule_set_named_in_params_sheet_counts_as_the_sheet(form_of) -> None:
    file_settings = resolve_settings(load_rule_set("changshou_table12"), explicit=False, named_in_params=True)
    settings = for_table(file_settings, "export", stated(form_of))
    assert settings["execution.weight"] == 0
    assert settings.sources["execution.weight"] == "参数表（规则集 changshou_table12）"
    # keys it does not declare stay the rule set's and yield to the form
    assert settings.sources["grades"] == "规则集 changshou_table12"


def test_explicit_rule_set_beats_params_sheet(form_of) -> None:
    file_settings = resolve_settings(load_rule_set("changshou_table12"), explicit=True,
                                     params={"execution.weight": (20, "参数表 参数!D7")})
    settings = for_table(file_settings, "export", stated(form_of))
    assert settings["execution.weight"] == 0
    assert settings.sources["execution.weight"] == "规则集 changshou_table12（用户指定）"


def test_params_keys_an_explicit_rule_set_does_not_declare_still_apply(form_of) -> None:
    file_settings = resolve_settings(load_rule_set("national_platform"), explicit=True,
                                     params={"execution.weight": (20, "参数表 参数!D7"),
                                             "quantitative.reverse_method": ("ratio", "参数表 参数!D12")})
    settings = for_table(file_settings, "table12", stated(form_of))
    assert settings["execution.weight"] == 20
    assert settings["quantitative.reverse_method"] == "linear"
    assert settings.sources["quantitative.reverse_method"] == "规则集 national_platform（用户指定）"


def test_settings_record_value_and_source() -> None:
    settings = for_table(resolve_settings(load_rule_set("national_platform"), explicit=True), "table12", {})
    recorded = settings.to_dict()
    assert set(recorded) == set(load_rule_set().values)
    assert recorded["execution.weight"] == {"value": 0, "source": "表格式默认（table12）"}
    assert recorded["quantitative.reverse_method"] == {"value": "linear",
                                                       "source": "规则集 national_platform（用户指定）"}


def test_precedence_decides_the_weight_check(form_of) -> None:
    # seed 003 表12: points add up to 100 with no execution weight; printed 执行率权重 10 would expect 90
    rows = [(f"指标{i}", 100, 100, w, {"unit": "%", "op": "="}) for i, w in enumerate((10, 15, 15, 15, 15, 15, 15))]
    file_settings = resolve_settings(load_rule_set(), explicit=False)
    table12 = evaluate(form_of(rows, layout="table12"), for_table(file_settings, "table12", {}))
    assert "WEIGHT_TOTAL" not in [f.code for f in table12.findings]
    assert table12.total == 100 and table12.execution_score is None
    form = form_of(rows, layout="table12", exec_weight=10)
    stated_10 = evaluate(form, for_table(file_settings, "table12", form_stated_settings(form)))
    assert "WEIGHT_TOTAL" in [f.code for f in stated_10.findings]
    assert stated_10.total == 110  # 10 + 100: the plain sum


# ---------------------------------------------------------------- 参数-sheet text


DEFAULT_KEYS = sorted(load_rule_set().values)
SCHEMA = shipped().schema


@pytest.mark.parametrize("key", DEFAULT_KEYS)
def test_setting_text_round_trip(key: str) -> None:
    value = load_rule_set()[key]
    text = setting_to_text(key, value)
    assert isinstance(text, str)
    assert setting_from_text(key, text, "参数表 参数!D5", SCHEMA) == value


def test_setting_text_examples() -> None:
    default = load_rule_set()
    assert setting_to_text("grades", default["grades"]) == "优:90; 良:80; 中:60; 差:0"
    assert setting_to_text("execution.cap", True) == "是"
    assert setting_to_text("weights.recommended_split", default["weights.recommended_split"]) == \
        "产出指标:50; 效益指标:30; 满意度指标:10"
    assert setting_from_text("grades", "优：80；良：70；中：60；差：0", "参数表", SCHEMA) == \
        [{"grade": "优", "min": 80}, {"grade": "良", "min": 70}, {"grade": "中", "min": 60}, {"grade": "差", "min": 0}]
    assert setting_from_text("total.cap_by_execution_rate", "80:89; 70:79", "参数表", SCHEMA) == \
        [{"below": 80, "max": 89}, {"below": 70, "max": 79}]
    assert setting_from_text("execution.weight", 20, "参数表", SCHEMA) == 20  # a number cell
    assert setting_from_text("qualitative.achieved_words", "达成，完成,合规", "参数表", SCHEMA) == ["达成", "完成", "合规"]


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("execution.weight", "十分"),
        ("execution.weight", "-5"),
        ("execution.weight", ""),
        ("execution.cap", "也许"),
        ("execution.denominator", "年中预算数"),
        ("quantitative.reverse_method", "log"),
        ("grades", "优-90"),
        ("grades", "优:九十"),
        ("qualitative.bands", "达成:80:100"),
        ("total.cap_by_execution_rate", "80:89:1"),
        ("weights.recommended_split", "产出指标 50"),
    ],
)
def test_bad_setting_text_names_the_key(key: str, text: str) -> None:
    with pytest.raises(RuleSetError) as err:
        setting_from_text(key, text, "参数表 参数!D5", SCHEMA)
    assert f"「{key}」" in str(err.value)
    assert "参数表 参数!D5" in str(err.value)


def test_unknown_setting_in_params_sheet() -> None:
    with pytest.raises(RuleSetError, match="「execution.bonus」"):
        setting_from_text("execution.bonus", "1", "参数表 参数!D5", SCHEMA)


def test_every_setting_has_a_label() -> None:
    assert set(rules.LABELS) == set(DEFAULT_KEYS)


def test_variant_table_names_existing_tests() -> None:
    scoring_tests = (Path(__file__).parent / "test_scoring.py").read_text(encoding="utf-8")
    named = [part.strip().split("(")[0] for line in (__doc__ or "").splitlines() if "::" in line
             for part in line.split("::")[1:]]
    named = [n.split(",")[0].strip() for n in named]
    assert len(named) >= 12
    for name in named:
        assert f"def {name}(" in scoring_tests, name


@pytest.mark.parametrize("text", ["nan", "inf", "-inf"])
def test_non_finite_numbers_are_refused(text: str) -> None:
    with pytest.raises(RuleSetError, match="execution.weight"):
        setting_from_text("execution.weight", text, "参数表 参数!D9", SCHEMA)
