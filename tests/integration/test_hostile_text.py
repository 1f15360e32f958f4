"""Texts from untrusted workbooks are written as text by every output (issue 13, point 3).

A unit's workbook names its project ``=cmd|'/Ccalc'!A0``, its unit a WEBSERVICE call that would send other
units' rows out, its indicators ``+1+1`` and ``-2+3``, one sheet ``=cmd|'x'!A0``, and stores U+0001 and
U+000B as ``_x0001_`` / ``_x000B_`` escapes.  Every output is read back by openpyxl (or python-docx, or the
email parser) and held to three rules: no cell is a formula the toolkit did not generate (each formula is
tokenised: only the functions the score formulas and links use, references into existing sheets quoted as
Excel quotes them, the rest string literals and numbers); every formula-like text is a string cell with
quotePrefix; characters XML cannot carry show as visible signs.  Through live Excel every text is written
with Excel's leading apostrophe, and the toolkit's formulas as formulas.
"""

from __future__ import annotations

import copy
import email
import re
import shutil
from email import policy
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
import xlwings as xw

from xl_tools import ribbon

from tests.helpers.cli import xl, xl_subprocess
from tests.helpers.hostile import (
    AT,
    CODE,
    CONTROL,
    DATE_LIKE,
    DDE,
    EXFIL,
    MINUS,
    PLUS,
    SHEET,
    TAB,
    YUSHUI,
    assert_toolkit_formula,
    hostile_form,
    set_texts,
    written_texts,
)
from tests.helpers.paths import REPO
from tests.helpers.xlwings_payload import applied, apply_to_file, payload, typed

TARGETS = REPO / "workbooks" / "綦江区医疗保障局2023_项目支出绩效目标表.xlsx"
CONTROL_NAME = "医保\u2401经办项目"  # stored as 医保_x0001_经办_x000B_项目; the reader drops U+000B as a blank
CONTROL_INDICATOR = "指标\u2401名称"  # stored as 指标_x0001_名称
EXPLANATION = '=HYPERLINK("http://example.invalid/","点这里")\u2401原因'
"""What recompute's score, 表11 and helper formulas and the ribbon's links use (core/formulas.py, ribbon.py)."""


def hostile_targets(folder: Path) -> Path:
    """The 綦江 绩效目标表 with its first project named DDE (code CODE), 主管部门 AT, 编制单位 EXFIL, indicators
    PLUS and AT, the second project's name and an indicator holding control characters, the sheet named SHEET."""
    return set_texts(TARGETS, folder / "目标表.xlsx", "xl/worksheets/sheet1.xml",
                     {"B3": f"{CODE}-{DDE}", "G3": AT, "A2": f"编制单位：{EXFIL}", "C11": PLUS, "C12": AT,
                      "B20": "医保_x0001_经办_x000B_项目", "C28": "指标_x0001_名称"}, rename=("表十三", SHEET))


def assert_shown(texts: dict[str, list], *expected: str) -> None:
    """Each hostile text is in the output exactly as it was typed (the rules above were checked for it)."""
    missing = [text for text in expected if text not in texts]
    assert not missing, missing


# ------------------------------------------------------------------ the command line


def test_the_hostile_workbook_reads_as_intended(tmp_path: Path) -> None:
    """The inputs really carry what the tests claim (else every check below would pass vacuously)."""
    from xl_tools.jobs.score import score

    result = score(hostile_form(tmp_path)).scored
    first, second = result.projects
    assert (first.sheet, first.name, first.code, first.unit) == (SHEET, DDE, CODE, EXFIL)
    assert [i.name for i in first.indicators][:2] == [PLUS, MINUS]
    assert (second.name, second.code, second.indicators[0].name) == ("医保\x01经办项目", DATE_LIKE, "指标\x01名称")


