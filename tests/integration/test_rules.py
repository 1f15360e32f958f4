"""A rule set a workbook names, checked on a real sample file (the rest of the rule sets: tests/unit/test_rules.py)."""

from __future__ import annotations


def test_a_rule_set_a_workbook_names_is_never_read_from_a_file(tmp_path, monkeypatch) -> None:
    """The 渝水 sample's 参数 sheet names jiangxi_yushui: a file of that very name in the current folder (one
    that would lower the qualitative bands) is not what scores it; the built-in rule set is."""
    from pathlib import Path

    from xl_tools.jobs.score import score
    from xl_tools.rulesets import load_rule_set

    sample = Path(__file__).resolve().parents[2] / "workbooks" / "渝水区医保局2022_项目自评.xlsx"
    (tmp_path / "jiangxi_yushui").write_text('name = "jiangxi_yushui"\ntitle = "冒名的规则集"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_rule_set("jiangxi_yushui").title == "冒名的规则集"  # what a plain load would have taken
    result = score(sample).scored
    assert result.rule_set == "jiangxi_yushui"
    assert result.rule_set_hash == load_rule_set("jiangxi_yushui", builtin_only=True).digest
