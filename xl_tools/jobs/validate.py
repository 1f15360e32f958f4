"""xl-tools validate: every check of a workbook, as one findings report."""

from __future__ import annotations

from pathlib import Path

from ..core.findings_report import Findings
from .score import score


def validate(path: str | Path, rules: str | Path | None = None, *, password: str | None = None) -> Findings:
    """``valid`` is False when any finding is an error; ``to_dict()`` is what ``validate --json`` prints."""
    return score(path, rules, password=password).findings
