"""Generated text kept in a document between two markers (``<!-- name:begin -->`` … ``<!-- name:end -->``), so a
report script rewrites its table and leaves the prose around it alone."""

from __future__ import annotations

from pathlib import Path


def replace_marked(path: Path, name: str, text: str) -> None:
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    head, rest = path.read_text(encoding="utf-8").split(begin)
    _, tail = rest.split(end)
    path.write_text(f"{head}{begin}\n{text}\n{end}{tail}", encoding="utf-8")
