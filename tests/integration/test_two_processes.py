"""recompute in two processes (xl_tools.jobs.two_processes) writes the file one process writes, byte for byte,
and reports the same scores, findings and changes: on the samples, the template, the real-forms corpus and
several-sheet workbooks of each layout, with run's 表11 and 校验结果 too.  Where the halves cannot stand for the
whole, the one process does it all and says what it always says."""

from __future__ import annotations

import errno
import os
import re
import signal
import sys
from pathlib import Path

import openpyxl
import pytest

from xl_tools.core.errors import XlToolsError
from xl_tools.jobs.recompute import recompute
from xl_tools.jobs.two_processes import recompute_in_two
from xl_tools.workbook.package import Package

from bench.layouts import LAYOUTS, workload
from tests.helpers.cli import xl_subprocess
from tests.helpers.packages import parts_of, write_parts
from tests.helpers.paths import REAL, REPO

SAMPLES = sorted(p for p in (REPO / "workbooks").glob("*.xlsx") if "目标表" not in p.name)


def _same_as_one_process(source: Path, folder: Path, *, report: bool) -> None:
    one = recompute(source, folder / "one.xlsx", report=report, processes=1)
    pkg = Package.open(source)
    two = recompute_in_two(source, None, report, pkg)
    assert two is not None, "the halves were given up: one process did it"
    evaluation, changes = two
    assert parts_of(pkg.save(folder / "two.xlsx")) == parts_of(one.path)
    assert evaluation.to_dict() == one.evaluation.to_dict()  # scores, settings, every finding in order
    assert [(c.sheet, c.ref, c.old, c.new) for c in changes] == [(c.sheet, c.ref, c.old, c.new) for c in one.changes]


@pytest.mark.parametrize("report", [False, True], ids=["recompute", "run"])
@pytest.mark.parametrize("source", SAMPLES + [REPO / "templates" / "绩效自评模板.xlsx"], ids=lambda p: p.stem)
def test_the_samples_and_the_template(tmp_path: Path, source: Path, report: bool) -> None:
    _same_as_one_process(source, tmp_path, report=report)


def test_the_real_forms(tmp_path: Path) -> None:
    """Every table of the corpus that recompute writes (the ones no reader knows yet are refused alike)."""
    sys.path.insert(0, str(REAL))
    import build

    compared = 0
    for path, table in build.tables():
        source = build.build(table, tmp_path / f"{path.stem}.xlsx")
        try:
            recompute(source, tmp_path / "probe.xlsx", processes=1)
        except XlToolsError:
            assert recompute_in_two(source, None, False, Package.open(source)) is None
            continue
        _same_as_one_process(source, tmp_path, report=True)
        compared += 1
    assert compared >= 19  # the corpus's tables recompute writes today (the others are 表11s, 目标表s, NOT_YET)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_many_sheets_of_each_layout(tmp_path: Path, layout: str) -> None:
    """Seven copies of a layout's sheet (the benchmark's workload, smaller): the halves hold three and four, one
    of them with the 参数 sheet."""
    build, sheet = LAYOUTS[layout]
    _same_as_one_process(workload(build, sheet, 7, tmp_path, "book"), tmp_path, report=True)


def test_a_settings_sheet_under_another_name_is_read_by_one_process(tmp_path: Path) -> None:
    """A 参数 sheet is known by its 本工作簿取值 column whatever its name; its label rows change how every sheet
    reads, so a half without it would read differently: one process does it all."""
    build, sheet = LAYOUTS["template (万元)"]
    book = workload(build, sheet, 6, tmp_path, "book")
    wb = openpyxl.load_workbook(book)
    wb["参数"].title = "评分设置"
    wb.move_sheet("评分设置", offset=len(wb.sheetnames))  # into the second half
    wb.save(book)
    assert recompute_in_two(book, None, False, Package.open(book)) is None
    one = recompute(book, tmp_path / "one.xlsx", processes=1)
    two = recompute(book, tmp_path / "auto.xlsx", processes=2)
    assert parts_of(two.path) == parts_of(one.path)


