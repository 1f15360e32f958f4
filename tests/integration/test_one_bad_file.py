"""One bad file stays one bad file (issue 13, point 4): a failure on one file's data in batch or summary, or
on one sheet's in run, is reported against that file or sheet, and every other output is still written.

The failures are injected where a real one would arise: a step of the parent's gathering (monkeypatched
in-process, as ``core.gathering.figures_only`` or the summary job's ``score``), a figure no writer can write
(NaN, as a worker could send), a reader, the engine or the planning of one sheet, and, with no patch at all,
a multi-cell array formula over a sheet's score cells, which the package editor cannot write into.
"""

from __future__ import annotations

import dataclasses
import math
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from lxml import etree

import xl_tools.core.gathering as gathering
import xl_tools.jobs.summary as summary_job
from xl_tools.jobs.batch import collect, process_file, write_findings
from xl_tools.workbook.summary_book import write_summary

from tests.helpers.cli import xl
from tests.helpers.hostile import DDE, MAIN, SHEET, YUSHUI, hostile_form, written_texts

INJECTED = "注入的故障"


def _batch_inputs(tmp_path: Path) -> list[Path]:
    inbox = tmp_path / "收件"
    inbox.mkdir()
    return [hostile_form(inbox, "单位甲.xlsx"), Path(shutil.copy(YUSHUI, inbox / "单位乙.xlsx"))]


def _rows(path: Path, sheet: str) -> list[list[Any]]:
    """The sheet's values (an array formula as its text)."""
    return [[getattr(c.value, "text", c.value) for c in row] for row in openpyxl.load_workbook(path)[sheet].iter_rows()]


@pytest.mark.parametrize("how", ["a step raises", "a figure is NaN"])
def test_a_file_failing_in_the_parent_costs_only_itself(tmp_path: Path, monkeypatch: Any, how: str) -> None:
    """batch's parent gathers what the workers sent and writes 表11 and 校验结果: one file breaking that (a
    summarise step raising on its projects, or a NaN figure no writer can put in a cell) is listed as
    skipped with its reason, and both outputs hold every other file."""
    paths = _batch_inputs(tmp_path)
    outcomes = [process_file(str(p)) for p in paths]  # what the workers send back, worked out here
    if how == "a step raises":
        cut = gathering.figures_only

        def failing(project: Any) -> Any:
            if project.name == DDE:
                raise RuntimeError(INJECTED)
            return cut(project)

        monkeypatch.setattr(gathering, "figures_only", failing)
    else:
        outcomes[0].projects[0] = dataclasses.replace(outcomes[0].projects[0], budget=math.nan)
    report = collect(paths, outcomes)
    write_summary(report.gathered, tmp_path / "表11.xlsx")
    write_findings(report, tmp_path / "校验结果.xlsx")

    assert [o.ok for o in report.outcomes] == [False, True]
    skipped = [r for r in _rows(tmp_path / "校验结果.xlsx", "校验结果") if r[2] == "FILE_SKIPPED"]
    assert len(skipped) == 1 and skipped[0][0] == "单位甲.xlsx"
    assert (INJECTED if how == "a step raises" else "nan") in skipped[0][6]
    assert {r[0] for r in _rows(tmp_path / "校验结果.xlsx", "校验结果")[1:]} == {"单位甲.xlsx", "单位乙.xlsx"}
    table = _rows(tmp_path / "表11.xlsx", "表11")
    assert {r[9] for r in table[3:-1] if r[0]} == {"单位乙.xlsx"} and len(table) - 3 == 9 + 1  # title rows, 9 projects, 合计
    with zipfile.ZipFile(tmp_path / "表11.xlsx") as zf:
        assert b"<v>nan</v>" not in zf.read("xl/worksheets/sheet1.xml")


