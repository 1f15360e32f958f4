"""Reading indicator values the way people write them in 绩效自评 forms.

Targets and actuals arrive as numbers, as text with the operator and unit
inside ("≥95%", "23.45万人"), as percent-formatted cells, as Excel date
serials and as deadline phrases ("10月底前").  Scoring and validation only
compare ``Value``s, so all the normalisation lives here, and nothing here
raises: a form that cannot be read is a finding, never a crash.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import math
import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import Enum


class Kind(str, Enum):
    """How a value is scored: by number, by qualitative band, or by date."""

    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"
    DEADLINE = "deadline"
    EMPTY = "empty"


class Op(str, Enum):
    """The comparison (指标性质) a target asks for."""

    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"
    EQ = "="


@dataclass(frozen=True)
class Value:
    """One 指标值 or 完成值, normalised so a target and an actual compare directly.

    ``text`` is the cell after ``normalise_text`` (ISO for date cells);
    ``number`` has 万/亿 applied (``scale`` records the factor) and percentages
    in percent points; ``date`` of a year-less deadline has year 1 until
    ``with_year`` fills it in.
    """

    text: str
    kind: Kind
    number: float | None = None
    unit: str | None = None
    scale: float = 1.0
    op: Op | None = None
    date: datetime.date | None = None
    year_known: bool = True

    def with_year(self, year: int) -> Value:
        """The same deadline in ``year`` ("2月底前" in 2024 is Feb 29); self if the year is known."""
        if self.year_known or self.date is None:
            return self
        found = _deadline(_split_op(self.text)[1], year)
        if found is None:  # built by hand rather than parsed: keep its day, clamped to the month
            day = min(self.date.day, calendar.monthrange(year, self.date.month)[1])
            return replace(self, date=self.date.replace(year=year, day=day), year_known=True)
        return replace(self, date=found[0], year_known=True)


@dataclass(frozen=True)
class NumberResult:
    """An amount, weight or points cell read as a number, or why it could not be."""

    number: float | None
    unit: str | None
    problem: str | None
    scale: float = 1.0
    """The 万/亿 factor already applied: "52万" is 520,000 with no unit name, so money in 元."""


# Keys are in NFKC form, since every text is normalised before lookup.
_OP_PREFIXES: dict[str, Op] = {
    **dict.fromkeys(("≥", "≧", "⩾", ">=", "=>", "≮", "不低于", "不少于", "不小于", "大于等于",
                     "大于或等于", "达到", "达"), Op.GE),
    **dict.fromkeys((">", "大于", "高于", "多于", "超过"), Op.GT),
    **dict.fromkeys(("≤", "≦", "⩽", "<=", "=<", "≯", "不高于", "不超过", "不大于", "不多于",
                     "小于等于", "小于或等于"), Op.LE),
    **dict.fromkeys(("<", "小于", "低于", "少于"), Op.LT),
    **dict.fromkeys(("=", "==", "═", "等于"), Op.EQ),  # ═ (box drawing) in Yunnan's budget-system export
}
_OP_SUFFIXES: dict[str, Op] = {
    "及以上": Op.GE, "以上": Op.GE, "及以下": Op.LE, "以下": Op.LE, "以内": Op.LE, "之内": Op.LE,
}
# Labels some systems put in the 指标性质 column instead of a symbol.
_OP_LABELS: dict[str, Op] = {"正向": Op.GE, "正向指标": Op.GE, "反向": Op.LE, "反向指标": Op.LE}
_OP_PREFIX_RE = re.compile("|".join(map(re.escape, sorted(_OP_PREFIXES, key=len, reverse=True))))

_NUMBER = r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|[+-]?\.[0-9]+"
# A unit is short text without digits: %, 人次, 万元, 元/人/年, 元/人*月, 元/人·月 ...
_QUANTITY_RE = re.compile(
    rf"(?:大约|约为|约)?[¥$]?(?P<num>{_NUMBER})(?P<unit>(?:[^\W\d_]|[%‰/*×·・]){{0,8}}?)(?:左右)?"
)
_DATE_RE = re.compile(
    r"(?:于|在|截至|截止)?"
    r"(?:(?P<y>[0-9]{4})[-./](?P<m>[0-9]{1,2})[-./](?P<d>[0-9]{1,2})(?:T?[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?"
    r"|(?:(?P<y2>[0-9]{4})年)?(?P<m2>[0-9]{1,2})月(?:(?P<d2>[0-9]{1,2})[日号]|[底末])?"
    r"|(?:(?P<y3>[0-9]{4})年年?|年)[底末])"
    r"(?:之前|以前|前)?(?:完成)?"
)
_ON_TIME_RE = re.compile(r"(?:按时|按期|如期)(?:完成)?")
# Dashes and slashes stand for "nothing here" (表12's 合计 row has "—" as 指标值).
_PLACEHOLDER_RE = re.compile(r"[-‐‑‒–—―/]+")
_NOISE_RE = re.compile(r"[\s\u200b\ufeff]+")
_FORMAT_LITERAL_RE = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]')

_SCALES: dict[str, float] = {"万": 1e4, "亿": 1e8}
# What Excel shows when a formula fails, and what the user should look at.
EXCEL_ERRORS: dict[str, str] = {
    "#DIV/0!": "公式中除数为 0 或为空",
    "#N/A": "VLOOKUP 等查找函数没有找到对应的值",
    "#VALUE!": "公式中有文字等不能参与运算的值",
    "#REF!": "公式引用的单元格已被删除",
    "#NAME?": "公式中的函数名或名称无法识别",
    "#NUM!": "公式中的数值无效或超出范围",
    "#NULL!": "公式中的区域引用没有交集",
}
_UNIT_SYNONYMS: dict[str, str] = {"百分比": "%", "百分率": "%", "百分点": "%", "个月": "月", "个百分点": "%"}
_COUNTED = re.compile(r"(.+?)数")
"""人数, 户数, 家数, 次数, 人次数: the unit counted, the same unit as 人, 户, 家, 次, 人次."""
APPROXIMATE = re.compile(r"^(约|大约|大概|大致)|(左右|上下)$")
"""A figure written as approximate: 约95%, 95%左右."""


def normalise_text(raw: object) -> str:
    """The cell as text with the noise of real forms gone (full-width forms, blanks, line breaks): for matching
    and parsing, never for writing back (``shown_text``)."""
    if type(raw) is str and len(raw) <= _REMEMBERED_LENGTH:
        return _normalised(raw)
    return _NOISE_RE.sub("", unicodedata.normalize("NFKC", _as_text(raw)))


_REMEMBERED_LENGTH = 200


@functools.lru_cache(maxsize=1 << 14)
def _normalised(text: str) -> str:
    """Short texts remembered: a workbook's sheets repeat their labels, units and operators hundreds of times."""
    return _NOISE_RE.sub("", unicodedata.normalize("NFKC", text))


def shown_text(raw: object) -> str:
    """The cell's text as the form wrote it, for writing into a workbook or report: only the blanks around it go
    (its full-width punctuation ，（）； stays)."""
    return _as_text(raw).strip()


def _as_text(raw: object) -> str:
    """Integer floats print without ".0" because Excel stores every number as a float (up to 1e15, Excel's 15
    significant digits; beyond, the float's own repr)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15:
        return str(int(raw))
    if isinstance(raw, datetime.datetime):
        return raw.date().isoformat() if raw.time() == datetime.time() else raw.isoformat()
    return _safe_str(raw)


def excel_error(raw: object) -> str | None:
    """The Excel error literal a cell holds ("#DIV/0!", "#N/A" ...), None for any other value."""
    if not isinstance(raw, str):
        return None
    text = raw.strip().upper()
    return text if text in EXCEL_ERRORS else None


def _safe_str(raw: object) -> str:
    """str() that cannot fail (huge ints and odd objects can make str() raise)."""
    try:
        return str(raw)
    except Exception:  # noqa: BLE001 - any failure just means "no readable text"
        return f"<{type(raw).__name__}>"


def parse_op(text: object) -> Op | None:
    """The comparison written in a 指标性质 cell ("≥", "＞", "不低于", "以内", "正向"...), None if none."""
    word = normalise_text(text)
    return _OP_PREFIXES.get(word) or _OP_SUFFIXES.get(word) or _OP_LABELS.get(word)


def normalise_unit(text: object) -> tuple[str | None, float]:
    """Split a unit into its plain name and the 万/亿 factor: "万人" -> ("人", 10000.0)."""
    unit = normalise_text(text)
    scale = 1.0
    if unit[:1] in _SCALES:
        scale = _SCALES[unit[0]]
        unit = unit[1:]
    if counted := _COUNTED.fullmatch(unit):
        unit = counted[1]
    unit = _UNIT_SYNONYMS.get(unit, unit)
    return (unit or None), scale


def parse_value(
    raw: object, *, number_format: str | None = None, unit: str | None = None, op: str | None = None
) -> Value:
    """Read a 指标值 or 完成值 cell; ``unit`` and ``op`` are the form's 计量单位 and 指标性质 columns.

    The text's own unit and operator win over the columns.  Never raises.
    """
    column_op = parse_op(op)
    if isinstance(raw, datetime.date):
        day = raw.date() if isinstance(raw, datetime.datetime) else raw
        return Value(normalise_text(raw), Kind.DEADLINE, op=column_op, date=day)
    amount = _as_decimal(raw)
    if amount is not None:
        fmt = _format_code(number_format)
        if _is_date_format(fmt):
            day = _from_serial(amount)
            if day is not None:
                return Value(day.isoformat(), Kind.DEADLINE, op=column_op, date=day)
        if "%" in fmt:
            name, scale = "%", 1.0
            number = _scaled(amount, 100)
        else:
            name, scale = normalise_unit(unit)
            number = _scaled(amount, scale)
        if number is not None:
            return Value(normalise_text(raw), Kind.QUANTITATIVE, number, name, scale, column_op)
    return _parse_text(normalise_text(raw), unit, column_op)


def _parse_text(text: str, unit: str | None, column_op: Op | None) -> Value:
    """Classify a written value: a number with unit, a date, "按时", or qualitative text."""
    if not text or _PLACEHOLDER_RE.fullmatch(text):
        return Value(text, Kind.EMPTY)
    written_op, core = _split_op(text)
    value_op = written_op or column_op
    found = _deadline(core, None)
    if found is not None:
        return Value(text, Kind.DEADLINE, op=value_op, date=found[0], year_known=found[1])
    if _ON_TIME_RE.fullmatch(text):
        return Value(text, Kind.DEADLINE, op=value_op)
    quantity = _quantity(core)
    if quantity is not None:
        amount, written_unit = quantity
        name, scale = normalise_unit(written_unit or unit)
        if written_unit and name is None:  # "14万" under a 计量单位 of 人: the column names the unit
            name = normalise_unit(unit)[0]
        number = _scaled(amount, scale)
        if number is not None:
            return Value(text, Kind.QUANTITATIVE, number, name, scale, value_op)
    return Value(text, Kind.QUALITATIVE)


def parse_number(raw: object, *, number_format: str | None = None) -> NumberResult:
    """Read an amount, weight or points cell ("120,996,011.79", "　　30分", "52万元").

    A blank gives no number and no problem; anything unreadable gives a Chinese
    ``problem`` for the finding.  Never raises.
    """
    amount = _as_decimal(raw)
    if amount is not None:
        percent = "%" in _format_code(number_format)
        number = _scaled(amount, 100 if percent else 1)
        if number is not None:
            return NumberResult(number, "%" if percent else None, None)
    text = normalise_text(raw)
    if not text or _PLACEHOLDER_RE.fullmatch(text):
        return NumberResult(None, None, None)
    quantity = _quantity(text)
    if quantity is not None:
        name, scale = normalise_unit(quantity[1])
        number = _scaled(quantity[0], scale)
        if number is not None:
            return NumberResult(number, name, None, scale)
    return NumberResult(None, None, f"「{text}」不是数字")


def _as_decimal(raw: object) -> Decimal | None:
    """A numeric cell as an exact Decimal, so 0.95 x 100 is 95 and 23.45万 is 234500; bool is no number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float):
        return Decimal(repr(raw)) if math.isfinite(raw) else None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, Decimal) and raw.is_finite():
        return raw
    return None


def _scaled(amount: Decimal, factor: float) -> float | None:
    """``amount`` x ``factor`` as a float, None when it does not fit one."""
    try:
        number = float(amount * Decimal(factor))
    except ArithmeticError:  # decimal overflow of absurdly long digit strings
        return None
    return number if math.isfinite(number) else None


def _split_op(text: str) -> tuple[Op | None, str]:
    """Take the operator off a written value: a prefix ("≥", "不低于") or a suffix ("以上", "以内")."""
    op = None
    for word, suffix_op in _OP_SUFFIXES.items():
        if text.endswith(word) and len(text) > len(word):
            op, text = suffix_op, text[: -len(word)]
            break
    match = _OP_PREFIX_RE.match(text)
    if match and match.end() < len(text):
        return _OP_PREFIXES[match.group()], text[match.end():]
    return op, text


def _quantity(core: str) -> tuple[Decimal, str] | None:
    """The number and the unit as written, if the text is exactly a number with an optional unit."""
    match = _QUANTITY_RE.fullmatch(core)
    if match is None:
        return None
    return Decimal(match["num"].replace(",", "")), match["unit"]


def _deadline(core: str, fill_year: int | None) -> tuple[datetime.date, bool] | None:
    """The date a deadline text names, and whether it names the year.

    A missing year takes ``fill_year`` (year 1 when unknown); "M月底" is the
    month's last day, and so is a bare month ("9月前", "2023年12月", an actual "7月"), as forms write a month
    to mean the whole of it; "年底" is Dec 31.
    """
    match = _DATE_RE.fullmatch(core)
    if match is None:
        return None
    written = match["y"] or match["y2"] or match["y3"]
    year = int(written) if written else (fill_year or 1)
    day_text = match["d"] or match["d2"]
    try:
        month = int(match["m"] or match["m2"] or 12)
        day = int(day_text) if day_text else calendar.monthrange(year, month)[1]
        if not written and (month, day) == (2, 29) and not calendar.isleap(year):
            day = 28  # "2月29日前" with no year: the year is not known to be a leap year
        return datetime.date(year, month, day), written is not None
    except ValueError:
        return None


def _format_code(number_format: str | None) -> str:
    """The format code without its literal text, escapes and [colour]/[locale] sections."""
    return _FORMAT_LITERAL_RE.sub("", number_format or "").lower()


def _is_date_format(fmt: str) -> bool:
    """Whether a cleaned format shows a date ("yyyy-mm-dd", "m/d/yy"); "h:mm" is a time, not a date."""
    return "y" in fmt or "d" in fmt or ("m" in fmt and "h" not in fmt and "s" not in fmt)


def _from_serial(serial: Decimal) -> datetime.date | None:
    """The date of an Excel serial (1900 system, which counts a 1900-02-29 that never was).

    Serial 60, that phantom day, reads as 1900-02-28.
    """
    days = int(serial)
    if not 1 <= days <= 2958465:  # 1900-01-01 .. 9999-12-31
        return None
    base = datetime.date(1899, 12, 30) if days >= 60 else datetime.date(1899, 12, 31)
    return base + datetime.timedelta(days=days)
