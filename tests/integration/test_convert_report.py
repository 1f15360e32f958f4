"""``xl-tools convert`` on a Word document: the 自评报告 to PDF through LibreOffice's writer, checked with poppler
(pdftotext, pdffonts); a damaged or oversized .docx is refused with a message about a Word document, before
LibreOffice sees it.  Expected texts are seed 000's (渝中区 2023: unit and project names)."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest

from xl_tools.adapters import libreoffice
from xl_tools.jobs import convert as conversion

from tests.helpers.cli import no_traceback, xl
from tests.helpers.paths import WORKBOOKS

YUZHONG = "渝中区医疗保障局2023_一体化系统导出.xlsx"
TITLE = "重庆市渝中区医疗保障局2023年度项目支出绩效自评报告"  # seed 000: 项目主管部门 094-重庆市渝中区医疗保障局
PROJECTS = ["医疗救助专项经费（残保金）", "居民医保财政补助资金", "购买窗口服务专项经费"]  # seed 000's three projects


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    proc = xl("report", WORKBOOKS / YUZHONG, "-o", "自评报告.docx", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    return folder / "自评报告.docx"


def no_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused file must not reach LibreOffice at all."""
    def refuse(*args, **kwargs):
        raise AssertionError("LibreOffice was started")
    monkeypatch.setattr(libreoffice, "convert_many", refuse)


def test_the_report_converts_to_a_pdf_with_its_chinese_text(report: Path) -> None:
    proc = xl("convert", report.name, "--to", "pdf", cwd=report.parent)
    assert proc.returncode == 0, proc.stderr
    no_traceback(proc)
    pdf = report.with_suffix(".pdf")
    assert proc.stdout.strip() == f"{report.name} → {pdf.name}"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert TITLE in flat and all(name in flat for name in PROJECTS) and "\ufffd" not in text
    assert "2,004.00" in text.split()  # 表11: 20,040,000.00 元 = 2,004.00 万元, on one line
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert [line for line in fonts if "CJK" in line and line.split()[-5] == "yes"]  # a CJK font, embedded


def test_a_word_document_converts_only_to_pdf(report: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_libreoffice(monkeypatch)
    for fmt in ("xlsx", "ods"):
        result, = conversion.convert([report], fmt, tmp_path)
        assert result.output is None
        assert result.error == f"{report.name} 是 Word 文档（.docx），只能转换为 PDF（--to pdf）；转换为 .{fmt} 的只能是 Excel 工作簿"


def test_a_truncated_docx_is_called_a_damaged_word_document(report: Path, tmp_path: Path) -> None:
    broken = tmp_path / "报告.docx"
    broken.write_bytes(report.read_bytes()[:3000])  # cut off while copying: the zip directory is gone
    proc = xl("convert", broken.name, "--to", "pdf", cwd=tmp_path)
    assert proc.returncode == 2
    no_traceback(proc)
    assert "报告.docx 已损坏：压缩包结构不完整（可能下载或复制时被截断），不是可以打开的 Word 文档" in proc.stdout + proc.stderr
    assert "工作簿" not in proc.stdout + proc.stderr
    assert not (tmp_path / "报告.pdf").exists()


def _docx_with(part: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
        zf.writestr(part, data)
    return buffer.getvalue()


def test_a_zip_bomb_docx_never_reaches_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workbook guard's measures (package_guard.Entries): a part inflating 1,000 times is refused, and a
    part whose directory entry lies about its size is found out while it is inflated."""
    no_libreoffice(monkeypatch)
    bomb = tmp_path / "炸弹.docx"
    bomb.write_bytes(_docx_with("word/media/image1.png", bytes(8 * 2**20)))  # 8 MB of zeros, ~8 KB compressed
    result, = conversion.convert([bomb], "pdf", tmp_path)
    assert result.output is None and "压缩比异常" in result.error and "压缩炸弹" in result.error
    liar = tmp_path / "谎报.docx"
    content = bytearray(_docx_with("word/media/image1.png", b"x" * 1000))
    directory = content.rindex(b"PK\x01\x02")  # the last central-directory entry: the image
    content[directory + 24:directory + 28] = (10).to_bytes(4, "little")  # says 10 bytes, inflates to 1000
    liar.write_bytes(bytes(content))
    result, = conversion.convert([liar], "pdf", tmp_path)
    assert result.output is None and "解压后的大小与文件目录中写明的不符" in result.error
