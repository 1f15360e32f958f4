"""The installed ``xl-tools`` console script, run as a user runs it (a subprocess in a working folder)."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path
from typing import Any


CJK = re.compile(r"[\u4e00-\u9fff]")


def xl(*args: Any, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONUTF8="1", PYTHONIOENCODING="utf-8", NO_COLOR="1")
    return subprocess.run(["xl-tools", *map(str, args)], cwd=cwd, capture_output=True, text=True, check=False,
                          encoding="utf-8", env=env, timeout=300)


def no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stdout and "Traceback" not in proc.stderr


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns
