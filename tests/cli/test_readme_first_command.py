"""The README's first command, as written, in a copy of the repository: a virtual environment of its own (a fresh
Debian's system pip refuses to install), the package installed into it, and the main job run on the bundled
sample.  The second command is CI's own (.ci/run runs .ci/test.sh on a clean clone)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl

from tests.helpers.paths import REPO


def readme_commands() -> list[str]:
    """The two set-up commands: the lines of the first bash block, without their comments."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block is not None
    return [line.split("   #")[0].strip() for line in block[1].splitlines() if line.strip()]


def test_the_readme_has_exactly_two_set_up_commands_and_the_second_is_cis() -> None:
    commands = readme_commands()
    assert len(commands) == 2 and commands[1] == "bash .ci/test.sh"
    assert "exec bash .ci/test.sh" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert not re.search(r"(^|\s)(python|pip)\s", " ".join(commands))  # no `python` alias, no system pip


def test_the_first_command_runs_as_written_in_a_fresh_copy(tmp_path: Path) -> None:
    copy = tmp_path / "xl_tools"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        if (REPO / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    # the machine's own python3, not this test run's environment
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                           if not Path(p, "python").resolve().is_relative_to(Path(sys.prefix).resolve()))
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")} | {"PATH": path}
    proc = subprocess.run(["bash", "-c", readme_commands()[0]], cwd=copy, env=env, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    written = copy / "渝中区医疗保障局2023_一体化系统导出_自评结果.xlsx"
    assert written.is_file()
    assert {"表11", "校验结果"} <= set(openpyxl.load_workbook(written, read_only=True).sheetnames)
