"""Excel formulas for the scores, generated from the rule-set settings (the engine's rules, a second time as text).

Pure string building: a formula here must give what ``scoring``/``evaluate``
give for the same inputs (the LibreOffice cross-check test holds them to it).
Only functions Excel 2007 and WPS have are used (IF, AND, OR, MIN, MAX, ABS,
ROUND, SUM, COUNT, ISNUMBER, VALUE, CELL, LEFT, RIGHT), nothing volatile.  The scores read helper cells holding
plain numbers; a helper follows its input cell as the engine reads it (``live_number``), and only a text the
engine alone can read (≥95%, 3万人次) is parsed in Python and kept as a number.
"""

from __future__ import annotations

import re

from .model import RECHECK, UNFILLED, UNFILLED_ROW
from .rules import Settings
from .safe_text import visible
from .scoring import EQUAL, POSITIVE, REVERSE
from .values import Op


def num(x: float | int) -> str:
    """A number literal as Excel writes it (no exponent for the sizes forms hold)."""
    if isinstance(x, bool):
        raise TypeError("not a number")
    if float(x).is_integer():
        return str(int(x))
    return repr(float(x))


def live_number(source: str, fallback: float | None, factor: float = 1.0, blank: str = '""') -> str:
    """A helper cell following what a user types into ``source``, read as the engine reads it
    (``values.parse_value``), whatever Excel made of the typing: a number formatted as a percentage (96% typed,
    or 96 typed into a % cell: 0.96) counts 96, as the cell's format says when Excel calculates (CELL("format")
    starts with "P"); a text Excel's VALUE reads ("96" in a text column; "96%" as 96) counts too; a blank is
    blank.  ``factor`` is the 计量单位's 万/亿.  Any other text keeps ``fallback``, the value Python parsed from
    the text when the formula was written (``status`` says when that text has changed); ``blank`` is
    what an empty cell gives (an expression)."""
    s, k = source, num(factor)
    kept = num(fallback) if fallback is not None else '""'
    return (f'IF({s}="",{blank},IF(ISNUMBER({s}),{s}*IF(LEFT(CELL("format",{s}),1)="P",100,{k}),'
            f'IF(ISNUMBER(VALUE({s})),VALUE({s})*IF(RIGHT({s},1)="%",100,{k}),{kept})))')


def followed(source: str) -> str:
    """A source cell's text is still what the helper was read from, or was replaced by something
    ``live_number`` reads itself (a number, a text VALUE reads, a blank)."""
    s = source
    return f'OR({s}="",ISNUMBER({s}),ISNUMBER(VALUE({s})))'


def amount(total: str | None, parts: list[str]) -> str:
    """全年预算数 or 全年执行数 from the form's cells: the parts' sum when any part holds a number (the engine
    trusts the parts over a total that disagrees), else the total row; blank when nothing is there."""
    own = f'IF(ISNUMBER({total}),{total},"")' if total else '""'
    if not parts:
        return own
    refs = ",".join(parts)
    return f"IF(COUNT({refs})>0,SUM({refs}),{own})"


LIVE_SETTINGS = frozenset({"execution.weight", "execution.cap", "quantitative.reverse_method",
                           "penalty.target_too_low_points", "penalty.target_too_low_threshold_percent"})
"""Settings the formulas read from the 参数 sheet; the others are decided in Python (word lists, bands)
or written into the formulas as values (grades, caps), so changing them needs a re-run."""


class Knobs:
    """Where a formula finds a setting: a cell of the 参数 sheet when the workbook keeps it there, else its value."""

    def __init__(self, settings: Settings, cells: dict[str, str] | None = None):
        self.settings = settings
        self.cells = {k: v for k, v in (cells or {}).items() if k in LIVE_SETTINGS}

    def number(self, key: str) -> str:
        cell = self.cells.get(key)
        return f"VALUE({cell})" if cell else num(self.settings[key])

    def text_is(self, key: str, expected: str) -> str | None:
        """A test of a text setting, or None when it is fixed and the answer known now."""
        cell = self.cells.get(key)
        return f'{cell}="{expected}"' if cell else None

    def flag(self, key: str) -> str | None:
        return self.text_is(key, "是")


