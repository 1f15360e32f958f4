"""``xl-tools batch``: many workbooks, some broken, none of them stopping the others."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from xl_tools.jobs.batch import expand_inputs, process_file, run_batch
from xl_tools.core.findings import Level

from tests.helpers.cli import fingerprint, xl, xl_subprocess
from tests.helpers.paths import WORKBOOKS

YUZHONG = "渝中区医疗保障局2023_一体化系统导出.xlsx"
YUSHUI = "渝水区医保局2022_项目自评.xlsx"
CHANGSHOU = "长寿区医疗保障局2021_表10表11表12.xlsx"
AWKWARD = '渝中:区<医保>局"2023"|导出?.xlsx'
"""A name Linux accepts and Windows would refuse (the unit typed it into its own file name)."""
BROKEN = ["损坏.xlsx", "空文件.xlsx", "其实是CSV.xlsx", "加密.xlsx", "正在复制.xlsx"]
GOOD = 5  # a/渝中, a/渝水, a/长寿, b/长寿 (same workbook, other folder), b/<awkward name> (渝中 again)
PROJECTS = {YUZHONG: 3, YUSHUI: 9, CHANGSHOU: 1}
BUDGETS = {YUZHONG: 2004 + 1413 + 146, YUSHUI: 1735.00, CHANGSHOU: 52}


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """What a finance bureau's inbox looks like: good workbooks, broken ones, a lock file, a copy sent twice."""
    root = tmp_path / "收件"
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    for name in (YUZHONG, YUSHUI, CHANGSHOU):
        shutil.copy(WORKBOOKS / name, root / "a" / name)
    shutil.copy(WORKBOOKS / CHANGSHOU, root / "b" / CHANGSHOU)
    shutil.copy(WORKBOOKS / YUZHONG, root / "b" / AWKWARD)
    (root / BROKEN[0]).write_bytes(b"PK\x03\x04 junk")
    (root / BROKEN[1]).write_bytes(b"")
    (root / BROKEN[2]).write_text("项目名称,预算数\n医疗救助,100\n", encoding="utf-8")
    with open(WORKBOOKS / CHANGSHOU, "rb") as plain, open(root / BROKEN[3], "wb") as locked:
        OOXMLFile(plain).encrypt("自评-Pw#2021", locked)  # sent with an open password, none given
    whole = (WORKBOOKS / YUSHUI).read_bytes()
    (root / BROKEN[4]).write_bytes(whole[: len(whole) * 3 // 5])  # a copy still under way: the first 60 %
    (root / "a" / f"~${YUZHONG}").write_bytes(b"\x00" * 165)  # Excel's owner file of an open workbook
    (root / "说明.txt").write_text("不是工作簿", encoding="utf-8")
    return root


def all_files(root: Path) -> dict[Path, tuple[str, int]]:
    return {p: fingerprint(p) for p in sorted(root.rglob("*")) if p.is_file()}


def test_inputs_expand_sorted_without_duplicates_lock_files_or_outputs(inbox: Path, tmp_path: Path) -> None:
    out = inbox / "重算"
    out.mkdir()
    shutil.copy(WORKBOOKS / YUZHONG, out / YUZHONG)  # last run's output, inside the inbox
    paths = expand_inputs([inbox, inbox / "a" / YUZHONG, str(inbox / "a" / "*.xlsx")], exclude_dirs=[out])
    names = [p.name for p in paths]
    assert len(paths) == GOOD + len(BROKEN)
    assert len({p.resolve() for p in paths}) == len(paths)
    assert [p.resolve() for p in paths] == sorted((p.resolve() for p in paths), key=str)
    assert not any(n.startswith("~$") for n in names) and "说明.txt" not in names
    assert all(out not in p.resolve().parents for p in paths)


def test_batch_recomputes_summarises_and_lists_skipped_files(inbox: Path, tmp_path: Path) -> None:
    before = all_files(inbox)
    out = tmp_path / "重算"
    # a process of its own: batch forks worker processes, which must not be forks of the test runner
    proc = xl_subprocess("batch", inbox, "--jobs", "1", "--recompute", "-o", out, "--summary", tmp_path / "表11.xlsx",
                         "--findings", tmp_path / "校验结果.xlsx", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr  # some files could not be read
    assert "Traceback" not in proc.stdout + proc.stderr
    assert all_files(inbox) == before  # inputs untouched: bytes and mtime
    assert "共 10 个文件，已读取 5 个，项目 17 个，未能读取 5 个" in proc.stdout
    assert "FILE_SKIPPED（文件未能汇总）：5" in proc.stdout
    assert "DUPLICATE_PROJECT（项目在多个文件中重复）：8" in proc.stdout
    # by unit: the 实施单位 / 主管部门 the forms name (seed 000's "094-" code dropped); an unreadable file stands
    # for itself
    assert "重庆市渝中区医疗保障局（2 个文件）" in proc.stdout and "重庆市长寿区医疗保障局（2 个文件）" in proc.stdout
    assert "新余市渝水区医疗保障局（1 个文件）" in proc.stdout and "加密.xlsx（1 个文件）：错误 1" in proc.stdout

    written = sorted(p.name for p in out.iterdir())
    assert len(written) == GOOD
    assert CHANGSHOU in written and CHANGSHOU.replace(".xlsx", "_2.xlsx") in written
    assert not any(set('<>:"|?*') & set(name) for name in written)
    for name in written:
        assert "变更记录" in openpyxl.load_workbook(out / name, read_only=True).sheetnames

    sheet = openpyxl.load_workbook(tmp_path / "校验结果.xlsx").active
    findings = list(sheet.iter_rows(values_only=True))
    assert findings[0][:3] == ("文件", "级别", "代码") and findings[0][-1] == "类别"
    parts = ["需要处理", "目标设置问题（仅供参考）", "提示"]
    shown = [parts.index(row[-1]) for row in findings[1:]]
    assert shown == sorted(shown) and shown[0] == 0 and shown[-1] == 2  # what to act on first, notes last
    for (file, project), rows in itertools.groupby(findings[1:], key=lambda row: (row[0], row[5])):
        levels = [row[1] for row in rows if row[-1] == "需要处理"]
        assert levels == sorted(levels, key=["错误", "警告"].index), (file, project)  # a project's errors first
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:H{len(findings)}"
    assert sheet["B2"].fill.fgColor.rgb == "00F8CBAD" and sheet["C2"].border.left.style == "thin"
    book = openpyxl.load_workbook(tmp_path / "校验结果.xlsx")
    units = {row[0]: row[1:] for row in book["按单位"].iter_rows(min_row=2, values_only=True)}
    assert units["重庆市渝中区医疗保障局"][:2] == (2, 2 * PROJECTS[YUZHONG])  # (files, projects)
    assert units["重庆市长寿区医疗保障局"][:2] == (2, 2 * PROJECTS[CHANGSHOU])
    assert units["新余市渝水区医疗保障局"][:2] == (1, PROJECTS[YUSHUI])
    assert all(units[name] == (1, 0, 1, 0, 0) for name in BROKEN)  # one error each: FILE_SKIPPED
    assert sum(sum(counts[2:]) for counts in units.values()) == len(findings) - 1
    codes = {row[0]: row[3] for row in book["按问题代码"].iter_rows(min_row=2, values_only=True)}
    assert codes["FILE_SKIPPED"] == len(BROKEN) and codes["DUPLICATE_PROJECT"] == 8
    assert sum(codes.values()) == len(findings) - 1
    skipped = {row[0]: row[-2] for row in findings if row[2] == "FILE_SKIPPED"}  # 说明, before 类别
    assert set(skipped) == set(BROKEN)
    assert "设有打开密码" in skipped["加密.xlsx"] and "--password" in skipped["加密.xlsx"]
    assert "截断" in skipped["正在复制.xlsx"] and "空文件" in skipped["空文件.xlsx"]
    assert "CSV" in skipped["其实是CSV.xlsx"] and "损坏" in skipped["损坏.xlsx"]
    duplicated = {row[0] for row in findings if row[2] == "DUPLICATE_PROJECT"}
    assert duplicated == {f"a/{YUZHONG}", f"b/{AWKWARD}", f"a/{CHANGSHOU}", f"b/{CHANGSHOU}"}

    table = openpyxl.load_workbook(tmp_path / "表11.xlsx", data_only=True)["表11"]
    rows = [r for r in table.iter_rows(min_row=4, values_only=True)]
    projects = [r for r in rows if isinstance(r[0], int)]
    assert len(projects) == 2 * PROJECTS[YUZHONG] + PROJECTS[YUSHUI] + 2 * PROJECTS[CHANGSHOU]
    total = next(r for r in rows if r[0] == "合计")
    assert total[3] == pytest.approx(2 * BUDGETS[YUZHONG] + BUDGETS[YUSHUI] + 2 * BUDGETS[CHANGSHOU])
    by_file: dict[str, float] = {}
    for r in projects:
        by_file[r[9]] = by_file.get(r[9], 0) + r[3]
    assert by_file[f"a/{YUZHONG}"] == pytest.approx(BUDGETS[YUZHONG])
    assert by_file[f"a/{YUSHUI}"] == pytest.approx(BUDGETS[YUSHUI])


def test_two_jobs_give_the_same_results_as_one(inbox: Path) -> None:
    paths = expand_inputs([inbox])
    serial = run_batch(paths, [None] * len(paths), jobs=1)
    parallel = run_batch(paths, [None] * len(paths), jobs=2)
    assert parallel.outcomes == serial.outcomes
    assert parallel.findings == serial.findings
    assert sum(1 for o in serial.outcomes if o.ok) == GOOD


def test_command_with_two_jobs_matches_one(inbox: Path, tmp_path: Path) -> None:
    outputs = []
    for jobs in ("1", "2"):
        target = tmp_path / f"校验结果_{jobs}.xlsx"
        # a process of its own: batch forks worker processes, which must not be forks of the test runner
        proc = xl_subprocess("batch", inbox, "--jobs", jobs, "--findings", target, cwd=tmp_path)
        assert proc.returncode == 1
        outputs.append((proc.stdout.replace(str(target), ""), target.read_bytes()))
    assert outputs[0] == outputs[1]


def test_all_good_exits_0_and_warns_of_duplicates(tmp_path: Path) -> None:
    for folder in ("一", "二"):
        (tmp_path / folder).mkdir()
        shutil.copy(WORKBOOKS / CHANGSHOU, tmp_path / folder / CHANGSHOU)
    paths = expand_inputs([tmp_path])
    report = run_batch(paths, [None, None])
    duplicates = [f for f in report.findings if f.code == "DUPLICATE_PROJECT"]
    assert len(duplicates) == 2 and all(f.level is Level.WARNING for f in duplicates)
    assert f"一/{CHANGSHOU}、二/{CHANGSHOU}" in duplicates[0].message
    # a process of its own: batch forks worker processes, which must not be forks of the test runner
    proc = xl_subprocess("batch", str(tmp_path / "*" / "*.xlsx"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "共 2 个文件，已读取 2 个，项目 2 个，未能读取 0 个" in proc.stdout


def test_bad_usage_exits_2(inbox: Path, tmp_path: Path) -> None:
    for args in (["batch", inbox, "--recompute"], ["batch", tmp_path / "没有这个文件夹"],
                 ["batch", inbox, "--jobs", "0"], ["batch", inbox, "--summary", "表11.csv"]):
        proc = xl(*args, cwd=tmp_path)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    assert xl("batch", empty, cwd=tmp_path).returncode == 2


def test_a_local_dask_cluster_gives_the_same_results(inbox: Path) -> None:
    """The same work on a Dask cluster (here two local worker processes): same outcomes, in input order."""
    distributed = pytest.importorskip("distributed")  # the `dask` extra; installed with the test extra

    paths = expand_inputs([inbox])
    serial = run_batch(paths, [None] * len(paths), jobs=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = run_batch(paths, [None] * len(paths), scheduler=cluster.scheduler_address)
    assert on_dask.outcomes == serial.outcomes
    assert on_dask.findings == serial.findings
    assert sum(1 for o in on_dask.outcomes if o.ok) == GOOD


def test_an_unreachable_scheduler_is_a_clear_message(inbox: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    proc = xl("batch", inbox, "--scheduler", "tcp://127.0.0.1:9", cwd=tmp_path)
    assert proc.returncode == 2 and "连接不上 Dask 调度器 tcp://127.0.0.1:9" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_file_written_while_it_is_read_is_reported_not_summarised(tmp_path: Path, monkeypatch: Any) -> None:
    """A unit's file still being saved into the inbox: its content changes under the reader."""
    import xl_tools.jobs.score as services

    path = Path(shutil.copy(WORKBOOKS / CHANGSHOU, tmp_path / CHANGSHOU))
    read = services.score

    def read_while_written(*args: Any, **kwargs: Any) -> Any:
        evaluation = read(*args, **kwargs)
        with open(path, "ab") as writer:  # the writer appends its next block meanwhile
            writer.write(b"\0" * 4096)
        return evaluation

    monkeypatch.setattr(services, "score", read_while_written)
    outcome = process_file(str(path))
    assert not outcome.ok and not outcome.projects and not outcome.findings
    assert "在读取过程中被改动" in outcome.error and CHANGSHOU in outcome.error


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork",
                    reason="the misbehaving reader is patched in and reaches the workers by fork")
def test_a_hanging_or_crashing_file_costs_only_itself(inbox: Path, monkeypatch: Any) -> None:
    """A reader stuck in a loop, and one that takes its worker process down (a crash in a C library): each is
    reported for its own file, and every other file is processed as before."""
    import xl_tools.jobs.score as services

    paths = expand_inputs([inbox])
    expected = run_batch(paths, [None] * len(paths), jobs=2)
    read = services.score

    def misbehaving(path: str, *args: Any, **kwargs: Any) -> Any:
        if Path(path).parts[-2:] == ("a", YUSHUI):
            time.sleep(600)
        if Path(path).parts[-2:] == ("b", CHANGSHOU):
            os._exit(3)
        return read(path, *args, **kwargs)

    monkeypatch.setattr(services, "score", misbehaving)  # workers are forked: they run this too
    report = run_batch(paths, [None] * len(paths), jobs=2, timeout=3)
    broken = {label: o.error for label, o in zip(report.labels, report.outcomes) if not o.ok}
    assert "处理超过 3 秒仍未完成" in broken.pop(f"a/{YUSHUI}")
    assert "工作进程意外退出（退出码 3" in broken.pop(f"b/{CHANGSHOU}")
    assert set(broken) == set(BROKEN)
    for label, got, want in zip(report.labels, report.outcomes, expected.outcomes):
        if label not in (f"a/{YUSHUI}", f"b/{CHANGSHOU}"):
            assert got == want, label


def test_memory_grows_by_findings_and_figures_only(tmp_path: Path) -> None:
    """The parent never holds a workbook or a full result: per file it keeps the findings and the 表11 figures
    (about 20 KiB for seed 004's nine projects, where the full results take about 120 KiB), and only a few files
    are in flight at a time, so nothing transient grows with the number of files."""
    import gc
    import tracemalloc

    paths = [Path(shutil.copy(WORKBOOKS / YUSHUI, tmp_path / f"{i:03d}.xlsx")) for i in range(48)]
    run_batch(paths[:2], [None, None], jobs=2)  # imports and caches, outside the measurement

    def measured(n: int) -> tuple[int, int]:
        gc.collect()
        tracemalloc.start()
        report = run_batch(paths[:n], [None] * n, jobs=2)
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert len(report.outcomes) == n and all(o.ok for o in report.outcomes)
        return current, peak

    small, small_peak = measured(12)
    large, large_peak = measured(48)
    assert (large - small) / 36 < 48 * 1024  # per extra file
    assert (large_peak - large) < (small_peak - small) + 256 * 1024  # the transient part does not grow


def test_a_locked_file_is_named_as_such(tmp_path: Path, monkeypatch: Any) -> None:
    """Windows refuses to read a workbook another program holds open for writing; on Linux a file without read
    permission gives the same PermissionError.  Root reads anything, so there the refusal is raised by hand."""
    import builtins

    path = Path(shutil.copy(WORKBOOKS / CHANGSHOU, tmp_path / "被占用.xlsx"))
    if os.geteuid() == 0:
        real_open = builtins.open

        def refusing(file: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(file, (str, Path)) and Path(file) == path:
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", refusing)
    else:
        path.chmod(0)
    outcome = process_file(str(path))
    assert outcome.error is not None and "被占用.xlsx 被其他程序占用或没有读取权限" in outcome.error


def test_an_xls_from_wps_is_recomputed_into_an_xlsx(tmp_path: Path) -> None:
    """Units still send .xls: the batch's workers convert it (LibreOffice) and write the result as .xlsx, with the
    same scores as the unit's .xlsx of the same form."""
    from tests.helpers.files import soffice_convert

    inbox = tmp_path / "收件"
    inbox.mkdir()
    shutil.copy(WORKBOOKS / CHANGSHOU, inbox / "长寿.xlsx")
    xls = soffice_convert(inbox / "长寿.xlsx", "xls", tmp_path)
    shutil.move(xls, inbox / "长寿_WPS.xls")
    out = tmp_path / "重算"
    # a process of its own: batch forks worker processes, which must not be forks of the test runner
    proc = xl_subprocess("batch", inbox, "--recompute", "-o", out, "--jobs", "2", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["长寿.xlsx", "长寿_WPS.xlsx"]
    scores = []
    for name in ("长寿.xlsx", "长寿_WPS.xlsx"):
        sheet = openpyxl.load_workbook(out / name, data_only=True)["表12"]
        scores.append([row for row in sheet.iter_rows(values_only=True) if "合计" in row])
    assert scores[0] == scores[1] and scores[0]


def test_ctrl_c_stops_the_batch_cleanly(tmp_path: Path) -> None:
    """Ctrl+C in the middle of a long batch: a one-line message, exit code 130, no traceback or library noise,
    the inputs untouched and no half-written result left in the output folder."""
    import signal

    inbox = tmp_path / "收件"
    inbox.mkdir()
    for i in range(1500):
        shutil.copy(WORKBOOKS / CHANGSHOU, inbox / f"{i:04d}.xlsx")
    before = all_files(inbox)
    out = tmp_path / "重算"
    env = dict(os.environ, PYTHONUTF8="1", PYTHONIOENCODING="utf-8", NO_COLOR="1")
    # as from a terminal: a run started in the background (nohup, `&` in a script) ignores Ctrl+C, and its
    # children would inherit that
    proc = subprocess.Popen(["xl-tools", "batch", str(inbox), "--jobs", "2", "--recompute", "-o", str(out)],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not (out.exists() and any(out.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.05)  # wait until the workers are writing results
    proc.send_signal(signal.SIGINT)
    stdout, stderr = (b.decode("utf-8") for b in proc.communicate(timeout=120))
    assert proc.returncode == 130, stdout + stderr
    assert "已中断（Ctrl+C）" in stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert all_files(inbox) == before
    written = list(out.iterdir())
    assert 0 < len(written) < 1500 and not any(p.name.startswith(".") for p in written)  # no temporary files
    for path in written:
        assert "变更记录" in openpyxl.load_workbook(path, read_only=True).sheetnames  # each one whole


def test_on_dask_a_hanging_file_is_given_up_and_the_rest_finish(inbox: Path, monkeypatch: Any) -> None:
    """Dask cannot stop a running task: the batch stops waiting for it at the time limit, reports it, and the other
    files finish (here a cluster of threads in this process, so the patched reader is the one the tasks run)."""
    import threading

    import xl_tools.jobs.score as services

    distributed = pytest.importorskip("distributed")
    paths = expand_inputs([inbox])
    expected = run_batch(paths, [None] * len(paths), jobs=2)
    read, release = services.score, threading.Event()

    def hanging(path: str, *args: Any, **kwargs: Any) -> Any:
        if Path(path).parts[-2:] == ("a", YUSHUI):
            release.wait(120)
        return read(path, *args, **kwargs)

    monkeypatch.setattr(services, "score", hanging)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        try:
            report = run_batch(paths, [None] * len(paths), scheduler=cluster.scheduler_address, timeout=3)
        finally:
            release.set()
    broken = {label: o.error for label, o in zip(report.labels, report.outcomes) if not o.ok}
    assert "处理超过 3 秒仍未完成" in broken.pop(f"a/{YUSHUI}")
    assert set(broken) == set(BROKEN)
    for label, got, want in zip(report.labels, report.outcomes, expected.outcomes):
        if label != f"a/{YUSHUI}":
            assert got == want, label
