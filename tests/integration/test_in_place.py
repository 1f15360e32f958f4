"""`--in-place` and the names the toolkit writes under: another program's save is never lost in silence, a
read-only file is not rewritten, a link keeps being a link, a killed writer's temporary file is cleaned up,
a macro-enabled package gets the name Excel opens, and a long name fits the file system.

The concurrent writers are real: an independent program (openpyxl) saves a different workbook over the file as
Excel does (a new file renamed over it) or by rewriting the file itself, at a fixed point of the run, and a
subprocess keeps saving while `xl-tools recompute --in-place` runs on a 150-project workbook.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import subprocess
import sys
import textwrap
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from xl_tools.outputs import NAME_MAX, package_suffix
from xl_tools.jobs.writing import write_scores
from xl_tools.jobs.score import score
from xl_tools.workbook import atomic, in_place
from xl_tools.workbook.in_place import save_in_place
from xl_tools.workbook.package import PackageError
from xl_tools.workbook.save import save_stable
from xl_tools.workbook.template import ProjectSpec, add_project_sheet

from tests.helpers.cli import no_traceback, xl, xl_subprocess
from tests.helpers.packages import rewrite_part
from tests.helpers.paths import REPO

BENCH = REPO / "bench"
PLAIN_TYPE = rb"application/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet\.main\+xml"
MACRO_TYPE = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
THEIRS = "另一程序保存的修改"


def form(path: Path) -> Path:
    """One template sheet; its first indicator, 服务人次 ≥1000 done 800 of weight 90, scores 72."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    spec = ProjectSpec(name="并发保存测试", year=2023, funds={"年度资金总额": (100, 100, 100)},
                       indicators=[{"name": "服务人次", "target": "≥1000", "actual": 800, "weight": 90}])
    add_project_sheet(wb, "项目", spec)
    return save_stable(wb, path)


def first_indicator(path: Path) -> tuple[str, str]:
    """(完成值 cell, 得分 cell) of the first indicator, as the reader finds them."""
    indicator = score(path).forms[0].indicators[0]
    return indicator.actual.cell, indicator.out_cells["score"]


def edited_elsewhere(path: Path, cells: dict[str, object]) -> bytes:
    """The workbook as another program saves it with ``cells`` changed."""
    wb = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        wb["项目"][ref] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def save_as_excel_does(path: Path, data: bytes) -> None:
    """A new file beside the workbook, renamed over it."""
    temp = path.with_name("A1B2C3D4")
    temp.write_bytes(data)
    os.replace(temp, path)


def save_into_the_file(path: Path, data: bytes) -> None:
    """The same file truncated and written again (same inode)."""
    with open(path, "r+b") as fh:
        fh.truncate(0)
        fh.write(data)


WRITERS = [save_as_excel_does, save_into_the_file]


def recompute_edit(before: Callable[[int], None]) -> Callable:
    """What `recompute --in-place` does on the package it is given, after ``before(call number)``."""
    calls = []

    def edit(pkg):
        calls.append(1)
        before(len(calls))
        return write_scores(pkg, score(pkg.path))

    edit.calls = calls
    return edit


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ==================================================================== a save landing while the tool works


@pytest.mark.parametrize("write", WRITERS, ids=lambda w: w.__name__)
def test_a_save_during_the_work_is_kept_and_the_work_redone_on_it(write, tmp_path: Path) -> None:
    path = form(tmp_path / "自评表.xlsx")
    actual, score = first_indicator(path)
    theirs = edited_elsewhere(path, {actual: 1000, "Z1": THEIRS})  # 1000 of 1000: the full 90

    def save_once(call: int) -> None:
        if call == 1:
            write(path, theirs)

    edit = recompute_edit(save_once)
    saved = save_in_place(path, edit)
    assert len(edit.calls) == 2
    assert saved.backup.read_bytes() == theirs  # the backup is what the work was done on
    values = openpyxl.load_workbook(path, data_only=True)["项目"]
    assert values[actual].value == 1000 and values["Z1"].value == THEIRS
    assert values[score].value == 90  # the tool's cells, computed from the other program's numbers
    assert openpyxl.load_workbook(path)["项目"][score].value.startswith("=")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("write", WRITERS, ids=lambda w: w.__name__)