def test_run_writes_hostile_texts_as_text(tmp_path: Path) -> None:
    source = hostile_form(tmp_path)
    proc = xl("run", source, "-o", "结果.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    texts = written_texts(tmp_path / "结果.xlsx", source)
    assert_shown(texts, DDE, CODE, SHEET, CONTROL_NAME, DATE_LIKE, TAB)
    assert {sheet for sheet, _, _ in texts[SHEET]} == {"表11", "校验结果", "变更记录"}  # 来源工作表, 工作表
    assert [c for _, _, c in texts[TAB]][0].parent.title == "变更记录"  # the claimed score it overwrote
    wb = openpyxl.load_workbook(tmp_path / "结果.xlsx")
    links = [c.hyperlink.location for c in wb["校验结果"]["D"] if c.hyperlink]
    assert "'=cmd|''x''!A0'!G14" in links  # MINUS's 完成值 is not a number: its cell, in the quoted sheet
    t11 = wb["表11"]
    assert t11["D4"].value.startswith("=IF('=cmd|''x''!A0'!") and t11["C4"].value == CODE


def test_batch_findings_and_summary_write_hostile_texts_as_text(tmp_path: Path) -> None:
    """The control-character workbook among good ones: both outputs written, exit 0 (it is read like any)."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    hostile_form(inbox)
    shutil.copy(YUSHUI, inbox / YUSHUI.name)
    # a process of its own: batch forks worker processes, which must not be forks of the test runner
    proc = xl_subprocess("batch", inbox, "--findings", "校验结果.xlsx", "--summary", "表11.xlsx", "-j", "2",
                         cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    findings = written_texts(tmp_path / "校验结果.xlsx")
    assert_shown(findings, DDE, SHEET, CONTROL_NAME, EXFIL)  # EXFIL: the unit, in 按单位
    assert all(c.quotePrefix for _, _, c in findings[EXFIL])
    summary = written_texts(tmp_path / "表11.xlsx")
    assert_shown(summary, DDE, CODE, SHEET, CONTROL_NAME, DATE_LIKE)
    assert len(openpyxl.load_workbook(tmp_path / "表11.xlsx")["表11"]["B"]) >= 4 + 2 + 9  # both files' projects


def test_batch_findings_hold_no_formula_from_a_workbook(tmp_path: Path) -> None:
    """The formula injection alone (no control character to stop the batch first): 校验结果 names the project,
    the sheet and the unit as texts, where they were live formulas (a DDE call, a WEBSERVICE sending rows out)."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    hostile_form(inbox, controls=False)
    shutil.copy(YUSHUI, inbox / YUSHUI.name)
    # a process of its own: batch forks worker processes, which must not be forks of the test runner
    assert xl_subprocess("batch", inbox, "--findings", "校验结果.xlsx", "-j", "1", cwd=tmp_path).returncode == 0
    assert_shown(written_texts(tmp_path / "校验结果.xlsx"), DDE, SHEET, EXFIL)


def test_summary_and_collect_write_hostile_texts_as_text(tmp_path: Path) -> None:
    source = hostile_form(tmp_path)
    assert xl("summary", source, YUSHUI, "-o", "表11.xlsx", cwd=tmp_path).returncode == 0
    assert_shown(written_texts(tmp_path / "表11.xlsx"), DDE, CODE, SHEET, CONTROL_NAME, DATE_LIKE)
    assert xl("collect", source, "-o", "采集表.xlsx", cwd=tmp_path).returncode == 0
    collected = written_texts(tmp_path / "采集表.xlsx")
    assert_shown(collected, DDE, CODE, SHEET, PLUS, MINUS, CONTROL_NAME, CONTROL_INDICATOR, DATE_LIKE)
    assert {cell[0] for _, cell, _ in collected[CODE]} == {"A"}  # 项目编码, a text: not 1.23E+20
    assert {cell[0] for _, cell, _ in collected[PLUS]} == {"C", "E"}  # an indicator's name, another's 指标值


def test_new_from_hostile_targets_writes_them_as_text(tmp_path: Path) -> None:
    targets = hostile_targets(tmp_path)
    proc = xl("new", "--from-targets", targets, "-o", "自评表.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    texts = written_texts(tmp_path / "自评表.xlsx")
    assert_shown(texts, DDE, CODE, AT, EXFIL, PLUS, CONTROL_NAME, CONTROL_INDICATOR, SHEET)  # SHEET: 校验结果
    wb = openpyxl.load_workbook(tmp_path / "自评表.xlsx")
    assert wb.sheetnames[:2] == ["=cmd|'Ccalc'!A0", CONTROL_NAME]  # sheet titles: "/" is not allowed in one
    # the sheet-scoped names of a sheet whose title holds an apostrophe: quoted, the apostrophe doubled
    assert wb.worksheets[0].defined_names["XL_NAME"].attr_text == "'=cmd|''Ccalc''!A0'!$B$3"
    assert xl("validate", tmp_path / "自评表.xlsx", "--json", cwd=tmp_path).returncode in (0, 1)  # reads back


def test_report_shows_hostile_texts_visibly(tmp_path: Path) -> None:
    source = hostile_form(tmp_path)
    proc = xl("report", source, "-o", "报告.docx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = docx.Document(str(tmp_path / "报告.docx"))
    text = "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    assert DDE in text and CONTROL_NAME in text and EXPLANATION in text and not CONTROL.search(text)


def test_email_subject_and_body_carry_hostile_texts_safely(tmp_path: Path) -> None:
    """Asserting only: the subject and body are the mail module's (made safe there, by its owner)."""
    source = hostile_form(tmp_path)
    no_user_config = {"XDG_CONFIG_HOME": str(tmp_path), "XL_TOOLS_EMAIL_CONFIG": None}  # no email.toml of the machine
    proc = xl("email", source, "--to", "jxk@czj.example.gov.cn", "--force", "--eml", "草稿.eml", cwd=tmp_path,
              env=no_user_config)
    assert proc.returncode == 0, proc.stderr
    message = email.message_from_bytes((tmp_path / "草稿.eml").read_bytes(), policy=policy.default)
    subject, body = str(message["Subject"]), message.get_body(("plain",)).get_content()
    assert not re.search("[\x00-\x1f\x7f]", subject)
    assert not CONTROL.search(body) and CONTROL_NAME in body and DDE in body
    assert set(message.keys()) >= {"Subject", "To"} and "Bcc" not in message


# ------------------------------------------------------------------ the ribbon (xlwings' remote interpreter)


def press(name: str, data: dict, **kwargs: Any) -> list[dict]:
    """The button's actions on the workbook as ``data`` has it (a copy: the remote book changes what it gets)."""
    book = xw.Book(json=copy.deepcopy(data))
    ribbon.BUTTONS[name](book, **kwargs)
    return book.json()["actions"]


def live_values(actions: list[dict]) -> list[tuple[str, Any]]:
    """(action, value) of every cell value the buttons asked Excel to write."""
    return [(a["func"], v) for a in actions if a["func"] in ("setValues", "setFormula")
            for row in a["values"] for v in row]


def assert_typed_as_text(actions: list[dict], sheets: list[str]) -> set[str]:
    """Every text goes in with Excel's apostrophe; whatever Excel would take for a formula is the toolkit's
    own.  Returns the texts as Excel keeps them."""
    kept = set()
    for func, value in live_values(actions):
        if not isinstance(value, str) or value == "":
            continue
        kind, content = typed(value) if func == "setValues" else ("formula", value[1:])
        if kind == "formula":
            assert_toolkit_formula(content, sheets)
        else:
            assert value.startswith("'") and kind == "text", value
            kept.add(content)
    return kept


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, dict]:
    source = hostile_form(tmp_path)
    data = payload(source)
    data["book"]["name"] = str(source)  # saved: collect and report write beside it
    return source, data


def test_ribbon_check_summary_and_recompute_write_texts_as_text(saved: tuple[Path, dict], tmp_path: Path) -> None:
    source, data = saved
    sheets = [s["name"] for s in data["sheets"]]
    check = press("check", data)
    assert_shown(dict.fromkeys(assert_typed_as_text(check, sheets + ["校验结果"])), DDE, SHEET, CONTROL_NAME)
    assert "'" + DDE in [v for _, v in live_values(check)]
    links = [a["args"][:2] for a in check if a["func"] == "addHyperlink"]
    assert ["#'=cmd|''x''!A0'!G14", "G14"] in links  # a link Excel follows, not a formula
    summary = press("summary", data)
    kept = assert_typed_as_text(summary, sheets + ["表11", "参数", "校验结果", "_xl_tools_undo"])  # run's sheets
    assert_shown(dict.fromkeys(kept), DDE, CODE, DATE_LIKE, SHEET, CONTROL_NAME)
    assert {"'" + CODE, "'" + DATE_LIKE} <= {v for _, v in live_values(summary)}  # not 1.23E+20, not a date
    recompute = press("recompute", data)
    assert_typed_as_text(recompute, sheets + ["参数", "_xl_tools_undo"])
    for actions in (check, summary, recompute):  # what Excel would then save
        out = apply_to_file(source, actions, tmp_path / "live.xlsx")
        written_texts(out, source)
    formulas = applied(data, recompute)["formulas"]
    assert set(formulas) == {SHEET, "项目二"}  # the score formulas; none in 参数 or in the undo snapshot


def test_ribbon_collect_and_report_write_texts_as_text(saved: tuple[Path, dict]) -> None:
    source, data = saved
    assert "采集表已写入" in press("collect", data)[-1]["args"][0]
    assert_shown(written_texts(source.with_name(f"{source.stem}_采集表.xlsx")), DDE, CODE, PLUS, CONTROL_NAME)
    assert "报告已写入" in press("report", data)[-1]["args"][0]
    text = "\n".join(p.text for p in docx.Document(str(source.with_name(f"{source.stem}_自评报告.docx"))).paragraphs)
    assert DDE in text and not CONTROL.search(text)


def test_fill_recompute_and_undo_keep_hostile_texts_text(saved: tuple[Path, dict], tmp_path: Path) -> None:
    """填充完成值 writes a collected 完成值 "=cmd|…" as text; 重算得分 overwrites the claimed score "\t=1+1",
    which the undo snapshot keeps as a text (not a formula in the hidden sheet), and 撤销 puts it back as text."""
    source, data = saved
    assert xl("collect", source, "-o", "采集表.xlsx", cwd=tmp_path).returncode == 0
    wb = openpyxl.load_workbook(tmp_path / "采集表.xlsx")
    ws = wb.active
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 3).value == "普通指标")
    ws.cell(row, 7).value = DDE
    ws.cell(row, 7).data_type = "s"
    wb.save(tmp_path / "已填.xlsx")
    filled = press("fill", data, source=tmp_path / "已填.xlsx")
    assert [(a["sheet_position"], a["start_row"], a["start_column"]) for a in filled
            if a["func"] == "setValues" and a["values"] == [["'" + DDE]]] == [(1, 13, 6)]  # 项目二!G14
    after = applied(data, press("recompute", data))
    undo_sheet = next(s for s in after["sheets"] if s["name"] == "_xl_tools_undo")
    assert [SHEET, "I13", TAB] in [r[1:4] for r in undo_sheet["values"]]
    assert "_xl_tools_undo" not in after["formulas"]
    undone = press("undo", after)
    assert [a["values"] for a in undone if a["func"] == "setValues" and (a["sheet_position"], a["start_row"],
            a["start_column"]) == (0, 12, 8)] == [[["'" + TAB]]]
    back = applied(after, undone)
    assert back["sheets"][0]["values"][12][8] == TAB and "I13" not in back["formulas"].get(SHEET, {})


