"""Sample workbooks rebuilt from the real published forms in the seeds.

Two builders, openpyxl only:

* :func:`build_yuzhong_2023` – 重庆市渝中区医疗保障局 2023 (seed 000), the
  budget-system export: one 部门整体绩效自评表 and three 二级项目绩效自评表.
* :func:`build_changshou_2021` – 重庆市长寿区医疗保障局 2021 (seed 003):
  表10 部门整体绩效自评表, 表11 项目绩效自评结果汇总表, 表12 项目支出绩效目标自评表.

Every number and text is copied from the seeds, mistakes included (truncated
indicator names, truncated target texts, a phone number in the 自评得分 cell,
amounts stored as text, ``=100%`` typed as text).  Output is byte-for-byte
stable: fixed document properties and fixed zip entry times.
"""

from __future__ import annotations

import math
from os import PathLike
from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from xl_tools.workbook.save import save_stable
from xl_tools.workbook.style import print_setup, set_value

__all__ = ["build_yuzhong_2023", "build_changshou_2021"]

# --------------------------------------------------------------------------
# styles and helpers
# --------------------------------------------------------------------------


_FONT = Font(name="宋体", size=10, charset=134)
_BOLD = Font(name="宋体", size=10, bold=True, charset=134)
_TITLE = Font(name="宋体", size=16, bold=True, charset=134)
_SUBTITLE = Font(name="宋体", size=12, bold=True, charset=134)
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_LEFT_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center", wrap_text=True)


def _put(
    ws: Worksheet,
    coord: str,
    value: Any,
    *,
    font: Font = _FONT,
    align: Alignment = _CENTER,
    fmt: str | None = None,
    border: bool = True,
) -> None:
    """Write one cell; a text starting with "=" stays text (never a formula)."""
    cell = ws[coord]
    set_value(cell, value)
    cell.font = font
    cell.alignment = align
    if fmt is not None:
        cell.number_format = fmt
    if border:
        cell.border = _BORDER


def _merge(ws: Worksheet, ref: str, *, border: bool = True) -> None:
    """Merge a range and draw the thin border on every cell of it."""
    ws.merge_cells(ref)
    if border:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        for row in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col):
            for cell in row:
                cell.border = _BORDER


def _text_width(text: str) -> int:
    """Display width in Excel column units (CJK counts double)."""
    return sum(1 if ord(ch) < 128 else 2 for ch in text)


def _fit_height(ws: Worksheet, row: int, texts: Sequence[tuple[str, float]], line: float = 13.5) -> None:
    """Set a row height so wrapped texts (text, available width) are visible."""
    lines = 1
    for text, width in texts:
        lines = max(lines, math.ceil(_text_width(text) / max(width * 0.92, 1.0)))
    ws.row_dimensions[row].height = min(409.0, lines * line + 6)


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    """Set column widths from column A on."""
    for idx, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = width


def _span_width(ws: Worksheet, first: int, last: int) -> float:
    """Total width of columns first..last (1-based)."""
    return sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(first, last + 1))


def _new_workbook() -> Workbook:
    """Empty workbook with fixed document properties."""
    wb = Workbook()
    wb.remove(wb.active)
    return wb


# --------------------------------------------------------------------------
# seed 000: 重庆市渝中区医疗保障局, 2023, budget-system export
# --------------------------------------------------------------------------

_YZ_DEPT = "094-重庆市渝中区医疗保障局"
_YZ_OFFICE = "004-社保科"

_YZ_DEPT_TARGET_START = (
    "（1）数量指标，对聘用人员开展不低于2次业务培训，不低于54人次，服务人数不低于90万人（参保人），"
    "服务单位不低于1.2万户；（2）进度指标，业务办结速度合格。（3）社会效益指标，参保率不低于96%；"
    "（4）服务对象满意度指标，服务对象满意度不低于83%。;（1）数量指标，印制医疗保险、生育保险、"
    "医疗救助服务协议不少于3000份，职工医保的参保单位和个体参保人的转移信函、个人权益告"
)
_YZ_GAP_SLOGAN = "落实城市低保对象等八类群体约1.6万人的医疗保险参保资助、门诊医疗救助及住院医疗救助工作。"
_YZ_RESIDENT_TARGET = (
    "2024年我区居民医疗保险财政补助享受人数14.0万人以上，市级补助足额及时发放率达100%，"
    "区级补助足额发放率达100%，居民医保财政补助政策知晓率达90%以上，参保服务对象满意度达95%，"
    "补助工作发放满意度达95%以上。"
)
_YZ_WINDOW_TARGET = (
    "对聘用人员开展不低于2次业务培训，不低于54人次，服务人数不低于94万人（参保人），"
    "服务单位不低于1.2万户；参保率不低于96%，服务对象满意度不低于83%。"
)

