"""A memory cap for one process, so that a hostile file costs one batch worker (or one LibreOffice run),
never the machine.

The package guard refuses every file it can measure; this is what holds when something it cannot
measure (a library's own appetite, a file type it does not open) still grows.  An allocation past the
cap fails: Python raises MemoryError, a native reader aborts; either way the parent reports that one
file and goes on.

* Linux: RLIMIT_DATA, which counts the heap and private mappings.  Not RLIMIT_AS: it counts address
  space that LibreOffice reserves without using, and LibreOffice then fails to start at all.
* Windows: a job object with a per-process memory limit (JOB_OBJECT_LIMIT_PROCESS_MEMORY); processes
  the worker starts (LibreOffice) are in its job and under the same limit.
* Elsewhere (macOS does not enforce RLIMIT_DATA): a watchdog thread that ends the process with
  ``WATCHDOG_EXIT`` once its peak resident size passes the cap.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable

DEFAULT_MAX_MEMORY = 2 * 2**30
"""Per batch worker: the largest real workbook (500 projects) needs about 250 MB."""
LIBREOFFICE_MAX_MEMORY = 3 * 2**30
"""Per LibreOffice run: converting a 500-project workbook to PDF peaks near 1 GB (bench/README.md)."""
WATCHDOG_EXIT = 86
"""Exit code of a process the watchdog stopped."""
_WATCH_EVERY = 0.05


def limit_memory(max_bytes: int, *, mechanism: str | None = None) -> str:
    """Cap this process at ``max_bytes``; returns the mechanism used ("rlimit", "job", "watchdog").

    ``mechanism`` forces one (tests run the watchdog on Linux too).
    """
    chosen = mechanism or ("rlimit" if sys.platform.startswith("linux") else "job" if os.name == "nt"
                           else "watchdog")
    if chosen == "rlimit":
        _set_rlimit_data(max_bytes)
    elif chosen == "job":
        _windows_job(max_bytes)
    else:
        _watchdog(max_bytes)
    return chosen


def child_limit(max_bytes: int) -> Callable[[], None] | None:
    """A ``preexec_fn`` capping a child process (Linux), or None where the cap comes another way."""
    if not sys.platform.startswith("linux"):
        return None
    return lambda: _set_rlimit_data(max_bytes)


def _set_rlimit_data(max_bytes: int) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = max_bytes if hard == resource.RLIM_INFINITY else min(max_bytes, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))


def _watchdog(max_bytes: int) -> None:
    import resource

    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB elsewhere

    def watch() -> None:
        while True:
            if resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale > max_bytes:
                os._exit(WATCHDOG_EXIT)
            time.sleep(_WATCH_EVERY)

    threading.Thread(target=watch, name="xl_tools memory watchdog", daemon=True).start()


def job_limit_information(max_bytes: int):  # -> JOBOBJECT_EXTENDED_LIMIT_INFORMATION
    """The structure SetInformationJobObject takes, with the per-process memory limit set (built on any system,
    so its layout is tested where Windows is not)."""
    import ctypes

    class BasicLimits(ctypes.Structure):
        _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64), ("PerJobUserTimeLimit", ctypes.c_int64),
                    ("LimitFlags", ctypes.c_uint32), ("MinimumWorkingSetSize", ctypes.c_size_t),
                    ("MaximumWorkingSetSize", ctypes.c_size_t), ("ActiveProcessLimit", ctypes.c_uint32),
                    ("Affinity", ctypes.c_size_t), ("PriorityClass", ctypes.c_uint32),
                    ("SchedulingClass", ctypes.c_uint32)]

    class IoCounters(ctypes.Structure):
        _fields_ = [(name, ctypes.c_uint64) for name in ("ReadOperationCount", "WriteOperationCount",
                                                         "OtherOperationCount", "ReadTransferCount",
                                                         "WriteTransferCount", "OtherTransferCount")]

    class ExtendedLimits(ctypes.Structure):
        _fields_ = [("BasicLimitInformation", BasicLimits), ("IoInfo", IoCounters),
                    ("ProcessMemoryLimit", ctypes.c_size_t), ("JobMemoryLimit", ctypes.c_size_t),
                    ("PeakProcessMemoryUsed", ctypes.c_size_t), ("PeakJobMemoryUsed", ctypes.c_size_t)]

    info = ExtendedLimits()
    info.BasicLimitInformation.LimitFlags = _JOB_OBJECT_LIMIT_PROCESS_MEMORY
    info.ProcessMemoryLimit = max_bytes
    return info


_JOB_OBJECT_LIMIT_PROCESS_MEMORY = 0x100
_JOB_OBJECT_EXTENDED_LIMIT_INFORMATION = 9


def _windows_job(max_bytes: int) -> None:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.CreateJobObjectW.restype = ctypes.c_void_p
    kernel32.GetCurrentProcess.restype = ctypes.c_void_p
    kernel32.SetInformationJobObject.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_uint32]
    kernel32.AssignProcessToJobObject.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    job = kernel32.CreateJobObjectW(None, None)
    info = job_limit_information(max_bytes)
    if not job or not kernel32.SetInformationJobObject(job, _JOB_OBJECT_EXTENDED_LIMIT_INFORMATION,
                                                       ctypes.byref(info), ctypes.sizeof(info)) \
            or not kernel32.AssignProcessToJobObject(job, kernel32.GetCurrentProcess()):
        _watchdog(max_bytes)  # a job cannot be made here (an old Windows in a job of its own): the fallback
