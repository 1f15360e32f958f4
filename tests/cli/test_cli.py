"""The ``xl-tools`` commands, run in a working folder (in this process, through Click's runner: tests/helpers/cli.py;
the installed console script itself is tried in test_console_script.py).

Expected figures come from the seeds (copied in here) or from the hand
computation written next to them.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import click
import openpyxl
import pytest

from xl_tools.jobs.score import score
from xl_tools.cli import main as cli_group
from xl_tools.samples import bundled_sample

from tests.helpers.cli import CJK, fingerprint, no_traceback, xl
from tests.helpers.samples.seed_forms import build_changshou_2021, build_yuzhong_2023
from tests.helpers.paths import REPO

SAMPLE_NAME = "渝中区医疗保障局2023_一体化系统导出.xlsx"


@pytest.fixture
def yuzhong(tmp_path: Path) -> Path:
    """Seed 000 in the working folder (4 export tables; the department's weights add up to 100)."""
    return build_yuzhong_2023(tmp_path / "渝中区2023.xlsx")


@pytest.fixture
def table12_alone(tmp_path: Path) -> Path:
    """Seed 003's 表12 on its own: 52 万元 spent in full, 7 indicators adding up to 100, all met."""
    built = build_changshou_2021(tmp_path / "built" / "长寿区2021.xlsx")
    wb = openpyxl.load_workbook(built)
    for title in ("表10", "表11"):
        wb.remove(wb[title])
    path = tmp_path / "表12.xlsx"
    wb.save(path)
    return path


# A small export table for the rule-set tests.  By hand:
#   预算 = 执行 = 1,000,000.00 元 → 100 %, 执行率得分 10;
#   参保人数 ≥ 1000, 完成 1000 → 30;  满意度 ≥ 90, 完成 95 → 30;
#   单位成本 (元) ≤ 100, 完成 125, weight 30 — a reverse indicator that missed:
#     default (ratio):           30 × 100 / 125             = 24    → total 10 + 84   = 94
#     national_platform (linear): 30 × (2 × 100 − 125) / 100 = 22.5  → total 10 + 82.5 = 92.5
SMALL_ROWS = [
    ("参保人数", "人", "≥", 1000, 1000, 30, "目标完成"),
    ("单位成本", "元", "≤", 100, 125, 30, "物价上涨"),
    ("服务对象满意度", "%", "≥", 90, 95, 30, None),
]


def small_book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目"
    ws["A1"] = "2023年度二级项目绩效自评表"
    for ref, value in (("A2", "项目名称："), ("B2", "某项目"), ("E2", "项目编码："), ("F2", "X001"),
                       ("H2", "自评总分："), ("I2", 94)):
        ws[ref] = value
    ws.append(["", "年初预算数", "全年（调整）预算数", "全年执行数", "执行率", "执行率权重", "执行率得分"])
    ws.append(["年度总金额", "1,000,000.00", "1,000,000.00", "1,000,000.00", 100, "10.00", "10.00"])
    ws.append(["指标名称", "计量单位", "指标性质", "指标值", "全年完成值", "偏离度（%）", "得分系数（%）",
               "指标权重", "指标得分", "是否核心指标", "说明"])
    for name, unit, op, target, actual, weight, note in SMALL_ROWS:
        ws.append([name, unit, op, target, actual, None, None, weight, None, "是", note])
    wb.save(path)
    return path


def score_json(*args: Any, cwd: Path) -> dict[str, Any]:
    proc = xl("score", *args, "--json", cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


# =========================================================================== validate: exit codes


def test_validate_clean_workbook_exits_0(tmp_path: Path, table12_alone: Path) -> None:
    proc = xl("validate", table12_alone.name, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "错误 0 个" in proc.stdout
    no_traceback(proc)
    data = json.loads(xl("validate", table12_alone.name, "--json", cwd=tmp_path).stdout)
    assert data["valid"] is True and data["counts"]["error"] == 0


def test_validate_weight_error_exits_1(tmp_path: Path, yuzhong: Path) -> None:
    proc = xl("validate", yuzhong.name, cwd=tmp_path)
    assert proc.returncode == 1
    # the department table: weights 100 although 执行率 has 10 of its own
    assert "WEIGHT_TOTAL 部门整体!H15" in proc.stdout
    assert "错误 1 个" in proc.stdout
    no_traceback(proc)


def _corrupt_zip(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 20)


def _truncated_xlsx(path: Path) -> None:
    path.write_bytes(bundled_sample().read_bytes()[:2000])


def _csv(path: Path) -> None:
    path.write_text("序号,项目名称,预算数(万元)\n1,医保网络维护费,15\n", encoding="utf-8")


def _text(path: Path) -> None:
    path.write_text("这不是工作簿\n", encoding="utf-8")


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _docx_like(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")


def _broken_sheet_xml(path: Path) -> None:
    with zipfile.ZipFile(bundled_sample()) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info, b"<worksheet><sheetData><row" if info.filename == "xl/worksheets/sheet1.xml" else data)


UNREADABLE = {
    "corrupt_zip": (_corrupt_zip, "已损坏：压缩包结构不完整"),
    "truncated_xlsx": (_truncated_xlsx, "已损坏：压缩包结构不完整"),
    "csv_renamed": (_csv, "CSV 文本文件，不是 Excel 工作簿"),
    "plain_text": (_text, "纯文本文件，不是 Excel 工作簿"),
    "empty_file": (_empty, "空文件"),
    "docx_like_zip": (_docx_like, "Word 文档（.docx），不是 Excel 工作簿"),
    "broken_sheet_xml": (_broken_sheet_xml, "无法读取"),
    "missing_file": (None, "文件不存在"),
}


@pytest.mark.parametrize("kind", list(UNREADABLE))
@pytest.mark.parametrize("command", [("validate",), ("score",), ("score", "--json"), ("run",)])
def test_unreadable_file_exits_2_with_one_chinese_line(tmp_path: Path, kind: str, command: tuple[str, ...]) -> None:
    make, reason = UNREADABLE[kind]
    path = tmp_path / "自评表.xlsx"
    if make is not None:
        make(path)
    proc = xl(*command, path.name, cwd=tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("错误：") and CJK.search(lines[0][3:])
    assert reason in lines[0]
    no_traceback(proc)
    if "--json" in command:
        assert reason in json.loads(proc.stdout)["error"]
    assert not (tmp_path / "自评表_自评结果.xlsx").exists()


def test_workbook_with_nothing_recognisable_exits_2(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "通知"
    wb.active["A1"] = "请于1月底前报送自评表"
    wb.save(tmp_path / "通知.xlsx")
    proc = xl("validate", "通知.xlsx", cwd=tmp_path)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "没有能识别的绩效自评表" in proc.stderr and "通知" in proc.stderr
    no_traceback(proc)


# =========================================================================== JSON output

PROJECT_KEYS = {"sheet", "name", "code", "type", "layout", "budget", "executed", "execution_rate",
                "execution_score", "indicator_score", "total", "claimed_total", "grade", "findings", "indicators"}
INDICATOR_KEYS = {"name", "level1", "level2", "target_text", "actual_text", "target", "actual", "unit",
                  "direction", "kind", "weight", "deviation", "coefficient", "score", "claimed_score", "cell"}
FINDING_KEYS = {"file", "code", "level", "sheet", "cell", "project", "message"}


@pytest.mark.parametrize("builder", [build_yuzhong_2023, build_changshou_2021])
def test_score_json_is_the_service_result(tmp_path: Path, builder: Any) -> None:
    path = builder(tmp_path / "in.xlsx")
    data = score_json(path, cwd=tmp_path)
    assert data == json.loads(json.dumps(score(path).scored.to_dict(), ensure_ascii=False))
    assert {"file", "rule_set", "settings", "projects", "findings"} <= set(data)
    assert data["projects"]
    for project in data["projects"]:
        assert PROJECT_KEYS <= set(project)
        for indicator in project["indicators"]:
            assert INDICATOR_KEYS <= set(indicator)
        for finding in project["findings"]:
            assert set(finding) == FINDING_KEYS
    for finding in data["findings"]:
        assert set(finding) == FINDING_KEYS
    assert any(p["findings"] for p in data["projects"])
    assert any(p["indicators"] for p in data["projects"])  # 表10 has none, 表12 has seven


def test_score_json_figures(tmp_path: Path, yuzhong: Path) -> None:
    data = score_json(yuzhong.name, cwd=tmp_path)
    assert data["rule_set"] == "default"
    assert [p["total"] for p in data["projects"]] == [110, 100, 100, 100]  # 10 + 100; 10 + 90
    assert [p["budget"] for p in data["projects"]] == [12573.89937, 2004, 1413, 146]  # 元 ÷ 10,000
    department = data["projects"][0]
    assert [i["deviation"] for i in department["indicators"]][4:6] == [6.1, 42.01]
    assert department["indicators"][0]["cell"] == "A15"
    assert department["findings"][0]["level"] in ("error", "warning", "info")


def test_validate_json(tmp_path: Path, yuzhong: Path) -> None:
    proc = xl("validate", yuzhong.name, "--json", cwd=tmp_path)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert {"valid", "counts", "findings"} <= set(data)
    assert data["valid"] is False
    assert set(data["counts"]) == {"error", "warning", "info"}
    assert data["counts"]["error"] == 1
    assert sum(data["counts"].values()) == len(data["findings"])
    errors = [f for f in data["findings"] if f["level"] == "error"]
    assert [(f["code"], f["sheet"], f["cell"]) for f in errors] == [("WEIGHT_TOTAL", "部门整体", "H15")]
    assert all(set(f) == FINDING_KEYS for f in data["findings"])


# =========================================================================== rule sets


def _unit_cost(data: dict[str, Any]) -> dict[str, Any]:
    return next(i for i in data["projects"][0]["indicators"] if i["name"] == "单位成本")


def test_default_and_national_platform_rules(tmp_path: Path) -> None:
    small_book(tmp_path / "小表.xlsx")
    default = score_json("小表.xlsx", cwd=tmp_path)
    assert default["rule_set"] == "default"
    assert (_unit_cost(default)["score"], default["projects"][0]["total"]) == (24, 94)
    national = score_json("小表.xlsx", "--rules", "national_platform", cwd=tmp_path)
    assert national["rule_set"] == "national_platform"
    assert national["settings"]["quantitative.reverse_method"]["value"] == "linear"
    assert (_unit_cost(national)["score"], national["projects"][0]["total"]) == (22.5, 92.5)
    proc = xl("validate", "小表.xlsx", "--rules", "national_platform", cwd=tmp_path)
    assert proc.returncode == 0 and "national_platform" in proc.stdout


def test_user_rule_file(tmp_path: Path) -> None:
    small_book(tmp_path / "小表.xlsx")
    (tmp_path / "my.toml").write_text(
        'name = "my_rules"\ntitle = "本单位"\nextends = "default"\n\n[execution]\nweight = 20\n', encoding="utf-8")
    data = score_json("小表.xlsx", "--rules", "my.toml", cwd=tmp_path)
    assert data["rule_set"] == "my_rules"
    project = data["projects"][0]
    # the user's 20 beats the 10.00 printed in the form: 20 × 100 % + (30 + 24 + 30) = 104
    assert (project["execution_score"], project["total"]) == (20, 104)
    assert [f["code"] for f in project["findings"] if f["level"] == "error"] == ["WEIGHT_TOTAL"]  # 90 ≠ 80
    proc = xl("validate", "小表.xlsx", "--rules", "my.toml", cwd=tmp_path)
    assert proc.returncode == 1 and "应为 80" in proc.stdout


@pytest.mark.parametrize("text, named", [
    ("[execution]\nweigth = 20\n", "execution.weigth"),
    ('[execution]\nweight = "二十"\n', "execution.weight"),
    ("[qualitative]\nbands = [{name = \"达成\", low = 80}]\n", "qualitative.bands"),
    ("[execution\nweight = 20\n", "不是有效的 TOML"),
])
def test_malformed_rule_file_exits_2_naming_the_key(tmp_path: Path, text: str, named: str) -> None:
    small_book(tmp_path / "小表.xlsx")
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    for command in (("validate",), ("score", "--json"), ("run",)):
        proc = xl(*command, "小表.xlsx", "--rules", "bad.toml", cwd=tmp_path)
        assert proc.returncode == 2
        assert named in proc.stderr and "bad.toml" in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
        no_traceback(proc)
    assert not (tmp_path / "小表_自评结果.xlsx").exists()


def test_unknown_rule_set_name_exits_2(tmp_path: Path) -> None:
    small_book(tmp_path / "小表.xlsx")
    proc = xl("validate", "小表.xlsx", "--rules", "no_such_rules", cwd=tmp_path)
    assert proc.returncode == 2
    assert "no_such_rules" in proc.stderr and "national_platform" in proc.stderr
    no_traceback(proc)


# =========================================================================== run


def test_run_without_a_file_uses_the_bundled_sample(tmp_path: Path) -> None:
    assert list(tmp_path.iterdir()) == []
    proc = xl("run", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    no_traceback(proc)
    copy = tmp_path / SAMPLE_NAME
    result = tmp_path / "渝中区医疗保障局2023_一体化系统导出_自评结果.xlsx"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([copy.name, result.name])
    assert copy.read_bytes() == bundled_sample().read_bytes()
    assert "结果已写入" in proc.stdout and result.name in proc.stdout
    assert "表11" in openpyxl.load_workbook(result).sheetnames


def test_run_writes_the_result_workbook(tmp_path: Path, yuzhong: Path) -> None:
    before = fingerprint(yuzhong)
    proc = xl("run", yuzhong.name, "-o", "结果.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "结果已写入" in proc.stdout
    assert fingerprint(yuzhong) == before
    wb = openpyxl.load_workbook(tmp_path / "结果.xlsx", data_only=True)  # the cached values of the formulas
    assert wb.sheetnames == ["部门整体", "医疗救助专项经费（残保金）", "居民医保财政补助资金", "购买窗口服务专项经费",
                             "参数", "表11", "校验结果", "变更记录"]
    department = wb["部门整体"]
    assert department["I3"].value == 110  # 自评总分 cell: 10 + 100
    assert (department["F19"].value, department["F20"].value) == (6.1, 42.01)  # 偏离度 of rows 19 and 20
    assert [wb[s]["I3"].value for s in wb.sheetnames[1:4]] == [100, 100, 100]
    summary = wb["表11"]
    rows = [[c.value for c in row] for row in summary.iter_rows(min_row=4, max_row=7, max_col=7)]
    assert rows == [
        [1, "医疗救助专项经费（残保金）", "50010322T000000088769", 2004, 2004, 1, 100],
        [2, "居民医保财政补助资金", "50010322T000002013408", 1413, 1413, 1, 100],
        [3, "购买窗口服务专项经费", "50010322T000000089066", 146, 146, 1, 100],
        ["合计", None, None, 2004 + 1413 + 146, 2004 + 1413 + 146, 1, None],
    ]
    findings = [[c.value for c in row] for row in wb["校验结果"].iter_rows(min_row=2, max_col=4)]
    assert findings[0] == ["错误", "WEIGHT_TOTAL", "部门整体", "H15"]
    # 表11's figures are formulas on each project's own cells: the 总分 cell I3, and the helper cells of the
    # 执行率 row 8 (G8 is its 执行率得分), which start at M, past the table's last column K and a blank L.
    # The export keeps amounts in 元: 20,040,000.00 元 × 0.0001 = 2004 万元.
    formulas = openpyxl.load_workbook(tmp_path / "结果.xlsx")
    first = [formulas["表11"][f"{col}4"].value for col in "DEG"]
    assert first == ["=IF('医疗救助专项经费（残保金）'!M8=\"\",\"\",'医疗救助专项经费（残保金）'!M8*0.0001)",
                     "=IF('医疗救助专项经费（残保金）'!N8=\"\",\"\",'医疗救助专项经费（残保金）'!N8*0.0001)",
                     "=IF('医疗救助专项经费（残保金）'!I3=\"\",\"\",'医疗救助专项经费（残保金）'!I3)"]
    assert formulas["表11"]["D7"].value == "=SUM(D4:D6)"
    link = formulas["校验结果"]["D2"].hyperlink
    assert (link.location, link.target) == ("'部门整体'!H15", None)


@pytest.mark.parametrize("spelling", ["same", "dot_slash", "absolute"])
def test_run_refuses_to_overwrite_its_input(tmp_path: Path, yuzhong: Path, spelling: str) -> None:
    out = {"same": yuzhong.name, "dot_slash": f"./{yuzhong.name}", "absolute": str(yuzhong)}[spelling]
    before = fingerprint(yuzhong)
    proc = xl("run", yuzhong.name, "-o", out, cwd=tmp_path)
    assert proc.returncode == 2
    assert "输出文件不能与输入文件相同" in proc.stderr
    no_traceback(proc)
    assert fingerprint(yuzhong) == before


# =========================================================================== rules, help


def test_rules_list_and_show(tmp_path: Path) -> None:
    proc = xl("rules", "list", cwd=tmp_path)
    assert proc.returncode == 0
    names = [line.split("\t")[0] for line in proc.stdout.splitlines()]
    assert {"default", "national_platform", "jiangxi_yushui", "changshou_table12", "chongqing_export"} <= set(names)
    proc = xl("rules", "show", "default", cwd=tmp_path)
    assert proc.returncode == 0
    assert "execution.weight = 10" in proc.stdout and "total.points = 100" in proc.stdout
    proc = xl("rules", "show", "national_platform", cwd=tmp_path)
    assert "* quantitative.reverse_method = linear" in proc.stdout
    data = json.loads(xl("rules", "show", "changshou_table12", "--json", cwd=tmp_path).stdout)
    assert data["name"] == "changshou_table12" and data["settings"]["execution.weight"] == 0


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, prefix + (name,)))
        else:
            paths.append(prefix + (name,))
    return paths


def test_every_command_has_help_with_an_example(tmp_path: Path) -> None:
    paths = _command_paths(cli_group)
    assert {("validate",), ("score",), ("run",), ("template",), ("rules",), ("rules", "list"),
            ("rules", "show")} <= set(paths)
    for path in paths:
        for flag in ("--help", "-h"):
            proc = xl(*path, flag, cwd=tmp_path)
            assert proc.returncode == 0, (path, proc.stderr)
            assert "示例" in proc.stdout, path
    assert list(tmp_path.iterdir()) == []  # asking for help writes nothing


def test_run_records_every_cell_it_changed(tmp_path: Path) -> None:
    """变更记录 lists the user's cells that `run` rewrote, old and new, and nothing it left as it was.

    Seed 000: the 部门整体 claims 100 but 10 (执行率) + 100 (its indicator weights) = 110; the export stores
    every 执行率得分 as the text "10.00", which becomes the number 10; all other scores equal the claims.
    """
    from tests.helpers.samples.seed_forms import build_yuzhong_2023

    source = build_yuzhong_2023(tmp_path / "yz.xlsx")
    out = tmp_path / "yz_result.xlsx"
    proc = xl("run", str(source), "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = list(openpyxl.load_workbook(out)["变更记录"].iter_rows(values_only=True))
    assert rows[0][0].startswith("xl_tools ") and "规则集 default" in rows[0][0]
    assert rows[1] == ("工作表", "单元格", "内容", "原值", "新值（公式的计算结果）", "原公式", "写入公式")
    assert f"共改动 {len(rows) - 2} 个单元格" in rows[0][0]
    # every score cell now holds a formula; the helper cells are new; only these five show another value
    shown_differently = [r[:5] for r in rows[2:] if r[3] is not None and r[3] != r[4]]
    assert sorted(shown_differently) == sorted([
        ("部门整体", "I3", "总分", 100, 110),
        ("部门整体", "G8", "执行率得分", "10.00", 10),
        ("医疗救助专项经费（残保金）", "G8", "执行率得分", "10.00", 10),
        ("居民医保财政补助资金", "G8", "执行率得分", "10.00", 10),
        ("购买窗口服务专项经费", "G8", "执行率得分", "10.00", 10),
    ])
    assert all(r[6] == "是" for r in rows[2:] if r[2].endswith(("总分", "得分", "偏离度")))
    again = tmp_path / "again.xlsx"
    assert xl("run", str(out), "-o", str(again), cwd=tmp_path).returncode == 0
    rerun = list(openpyxl.load_workbook(again)["变更记录"].iter_rows(values_only=True))
    assert "共改动 0 个单元格" in rerun[0][0] and len(rerun) == 2  # running on its own result changes nothing
    checked = xl("validate", str(out), "--all", cwd=tmp_path)
    assert "SHEET_UNRECOGNISED" not in checked.stdout  # its own 校验结果 and 变更记录 sheets are not forms


@pytest.mark.parametrize("columns", [80, 120, 200])
def test_the_score_table_fits_the_terminal_and_never_breaks_a_number(tmp_path: Path, columns: int) -> None:
    """A Windows console is 120 columns wide; seed 000's amounts (12,573.90 万元 for the department, 2,004.00 for
    医疗救助专项经费) stay whole on one line at any width."""
    import unicodedata

    run = xl("score", REPO / "workbooks" / "渝中区医疗保障局2023_一体化系统导出.xlsx", cwd=tmp_path,
             env={"COLUMNS": str(columns)})
    assert run.returncode == 0, run.stderr
    table = run.stdout.splitlines()[1:]
    cells = [sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in table]
    assert max(cells) <= columns
    for amount in ("12,573.90", "2,004.00", "1,413.00", "146.00", "110.00"):
        assert any(amount in line for line in table), amount
    if columns >= 120:  # wide enough for every column, names whole or wrapped within their column
        assert "工作表" in table[2] and "类型" in table[2]


def test_runs_help_states_its_exit_codes_and_they_hold(tmp_path: Path) -> None:
    """Seed 004 (渝水) has two WEIGHT_TOTAL errors: run still writes its result and exits 0, as its help says."""
    shown = "".join(xl("run", "--help", cwd=tmp_path).stdout.split())  # as wrapped at any width
    assert "退出码：写出了结果文件为0，即使校验发现了错误" in shown and "没有能识别的表格时为2" in shown
    done = xl("run", REPO / "workbooks" / "渝水区医保局2022_项目自评.xlsx", "-o", "结果.xlsx", cwd=tmp_path)
    assert done.returncode == 0 and "错误 2 个" in done.stdout and (tmp_path / "结果.xlsx").is_file()
    assert xl("validate", REPO / "workbooks" / "渝水区医保局2022_项目自评.xlsx", cwd=tmp_path).returncode == 1
