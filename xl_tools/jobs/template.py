"""xl-tools template: a blank self-evaluation template (a project sheet, 参数, 表11 and 校验结果)."""

from __future__ import annotations

from pathlib import Path

from ..core.rules import DEFAULT_NAME


def template(out: str | Path, *, year: int = 2023, rules: str | Path | None = None) -> Path:
    """Write the blank template for the ``year`` evaluation to ``out``; its 参数 sheet lists the settings of
    ``rules`` (a built-in rule set's name or a .toml file; None: default), which scoring the filled workbook
    then uses.  The same arguments give the same bytes."""
    from ..workbook.template import build_template

    return build_template(out, year=year, rule_set=str(rules or DEFAULT_NAME))
