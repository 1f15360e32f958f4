"""Every bad input tried, run through ``xl-tools validate`` (Click's runner: tests/helpers/cli.py).

``CASES`` is the catalogue: one real file per row, built here, and what must
come out (exit code, and a finding code with its sheet!cell or a message
fragment).  ``docs/bad-inputs.md`` is rendered from the actual outputs and
compared with the committed file, so the document cannot drift; set
``XL_TOOLS_UPDATE_DOCS=1`` to rewrite it.  A file-level case (a new format
sniffed, a password needed) is one more row with its own builder.

The base form is an export-like table with 一级/二级 columns whose figures by hand:
全年预算数 100 万元, 全年执行数 90 → 执行率 90 %, 执行率得分 10 × 90 % = 9;
five indicators all met, weights 20 + 15 + 15 + 30 + 10 = 90 (产出 50, 效益 30,
满意度 10); total 9 + 90 = 99, which the form claims.  It validates clean.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

from xl_tools.jobs.score import score

from tests.helpers.cli import xl
from tests.helpers.files import encrypt_xlsx, enormous_book, soffice_convert
from tests.helpers.paths import REPO

DOC = REPO / "docs" / "bad-inputs.md"
SHEET = "自评表"
FILE = "自评表.xlsx"

Edit = Callable[[Workbook], None]
Builder = Callable[[Path], Path]

# Where the base form keeps things (row 2 the name and claimed total, rows 6-8 the funds, 11-15 indicators):
#   自评总分 I2 · 年初预算数 B · 全年预算数 C · 全年执行数 D · 执行率权重 F6 · 年度资金总额 row 6, parts 7 and 8
#   indicators: 一级 A, 二级 B, 名称 C, 计量单位 D, 指标性质 E, 指标值 F, 全年完成值 G, 指标权重 J, 指标得分 K
FUNDS = [("年度资金总额", 100, 100, 90), ("其中：财政拨款", 80, 80, 70), ("其他资金", 20, 20, 20)]
INDICATORS = [
    ("产出指标", "数量指标", "参保人数", "人", "≥", 1000, 1000, 20),
    ("产出指标", "质量指标", "业务办结率", "%", "＝", 100, 100, 15),
    ("产出指标", "时效指标", "资金拨付及时率", "%", "≥", 95, 98, 15),
    ("效益指标", "社会效益指标", "医疗保险参保率", "%", "≥", 96, 97, 30),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "%", "≥", 90, 95, 10),
]
HEADER = ("一级指标", "二级指标", "指标名称", "计量单位", "指标性质", "指标值", "全年完成值", "偏离度（%）",
          "得分系数（%）", "指标权重", "指标得分", "说明")


def base_form(wb: Workbook) -> None:
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = "2023年度项目支出绩效自评表"
    for ref, value in (("A2", "项目名称："), ("B2", "医保经办服务项目"), ("E2", "项目编码："), ("F2", "P001"),
                       ("H2", "自评总分："), ("I2", 99), ("A3", "单位：万元"), ("A4", "资金情况")):
        ws[ref] = value
    for col, label in enumerate(("", "年初预算数", "全年（调整）预算数", "全年执行数", "执行率", "执行率权重",
                                 "执行率得分"), start=1):
        ws.cell(5, col, label or None)
    for row, values in enumerate(FUNDS, start=6):
        for col, value in enumerate(values, start=1):
            ws.cell(row, col, value)
    ws["F6"] = 10
    ws["A9"] = "绩效指标"
    for col, label in enumerate(HEADER, start=1):
        ws.cell(10, col, label)
    for row, (level1, level2, name, unit, op, target, actual, weight) in enumerate(INDICATORS, start=11):
        for col, value in zip("ABCDEFGJK", (level1, level2, name, unit, op, target, actual, weight, weight)):
            ws[f"{col}{row}"] = value


def form_file(*edits: Edit, name: str = FILE) -> Builder:
    """A builder of the base form with ``edits`` applied, saved as ``name`` in the case's folder."""

    def build(folder: Path) -> Path:
        wb = openpyxl.Workbook()
        base_form(wb)
        for edit in edits:
            edit(wb)
        path = folder / name
        wb.save(path)
        return path

    return build


def put(**cells: object) -> Edit:
    """Write values into the form's sheet; a text starting with "=" is a formula (saved without its result)."""
    def edit(wb: Workbook) -> None:
        for ref, value in cells.items():
            wb[SHEET][ref] = value
    return edit


def merge(ref: str) -> Edit:
    return lambda wb: wb[SHEET].merge_cells(ref)


def hide_rows(*rows: int) -> Edit:
    def edit(wb: Workbook) -> None:
        for row in rows:
            wb[SHEET].row_dimensions[row].hidden = True
    return edit


