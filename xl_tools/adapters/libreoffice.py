"""LibreOffice in headless mode: converts workbooks (.xls to .xlsx for reading; PDF, .xlsx, .ods for users).

Each call runs one soffice process for all its files, with its own throw-away
profile: with the user's profile, ``soffice --convert-to`` silently does
nothing while LibreOffice is open, and two conversions at once would lock each
other out.  The profile also tells LibreOffice to recalculate every formula on
load: by default it keeps the cached values an .xlsx carries, so a converted
file or PDF could show numbers its formulas no longer give.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..core.errors import XlToolsError
from .memory_limit import LIBREOFFICE_MAX_MEMORY, child_limit

CONVERT_TIMEOUT = 120  # seconds; a form converts in 2–5 s, the first start of a fresh profile included
PER_FILE_TIMEOUT = 30  # seconds added per file of a batch
_WINDOWS_PATHS = (r"C:\Program Files\LibreOffice\program\soffice.exe",
                  r"C:\Program Files (x86)\LibreOffice\program\soffice.exe")
_MAC_PATH = "/Applications/LibreOffice.app/Contents/MacOS/soffice"
INSTALL_HINT = ("请安装 LibreOffice：Debian/Ubuntu 运行 sudo apt-get install libreoffice-calc libreoffice-writer fonts-noto-cjk，"
                "Windows/macOS 从 https://zh-cn.libreoffice.org/download/ 下载安装（或把 soffice 所在文件夹加入 PATH）")
# officecfg schema org.openoffice.Office.Calc/Formula/Load: 0 = always recalculate, 1 = never, 2 = ask
_RECALC_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


# Forms are set in 宋体/仿宋/黑体, which a Linux machine lacks; without an alias fontconfig picks the first
# CJK face it has (often Noto … CJK JP), which draws some characters with Japanese glyph shapes.
_SYSTEM_FONTCONFIG = Path("/etc/fonts/fonts.conf")
_CHINESE_FONT_ALIASES = {"Noto Serif CJK SC": ("宋体", "SimSun", "新宋体", "NSimSun", "仿宋", "FangSong", "仿宋_GB2312"),
                         "Noto Sans CJK SC": ("黑体", "SimHei", "微软雅黑", "Microsoft YaHei", "等线", "DengXian")}


def _fontconfig(folder: Path) -> dict[str, str]:
    """Environment for soffice: the system fontconfig plus Chinese font aliases (Linux only)."""
    if not _SYSTEM_FONTCONFIG.exists():
        return {}
    aliases = "".join(f'<alias binding="same"><family>{name}</family><prefer><family>{face}</family></prefer></alias>'
                      for face, names in _CHINESE_FONT_ALIASES.items() for name in names)
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    f'<include ignore_missing="yes">{_SYSTEM_FONTCONFIG}</include>{aliases}</fontconfig>',
                    encoding="utf-8")
    return {"FONTCONFIG_FILE": str(conf)}


class LibreOfficeError(XlToolsError):
    """LibreOffice is missing, failed, or took too long."""


def find_soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    return next((p for p in (*_WINDOWS_PATHS, _MAC_PATH) if Path(p).exists()), None)


def convert_many(sources: Sequence[Path], fmt: str, outdir: Path, *, task: str, recalc: bool = True,
                 timeout: float | None = None) -> list[Path | None]:
    """Convert every source to ``fmt`` ("pdf", "xlsx", "ods", "csv"…) in one soffice run.

    The i-th result is the i-th source's converted file in ``outdir``, a fresh
    folder (named ``<i>.<fmt>``), or None when LibreOffice could not convert it.  Sources are
    copied under ASCII names first: soffice mangles some others, and two inputs
    with the same name would overwrite each other's output.  ``task`` says in
    the messages what was being done; ``recalc=False`` keeps cached values
    (only to show what forcing changes).
    """
    soffice = find_soffice()
    if soffice is None:
        raise LibreOfficeError(f"{task}需要 LibreOffice，但本机未找到 soffice；{INSTALL_HINT}")
    limit = timeout if timeout is not None else CONVERT_TIMEOUT + PER_FILE_TIMEOUT * len(sources)
    outdir.mkdir(parents=True, exist_ok=True)
    ext = fmt.split(":")[0]
    with tempfile.TemporaryDirectory(prefix="xl_tools_lo_") as tmp:
        profile, inputs = Path(tmp) / "profile", Path(tmp) / "in"
        inputs.mkdir()
        if recalc:
            (profile / "user").mkdir(parents=True)
            (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_ON_LOAD, encoding="utf-8")
        copies = [Path(shutil.copyfile(src, inputs / f"{i}{_ascii_suffix(src)}")) for i, src in enumerate(sources)]
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", fmt, "--outdir", str(outdir), *map(str, copies)]
        # capped: a file the guard let through still cannot take the machine
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env={**os.environ, **_fontconfig(Path(tmp))}, start_new_session=os.name == "posix",
                                preexec_fn=child_limit(LIBREOFFICE_MAX_MEMORY))
        try:
            proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise LibreOfficeError(f"LibreOffice {task}超过 {limit:.0f} 秒仍未完成，已停止") from None
    outputs = [outdir / f"{i}.{ext}" for i in range(len(sources))]
    return [out if out.exists() else None for out in outputs]


def convert(src: Path, fmt: str, outdir: Path, *, display_name: str | None = None,
            timeout: float = CONVERT_TIMEOUT) -> Path:
    """Convert one file for the toolkit to read (.xls to .xlsx); return the new file's path."""
    task = f"把 {display_name or src.name} 转为 .{fmt}"
    advice = "；或在 Excel/WPS 中把它另存为 .xlsx 后再运行（validate 和 score 不需要 LibreOffice）"
    try:
        out, = convert_many([src], fmt, outdir, task=task, timeout=timeout)
    except LibreOfficeError as exc:
        raise LibreOfficeError(f"{exc}{advice}") from None
    if out is None:
        raise LibreOfficeError(f"LibreOffice 未能{task}{advice}")
    return out


def _ascii_suffix(path: Path) -> str:
    """The file's extension if it is plain ASCII (LibreOffice uses it as a hint), else none."""
    suffix = path.suffix.lower()
    return suffix if suffix[1:].isascii() and suffix[1:].isalnum() else ""


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Stop soffice and the processes it started (its launcher forks the real one)."""
    if os.name == "posix":
        os.killpg(proc.pid, signal.SIGKILL)
    else:
        proc.kill()
    proc.communicate()
