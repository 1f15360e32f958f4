"""The one way tests run ``xl-tools``.

``xl`` runs the command in this process through Click's test runner, in a working folder: quick, and a
traceback fails the test where it happened.  ``xl_subprocess`` runs the installed console script as a user runs
it, for the few tests that need a real process: the entry point itself, the terminal's encoding, a memory cap,
a signal, the worker processes of ``batch``.  Both return a ``Run`` with ``returncode``, ``stdout`` and
``stderr``, so a test reads the same whichever ran it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import subprocess
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from xl_tools.cli import main


CJK = re.compile(r"[\u4e00-\u9fff]")
ENV = {"NO_COLOR": "1"}
"""Set for every run: no colour codes in what the tests read."""
IN_PROCESS_ENV = {"COLUMNS": "80"}
"""The width a subprocess writing into a pipe falls back to, whatever terminal runs the tests (Click's help)."""


@dataclass(frozen=True)
class Run:
    """What a run of ``xl-tools`` left: its exit code and its two streams, apart."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def xl(*args: Any, cwd: Path, env: Mapping[str, str | None] | None = None) -> Run:
    """``xl-tools ARGS`` in this process, in ``cwd``, as ``xl_tools.cli:main`` (the console script's target).

    ``env`` adds variables for this run (None removes one).  Whatever the command changes of the process is put
    back afterwards: the working folder, and every environment variable (``--labels`` sets one for its reads).
    An exception the command lets through is raised here, not turned into an exit code."""
    argv = tuple(map(str, args))
    with _restored_environ(), contextlib.chdir(cwd):
        result = CliRunner().invoke(main, argv, env={**ENV, **IN_PROCESS_ENV, **(env or {})}, prog_name="xl-tools",
                                    catch_exceptions=False)
    run = Run(argv, result.exit_code, result.stdout, result.stderr)
    no_traceback(run)
    return run


def xl_subprocess(*args: Any, cwd: Path, env: Mapping[str, str | None] | None = None, encoding: str = "utf-8",
                  timeout: float = 300, preexec_fn: Callable[[], None] | None = None) -> Run:
    """The installed ``xl-tools`` console script in a process of its own, in ``cwd``, writing UTF-8.

    Only for what needs a real process; each use says why.  ``env`` as for ``xl`` (it may set another
    PYTHONIOENCODING, then ``encoding`` reads the output); ``preexec_fn`` runs in the child before the command
    (a resource limit)."""
    argv = tuple(map(str, args))
    full = {**os.environ, "PYTHONUTF8": "1", "PYTHONIOENCODING": "utf-8", **ENV, **(env or {})}
    proc = subprocess.run(["xl-tools", *argv], cwd=cwd, capture_output=True, text=True, check=False,
                          encoding=encoding, env={k: v for k, v in full.items() if v is not None}, timeout=timeout,
                          preexec_fn=preexec_fn)
    run = Run(argv, proc.returncode, proc.stdout, proc.stderr)
    no_traceback(run)
    return run


@contextlib.contextmanager
def _restored_environ() -> Iterator[None]:
    saved = dict(os.environ)
    try:
        yield
    finally:
        for name in set(os.environ) - set(saved):
            del os.environ[name]
        for name, value in saved.items():
            if os.environ.get(name) != value:
                os.environ[name] = value


def no_traceback(proc: Run) -> None:
    assert "Traceback" not in proc.stdout and "Traceback" not in proc.stderr


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns
