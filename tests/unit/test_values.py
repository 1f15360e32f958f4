"""Reading values as real forms write them (seeds 000, 003, 004 and domain.md).

Every expected value is copied from a form or computed by hand in the test.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xl_tools.core.values import (
    Kind,
    NumberResult,
    Op,
    Value,
    normalise_text,
    normalise_unit,
    parse_number,
    parse_op,
    parse_value,
)

# --- seed 000: budget-system export, operator and unit in their own columns ---------------


@pytest.mark.parametrize(
    ("unit", "op", "target", "actual"),
    [
        ("%", "≥", 98, 98),  # 定点医疗机构检查覆盖率
        ("家", "＝", 2, 2),  # 委托第三方核查医疗机构数量
        ("人", "≥", 14500, 15385),  # 医疗救助参保资助人数
        ("人次", "≥", 60000, 85206),  # 医疗救助门诊救助人次数
        ("页", "≥", 85400, 85400),  # 医保档案数字化页数
    ],
)
def test_seed000_indicator_row(unit: str, op: str, target: int, actual: int) -> None:
    t = parse_value(target, unit=unit, op=op)
    a = parse_value(actual, unit=unit)
    assert t.kind is Kind.QUANTITATIVE and a.kind is Kind.QUANTITATIVE
    assert (t.number, t.unit) == (target, unit)
    assert (a.number, a.unit, a.op) == (actual, unit, None)
    assert t.op is {"≥": Op.GE, "＝": Op.EQ}[op]


def test_seed000_equal_sign_full_width_and_half_width() -> None:
    assert parse_value(2, op="＝").op is Op.EQ
    assert parse_value(2, op="=").op is Op.EQ


def test_seed000_amounts_with_thousands_separators() -> None:
    assert parse_number("120,996,011.79") == NumberResult(120996011.79, None, None)
    assert parse_number("125,738,993.70").number == 125738993.70
    assert parse_number("10.00").number == 10


# --- seed 003: compact 表12, operator and unit inside the text ------------------------------


def test_seed003_targets_and_actuals() -> None:
    eq = parse_value("=100%")
    assert (eq.kind, eq.number, eq.unit, eq.op) == (Kind.QUANTITATIVE, 100, "%", Op.EQ)
    ge = parse_value("≥90%")
    assert (ge.kind, ge.number, ge.unit, ge.op) == (Kind.QUANTITATIVE, 90, "%", Op.GE)
    actual = parse_value("95%")
    assert (actual.kind, actual.number, actual.unit, actual.op) == (Kind.QUANTITATIVE, 95, "%", None)


@pytest.mark.parametrize(
    "text", ["稳步提升", "合规;资金拨付有完整审批程序和手续;不存在截留、基", "达成预期指标", "逐年提高"]
)
def test_seed003_qualitative_text_is_kept(text: str) -> None:
    v = parse_value(text)
    assert v == Value(text, Kind.QUALITATIVE)


def test_seed003_money_and_rates() -> None:
    assert parse_number("52万元") == NumberResult(520000, "元", None, 10000)  # 52 × 10000 (万)
    assert parse_number("约52万") == NumberResult(520000, None, None, 10000)  # a bare 万: no unit name
    assert parse_number("973.90").number == 973.9
    assert parse_number("100.00%") == NumberResult(100, "%", None)


def test_seed003_score_cell_with_name_and_phone() -> None:
    res = parse_number("阳宏15808027144")
    assert res.number is None
    assert res.problem == "「阳宏15808027144」不是数字"


def test_seed003_dash_in_total_row_is_empty() -> None:
    assert parse_value("—").kind is Kind.EMPTY
    assert parse_number("—") == NumberResult(None, None, None)


# --- seed 004: the narrative report's "名称 ≥ 目标，实际完成 X" ------------------------------


@pytest.mark.parametrize(
    ("text", "number", "unit", "op", "scale"),
    [
        ("≥30000", 30000, None, Op.GE, 1),
        ("≥50万人", 500000, "人", Op.GE, 10000),  # 50 × 10000
        ("≤60分钟", 60, "分钟", Op.LE, 1),
        ("=100%", 100, "%", Op.EQ, 1),
        ("≤3万元", 30000, "元", Op.LE, 10000),  # 3 × 10000
        ("≥5万份", 50000, "份", Op.GE, 10000),  # 5 × 10000
        ("≥10万份", 100000, "份", Op.GE, 10000),
        ("≥2000张", 2000, "张", Op.GE, 1),
        ("≤10元", 10, "元", Op.LE, 1),
        ("≥1公里", 1, "公里", Op.GE, 1),
        ("≥1套", 1, "套", Op.GE, 1),
        ("≥1次", 1, "次", Op.GE, 1),
        ("30分钟", 30, "分钟", None, 1),
        ("50万人", 500000, "人", None, 10000),
        ("75%", 75, "%", None, 1),
    ],
)
def test_seed004_values(text: str, number: float, unit: str | None, op: Op | None, scale: float) -> None:
    v = parse_value(text)
    assert v.kind is Kind.QUANTITATIVE
    assert (v.number, v.unit, v.op, v.scale) == (number, unit, op, scale)


def test_seed004_qualitative() -> None:
    assert parse_value("逐年提高").kind is Kind.QUALITATIVE
    assert parse_value("帮扶效果明显").kind is Kind.QUALITATIVE


# --- domain.md: "Values as they are written" -------------------------------------------------


def test_wan_multiplies_by_ten_thousand() -> None:
    v = parse_value("23.45万人")
    assert (v.number, v.unit, v.scale) == (234500, "人", 10000)  # 23.45 × 10000


def test_points_with_full_width_spaces_and_line_breaks() -> None:
    assert normalise_text("　\n　　30分") == "30分"
    v = parse_value("　\n　　30分")
    assert (v.text, v.number, v.unit) == ("30分", 30, "分")
    assert parse_number("　　30分") == NumberResult(30, "分", None)
    assert parse_number("10分") == NumberResult(10, "分", None)


def test_formula_like_target_is_qualitative() -> None:
    text = "60元/人/年*当年度城乡居民参保人数"
    assert parse_value(text) == Value(text, Kind.QUALITATIVE)


def test_percent_three_ways() -> None:
    in_cell = parse_value(0.95, number_format="0%")  # 0.95 × 100
    assert (in_cell.number, in_cell.unit) == (95, "%")
    with_unit = parse_value(95, unit="%")
    assert (with_unit.number, with_unit.unit) == (95, "%")
    in_text = parse_value("95%")
    assert (in_text.number, in_text.unit) == (95, "%")
    as_word = parse_value(95, unit="百分比")
    assert (as_word.number, as_word.unit) == (95, "%")
    assert parse_value(0.95, number_format="0.00%", unit="%").number == 95
    assert parse_number(0.5, number_format="0.00%") == NumberResult(50, "%", None)  # 0.5 × 100


def test_percent_cell_with_awkward_float() -> None:
    assert parse_value(0.07, number_format="0%").number == 7  # 0.07 × 100, not 7.000000000000001


def test_unit_column_scales_numbers() -> None:
    v = parse_value(600, unit="万元")  # seed 001: 财政投入 万元 ≥ 600
    assert (v.number, v.unit, v.scale) == (6000000, "元", 10000)  # 600 × 10000


def test_text_unit_wins_over_unit_column() -> None:
    assert parse_value("95%", unit="人").unit == "%"
    assert parse_value("95", unit="%").number == 95


def test_bare_wan_takes_unit_from_column() -> None:
    v = parse_value("14万", unit="人")
    assert (v.number, v.unit) == (140000, "人")


def test_written_op_wins_over_op_column() -> None:
    assert parse_value("≤5", op="≥").op is Op.LE
    assert parse_value("5", op="≥").op is Op.GE


def test_actual_written_with_target_operator() -> None:
    assert parse_value("≥1000人") == Value("≥1000人", Kind.QUANTITATIVE, 1000, "人", op=Op.GE)


def test_word_operators_and_suffixes() -> None:
    v = parse_value("14.0万人以上")  # seed 000's 绩效目标 text
    assert (v.number, v.unit, v.op) == (140000, "人", Op.GE)
    assert parse_value("不低于96%").op is Op.GE
    assert parse_value("不少于3000份").number == 3000
    assert parse_value("达95%以上").op is Op.GE
    assert parse_value("3万元以内").op is Op.LE
    assert parse_value("约1.6万人").number == 16000  # 1.6 × 10000
    assert parse_value("90%左右").number == 90


# --- dates and deadlines ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date", "year_known"),
    [
        ("2023年10月31日前", datetime.date(2023, 10, 31), True),
        ("2023-04-24", datetime.date(2023, 4, 24), True),
        ("2023.4.24", datetime.date(2023, 4, 24), True),
        ("2023/4/24", datetime.date(2023, 4, 24), True),
        ("2023年4月24日", datetime.date(2023, 4, 24), True),
        ("2023年10月底前", datetime.date(2023, 10, 31), True),
        ("2023年2月底", datetime.date(2023, 2, 28), True),
        ("2024年2月底", datetime.date(2024, 2, 29), True),
        ("10月底前", datetime.date(1, 10, 31), False),
        ("年底前", datetime.date(1, 12, 31), False),
        ("2023年底前", datetime.date(2023, 12, 31), True),
        ("12月31日之前", datetime.date(1, 12, 31), False),
        ("6月30日以前完成", datetime.date(1, 6, 30), False),
        ("于2023年6月30日前完成", datetime.date(2023, 6, 30), True),
    ],
)
def test_deadline_text(text: str, date: datetime.date, year_known: bool) -> None:
    v = parse_value(text)
    assert (v.kind, v.date, v.year_known, v.text) == (Kind.DEADLINE, date, year_known, text)


@pytest.mark.parametrize("text", ["按时", "按时完成", "按期", "按期完成", "如期完成"])
def test_on_time_words(text: str) -> None:
    assert parse_value(text) == Value(text, Kind.DEADLINE)


def test_invalid_dates_are_not_deadlines() -> None:
    assert parse_value("2023年2月30日前").kind is Kind.QUALITATIVE
    assert parse_value("2023-13-01").kind is Kind.QUALITATIVE


def test_with_year() -> None:
    assert parse_value("10月底前").with_year(2023).date == datetime.date(2023, 10, 31)
    assert parse_value("年底前").with_year(2023).date == datetime.date(2023, 12, 31)
    assert parse_value("2月底前").with_year(2024).date == datetime.date(2024, 2, 29)
    assert parse_value("2月29日前").with_year(2024).date == datetime.date(2024, 2, 29)
    assert parse_value("2月29日前").with_year(2023).date == datetime.date(2023, 2, 28)
    filled = parse_value("10月底前").with_year(2023)
    assert filled.year_known and filled.text == "10月底前"
    known = parse_value("2023年10月31日前")
    assert known.with_year(2024) is known
    by_hand = Value("截止", Kind.DEADLINE, date=datetime.date(1, 3, 31), year_known=False)
    assert by_hand.with_year(2023).date == datetime.date(2023, 3, 31)


def test_date_objects() -> None:
    v = parse_value(datetime.date(2023, 10, 31))
    assert (v.kind, v.date, v.text) == (Kind.DEADLINE, datetime.date(2023, 10, 31), "2023-10-31")
    w = parse_value(datetime.datetime(2023, 4, 24, 0, 0))
    assert (w.kind, w.date, w.text) == (Kind.DEADLINE, datetime.date(2023, 4, 24), "2023-04-24")


@pytest.mark.parametrize("fmt", ["yyyy-mm-dd", "m/d/yy", 'yyyy"年"m"月"d"日"', "[$-804]yyyy年m月d日", "mm-dd-yy"])
def test_excel_serial_in_date_cell(fmt: str) -> None:
    # 45230: 45000 is 2023-03-15, and 230 days later is 2023-10-31.
    v = parse_value(45230, number_format=fmt)
    assert (v.kind, v.date) == (Kind.DEADLINE, datetime.date(2023, 10, 31))


@pytest.mark.parametrize("fmt", ["0.00%", "General", "#,##0.00", "0.0_ ", '0"月"', "h:mm", "@", None])
def test_serial_in_non_date_cell_stays_number(fmt: str | None) -> None:
    v = parse_value(45230, number_format=fmt)
    assert v.kind is Kind.QUANTITATIVE


def test_excel_1900_leap_year_bug() -> None:
    fmt = "yyyy-mm-dd"
    assert parse_value(1, number_format=fmt).date == datetime.date(1900, 1, 1)
    assert parse_value(59, number_format=fmt).date == datetime.date(1900, 2, 28)
    assert parse_value(61, number_format=fmt).date == datetime.date(1900, 3, 1)
    assert parse_value(0, number_format=fmt).kind is Kind.QUANTITATIVE


# --- small functions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("≥", Op.GE), ("＞", Op.GT), (">=", Op.GE), ("≧", Op.GE), ("不低于", Op.GE), ("不少于", Op.GE),
        ("以上", Op.GE), ("达到", Op.GE), ("≤", Op.LE), ("<=", Op.LE), ("不高于", Op.LE),
        ("不超过", Op.LE), ("以内", Op.LE), ("以下", Op.LE), ("＝", Op.EQ), ("=", Op.EQ),
        ("等于", Op.EQ), ("＜", Op.LT), (" ≥ ", Op.GE), ("正向", Op.GE), ("反向", Op.LE),
        ("", None), (None, None), ("定性", None),
    ],
)
def test_parse_op(text: str | None, op: Op | None) -> None:
    assert parse_op(text) is op


def test_normalise_unit() -> None:
    assert normalise_unit("万人") == ("人", 10000.0)
    assert normalise_unit("亿元") == ("元", 100000000.0)
    assert normalise_unit("百分比") == ("%", 1.0)
    assert normalise_unit("％") == ("%", 1.0)
    assert normalise_unit("元/人") == ("元/人", 1.0)
    assert normalise_unit("") == (None, 1.0)
    assert normalise_unit(None) == (None, 1.0)


def test_normalise_text() -> None:
    assert normalise_text(None) == ""
    assert normalise_text(95.0) == "95"
    assert normalise_text(0.95) == "0.95"
    assert normalise_text("９５％") == "95%"
    assert normalise_text(" ≥\t１０００ 人\r\n") == "≥1000人"


@pytest.mark.parametrize("raw", ["#DIV/0!", "十分", "≥10", True, float("nan"), float("inf")])
def test_parse_number_problems(raw: object) -> None:
    res = parse_number(raw)
    assert res.number is None
    assert res.problem == f"「{normalise_text(raw)}」不是数字"


def test_parse_number_blank() -> None:
    assert parse_number(None) == NumberResult(None, None, None)
    assert parse_number("　 \n") == NumberResult(None, None, None)


def test_blank_and_odd_objects() -> None:
    assert parse_value(None) == Value("", Kind.EMPTY)
    assert parse_value("　\n ") == Value("", Kind.EMPTY)
    assert parse_value(True).kind is Kind.QUALITATIVE
    assert parse_value(float("nan")).kind is Kind.QUALITATIVE
    assert parse_value(10**5000).kind is Kind.QUALITATIVE
    assert parse_value(Decimal("1E+999999"), unit="亿元").kind is Kind.QUALITATIVE


# --- properties --------------------------------------------------------------------------------

FORMATS = ["General", "0%", "0.00%", "yyyy-mm-dd", "m/d/yy", "#,##0.00", "0.0_ ", 'yyyy"年"m"月"d"日"']
ANY_RAW = st.one_of(
    st.text(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.none(),
    st.dates(),
    st.datetimes(),
    st.booleans(),
    st.decimals(),
)
FORM_ALPHABET = "0123456789,.%-/:约万亿年月日底前之以上下内≥≤＞＜＝=<>人次元分钟 　\n按时完成达到不低于"


@given(
    raw=st.one_of(ANY_RAW, st.text(alphabet=FORM_ALPHABET)),
    number_format=st.one_of(st.none(), st.sampled_from(FORMATS), st.text()),
    unit=st.one_of(st.none(), st.text(), st.sampled_from(["%", "万元", "万人", "百分比", "人"])),
    op=st.one_of(st.none(), st.text(), st.sampled_from(["≥", "＝", "≤", "不低于"])),
)
def test_parse_value_never_raises(raw: object, number_format: str | None, unit: str | None, op: str | None) -> None:
    v = parse_value(raw, number_format=number_format, unit=unit, op=op)
    assert isinstance(v.kind, Kind)
    if v.kind is Kind.QUANTITATIVE:
        assert v.number is not None and math.isfinite(v.number)
    else:
        assert v.number is None
    if not v.year_known:
        assert v.date is not None and v.date.year == 1
        assert v.with_year(2024).year_known
    res = parse_number(raw, number_format=number_format)
    assert (res.number is None) or math.isfinite(res.number)
    assert res.number is None or res.problem is None


PREFIX_OPS = [
    ("≥", Op.GE), ("≧", Op.GE), (">=", Op.GE), ("不低于", Op.GE), ("不少于", Op.GE), ("达到", Op.GE),
    (">", Op.GT), ("＞", Op.GT), ("大于", Op.GT), ("超过", Op.GT),
    ("≤", Op.LE), ("≦", Op.LE), ("<=", Op.LE), ("不高于", Op.LE), ("不超过", Op.LE),
    ("<", Op.LT), ("＜", Op.LT), ("小于", Op.LT), ("低于", Op.LT),
    ("=", Op.EQ), ("＝", Op.EQ), ("等于", Op.EQ),
]
SUFFIX_OPS = [("以上", Op.GE), ("及以上", Op.GE), ("以下", Op.LE), ("及以下", Op.LE), ("以内", Op.LE)]
PLAIN_UNITS = ["", "%", "人", "人次", "户", "家", "元", "元/人", "天", "个", "次", "条", "份", "公里", "分钟", "张", "套", "页", "分"]


@st.composite
def written_numbers(draw: st.DrawFn) -> tuple[str, float]:
    """A number as forms write it (sign, thousands separators, decimals) and its value by hand."""
    whole = draw(st.integers(0, 10**12))
    places = draw(st.sampled_from([0, 1, 2]))
    fraction = draw(st.integers(0, 10**places - 1))
    negative = draw(st.booleans())
    digits = f"{whole:,}" if draw(st.booleans()) else str(whole)
    if places:
        digits += "." + str(fraction).zfill(places)
    value = whole + fraction / 10**places
    return ("-" if negative else "") + digits, -value if negative else value


@st.composite
def written_values(draw: st.DrawFn) -> tuple[str, Op | None, float, str | None]:
    """A target as forms write it, with the op, number and unit it stands for."""
    digits, number = draw(written_numbers())
    unit = draw(st.sampled_from(PLAIN_UNITS))
    where = draw(st.sampled_from(["prefix", "suffix", "none"]))
    if where == "prefix":
        word, op = draw(st.sampled_from(PREFIX_OPS))
        text = word + digits + unit
    elif where == "suffix":
        word, op = draw(st.sampled_from(SUFFIX_OPS))
        text = digits + unit + word
    else:
        op, text = None, digits + unit
    return text, op, number, unit or None


@given(written_values())
def test_written_value_round_trips(case: tuple[str, Op | None, float, str | None]) -> None:
    text, op, number, unit = case
    v = parse_value(text)
    assert v.kind is Kind.QUANTITATIVE
    assert v.op is op
    assert v.number == pytest.approx(number, rel=1e-12, abs=1e-12)
    assert v.unit == unit


NOISE = [" ", "\u3000", "\n", "\t", "\r\n", "\u00a0"]
FULL_WIDTH = {c: chr(c + 0xFEE0) for c in range(0x21, 0x7F)}  # ASCII ! .. ~ -> ！ .. ～
SEED_TEXTS = [
    "=100%", "≥90%", "95%", "稳步提升", "≥30000", "≥50万人", "≤60分钟", "≤3万元", "≥5万份", "23.45万人",
    "2023年10月31日前", "10月底前", "30分", "60元/人/年*当年度城乡居民参保人数", "120,996,011.79", "2023-04-24",
    "2023.4.24", "年底前", "按时完成", "14.0万人以上",
]


@given(
    text=st.one_of(st.sampled_from(SEED_TEXTS), written_values().map(lambda case: case[0])),
    data=st.data(),
)
def test_noise_does_not_change_the_parse(text: str, data: st.DataObject) -> None:
    noisy = list(text)
    for _ in range(data.draw(st.integers(0, 6))):
        noisy.insert(data.draw(st.integers(0, len(noisy))), data.draw(st.sampled_from(NOISE)))
    mutated = "".join(noisy)
    if data.draw(st.booleans()):
        mutated = mutated.translate(FULL_WIDTH)
    assert parse_value(mutated) == parse_value(text)
    assert parse_number(mutated) == parse_number(text)


@given(written_numbers(), st.sampled_from([u for u in PLAIN_UNITS if u != "%"]))
def test_wan_prefix_is_ten_thousand_times(number: tuple[str, float], unit: str) -> None:
    digits, _ = number
    plain = parse_value(digits + unit)
    scaled = parse_value(digits + "万" + unit)
    assert scaled.unit == plain.unit
    assert (plain.scale, scaled.scale) == (1, 10000)
    assert scaled.number == pytest.approx(10000 * plain.number, rel=1e-12, abs=1e-12)
    hundred_million = parse_value(digits + "亿" + unit)
    assert hundred_million.number == pytest.approx(100000000 * plain.number, rel=1e-12, abs=1e-12)


@given(st.integers(-(10**9), 10**9), st.sampled_from(["人", "元", "份", "人次", ""]))
def test_wan_of_whole_numbers_is_exact(whole: int, unit: str) -> None:
    assert parse_value(f"{whole}万{unit}").number == whole * 10000
    assert parse_number(f"{whole}万{unit}").number == whole * 10000


@pytest.mark.parametrize("text, day", [
    ("9月前", (1, 9, 30)),            # 金寨 (安徽) 2023: a deadline written as a month
    ("7月", (1, 7, 31)),              # and its actual value, the month it was done
    ("2023年12月", (2023, 12, 31)),
])
def test_a_month_is_a_deadline_at_its_last_day(text: str, day: tuple[int, int, int]) -> None:
    import datetime

    value = parse_value(text)
    assert value.kind is Kind.DEADLINE and value.date == datetime.date(*day)


def test_months_counted_are_still_a_quantity() -> None:
    value = parse_value("12个月")
    assert value.kind is Kind.QUANTITATIVE and (value.number, value.unit) == (12, "月")  # 个月 is 月


@pytest.mark.parametrize("written, same_as", [("人数", "人"), ("个月", "月"), ("户数", "户"), ("人次数", "人次"),
                                              ("万人数", "万人"), ("百分比", "%")])
def test_equivalent_units_are_one_unit(written: str, same_as: str) -> None:
    from xl_tools.core.values import normalise_unit

    assert normalise_unit(written) == normalise_unit(same_as)
    assert normalise_unit("人次") != normalise_unit("人")  # visits are not people
