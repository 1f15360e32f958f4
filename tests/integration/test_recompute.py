"""`xl-tools recompute`: formulas with cached values, checked by a real spreadsheet engine.

The cross-check: LibreOffice (forced to recalculate, private profile) opens each
recomputed file, and every formula cell's recalculated value must equal the
cached value the toolkit wrote (to 0.01) — which is the Python engine's value.
The samples' seeds meet nearly every target, so a fixture in the template
layout exercises the shortfall branches (正向, 反向 ratio/linear, 等于, target 0,
strict ＞, qualitative bands, late deadlines) under several rule sets.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl import Workbook

from xl_tools.jobs.score import score
from xl_tools.core import formulas as fx
from xl_tools.adapters.libreoffice import convert_many
from xl_tools.jobs.recompute import recompute
from xl_tools.workbook.graft import MAIN
from xl_tools.workbook.package import CellWrite, Package
from xl_tools.workbook.save import save_stable
from xl_tools.workbook.template import ProjectSpec, add_project_sheet

from tests.helpers.excel_functions import EXCEL_2007_FUNCTIONS
from tests.helpers.cli import xl
from tests.helpers.packages import parts_of
from tests.helpers.paths import REPO
from tests.helpers.samples.build import SAMPLES


# (name, target, actual, weight) — every branch a real form can hit; weights add up to 90
BRANCHES = [
    ("服务人次", "≥1000", 800, 10),            # 正向 short: 10 × 800 / 1000 = 8
    ("单位成本", "≤50", 80, 10),               # 反向 short: ratio 10 × 50 / 80 = 6.25; linear 10 × (100 − 80) / 50 = 4
    ("办结率", "=100", 90, 10),                # 等于 short: 10 × 90 / 100 = 9
    ("投诉件数", "≤0", 2, 10),                 # target 0, not met: 0
    ("事故次数", "≤0", 0, 5),                  # target 0, met: 5
    ("新增户数", ">100", 100, 5),              # strict ＞ at the target: 5 × 100 / 100 = 5
    ("培训人数", "≥50", 90, 10),               # beats by 80 %: full 10 (a 2-point penalty where the rule set has one)
    ("政策落实", "达成预期指标", "部分完成", 10),  # qualitative, partial band default 60 %: 6
    ("制度建设", "达成预期指标", "达成预期指标", 10),  # qualitative, achieved: 10
    ("验收时间", "2023年10月31日前", "2023年11月15日", 10),  # deadline, late: 0
]
RULES = {
    "default": None,
    "national_platform": "national_platform",
    "strict.toml": '''extends = "default"
[penalty]
target_too_low_points = 2
[total]
cap_by_execution_rate = [{below = 80, max = 89}, {below = 60, max = 69}]
[[grades]]
grade = "优"
min = 80
[[grades]]
grade = "良"
min = 70
[[grades]]
grade = "中"
min = 60
[[grades]]
grade = "差"
min = 0
''',
}


def branches_workbook(path: Path) -> Path:
    """Two template sheets: one spending 75 % of its budget (the cap applies), one spending all."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, executed in (("执行75%", 75), ("执行100%", 100)):
        spec = ProjectSpec(name=f"分支测试（{title}）", year=2023, funds={"年度资金总额": (100, 100, executed)},
                           indicators=[{"name": n, "target": t, "actual": a, "weight": w}
                                       for n, t, a, w in BRANCHES])
        add_project_sheet(wb, title, spec)
    return save_stable(wb, path)


def formula_cells(path: Path) -> dict[tuple[str, str], str]:
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and c.value.startswith("=")}


def mismatches(path: Path, tmp: Path) -> list[tuple[str, str, object, object]]:
    """Formula cells whose cached value differs from LibreOffice's forced recalculation, named."""
    cached = openpyxl.load_workbook(path, data_only=True)
    [recalculated_file] = convert_many([path], "xlsx", tmp / "recalculated", task="重新计算")
    assert recalculated_file is not None
    recalculated = openpyxl.load_workbook(recalculated_file, data_only=True)
    bad = []
    for sheet, ref in formula_cells(path):
        mine, theirs = cached[sheet][ref].value, recalculated[sheet][ref].value
        mine, theirs = (None if v == "" else v for v in (mine, theirs))
        numbers = all(isinstance(v, (int, float)) for v in (mine, theirs))
        if (numbers and abs(mine - theirs) > 0.01) or (not numbers and mine != theirs):
            bad.append((sheet, ref, mine, theirs))
    return bad


