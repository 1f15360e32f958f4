"""`xl-tools report`: the narrative 绩效自评报告 (.docx), read back with python-docx and lxml, and its PDF.

Expected figures come from seed 004 (copied in here: the 渝水区 2022 report typed by hand, whose nine
projects the workbook 渝水区医保局2022_项目自评.xlsx holds in the toolkit template), from the workbook
cells read here with openpyxl, or from the hand computation written next to them; never from running
the code under test.
"""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.enum.text import WD_COLOR_INDEX
from lxml import etree
from openpyxl import Workbook

from xl_tools.adapters.docx_report import write_docx
from xl_tools.adapters.libreoffice import convert_many
from xl_tools.narrative import Heading, Paragraph, Placeholder, build_report, workbook_texts
from xl_tools.jobs.evaluation import evaluate_book, read_book

from xl_tools.workbook.save import save_stable
from xl_tools.workbook.template import ProjectSpec, add_project_sheet

from tests.helpers.cli import fingerprint, no_traceback, xl
from tests.helpers.paths import WORKBOOKS

YUSHUI = "渝水区医保局2022_项目自评.xlsx"
YUZHONG = "渝中区医疗保障局2023_一体化系统导出.xlsx"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}

# seed 004, "2. 预算资金基本使用情况": each project's 预算金额 = 执行金额, 执行率 100%
YUSHUI_BUDGETS = [
    ("医疗救助补助资金项目", "1546.43"),
    ("社会保险基金征缴激励经费项目", "80"),
    ("医疗服务与保障能力提升补助资金项目", "83"),
    ("乡村振兴帮扶资金项目", "3"),
    ("政府购买服务项目", "7.17"),
    ("宣传印刷费项目", "5"),
    ("软件维护费项目", "5"),
    ("三联单印刷费项目", "3.4"),
    ("IC卡制作费项目", "2"),
]
YUSHUI_TOTAL = "1735.00"  # seed: "我单位 2022 年部门预算项目 9 个，资金 1735.00 万元"
# Scores.  The seed states 100 for all nine; the toolkit recomputes 执行率得分 10 (100 % of 10) + the
# indicator scores, all at full weight.  Seven projects' indicator weights add up to 90 → 100.  The seed's
# 三联单印刷费 (20+20+20+20+20) and IC卡制作费 (20+20+20+20+10+10) indicators add up to 100 → 10 + 100 = 110,
# still 优 (≥ 90); the report shows 110 and names the claimed 100.
YUSHUI_SCORES = ["100.00"] * 7 + ["110.00", "110.00"]

# seed 004, "四、绩效目标完成情况总体分析", 1. 医疗救助项目: (indicator, 指标值, 实际完成, 得分) — each at full weight.
# The seed writes "住院救助人次 ≥30000，实际完成30000人次"; the workbook's 计量单位 (D13 人次) gives the target its unit.
YUSHUI_MEDICAL_AID = [
    ("住院救助人次", "≥30000人次", "30000人次", "20"),
    ("资助参保人数", "≥20000人", "20000人", "20"),
    ("门诊救助人次", "≥10000人次", "10000人次", "10"),
    ("住院医疗费用救助比例", "≥70%", "75%", "10"),
    ("门诊医疗费用救助比例", "≥70%", "75%", "10"),
    ("一站式结算率", "≥90%", "100%", "10"),
    ("政策知晓率", "≥95%", "96%", "5"),
    ("救助对象满意度", "≥95%", "96%", "5"),
]

YUSHUI_UNIT = "新余市渝水区医疗保障局"  # 主管部门 B4 of every sheet
YUZHONG_UNIT = "重庆市渝中区医疗保障局"  # B4 "094-重庆市渝中区医疗保障局", code dropped
YUSHUI_TITLE = f"{YUSHUI_UNIT}2022年度项目支出绩效自评报告"  # year A2
YUZHONG_TITLE = f"{YUZHONG_UNIT}2023年度项目支出绩效自评报告"
# seed 004's sections, then 表11
TOP_HEADINGS = ["一、基本情况", "二、绩效自评工作情况", "三、综合评价结论", "四、绩效目标完成情况分析",
                "五、偏离绩效目标的原因和改进措施", "六、绩效自评结果应用和公开情况", "附件：项目绩效自评结果汇总表"]
# what only people can write, each under its heading of seed 004
PLACEHOLDER_SECTIONS = ["1. 项目背景简要情况", "1. 预算资金来源", "（一）绩效评价目的",
                        "（二）绩效评价原则、评价指标体系、评价方法", "（三）绩效评价工作过程", "六、绩效自评结果应用和公开情况"]
