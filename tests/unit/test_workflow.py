"""The sheet titles a self-evaluation made from a target table gets (the workflow itself: tests/cli/test_workflow.py)."""

from __future__ import annotations


def test_sheet_titles_obey_excels_rules() -> None:
    from xl_tools.workbook.from_targets import sheet_titles

    long_name = "国有企业“单双解”人员和关闭破产解体城镇集体所有制企业退休人员以个人身份参加城镇职工医疗保险补助"  # seed 003
    titles = sheet_titles([long_name, long_name, "A/B:C?[D]*", "Project", "PROJECT", "", "History", "'引号'"])
    assert titles[0] == long_name[:31] and titles[1] == long_name[:28] + "（2）"
    assert titles[2:] == ["ABCD", "Project", "PROJECT（2）", "项目6", "History项目", "引号"]
    assert all(len(t) <= 31 for t in titles) and len({t.casefold() for t in titles}) == len(titles)
