"""xl-tools template: a blank self-evaluation template (a project sheet, 参数, 表11 and 校验结果)."""

from __future__ import annotations

import datetime
from pathlib import Path

from ..core.errors import XlToolsError
from ..core.rules import DEFAULT_NAME


def evaluated_year(today: datetime.date | None = None) -> int:
    """Self-evaluation looks back: what is filled in during a year is the previous year's."""
    return (today or datetime.date.today()).year - 1


def template(out: str | Path, *, year: int | None = None, rules: str | Path | None = None) -> Path:
    """Write the blank template for the ``year`` evaluation (default: the previous calendar year) to ``out``;
    its 参数 sheet lists the settings of ``rules`` (a built-in rule set's name or a .toml file; None: default),
    which scoring the filled workbook then uses.  An .xlsm is the template with the 绩效自评 ribbon and its macros
    (a plain workbook under that name is one Excel refuses to open).  The same arguments give the same bytes."""
    out = Path(out)
    year = evaluated_year() if year is None else year
    rule_set = str(rules or DEFAULT_NAME)
    suffix = out.suffix.lower()
    if suffix == ".xlsm":
        from ..addin.build import build_macro_template

        return build_macro_template(out, year=year, rule_set=rule_set)
    if suffix != ".xlsx":
        raise XlToolsError(f"模板只能保存为 .xlsx，或带「绩效自评」功能区和宏的 .xlsm（收到 {out.name}）")
    from ..workbook.template import build_template

    return build_template(out, year=year, rule_set=rule_set)