@pytest.mark.parametrize("name", sorted(SAMPLES), ids=sorted(SAMPLES))
def test_libreoffice_agrees_with_every_cached_value_of_the_samples(name: str, tmp_path: Path) -> None:
    """What `run` writes: the tables' formulas, a 表11 of the workbook's own, and the toolkit's 表11."""
    out = recompute(REPO / "workbooks" / name, tmp_path / "out.xlsx", report=True).path
    cells = formula_cells(out)
    summary = "表11（计算）" if name.startswith("长寿") else "表11"
    assert any(sheet == summary for sheet, _ in cells)
    assert mismatches(out, tmp_path) == []


def test_a_workbooks_own_summary_follows_its_project_sheets(tmp_path: Path) -> None:
    """Seed 003's 表11 lists 16 projects; the workbook holds the 表12 of one (row 7, 2021年医疗服务与保障能力
    提升…中央补助资金).  That row's 自评得分 becomes a formula on the 表12's total (G12); its amounts stay as typed,
    because the 表12 writes them as text ("52万元").  Rows of projects without a sheet keep what the unit typed."""
    source = REPO / "workbooks" / "长寿区医疗保障局2021_表10表11表12.xlsx"
    done = recompute(source, tmp_path / "out.xlsx")
    cells = {ref: text for (sheet, ref), text in formula_cells(done.path).items() if sheet == "表11"}
    assert cells == {"E11": "=IF('表12'!G12=\"\",\"\",'表12'!G12)"}  # row 7 of the list is sheet row 11
    before = openpyxl.load_workbook(source, data_only=True)["表11"]
    after = openpyxl.load_workbook(done.path, data_only=True)["表11"]
    linked_rows = {int(re.sub(r"[A-Z]", "", ref)) for ref in cells}
    for row in range(1, before.max_row + 1):
        if row not in linked_rows:
            assert [c.value for c in before[row]] == [c.value for c in after[row]]
    assert mismatches(done.path, tmp_path) == []


@pytest.mark.parametrize("rules", sorted(RULES), ids=sorted(RULES))
def test_libreoffice_agrees_on_every_scoring_branch(rules: str, tmp_path: Path) -> None:
    source = branches_workbook(tmp_path / "branches.xlsx")
    rule_set = RULES[rules]
    if rules.endswith(".toml"):
        (tmp_path / rules).write_text(rule_set, encoding="utf-8")
        rule_set = str(tmp_path / rules)
    done = recompute(source, tmp_path / "out.xlsx", rule_set)
    assert mismatches(done.path, tmp_path) == []
    scores = [i.score for i in done.evaluation.scored.projects[1].indicators]
    reverse_short = 4 if rules == "national_platform" else 6.25  # linear: 10 × (2×50 − 80) / 50; ratio: 10 × 50 / 80
    penalty = 2 if rules == "strict.toml" else 0  # 培训人数 beats its target by (90 − 50) / 50 = 80 % ≥ 30 %
    assert scores == [8, reverse_short, 9, 0, 5, 5, 10 - penalty, 6, 10, 0]


def test_the_cap_by_execution_rate_and_grades_come_from_the_rule_set(tmp_path: Path) -> None:
    source = branches_workbook(tmp_path / "branches.xlsx")
    (tmp_path / "strict.toml").write_text(RULES["strict.toml"], encoding="utf-8")
    done = recompute(source, tmp_path / "out.xlsx", str(tmp_path / "strict.toml"))
    low, full = done.evaluation.scored.projects
    # indicators: 8 + 6.25 + 9 + 0 + 5 + 5 + 8 + 6 + 10 + 0 = 57.25
    # 75 % spent: 10 × 0.75 = 7.5 → 64.75, under the cap 89 (rate < 80); 100 %: 10 + 57.25 = 67.25
    assert (low.total, full.total) == (64.75, 67.25)
    assert (low.grade, full.grade) == ("中", "中")  # 60 ≤ total < 70 in the 80/70/60 bands
    assert mismatches(done.path, tmp_path) == []


def test_a_wrong_cached_value_is_caught_and_named(tmp_path: Path) -> None:
    out = recompute(REPO / "workbooks" / "渝水区医保局2022_项目自评.xlsx", tmp_path / "out.xlsx").path
    formula = formula_cells(out)[("医疗救助补助资金", "I13")]
    pkg = Package.open(out)
    pkg.set_cells("医疗救助补助资金", {"I13": CellWrite(999, formula[1:])})
    pkg.save(tmp_path / "wrong.xlsx")
    assert mismatches(tmp_path / "wrong.xlsx", tmp_path) == [("医疗救助补助资金", "I13", 999, 20)]


