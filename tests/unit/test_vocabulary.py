"""The words forms use, as data (xl_tools/layouts/vocabulary.toml), and a user's own mapping on top."""

from __future__ import annotations

import pytest

from xl_tools.layouts import vocabulary
from xl_tools.layouts.vocabulary import VocabularyError, extended, parse, shipped, words


def test_every_section_the_readers_ask_for_is_shipped() -> None:
    v = shipped()
    for section, fields in {
        "indicator_columns": ("name", "target", "actual", "weight", "score", "level1", "level2", "op", "unit"),
        "funds_columns": ("budget", "executed", "budget_start", "exec_weight", "exec_rate", "exec_score"),
        "funds_rows": ("total", "parts"), "indicator_rows": ("total", "end"),
        "anchors": ("project", "compact_project", "department"),
        "labels": ("project_code", "claimed_total", "units", "report_units", "goals"),
        "summary_columns": ("name", "budget", "executed", "score"), "target_fields": ("budget", "goal"),
        "target_markers": ("labels",),
    }.items():
        for field in fields:
            assert v.labels(section, field), (section, field)


def test_words_are_kept_as_the_readers_normalise_a_cell() -> None:
    """A label written with a bracketed note, a colon, spaces or a line break is the same word."""
    v = parse('[funds_columns]\nbudget = ["全年预算数（A）", "全年\\n调整　预算数：", "Ｂ预算"]\n', "测试")
    assert v.labels("funds_columns", "budget") == ("全年预算数", "全年调整预算数", "B预算")


def test_a_mapping_adds_words_to_the_fields_it_names_for_one_read() -> None:
    before = words().labels("anchors", "project")
    with extended({"anchors": {"project": ["项目支出名称"]}}, "测试映射") as v:
        assert words() is v and v.labels("anchors", "project")[0] == "项目支出名称"
        assert set(before) <= set(v.labels("anchors", "project"))
    assert words().labels("anchors", "project") == before


@pytest.mark.parametrize("mapping, message", [
    ({"columns": {"name": ["名称"]}}, "「columns」不是可映射的部分"),
    ({"indicator_columns": {"nmae": ["名称"]}}, "「indicator_columns.nmae」不是可映射的字段"),
    ({"indicator_columns": {"name": "名称"}}, "应为文字列表"),
    ({"indicator_columns": {"name": [""]}}, "应为文字列表"),
])
def test_a_wrong_mapping_is_a_message_naming_its_source(mapping: dict, message: str) -> None:
    with pytest.raises(VocabularyError, match=message) as caught:
        shipped().extended(mapping, "labels.toml")
    assert "labels.toml" in str(caught.value)


def test_a_broken_vocabulary_file_is_a_message() -> None:
    with pytest.raises(VocabularyError, match="不是有效的 TOML"):
        vocabulary.parse("[anchors\nproject = 1", "labels.toml")


# ---------------------------------------------------------------- a form worded otherwise, and the user's mapping


