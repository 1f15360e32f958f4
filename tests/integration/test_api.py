"""The Python API (issue 15): typed results, pandas frames, one findings report, typed errors.

Expected figures come from the seeds: 渝中区 2023 (seed 000: a 部门整体 table whose weights add up to 100
beside an execution weight of 10, three projects of 2004, 1413 and 146 万元, every target met), 长寿区 2021
(seed 003: 表10 of 973.9 万元 and 表12 of 52 万元 scoring 100), 渝水区 2022 (seed 004: nine projects),
綦江区 2023 (seed 001: 19 target tables).
"""

from __future__ import annotations

import email
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import xl_tools as xt

from tests.helpers.cli import xl
from tests.helpers.paths import WORKBOOKS

YUZHONG = WORKBOOKS / "渝中区医疗保障局2023_一体化系统导出.xlsx"
CHANGSHOU = WORKBOOKS / "长寿区医疗保障局2021_表10表11表12.xlsx"
YUSHUI = WORKBOOKS / "渝水区医保局2022_项目自评.xlsx"
YUSHUI_STACKED = WORKBOOKS / "渝水区医保局2022_层级式自评表_单表堆叠.xlsx"
QIJIANG = WORKBOOKS / "綦江区医疗保障局2023_项目支出绩效目标表.xlsx"

HEAVY = ("pandas", "openpyxl", "lxml", "python_calamine", "xlwings", "docx", "xl_tools.jobs")


def test_importing_the_package_loads_nothing_heavy() -> None:
    code = ("import sys, xl_tools\nxl_tools.__all__\n"
            f"print([m for m in {HEAVY!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("path, layouts, tables", [
    (YUZHONG, {"export"}, 4),            # 部门整体 + three projects
    (CHANGSHOU, {"table10", "table12"}, 2),
    (YUSHUI, {"template"}, 9),
    (YUSHUI_STACKED, {"hierarchical"}, 9),
])
def test_score_gives_records_frames_and_findings_on_each_layout(path: Path, layouts: set[str], tables: int) -> None:
    r = xt.score(path)
    assert isinstance(r, xt.Result) and len(r.projects) == tables and {p.layout for p in r.projects} == layouts
    assert [(t.form.sheet, t.result.sheet) for t in r.tables] == [(p.sheet, p.sheet) for p in r.projects]
    assert all(t.settings.rule_set.name == r.rule_set for t in r.tables)
    projects = r.projects_frame()
    assert len(projects) == tables and list(projects["sheet"]) == [p.sheet for p in r.projects]
    for column in ("budget", "executed", "execution_rate", "execution_score", "total", "claimed_total"):
        assert projects[column].dtype == "float64", column
    indicators = r.indicators_frame()
    assert len(indicators) == sum(len(p.indicators) for p in r.projects)
    assert indicators["weight"].dtype == "float64" and indicators["score"].dtype == "float64"
    findings = r.findings_frame()
    assert len(findings) == len(r.findings) and set(findings["file"]) <= {str(path)}
    assert all(f.file == str(path) for f in r.findings)


def test_the_seed_figures_through_the_api() -> None:
    r = xt.score(YUZHONG)
    assert r.projects_frame()["budget"].tolist() == [12573.89937, 2004.0, 1413.0, 146.0]
    assert r.projects_frame()["total"].tolist() == [110.0, 100.0, 100.0, 100.0]  # weights + 100 % × 10
    assert not r.valid and [(f.code, f.sheet) for f in r.findings.errors] == [("WEIGHT_TOTAL", "部门整体")]
    changshou = xt.score(CHANGSHOU).projects_frame()
    assert changshou["budget"].tolist() == [973.9, 52.0]
    assert changshou["total"].iloc[1] == 100.0 and pd.isna(changshou["total"].iloc[0])  # 表10 is not scored