# One dict per table, in seed order.  Indicator rows:
# (指标名称, 计量单位, 指标性质, 指标值, 全年完成值, 偏离度, 得分系数, 指标权重, 指标得分, 是否核心指标, 说明)
YUZHONG_TABLES: list[dict[str, Any]] = [
    {
        "sheet": "部门整体",
        "title": "2023年度部门整体绩效自评表",
        "status": "状态：已送审",
        "name": "重庆市渝中区医疗保障局整体",
        "code": "50010300023P000076",
        "score": 100,
        "contact": "周翔",
        "phone": "63551115",
        "funds": ("120,996,011.79", "125,738,993.70", "125,738,993.70"),
        # the seed's texts are cut off by the export; each column at its own place
        "targets": (
            _YZ_DEPT_TARGET_START + "知信函、异地经办机构往来信函不少于6000份，聘请医学专家开展病例审查5000份，开展特病鉴定、全",
            _YZ_DEPT_TARGET_START,
            _YZ_DEPT_TARGET_START.removesuffix("保人的转移信函、个人权益告"),
        ),
        "indicators": [
            ("定点医疗机构检查覆盖率", "%", "≥", 98, 98, 0, 100, 10, 10, "是", None),
            ("委托第三方核查医疗机构数量", "家", "＝", 2, 2, 0, 100, 10, 10, "否", None),
            ("享受区级公务员医疗补助人数", "人", "≥", 19586, 19586, 0, 100, 10, 10, "是", None),
            ("医保档案数字化页数", "页", "≥", 85400, 85400, 0, 100, 10, 10, "否", None),
            ("医疗救助参保资助人数", "人", "≥", 14500, 15385, 6.1, 100, 10, 10, "否", None),
            ("医疗救助门诊救助人次数", "人次", "≥", 60000, 85206, 42.01, 100, 10, 10, "是", "救助人次高于目标值"),
            ("单双解被补助人员政策知晓率", "%", "≥", 95, 95, 0, 100, 5, 5, "否", None),
            ("医保业务办结率", "%", "＝", 100, 100, 0, 100, 10, 10, "是", None),
            ("医疗保险参保率", "%", "≥", 96, 96, 0, 100, 15, 15, "是", None),
            ("服务对象满意度", "%", "≥", 95, 95, 0, 100, 10, 10, "是", None),
        ],
    },
    {
        "sheet": "医疗救助专项经费（残保金）",
        "title": "2023年度二级项目绩效自评表",
        "status": "状态：部门审核已审",
        "name": "医疗救助专项经费（残保金）",
        "code": "50010322T000000088769",
        "score": 100,
        "contact": "简雯君",
        "phone": "63555783",
        "funds": ("16,710,000.00", "20,040,000.00", "20,040,000.00"),
        "targets": (_YZ_GAP_SLOGAN, _YZ_GAP_SLOGAN, _YZ_GAP_SLOGAN),
        "indicators": [
            ("参保资助人数", "人", "≥", 14500, 14500, 0, 100, 12, 12, None, None),
            ("门诊救助人数", "人次", "≥", 60000, 60000, 0, 100, 13, 13, None, None),
            ("普通住院救助人数", "人次", "≥", 4000, 4000, 0, 100, 13, 13, None, None),
            ("重大疾病住院救助人数", "人次", "≥", 1800, 1800, 0, 100, 12, 12, None, None),
            ("区内医疗救助对象参保", "%", "＝", 100, 100, 0, 100, 15, 15, None, None),
            ("医疗救助政策知晓率", "%", "≥", 90, 90, 0, 100, 15, 15, None, None),
            ("医疗救助对象满意度", "%", "≥", 95, 95, 0, 100, 10, 10, None, None),
        ],
    },
    {
        "sheet": "居民医保财政补助资金",
        "title": "2023年度二级项目绩效自评表",
        "status": "状态：部门审核已审",
        "name": "居民医保财政补助资金",
        "code": "50010322T000002013408",
        "score": 100,
        "contact": "李堃",
        "phone": "63557896",
        "funds": ("14,130,000.00", "14,130,000.00", "14,130,000.00"),
        "targets": (_YZ_RESIDENT_TARGET, _YZ_RESIDENT_TARGET, _YZ_RESIDENT_TARGET),
        "indicators": [
            ("2022年我区居民医保财", "人", "≥", 140000, 140000, 0, 100, 20, 20, None, None),
            ("区级补助及时足额发放", "%", "＝", 100, 100, 0, 100, 15, 15, None, None),
            ("市级补助及时足额发放", "%", "＝", 100, 100, 0, 100, 15, 15, None, None),
            ("居民医保财政补助率", "%", "＝", 100, 100, 0, 100, 15, 15, None, None),
            ("居民医保财政补助政策", "%", "≥", 90, 90, 0, 100, 15, 15, None, None),
            ("补助发放工作满意度", "%", "≥", 95, 95, 0, 100, 5, 5, None, None),
            ("参保服务满意度", "%", "≥", 95, 95, 0, 100, 5, 5, None, None),
        ],
    },
    {
        "sheet": "购买窗口服务专项经费",
        "title": "2023年度二级项目绩效自评表",
        "status": "状态：部门审核已审",
        "name": "购买窗口服务专项经费",
        "code": "50010322T000000089066",
        "score": 100,
        "contact": "周翔",
        "phone": "63551115",
        "funds": ("1,460,000.00", "1,460,000.00", "1,460,000.00"),
        "targets": (
            _YZ_WINDOW_TARGET,
            _YZ_WINDOW_TARGET,
            "对聘用人员开展不低于2次业务培训，不低于54人次，服务人数不低于94万人（参保人），"
            "服务单位不低于1.2万户；参保率不低于96%，医保服务事项办结率100%。",
        ),
        "indicators": [
            ("被服务单位数量", "户", "≥", 12000, 12000, 0, 100, 15, 15, None, None),
            ("被服务人数", "人次", "≥", 940000, 940000, 0, 100, 15, 15, None, None),
            ("参加业务培训人次", "人次", "≥", 54, 54, 0, 100, 10, 10, None, None),
            ("对聘用人员开展业务培", "次", "≥", 2, 2, 0, 100, 10, 10, None, None),
            ("医保服务事项办结率", "%", "＝", 100, 100, 0, 100, 20, 20, None, None),
            ("医疗保障参保率", "%", "≥", 96, 96, 0, 100, 20, 20, None, None),
        ],
    },
]

