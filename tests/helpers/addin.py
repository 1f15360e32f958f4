"""The ribbon's sources as committed and the xlwings version pyproject.toml pins."""

from __future__ import annotations

import tomllib

from tests.helpers.paths import REPO


SOURCES = REPO / "xl_tools" / "addin"


def pinned_version() -> str:
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    (pin,) = [d for d in dependencies if d.startswith("xlwings")]
    return pin.split("==")[1]
