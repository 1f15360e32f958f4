"""The installed ``xl-tools`` console script, run as a user runs it: a process of its own.

The commands themselves are tested in this process (test_cli.py and the others, through tests/helpers/cli.py's
``xl``); what only a real process shows is tried here: that the entry point is installed and answers, that its
exit codes reach the shell, and that Chinese comes out in the console's encoding, whatever it is.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from xl_tools import __version__

from tests.helpers.cli import CJK, xl_subprocess
from tests.helpers.paths import WORKBOOKS

YUZHONG = WORKBOOKS / "渝中区医疗保障局2023_一体化系统导出.xlsx"  # seed 000: one weight error (部门整体!H15)
CHANGSHOU = WORKBOOKS / "长寿区医疗保障局2021_表10表11表12.xlsx"  # seed 003: no error


def test_the_entry_point_is_installed_and_answers(tmp_path: Path) -> None:
    version = xl_subprocess("--version", cwd=tmp_path)
    assert (version.returncode, version.stdout.strip()) == (0, f"xl-tools, version {__version__}")
    shown = xl_subprocess("-h", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("用法: xl-tools ") and "预算绩效自评工具" in shown.stdout and "示例" in shown.stdout
    assert list(tmp_path.iterdir()) == []


def test_the_exit_codes_reach_the_shell(tmp_path: Path) -> None:
    """0 no error-level finding, 1 some, 2 the file cannot be read (one Chinese line, no traceback)."""
    assert xl_subprocess("validate", CHANGSHOU, cwd=tmp_path).returncode == 0
    weights = xl_subprocess("validate", YUZHONG, cwd=tmp_path)
    assert weights.returncode == 1 and "WEIGHT_TOTAL 部门整体!H15" in weights.stdout
    missing = xl_subprocess("score", "没有这个文件.xlsx", cwd=tmp_path)
    assert missing.returncode == 2
    (line,) = missing.stderr.strip().splitlines()
    assert line.startswith("错误：") and "文件不存在" in line and CJK.search(line)


GBK = {"PYTHONIOENCODING": "gbk", "PYTHONUTF8": None}
"""A Chinese Windows writing into a pipe or a file (xl-tools validate 自评表.xlsx > 结果.txt): code page 936."""


def test_chinese_in_a_gbk_console(tmp_path: Path) -> None:
    """The score table (box drawing included) and the one-line error come out in GBK."""
    scored = xl_subprocess("score", CHANGSHOU, cwd=tmp_path, env=GBK, encoding="gbk")
    assert scored.returncode == 0, scored.stderr
    assert "规则集 default" in scored.stdout and "┃ 工作表" in scored.stdout
    missing = xl_subprocess("score", "没有这个文件.xlsx", cwd=tmp_path, env=GBK, encoding="gbk")
    assert missing.returncode == 2 and missing.stderr.strip() == "错误：文件不存在：没有这个文件.xlsx"


def test_findings_in_a_gbk_console(tmp_path: Path) -> None:
    """The findings report in GBK, WEIGHT_TOTAL's message included (it once held a U+2212 minus sign, which
    GBK lacks, and the command ended in an internal error); a character from a workbook that GBK lacks (a
    sheet named with ⩾) is shown as "?" and the report still comes out whole."""
    report = xl_subprocess("validate", YUZHONG, cwd=tmp_path, env=GBK, encoding="gbk")
    assert report.returncode == 1, report.stderr
    assert "WEIGHT_TOTAL 部门整体!H15" in report.stdout and "错误 1 个" in report.stdout
    wb = openpyxl.load_workbook(YUZHONG)
    wb.worksheets[0].title = "救助⩾项目"
    wb.save(tmp_path / "奇怪的表名.xlsx")
    odd = xl_subprocess("validate", "奇怪的表名.xlsx", cwd=tmp_path, env=GBK, encoding="gbk")
    assert odd.returncode == 1 and "救助?项目" in odd.stdout and "内部错误" not in odd.stderr, odd.stderr


def test_chinese_under_the_c_locale(tmp_path: Path) -> None:
    """A server's bare C locale (no LANG): Python writes UTF-8 there, and so does the tool."""
    plain = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": None, "PYTHONIOENCODING": None}
    report = xl_subprocess("validate", YUZHONG, cwd=tmp_path, env=plain)
    assert report.returncode == 1, report.stderr
    assert "WEIGHT_TOTAL 部门整体!H15" in report.stdout and "错误 1 个" in report.stdout
    missing = xl_subprocess("score", "没有这个文件.xlsx", cwd=tmp_path, env=plain)
    assert missing.returncode == 2 and missing.stderr.strip() == "错误：文件不存在：没有这个文件.xlsx"