_YZ_INDICATOR_HEADER = (
    "指标名称", "计量单位", "指标性质", "指标值", "全年完成值", "偏离度（%）",
    "得分系数（%）", "指标权重", "指标得分", "是否核心指标", "说明",
)
_YZ_FUNDS_HEADER = ("", "年初预算数", "全年（调整）预算数", "全年执行数", "执行率", "执行率权重", "执行率得分")
_YZ_WIDTHS = (28, 16, 18, 16, 14, 14, 14, 12, 12, 12, 22)


def _yuzhong_sheet(ws: Worksheet, table: dict[str, Any]) -> None:
    """Lay out one export table (11 columns, A:K) on its own sheet."""
    _widths(ws, _YZ_WIDTHS)
    last = "K"

    # title and status
    _put(ws, "A1", table["title"], font=_TITLE, border=False)
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 30
    _put(ws, "A2", table["status"], align=_LEFT, border=False)
    ws.merge_cells(f"A2:{last}2")

    # header lines: label cells and value cells apart
    _put(ws, "A3", "项目名称：", font=_BOLD, align=_RIGHT)
    _put(ws, "B3", table["name"], align=_LEFT)
    _merge(ws, "B3:D3")
    _put(ws, "E3", "项目编码：", font=_BOLD, align=_RIGHT)
    _put(ws, "F3", table["code"], align=_LEFT)
    _merge(ws, "F3:G3")
    _put(ws, "H3", "自评总分：", font=_BOLD, align=_RIGHT)
    _put(ws, "I3", table["score"], align=_RIGHT, fmt="0.00")
    ws.row_dimensions[3].height = 20

    _put(ws, "A4", "项目主管部门：", font=_BOLD, align=_RIGHT)
    _put(ws, "B4", _YZ_DEPT, align=_LEFT)
    _merge(ws, "B4:C4")
    _put(ws, "D4", "财政归口处室：", font=_BOLD, align=_RIGHT)
    _put(ws, "E4", _YZ_OFFICE, align=_LEFT)
    _put(ws, "F4", "部门联系人：", font=_BOLD, align=_RIGHT)
    _put(ws, "G4", table["contact"], align=_LEFT)
    _put(ws, "H4", "联系电话：", font=_BOLD, align=_RIGHT)
    _put(ws, "I4", table["phone"], align=_LEFT)
    ws.row_dimensions[4].height = 20

    # 资金情况 (amounts in 元, stored as text the way the export writes them)
    _put(ws, "A5", "资金情况", font=_BOLD, align=_LEFT)
    _merge(ws, f"A5:{last}5")
    for col, label in enumerate(_YZ_FUNDS_HEADER, start=1):
        _put(ws, f"{get_column_letter(col)}6", label or None, font=_BOLD)
    plan, adjusted, spent = table["funds"]
    fund_rows = (
        ("年度总金额", None, None, None),
        ("其中：财政拨款", 100, "10.00", "10.00"),
        ("一般公共预算", 100, None, None),
    )
    for row, (label, rate, weight, points) in enumerate(fund_rows, start=7):
        _put(ws, f"A{row}", label, align=_LEFT)
        for col, amount in zip("BCD", (plan, adjusted, spent)):
            _put(ws, f"{col}{row}", amount, align=_RIGHT)
        _put(ws, f"E{row}", rate, align=_RIGHT)
        _put(ws, f"F{row}", weight, align=_RIGHT)
        _put(ws, f"G{row}", points, align=_RIGHT)

    # 绩效目标
    _put(ws, "A10", "绩效目标", font=_BOLD, align=_LEFT)
    _merge(ws, f"A10:{last}10")
    spans = (("A", "C"), ("D", "G"), ("H", "K"))
    heads = ("年初绩效目标", "全年（调整）绩效目标", "全年目标实际完成情况")
    for (first, end), head, text in zip(spans, heads, table["targets"]):
        _put(ws, f"{first}11", head, font=_BOLD)
        _merge(ws, f"{first}11:{end}11")
        _put(ws, f"{first}12", text, align=_LEFT_TOP)
        _merge(ws, f"{first}12:{end}12")
    _fit_height(
        ws,
        12,
        [
            (text, _span_width(ws, column_index_from_string(a), column_index_from_string(b)))
            for (a, b), text in zip(spans, table["targets"])
        ],
    )

    # 绩效指标
    _put(ws, "A13", "绩效指标", font=_BOLD, align=_LEFT)
    _merge(ws, f"A13:{last}13")
    for col, label in enumerate(_YZ_INDICATOR_HEADER, start=1):
        _put(ws, f"{get_column_letter(col)}14", label, font=_BOLD)
    ws.row_dimensions[14].height = 28
    for row, values in enumerate(table["indicators"], start=15):
        for col, value in enumerate(values, start=1):
            align = _LEFT if col in (1, 11) else _CENTER
            _put(ws, f"{get_column_letter(col)}{row}", value, align=align)
        ws.row_dimensions[row].height = 20

    print_setup(ws, landscape=True)
    ws.print_title_rows = "14:14"