def test_scores_follow_a_new_actual_value_typed_in_excel(tmp_path: Path) -> None:
    """Seed 000, 参保资助人数 (target 14500, weight 12): typing 7250 gives 12 × 7250 / 14500 = 6,
    and the project total 10 + 90 − 12 + 6 = 94 (still 优)."""
    out = recompute(REPO / "workbooks" / "渝中区医疗保障局2023_一体化系统导出.xlsx", tmp_path / "out.xlsx").path
    sheet = "医疗救助专项经费（残保金）"
    pkg = Package.open(out)
    pkg.set_cells(sheet, {"E15": CellWrite(7250)})
    pkg.save(tmp_path / "typed.xlsx")
    [recalculated] = convert_many([tmp_path / "typed.xlsx"], "xlsx", tmp_path / "lo", task="重新计算")
    ws = openpyxl.load_workbook(recalculated, data_only=True)[sheet]
    assert (ws["I15"].value, ws["I3"].value) == (6, 94)
    assert ws["F15"].value == -50  # 偏离度 (7250 − 14500) / 14500 × 100


def test_recomputing_twice_gives_the_same_file(tmp_path: Path) -> None:
    source = REPO / "workbooks" / "长寿区医疗保障局2021_表10表11表12.xlsx"
    first = recompute(source, tmp_path / "first.xlsx")
    second = recompute(first.path, tmp_path / "second.xlsx")
    assert first.changes and second.changes == []
    assert formula_cells(first.path) == formula_cells(second.path)


def test_in_place_keeps_a_backup_and_only_touches_what_it_changed(tmp_path: Path) -> None:
    source = tmp_path / "自评表.xlsx"
    source.write_bytes((REPO / "workbooks" / "渝中区医疗保障局2023_一体化系统导出.xlsx").read_bytes())
    original = source.read_bytes()
    proc = xl("recompute", str(source), "--in-place", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "自评表.bak.xlsx").read_bytes() == original
    with zipfile.ZipFile(tmp_path / "自评表.bak.xlsx") as before, zipfile.ZipFile(source) as after:
        changed = {n for n in before.namelist() if before.read(n) != after.read(n)}
        added = set(after.namelist()) - set(before.namelist())
        before_styles, after_styles = before.read("xl/styles.xml"), after.read("xl/styles.xml")
    # the four form sheets, the workbook (calcPr, the new sheets), its rels and content types, the cell formats
    # of the new sheets appended to styles.xml (the file's own stay where they are); plus 参数 and 变更记录
    assert changed <= {f"xl/worksheets/sheet{i}.xml" for i in range(1, 5)} | {
        "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "docProps/app.xml",
        "xl/styles.xml"}
    assert_styles_only_appended(before_styles, after_styles)
    assert len(added) == 2 and all(name.startswith("xl/worksheets/") for name in added)  # 参数, 变更记录
    assert openpyxl.load_workbook(source).sheetnames[-2:] == ["参数", "变更记录"]
    rows = list(openpyxl.load_workbook(source)["变更记录"].iter_rows(values_only=True))
    assert "规则集 default" in rows[0][0] and rows[1] == ("工作表", "单元格", "内容", "原值", "新值（公式的计算结果）", "原公式", "写入公式")
    again = xl("recompute", str(source), "--in-place", cwd=tmp_path)
    assert "写入 0 个单元格" in again.stdout and not (tmp_path / "自评表.bak2.xlsx").exists()


def assert_styles_only_appended(before: bytes, after: bytes) -> None:
    """Every font, fill, border, number format and cell format the file had keeps its place and content."""
    old, new = etree.fromstring(before), etree.fromstring(after)
    for tag in ("numFmts", "fonts", "fills", "borders", "cellXfs", "cellStyleXfs", "cellStyles", "dxfs"):
        a, b = old.find(f"{{{MAIN}}}{tag}"), new.find(f"{{{MAIN}}}{tag}")
        if a is None:
            continue
        assert [etree.tostring(x) for x in a] == [etree.tostring(x) for x in b[:len(a)]], tag