def empty_sheet(title: str) -> Edit:
    return lambda wb: wb.create_sheet(title)


def hide_form_sheet(wb: Workbook) -> None:
    wb.create_sheet("封面")["A1"] = "2023年度绩效自评材料"  # a workbook needs one visible sheet
    wb[SHEET].sheet_state = "hidden"


def params_naming(rule_set: str) -> Edit:
    """A 参数 sheet whose rule_set row (A1) names ``rule_set`` in its 本工作簿取值 column (D)."""
    def edit(wb: Workbook) -> None:
        ws = wb.create_sheet("参数")
        ws["A1"], ws["D1"] = "rule_set", rule_set
    return edit


def only_empty_sheets(folder: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.create_sheet("Sheet2")
    path = folder / FILE
    wb.save(path)
    return path


def truncated_zip(folder: Path) -> Path:
    whole = form_file()(folder)
    whole.write_bytes(whole.read_bytes()[:2000])
    return whole


def bytes_file(name: str, data: bytes) -> Builder:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path
    return build


def docx_like(folder: Path) -> Path:
    path = folder / "自评报告.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return path


def encrypted(folder: Path) -> Path:
    plain = form_file()(folder)
    return encrypt_xlsx(plain, folder / "加密自评表.xlsx", "自评-Pw#2023")


def saved_as_xls(folder: Path) -> Path:
    return soffice_convert(form_file()(folder), "xls", folder)


def xlsx_named_xls(folder: Path) -> Path:
    return form_file()(folder).rename(folder / "自评表.xls")


def enormous(folder: Path) -> Path:
    # 300,000 rows × 11 columns = 3.3 million cells of used range; real forms have a few hundred
    return enormous_book(folder / "明细.xlsx", 300_000)


@dataclass(frozen=True)
class Case:
    id: str
    description: str
    """The bad input, in Chinese, as the catalogue shows it."""
    build: Builder
    exit_code: int
    expect: tuple[str, ...]
    """Fragments every one of which the output must contain: "CODE 表!单元格" for a finding, or message words."""


def at(code: str, cell: str | None = None) -> str:
    """How the text report starts a finding's line after its level: code and sheet!cell."""
    return f"{code} {SHEET}!{cell}" if cell else f"{code} {SHEET}"


CASES = [
    # ---------------------------------------------------------------- sheets
    Case("empty_sheet_beside_form", "自评表旁有一张空工作表", form_file(empty_sheet("Sheet2")), 0,
         ("SHEET_EMPTY Sheet2", "已跳过")),
    Case("only_empty_sheets", "工作簿中只有空工作表", only_empty_sheets, 2, ("工作表都是空的",)),
    Case("hidden_sheet", "自评表所在的工作表被隐藏", form_file(hide_form_sheet), 0, (at("SHEET_HIDDEN"),)),
    Case("hidden_rows", "两个指标所在的行被隐藏", form_file(hide_rows(12, 13)), 0,
         (at("ROWS_HIDDEN", "C12"), "第 12、13 行")),
    Case("merged_actual", "全年完成值列一个合并单元格跨两个指标", form_file(merge("G13:G14")), 0,
         (at("MERGED_ACROSS_INDICATORS", "G13"), "G13:G14")),
    Case("merged_weight", "指标权重列一个合并单元格跨两个指标（权重合计随之改变）", form_file(merge("J13:J14")), 1,
         (at("MERGED_ACROSS_INDICATORS", "J13"), "J13:J14", at("WEIGHT_TOTAL"))),
    # ---------------------------------------------------------------- Excel error values
    Case("error_div0_actual", "全年完成值是 #DIV/0!", form_file(put(G11="#DIV/0!")), 1,
         (at("CELL_ERROR_VALUE", "G11"), "#DIV/0!")),
    Case("error_na_target", "指标值是 #N/A（VLOOKUP 没找到）", form_file(put(F12="#N/A")), 1,
         (at("CELL_ERROR_VALUE", "F12"), "#N/A")),
    Case("error_value_weight", "指标权重是 #VALUE!", form_file(put(J13="#VALUE!")), 1,
         (at("CELL_ERROR_VALUE", "J13"), "#VALUE!")),
    Case("error_ref_budget", "年度资金总额的全年预算数是 #REF!", form_file(put(C6="#REF!")), 1,
         (at("CELL_ERROR_VALUE", "C6"), "#REF!")),
    Case("error_name_score", "指标得分是 #NAME?", form_file(put(K14="#NAME?")), 1,
         (at("CELL_ERROR_VALUE", "K14"), "#NAME?")),
    Case("error_num_total", "自评总分是 #NUM!", form_file(put(I2="#NUM!")), 1, (at("CELL_ERROR_VALUE", "I2"), "#NUM!")),
    Case("error_null_executed", "其中一项的全年执行数是 #NULL!", form_file(put(D7="#NULL!")), 1,
         (at("CELL_ERROR_VALUE", "D7"), "#NULL!")),
    # ---------------------------------------------------------------- formulas saved without their results
    Case("formula_actual_not_cached", "全年完成值是公式，文件由程序生成、没有保存计算结果",
         form_file(put(G11="=F11*1")), 1, (at("FORMULA_NOT_CACHED", "G11"), "LibreOffice")),
    Case("formula_total_not_cached", "年度资金总额是 =SUM(…) 公式，没有保存计算结果（按其中各项计算）",
         form_file(put(C6="=SUM(C7:C8)")), 1, (at("FORMULA_NOT_CACHED", "C6"),)),
    # ---------------------------------------------------------------- text in number cells
    Case("amount_in_words", "全年预算数写成「五十二万元」", form_file(put(C6="五十二万元")), 1,
         (at("VALUE_UNREADABLE", "C6"), "五十二万元")),
    Case("amount_approximate", "全年预算数写成「约100万」（万元表中按 100 万元读取）",
         form_file(put(C6="约100万")), 0, ("没有错误",)),
    Case("actual_text", "定量指标的全年完成值写成「基本达到」", form_file(put(G11="基本达到")), 1,
         (at("ACTUAL_NOT_NUMBER", "G11"), "基本达到")),
    Case("weight_text", "指标权重写成「十分」", form_file(put(J11="十分")), 1, (at("WEIGHT_INVALID", "J11"), "十分")),
    Case("weight_negative", "指标权重是负数", form_file(put(J11=-20)), 1, (at("WEIGHT_INVALID", "J11"), "负数")),
    Case("weight_missing", "指标权重未填写", form_file(put(J11=None)), 1, (at("WEIGHT_INVALID", "J11"), "未填写")),
    Case("score_text", "指标得分写成「满分」", form_file(put(K11="满分")), 0, (at("CLAIMED_NOT_NUMBER", "K11"), "满分")),
    Case("total_text", "自评总分处填了联系人和电话", form_file(put(I2="阳宏15808027144")), 0,
         (at("CLAIMED_NOT_NUMBER", "I2"),)),
    # ---------------------------------------------------------------- funds
    Case("budget_zero", "全年预算数为 0", form_file(put(C6=0, C7=0, C8=0)), 1, (at("BUDGET_MISSING"), "为 0")),
    Case("funds_total_zero", "年度资金总额留作 0，与其中各项之和不符", form_file(put(B6=0, C6=0, D6=0)), 1,
         (at("FUNDS_TOTAL_MISMATCH", "C6"), "已按各项之和计算")),
    Case("params_unknown_rule_set", "参数表中填写的规则集不存在（按默认规则集计算）",
         form_file(params_naming("某区2023规则")), 1, ("VALUE_UNREADABLE 参数!D1", "某区2023规则")),
    # ---------------------------------------------------------------- files that are no workbook
    Case("truncated_zip", "工作簿只传了一部分（压缩包被截断）", truncated_zip, 2, (FILE,)),
    Case("plain_text", "文本文件改名为 .xlsx", bytes_file(FILE, "这不是工作簿\n".encode()), 2, (FILE,)),
    Case("empty_file", "0 字节的空文件", bytes_file(FILE, b""), 2, (FILE,)),
    Case("csv_text", "给的是 .csv 文本", bytes_file("自评表.csv", "序号,项目名称,预算数(万元)\n1,医保网络维护费,15\n".encode()),
         2, ("自评表.csv",)),
    Case("docx_like_zip", "给的是 Word 文档（.docx）", docx_like, 2, ("自评报告.docx",)),
    Case("encrypted_no_password", "设有打开密码的工作簿，没有给 --password", encrypted, 2, ("加密自评表.xlsx", "密码")),
    Case("enormous_sheet", "一张工作表有 30 万行（使用范围 330 万个单元格）", enormous, 2, ("明细.xlsx", "过大")),
    # ---------------------------------------------------------------- old formats, read as they are
    Case("saved_as_xls", "WPS/Excel 另存为 .xls（Excel 97-2003）", saved_as_xls, 0, ("没有错误",)),
    Case("xlsx_named_xls", ".xlsx 文件被改名为 .xls", xlsx_named_xls, 0, ("没有错误",)),
]


@dataclass(frozen=True)
class Outcome:
    file: str
    exit_code: int
    output: str
    """stdout then stderr, with the case's folder taken out of any path."""


def run_case(case: Case, folder: Path) -> Outcome:
    path = case.build(folder)
    proc = xl("validate", "--all", path.name, cwd=folder)
    output = (proc.stdout + proc.stderr).replace(f"{folder}{os.sep}", "").replace(str(folder), "")
    return Outcome(path.name, proc.returncode, output)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every case run once, one after the other (each run sets the working folder and the standard streams of
    this process)."""
    return {case.id: run_case(case, tmp_path_factory.mktemp(case.id)) for case in CASES}


def test_case_ids_are_unique() -> None:
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(case: Case, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes[case.id]
    assert "Traceback" not in outcome.output
    assert outcome.exit_code == case.exit_code, outcome.output
    for fragment in case.expect:
        assert fragment in outcome.output, (fragment, outcome.output)
    if case.exit_code == 2:  # one line saying why, never a report
        assert outcome.output.strip().count("\n") == 0 and outcome.output.startswith("错误："), outcome.output


def shown_lines(case: Case, outcome: Outcome) -> list[str]:
    """The lines of the output this case is about: those holding one of its expected fragments."""
    return [line for line in outcome.output.splitlines() if any(f in line for f in case.expect)]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;")


def render(outcomes: dict[str, Outcome]) -> str:
    lines = [
        "# 错误输入一览",
        "",
        "本文件由 `tests/integration/test_bad_inputs.py` 根据每个用例的实际输出生成，请勿手工修改；",
        "更新方法：`XL_TOOLS_UPDATE_DOCS=1 python -m pytest tests/integration/test_bad_inputs.py`。",
        "",
        "每个用例构造一个真实文件，运行 `xl-tools validate --all <文件>`。退出码：0 没有错误级别的问题，",
        "1 有错误级别的问题，2 文件无法读取或其中没有可识别的表（一行说明原因）。",
        "「工具输出」列出与该用例有关的输出行，原样照录。",
        "",
        "| 用例 | 错误输入 | 文件 | 退出码 | 工具输出 |",
        "|---|---|---|---|---|",
    ]
    for case in CASES:
        outcome = outcomes[case.id]
        shown = "<br>".join(_cell(line) for line in shown_lines(case, outcome))
        lines.append(f"| {case.id} | {_cell(case.description)} | {outcome.file} | {outcome.exit_code} | {shown} |")
    return "\n".join(lines) + "\n"


BOMBS_HEADING = "\n## 恶意构造的文件"
"""Where the hostile files' section starts: measured by bench/bombs.py (times vary by machine), kept as it is."""


def test_catalogue_in_docs_matches_the_outputs(outcomes: dict[str, Outcome]) -> None:
    text = render(outcomes)
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    head, bombs, rest = current.partition(BOMBS_HEADING)
    if os.environ.get("XL_TOOLS_UPDATE_DOCS") == "1":
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(text + bombs + rest, encoding="utf-8")
        head = text
    assert head == text, "docs/bad-inputs.md is out of date: rerun with XL_TOOLS_UPDATE_DOCS=1"


# =========================================================================== what the findings leave behind
# The catalogue checks the messages; these check the figures behind them on the same real files.


def project_of(path: Path):
    (project,) = score(path).scored.projects
    return project


def test_base_form_is_clean(tmp_path: Path) -> None:
    project = project_of(form_file()(tmp_path))
    assert (project.budget, project.executed, project.execution_score, project.total) == (100, 90, 9, 99)
    assert [f.code for f in project.findings] == []


def test_approximate_amount_reads_as_wan_yuan(tmp_path: Path) -> None:
    # "约100万" is 1,000,000 元 = 100 万元 in a 万元 form (it once read as 1,000,000 万元)
    assert project_of(form_file(put(C6="约100万"))(tmp_path)).budget == 100


def test_error_value_scores_its_indicator_0(tmp_path: Path) -> None:
    project = project_of(form_file(put(G11="#DIV/0!"))(tmp_path))
    # 参保人数 (20) scores 0: 9 + 70 = 79; the generic "not a number" is not said besides
    assert (project.indicators[0].score, project.total) == (0, 79)
    assert {f.code for f in project.findings} & {"ACTUAL_NOT_NUMBER", "ACTUAL_MISSING"} == set()


def test_uncached_funds_total_yields_to_its_parts(tmp_path: Path) -> None:
    project = project_of(form_file(put(C6="=SUM(C7:C8)"))(tmp_path))
    assert project.budget == 100  # 80 + 20


def test_hidden_rows_are_still_scored(tmp_path: Path) -> None:
    project = project_of(form_file(hide_rows(12, 13))(tmp_path))
    assert [i.score for i in project.indicators] == [20, 15, 15, 30, 10] and project.total == 99


def test_merged_actual_counts_for_both_indicators(tmp_path: Path) -> None:
    project = project_of(form_file(merge("G13:G14"))(tmp_path))
    # 医疗保险参保率 reads 资金拨付及时率's 98 (≥ 96): full marks, as the warning says
    assert [i.actual for i in project.indicators[2:4]] == [98, 98]