def build_yuzhong_2023(path: str | PathLike[str]) -> Path:
    """Build seed 000 (重庆市渝中区医疗保障局 2023 export) as an .xlsx at ``path``."""
    wb = _new_workbook()
    for table in YUZHONG_TABLES:
        ws = wb.create_sheet(table["sheet"])
        _yuzhong_sheet(ws, table)
    return save_stable(wb, path, creator="xl_tools samples")


# --------------------------------------------------------------------------
# seed 003: 重庆市长寿区医疗保障局, 2021, 表10 / 表11 / 表12
# --------------------------------------------------------------------------

_CS_UNIT = "重庆市长寿区医疗保障局"
# The two 表10 texts share their start; the 实际完成情况 one is cut off.
_CS_DEPT_TEXT_DONE = (
    "保障本单位人员经费和基本运转，履行本单位贯彻执行国家医疗保险、生育保险、医疗救助等医疗保障制度的"
    "法律法规、政策、规划和标准，组织实施地方性法规、规章、规划标准；组织实施医疗保障基金监督管理办法，"
    "建立健全医疗保障基金安全防控机制，推进医疗保障基金支付方式改革；执行市有关医疗保障筹资和待遇政策；"
    "执行市有关药品、医用耗材、医疗服务项目、医疗服务设施等地方医保目录和支付标准；执行药品、医用耗材"
    "价格和医疗服务项目、医疗服务设施收费等政策；执行药品、医用耗材的招标采购政策并监督实施，指导药品、"
    "医用耗材的招标采购平台的使用；执行定点医药机构协议和支付管理办法并组织实施，拟定我区定点医药机构"
    "补充协议并组织实施，建立健全医疗保障信用评价体系和信息披露制度，监督管理纳入医保范围内的医疗服务"
    "行为和医疗费用，依法查处医疗保障领域违法违规行为；负责医疗保障经办管理、公共服务体系和信息化建设，"
    "落实异地就医管理和医疗费用结算政策，建立健全医疗保障关系转移接续制度等职能。完成本年度医保网络维护、"
    "医保政策宣传及培训、村社区医保业务信"
)
_CS_DEPT_TEXT_TARGET = _CS_DEPT_TEXT_DONE + "息化建设及医保基金监管项目，实现各个项目绩效目标。"

