"""`xl-tools report`: the narrative 绩效自评报告 (.docx), read back with python-docx and lxml, and its PDF.

Expected figures come from seed 004 (copied in here: the 渝水区 2022 report typed by hand, whose nine
projects the workbook 渝水区医保局2022_项目自评.xlsx holds in the toolkit template), from the workbook
cells read here with openpyxl, or from the hand computation written next to them; never from running
the code under test.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from lxml import etree

from xl_tools.adapters.docx_report import write_docx
from xl_tools.adapters.libreoffice import convert_many
from xl_tools.narrative import Heading, Paragraph, build_report, workbook_texts
from xl_tools.jobs.evaluation import evaluate_book, read_book

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

# seed 004, "四、绩效目标完成情况总体分析", 1. 医疗救助项目: (indicator, 指标值, 实际完成, 得分) — each at full weight
YUSHUI_MEDICAL_AID = [
    ("住院救助人次", "≥30000", "30000人次", "20"),
    ("资助参保人数", "≥20000", "20000人", "20"),
    ("门诊救助人次", "≥10000", "10000人次", "10"),
    ("住院医疗费用救助比例", "≥70%", "75%", "10"),
    ("门诊医疗费用救助比例", "≥70%", "75%", "10"),
    ("一站式结算率", "≥90%", "100%", "10"),
    ("政策知晓率", "≥95%", "96%", "5"),
    ("救助对象满意度", "≥95%", "96%", "5"),
]

YUSHUI_TITLE = "2022年度新余市渝水区医疗保障局项目绩效自评总报告"  # year A2, 主管部门 B4 of every sheet
YUZHONG_TITLE = "2023年度重庆市渝中区医疗保障局项目绩效自评总报告"  # B4 "094-重庆市渝中区医疗保障局", code dropped
TOP_HEADINGS = ["一、基本情况", "二、绩效自评工作情况", "三、综合评价结论", "四、绩效目标完成情况分析",
                "五、偏离绩效目标的原因和改进措施", "六、项目绩效自评结果汇总表"]
TABLE_HEADER = ["序号", "项目名称", "预算数(万元)", "执行数(万元)", "执行率", "自评得分", "评价等级"]


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
    use = section(reports[YUSHUI], "（二）预算资金使用情况")
    assert use[0] == "2022年度共 9 个项目，预算总额 1735.00 万元，执行金额 1735.00 万元，预算执行率 100.00%，其中："
    assert use[1] == "1. 医疗救助补助资金项目：预算金额 1546.43 万元，执行金额 1546.43 万元，预算执行率 100.00%；"
    assert use[9] == "9. IC卡制作费项目：预算金额 2.00 万元，执行金额 2.00 万元，预算执行率 100.00%。"
    conclusion = section(reports[YUSHUI], "三、综合评价结论")
    assert conclusion[0] == "经评价，9 个项目评价等级全部为“优”，其中："  # seed: 9 个项目考评等级全部为“优”
    assert conclusion[1] == "1. 医疗救助补助资金项目综合评价得分 100 分，评价等级为“优”；"
    assert conclusion[8] == "8. 三联单印刷费项目综合评价得分 110 分，评价等级为“优”；"
    method = section(reports[YUSHUI], "二、绩效自评工作情况")[0]
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
    assert texts[2] == "（1）住院救助人次：指标值 ≥30000，实际完成 30000人次，得分 20 分（权重 20 分）；"
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
    basics = section(reports[YUZHONG], "（一）项目基本情况")
    # 部门整体 C7 125,738,993.70 元 = 12573.90 万元, not counted with the projects
    assert "另有部门整体绩效自评表「重庆市渝中区医疗保障局整体」：全年预算数 12573.90 万元" in basics[1]
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
    texts = [b.text for b in report.blocks if isinstance(b, (Heading, Paragraph))]
    start = texts.index("（一）未达到绩效目标的指标")
    assert texts[start + 1:start + 4] == [
        "共 2 个指标得分低于权重：",
        ("（1）医疗救助补助资金项目「住院救助人次」：指标值 ≥30000，实际完成 27000人次，得分 18 分（权重 20 分），"
         "扣 2 分。偏差原因分析及改进措施：受疫情影响住院人数减少，下年加强政策宣传。"),
        ("（2）医疗救助补助资金项目「资助参保人数」：指标值 ≥20000，实际完成 18000人，得分 18 分（权重 20 分），"
         "扣 2 分。表中未填写偏差原因分析及改进措施。"),
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
    assert {s: east_asia(s) for s in used} == {s: ("宋体" if s == "Normal" or "正文" in s else "黑体") for s in used}
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
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    listed = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in listed