def test_formulas_use_only_functions_excel_2007_and_wps_have(tmp_path: Path) -> None:
    out = recompute(branches_workbook(tmp_path / "b.xlsx"), tmp_path / "out.xlsx").path
    used = {name for text in formula_cells(out).values() for name in re.findall(r"([A-Z][A-Z0-9.]*)\(", text)}
    assert used <= EXCEL_2007_FUNCTIONS, used - EXCEL_2007_FUNCTIONS


def test_recompute_refuses_its_own_input_as_output(tmp_path: Path) -> None:
    source = tmp_path / "a.xlsx"
    source.write_bytes((REPO / "workbooks" / "渝水区医保局2022_项目自评.xlsx").read_bytes())
    proc = xl("recompute", str(source), "-o", str(source), cwd=tmp_path)
    assert proc.returncode == 2 and "--in-place" in proc.stderr and "Traceback" not in proc.stderr
    assert score(source).scored.projects  # still readable, untouched


def test_an_edited_text_asks_for_a_rerun(tmp_path: Path) -> None:
    """A target written as text feeds a helper constant: editing it into another text only Python reads shows
    请重新计算 in that row's 得分 (inside the printed form) and in the 总分, and the 等级 is left blank, not
    computed from a total that silently left the row out; the other rows keep their scores."""
    out = recompute(REPO / "workbooks" / "渝水区医保局2022_项目自评.xlsx", tmp_path / "out.xlsx").path
    sheet = "医疗救助补助资金"
    checks = {ref: text for (s, ref), text in formula_cells(out).items() if s == sheet and "请重新计算" in text}
    rows = {int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for ref in checks}
    assert rows == set(range(13, 22))  # 8 indicators (check cell and 得分) and the 总分 in row 21
    pkg = Package.open(out)
    pkg.set_cells(sheet, {"F13": CellWrite("≥40000人次")})
    pkg.save(tmp_path / "edited.xlsx")
    [recalculated] = convert_many([tmp_path / "edited.xlsx"], "xlsx", tmp_path / "lo", task="重新计算")
    ws = openpyxl.load_workbook(recalculated, data_only=True)[sheet]
    assert (ws["I13"].value, ws["I21"].value, ws["L21"].value) == ("请重新计算", "请重新计算", None)
    assert ws["I14"].value == 20  # 资助参保人数: ≥20000, done 20000, weight 20