_CS_PROJECTS: list[tuple[int, str, float, float, int]] = [
    (1, "2021年城乡居民基本医疗保险工作经费市级补助资金", 31, 31, 100),
    (2, "西部志愿者项目补助", 15.64, 15.64, 100),
    (3, "医保基金专项审计", 18.06, 18.06, 100),
    (4, "医保网络维护费", 15, 15, 100),
    (5, "医保政策宣传及培训费", 19.76, 19.76, 100),
    (6, "村社区医保业务信息化建设及医保基金监管", 54.41, 54.41, 100),
    (7, "2021年医疗服务与保障能力提升(医疗保障能力提升部分)中央补助资金", 52, 52, 100),
    (8, "结转2020年医疗服务与保障服务能力提升中央补助资金", 20, 20, 100),
    (9, "结转2020年社会保障专项项目第二批", 199.5, 199.5, 100),
    (10, "边缘易致贫人口参加2021年城乡居民医疗保险资金", 1.86, 1.86, 100),
    (11, "街镇-居民医保工作经费", 266.31, 266.31, 100),
    (12, "代列-特殊人群医疗补助", 3600, 3600, 100),
    (13, "代列-医疗救助资金", 5235.75, 5235.75, 100),
    (14, "代列-资助参保医疗补助资金", 680, 680, 100),
    (
        15,
        "国有企业“单双解”人员和关闭破产解体城镇集体所有制企业退休人员以个人身份参加城镇职工医疗保险补助",
        36,
        36,
        100,
    ),
    (16, "代列-城乡居民医保补助", 5443.5, 5443.5, 100),
]

_CS_GOAL = "目标1:不断提升医保服务能力 目标2:使全区群众看得起病、方便看病的获得感、幸福感越来越强"
_CS_COMPLIANCE = "合规;资金拨付有完整审批程序和手续;不存在截留、基"
# (指标名称, 分值, 年度指标值, 全年完成值, 完成比例, 自评得分, 未完成原因和改进措施)
_CS_INDICATORS: list[tuple[Any, ...]] = [
    ("合计", 100, "—", "—", "—", 100, "—"),
    ("资金到位率", 10, "=100%", "100%", "100%", 10, None),
    ("建档立卡贫困人口参保率", 15, "=100%", "100%", "100%", 15, None),
    ("定点医药机构监督检查覆盖率", 15, "=100%", "100%", "100%", 15, None),
    ("到位及时率", 15, "=100%", "100%", "100%", 15, None),
    ("资金使用合规性", 15, _CS_COMPLIANCE, _CS_COMPLIANCE, "100%", 15, None),
    ("医疗服务水平", 15, "稳步提升", "稳步提升", "100%", 15, None),
    ("参保人员对医保服务的满意度", 15, "≥90%", "95%", "100%", 15, None),
]
_CS_NOTE = "请在此处简要说明各级审计和财政监督检查中发现的问题及其所涉及金额,如没有请填无。"