def quantitative_score(a: str, b: str, w: str, direction: str, op: Op | None, knobs: Knobs) -> str:
    """The rounded score of a quantitative indicator from its helper cells (target, actual, weight)."""
    settings = knobs.settings
    strict = op in (Op.GT, Op.LT)
    if direction == POSITIVE:
        met = f"{b}>{a}" if strict else f"{b}>={a}"
        short = f"IF({a}=0,0,{w}*{b}/{a})"
    elif direction == REVERSE:
        met = f"{b}<{a}" if strict else f"{b}<={a}"
        linear, ratio = f"IF({a}=0,0,{w}*(2*{a}-{b})/{a})", f"IF({b}=0,0,{w}*{a}/{b})"
        chosen = knobs.text_is("quantitative.reverse_method", "linear")
        if chosen:
            short = f"IF({chosen},{linear},{ratio})"
        else:
            short = linear if settings["quantitative.reverse_method"] == "linear" else ratio
    elif direction == EQUAL:
        met = f"{b}={a}"
        short = f"IF({a}*{b}>0,{w}*MIN(ABS({a}),ABS({b}))/MAX(ABS({a}),ABS({b})),0)"
    else:
        raise ValueError(direction)
    raw = f"MIN({w},MAX(0,IF({met},{w},{short})))"
    if settings["penalty.target_too_low_points"] or "penalty.target_too_low_points" in knobs.cells:
        points = knobs.number("penalty.target_too_low_points")
        threshold = knobs.number("penalty.target_too_low_threshold_percent")
        dev = f"ROUND(({b}-{a})/{a}*100,2)"  # the engine compares the rounded 偏离度
        beats = f"-{dev}>={threshold}" if direction == REVERSE else f"{dev}>={threshold}"
        # IF, not AND, around the division: Excel evaluates every argument of AND
        raw = f"MAX(0,{raw}-IF({a}=0,0,IF(AND({points}>0,{beats}),{points},0)))"
    return f'IF(OR({a}="",{b}="",{w}=""),0,ROUND({raw},2))'


def judged_score(w: str, ratio: str) -> str:
    """Qualitative and deadline indicators: the weight times the ratio Python judged from the text."""
    return f'IF(OR({w}="",{ratio}=""),0,ROUND({w}*{ratio}/100,2))'


def deviation(a: str, b: str) -> str:
    return f'IF(OR({a}="",{b}=""),"",IF({a}=0,"",ROUND(({b}-{a})/{a}*100,2)))'


def coefficient(score: str, w: str) -> str:
    return f'IF(OR(NOT(ISNUMBER({score})),{w}="",{w}=0),"",ROUND({score}/{w}*100,2))'


def execution_rate(budget: str, executed: str, percent_cell: bool) -> str:
    """执行率 as a fraction for a percent-formatted cell, else in percent points (the export writes 100)."""
    ratio = f"{executed}/{budget}" if percent_cell else f"{executed}/{budget}*100"
    return f'IF(OR({budget}="",{executed}=""),"",IF({budget}=0,"",{ratio}))'


def execution_score(rate: str, weight: str, percent_cell: bool, knobs: Knobs) -> str:
    """``weight`` is an expression: the form's own 分值 cell, a 参数 cell or the rule set's number."""
    fraction = rate if percent_cell else f"{rate}/100"
    cap = knobs.flag("execution.cap")
    if cap:
        capped = f"IF({cap},MIN({fraction},1),{fraction})"
    else:
        capped = f"MIN({fraction},1)" if knobs.settings["execution.cap"] else fraction
    return f'IF({rate}="",0,ROUND({weight}*MAX({capped},0),2))'


def total(exec_score: str | None, scores: list[str], rate: str | None, rate_is_percent_cell: bool,
          cap_cost: float | None, settings: Settings) -> str:
    """执行率得分 + Σ 指标得分, with the rule set's caps, rounded."""
    parts = ([exec_score] if exec_score else []) + ([sum_of(scores)] if scores else [])
    expr = "+".join(parts) or "0"
    caps = sorted(settings["total.cap_by_execution_rate"], key=lambda c: c["below"])
    if caps and rate:
        percent = f"{rate}*100" if rate_is_percent_cell else rate
        nested = "9E+99"
        for cap in reversed(caps):
            nested = f"IF({percent}<{num(cap['below'])},{num(cap['max'])},{nested})"
        expr = f'MIN({expr},IF({rate}="",9E+99,{nested}))'
    if cap_cost is not None:
        expr = f"MIN({expr},{num(cap_cost)})"
    return f"ROUND({expr},2)"


MAX_ARGUMENTS = 255
"""Arguments one function call takes in Excel 2007 and later (LibreOffice gives #N/A past it)."""


