"""``xl-tools convert``: LibreOffice headless on the real template and samples.

The PDFs are checked with poppler (pdfinfo, pdffonts, pdftotext): A4 pages,
landscape project sheets, one page per sheet (so one page wide), the indicator
header repeated on every page of a long sheet, a CJK font embedded.  The
recalculation test writes a formula whose cached value is wrong by hand, so
the only way to read the right value back is LibreOffice recalculating it.
"""

from __future__ import annotations

import re
import subprocess
import threading
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from xl_tools.jobs import convert as conversion
from xl_tools.adapters import libreoffice
from xl_tools.core.errors import XlToolsError
from xl_tools.jobs.score import score
from xl_tools.workbook.save import save_stable
from xl_tools.workbook.template import ProjectSpec, add_project_sheet, build_template

from tests.helpers.cli import no_traceback, xl
from tests.helpers.samples.hierarchical import build_yushui_hierarchical
from tests.helpers.samples.seed_forms import build_changshou_2021, build_yuzhong_2023
from tests.helpers.samples.yushui import build_yushui_2022

A4 = (595.3, 841.9)  # points, portrait
BUILDERS = {
    "模板.xlsx": lambda p: build_template(p, year=2024),
    "渝中区2023.xlsx": build_yuzhong_2023,
    "长寿区2021.xlsx": build_changshou_2021,
    "渝水区2022.xlsx": build_yushui_2022,
    "渝水区2022_堆叠.xlsx": lambda p: build_yushui_hierarchical(p, one_sheet=True),
}


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out, re.M)]


