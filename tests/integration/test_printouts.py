"""What goes to the 财政局 on paper: `run`'s workbooks printed through LibreOffice (standing in for Excel/WPS with
Noto fonts for 宋体), read back with poppler.  No text is printed over other text (a long name in a fixed-height
row, a clipped header label), the working sheets stay out of the printout, and 表11's chart has a page of its own
with its bars in the table's order and both axes."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.utils import range_boundaries

from xl_tools.core.addresses import address_row_col
from xl_tools.core.errors import XlToolsError
from xl_tools.jobs.recompute import recompute

from tests.helpers.cli import xl
from tests.helpers.paths import REAL, REPO
from tests.helpers.pdf_layout import overprinted, words

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

SAMPLES = ["渝中区医疗保障局2023_一体化系统导出", "渝水区医保局2022_项目自评", "渝水区医保局2022_层级式自评表_单表堆叠",
           "长寿区医疗保障局2021_表10表11表12"]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("printouts")
    for name in SAMPLES:
        assert xl("run", REPO / "workbooks" / f"{name}.xlsx", "-o", f"{name}.xlsx", cwd=folder).returncode == 0
    (folder / "模板.xlsx").write_bytes((REPO / "templates" / "绩效自评模板.xlsx").read_bytes())
    books = [f"{name}.xlsx" for name in SAMPLES] + ["模板.xlsx"]
    run = xl("convert", *books, "--to", "pdf", "-o", "pdf", cwd=folder)  # one LibreOffice for all
    assert run.returncode == 0, run.stdout + run.stderr
    return {name: folder / "pdf" / f"{name}.pdf" for name in [*SAMPLES, "模板"]} | {"folder": folder}


def pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


@pytest.mark.parametrize("name", [*SAMPLES, "模板"])
def test_no_text_is_printed_over_other_text(printed: dict[str, Path], name: str) -> None:
    assert [(a.page, a.text, b.text) for a, b in overprinted(printed[name])] == []


@pytest.mark.parametrize("name", SAMPLES)
def test_the_working_sheets_are_not_printed(printed: dict[str, Path], name: str) -> None:
    """参数 (the formulas' settings, English keys) and 变更记录 (thousands of rows) are hidden sheets: Excel's
    and WPS's print-all and LibreOffice's PDF leave them out; the forms, 表11 and 校验结果 are printed."""
    text = "".join(pages(printed[name]))
    assert "评分参数" not in text and "共改动" not in text  # the titles of 参数 and 变更记录
    assert "项目绩效自评结果汇总表" in text and "级别" in text
    with zipfile.ZipFile(printed["folder"] / f"{name}.xlsx") as zf:
        book = etree.fromstring(zf.read("xl/workbook.xml"))
    states = {s.get("name"): s.get("state", "visible") for s in book.iter(f"{MAIN}sheet")}
    assert states["变更记录"] == "hidden" and states["表11"] == "visible"


@pytest.mark.parametrize("name", SAMPLES)
def test_the_helper_columns_are_not_printed(printed: dict[str, Path], name: str) -> None:
    """The helper columns right of each form (工具辅助列（请勿修改）, the numbers the formulas read) stay on the
    screen: a sheet without a print area of its own gets one of the form's columns, so the page shows the form
    at the size it had, not shrunk to make room for them.  A print area the workbook has is left as it is."""
    folder = printed["folder"]
    with zipfile.ZipFile(REPO / "workbooks" / f"{name}.xlsx") as zf:
        own = [el for el in etree.fromstring(zf.read("xl/workbook.xml")).iter(f"{MAIN}definedName")
               if el.get("name") == "_xlnm.Print_Area"]
    book = openpyxl.load_workbook(folder / f"{name}.xlsx")
    helpers = [ws.title for ws in book.worksheets if ws.sheet_state == "visible" and any(
        c.value == "工具辅助列（请勿修改）" for row in ws.iter_rows() for c in row)]  # not 变更记录's list of them
    assert helpers  # written on the screen
    for title in helpers:
        area = book[title].print_area
        assert area, title
        bounds = range_boundaries(area.split("!")[-1].replace("$", ""))
        header = next(c for row in book[title].iter_rows() for c in row if c.value == "工具辅助列（请勿修改）")
        assert bounds[2] < header.column, (title, area)
    for el in own:  # the workbook's own print areas, as they were
        assert book.worksheets[int(el.get("localSheetId"))].print_area == el.text
    assert "辅助列" not in "".join(pages(printed[name]))


def _extent(ws) -> tuple[int, int]:
    """(last row, last column) of the cells holding a value and of the merged ranges, as openpyxl reads them."""
    cells = [(c.row, c.column) for row in ws.iter_rows() for c in row if c.value is not None]
    cells += [(m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    return max((r for r, _ in cells), default=0), max((c for _, c in cells), default=0)


def test_the_print_area_holds_every_cell_of_the_form_and_no_helper(tmp_path: Path) -> None:
    """Every sheet recompute writes helper columns on, in the samples and the real-forms corpus (their widths
    differ: some forms have columns no reader takes, 偏差原因分析及改进措施 right of 指标得分): its print area
    holds every cell and merged range the sheet had, and none of the helper cells written right of them.  (A
    table read without its indicator rows gets its funds helpers right of the cells read, which may lie inside
    its width, and they print: xinjiang_fukang, transcribed down to the indicators' header only.)"""
    sys.path.insert(0, str(REAL))
    import build

    sources = [REPO / "workbooks" / f"{name}.xlsx" for name in SAMPLES]
    sources += [build.build(table, tmp_path / f"{path.stem}.xlsx") for path, table in build.tables()]
    checked = 0
    for source in sources:
        try:
            written = recompute(source, tmp_path / f"{source.stem}_written.xlsx")
        except XlToolsError:  # nothing recognised: the corpus's NOT_YET tables
            continue
        before, after = openpyxl.load_workbook(source), openpyxl.load_workbook(written.path)
        for sheet in {change.sheet for change in written.changes} & set(before.sheetnames):
            if after[sheet].print_area == before[sheet].print_area:  # its own, kept
                continue
            rows, cols = _extent(before[sheet])
            left, first, right, last = range_boundaries(after[sheet].print_area.split("!")[-1].replace("$", ""))
            assert (first, left) == (1, 1) and last >= rows and right >= cols, (source.name, sheet)
            outside = [c.ref for c in written.changes if c.sheet == sheet and address_row_col(c.ref)[1] > cols]
            assert all(address_row_col(ref)[1] > right for ref in outside), (source.name, sheet, right, outside)
            checked += bool(outside)  # a form wider than the cells read holds its helpers (fukang): printed
    assert checked >= 20


@pytest.mark.parametrize("name", ["渝中区医疗保障局2023_一体化系统导出", "渝水区医保局2022_项目自评"])
def test_the_chart_has_a_page_of_its_own_in_table_order(printed: dict[str, Path], name: str, tmp_path: Path) -> None:
    """Below 表11's 合计 row the page stays blank (LibreOffice keeps the chart's clipped text in the PDF, so the
    pixels are looked at, not the text); the next page shows the chart, its bars named in the table's order."""
    from PIL import Image

    found = words(printed[name])
    (total,) = [w for w in found if w.text == "合计" and any(v.page == w.page and v.text == "项目绩效自评结果汇总表"
                                                          for v in found)]
    subprocess.run(["pdftoppm", "-r", "72", "-gray", "-f", str(total.page), "-l", str(total.page), "-png",
                    str(printed[name]), str(tmp_path / "page")], check=True)
    (image,) = tmp_path.glob("page*.png")
    with Image.open(image) as page:
        below = page.convert("L").crop((0, int(total.y1) + 20, page.width, page.height - 40))
        dark = sum(below.histogram()[:200])  # pixels darker than light grey
    assert dark / (below.width * below.height) < 0.001
    chart_page = pages(printed[name])[total.page]  # the page after (pages() counts from 0)
    assert "各项目自评得分" in chart_page and "自评得分" in chart_page
    if name == "渝水区医保局2022_项目自评":  # seed 004's nine projects, every one named, the table's first on top
        labels = [line.strip() for line in chart_page.splitlines() if line.strip().endswith("项目")]
        assert labels[0] == "医疗救助补助资金项目" and labels[-1] == "IC 卡制作费项目" and len(labels) == 9


def test_the_charts_axes_are_written_out(printed: dict[str, Path]) -> None:
    with zipfile.ZipFile(printed["folder"] / "渝水区医保局2022_项目自评.xlsx") as zf:
        chart = zf.read(next(n for n in zf.namelist() if n.startswith("xl/charts/chart"))).decode()
    category, value = chart.split("<valAx>")
    assert '<orientation val="maxMin"/>' in category and '<tickLblSkip val="1"/>' in category
    assert '<delete val="0"/>' in category and '<delete val="0"/>' in value
