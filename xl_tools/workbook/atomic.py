"""Replacing a file all at once: an interrupted or failed write leaves the old file (or none), never half of one.

The temporary file beside the target is named ``.<name>.<pid>-<host>.<random>.tmp``: the writer's process id
and a tag of its machine.  A writer killed outright (kill -9, power loss) cannot remove its own; the next write
of the same target removes those whose writer is gone (``discard_stale``).  A process id says nothing about
another machine writing into a shared folder, nor, on Windows, where ``os.kill(pid, 0)`` would interrupt or
end the process rather than test it: such leftovers are removed only once untouched for ``STALE_AFTER``
seconds, an age no live writer reaches, since writing a file touches it all the time.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..core.errors import WriteError
from ..outputs import NAME_MAX, fit_name, too_long

STALE_AFTER = 3600.0
"""Seconds after which a temporary file whose writer cannot be checked counts as left behind."""
_SUFFIX = ".tmp"
_OWNER_ROOM = len(f".{2**22}-00000000.XXXXXXXX{_SUFFIX}")  # what mkstemp and the owner add to the prefix


def replace_atomically(target: Path, write: Callable[[BinaryIO], None], *, mode_of: Path | None = None,
                       install: Callable[[Path, Path], None] = os.replace) -> None:
    """Write into a temporary file beside ``target``, flush it to disk, then ``install`` it as ``target``
    (a rename; ``in_place`` passes one that checks first what it replaces)."""
    discard_stale(target)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f"{_prefix(target)}{_owner()}.", suffix=_SUFFIX)
    except OSError as exc:
        raise write_error(exc, target, f"无法在 {target.parent} 中写入文件") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if mode_of is not None and mode_of.exists():
            shutil.copymode(mode_of, tmp)
        else:  # a new file: the permissions any other new file gets (mkstemp's are owner-only)
            os.chmod(tmp, 0o666 & ~_umask())
        install(Path(tmp), target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise write_error(exc, target) from exc
        raise
    if hasattr(os, "O_DIRECTORY"):  # the rename itself reaches the disk
        dir_fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_error(exc: OSError, target: Path, lead: str = "") -> WriteError:
    """One line for a failed write, naming the file."""
    if exc.errno == errno.ENAMETOOLONG:
        return WriteError(too_long(target.name))
    if lead:
        return WriteError(f"{lead}：{exc.strerror}")
    if isinstance(exc, PermissionError):
        return WriteError(f"无法写入 {target.name}：文件可能正在 Excel 或 WPS 中打开，请关闭后再试")
    return WriteError(f"无法写入 {target.name}：{exc.strerror}")


def discard_partial(target: Path) -> None:
    """Remove what a writer killed mid-write (a timed-out or stopped worker) left beside ``target``."""
    for leftover in _leftovers(target):
        leftover.unlink(missing_ok=True)


def discard_stale(target: Path) -> None:
    """Remove the temporary files of ``target`` whose writer is gone (see the module's docstring)."""
    here = _host()
    for leftover in _leftovers(target):
        owner = leftover.name[len(_prefix(target)):].split(".", 1)[0]
        pid, _, host = owner.partition("-")
        if host == here and os.name == "posix" and pid.isdigit():
            stale = not _running(int(pid))
        else:
            try:
                stale = time.time() - leftover.stat().st_mtime > STALE_AFTER
            except FileNotFoundError:  # its writer has just finished
                continue
        if stale:
            leftover.unlink(missing_ok=True)


def _leftovers(target: Path) -> list[Path]:
    prefix = _prefix(target)
    try:
        names = os.listdir(target.parent)  # a batch's output folder holds thousands: about 1 ms, no glob
    except FileNotFoundError:
        return []
    return [target.parent / name for name in names if name.startswith(prefix) and name.endswith(_SUFFIX)]


def _prefix(target: Path) -> str:
    """``.<name>.``, the name cut (with a checksum of the whole, so two long names stay apart) where the
    temporary file's name would pass the file system's limit."""
    prefix = f".{target.name}."
    if len(prefix.encode("utf-8", "surrogateescape")) + _OWNER_ROOM <= NAME_MAX:
        return prefix
    checksum = zlib.crc32(target.name.encode("utf-8", "surrogateescape"))
    return fit_name("." + target.name, f"~{checksum:08x}.", NAME_MAX - _OWNER_ROOM)


def _owner() -> str:
    return f"{os.getpid()}-{_host()}"


def _host() -> str:
    return f"{zlib.crc32(socket.gethostname().encode('utf-8', 'surrogateescape')):08x}"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _umask() -> int:
    mask = os.umask(0o022)  # reading the mask means setting it: put it straight back
    os.umask(mask)
    return mask