def test_the_undo_snapshot_keeps_an_old_formula_as_text(saved: tuple[Path, dict], monkeypatch: Any) -> None:
    """Where Excel tells a cell's formula (COM; the remote interpreter cannot, so it is given here), the hidden
    sheet keeps it as text: as a formula it would be calculated there, and 撤销 would read back its result."""
    from xl_tools.adapters import excel_live

    _, data = saved
    monkeypatch.setattr(excel_live, "_formulas_of", lambda rng, count: ["SUM(H13:H15)"] * count)
    after = applied(data, press("recompute", data))
    undo_sheet = next(s for s in after["sheets"] if s["name"] == "_xl_tools_undo")
    assert {r[4] for r in undo_sheet["values"][1:]} == {"=SUM(H13:H15)"} and "_xl_tools_undo" not in after["formulas"]
    undone = press("undo", after)
    restored = [a["values"] for a in undone if a["func"] == "setFormula"]
    assert restored and all(v == [["=SUM(H13:H15)"]] for v in restored)
    assert len(restored) == len(undo_sheet["values"]) - 1


# ------------------------------------------------------------------ the writers themselves


def test_the_package_editor_marks_formula_like_texts_and_shows_controls(tmp_path: Path) -> None:
    from xl_tools.core.cell_write import CellWrite
    from xl_tools.workbook.package import Package

    pkg = Package.open(YUSHUI)
    sheet = pkg.sheet_names()[0]
    pkg.set_cells(sheet, {"B3": CellWrite(DDE), "Z1": CellWrite("医保\x01"), "Z2": CellWrite("-"),
                          "Z3": CellWrite("_x0001_")})
    out = pkg.save(tmp_path / "写入.xlsx")
    ws, before = openpyxl.load_workbook(out)[sheet], openpyxl.load_workbook(YUSHUI)[sheet]
    assert (ws["B3"].value, ws["B3"].data_type, ws["B3"].quotePrefix) == (DDE, "s", True)
    look = [(c.font.name, c.font.sz, c.font.b, c.border.left.style, c.alignment.horizontal) for c in (ws, before)
            for c in [c["B3"]]]
    assert look[0] == look[1]  # the cell keeps its look
    assert (ws["Z1"].value, ws["Z1"].quotePrefix) == ("医保\u2401", False)
    assert (ws["Z2"].value, ws["Z2"].quotePrefix) == ("-", True)
    assert ws["Z3"].value == "_x005F_x0001_"  # OOXML's spelling of the literal text "_x0001_", as Excel writes it


def test_a_grafted_sheet_keeps_its_quote_prefix(tmp_path: Path) -> None:
    """校验结果 built in a scratch workbook and grafted into the user's: the quotePrefix format comes along."""
    from xl_tools.core.findings import make
    from xl_tools.core.sheets.findings import findings_sheet
    from xl_tools.workbook.package import Package
    from xl_tools.workbook.sheet_writer import put_into_package

    finding = make("SHEET_UNRECOGNISED", sheet=PLUS, cell="A1", project=DDE, detail="没有找到项目名称一行")
    pkg = Package.open(YUSHUI)
    put_into_package(pkg, findings_sheet([finding], sheets=()))
    ws = openpyxl.load_workbook(pkg.save(tmp_path / "嫁接.xlsx"))["校验结果"]
    assert [(c.value, c.data_type, c.quotePrefix) for c in (ws["C2"], ws["E2"])] == [(PLUS, "s", True),
                                                                                      (DDE, "s", True)]
    assert ws["C2"].border.left.style == "thin"  # the rest of the cell's format as well
