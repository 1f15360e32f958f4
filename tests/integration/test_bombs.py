"""Hostile files cost a refusal, not the machine: every bomb of tests/helpers/bombs.py through every command.

Each command runs as a user runs it (the installed ``xl-tools``) in a process capped at 1.5 GB of data
(RLIMIT_DATA), so a guard that regresses fails this test instead of taking CI down: the old code needed
gigabytes for each of these files, or aborted.  The costs measured in the catalogue (docs/bad-inputs.md) come
from bench/bombs.py, not from here.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from xl_tools.adapters.memory_limit import WATCHDOG_EXIT
from xl_tools.core.errors import WorkbookReadError
from xl_tools.reading.package_guard import Entries

from tests.helpers.bombs import (BASE, BOMBS, FORM_SHEET, Bomb, Part, edited, heavy_but_within_limits, with_merge,
                                 write_zip)
from tests.helpers.cli import Run, xl_subprocess
from tests.helpers.paths import REPO

CAP = 1536 * 2**20
PEAK = 500 * 2**20
"""A refusal reads the package and stops: the CLI's own imports are about 100 MB."""
DOC = REPO / "docs" / "bad-inputs.md"


def limit() -> None:
    resource.setrlimit(resource.RLIMIT_DATA, (CAP, CAP))


def capped(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run a program under a data cap."""
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, preexec_fn=limit,
                          env={**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"})


def xl_capped(*args: str, cwd: Path) -> Run:
    """``xl-tools`` as a user runs it (its own process, so that the cap is its own), under the data cap."""
    return xl_subprocess(*args, cwd=cwd, env={"XLWINGS_LICENSE_KEY": "noncommercial"}, preexec_fn=limit)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    return {b.name: b.build(folder / f"{b.name}{b.suffix}") for b in BOMBS}


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


@pytest.mark.parametrize("bomb", BOMBS, ids=[b.name for b in BOMBS])
def test_validate_refuses_each_bomb_in_one_line_and_a_json_finding(bomb: Bomb, built: dict[str, Path]) -> None:
    path = built[bomb.name]
    proc = xl_capped("validate", "--json", path.name, cwd=path.parent)
    assert proc.returncode == 2, proc.stderr
    line = one_line(proc.stderr)
    assert line.startswith(f"错误：{path.name}") and bomb.expect in line
    (finding,) = json.loads(proc.stdout)["findings"]
    assert finding["code"] == bomb.code and finding["level"] == "error" and bomb.expect in finding["message"]


def test_a_damaged_file_is_an_unreadable_finding_in_json(tmp_path: Path) -> None:
    whole = BASE.read_bytes()
    (tmp_path / "截断.xlsx").write_bytes(whole[: len(whole) * 6 // 10])
    proc = xl_capped("validate", "--json", "截断.xlsx", cwd=tmp_path)
    assert proc.returncode == 2 and one_line(proc.stderr).startswith("错误：截断.xlsx 已损坏")
    (finding,) = json.loads(proc.stdout)["findings"]
    assert finding["code"] == "FILE_UNREADABLE" and finding["message"].startswith("截断.xlsx 已损坏")


@pytest.mark.parametrize("bomb", [b for b in BOMBS if "recompute" in b.commands], ids=lambda b: b.name)
def test_recompute_refuses_each_bomb_before_copying_a_part(bomb: Bomb, built: dict[str, Path],
                                                          tmp_path: Path) -> None:
    path = built[bomb.name]
    proc = xl_capped("recompute", str(path), "-o", str(tmp_path / "out.xlsx"), cwd=tmp_path)
    assert proc.returncode == 2 and bomb.expect in one_line(proc.stderr)
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.parametrize("bomb", [b for b in BOMBS if "convert" in b.commands], ids=lambda b: b.name)
def test_convert_does_not_hand_a_bomb_to_libreoffice(bomb: Bomb, built: dict[str, Path], tmp_path: Path) -> None:
    path = built[bomb.name]
    proc = xl_capped("convert", str(path), "--to", "pdf", "-o", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 2 and bomb.expect in proc.stdout and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []  # LibreOffice was not started: nothing converted, no folder left


def test_peak_memory_of_every_refusal_stays_small(built: dict[str, Path], tmp_path: Path) -> None:
    """All bombs in one process (score reads each in turn): the largest resident size stays near the CLI's own."""
    code = ("import resource, sys\nfrom xl_tools.jobs.evaluation import read_book\n"
            "from xl_tools.core.errors import WorkbookReadError\n"
            "for p in sys.argv[1:]:\n    try:\n        read_book(p)\n    except WorkbookReadError:\n        pass\n"
            "    else:\n        sys.exit(p + ' was read')\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)\n")
    proc = capped([sys.executable, "-c", code, *map(str, built.values())], tmp_path)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    peak = int(proc.stdout)
    assert peak < PEAK, f"{peak / 2**20:.0f} MB"


def test_a_batch_with_every_bomb_reads_the_good_files(built: dict[str, Path], tmp_path: Path) -> None:
    inbox = tmp_path / "收件"
    inbox.mkdir()
    for path in built.values():
        os.link(path, inbox / path.name)
    good = inbox / "正常.xlsx"
    good.write_bytes(BASE.read_bytes())
    proc = xl_capped("batch", str(inbox), "--jobs", "2", "--findings", str(tmp_path / "校验结果.xlsx"), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr  # some files could not be read: reported, not fatal
    assert f"共 {len(built) + 1} 个文件，已读取 1 个" in proc.stdout
    rows = list(openpyxl.load_workbook(tmp_path / "校验结果.xlsx")["校验结果"].iter_rows(values_only=True))
    skipped = {r[0]: r[-2] for r in rows if r[2] == "FILE_SKIPPED"}  # 说明, before 类别
    assert set(skipped) == {p.name for p in built.values()}
    for bomb in BOMBS:
        assert bomb.expect in skipped[f"{bomb.name}{bomb.suffix}"]


def test_a_worker_over_its_memory_cap_costs_one_file(tmp_path: Path) -> None:
    """A file inside every limit of the guard that still needs more than --max-memory (280 MB against 256 MB):
    that file is reported, the form next to it is read."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    heavy_but_within_limits(inbox / "大.xlsx")
    (inbox / "小.xlsx").write_bytes(BASE.read_bytes())
    proc = xl_capped("batch", str(inbox), "--jobs", "1", "--max-memory", "256M",
                     "--findings", str(tmp_path / "f.xlsx"), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "已读取 1 个" in proc.stdout
    rows = list(openpyxl.load_workbook(tmp_path / "f.xlsx")["校验结果"].iter_rows(values_only=True))
    (reason,) = [r[-2] for r in rows if r[2] == "FILE_SKIPPED"]
    assert reason.startswith("大.xlsx") and "内存超过上限" in reason


def run_capped_python(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)


def test_rlimit_makes_an_allocation_past_the_cap_fail(tmp_path: Path) -> None:
    proc = run_capped_python("from xl_tools.adapters.memory_limit import limit_memory\n"
                             "print(limit_memory(300 * 2**20))\n"
                             "try:\n    b = bytearray(600 * 2**20)\nexcept MemoryError:\n    print('refused')\n", tmp_path)
    assert proc.stdout.split() == ["rlimit", "refused"]


def test_the_watchdog_stops_a_process_past_the_cap(tmp_path: Path) -> None:
    """What holds where RLIMIT_DATA is not enforced (macOS): run here by choice."""
    proc = run_capped_python("import time\nfrom xl_tools.adapters.memory_limit import limit_memory\n"
                             "limit_memory(200 * 2**20, mechanism='watchdog')\n"
                             "b = bytearray(400 * 2**20)\nb[::4096] = b'x' * len(b[::4096])\ntime.sleep(5)\n"
                             "print('still running')", tmp_path)
    assert proc.returncode == WATCHDOG_EXIT and "still running" not in proc.stdout


# ---------------------------------------------------------------- the guard's parts, one by one

def entries_of(tmp_path: Path, parts: list[Part]) -> Entries:
    return Entries(write_zip(tmp_path / "p.zip", parts).read_bytes(), "p.xlsx")


def test_parts_come_out_as_the_directory_says(tmp_path: Path) -> None:
    entries = entries_of(tmp_path, [Part("a.xml", b"<a>" + b"x" * 5000 + b"</a>")])
    assert entries.read("a.xml") == b"<a>" + b"x" * 5000 + b"</a>"


@pytest.mark.parametrize("size, crc, message", [
    (10, None, "大小与文件目录中写明的不符"),      # declares less than it holds: the rest would reach calamine
    (9000, None, "大小与文件目录中写明的不符"),    # declares more
    (None, 1234, "校验码不符"),                   # the right size, another content
])
def test_a_part_that_is_not_what_the_directory_says_is_refused(tmp_path: Path, size, crc, message) -> None:
    import zlib

    data = b"<a>" + b"x" * 5000 + b"</a>"
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = packer.compress(data) + packer.flush()
    entries = entries_of(tmp_path, [Part("a.xml", raw=raw, crc=crc if crc is not None else zlib.crc32(data),
                                         size=size if size is not None else len(data))])
    with pytest.raises(WorkbookReadError, match=message):
        entries.read("a.xml")


def test_a_cut_part_is_called_damaged(tmp_path: Path) -> None:
    whole = write_zip(tmp_path / "w.zip", [Part("a.xml", b"<a>" + bytes(range(256)) * 100 + b"</a>")]).read_bytes()
    start = whole.index(b"PK\x01\x02")
    cut = whole[:200] + b"\0" * (start - 200) + whole[start:]  # compressed data lost, directory intact
    with pytest.raises(WorkbookReadError, match="已损坏"):
        Entries(cut, "p.xlsx").read("a.xml")


def test_a_merge_beyond_the_values_is_kept_as_a_range(tmp_path: Path) -> None:
    """Grid indexes a merge only where there are values; the rest of L1:XFD1048576 is found by search (run in a
    capped process: the old per-cell index needed 24 GB)."""
    code = ("from xl_tools.reading.grid import CellRange, Grid\n"
            "g = Grid('s', values={(1, 12): '合并', (30, 11): 1}, merged=[CellRange(1, 12, 1048576, 16384)])\n"
            "print(g.value(20, 13), g.value(1000000, 16000), g.value(30, 11), g.value(1, 11),\n"
            "      g.merge_of(5, 200).address, g.is_merge_anchor_or_plain(1, 12), g.is_merge_anchor_or_plain(2, 12))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, preexec_fn=limit)
    assert proc.stdout.split() == ["合并", "合并", "1", "None", "L1:XFD1048576", "True", "False"], proc.stderr


def test_an_ods_that_repeats_a_value_over_the_grid_is_not_given_to_libreoffice(tmp_path: Path) -> None:
    content = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               '<table:table table:name="表"><table:table-row table:number-rows-repeated="1048576">'
               '<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384">'
               '<text:p>1</text:p></table:table-cell></table:table-row></table:table>'
               '</office:spreadsheet></office:body></office:document-content>').encode()
    path = write_zip(tmp_path / "重复.ods", [Part("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
                                              Part("content.xml", content)])
    proc = xl_capped("convert", str(path), "--to", "pdf", "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 2 and "重复单元格展开后超过" in proc.stdout
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_an_xls_merge_over_the_whole_sheet_is_refused(tmp_path: Path) -> None:
    from xl_tools.adapters.libreoffice import convert_many
    from xl_tools.jobs.evaluation import read_book

    # written into the sheet's XML: openpyxl's merge_cells would make 16 million cell objects (5 GB) to write it
    merged = edited(tmp_path / "合并.xlsx", FORM_SHEET, with_merge(b"L1:IV65536"))
    (xls,) = convert_many([merged], "xls", tmp_path / "out", task="测试")
    for reader in ("fast", "calamine"):  # xlrd and calamine: each reader measures the sheet before building it
        with pytest.raises(WorkbookReadError, match=r"合并单元格覆盖 [\d,]+ 个单元格（如 L1:IV65536|至 IV65536"):
            read_book(xls, reader)


def test_the_catalogue_lists_every_bomb_with_its_limit() -> None:
    text = DOC.read_text(encoding="utf-8")
    for bomb in BOMBS:
        assert f"| {bomb.name} | {bomb.what} | {bomb.limit} |" in text, bomb.name