def sum_of(refs: list[str]) -> str:
    """SUM of the cells.  Past ``MAX_ARGUMENTS`` cells, runs of adjacent cells of one column become ranges and
    what is still too many is summed in nested chunks; under it the formula stays as earlier versions wrote it,
    so a second run changes nothing."""
    args = list(refs) if len(refs) <= MAX_ARGUMENTS else _runs(refs)
    while len(args) > MAX_ARGUMENTS:
        args = [f"SUM({','.join(args[i:i + MAX_ARGUMENTS])})" for i in range(0, len(args), MAX_ARGUMENTS)]
    return f"SUM({','.join(args)})"


def _runs(refs: list[str]) -> list[str]:
    """"I5","I6","I7","I9" -> "I5:I7","I9": cells one below the other, in the order given, as one range."""
    runs: list[list[tuple[str, int]]] = []
    for ref in refs:
        column, row = re.fullmatch(r"([A-Z]+)([0-9]+)", ref).groups()
        if runs and runs[-1][-1] == (column, int(row) - 1):
            runs[-1].append((column, int(row)))
        else:
            runs.append([(column, int(row))])
    return [f"{run[0][0]}{run[0][1]}" + (f":{run[-1][0]}{run[-1][1]}" if len(run) > 1 else "") for run in runs]


def grade(total_ref: str, settings: Settings) -> str:
    bands = sorted(settings["grades"], key=lambda g: -g["min"])
    nested = '""'
    for band in reversed(bands):
        nested = f'IF({total_ref}>={num(band["min"])},"{band["grade"]}",{nested})'
    return f'IF(ISNUMBER({total_ref}),{nested},"")'


def literal(value: object) -> str | None:
    """``value`` as a formula literal, or None when a formula cannot hold it (long or multi-line text, or a
    character XML cannot carry: a formula is stored as XML text, where it cannot be escaped)."""
    if value is None:
        return '""'
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return num(value)
    if isinstance(value, str) and len(value) <= 255 and not any(ch in value for ch in "\r\n") \
            and visible(value) == value:
        return '"' + value.replace('"', '""') + '"'
    return None


def status(actual: str | None, conditions: list[str]) -> str | None:
    """A row's state, in a helper cell: 未填 while ``actual`` (the 完成值 cell) is blank, 请重新计算 once a
    text the helpers were read from has changed (``conditions`` no longer all hold), else empty.  None when
    there is nothing to watch."""
    checked = f'IF(AND({",".join(conditions)}),"","{RECHECK}")' if conditions else '""'
    if actual is None:
        return checked if conditions else None
    return f'IF({actual}="","{UNFILLED_ROW}",{checked})'


def rechecked(check: str | None, formula: str, *, recheck: str = RECHECK) -> str:
    """The formula while the row's state cell is empty; blank while the row waits for its 完成值, ``recheck``
    (请重新计算 in a 得分 cell) once it must be re-run."""
    if check is None:
        return formula
    return f'IF({check}="",{formula},IF({check}="{RECHECK}","{recheck}",""))'


def any_recheck(checks: str | None, formula: str) -> str:
    """A 总分 that says 请重新计算 while any row of the table does, and 未填完 while any waits for its 完成值
    (SUM would silently leave those rows out)."""
    if checks is None:
        return formula
    return (f'IF(COUNTIF({checks},"{RECHECK}")>0,"{RECHECK}",'
            f'IF(COUNTIF({checks},"{UNFILLED_ROW}")>0,"{UNFILLED}",{formula}))')


def sheet_ref(sheet: str, ref: str) -> str:
    """A reference into another sheet, quoted as Excel quotes it ('项目 1'!I19; the quote doubled inside)."""
    return "'" + sheet.replace("'", "''") + "'!" + ref


def linked(ref: str, factor: float = 1.0) -> str:
    """A 表11 cell showing another sheet's cell (scaled from 元 to 万元 where the units differ); blank stays blank."""
    value = ref if factor == 1 else f"{ref}*{num(factor)}"
    return f'IF({ref}="","",{value})'


def ratio(numerator: str, denominator: str) -> str:
    """执行率 of a 表11 row or total, as a fraction for its percent cell."""
    return f'IF(OR({numerator}="",{denominator}=""),"",IF({denominator}=0,"",{numerator}/{denominator}))'


def column_sum(first: str, last: str) -> str:
    return f"SUM({first}:{last})"