def _title_block(ws: Worksheet, table_no: str, title: str, last: str) -> None:
    """Rows 1-3: "表1x", the form title, "(2021年度)"."""
    _put(ws, "A1", table_no, font=_BOLD, align=_LEFT, border=False)
    _put(ws, "A2", title, font=_TITLE, border=False)
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = 30
    _put(ws, "A3", "(2021年度)", font=_SUBTITLE, border=False)
    ws.merge_cells(f"A3:{last}3")
    ws.row_dimensions[3].height = 20


def _changshou_t10(ws: Worksheet) -> None:
    """表10 部门整体绩效自评表 (A:D)."""
    _widths(ws, (18, 46, 26, 26))
    _title_block(ws, "表10", "部门整体绩效自评表", "D")

    _put(ws, "A4", "部门(单位)名称", font=_BOLD)
    _put(ws, "B4", _CS_UNIT)
    _put(ws, "C4", "自评得分", font=_BOLD)
    _put(ws, "D4", "阳宏15808027144")  # sic: the published form has a name and phone here
    ws.row_dimensions[4].height = 22

    _put(ws, "A5", "全年资金(万元)", font=_BOLD)
    _merge(ws, "A5:A6")
    _put(ws, "B5", "全年预算数(A)", font=_BOLD)
    _put(ws, "C5", "全年执行数(B)", font=_BOLD)
    _put(ws, "D5", "执行率(B/A,%)", font=_BOLD)
    _put(ws, "B6", 973.90, fmt="0.00")
    _put(ws, "C6", 973.90, fmt="0.00")
    _put(ws, "D6", 1, fmt="0.00%")
    ws.row_dimensions[5].height = 22
    ws.row_dimensions[6].height = 22

    _put(ws, "A7", "当年整体绩效目标", font=_BOLD)
    _merge(ws, "A7:A8")
    _put(ws, "B7", "年初设定目标", font=_BOLD)
    _put(ws, "C7", "实际完成情况", font=_BOLD)
    _merge(ws, "C7:D7")
    _put(ws, "B8", _CS_DEPT_TEXT_TARGET, align=_LEFT_TOP)
    _put(ws, "C8", _CS_DEPT_TEXT_DONE, align=_LEFT_TOP)
    _merge(ws, "C8:D8")
    _fit_height(ws, 8, [(_CS_DEPT_TEXT_TARGET, 46), (_CS_DEPT_TEXT_DONE, 52)])

    print_setup(ws, landscape=False)


def _changshou_t11(ws: Worksheet) -> None:
    """表11 项目绩效自评结果汇总表 (A:E, 16 projects)."""
    _widths(ws, (8, 62, 15, 15, 11))
    _title_block(ws, "表11", "项目绩效自评结果汇总表", "E")
    for col, label in zip("ABCDE", ("序号", "项目名称", "预算数(万元)", "执行数(万元)", "自评得分")):
        _put(ws, f"{col}4", label, font=_BOLD)
    ws.row_dimensions[4].height = 24
    for row, (no, name, budget, spent, score) in enumerate(_CS_PROJECTS, start=5):
        _put(ws, f"A{row}", no)
        _put(ws, f"B{row}", name, align=_LEFT)
        _put(ws, f"C{row}", budget, align=_RIGHT)
        _put(ws, f"D{row}", spent, align=_RIGHT)
        _put(ws, f"E{row}", score)
        _fit_height(ws, row, [(name, 62)], line=13.5)
    print_setup(ws, landscape=False)
    ws.print_title_rows = "4:4"


