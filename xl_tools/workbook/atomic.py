"""Replacing a file all at once: an interrupted or failed write leaves the old file (or none), never half of one."""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..errors import WriteError


def replace_atomically(target: Path, write: Callable[[BinaryIO], None], *, mode_of: Path | None = None) -> None:
    """Write into a temporary file beside ``target``, flush it to disk, then rename it over ``target``."""
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=_prefix(target), suffix=_SUFFIX)
    except OSError as exc:
        raise WriteError(f"无法在 {target.parent} 中写入文件：{exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if mode_of is not None and mode_of.exists():
            shutil.copymode(mode_of, tmp)
        else:  # a new file: the permissions any other new file gets (mkstemp's are owner-only)
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, PermissionError):
            raise WriteError(f"无法写入 {target.name}：文件可能正在 Excel 或 WPS 中打开，请关闭后再试") from exc
        if isinstance(exc, OSError):
            raise WriteError(f"无法写入 {target.name}：{exc.strerror}") from exc
        raise
    if hasattr(os, "O_DIRECTORY"):  # the rename itself reaches the disk
        dir_fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def discard_partial(target: Path) -> None:
    """Remove what a writer killed mid-write (a timed-out or stopped worker) left beside ``target``."""
    for leftover in target.parent.glob(f"{glob.escape(_prefix(target))}*{_SUFFIX}"):
        leftover.unlink(missing_ok=True)


def _prefix(target: Path) -> str:
    return f".{target.name}."


_SUFFIX = ".tmp"


def _umask() -> int:
    mask = os.umask(0o022)  # reading the mask means setting it: put it straight back
    os.umask(mask)
    return mask