def test_a_file_saved_again_and_again_is_left_with_the_last_save(write, tmp_path: Path) -> None:
    path = form(tmp_path / "自评表.xlsx")
    actual, _ = first_indicator(path)
    saves = [edited_elsewhere(path, {actual: 900 + n, "Z1": f"{THEIRS}{n}"}) for n in range(1, 4)]
    edit = recompute_edit(lambda call: write(path, saves[call - 1]))
    with pytest.raises(PackageError, match="被其他程序反复保存（共 3 次），未写入"):
        save_in_place(path, edit)
    assert path.read_bytes() == saves[-1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["自评表.xlsx"]  # no backup, no temporary file


@pytest.mark.skipif(in_place._renameat2() is None, reason="renameat2 (Linux) is what closes this window")
@pytest.mark.parametrize("write", WRITERS, ids=lambda w: w.__name__)
def test_a_save_between_the_last_check_and_the_rename_is_swapped_back(write, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The other program saves after the file was found unchanged and before the new file takes its place."""
    path = form(tmp_path / "自评表.xlsx")
    actual, score = first_indicator(path)
    theirs = edited_elsewhere(path, {actual: 1000, "Z1": THEIRS})
    exchange = in_place._exchange
    swaps = []

    def save_then_exchange(a: Path, b: Path) -> bool:
        swaps.append(1)
        if len(swaps) == 1:
            write(path, theirs)
        return exchange(a, b)

    monkeypatch.setattr(in_place, "_exchange", save_then_exchange)
    edit = recompute_edit(lambda call: None)
    saved = save_in_place(path, edit)
    assert len(edit.calls) == 2 and len(swaps) == 3  # swapped in, found theirs, swapped back; then the redo
    assert saved.backup.read_bytes() == theirs
    values = openpyxl.load_workbook(path, data_only=True)["项目"]
    assert values["Z1"].value == THEIRS and values[score].value == 90
    assert leftovers(tmp_path) == []


WRITER = textwrap.dedent('''
    """Save the workbook again and again as Excel does, each save a different package (its zip comment says
    which), every ``pause`` seconds on average and also as soon as a temporary file of the toolkit's appears
    beside it (the tool is then writing its new version: the moment a save is easiest to lose).  After each
    save its number and digest go to the log.  Stops when the stop file appears."""
    import glob, hashlib, os, random, struct, sys, time
    path, log, stop, pause = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    folder, name = os.path.split(path)
    base = open(path, "rb").read()
    end = base.rindex(b"PK\\x05\\x06")
    n, seen, due = 0, set(), 0.0
    while not os.path.exists(stop):
        writing = set(glob.glob(os.path.join(glob.escape(folder), glob.escape("." + name + ".") + "*.tmp")))
        if time.monotonic() < due and not writing - seen:
            time.sleep(0.005)
            continue
        seen |= writing
        n += 1
        comment = f"save {n}".encode()
        data = base[:end + 20] + struct.pack("<H", len(comment)) + comment
        temp = os.path.join(folder, f"{n:08X}")
        with open(temp, "wb") as fh:
            fh.write(data)
        os.replace(temp, path)
        with open(log, "a") as fh:
            fh.write(f"{n} {hashlib.sha256(data).hexdigest()}\\n")
        due = time.monotonic() + random.uniform(0, 2 * pause)
''')


@pytest.fixture(scope="module")
def large_form(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(BENCH))
    try:
        from run import build_workload
    finally:
        sys.path.remove(str(BENCH))
    return build_workload(tmp_path_factory.mktemp("large") / "150个项目.xlsx", 150)


@pytest.mark.parametrize("pause", [0.1, 1.0], ids=["saves_every_0.1s", "saves_every_1s"])
def test_a_program_saving_in_a_loop_never_loses_its_last_save(pause: float, large_form: Path,
                                                               tmp_path: Path) -> None:
    path = tmp_path / large_form.name
    path.write_bytes(large_form.read_bytes())
    log, stop = tmp_path / "writer.log", tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(log), str(stop), str(pause)])
    try:
        while not log.exists():
            time.sleep(0.01)
        proc = xl("recompute", path, "--in-place", cwd=tmp_path)
    finally:
        stop.touch()
        writer.wait(timeout=30)
    no_traceback(proc)
    last, digest = log.read_text().split()[-2:]
    final = path.read_bytes()
    if hashlib.sha256(final).hexdigest() != digest:  # not the other program's last save: the tool's, made on it
        assert proc.returncode == 0, proc.stderr
        with zipfile.ZipFile(path) as zf:
            assert zf.comment == f"save {last}".encode()
        assert "变更记录" in openpyxl.load_workbook(path, read_only=True).sheetnames
    else:  # the other program's last save is the file: either saved after the tool's, or the tool stopped
        assert proc.returncode == 0 or "被其他程序反复保存" in proc.stderr, proc.stderr
    assert leftovers(tmp_path) == []


# ==================================================================== read-only files, links, leftovers


def test_a_read_only_file_is_refused(tmp_path: Path) -> None:
    path = form(tmp_path / "只读.xlsx")
    path.chmod(0o444)
    before = path.read_bytes()
    # tests run as root, which may write anything (os.access says yes): the mode bits are what mark the file
    assert os.access(path, os.W_OK) == (os.geteuid() == 0)
    proc = xl("recompute", path, "--in-place", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2 and "只读.xlsx 是只读文件，--in-place 不改写它" in proc.stderr
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert [p.name for p in tmp_path.iterdir()] == ["只读.xlsx"]
    path.chmod(0o644)
    assert xl("recompute", path, "--in-place", cwd=tmp_path).returncode == 0


def test_a_link_keeps_being_a_link_and_its_target_is_rewritten(tmp_path: Path) -> None:
    real, links = tmp_path / "真实", tmp_path / "链接"
    real.mkdir()
    links.mkdir()
    target = form(real / "自评表.xlsx")
    link = links / "快捷方式.xlsx"
    link.symlink_to(target)
    before = target.read_bytes()
    proc = xl("recompute", link, "--in-place", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert [p.name for p in links.iterdir()] == ["快捷方式.xlsx"]  # backup and temporary file beside the target
    assert sorted(p.name for p in real.iterdir()) == ["自评表.bak.xlsx", "自评表.xlsx"]
    assert (real / "自评表.bak.xlsx").read_bytes() == before
    assert "变更记录" in openpyxl.load_workbook(target).sheetnames
    assert "自评表.bak.xlsx" in proc.stdout


BLOCKED_WRITER = textwrap.dedent('''
    """Write the target atomically, then stop half-way through the content until killed."""
    import sys, time
    from pathlib import Path
    from xl_tools.workbook.atomic import replace_atomically
    def write(fh):
        fh.write(b"PK half a workbook")
        fh.flush()
        print("writing", flush=True)
        time.sleep(600)
    replace_atomically(Path(sys.argv[1]), write)
''')


def blocked_writer(target: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", BLOCKED_WRITER, str(target)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "writing\n"
    return proc


def test_a_killed_writers_temporary_file_goes_on_the_next_write_a_live_ones_stays(tmp_path: Path) -> None:
    path = form(tmp_path / "自评表.xlsx")
    live = blocked_writer(path)
    try:
        [live_one] = leftovers(tmp_path)
        killed = blocked_writer(path)  # leaves the live writer's file alone
        killed.kill()
        killed.wait()
        [left] = [name for name in leftovers(tmp_path) if name != live_one]
        assert left.startswith(f".自评表.xlsx.{killed.pid}-")
        other_host = f"{int(atomic._host(), 16) ^ 1:08x}"  # a writer on another machine sharing the folder
        recent, old = (tmp_path / f".自评表.xlsx.{pid}-{other_host}.abcdefgh.tmp" for pid in (11, 12))
        recent.write_bytes(b"PK")
        old.write_bytes(b"PK")
        an_hour_ago = time.time() - atomic.STALE_AFTER - 60
        os.utime(old, (an_hour_ago, an_hour_ago))
        proc = xl("recompute", path, "--in-place", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert leftovers(tmp_path) == sorted([live_one, recent.name])
    finally:
        live.kill()
        live.wait()


# ==================================================================== what a name says about the content


def macro_enabled(path: Path, name: str) -> Path:
    """The form with the macro-enabled content type (no VBA project: the content type alone decides)."""
    return rewrite_part(form(path.with_name("plain_source.xlsx")), path.with_name(name), "[Content_Types].xml",
                        PLAIN_TYPE, MACRO_TYPE)


def test_a_macro_enabled_package_named_xlsx_gives_xlsm_outputs(tmp_path: Path) -> None:
    source = macro_enabled(tmp_path / "x", "宏.xlsx")
    assert xl("run", source, cwd=tmp_path).returncode == 0
    assert xl("recompute", source, cwd=tmp_path).returncode == 0
    for name in ("宏_自评结果.xlsm", "宏_重算.xlsm"):
        assert package_suffix(tmp_path / name) == ".xlsm", name
        assert openpyxl.load_workbook(tmp_path / name, keep_vba=True).sheetnames
    assert not (tmp_path / "宏_自评结果.xlsx").exists() and not (tmp_path / "宏_重算.xlsx").exists()
    # a process of its own: batch forks worker processes, which must not be forks of the test runner
    batch = xl_subprocess("batch", source, "--recompute", "-o", tmp_path / "重算", cwd=tmp_path)
    assert batch.returncode == 0, batch.stderr
    assert [p.name for p in (tmp_path / "重算").iterdir()] == ["宏.xlsm"]


def test_an_output_name_that_contradicts_the_content_is_refused(tmp_path: Path) -> None:
    macro = macro_enabled(tmp_path / "x", "宏.xlsm")
    plain = form(tmp_path / "普通.xlsx")
    for command, source, out, needed in (("recompute", macro, "结果.xlsx", ".xlsm"), ("run", macro, "结果.xlsx", ".xlsm"),
                                         ("recompute", plain, "结果.xlsm", ".xlsx"), ("run", plain, "结果.xlsm", ".xlsx")):
        proc = xl(command, source, "-o", tmp_path / out, cwd=tmp_path)
        no_traceback(proc)
        assert proc.returncode == 2 and f"只能保存为 {needed}" in proc.stderr, (command, out, proc.stderr)
        assert not (tmp_path / out).exists()


def test_in_place_keeps_a_misnamed_package_s_name_and_warns(tmp_path: Path) -> None:
    source = macro_enabled(tmp_path / "x", "宏.xlsx")
    proc = xl("recompute", source, "--in-place", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "警告：宏.xlsx 的内容是启用宏的工作簿（.xlsm），扩展名却是 .xlsx" in proc.stderr
    assert package_suffix(source) == ".xlsm" and (tmp_path / "宏.bak.xlsx").exists()
    assert "警告" not in xl("recompute", form(tmp_path / "普通.xlsx"), "--in-place", cwd=tmp_path).stderr


# ==================================================================== long names


def test_a_251_byte_name_gives_outputs_backups_and_temporary_files_that_fit(tmp_path: Path) -> None:
    name = "绩" * 82 + ".xlsx"
    assert len(name.encode()) == 251
    source = form(tmp_path / name)
    for args in (["run"], ["recompute"], ["collect"], ["recompute", "--in-place"]):
        proc = xl(*args, source, cwd=tmp_path)
        no_traceback(proc)
        assert proc.returncode == 0, (args, proc.stderr)
    names = sorted(p.name for p in tmp_path.iterdir() if p.name != "plain_source.xlsx")
    assert all(len(n.encode()) <= NAME_MAX for n in names), names
    # each stem cut on a character boundary to make room: every derived name takes 253 to 255 bytes
    assert names == sorted([name, "绩" * 79 + "_自评结果.xlsx", "绩" * 81 + "_重算.xlsx", "绩" * 80 + "_采集表.xlsx",
                            "绩" * 82 + ".bak.xlsx"])
    proc = xl("recompute", source, "-o", tmp_path / ("长" * 100 + ".xlsx"), cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2 and "文件名或路径过长" in proc.stderr and "内部错误" not in proc.stderr


def test_a_temporary_file_of_a_long_name_fits_and_stays_apart(tmp_path: Path) -> None:
    first, second = (tmp_path / ("绩" * 82 + tail) for tail in (".xlsx", "x.xlsx"))
    prefixes = {atomic._prefix(p) for p in (first, second)}
    assert len(prefixes) == 2
    for target in (first, second):
        killed = blocked_writer(target)
        killed.kill()
        killed.wait()
    assert all(len(n.encode()) <= NAME_MAX for n in leftovers(tmp_path)) and len(leftovers(tmp_path)) == 2
    atomic.discard_stale(first)
    [left] = leftovers(tmp_path)
    assert left.startswith(atomic._prefix(second))