def test_validate_json_is_the_library_report(tmp_path: Path) -> None:
    """As frictionless: the command's --json is the library's report for the same file."""
    proc = xl("validate", CHANGSHOU, "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout) == json.loads(json.dumps(xt.validate(CHANGSHOU).to_dict(), ensure_ascii=False))
    proc = xl("validate", YUZHONG, "--json", cwd=tmp_path)
    assert proc.returncode == 1 and json.loads(proc.stdout)["counts"]["error"] == 1


def test_typed_errors_tell_what_went_wrong(tmp_path: Path) -> None:
    with pytest.raises(xt.WorkbookMissing, match="文件不存在"):
        xt.score(tmp_path / "没有.xlsx")
    with pytest.raises(xt.WorkbookMissing, match="是文件夹"):
        xt.score(tmp_path)
    (tmp_path / "空.xlsx").write_bytes(b"")
    with pytest.raises(xt.NotAWorkbook, match="空文件"):
        xt.score(tmp_path / "空.xlsx")
    with zipfile.ZipFile(tmp_path / "文档.xlsx", "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    with pytest.raises(xt.NotAWorkbook, match="Word 文档"):
        xt.score(tmp_path / "文档.xlsx")
    with pytest.raises(xt.NothingRecognised, match="项目支出绩效目标表（19 个项目）"):
        xt.score(QIJIANG)
    for error in (xt.WorkbookMissing, xt.NotAWorkbook, xt.PasswordRequired, xt.WrongPassword, xt.TooLarge):
        assert issubclass(error, xt.WorkbookReadError) and issubclass(error, xt.XlToolsError)
    assert issubclass(xt.NothingRecognised, xt.XlToolsError)


def test_the_jobs_write_what_the_commands_write(tmp_path: Path) -> None:
    created = xt.new(QIJIANG, tmp_path / "自评.xlsx")
    assert created.path.exists() and len(created.targets.targets) == 19 and created.targets.findings.file
    collected = xt.collect(created.path, tmp_path / "采集表.xlsx")
    assert collected.exists()
    filled = xt.fill(created.path, collected, tmp_path / "已填报.xlsx")
    assert filled.path is None and not filled.plan.writes  # nobody typed anything into the collection sheet
    done = xt.recompute(YUSHUI, tmp_path / "重算.xlsx")
    assert done.path.exists() and done.changes and len(done.evaluation.projects) == 9
    made = xt.summary([YUZHONG, CHANGSHOU], tmp_path / "表11.xlsx")
    assert made.path.exists() and len(made.gathered.projects) == 3 + 1
    assert xt.report(CHANGSHOU, tmp_path / "报告.docx").exists()
    mail = xt.email([CHANGSHOU], to=["jxk@czj.example.gov.cn"], eml=tmp_path / "草稿.eml")
    draft = email.message_from_bytes(mail.draft.read_bytes())
    assert mail.sent is None and draft["To"] == "jxk@czj.example.gov.cn" and draft["X-Unsent"] == "1"


def test_batch_gives_one_report_and_frames_over_all_files(tmp_path: Path) -> None:
    inbox = tmp_path / "收件"
    inbox.mkdir()
    for path in (YUZHONG, CHANGSHOU):
        shutil.copyfile(path, inbox / path.name)
    (inbox / "坏.xlsx").write_bytes(b"not a workbook")
    done = xt.batch([inbox], jobs=2, summary=tmp_path / "表11.xlsx")
    report = done.report
    assert report.labels == ["坏.xlsx", YUZHONG.name, CHANGSHOU.name]  # the folder's files, in code-point order
    assert [o.ok for o in report.outcomes] == [False, True, True] and done.written.summary.exists()
    frame = report.projects_frame()
    # 渝中 12573.89937 + 2004 + 1413 + 146; 长寿 973.9 + 52
    assert frame.groupby("file", sort=False)["budget"].sum().round(5).tolist() == [16136.89937, 1025.9]
    skipped = report.findings_frame().query("code == 'FILE_SKIPPED'")
    assert skipped["file"].tolist() == ["坏.xlsx"] and report.report.counts()["error"] >= 2