def test_summary_skips_a_file_whatever_breaks_on_it(tmp_path: Path, monkeypatch: Any) -> None:
    """`xl-tools summary` over many files: not only an unreadable one, any failure on one file's data."""
    paths = _batch_inputs(tmp_path)
    read = summary_job.score

    def failing(path: Path, *args: Any) -> Any:
        if Path(path).name == "单位甲.xlsx":
            raise KeyError(INJECTED)
        return read(path, *args)

    monkeypatch.setattr(summary_job, "score", failing)
    proc = xl("summary", *paths, "-o", tmp_path / "表11.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "[FILE_SKIPPED] 单位甲.xlsx 未能读取" in proc.stdout and INJECTED in proc.stdout
    findings = _rows(tmp_path / "表11.xlsx", "校验结果")
    assert findings[1][1] == "FILE_SKIPPED" and "KeyError" in findings[1][5]
    # the rest: seed 004's two projects scored 110 (weights 100 beside the execution rate's 10)
    assert sorted((r[1], r[2]) for r in findings[2:]) == [("TOTAL_ABOVE_100", "IC卡制作费"),
                                                          ("TOTAL_ABOVE_100", "三联单印刷费")]
    assert len(_rows(tmp_path / "表11.xlsx", "表11")) - 3 == 9 + 1


def _array_over_scores(src: Path, dst: Path) -> Path:
    """The first sheet's 指标得分 I13:I15 as one array formula {=H13:H15}, as a unit's Excel may hold them."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                root = etree.fromstring(data)
                for r in (13, 14, 15):
                    c = root.find(f".//{{{MAIN}}}c[@r='I{r}']")
                    for child in list(c):
                        c.remove(child)
                    c.attrib.pop("t", None)
                    if r == 13:
                        etree.SubElement(c, f"{{{MAIN}}}f", t="array", ref="I13:I15").text = "H13:H15"
                    etree.SubElement(c, f"{{{MAIN}}}v").text = "30"
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(info, data)
    return dst


def test_run_writes_the_other_sheets_when_one_cannot_be_written(tmp_path: Path) -> None:
    """The score cells of one sheet are a multi-cell array formula, which only Excel can change as a whole:
    that sheet is reported and left as it was, the other sheet gets its formulas, 表11 shows the first
    sheet's figures as values (nothing links to helper cells that were not written)."""
    source = _array_over_scores(hostile_form(tmp_path, controls=False), tmp_path / "数组公式.xlsx")
    proc = xl("run", source, "-o", "结果.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"SHEET_SKIPPED {SHEET}" in proc.stdout and "数组公式区域 I13:I15" in proc.stdout
    wb = openpyxl.load_workbook(tmp_path / "结果.xlsx")
    assert _rows(tmp_path / "结果.xlsx", SHEET) == _rows(source, SHEET)  # left as it was
    assert str(wb["项目二"]["I13"].value).startswith("=IF(")  # the other sheet's score formulas
    assert not str(wb["表11"]["D4"].value).startswith("=") and str(wb["表11"]["D5"].value).startswith("=IF('项目二'!")
    skipped = [r for r in _rows(tmp_path / "结果.xlsx", "校验结果") if r[1] == "SHEET_SKIPPED"]
    assert [r[2] for r in skipped] == [SHEET]
    written_texts(tmp_path / "结果.xlsx", source)


@pytest.mark.parametrize("step", ["xl_tools.layouts.detect.read_tables", "xl_tools.jobs.evaluation.evaluate",
                                  "xl_tools.core.plan._table_writes"])
def test_run_reports_a_sheet_whose_data_breaks_a_step(tmp_path: Path, monkeypatch: Any, step: str) -> None:
    """Reading, scoring or planning one sheet fails: it is reported against that sheet, the rest is written."""
    import importlib

    from xl_tools.jobs.run import run

    module, name = step.rsplit(".", 1)
    real = getattr(importlib.import_module(module), name)

    def failing(first: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(first, "name", None) == "项目二" or getattr(first, "sheet", None) == "项目二":
            raise ZeroDivisionError(INJECTED)
        return real(first, *args, **kwargs)

    monkeypatch.setattr(importlib.import_module(module), name, failing)
    source = hostile_form(tmp_path, controls=False)
    done = run(source, tmp_path / "结果.xlsx")
    written = done.path
    skipped = list(done.evaluation.findings.filter(code="SHEET_SKIPPED"))
    assert [(f.sheet, INJECTED in f.message) for f in skipped] == [("项目二", True)]
    wb = openpyxl.load_workbook(written)
    assert str(wb[SHEET]["I13"].value).startswith("=IF(")
    assert not any(c.data_type == "f" for row in wb["项目二"].iter_rows() for c in row)
    assert "SHEET_SKIPPED" in [r[1] for r in _rows(written, "校验结果")]