def page_texts(pdf: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def fonts(pdf: Path) -> list[tuple[str, str]]:
    """(name, embedded yes/no) of every font pdffonts lists."""
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    return [(line.split()[0], line.split()[-5]) for line in lines[2:]]


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("books")
    return {name: build(folder / name) for name, build in BUILDERS.items()}


@pytest.fixture(scope="module")
def pdfs(books: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """All samples converted by one call, which must start soffice once."""
    starts = []
    real_popen = libreoffice.subprocess.Popen

    def counting_popen(cmd, **kw):
        starts.append(cmd)
        return real_popen(cmd, **kw)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(libreoffice.subprocess, "Popen", counting_popen)
        results = conversion.convert(list(books.values()), "pdf", tmp_path_factory.mktemp("pdf"))
    assert len(starts) == 1
    assert [r.error for r in results] == [None] * len(books)
    return {name: r.output for name, r in zip(books, results)}


def wrong_cache_book(path: Path) -> Path:
    """A1 holds =1+1 with a cached value of 5, written into the sheet XML by hand."""
    wb = Workbook()
    wb.active["A1"] = "=1+1"
    wb.active["B1"] = "旁注"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {info: zf.read(info) for info in zf.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts.items():
            if info.filename == "xl/worksheets/sheet1.xml":
                fixed = re.sub(rb'<c r="A1"[^>]*>.*?</c>', b'<c r="A1"><f>1+1</f><v>5</v></c>', data)
                assert fixed != data
                data = fixed
            zf.writestr(info, data)
    return path


# =========================================================================== recalculation


def test_recalculation_is_forced_and_keeping_the_cache_would_show_the_wrong_value(tmp_path: Path) -> None:
    book = wrong_cache_book(tmp_path / "wrong.xlsx")
    assert openpyxl.load_workbook(book, data_only=True).active["A1"].value == 5  # the trap is set
    forced, = libreoffice.convert_many([book], "csv", tmp_path / "forced", task="测试")
    kept, = libreoffice.convert_many([book], "csv", tmp_path / "kept", task="测试", recalc=False)
    assert forced.read_text(encoding="utf-8").split(",")[0] == "2"
    assert kept.read_text(encoding="utf-8").split(",")[0] == "5"


def test_convert_to_xlsx_writes_the_recalculated_value(tmp_path: Path) -> None:
    book = wrong_cache_book(tmp_path / "wrong.xlsx")
    result, = conversion.convert([book], "xlsx")
    assert result.output == tmp_path / "wrong_转换.xlsx"  # never the input itself
    assert openpyxl.load_workbook(result.output, data_only=True).active["A1"].value == 2
    assert openpyxl.load_workbook(book, data_only=True).active["A1"].value == 5  # input untouched


# =========================================================================== the PDF


def test_every_page_is_a4(pdfs: dict[str, Path]) -> None:
    for name, pdf in pdfs.items():
        sizes = page_sizes(pdf)
        assert sizes, name
        for w, h in sizes:
            assert sorted((round(w, 1), round(h, 1))) == sorted(A4), (name, w, h)


def test_each_sheet_prints_on_one_page_so_one_page_wide(books: dict[str, Path], pdfs: dict[str, Path]) -> None:
    for name in ("模板.xlsx", "渝中区2023.xlsx", "长寿区2021.xlsx", "渝水区2022.xlsx"):
        shown = [ws for ws in openpyxl.load_workbook(books[name], read_only=True).worksheets
                 if ws.sheet_state == "visible"]  # 参数 is a hidden working sheet: not printed
        assert len(page_sizes(pdfs[name])) == len(shown), name


def test_project_sheets_print_landscape_and_parameters_not_at_all(pdfs: dict[str, Path]) -> None:
    for name in ("模板.xlsx", "渝水区2022.xlsx"):
        pages = list(zip(page_sizes(pdfs[name]), page_texts(pdfs[name])))
        projects = [(w, h) for (w, h), text in pages if "项目支出绩效自评表" in text]
        assert projects and all(w > h for w, h in projects), name
        assert not [text for _, text in pages if "评分参数" in text], name  # 参数: hidden, out of the printout


def test_stacked_forms_each_start_a_page(pdfs: dict[str, Path]) -> None:
    texts = page_texts(pdfs["渝水区2022_堆叠.xlsx"])
    starts = [t for t in texts if t.strip().startswith("项目支出绩效自评表")]
    assert len(starts) == 9
    assert all(t.count("项目支出绩效自评表") <= 1 for t in texts)  # never two forms on a page
    assert "医疗救助补助资金项目" in starts[0] and "IC卡制作费项目" in starts[-1]


def test_chinese_text_and_embedded_cjk_font(pdfs: dict[str, Path]) -> None:
    text = "".join(page_texts(pdfs["渝水区2022.xlsx"]))
    assert "项目支出绩效自评表" in text and "医疗救助补助资金项目" in text
    for name, pdf in pdfs.items():
        listed = fonts(pdf)
        assert any("CJK" in font for font, _ in listed), (name, listed)
        assert all(embedded == "yes" for _, embedded in listed), (name, listed)


def test_songti_forms_print_in_a_serif_cjk_face(pdfs: dict[str, Path]) -> None:
    """The forms are set in 宋体; the adapter's fontconfig alias maps it to Noto Serif CJK, not a sans face."""
    listed = [font for font, _ in fonts(pdfs["渝水区2022.xlsx"])]
    assert any("SerifCJK" in font for font in listed), listed


def test_a_long_project_sheet_repeats_the_indicator_header(tmp_path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    add_project_sheet(wb, "项目1", ProjectSpec(name="长表测试项目", year=2024), blank_rows=80)
    pdf = conversion.convert([save_stable(wb, tmp_path / "长表.xlsx")], "pdf")[0].output
    texts = page_texts(pdf)
    assert len(texts) >= 2
    assert all("一级指标" in t and "偏差原因分析及改进措施" in t for t in texts)
    assert all(w > h for w, h in page_sizes(pdf))


# =========================================================================== files, batches, failures


def test_xlsx_to_ods_and_back_scores_the_same(books: dict[str, Path], tmp_path: Path) -> None:
    ods, = conversion.convert([books["渝水区2022.xlsx"]], "ods", tmp_path / "ods")
    assert zipfile.ZipFile(ods.output).read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    back, = conversion.convert([ods.output], "xlsx", tmp_path / "back")
    totals = [p.total for p in score(books["渝水区2022.xlsx"]).scored.projects]
    assert [p.total for p in score(back.output).scored.projects] == totals


def test_two_conversions_at_once_both_succeed(books: dict[str, Path], tmp_path: Path) -> None:
    results: dict[int, list[conversion.Converted]] = {}

    def run(i: int) -> None:
        results[i] = conversion.convert([books["模板.xlsx"], books["长寿区2021.xlsx"]], "pdf",
                                              tmp_path / f"run{i}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 1]
    for converted in results.values():
        assert all(r.output is not None and page_sizes(r.output) for r in converted)


def test_missing_soffice_says_how_to_install(books: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    with pytest.raises(libreoffice.LibreOfficeError,
                       match="需要 LibreOffice.*apt-get install libreoffice-calc libreoffice-writer fonts-noto-cjk"):
        conversion.convert([books["模板.xlsx"]], "pdf")


def test_same_names_from_two_folders_into_one_folder_are_refused(books: dict[str, Path], tmp_path: Path) -> None:
    other = tmp_path / "other" / "模板.xlsx"
    other.parent.mkdir()
    other.write_bytes(books["模板.xlsx"].read_bytes())
    with pytest.raises(XlToolsError, match="同一个文件"):
        conversion.convert([books["模板.xlsx"], other], "pdf", tmp_path / "out")


def test_cli_reports_each_file_and_exits_2_on_a_bad_one(books: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "说明.txt").write_text("不是工作簿\n", encoding="utf-8")
    proc = xl("convert", books["长寿区2021.xlsx"], "说明.txt", "--to", "pdf", "-o", "打印", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2
    assert proc.stdout.splitlines() == [f"{books['长寿区2021.xlsx']} → 打印/长寿区2021.pdf",
                                        "说明.txt：未转换。说明.txt 是纯文本文件，不是 Excel 工作簿；请提交 Excel 格式的自评表"]
    assert proc.stderr.strip().splitlines() == ["错误：1 个文件未能转换：说明.txt 是纯文本文件，不是 Excel 工作簿；"
                                                "请提交 Excel 格式的自评表"]
    assert page_sizes(tmp_path / "打印" / "长寿区2021.pdf")


def test_cli_without_soffice_exits_2_with_one_line(books: dict[str, Path], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    proc = xl("convert", books["模板.xlsx"], "--to", "pdf", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 2
    line, = proc.stderr.strip().splitlines()
    assert "需要 LibreOffice" in line and "apt-get install libreoffice-calc" in line


def test_the_addin_is_not_called_corrupt(tmp_path: Path) -> None:
    from tests.helpers.paths import REPO

    run = xl("convert", REPO / "templates" / "xl_tools.xlam", "--to", "pdf", "-o", tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 2
    assert "xl_tools.xlam 是 Excel 加载项（.xlam：功能区按钮和宏），不是工作簿，没有可转换的表格" in run.stdout
    assert "损坏" not in run.stdout + run.stderr