def test_an_xls_input_gives_a_recomputed_xlsx(tmp_path: Path) -> None:
    """WPS users save .xls: LibreOffice turns it into .xlsx first; the formulas then check out the same."""
    from tests.helpers.files import soffice_convert

    xls = soffice_convert(REPO / "workbooks" / "长寿区医疗保障局2021_表10表11表12.xlsx", "xls", tmp_path)
    proc = xl("recompute", str(xls), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = xls.with_name(f"{xls.stem}_重算.xlsx")
    assert out.exists() and zipfile.is_zipfile(out)
    assert formula_cells(out) and mismatches(out, tmp_path) == []
    total = openpyxl.load_workbook(out, data_only=True)["表12"]["G12"].value
    assert total == 100  # 表12 合计: 10 + 15 × 6
    refused = xl("recompute", str(xls), "--in-place", cwd=tmp_path)
    assert refused.returncode == 2 and "-o" in refused.stderr


def test_a_setting_changed_in_the_parameters_sheet_changes_the_scores(tmp_path: Path) -> None:
    """The formulas read the rule set's settings in 参数: typing "linear" as the reverse method in column D
    turns 单位成本 (≤50, actual 80, weight 10) from 10 × 50 / 80 = 6.25 into 10 × (2×50 − 80) / 50 = 4."""
    out = recompute(branches_workbook(tmp_path / "b.xlsx"), tmp_path / "out.xlsx").path
    params = openpyxl.load_workbook(out)["参数"]
    row = next(r for r in range(1, params.max_row + 1) if params[f"A{r}"].value == "quantitative.reverse_method")
    pkg = Package.open(out)
    pkg.set_cells("参数", {f"D{row}": CellWrite("linear")})
    pkg.save(tmp_path / "linear.xlsx")
    [recalculated] = convert_many([tmp_path / "linear.xlsx"], "xlsx", tmp_path / "lo", task="重新计算")
    ws = openpyxl.load_workbook(recalculated, data_only=True)["执行100%"]
    assert (ws["I13"].value, ws["I14"].value) == (8, 4)
    # and the toolkit reads the same override: its own engine agrees with the recalculated sheet
    again = score(tmp_path / "linear.xlsx").scored
    assert [i.score for i in again.projects[1].indicators][:2] == [8, 4]


def test_the_parameters_sheet_says_which_settings_the_formulas_read(tmp_path: Path) -> None:
    (tmp_path / "strict.toml").write_text(RULES["strict.toml"], encoding="utf-8")
    out = recompute(branches_workbook(tmp_path / "b.xlsx"), tmp_path / "out.xlsx",
                         str(tmp_path / "strict.toml")).path
    params = openpyxl.load_workbook(out)["参数"]
    marks = {params[f"A{r}"].value: params[f"E{r}"].value for r in range(4, params.max_row + 1)}
    live = {key for key, mark in marks.items() if mark.startswith("公式直接读取")}
    assert live == {"execution.weight", "execution.cap", "quantitative.reverse_method",
                    "penalty.target_too_low_points", "penalty.target_too_low_threshold_percent"}
    rows_read = {int(r) for text in formula_cells(out).values() for r in re.findall(r"'参数'!\$[CD]\$(\d+)", text)}
    # every live setting is read there, except 执行率分值: the template's own 分值 cell (F6) states it,
    # and what the form states wins, so the 执行率得分 formula reads F6
    assert {params[f"A{r}"].value for r in rows_read} == live - {"execution.weight"}
    assert "VALUE(F6)" in formula_cells(out)[("执行100%", "H6")]


@pytest.mark.filterwarnings("ignore:Data Validation extension is not supported")  # openpyxl reading the result
def test_run_and_recompute_keep_what_openpyxl_would_lose(tmp_path: Path) -> None:
    """A real form (seed 004, the toolkit's template) made into an .xlsm with a VBA project, a customUI
    ribbon, a comment, data validation (plain and an x14 one in extLst), conditional formatting, an image
    and a drawn shape: `run` and `recompute` leave each of them as it was, byte for byte where it is a part."""
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation
    from tests.helpers.packages import CUSTOM_UI_REL, X14_VALIDATION, add_macros_ribbon_and_shape, png, write_parts

    wb = openpyxl.load_workbook(REPO / "workbooks" / "渝水区医保局2022_项目自评.xlsx")
    ws = wb.worksheets[0]
    ws["B13"].comment = Comment("请按年度填写", "财政局")
    dv = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    dv.add("M13:M18")
    ws.add_data_validation(dv)
    ws.conditional_formatting.add("I13:I18", CellIsRule(operator="lessThan", formula=["5"],
                                                        fill=PatternFill("solid", fgColor="F8CBAD")))
    ws.add_image(Image(io.BytesIO(png())), "O2")
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    with zipfile.ZipFile(plain) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    sheet1 = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet1.replace("</worksheet>", X14_VALIDATION + "</worksheet>").encode()
    source = write_parts(add_macros_ribbon_and_shape(parts), tmp_path / "自评表.xlsm")

    run_out = tmp_path / "run.xlsm"
    assert xl("run", str(source), "-o", str(run_out), cwd=tmp_path).returncode == 0
    recomputed = recompute(source, tmp_path / "recomputed.xlsm").path
    for out in (run_out, recomputed):
        after = parts_of(out)
        for part in ("xl/vbaProject.bin", "customUI/customUI14.xml", "xl/drawings/drawing1.xml",
                     "xl/media/image1.png", "xl/comments/comment1.xml"):
            assert after[part] == parts[part], (out.name, part)
        assert CUSTOM_UI_REL.encode() in after["_rels/.rels"]
        assert b"macroEnabled.main+xml" in after["[Content_Types].xml"]
        sheet = after["xl/worksheets/sheet1.xml"].decode()
        ext_before = etree.fromstring(parts["xl/worksheets/sheet1.xml"]).find(f"{{{MAIN}}}extLst")
        ext_after = etree.fromstring(after["xl/worksheets/sheet1.xml"]).find(f"{{{MAIN}}}extLst")
        assert etree.tostring(ext_after, method="c14n") == etree.tostring(ext_before, method="c14n")
        assert "<conditionalFormatting" in sheet and '<dataValidation ' in sheet
        assert "<legacyDrawing" in sheet and "<drawing " in sheet
        result = openpyxl.load_workbook(out, data_only=True)
        assert result.worksheets[0]["B13"].comment.text == "请按年度填写"
        assert isinstance(result.worksheets[0]["I19"].value, (int, float))  # the total, cached


def test_a_total_over_300_indicators_stays_within_excels_255_arguments(tmp_path: Path) -> None:
    """300 indicators of weight 0.3, ≥100 each: the odd ones done 50 (0.15 points), the even ones 100 (0.3);
    the budget all spent (10 points).  Total by hand: 150 × 0.3 + 150 × 0.15 + 10 = 77.5."""
    wb = Workbook()
    wb.remove(wb.active)
    indicators = [{"name": f"服务对象满意度第{i}项", "target": "≥100", "actual": 50 if i % 2 else 100, "weight": 0.3,
                   "unit": "人次"} for i in range(300)]
    add_project_sheet(wb, "三百个指标", ProjectSpec(name="三百个指标的项目", year=2023,
                                                 funds={"年度资金总额": (100, 100, 100)}, indicators=indicators))
    out = recompute(save_stable(wb, tmp_path / "三百个指标.xlsx"), tmp_path / "out.xlsx").path
    total = formula_cells(out)[("三百个指标", "I313")]
    assert "ROUND(H6+SUM(" in total and total.count(",") < 255
    assert mismatches(out, tmp_path) == []  # LibreOffice's total is the cached one
    [recalculated] = convert_many([out], "xlsx", tmp_path / "again", task="重新计算")
    assert openpyxl.load_workbook(recalculated, data_only=True)["三百个指标"]["I313"].value == 77.5


def test_a_sum_of_600_scattered_cells_is_nested_within_255_arguments(tmp_path: Path) -> None:
    """Every other cell of A1:A1200 holds its row number; the odd rows' sum by hand is 600² = 360000."""
    refs = [f"A{row}" for row in range(1, 1201, 2)]
    formula = fx.sum_of(refs)
    assert all(len(call.split(",")) <= fx.MAX_ARGUMENTS for call in re.findall(r"SUM\(([^()]*)\)", formula))
    wb = Workbook()
    for row in range(1, 1201):
        wb.active[f"A{row}"] = row
    wb.active["C1"] = "=" + formula
    source = tmp_path / "scattered.xlsx"
    wb.save(source)
    [recalculated] = convert_many([source], "xlsx", tmp_path / "recalculated", task="重新计算")
    assert openpyxl.load_workbook(recalculated, data_only=True).active["C1"].value == 360000


def test_an_empty_percent_cell_gets_a_fraction_never_10000_percent(tmp_path: Path) -> None:
    """The template's 执行率 cell (G6) is empty and formatted 0.00%: both readers see its format, and the rate
    written there is executed / budget = 1546.43 / 1546.43 = 1, shown 100.00% (not 100, shown 10000.00%)."""
    from xl_tools.reading.open import open_workbook

    source = REPO / "workbooks" / "渝水区医保局2022_项目自评.xlsx"
    for backend in ("fast", "openpyxl"):
        grid = next(g for g in open_workbook(source, reader=backend).sheets if g.name == "医疗救助补助资金")
        assert grid.value(6, 7) is None and grid.number_format(6, 7) == "0.00%", backend
    out = recompute(source, tmp_path / "out.xlsx").path
    ws = openpyxl.load_workbook(out)["医疗救助补助资金"]
    cached = Package.open(out).read_cell("医疗救助补助资金", "G6")
    assert ws["G6"].number_format == "0.00%" and cached.value == 1 and "*100" not in cached.formula


def test_a_blank_完成值_under_a_placeholder_target_scores_0_as_the_engine_says(tmp_path: Path) -> None:
    """渝水's 住院救助人次 with its 指标值 written "—" and its 完成值 blank: no 指标值 to score against, so the
    engine scores it 0 (TARGET_MISSING) and totals the project, 80 below full (weight 20), 10 + 90 − 20 = 80
    — and the recalculated form says the same, not 未填完."""
    pkg = Package.open(REPO / "workbooks" / "渝水区医保局2022_项目自评.xlsx")
    pkg.set_cells("医疗救助补助资金", {"F13": CellWrite("—"), "G13": CellWrite(None)})
    source = pkg.save(tmp_path / "占位.xlsx")
    [table] = [t for t in score(source).tables if t.form.sheet == "医疗救助补助资金"]
    assert (table.result.total, table.result.unfilled) == (80, [])
    out = recompute(source, tmp_path / "out.xlsx").path
    [recalculated] = convert_many([out], "xlsx", tmp_path / "lo", task="重新计算")
    ws = openpyxl.load_workbook(recalculated, data_only=True)["医疗救助补助资金"]
    assert (ws["I13"].value, ws["I21"].value) == (0, 80)
