"""Where an operation writes: one rule for every command, so no command can write over what it reads."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .errors import XlToolsError


def checked_output(target: Path, inputs: Iterable[Path], *, suffixes: tuple[str, ...] = (), what: str = "结果文件",
                   in_place_option: bool = False) -> Path:
    """``target`` if it is none of ``inputs`` and ends with one of ``suffixes``; else a message saying what to do
    (with ``in_place_option`` the command can rewrite its input on request, after a backup)."""
    if any(target.resolve() == Path(p).resolve() for p in inputs):
        advice = "要改写原文件请用 --in-place（会先备份）" if in_place_option else "请用 -o 指定另一个文件名"
        raise XlToolsError(f"输出文件不能与输入文件相同；{advice}")
    if suffixes and target.suffix.lower() not in suffixes:
        raise XlToolsError(f"{what}只能保存为 {' 或 '.join(suffixes)}（收到 {target.name}）；"
                           f"请用 -o 指定以 {suffixes[0]} 结尾的文件名")
    return target