TABLE_HEADER = ["序号", "项目名称", "预算数", "执行数", "执行率", "自评得分", "评价等级"]  # 单位：万元 above it


def cents(x: Decimal) -> str:
    return str(x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def amount(x: Decimal) -> str:
    """An amount as 表11 shows it (#,##0.00): 1,546.43."""
    return f"{x.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


# =========================================================================== fixtures


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    for name in (YUSHUI, YUZHONG):
        shutil.copyfile(WORKBOOKS / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def reports(folder: Path) -> dict[str, Path]:
    """Both reports written by the installed command, with its default output names."""
    written = {}
    for name in (YUSHUI, YUZHONG):
        proc = xl("report", name, cwd=folder)
        assert proc.returncode == 0, proc.stderr
        no_traceback(proc)
        target = folder / f"{Path(name).stem}_自评报告.docx"
        assert proc.stdout.strip() == f"报告已写入：{target.name}"
        written[name] = target
    return written


def paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph, in order."""
    return [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]


def section(path: Path, heading: str) -> list[str]:
    """The texts under ``heading`` up to the next heading of the same or a higher level."""
    paras = paragraphs(path)
    start = next(i for i, (_, text) in enumerate(paras) if text == heading)
    level = paras[start][0]
    out = []
    for style, text in paras[start + 1:]:
        if style.startswith("Heading") and style <= level:
            break
        out.append(text)
    return out


def table11(path: Path) -> list[list[str]]:
    tables = docx.Document(str(path)).tables
    assert len(tables) == 1
    return [[cell.text for cell in row.cells] for row in tables[0].rows]


# =========================================================================== structure and wording


def test_headings(reports: dict[str, Path]) -> None:
    paras = paragraphs(reports[YUSHUI])
    assert paras[0] == ("报告标题", YUSHUI_TITLE)
    assert [t for s, t in paras if s == "Heading 1"] == TOP_HEADINGS
    projects = [t for s, t in paras if s == "Heading 2" and re.match(r"（[一二三四五六七八九十]+）.*项目$", t)]
    assert projects == [f"（{n}）{name}" for n, (name, _) in zip("一二三四五六七八九", YUSHUI_BUDGETS)]
    assert paragraphs(reports[YUZHONG])[0] == ("报告标题", YUZHONG_TITLE)


def test_table11_rows_are_the_seeds(reports: dict[str, Path]) -> None:
    assert sum(Decimal(b) for _, b in YUSHUI_BUDGETS) == Decimal(YUSHUI_TOTAL)
    rows = table11(reports[YUSHUI])
    assert rows[0] == TABLE_HEADER
    expected = [[str(i), name, amount(Decimal(b)), amount(Decimal(b)), "100.00%", score, "优"]
                for i, ((name, b), score) in enumerate(zip(YUSHUI_BUDGETS, YUSHUI_SCORES), start=1)]
    assert rows[1:-1] == expected
    assert rows[1][2] == "1,546.43"
    # 序号 and 项目名称 merged under 合计: python-docx reports the merged cell once per grid column
    total = amount(Decimal(YUSHUI_TOTAL))
    assert rows[-1] == ["合计", "合计", total, total, "100.00%", "", ""]
    caption = [t for _, t in paragraphs(reports[YUSHUI]) if t.startswith("表11")]
    assert caption == ["表11 项目绩效自评结果汇总表（2022年度）"]


def test_budget_and_conclusion_sentences(reports: dict[str, Path]) -> None:
    use = section(reports[YUSHUI], "2. 预算资金基本使用情况")
    assert use[0] == "2022年度共 9 个项目，预算总额 1735.00 万元，执行金额 1735.00 万元，预算执行率 100.00%，其中："
    assert use[1] == "1. 医疗救助补助资金项目：预算金额 1546.43 万元，执行金额 1546.43 万元，预算执行率 100.00%；"
    assert use[9] == "9. IC卡制作费项目：预算金额 2.00 万元，执行金额 2.00 万元，预算执行率 100.00%。"
    conclusion = section(reports[YUSHUI], "三、综合评价结论")
    assert conclusion[0] == "经评价，9 个项目评价等级全部为“优”，其中："  # seed: 9 个项目考评等级全部为“优”
    assert conclusion[1] == "1. 医疗救助补助资金项目综合评价得分 100 分，评价等级为“优”；"
    assert conclusion[8] == "8. 三联单印刷费项目综合评价得分 110 分，评价等级为“优”；"
    method = section(reports[YUSHUI], "（二）绩效评价原则、评价指标体系、评价方法")[0]
    # seed 004: 90~100 分（含 90 分）为“优”；80~90 分（含 80 分）为“良”；60~80 分（含 60 分）为“中”；低于 60 分为“差”
    assert "90 分（含）以上为“优”；80（含）～90 分为“良”；60（含）～80 分为“中”；低于 60 分为“差”" in method


def test_indicator_sentences_match_the_seed(reports: dict[str, Path]) -> None:
    texts = section(reports[YUSHUI], "（一）医疗救助补助资金项目")
    assert texts[0] == "预算金额 1546.43 万元，执行金额 1546.43 万元，预算执行率 100.00%，执行率得分 10 分（权重 10 分）。"
    assert texts[1] == "绩效评价指标完成情况："  # the template's 预期目标 (B11) is empty here: no goal line
    last = len(YUSHUI_MEDICAL_AID)
    expected = [f"（{i}）{name}：指标值 {target}，实际完成 {actual}，得分 {score} 分（权重 {score} 分）"
                f"{'。' if i == last else '；'}"
                for i, (name, target, actual, score) in enumerate(YUSHUI_MEDICAL_AID, start=1)]
    assert texts[2:2 + last] == expected
    assert texts[2] == "（1）住院救助人次：指标值 ≥30000人次，实际完成 30000人次，得分 20 分（权重 20 分）；"
    # 10 + (20 + 20 + 10 + 10 + 10 + 10 + 5 + 5) = 10 + 90 = 100
    assert texts[2 + last] == "自评得分 100 分（预算执行率 10 分，绩效指标 90 分），评价等级为“优”。"
    assert texts[2 + last + 1:] == []
    card = section(reports[YUSHUI], "（九）IC卡制作费项目")
    assert card[-1] == ("自评得分 110 分（预算执行率 10 分，绩效指标 100 分），评价等级为“优”；"
                        "表中填报的自评得分为 100 分，与按规则计算的结果不同。")


def test_export_tables_put_operator_target_and_unit_together(reports: dict[str, Path]) -> None:
    """Seed 000's export keeps 指标性质 (C), 指标值 (D) and 计量单位 (B) apart; the sentence joins them."""
    aid = section(reports[YUZHONG], "（二）医疗救助专项经费（残保金）")
    # A12/D12: the goal; C15 ≥, D15 14500, E15 14500, B15 人, H15 12, I15 12
    assert aid[1] == "绩效目标：落实城市低保对象等八类群体约1.6万人的医疗保险参保资助、门诊医疗救助及住院医疗救助工作。"
    assert aid[3] == "（1）参保资助人数：指标值 ≥14500人，实际完成 14500人，得分 12 分（权重 12 分）；"
    assert aid[7] == "（5）区内医疗救助对象参保：指标值 =100%，实际完成 100%，得分 15 分（权重 15 分）；"  # C19 is "＝"
    basics = section(reports[YUZHONG], "1. 预算资金来源")
    # 部门整体 C7 125,738,993.70 元 = 12573.90 万元, not counted with the projects
    assert "另有部门整体绩效自评表「重庆市渝中区医疗保障局整体」：预算金额 12573.90 万元" in basics[1]
    # K20 is the only 说明 of the workbook: 门诊救助人次数 85206 against ≥ 60000, full marks
    other = section(reports[YUZHONG], "（二）完成值偏离指标值的其他情况")
    assert other == [("（1）重庆市渝中区医疗保障局整体「医疗救助门诊救助人次数」：指标值 ≥60000人次，实际完成 85206人次，"
                      "得分 10 分（权重 10 分）。说明：救助人次高于目标值。")]


# =========================================================================== 表11 traced to the cells


def _cells(ws) -> dict[str, tuple[int, int]]:
    """Stripped text → (row, column) of its first cell."""
    found: dict[str, tuple[int, int]] = {}
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str):
                found.setdefault(c.value.strip().rstrip("：:"), (c.row, c.column))
    return found


def _amount(value: object, per_wan: Decimal) -> Decimal:
    return Decimal(str(value).replace(",", "")) / per_wan


def _template_figures(ws) -> tuple[str, Decimal, Decimal, Decimal]:
    """Toolkit template, 万元: 年度资金总额 row under 全年预算数/全年执行数/分值; 指标得分 until 总分."""
    at = _cells(ws)
    name = ws.cell(at["项目名称"][0], at["项目名称"][1] + 1).value
    row = at["年度资金总额"][0]
    budget = _amount(ws.cell(row, at["全年预算数"][1]).value, Decimal(1))
    executed = _amount(ws.cell(row, at["全年执行数"][1]).value, Decimal(1))
    exec_weight = Decimal(str(ws.cell(row, at["分值"][1]).value))
    head, col = at["指标得分"]
    end = at["总分"][0]
    scores = sum(Decimal(str(ws.cell(r, col).value)) for r in range(head + 1, end))
    return name, budget, executed, exec_weight * min(executed / budget, Decimal(1)) + scores


def _export_figures(ws) -> tuple[str, Decimal, Decimal, Decimal]:
    """Budget-system export, 元 (seed 000): 年度总金额 row; 执行率得分 as text "10.00"; 指标得分 to the end."""
    at = _cells(ws)
    name = ws.cell(at["项目名称"][0], at["项目名称"][1] + 1).value
    row = at["年度总金额"][0]
    budget = _amount(ws.cell(row, at["全年（调整）预算数"][1]).value, Decimal(10000))
    executed = _amount(ws.cell(row, at["全年执行数"][1]).value, Decimal(10000))
    col = at["执行率得分"][1]
    exec_score = next(Decimal(str(ws.cell(r, col).value)) for r in range(row, row + 3) if ws.cell(r, col).value)
    head, col = at["指标得分"]
    scores = sum(Decimal(str(ws.cell(r, col).value)) for r in range(head + 1, ws.max_row + 1)
                 if ws.cell(r, col).value is not None)
    return name, budget, executed, exec_score + scores


def _grade(score: Decimal) -> str:
    return "优" if score >= 90 else "良" if score >= 80 else "中" if score >= 60 else "差"


@pytest.mark.parametrize("name", [YUSHUI, YUZHONG])
def test_every_table11_number_traces_to_workbook_cells(reports: dict[str, Path], name: str) -> None:
    wb = openpyxl.load_workbook(WORKBOOKS / name, data_only=True)
    if name == YUSHUI:
        figures = [_template_figures(ws) for ws in wb.worksheets if ws.title != "参数"]
    else:  # 部门整体 is no project: it is not a row of 表11
        figures = [_export_figures(ws) for ws in wb.worksheets if "部门整体" not in str(ws["A1"].value)]
    expected = [[str(i), project, amount(budget), amount(executed), f"{cents(executed / budget * 100)}%",
                 cents(score), _grade(score)]
                for i, (project, budget, executed, score) in enumerate(figures, start=1)]
    rows = table11(reports[name])
    assert rows[1:-1] == expected
    budget = sum(f[1] for f in figures)  # unrounded amounts, rounded once for the 合计
    executed = sum(f[2] for f in figures)
    assert rows[-1][2:5] == [amount(budget), amount(executed), f"{cents(executed / budget * 100)}%"]
    if name == YUZHONG:  # seed 000: 20,040,000.00 + 14,130,000.00 + 1,460,000.00 元 = 3563.00 万元
        assert [r[2] for r in rows[1:]] == ["2,004.00", "1,413.00", "146.00", "3,563.00"]


# =========================================================================== deviations


def test_indicators_below_their_weight_are_listed_with_the_forms_explanation(tmp_path: Path) -> None:
    """Two indicators of 医疗救助补助资金 fall short; one has its 偏差原因分析及改进措施 (M13), one has none.

    By hand (完成值/指标值 × 权重, the ratio rule): 住院救助人次 27000/30000 × 20 = 18 (−2),
    资助参保人数 18000/20000 × 20 = 18 (−2); total 10 + 90 − 4 = 96, still 优.
    """
    path = tmp_path / YUSHUI
    shutil.copyfile(WORKBOOKS / YUSHUI, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["医疗救助补助资金"]
    ws["G13"], ws["M13"] = "27000人次", "受疫情影响住院人数减少，下年加强政策宣传"
    ws["G14"] = "18000人"
    wb.save(path)
    book = read_book(path)
    evaluation = evaluate_book(book)
    report = build_report(evaluation.scored, evaluation.tables, workbook_texts(book, evaluation.forms))
    texts = [b.text for b in report.blocks if isinstance(b, (Heading, Paragraph, Placeholder))]
    start = texts.index("（一）未达到绩效目标的指标")
    assert texts[start + 1:start + 5] == [
        "共 2 个指标得分低于权重：",
        ("（1）医疗救助补助资金项目「住院救助人次」：指标值 ≥30000人次，实际完成 27000人次，得分 18 分（权重 20 分），"
         "扣 2 分。偏差原因分析及改进措施：受疫情影响住院人数减少，下年加强政策宣传。"),
        ("（2）医疗救助补助资金项目「资助参保人数」：指标值 ≥20000人，实际完成 18000人，得分 18 分（权重 20 分），"
         "扣 2 分。"),
        "【请填写：医疗救助补助资金项目「资助参保人数」未达到目标的原因和改进措施（自评表中未填写）】",
    ]
    assert "自评得分 96 分（预算执行率 10 分，绩效指标 86 分），评价等级为“优”；表中填报的自评得分为 100 分，与按规则计算的结果不同。" in texts
    # the missing explanation is also one of the toolkit's findings, on that row's 说明 cell
    missing = [(f.sheet, f.cell) for f in evaluation.scored.all_findings() if f.code == "EXPLANATION_MISSING"]
    assert ("医疗救助补助资金", "M14") in missing and ("医疗救助补助资金", "M13") not in missing
    assert report.title in report.text() and "扣 2 分" in report.text()


def test_no_deviation_says_so(reports: dict[str, Path]) -> None:
    assert section(reports[YUSHUI], "（一）未达到绩效目标的指标") == ["无。各项目绩效指标均得满分。"]  # seed: 无


# =========================================================================== the Word file itself


def _style_fonts(styles: etree._Element) -> dict[str, tuple[str | None, str | None, dict[str, str]]]:
    """styleId → (basedOn, eastAsia font, all rFonts attributes)."""
    out = {}
    for st in styles.iterfind("w:style", NS):
        based = st.find("w:basedOn", NS)
        rfonts = st.find("w:rPr/w:rFonts", NS)
        attrs = {etree.QName(k).localname: v for k, v in (rfonts.attrib.items() if rfonts is not None else [])}
        out[st.get(f"{{{W}}}styleId")] = (based.get(f"{{{W}}}val") if based is not None else None,
                                          attrs.get("eastAsia"), attrs)
    return out


def test_east_asian_fonts_are_named_in_the_xml(reports: dict[str, Path]) -> None:
    with zipfile.ZipFile(reports[YUSHUI]) as zf:
        styles = etree.fromstring(zf.read("word/styles.xml"))
        document = etree.fromstring(zf.read("word/document.xml"))
    fonts = _style_fonts(styles)
    assert fonts["Normal"][1] == "宋体" and fonts["Heading1"][1] == "黑体" and fonts["Heading2"][1] == "黑体"
    for style_id in ("Normal", "Heading1", "Heading2"):
        assert not [k for k in fonts[style_id][2] if "Theme" in k or k == "cstheme"], fonts[style_id]
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert defaults.get(f"{{{W}}}eastAsia") == "宋体" and defaults.get(f"{{{W}}}eastAsiaTheme") is None

    def east_asia(style_id: str) -> str | None:
        while style_id:
            based, font, _ = fonts[style_id]
            if font:
                return font
            style_id = based
        return None

    used = {p.get(f"{{{W}}}val") for p in document.iter(f"{{{W}}}pStyle")} | {"Normal"}
    body = ("Normal", "Heading3", "待填写")  # 1. … headings: 宋体 bold under the 黑体 ones
    assert {s: east_asia(s) for s in used} == {s: ("宋体" if s in body or "正文" in s else "黑体") for s in used}
    assert not document.xpath("//w:rFonts[@w:eastAsiaTheme]", namespaces=NS)
    section = docx.Document(str(reports[YUSHUI])).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert document.xpath("//w:tblStyle/@w:val", namespaces=NS) == ["TableGrid"]
    assert document.xpath("//w:tblHeader", namespaces=NS)  # the header row repeats on a new page


def test_writer_replaces_a_previous_report_whole(tmp_path: Path) -> None:
    book = read_book(WORKBOOKS / YUZHONG)
    evaluation = evaluate_book(book)
    report = build_report(evaluation.scored, evaluation.tables, workbook_texts(book, evaluation.forms))
    target = tmp_path / "报告.docx"
    target.write_bytes(b"old")
    assert write_docx(report, target) == target
    assert docx.Document(str(target)).paragraphs[0].text == YUZHONG_TITLE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告.docx"]  # no .part left behind


# =========================================================================== the command


@pytest.mark.parametrize("spelling", ["same", "dot_slash", "absolute"])
def test_report_refuses_to_overwrite_its_input(tmp_path: Path, spelling: str) -> None:
    source = tmp_path / YUZHONG
    shutil.copyfile(WORKBOOKS / YUZHONG, source)
    out = {"same": source.name, "dot_slash": f"./{source.name}", "absolute": str(source)}[spelling]
    before = fingerprint(source)
    proc = xl("report", source.name, "-o", out, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["错误：输出文件不能与输入文件相同；请用 -o 指定另一个文件名"]
    no_traceback(proc)
    assert fingerprint(source) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [YUZHONG]


def test_report_errors_are_one_chinese_line(tmp_path: Path) -> None:
    shutil.copyfile(WORKBOOKS / YUZHONG, tmp_path / YUZHONG)
    proc = xl("report", YUZHONG, "-o", "报告.pdf", cwd=tmp_path)
    assert proc.returncode == 2 and "报告只能保存为 .docx" in proc.stderr
    proc = xl("report", "没有这个文件.xlsx", cwd=tmp_path)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1 and "文件不存在" in proc.stderr
    no_traceback(proc)
    proc = xl("report", YUZHONG, "-o", "子文件夹/报告.docx", cwd=tmp_path)
    assert proc.returncode == 0 and (tmp_path / "子文件夹" / "报告.docx").exists()
    assert proc.stdout.strip() == f"报告已写入：{Path('子文件夹') / '报告.docx'}"


# =========================================================================== values, words and gaps

QIJIANG_FIRST = "城乡居民医疗保险基金区级补助（预安排）"
QIJIANG_UNIT = "重庆市綦江区医疗保障局"
# seed 001, the first target table (50011021T000000048979): 当年预算 2,952.00 万元; indicators
# (一级, 二级, 三级, 权重, 计量单位, 指标性质, 指标值).  The 完成值 are the unit's at the year's end: 资金及时划拨
# typed as 0.96 in a per-cent cell (Excel shows 96%), 增收参保费 not filled in yet, the rest as the targets.
QIJIANG_INDICATORS = [
    ("产出指标", "质量指标", "资金及时划拨", 10, "%", "≥", 95, 0.96),
    ("效益指标", "经济效益指标", "财政投入", 20, "万元", "≥", 2952, 2952),
    ("效益指标", "经济效益指标", "增收参保费", 10, "万元", "≥", 50, None),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度（%）", 10, "%", "≥", 95, 95),
    ("产出指标", "时效指标", "按时发放率", 10, "%", "≥", 95, 95),
    ("产出指标", "数量指标", "参保人数", 30, "万人", "≥", 64, 64),
]
CELL_ADDRESS = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,3}[1-9][0-9]{0,6}(?![A-Za-z0-9])")  # G15, D6, AB1024


def qijiang_first_project(path: Path) -> Path:
    """Seed 001's first project in the toolkit's template, its 全年执行数 not filled in yet."""
    wb = Workbook()
    wb.remove(wb.active)
    indicators = [dict(level1=l1, level2=l2, name=name, weight=w, unit=unit, op=op, target=target, actual=actual)
                  for l1, l2, name, w, unit, op, target, actual in QIJIANG_INDICATORS]
    spec = ProjectSpec(name=QIJIANG_FIRST, code="50011021T000000048979", department=QIJIANG_UNIT,
                       unit="重庆市綦江区医疗保障局（本级）", year=2023, funds={"年度资金总额": (2952, 2952, None)},
                       indicators=indicators)
    ws = add_project_sheet(wb, "项目1", spec)
    ws["G13"].number_format = "0%"  # 0.96 shown as 96%
    return save_stable(wb, path)


@pytest.fixture(scope="module")
def qijiang_report(folder: Path) -> Path:
    source = qijiang_first_project(folder / "綦江区2023_首个项目.xlsx")
    proc = xl("report", source.name, "-o", "綦江报告.docx", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    return folder / "綦江报告.docx"


def test_values_carry_the_units_the_form_states(qijiang_report: Path) -> None:
    """2952 under 计量单位 万元 is 2952万元 (not 2952元), 64 under 万人 is 64万人, 0.96 in a per-cent cell is 96%."""
    texts = section(qijiang_report, f"（一）{QIJIANG_FIRST}")
    assert texts[2:8] == [
        "（1）资金及时划拨：指标值 ≥95%，实际完成 96%，得分 10 分（权重 10 分）；",
        "（2）财政投入：指标值 ≥2952万元，实际完成 2952万元，得分 20 分（权重 20 分）；",
        "（3）增收参保费：指标值 ≥50万元，全年完成值未填写，暂未计分；",
        "（4）服务对象满意度（%）：指标值 ≥95%，实际完成 95%，得分 10 分（权重 10 分）；",
        "（5）按时发放率：指标值 ≥95%，实际完成 95%，得分 10 分（权重 10 分）；",
        "（6）参保人数：指标值 ≥64万人，实际完成 64万人，得分 30 分（权重 30 分）。",
    ]


def test_missing_figures_are_said_in_words(qijiang_report: Path) -> None:
    texts = section(qijiang_report, f"（一）{QIJIANG_FIRST}")
    assert texts[0] == "预算金额 2952.00 万元，全年执行数未填写。"
    assert texts[-1] == "该表有 1 个指标未填写全年完成值，暂未计算得分。"
    use = section(qijiang_report, "2. 预算资金基本使用情况")
    assert use == ["2023年度共 1 个项目，预算总额 2952.00 万元，全年执行数未填写，其中：",
                   f"1. {QIJIANG_FIRST}：预算金额 2952.00 万元，全年执行数未填写。"]
    assert section(qijiang_report, "三、综合评价结论") == [
        "经评价，1 个项目中尚未评定等级的 1 个，其中：", f"1. {QIJIANG_FIRST}有 1 个指标未填写全年完成值，暂未计算得分。"]
    assert not [t for _, t in paragraphs(qijiang_report) if "—" in t]


def test_form_errors_are_summarised_in_plain_words(qijiang_report: Path) -> None:
    """The workbook's findings (EXECUTED_MISSING on E6, ACTUAL_MISSING on G15) counted by kind: no cells, no
    instructions meant for the workbook, no commands."""
    assert section(qijiang_report, "（二）自评表需要更正的问题") == [
        "自评表中尚有 2 处需要更正（本报告的得分已按规则重新计算，可能与表中填报的不同）：",
        f"（1）缺少执行数：1 处，涉及「{QIJIANG_FIRST}」。",
        f"（2）缺少完成值：1 处，涉及「{QIJIANG_FIRST}」。",
    ]


def test_qualitative_targets_read_as_sentences(reports: dict[str, Path]) -> None:
    """Seed 004: "服务及时性提高，得分20分", "医保支付方式改革逐步推进，得分10分" — target and actual are both
    达成预期指标 in the workbook."""
    texts = section(reports[YUSHUI], "（二）社会保险基金征缴激励经费项目")
    sentences = [re.sub(r"^（\d+）", "", t) for t in texts if "服务及时性提高" in t or "医保服务能力明显提升" in t]
    assert sentences == ["服务及时性提高：目标为达成预期指标，实际已达成，得分 20 分（权重 20 分）；",
                         "医保服务能力明显提升：目标为达成预期指标，实际已达成，得分 10 分（权重 10 分）；"]


@pytest.mark.parametrize("name", [YUSHUI, YUZHONG, "qijiang"])
def test_no_cells_commands_or_working_file_names(reports: dict[str, Path], qijiang_report: Path, name: str) -> None:
    path = qijiang_report if name == "qijiang" else reports[name]
    doc = docx.Document(str(path))
    texts = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells]
    for text in texts:
        assert not CELL_ADDRESS.search(text), text
        assert not re.search(r"xl-tools|xl_tools|\.xls|_自评结果|请填写数字|请修正|运行 ", text), text


def test_placeholders_are_there_and_marked(reports: dict[str, Path]) -> None:
    """Seed 004's sections only people can write: under their headings, bracketed, in their own style, highlighted."""
    doc = docx.Document(str(reports[YUSHUI]))
    paras = doc.paragraphs
    headings = [p.text for p in paras if p.style.name.startswith("Heading")]
    for heading in PLACEHOLDER_SECTIONS:
        assert heading in headings
        marked = [p for p in _under(paras, heading) if p.style.name == "待填写"]
        assert len(marked) == 1, heading
        assert re.fullmatch(r"【请填写：.+】", marked[0].text), marked[0].text
        assert [r.font.highlight_color for r in marked[0].runs] == [WD_COLOR_INDEX.YELLOW]
    # the template's 预期目标 (B11) is empty in every 渝水 sheet: the goals are asked for; 渝中's export has them
    goals = [p.text for p in _under(paras, "2. 绩效目标")]
    assert goals == ["【请填写：「医疗救助补助资金项目」、「社会保险基金征缴激励经费项目」、「医疗服务与保障能力提升补助资金项目」、"
                     "「乡村振兴帮扶资金项目」、「政府购买服务项目」等的年度绩效目标（自评表中未填写）】"]
    yuzhong = docx.Document(str(reports[YUZHONG])).paragraphs
    assert [p.style.name for p in _under(yuzhong, "2. 绩效目标")] == ["报告正文"] * 3


def _under(paras: list, heading: str) -> list:
    """The paragraphs after ``heading`` up to the next heading."""
    start = next(i for i, p in enumerate(paras) if p.text == heading)
    out = []
    for p in paras[start + 1:]:
        if p.style.name.startswith("Heading"):
            break
        out.append(p)
    return out


def test_table11_numbers_keep_to_one_line(reports: dict[str, Path]) -> None:
    """Fixed column widths within the text width (156 mm) and no-wrap on every number cell; the PDF test below
    reads them back whole."""
    with zipfile.ZipFile(reports[YUSHUI]) as zf:
        document = etree.fromstring(zf.read("word/document.xml"))
    table = document.find(".//w:tbl", NS)
    assert table.find("w:tblPr/w:tblLayout", NS).get(f"{{{W}}}type") == "fixed"
    widths = [int(g.get(f"{{{W}}}w")) for g in table.iterfind("w:tblGrid/w:gridCol", NS)]
    assert sum(widths) <= 156 * 1440 / 25.4 + len(widths)  # twips
    rows = table.findall("w:tr", NS)
    numeric = (0, 2, 3, 4, 5)  # 序号, 预算数, 执行数, 执行率, 自评得分
    for row in rows[1:-1]:
        cells = row.findall("w:tc", NS)
        assert [c.find("w:tcPr/w:noWrap", NS) is not None for c in cells] == [i in numeric for i in range(7)]


def test_document_properties_name_the_unit_and_the_time_of_writing(tmp_path: Path) -> None:
    """Read from the package's XML (not through python-docx): no 2013, no Mac Word, no template leftovers."""
    book = read_book(WORKBOOKS / YUZHONG)
    evaluation = evaluate_book(book)
    report = build_report(evaluation.scored, evaluation.tables, workbook_texts(book, evaluation.forms))
    written = datetime.datetime(2024, 3, 29, 10, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    first, second = tmp_path / "1.docx", tmp_path / "2.docx"
    write_docx(report, first, now=written)
    write_docx(report, second, now=written)
    with zipfile.ZipFile(first) as zf:
        core, app, names = zf.read("docProps/core.xml"), zf.read("docProps/app.xml"), zf.namelist()
    with zipfile.ZipFile(second) as zf:
        assert zf.read("docProps/core.xml") == core and zf.read("docProps/app.xml") == app  # reproducible
    props = {etree.QName(el).localname: el.text for el in etree.fromstring(core)}
    assert props["title"] == YUZHONG_TITLE
    assert props["creator"] == props["lastModifiedBy"] == YUZHONG_UNIT
    assert props["created"] == props["modified"] == "2024-03-29T02:30:00Z"  # 10:30 in Beijing, in UTC
    assert props["revision"] == "1"
    assert not any(props.get(k) for k in ("keywords", "description", "category", "subject"))
    assert b"Macintosh" not in app and b"python-docx" not in app and b"Normal.dotm" not in app
    assert YUZHONG_UNIT.encode() in app
    assert not [n for n in names if "thumbnail" in n]
    with zipfile.ZipFile(first) as zf:
        assert b'w:eastAsia="ja-JP"' not in zf.read("word/settings.xml")


def test_the_command_dates_the_report_now(reports: dict[str, Path]) -> None:
    with zipfile.ZipFile(reports[YUSHUI]) as zf:
        core = etree.fromstring(zf.read("docProps/core.xml"))
    created = core.find("{http://purl.org/dc/terms/}created").text
    when = datetime.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    assert abs(datetime.datetime.now(datetime.timezone.utc) - when) < datetime.timedelta(hours=1)
    assert core.find("{http://purl.org/dc/elements/1.1/}creator").text == YUSHUI_UNIT


# =========================================================================== PDF through LibreOffice


def test_pdf_shows_the_chinese_text(reports: dict[str, Path], tmp_path: Path) -> None:
    """LibreOffice lays the .docx out; pdftotext reading the title back proves CJK glyphs, not tofu."""
    pdf, = convert_many([reports[YUSHUI]], "pdf", tmp_path / "pdf", task="把报告转为 PDF ")
    assert pdf is not None, "LibreOffice could not convert the .docx: is libreoffice-writer installed?"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert YUSHUI_TITLE in flat
    assert "医疗救助补助资金项目" in flat and "表11项目绩效自评结果汇总表" in flat
    assert "\ufffd" not in text
    # 表11's numbers on one line each (the text in the body writes amounts without separators, scores without .00)
    words = text.split()
    for number in ["1,546.43", "1,735.00", "110.00", *(amount(Decimal(b)) for _, b in YUSHUI_BUDGETS)]:
        assert number in words, number
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    listed = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in listed
