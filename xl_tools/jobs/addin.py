"""xl-tools addin build: the Excel ribbon's template (.xlsm) and add-in (.xlam)."""

from __future__ import annotations

from pathlib import Path


def addin_build(outdir: str | Path) -> list[Path]:
    """Write 绩效自评模板.xlsm and xl_tools.xlam into ``outdir``, byte for byte the same on every build; their
    xlwings VBA module comes from the installed xlwings, which must be the version xl_tools pins."""
    from ..addin.build import build_all

    return build_all(Path(outdir))
