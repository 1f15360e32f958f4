"""Generated text kept in a document between two markers (``<!-- name:begin -->`` … ``<!-- name:end -->``), so a
report script rewrites its table and leaves the prose around it alone, and a test finds it there."""

from __future__ import annotations

from pathlib import Path


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:begin -->", f"<!-- {name}:end -->"


def marked(name: str, text: str) -> str:
    """The section as it stands in the document."""
    begin, end = _markers(name)
    return f"{begin}\n{text}\n{end}"


def replace_marked(path: Path, name: str, text: str) -> None:
    begin, end = _markers(name)
    head, rest = path.read_text(encoding="utf-8").split(begin)
    _, tail = rest.split(end)
    path.write_text(head + marked(name, text) + tail, encoding="utf-8")
