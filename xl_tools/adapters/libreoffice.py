"""Convert a file with LibreOffice in headless mode: the one tool here that turns .xls into .xlsx.

Each call uses its own throw-away LibreOffice profile: with the user's profile,
``soffice --convert-to`` silently does nothing while LibreOffice is open, and
two conversions at once would lock each other out.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import XlToolsError

CONVERT_TIMEOUT = 120  # seconds; a form converts in 2–5 s, the first start of a fresh profile included
_WINDOWS_PATHS = (r"C:\Program Files\LibreOffice\program\soffice.exe",
                  r"C:\Program Files (x86)\LibreOffice\program\soffice.exe")
_MAC_PATH = "/Applications/LibreOffice.app/Contents/MacOS/soffice"


class LibreOfficeError(XlToolsError):
    """LibreOffice is missing, failed, or took too long."""


def find_soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    return next((p for p in (*_WINDOWS_PATHS, _MAC_PATH) if Path(p).exists()), None)


def convert(src: Path, fmt: str, outdir: Path, *, display_name: str | None = None,
            timeout: float = CONVERT_TIMEOUT) -> Path:
    """Convert ``src`` to format ``fmt`` (e.g. "xlsx") into ``outdir``; return the new file's path."""
    name = display_name or src.name
    soffice = find_soffice()
    if soffice is None:
        raise LibreOfficeError(
            f"要把 {name} 转为 .xlsx 写出结果，需要 LibreOffice，但本机未找到 soffice；请安装 LibreOffice，"
            "或在 Excel/WPS 中把它另存为 .xlsx 后再运行（validate 和 score 不需要 LibreOffice）")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xl_tools_lo_") as profile:
        cmd = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", fmt, "--outdir", str(outdir), str(src)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=os.name == "posix")
        try:
            proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise LibreOfficeError(f"LibreOffice 转换 {name} 超过 {timeout:.0f} 秒仍未完成，已停止；"
                                   "请在 Excel/WPS 中把它另存为 .xlsx 后再运行") from None
    out = outdir / f"{src.stem}.{fmt}"
    if proc.returncode != 0 or not out.exists():
        raise LibreOfficeError(f"LibreOffice 未能把 {name} 转为 .{fmt}（退出码 {proc.returncode}）；"
                               "请在 Excel/WPS 中把它另存为 .xlsx 后再运行")
    return out


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Stop soffice and the processes it started (its launcher forks the real one)."""
    if os.name == "posix":
        os.killpg(proc.pid, signal.SIGKILL)
    else:
        proc.kill()
    proc.communicate()
