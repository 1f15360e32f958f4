"""xl-tools doctor: what this PC has and lacks for the 绩效自评 ribbon buttons (Windows) or the command line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..install.doctor import Diagnosis, Machine, Runtime, diagnose


def doctor(workbooks: Sequence[str | Path] = (), *, machine: Machine | None = None,
           runtime: Runtime | None = None) -> Diagnosis:
    """Check this PC (or a recorded ``machine``); ``workbooks`` (the template .xlsm a user opens) are checked
    for the Mark-of-the-Web that makes Office block their macros.  ``diagnosis.ok`` is what the exit code says."""
    machine = machine or Machine.current()
    return diagnose(machine, runtime or Runtime.current(windows=machine.windows), [Path(w) for w in workbooks])
