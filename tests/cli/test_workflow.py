"""The year's workflow end to end, on seed 001's 19 projects:
绩效目标表 → new → collect → (a business section fills the sheet) → fill → run → summary.

Every number in the 表11 written at the end is traced back to the project sheets, and the one project
filled with a shortfall is checked against a hand computation.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from tests.helpers.cli import xl
from tests.helpers.samples.qijiang import PROJECTS, build_qijiang_targets

FIRST = "城乡居民医疗保险基金区级补助（预安排）"  # seed 001's first project: 当年预算 2952 万元, 执行率权重 10


def section_fills(collection: Path, filled: Path, *, truncate: str, drop: str) -> None:
    """What a business section does: every 全年完成值 filled with its 指标值 (targets met), except
    FIRST's 资金及时划拨 (90 against ≥ 95, with an explanation) and FIRST's 全年执行数 (2800 of 2952);
    one project's name retyped cut short, with its 工作表/单元格 cleared (matched by name); one row deleted."""
    wb = openpyxl.load_workbook(collection)
    ws = wb.active
    ws.protection.sheet = False
    header = [c.value for c in ws[3]]
    col = {name: i + 1 for i, name in enumerate(header)}
    doomed = None
    for r in range(4, ws.max_row + 1):
        project, indicator = ws.cell(r, col["项目名称"]).value, ws.cell(r, col["指标名称"]).value
        target = ws.cell(r, col["指标值"]).value
        actual = target  # targets met; 全年执行数 = the budget shown as its 指标值
        if project == FIRST and indicator == "资金及时划拨":
            actual = 90
            ws.cell(r, col["说明"]).value = "年底一笔资金因系统升级延迟 3 天划拨，已优化划拨流程"
        if project == FIRST and indicator == "全年执行数":
            actual = 2800
        ws.cell(r, col["全年完成值"]).value = actual
        if project == truncate:
            ws.cell(r, col["项目名称"]).value = project[:8] + "  "  # cut short and spaced, as retyped
            ws.cell(r, col["项目编码"]).value = None
            ws.cell(r, col["工作表"]).value = ws.cell(r, col["单元格"]).value = None
        if project == drop and indicator != "全年执行数" and doomed is None:
            doomed = r
    ws.delete_rows(doomed)
    wb.save(filled)


