"""``xl-tools … | head``: when whoever reads standard output stops early, the command stops quietly with 141
(128 + SIGPIPE, as a shell reports ``cat big | head``), not with an internal-error message on stderr.

The installed console script runs as a user runs it, its standard output a pipe into a process that has
already exited: the first write fails, every time, as the last ones do after ``head -3`` has its lines.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from xl_tools import cli

from tests.helpers.paths import WORKBOOKS

YUZHONG = WORKBOOKS / "渝中区医疗保障局2023_一体化系统导出.xlsx"


def run_into_closed_reader(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    """Run ``xl-tools args`` with its standard output piped into a process that has exited without reading."""
    read_end, write_end = os.pipe()
    reader = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.close()"], stdin=read_end)
    os.close(read_end)
    assert reader.wait(timeout=60) == 0  # the only reader is gone before xl-tools writes a byte
    try:
        return subprocess.run(["xl-tools", *map(str, args)], stdout=write_end, stderr=subprocess.PIPE,
                              timeout=120, check=False)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", [
    ("rules", "show", "default"),
    ("rules", "show", "national_platform", "--json"),
    ("rules", "list"),
    ("validate", YUZHONG),   # exits 1 on its findings when read to the end
    ("score", YUZHONG),
])
def test_a_reader_that_stops_early_is_no_error(args: tuple[str | Path, ...]) -> None:
    done = run_into_closed_reader(*args)
    assert done.stderr.decode("utf-8", "replace") == ""  # no 内部错误, no BrokenPipeError, no "Exception ignored"
    assert done.returncode == cli.EXIT_OUTPUT_CLOSED == 141


def test_a_closed_output_is_told_from_an_open_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only standard output's own broken pipe is quiet: one to another program or a socket is still a failure."""
    read_end, write_end = os.pipe()
    with open(write_end, "w", encoding="utf-8") as out:
        monkeypatch.setattr(sys, "stdout", out)
        assert not cli._output_closed()  # someone still reads: a broken pipe met now was another one's
        os.close(read_end)
        assert cli._output_closed()