def _changshou_t12(ws: Worksheet) -> None:
    """表12 项目支出绩效目标自评表 (A:H) for the 医疗保障能力提升 project."""
    _widths(ws, (10, 26, 16, 22, 22, 12, 10, 22))
    _title_block(ws, "表12", "项目支出绩效目标自评表", "H")

    _put(ws, "A4", "专项(项目)名称", font=_BOLD)
    _put(ws, "B4", "2021年医疗服务与保障能力提升(医疗保障能力提升部分)中央补助资金", align=_LEFT)
    _merge(ws, "B4:C4")
    _put(ws, "D4", "联系人及电话", font=_BOLD)
    _put(ws, "E4", "阳群凤15826058455", align=_LEFT)
    _merge(ws, "E4:H4")
    ws.row_dimensions[4].height = 42

    _put(ws, "A5", "主管部门", font=_BOLD)
    _put(ws, "B5", _CS_UNIT, align=_LEFT)
    _merge(ws, "B5:C5")
    _put(ws, "D5", "实施单位", font=_BOLD)
    _put(ws, "E5", _CS_UNIT, align=_LEFT)
    _merge(ws, "E5:H5")
    ws.row_dimensions[5].height = 22

    _put(ws, "A6", "项目资金(万元)", font=_BOLD)
    _merge(ws, "A6:A8")
    _put(ws, "B6", "全年预算数(A)", font=_BOLD)
    _merge(ws, "B6:C6")
    _put(ws, "D6", "全年执行数(B)", font=_BOLD)
    _merge(ws, "D6:E6")
    _put(ws, "F6", "执行率(B/A,%)", font=_BOLD)
    _merge(ws, "F6:H6")
    _put(ws, "B7", "总量")
    _put(ws, "C7", "52万元")
    _put(ws, "D7", "总量")
    _put(ws, "E7", "52万元")
    _put(ws, "F7", "项目自评得分 (100)")
    _merge(ws, "F7:H7")
    _put(ws, "B8", "其中:财政资金")
    _put(ws, "C8", "52万元")
    _put(ws, "D8", "其中:财政资金")
    _put(ws, "E8", "52万元")
    _put(ws, "F8", None)
    _merge(ws, "F8:H8")
    for row in (6, 7, 8):
        ws.row_dimensions[row].height = 22

    _put(ws, "A9", "年度总体目标", font=_BOLD)
    _merge(ws, "A9:A10")
    _put(ws, "B9", "年初设定目标", font=_BOLD)
    _merge(ws, "B9:D9")
    _put(ws, "E9", "全年目标实际完成情况", font=_BOLD)
    _merge(ws, "E9:H9")
    _put(ws, "B10", _CS_GOAL, align=_LEFT_TOP)
    _merge(ws, "B10:D10")
    _put(ws, "E10", _CS_GOAL, align=_LEFT_TOP)
    _merge(ws, "E10:H10")
    _fit_height(ws, 10, [(_CS_GOAL, _span_width(ws, 2, 4)), (_CS_GOAL, _span_width(ws, 5, 8))])

    header = ("指标名称", "分值", "年度指标值", "全年完成值", "完成比例", "自评得分", "未完成原因和改进措施")
    _put(ws, "A11", "绩效指标", font=_BOLD)
    for col, label in zip("BCDEFGH", header):
        _put(ws, f"{col}11", label, font=_BOLD)
    ws.row_dimensions[11].height = 28
    first = 12
    for row, values in enumerate(_CS_INDICATORS, start=first):
        for col, value in zip("BCDEFGH", values):
            _put(ws, f"{col}{row}", value, align=_LEFT if col == "B" else _CENTER)
        _fit_height(ws, row, [(str(values[2]), 22), (str(values[3]), 22)], line=13.5)
        ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 0, 22)
    last_row = first + len(_CS_INDICATORS) - 1
    _merge(ws, f"A11:A{last_row}")

    note_row = last_row + 1
    _put(ws, f"A{note_row}", None)
    _put(ws, f"B{note_row}", "说明", font=_BOLD)
    _put(ws, f"C{note_row}", _CS_NOTE, align=_LEFT)
    _merge(ws, f"C{note_row}:E{note_row}")
    _put(ws, f"F{note_row}", "无")
    _merge(ws, f"F{note_row}:H{note_row}")
    _fit_height(ws, note_row, [(_CS_NOTE, _span_width(ws, 3, 5))])

    print_setup(ws, landscape=True)


def build_changshou_2021(path: str | PathLike[str]) -> Path:
    """Build seed 003 (重庆市长寿区医疗保障局 2021, 表10/表11/表12) as an .xlsx at ``path``."""
    wb = _new_workbook()
    _changshou_t10(wb.create_sheet("表10"))
    _changshou_t11(wb.create_sheet("表11"))
    _changshou_t12(wb.create_sheet("表12"))
    return save_stable(wb, path, creator="xl_tools samples")