def test_a_broken_sheet_in_the_second_half_is_reported_as_one_process_reports_it(tmp_path: Path) -> None:
    build, sheet = LAYOUTS["export (元)"]
    book = workload(build, sheet, 6, tmp_path, "book")
    parts = parts_of(book)
    last = max((n for n in parts if n.startswith("xl/worksheets/sheet")), key=lambda n: int(n[19:-4]))
    parts[last] = parts[last][: len(parts[last]) // 2]  # cut in the middle, as a broken download is
    broken = write_parts(parts, tmp_path / "broken.xlsx")
    assert recompute_in_two(broken, None, False, Package.open(broken)) is None
    with pytest.raises(XlToolsError) as one:
        recompute(broken, tmp_path / "one.xlsx", processes=1)
    with pytest.raises(XlToolsError) as two:
        recompute(broken, tmp_path / "auto.xlsx", processes=2)
    assert str(two.value) == str(one.value) and "已损坏" in str(one.value)
    assert not (tmp_path / "one.xlsx").exists() and not (tmp_path / "auto.xlsx").exists()


def test_a_file_saved_again_after_it_was_opened_is_left_to_one_process(tmp_path: Path) -> None:
    """Each half reads the file itself: were it saved again in between (Excel or WPS still at work on it), the
    halves could be of two versions of it.  Each checks its bytes against the package opened before the split."""
    build, sheet = LAYOUTS["table12"]
    book = workload(build, sheet, 6, tmp_path, "book")
    opened = Package.open(book)
    wb = openpyxl.load_workbook(book)
    wb["项目6"]["A1"] = "另存了一次"
    wb.save(book)
    assert recompute_in_two(book, None, False, opened) is None


def test_a_workbook_without_styles_is_left_to_one_process(tmp_path: Path) -> None:
    """Some generators write no styles part.  The first process's 参数 sheet brings one in; the second process's
    cells would not get the formats one process gives them."""
    build, sheet = LAYOUTS["template (万元)"]
    parts = parts_of(workload(build, sheet, 6, tmp_path, "book"))
    del parts["xl/styles.xml"]
    parts["xl/_rels/workbook.xml.rels"] = re.sub(rb"<Relationship [^>]*/styles\"[^>]*/>", b"",
                                                 parts["xl/_rels/workbook.xml.rels"])
    parts["[Content_Types].xml"] = re.sub(rb'<Override PartName="/xl/styles.xml"[^>]*/>', b"",
                                          parts["[Content_Types].xml"])
    plain = write_parts(parts, tmp_path / "plain.xlsx")
    assert not Package.open(plain).has_styles()
    assert recompute_in_two(plain, None, False, Package.open(plain)) is None
    one = recompute(plain, tmp_path / "one.xlsx", processes=1)
    assert parts_of(recompute(plain, tmp_path / "auto.xlsx", processes=2).path) == parts_of(one.path)


def test_no_process_to_be_had(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fork refused (a limit on processes or memory; as root here, only by standing in for the kernel): one
    process does the job, and no descriptor is left open."""
    build, sheet = LAYOUTS["table12"]
    book = workload(build, sheet, 6, tmp_path, "book")
    one = recompute(book, tmp_path / "one.xlsx", processes=1)
    asked = []

    def refused() -> int:
        asked.append(1)
        raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    descriptors = len(os.listdir("/proc/self/fd"))
    assert recompute_in_two(book, None, False, Package.open(book)) is None and asked
    assert len(os.listdir("/proc/self/fd")) == descriptors
    assert parts_of(recompute(book, tmp_path / "auto.xlsx", processes=2).path) == parts_of(one.path)


def test_a_program_that_reaps_its_own_children(tmp_path: Path) -> None:
    """A program calling recompute may ignore SIGCHLD (its children are then reaped by the kernel): the job still
    ends as written, not with an error after the file was saved."""
    build, sheet = LAYOUTS["export (元)"]
    book = workload(build, sheet, 6, tmp_path, "book")
    one = recompute(book, tmp_path / "one.xlsx", processes=1)
    before = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        pkg = Package.open(book)
        assert recompute_in_two(book, None, False, pkg) is not None
        assert parts_of(pkg.save(tmp_path / "two.xlsx")) == parts_of(one.path)
    finally:
        signal.signal(signal.SIGCHLD, before)


def test_the_first_error_is_the_one_process_error(tmp_path: Path) -> None:
    """Twenty-one sheets with no table and a result named .xlsm: one process says first that nothing was
    recognised (it reads before it checks the result's name), and so does the command, which would use two
    (a process of its own: one thread, as a user runs it)."""
    wb = openpyxl.Workbook()
    for i in range(21):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title, ws["A1"] = f"说明{i + 1}", "本表不是绩效自评表"
    book = tmp_path / "book.xlsx"
    wb.save(book)
    with pytest.raises(XlToolsError) as one:
        recompute(book, tmp_path / "out.xlsm", processes=1)
    assert "没有能识别" in str(one.value)
    run = xl_subprocess("recompute", book, "-o", "out.xlsm", cwd=tmp_path)
    assert run.returncode != 0 and str(one.value) in run.stderr
