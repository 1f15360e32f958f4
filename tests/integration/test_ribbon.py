"""The ribbon's button functions, driven through xlwings' own API on Linux (its remote interpreter,
``xw.Book(json=...)``): what each button asks Excel to do is the book's list of actions."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings as xw

import xl_tools
from xl_tools import ribbon
from xl_tools.jobs.score import score
from xl_tools.jobs.recompute import recompute

from tests.helpers.paths import REPO
from tests.helpers.xlwings_payload import applied, payload, typed

YUSHUI = REPO / "workbooks" / "渝水区医保局2022_项目自评.xlsx"  # seed 004 in the template, with a 参数 sheet
YUZHONG = REPO / "workbooks" / "渝中区医疗保障局2023_一体化系统导出.xlsx"  # seed 000, no 参数 sheet


def press(name: str, data: dict, **kwargs) -> list[dict]:
    book = xw.Book(json=data)
    ribbon.BUTTONS[name](book, **kwargs)
    return book.json()["actions"]


def cells_written(actions: list[dict], data: dict) -> dict[tuple[str, str], object]:
    """(sheet, cell) -> what was written, for the writes the buttons make into the workbook's own sheets (a run
    of cells down a column is one write)."""
    from xl_tools.reading.grid import cell_address

    names = [s["name"] for s in data["sheets"]]
    added = {a["args"][1] for a in actions if a["func"] == "addSheet"}
    out = {}
    for a in actions:
        if a["func"] in ("setValues", "setFormula") and names[a["sheet_position"]] not in added:
            for r, row in enumerate(a["values"]):
                for c, value in enumerate(row):
                    out[(names[a["sheet_position"]], cell_address(a["start_row"] + r + 1, a["start_column"] + c + 1))] \
                        = value
    return out


def test_importing_the_ribbon_is_cheap() -> None:
    """A click starts a fresh Python: the ribbon module must not pull in the heavy libraries."""
    code = ("import sys, xl_tools.ribbon; "
            "print(sorted(m for m in ('openpyxl', 'pandas', 'lxml', 'python_calamine', 'docx', 'rapidfuzz') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_check_click_stays_light(tmp_path: Path) -> None:
    """校验权重 reads, scores and lists without the libraries that write files (openpyxl, lxml): a click's
    cost is mostly xlwings' own import (bench/run.py measures the whole call as a process)."""
    import json

    data = tmp_path / "payload.json"
    data.write_text(json.dumps(payload(YUSHUI), default=str), encoding="utf-8")
    code = ("import json, sys, xlwings as xw; from xl_tools import ribbon; "
            f"b = xw.Book(json=json.load(open({str(data)!r}, encoding='utf-8'))); ribbon.check(b); "
            "print(sorted(m for m in ('openpyxl', 'lxml', 'docx', 'rapidfuzz') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_check_lists_the_findings_with_links_and_alerts_the_counts() -> None:
    data = payload(YUSHUI)
    actions = press("check", data)
    assert actions[0]["func"] == "addSheet" and actions[0]["args"][1] == "校验结果"
    rows = actions[1]["values"]
    findings = score(YUSHUI).findings  # the same job `xl-tools validate` uses
    assert rows[0] == ["'级别", "'代码", "'工作表", "'单元格", "'项目", "'说明", "'类别"]  # every text typed as text
    assert len(rows) == len(findings) + 1
    # what needs action, project by project in sheet order: seed 004's 医疗服务与保障能力提升 lacks a
    # deviation explanation; 三联单印刷费 and IC卡制作费 have points summing to 100, their errors first
    assert [(r[1], r[4]) for r in rows[1:6]] == [
        ("'EXPLANATION_MISSING", "'医疗服务与保障能力提升补助资金项目"), ("'WEIGHT_TOTAL", "'三联单印刷费项目"),
        ("'CLAIMED_TOTAL_DIFF", "'三联单印刷费项目"), ("'WEIGHT_TOTAL", "'IC卡制作费项目"),
        ("'CLAIMED_TOTAL_DIFF", "'IC卡制作费项目")]
    assert {typed(r[6]) for r in rows[1:6]} == {("text", "需要处理")}
    assert typed(rows[2][3]) == ("text", "H13")
    links = [a["args"][:2] for a in actions if a["func"] == "addHyperlink"]
    assert ["#'三联单印刷费'!H13", "H13"] in links and len(links) == sum(1 for f in findings if f.cell)
    alert = actions[-1]
    assert alert["func"] == "alert" and alert["args"][0].startswith("校验完成：错误 2 个")


def test_recompute_writes_the_formulas_of_the_file_command_and_nothing_else(tmp_path: Path) -> None:
    data = payload(YUSHUI)
    actions = press("recompute", data)
    live = cells_written(actions, data)
    wb = openpyxl.load_workbook(recompute(YUSHUI, tmp_path / "r.xlsx").path)
    from_file = {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
                 if c.data_type == "f"}  # real formulas, not a text like '=100%
    formulas = {k: v for k, v in live.items() if isinstance(v, str) and v.startswith("=")}
    assert formulas == from_file  # the same formulas in the same cells
    constants = {k: typed(v)[1] for k, v in live.items() if k not in formulas}  # the helper columns' values
    assert constants and constants == {(sheet, ref): wb[sheet][ref].value for sheet, ref in constants}
    added = {a["args"][1] for a in actions if a["func"] == "addSheet"}
    calls = [a for a in actions if a["func"] == "setValues" and data["sheets"][a["sheet_position"]]["name"] not in added]
    assert len(calls) * 3 < len(live)  # a run of cells down a column per call, never a call per cell
    assert "deleteSheet" not in Counter(a["func"] for a in actions)
    # the remote interpreter sends no formats: each 执行率 (G6 of the nine tables) is a fraction given 0.00%
    shown = {(data["sheets"][a["sheet_position"]]["name"], a["start_row"], a["start_column"], a["args"][0])
             for a in actions if a["func"] == "setNumberFormat"}
    assert shown == {(ws.title, 5, 6, "0.00%") for ws in wb.worksheets if ws["A1"].value == "项目支出绩效自评表"}


def test_recompute_adds_the_parameters_sheet_when_missing() -> None:
    data = payload(YUZHONG)
    actions = press("recompute", data)
    added = [a["args"][1] for a in actions if a["func"] == "addSheet"]
    assert added == ["参数", "变更记录", "_xl_tools_undo"]  # 变更记录 as `xl-tools recompute` writes it
    formulas = [v for v in cells_written(actions, data).values() if isinstance(v, str)]
    assert any("'参数'!" in f for f in formulas)  # the formulas read the settings there


def test_undo_puts_back_what_the_last_button_overwrote() -> None:
    """After 重算得分 (Excel carried out its actions), 撤销 writes the old contents back: seed 004's
    医疗救助补助资金 had the claimed scores 20 in I13 and 100 in its total I21, and nothing in the helper columns."""
    before = payload(YUSHUI)
    after = applied(before, press("recompute", before))
    undone = press("undo", after)
    restored = cells_written(undone, after)
    assert restored[("医疗救助补助资金", "I13")] == 20 and restored[("医疗救助补助资金", "I21")] == 100
    assert restored[("医疗救助补助资金", "O13")] == ""  # a helper cell cleared (the remote engine sends None as "")
    assert [a["func"] for a in undone][-2:] == ["sheetDelete", "alert"]
    assert press("undo", applied(after, undone))[-1]["args"][0] == "没有可以撤销的操作。"


def test_fill_writes_only_the_input_cells(tmp_path: Path) -> None:
    from tests.helpers.cli import xl

    new = tmp_path / "自评.xlsx"
    assert xl("new", "--from-targets", REPO / "workbooks" / "綦江区医疗保障局2023_项目支出绩效目标表.xlsx",
              "-o", new, cwd=tmp_path).returncode == 0
    assert xl("collect", new, "-o", tmp_path / "采集表.xlsx", cwd=tmp_path).returncode == 0
    wb = openpyxl.load_workbook(tmp_path / "采集表.xlsx")
    ws = wb.active
    ws["G4"], ws["G5"] = 2800, 96  # 城乡居民医疗保险基金区级补助: 全年执行数, 资金及时划拨
    wb.save(tmp_path / "已填.xlsx")
    data = payload(new)
    actions = press("fill", data, source=tmp_path / "已填.xlsx")
    written = cells_written(actions, data)
    assert written == {("城乡居民医疗保险基金区级补助（预安排）", "E6"): 2800,
                       ("城乡居民医疗保险基金区级补助（预安排）", "G13"): 96}
    assert "已填入 2 个单元格" in actions[-1]["args"][0]


def test_a_failure_is_a_message_box_not_a_traceback() -> None:
    data = payload(YUSHUI)
    data["book"]["name"] = "未保存.xlsx"  # an unsaved workbook: no folder to write beside
    actions = press("collect", data)
    assert actions[-1]["func"] == "alert" and actions[-1]["args"][3] == "critical"
    assert "请先保存工作簿" in actions[-1]["args"][0]
    broken = payload(YUSHUI)
    broken["sheets"] = [{"name": "备忘", "pictures": [], "tables": [], "values": [["年底前报送"]]}]
    broken["names"] = []
    actions = press("recompute", broken)
    assert actions[-1]["args"][3] == "critical" and "没有能识别的绩效自评表" in actions[-1]["args"][0]


def test_collect_and_report_write_beside_the_saved_workbook(tmp_path: Path) -> None:
    saved = tmp_path / YUSHUI.name
    saved.write_bytes(YUSHUI.read_bytes())
    data = payload(saved)
    data["book"]["name"] = str(saved)  # what Excel gives as the full name of a saved workbook
    assert "采集表已写入" in press("collect", data)[-1]["args"][0]
    assert "报告已写入" in press("report", data)[-1]["args"][0]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [saved.name, f"{saved.stem}_采集表.xlsx", f"{saved.stem}_自评报告.docx"])