@pytest.fixture(scope="module")
def workflow(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("workflow")
    paths = {"targets": build_qijiang_targets(folder / "綦江区2023_项目支出绩效目标表.xlsx")}
    proc = xl("new", "--from-targets", str(paths["targets"]), "-o", "自评.xlsx", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    assert "DUPLICATE_INDICATOR" in proc.stdout and "UNIT_CONTRADICTS" in proc.stdout  # seed 001's own mistakes
    paths["new"] = folder / "自评.xlsx"
    # the unit typed one value in before the collection came back: the returned sheet disagrees with it
    wb = openpyxl.load_workbook(paths["new"])
    wb[PROJECTS[1].name]["G13"] = 88
    wb.save(paths["new"])
    assert xl("collect", "自评.xlsx", "-o", "采集表.xlsx", cwd=folder).returncode == 0
    paths["collection"] = folder / "采集表.xlsx"
    section_fills(paths["collection"], folder / "已填采集表.xlsx", truncate=PROJECTS[2].name, drop=PROJECTS[3].name)
    proc = xl("fill", "自评.xlsx", "--from", "已填采集表.xlsx", "-o", "已填报.xlsx", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    paths["fill_output"] = folder / "fill.txt"
    paths["fill_output"].write_text(proc.stdout, encoding="utf-8")
    paths["filled"] = folder / "已填报.xlsx"
    assert xl("run", "已填报.xlsx", "-o", "结果.xlsx", cwd=folder).returncode == 0
    paths["result"] = folder / "结果.xlsx"
    before = fingerprint(paths["result"])
    proc = xl("summary", "结果.xlsx", "-o", "表11.xlsx", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    paths["summary"] = folder / "表11.xlsx"
    assert xl("report", "结果.xlsx", "-o", "报告.docx", cwd=folder).returncode == 0
    paths["report"] = folder / "报告.docx"
    assert fingerprint(paths["result"]) == before  # summary and report read, never write
    return paths


def fingerprint(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def test_new_makes_one_template_sheet_per_target_project(workflow: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(workflow["new"])
    projects = [ws for ws in wb.worksheets if ws["A1"].value == "项目支出绩效自评表"]
    assert len(projects) == 19 == len(PROJECTS)
    assert all(len(ws.title) <= 31 for ws in wb.worksheets)
    assert len({ws.title.casefold() for ws in wb.worksheets}) == len(wb.worksheets)
    first = projects[0]
    assert (first["B3"].value, first["H3"].value) == (FIRST, "50011021T000000048979")
    assert (first["D6"].value, first["F6"].value) == (2952, 10)  # 当年预算 as 全年预算数, 预算执行率权重
    assert [first.cell(13, c).value for c in (3, 5, 6, 8)] == ["资金及时划拨", "≥", 95, 10]
    assert all(first.cell(r, 7).value is None for r in range(13, 19))  # 完成值 left for the year-end


def test_new_writes_the_target_tables_texts_as_they_are(workflow: dict[str, Path]) -> None:
    """Chinese punctuation stays Chinese in what is written (normalising is for matching only): seed 001's
    编制单位 and 年度目标 of its first project, as printed there."""
    first = openpyxl.load_workbook(workflow["new"])[FIRST]
    assert first["H4"].value == "重庆市綦江区医疗保障局（本级）"  # "225001-重庆市綦江区医疗保障局（本级）" less its code
    assert first["B11"].value == ("按中央、市和区三级负担，区级补助参合经费70万人*每人55元=3850万元，"
                                  "扣除市级专项资金1175万元，共计安排2700万元。对我区城乡居民参加医疗保险进行补助。")


def test_fill_reports_what_it_could_not_match_and_writes_the_rest(workflow: dict[str, Path]) -> None:
    out = workflow["fill_output"].read_text(encoding="utf-8")
    assert "仍缺完成值的指标（1）" in out and PROJECTS[3].name in out  # the deleted row
    assert "表中已有「88」" in out and "未写入（与表中已有值不同或重复）（1）" in out  # the value typed in before
    assert "未能对应的行" not in out and "对应不唯一的行" not in out  # the cut-short name still matched
    assert "全年执行数仍未填写" not in out  # the section filled every project's 全年执行数


def test_fill_lists_the_projects_whose_spending_is_still_blank(workflow: dict[str, Path], tmp_path: Path) -> None:
    """A collection that brings one 完成值 and one project's 全年执行数: the other 18 of seed 001's 19 projects
    still wait for their 全年执行数, and so for their execution rate and total."""
    rows = [["项目名称", "指标名称", "全年完成值"], [FIRST, "资金及时划拨", "96"], [FIRST, "全年执行数", "2800"]]
    with open(tmp_path / "partial.csv", "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    proc = xl("fill", str(workflow["new"]), "--from", "partial.csv", "-o", "x.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "全年执行数仍未填写的项目（18）：" in proc.stdout
    listed = [line for line in proc.stdout.splitlines() if "的全年执行数仍未填写" in line]
    assert len(listed) == 18 and not any(f"「{FIRST}」" in line for line in listed)
    assert all(f"「{p.name}」" in proc.stdout for p in PROJECTS[1:])
    filled = openpyxl.load_workbook(workflow["filled"], data_only=True)
    third = next(ws for ws in filled.worksheets if ws["B3"].value == PROJECTS[2].name)
    assert third["G13"].value is not None  # filled through the truncated name


def test_fill_refuses_to_overwrite_a_different_value(workflow: dict[str, Path], tmp_path: Path) -> None:
    """The filled workbook already holds 90 for 资金及时划拨; a sheet saying 95 is a conflict, not a write."""
    rows = [["项目名称", "指标名称", "全年完成值"], [FIRST, "资金及时划拨", "95"], [FIRST, "财政投入", "2952"]]
    with open(tmp_path / "again.csv", "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    proc = xl("fill", str(workflow["filled"]), "--from", "again.csv", "-o", "x.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "表中已有「90」，采集表为「95」" in proc.stdout and "again.csv 第 2 行" in proc.stdout
    assert "填入 0 个单元格，1 个与表中相同未改动" in proc.stdout and not (tmp_path / "x.xlsx").exists()
    proc = xl("fill", str(workflow["filled"]), "--from", "again.csv", "-o", "x.xlsx", "--overwrite", cwd=tmp_path)
    assert "填入 1 个单元格" in proc.stdout
    assert openpyxl.load_workbook(tmp_path / "x.xlsx", data_only=True)[FIRST]["G13"].value == 95


def test_the_filled_project_scores_as_computed_by_hand(workflow: dict[str, Path]) -> None:
    """FIRST: 执行率 2800 / 2952 = 94.85 % → 10 × 0.948509 = 9.49; 资金及时划拨 90 of ≥ 95 (weight 10)
    → 10 × 90 / 95 = 9.47; the other five indicators met (20 + 10 + 10 + 10 + 30 = 80);
    total 9.49 + 80 + 9.47 = 98.96 → 优."""
    ws = openpyxl.load_workbook(workflow["result"], data_only=True)[FIRST]
    assert (ws["H6"].value, ws["I13"].value) == (9.49, 9.47)
    assert (ws["A19"].value, ws["I19"].value, ws["L19"].value) == ("总分", 98.96, "优")  # 6 indicators: rows 13–18


def test_every_number_of_the_summary_traces_to_the_sheets(workflow: dict[str, Path]) -> None:
    result = openpyxl.load_workbook(workflow["result"], data_only=True)
    summary = openpyxl.load_workbook(workflow["summary"], data_only=True)["表11"]
    rows = [[c.value for c in row] for row in summary.iter_rows(min_row=4, max_row=3 + 19, max_col=10)]
    assert len(rows) == 19
    for number, name, code, budget, executed, _rate, score, grade, sheet, file in rows:
        ws = result[sheet]
        assert (ws["B3"].value, ws["H3"].value, file) == (name, code, "结果.xlsx")
        assert budget == ws["D6"].value and executed == ws["E6"].value
        total_row = next(r for r in range(13, ws.max_row + 1) if ws.cell(r, 1).value == "总分")
        assert (score, grade) == (ws.cell(total_row, 9).value, ws.cell(total_row, 12).value)
    total = [c.value for c in summary[4 + 19]]
    assert total[0] == "合计" and total[3] == pytest.approx(sum(p.budget for p in PROJECTS))


def test_summary_of_many_workbooks_with_a_broken_one(tmp_path: Path) -> None:
    """A bureau's 表11 from two units plus a file that is no workbook: 渝中 (seed 000: 2004 + 1413 + 146 万元,
    all scored 100) and 渝水 (seed 004: nine projects, 1735.00 万元 together); the broken file is listed."""
    repo = Path(__file__).resolve().parents[2] / "workbooks"
    (tmp_path / "损坏.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    files = [repo / "渝中区医疗保障局2023_一体化系统导出.xlsx", repo / "渝水区医保局2022_项目自评.xlsx", tmp_path / "损坏.xlsx"]
    proc = xl("summary", *files, "-o", "表11.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "[FILE_SKIPPED] 损坏.xlsx 未能读取" in proc.stdout and "12 个项目，来自 2 个文件" in proc.stdout
    wb = openpyxl.load_workbook(tmp_path / "表11.xlsx")
    ws = wb["表11"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=16, max_col=10)]
    assert [r[1] for r in rows[:3]] == ["医疗救助专项经费（残保金）", "居民医保财政补助资金", "购买窗口服务专项经费"]
    assert [r[3] for r in rows[:3]] == [2004, 1413, 146]
    assert {r[9] for r in rows[:3]} == {"渝中区医疗保障局2023_一体化系统导出.xlsx"}
    assert rows[12][0] == "合计" and rows[12][3] == pytest.approx(2004 + 1413 + 146 + 1735.00)
    assert ws["D4"].number_format == "#,##0.00"
    assert len(ws._charts) == 1  # the bar chart of the scores, a native chart part
    department = [[c.value for c in row] for row in wb["表10"].iter_rows(min_row=3, max_col=7)]
    # seed 000: 125,738,993.70 元 = 12573.89937 万元, kept unrounded (the cell shows 12,573.90)
    assert department == [["重庆市渝中区医疗保障局整体", pytest.approx(12573.89937), pytest.approx(12573.89937), 1, 110,
                           "优", 3563]]
    findings = [[c.value for c in row] for row in wb["校验结果"].iter_rows(min_row=2, max_col=3)]
    # seed 004's two projects whose indicator weights add up to 100 besides the 10 of the execution rate;
    # 渝水's 2022 under 渝中's 2023 (one file each: the first listed gives the year)
    assert findings == [["错误", "FILE_SKIPPED", "损坏.xlsx"], ["警告", "YEARS_DIFFER", "医疗救助补助资金"],
                        ["错误", "TOTAL_ABOVE_100", "三联单印刷费"], ["错误", "TOTAL_ABOVE_100", "IC卡制作费"]]
    assert "项目「三联单印刷费项目」的总分为 110，超过满分 100 分" in proc.stdout
    assert "该文件是 2022 年度的，而表11 按 2023 年度汇总" in proc.stdout
    assert wb["表11"]["A2"].value == "（2023年度）"


def test_a_target_table_is_not_taken_for_a_self_evaluation(workflow: dict[str, Path], tmp_path: Path) -> None:
    proc = xl("validate", str(workflow["targets"]), cwd=tmp_path)
    assert proc.returncode == 2
    assert "是项目支出绩效目标表（19 个项目）" in proc.stderr and "xl-tools new --from-targets" in proc.stderr


def test_the_reports_table_traces_to_the_sheets(workflow: dict[str, Path]) -> None:
    """The 表11 of the narrative report (read back with python-docx) shows the sheets' figures, 2 decimals (a 总分
    waiting for 完成值 as the sheet shows it: 未填完)."""
    import docx

    result = openpyxl.load_workbook(workflow["result"], data_only=True)
    sheets = {ws["B3"].value: ws for ws in result.worksheets if ws["A1"].value == "项目支出绩效自评表"}
    table = docx.Document(str(workflow["report"])).tables[-1]
    body = [[cell.text for cell in row.cells] for row in table.rows][1:-1]
    assert len(body) == 19
    for row in body:
        ws = sheets[row[1]]
        assert row[2] == f"{ws['D6'].value:,.2f}" or row[2] == f"{ws['D6'].value:.2f}"
        total_row = next(r for r in range(13, ws.max_row + 1) if ws.cell(r, 1).value == "总分")
        total = ws.cell(total_row, 9).value  # 未填完 where an indicator still waits for its 完成值
        assert row[5] == (f"{total:.2f}" if isinstance(total, (int, float)) else total)


def test_seed_003s_summary_is_reproduced_from_project_sheets(tmp_path: Path) -> None:
    """Seed 003's 表11: 16 projects with their 预算数 = 执行数 and 自评得分 100, 15688.79 万元 together.  The
    project sheets are built in the toolkit's template with those amounts; their indicators are synthetic
    (three met indicators weighing 40 + 30 + 20, the seed gives none), so each scores 10 + 90 = 100."""
    from openpyxl import Workbook

    from xl_tools.workbook.save import save_stable
    from xl_tools.workbook.template import ProjectSpec, add_project_sheet

    seed = [("2021年城乡居民基本医疗保险工作经费市级补助资金", 31), ("西部志愿者项目补助", 15.64),
            ("医保基金专项审计", 18.06), ("医保网络维护费", 15), ("医保政策宣传及培训费", 19.76),
            ("村社区医保业务信息化建设及医保基金监管", 54.41),
            ("2021年医疗服务与保障能力提升(医疗保障能力提升部分)中央补助资金", 52),
            ("结转2020年医疗服务与保障服务能力提升中央补助资金", 20), ("结转2020年社会保障专项项目第二批", 199.5),
            ("边缘易致贫人口参加2021年城乡居民医疗保险资金", 1.86), ("街镇-居民医保工作经费", 266.31),
            ("代列-特殊人群医疗补助", 3600), ("代列-医疗救助资金", 5235.75), ("代列-资助参保医疗补助资金", 680),
            ("国有企业“单双解”人员和关闭破产解体城镇集体所有制企业退休人员以个人身份参加城镇职工医疗保险补助", 36),
            ("代列-城乡居民医保补助", 5443.5)]
    wb = Workbook()
    wb.remove(wb.active)
    for i, (name, amount) in enumerate(seed, start=1):
        spec = ProjectSpec(name=name, department="重庆市长寿区医疗保障局", year=2021,
                           funds={"年度资金总额": (amount, amount, amount)},
                           indicators=[{"name": n, "target": "≥95%", "actual": "96%", "weight": w, "unit": "%"}
                                       for n, w in (("资金到位率", 40), ("参保率", 30), ("满意度", 20))])
        add_project_sheet(wb, f"项目{i}", spec)
    source = save_stable(wb, tmp_path / "长寿区2021.xlsx")
    proc = xl("summary", source, "-o", "表11.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    ws = openpyxl.load_workbook(tmp_path / "表11.xlsx")["表11"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=3 + 16, max_col=8)]
    assert [(r[1], r[3], r[4], r[6]) for r in rows] == [(name, amount, amount, 100) for name, amount in seed]
    total = [c.value for c in ws[4 + 16]]
    assert total[0] == "合计" and total[3] == pytest.approx(15688.79) and total[4] == pytest.approx(15688.79)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_awkward_collection_files(workflow: dict[str, Path], tmp_path: Path, encoding: str) -> None:
    """Extra columns, blank rows, a 全年执行数 written as text, a formula saved without its result (as a
    CSV cannot hold one, the .xlsx variant below carries it), in a CSV saved as UTF-8 with BOM or as GBK."""
    rows = [["备注", "项目名称", "指标名称", "全年完成值", "说明", "科室"],
            ["", "", "", "", "", ""],
            ["第一行说明", FIRST, "全年执行数", "见附件", "", "财务科"],
            ["", FIRST, "参保人数", "64", "", "医保科"],
            ["", "", "", "", "", ""]]
    path = tmp_path / "采集.csv"
    path.write_bytes("\n".join(",".join(r) for r in rows).encode(encoding))
    proc = xl("fill", str(workflow["new"]), "--from", "采集.csv", "-o", "x.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "采集.csv 第 3 行：「城乡居民医疗保险基金区级补助（预安排）」全年执行数「见附件」不是金额数字" in proc.stdout
    assert "填入 1 个单元格" in proc.stdout
    assert openpyxl.load_workbook(tmp_path / "x.xlsx", data_only=True)[FIRST]["G18"].value == 64  # 参保人数


def test_a_formula_without_its_result_is_listed(workflow: dict[str, Path], tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "指标名称", "全年完成值", "额外列"])
    ws.append([FIRST, "参保人数", "=60+4", "x"])  # openpyxl writes no result, as some tools do
    ws.append([None, None, None, None])
    wb.save(tmp_path / "采集.xlsx")
    proc = xl("fill", str(workflow["new"]), "--from", "采集.xlsx", "-o", "x.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Sheet!C2：「参保人数」全年完成值「#公式无计算结果」是公式或错误值" in proc.stdout
    assert "没有需要写入的内容，未生成文件" in proc.stdout
