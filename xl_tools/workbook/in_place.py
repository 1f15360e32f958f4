"""Rewriting the user's own workbook (``--in-place``) without losing a save another program makes meanwhile.

The workbook is read once into memory; the edit works on exactly those bytes (a private copy, so the scores are
computed from them too), and the backup is those bytes.  Immediately before the new file is renamed over the
workbook, the workbook is checked against what was read: size, modification time and a SHA-256 of the content.
If another program saved meanwhile (Excel writes a temporary file and renames it; others rewrite the file), the
work is done again on the new content, up to ``ATTEMPTS`` times in all, and then the command stops and says so:
the workbook then holds the other program's save, untouched.

On POSIX no lock makes this airtight: a save can land between the check and the rename.  On Linux that window is
closed for renaming writers by swapping the files (renameat2 with RENAME_EXCHANGE): what comes out of the
workbook's place is checked again, and if it is not what was read, it is swapped back and the run reported.  A
program that rewrites the file in place while holding it open can still write into the old file after the swap.
Elsewhere the check immediately before the rename is the promise.  Either way a concurrent save is detected and
reported, never lost in silence.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import hashlib
import itertools
import os
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from ..core.errors import WorkbookReadError, XlToolsError
from ..outputs import fit_name
from .atomic import replace_atomically
from .package import Package, PackageError

T = TypeVar("T")

ATTEMPTS = 3
"""Reads of the workbook: the first and two more after another program's save."""
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_CHUNK = 1 << 20
_READ_PAUSE = 0.5
"""Seconds to let a save in progress finish before the workbook is read again."""


@dataclass(frozen=True)
class Saved(Generic[T]):
    """What the edit returned, and the backup of the workbook as it was (None when nothing was written)."""

    result: T
    backup: Path | None


@dataclass(frozen=True)
class _Snapshot:
    """The workbook as read: what a later look at the file is compared with."""

    size: int
    mtime_ns: int
    digest: bytes

    def matches(self, path: Path) -> bool:
        try:
            st = os.stat(path)
            if (st.st_size, st.st_mtime_ns) != (self.size, self.mtime_ns):
                return False
            digest = hashlib.sha256()
            with open(path, "rb") as fh:
                while chunk := fh.read(_CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:  # moved away or deleted meanwhile
            return False
        return digest.digest() == self.digest


class _Changed(Exception):
    """The workbook is no longer what was read."""


def save_in_place(path: str | os.PathLike[str], edit: Callable[[Package], T]) -> Saved[T]:
    """Run ``edit`` on the workbook and, if it changed anything, back the file up and replace it atomically.

    A failure inside ``edit`` leaves the file as it was.  ``edit`` may run more than once (see the module's
    docstring), each time on a fresh package, so it must compute everything from the package it is given.  A
    symbolic link stays a link: its target is rewritten, with the backup and the temporary file beside it.
    """
    shown = Path(path)
    target = Path(os.path.realpath(shown))
    refuse_read_only(target, shown)
    for _ in range(ATTEMPTS):
        data, snapshot = _read(target, shown)
        with tempfile.TemporaryDirectory(prefix="xl_tools_") as tmp:
            copy = Path(tmp) / shown.name  # the user's name in every message the edit gives
            copy.write_bytes(data)
            package = Package.open(copy)
            result = edit(package)
            if not package.changed:
                return Saved(result, None)
            backup = backup_path(target)
            replace_atomically(backup, lambda fh: fh.write(data), mode_of=target)
            try:
                package.save(target, install=functools.partial(_install, snapshot=snapshot, shown=shown))
            except BaseException as exc:  # the workbook is as it was: its backup would only be clutter
                backup.unlink(missing_ok=True)
                if isinstance(exc, _Changed):
                    continue
                raise
            return Saved(result, backup)
    raise PackageError(f"{shown.name} 在处理期间被其他程序反复保存（共 {ATTEMPTS} 次），未写入；文件中是其他程序最后"
                       "保存的内容，未被改动。请关闭正在编辑它的程序后重新运行")


def refuse_read_only(target: Path, shown: Path) -> None:
    """A file marked read-only is not rewritten, though renaming over it would succeed (a rename needs only
    the folder's permission).  Read-only means no write permission bit at all (chmod a-w; Windows' read-only
    attribute, which Python shows the same way), or none for this user (``os.access``).  The bits are looked at
    directly because root, and an administrator, pass ``os.access`` whatever the bits say."""
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        raise WorkbookReadError(f"文件不存在：{shown}") from None
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise XlToolsError(f"{shown.name} 是只读文件，--in-place 不改写它；要改写请先取消只读属性，"
                           "或不加 --in-place 写成新文件")


def backup_path(path: Path) -> Path:
    """<name>.bak.xlsx next to the file, or a numbered one when an earlier backup is there (never overwritten);
    the name shortened where it would pass the file system's limit."""
    return _free_name(path, ".bak")


def _free_name(path: Path, label: str) -> Path:
    """``<stem><label><suffix>`` beside ``path``, numbered from 2 when taken, within the file system's limit."""
    tails = itertools.chain([f"{label}{path.suffix}"], (f"{label}{n}{path.suffix}" for n in itertools.count(2)))
    return next(p for p in (path.with_name(fit_name(path.stem, tail)) for tail in tails) if not p.exists())


def _read(target: Path, shown: Path) -> tuple[bytes, _Snapshot]:
    """The workbook's bytes and their snapshot, read again while another program is still writing it."""
    for _ in range(ATTEMPTS):
        try:
            with open(target, "rb") as fh:
                before = os.fstat(fh.fileno())
                data = fh.read()
            after = os.stat(target)
        except FileNotFoundError:
            raise WorkbookReadError(f"文件不存在：{shown}") from None
        if (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, len(data), before.st_mtime_ns):
            return data, _Snapshot(len(data), before.st_mtime_ns, hashlib.sha256(data).digest())
        time.sleep(_READ_PAUSE)
    raise PackageError(f"{shown.name} 正在被其他程序写入，无法读取完整内容；请等保存完成后重新运行")


def _install(new: Path, target: Path, *, snapshot: _Snapshot, shown: Path) -> None:
    """Put ``new`` in ``target``'s place only if ``target`` is still what was read (the module's docstring)."""
    if not snapshot.matches(target):
        raise _Changed
    ours = os.stat(new).st_ino
    if not _exchange(new, target):
        os.replace(new, target)
        return
    if snapshot.matches(new):  # what left the workbook's place is what was read: nothing of anyone's is lost
        new.unlink()
        return
    _exchange(new, target)  # a save landed in between: it goes back where it was
    if os.stat(new).st_ino != ours:  # and yet another one after it: both are kept, neither deleted
        kept = _free_name(target, ".另一次保存")
        os.replace(new, kept)
        raise PackageError(f"{shown.name} 在写入的同时被其他程序连续保存了两次，未写入；较早的一次保存在 {kept.name}，"
                           "较晚的一次在原文件中。请关闭正在编辑它的程序后重新运行")
    raise _Changed


def _exchange(a: Path, b: Path) -> bool:
    """Swap two names at once (Linux 3.15+); False where the system or the file system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28+
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function
