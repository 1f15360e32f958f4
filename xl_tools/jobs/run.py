"""xl-tools run, the main job: score and check, then a result workbook beside the input."""

from __future__ import annotations

from pathlib import Path

from ..outputs import checked_output, content_checked, derived, output_suffix
from .recompute import Recomputed, recompute


def run(path: str | Path, out: str | Path | None = None, rules: str | Path | None = None, *,
        password: str | None = None) -> Recomputed:
    """Live score formulas (cached values included), 表11, 校验结果 and 变更记录 in a new workbook; the input
    itself is left as it was.

    The result is a plain .xlsx (.xlsm for a macro-enabled package, whatever the input is called): an .xls
    input is converted, an encrypted one is written unencrypted.
    """
    path = Path(path)
    if out:
        checked_output(Path(out), [path])
    suffix = output_suffix(path, password)
    target = content_checked(Path(out), [path], suffix) if out else derived(path, "自评结果", suffix)
    return recompute(path, target, rules, password=password, report=True)


def sample_copy(folder: Path) -> Path:
    """The bundled sample copied into ``folder`` (kept if already there), so the user can open both files."""
    import shutil

    from ..samples import bundled_sample
    from ..workbook.atomic import replace_atomically

    sample = bundled_sample()
    target = folder / sample.name
    if not target.exists():
        with open(sample, "rb") as src:
            replace_atomically(target, lambda fh: shutil.copyfileobj(src, fh))
    return target