def _file_cells(ws: Any) -> dict[str, tuple[str, Any]]:
    """cell -> ("formula", text without "=") or ("value", value) of every non-empty cell of a sheet in a file."""
    out = {}
    for row in ws.iter_rows():
        for c in row:
            if c.data_type == "f":
                out[c.coordinate] = ("formula", str(c.value)[1:])
            elif c.value is not None and c.value != "":
                out[c.coordinate] = ("value", float(c.value) if isinstance(c.value, (int, float)) else c.value)
    return out


def _live_cells(after: dict, sheet: str) -> dict[str, tuple[str, Any]]:
    from xl_tools.core.addresses import cell_address

    values = next(s["values"] for s in after["sheets"] if s["name"] == sheet)
    out = {cell_address(r, c): ("value", v) for r, row in enumerate(values, start=1)
           for c, v in enumerate(row, start=1) if v != ""}
    out.update({ref: ("formula", text) for ref, text in after["formulas"].get(sheet, {}).items()})
    return out


def test_the_summary_button_writes_what_run_writes(tmp_path: Path) -> None:
    """生成表11 through the dispatcher, carried out as Excel would: every cell of every sheet — the tables with
    their score formulas, 表11 following them, 校验结果, 参数, 变更记录 — holds what `xl-tools run` writes to
    a file."""
    from xl_tools.jobs.run import run

    data = payload(YUSHUI)
    book = xw.Book(json=data)
    ribbon.run("summary", book)
    actions = book.json()["actions"]
    assert actions[-1]["args"][0].startswith("已生成「表11」：9 个项目")
    after = applied(data, actions)
    written = openpyxl.load_workbook(run(YUSHUI, tmp_path / "结果.xlsx").path)
    compared = 0
    for ws in written.worksheets:
        expected, live = _file_cells(ws), _live_cells(after, ws.title)
        assert live == expected, ws.title
        compared += len(expected)
    assert {"表11", "校验结果", "变更记录"} <= {s["name"] for s in after["sheets"]} and compared > 1000
    links = {a["args"][0] for a in actions if a["func"] == "addHyperlink"}
    assert {c.hyperlink.location for row in written["校验结果"].iter_rows() for c in row if c.hyperlink} == \
        {link[1:] for link in links}
    _same_panes_and_chart(actions, after, written, run_file=tmp_path / "结果.xlsx")
    with pytest.raises(KeyError):
        ribbon.run("nonexistent", book)


def _same_panes_and_chart(actions: list[dict], after: dict, written: Any, run_file: Path) -> None:
    """The sheets 生成表11 adds freeze the rows run's file freezes, and 表11's chart plots the cells the file's
    chart plots (its values with their header as the series name, the project names as categories)."""
    import re
    import zipfile

    names = [s["name"] for s in after["sheets"]]
    frozen = {names[a["sheet_position"]]: a["args"][0] for a in actions if a["func"] == "freezePaneAtRange"}
    expected = {}
    for ws in written.worksheets:
        if ws.freeze_panes:  # the first cell that scrolls: "A3" keeps rows 1 and 2
            assert re.fullmatch(r"A\d+", ws.freeze_panes), ws.freeze_panes
            expected[ws.title] = f"1:{int(ws.freeze_panes[1:]) - 1}"
    assert frozen == expected and {"校验结果", "变更记录"} <= set(frozen)
    with zipfile.ZipFile(run_file) as zf:
        chart_xml = zf.read(next(n for n in zf.namelist() if n.startswith("xl/charts/chart"))).decode()
    # 9 projects in rows 4–12 under the header row 3; G 自评得分, B 项目名称
    assert re.findall(r"<(?:c:)?f>([^<]+)</(?:c:)?f>", chart_xml) == ["'表11'!G3", "'表11'!$B$4:$B$12",
                                                                      "'表11'!$G$4:$G$12"]
    added = next(a for a in actions if a["func"] == "addChart")
    categories = next(a for a in actions if a["func"] == "setChartXAxisValues")
    assert names[added["sheet_position"]] == "表11" and added["args"][1:4] == ["BarClustered", "表11", "$G$3:$G$12"]
    assert categories["args"][1:] == ["表11", "$B$4:$B$12"]


def test_pdf_export_is_excels_and_says_so_where_excel_is_absent(tmp_path: Path) -> None:
    """导出PDF asks Excel itself (Book.to_pdf, its print settings); the remote engine has no PDF export, and
    the button then points to `xl-tools convert` instead of failing with a traceback."""
    saved = tmp_path / YUSHUI.name
    saved.write_bytes(YUSHUI.read_bytes())
    data = payload(saved)
    data["book"]["name"] = str(saved)
    alert = press("pdf", data)[-1]
    assert alert["args"][3] == "critical" and "xl-tools convert" in alert["args"][0]


def test_recompute_applied_to_the_file_computes_what_the_command_line_computes(tmp_path: Path) -> None:
    """The actions of 重算得分 written into the workbook file (as Excel would save it), recalculated by
    LibreOffice, give every formula cell the value of `xl-tools recompute`'s file recalculated the same way."""
    from xl_tools.adapters.libreoffice import convert_many

    from tests.helpers.xlwings_payload import apply_to_file

    actions = press("recompute", payload(YUSHUI))
    live = apply_to_file(YUSHUI, actions, tmp_path / "live.xlsx")
    cli = recompute(YUSHUI, tmp_path / "cli.xlsx").path
    live_done, cli_done = convert_many([live, cli], "xlsx", tmp_path / "lo", task="重新计算")
    a = openpyxl.load_workbook(live_done, data_only=True)
    b = openpyxl.load_workbook(cli_done, data_only=True)
    formulas = openpyxl.load_workbook(cli)
    checked = 0
    for ws in formulas.worksheets:
        if ws.title in ("变更记录", "参数"):
            continue
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    assert a[ws.title][c.coordinate].value == b[ws.title][c.coordinate].value, (ws.title, c.coordinate)
                    checked += 1
    assert checked > 300


def test_an_addin_of_another_version_says_so_and_does_nothing() -> None:
    """The VBA passes the version it was built for; an xl_tools upgraded since (pip install -U, no new
    `addin install`) stops at one message naming both versions and the command that fixes it."""
    data = payload(YUSHUI)
    book = xw.Book(json=data)
    ribbon.run("recompute", book, addin="0.0.1")
    actions = book.json()["actions"]
    assert [a["func"] for a in actions] == ["alert"]
    text, _, _, mode, _ = actions[0]["args"]
    assert mode == "critical"
    assert "xl_tools 0.0.1 版" in text and f"xl_tools 是 {xl_tools.__version__} 版" in text
    assert "xl-tools addin install" in text
    same = xw.Book(json=payload(YUSHUI))
    ribbon.run("recompute", same, addin=xl_tools.__version__)
    assert "的计分公式" in same.json()["actions"][-1]["args"][0]


def test_a_workbook_opened_from_onedrive_is_found_in_the_synced_folder(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Excel names a workbook opened from OneDrive by its web address; the files go beside the synced copy."""
    synced = tmp_path / "OneDrive" / "绩效自评"
    synced.mkdir(parents=True)
    (synced / YUSHUI.name).write_bytes(YUSHUI.read_bytes())
    monkeypatch.setenv("OneDrive", str(tmp_path / "OneDrive"))
    data = payload(YUSHUI)
    data["book"]["name"] = f"https://d.docs.live.net/4f2a9c1e/绩效自评/{YUSHUI.name}"
    assert "采集表已写入" in press("collect", data)[-1]["args"][0]
    assert (synced / f"{YUSHUI.stem}_采集表.xlsx").is_file()


def test_a_workbook_online_only_gets_a_message_saying_what_to_do(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OneDrive", str(tmp_path / "nothing synced"))
    monkeypatch.setenv("HOME", str(tmp_path))
    data = payload(YUSHUI)
    data["book"]["name"] = "https://contoso-my.sharepoint.com/personal/zhang_contoso_com/Documents/自评.xlsx"
    last = press("collect", data)[-1]["args"]
    assert last[3] == "critical"
    assert last[0].startswith("此工作簿在 OneDrive/SharePoint 网络位置上（https://contoso-my.sharepoint.com/")
    assert "另存到本机的文件夹" in last[0]
    assert list(tmp_path.iterdir()) == []


def test_an_unexpected_failure_is_logged_for_the_helpdesk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import xl_tools.jobs.evaluation

    def broken(book: Any) -> None:
        raise RuntimeError("模拟的内部故障")

    log = tmp_path / "logs" / "buttons.log"
    monkeypatch.setenv("XL_TOOLS_LOG", str(log))
    monkeypatch.setattr(xl_tools.jobs.evaluation, "evaluate_book", broken)
    text = press("check", payload(YUSHUI))[-1]["args"][0]
    assert "RuntimeError: 模拟的内部故障" in text and f"详细记录在 {log}" in text
    logged = log.read_text(encoding="utf-8")
    assert "按钮 check：Traceback" in logged and 'raise RuntimeError("模拟的内部故障")' in logged
