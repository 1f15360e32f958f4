"""`xl-tools doctor`: what this PC has and lacks for the 绩效自评 ribbon (Windows) or the command line (elsewhere),
one line per check, each with what to do when it is not 正常.

A helpdesk reads the report over the phone, so every line says what was looked at, what was found and, when
something is off, the command to type or the place to click.  This module puts the checks in order; they live by
what they look at (python_checks, windows_checks with addin_checks and macro_checks, optional_checks), and the
Windows facts come through two small readers (windows_readers) that tests replace with recorded ones.  Nothing
heavy is imported: the add-in is built (lxml, openpyxl) only inside the check that compares it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from .addin_checks import built_addin_bytes
from .machine import Machine, Runtime
from .optional_checks import check_keyring, check_libreoffice, check_log, check_mail
from .python_checks import python_checks
from .report import NOTE, Check, Diagnosis
from .windows_checks import windows_checks

LINUX_NOTE = ("Excel 加载项（功能区「绩效自评」）只能在 Windows 的 Excel 中使用。WPS、LibreOffice 和 Linux（信创）桌面"
              "请用命令行：xl-tools run 工作簿.xlsx（校验、计分、表11，结果写成新的工作簿，可在 WPS 中打开）")


def diagnose(machine: Machine, runtime: Runtime, workbooks: Sequence[Path] = (),
             built_addin: Callable[[], bytes] | None = None) -> Diagnosis:
    """Every check, in the order a helpdesk goes through them: Python, the add-in and its settings, Office,
    then what only some buttons need."""
    checks = python_checks(runtime, windows=machine.windows)
    if machine.windows:
        checks += windows_checks(machine, runtime, workbooks, built_addin or built_addin_bytes)
    else:
        checks.append(Check(NOTE, "Excel 加载项", "本机不是 Windows", LINUX_NOTE, needed=False))
        checks += [Check(NOTE, f"网络标记：{Path(w).name}", "网络标记只在 Windows 的 NTFS 磁盘上有意义，本机不检查",
                         "在要打开它的 Windows 电脑上运行 xl-tools doctor 该文件", needed=False) for w in workbooks]
    checks += [check_libreoffice(machine.windows), check_mail(machine), check_keyring(machine.windows),
               check_log(machine.places.log_file)]
    return Diagnosis(machine.windows, checks)
