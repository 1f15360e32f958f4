"""Files as users really hand them over: .xls, encrypted, protected, renamed, and not workbooks at all.

Every input is a real file: .xls made by LibreOffice from the seed samples, an
.xlsx encrypted by msoffcrypto-tool, an .xls encrypted here with RC4 (the
Office 97/2000 scheme, written independently of the reader), Word and
OpenDocument packages built entry by entry.  Expected figures are the seeds'
(copied in, as in test_layouts) or hand computations written next to them.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import struct
import tracemalloc
import zipfile
from pathlib import Path
from collections.abc import Callable
from typing import Any

import olefile
import openpyxl
import pytest
import python_calamine
import xlrd
from openpyxl.workbook.protection import WorkbookProtection

from xl_tools.jobs import score as score_job
from xl_tools.jobs.run import run
from xl_tools.jobs.score import score
from xl_tools.jobs.evaluation import evaluate_book, read_book
from xl_tools.adapters import libreoffice
from xl_tools.core.errors import WorkbookReadError
from xl_tools.reading import limits
from xl_tools.reading.open import open_workbook

from tests.helpers.cli import CJK, Run, no_traceback, xl
from tests.helpers.files import encrypt_xlsx, enormous_book, soffice_convert
from tests.helpers.samples.seed_forms import build_changshou_2021, build_yuzhong_2023

PASSWORD = "自评-Pw#2023"  # non-ASCII on purpose: it must survive encoding and never be echoed
XLS_PASSWORD = "xls-Pw#97"

# Seed 000 (渝中区 2023): totals 10 (执行率) + indicator points; the department's weights add up to 100.
YZ_TOTALS = [110.0, 100.0, 100.0, 100.0]
YZ_SCORES = [
    [10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 5.0, 10.0, 15.0, 10.0],
    [12.0, 13.0, 13.0, 12.0, 15.0, 15.0, 10.0],
    [20.0, 15.0, 15.0, 15.0, 15.0, 5.0, 5.0],
    [15.0, 15.0, 10.0, 10.0, 20.0, 20.0],
]  # every indicator met its target in the seed: full weight
# Seed 003 (长寿区 2021): 表10 has no indicators (its 自评得分 cell holds a name and phone number);
# 表12's seven 分值 add up to 100 with no execution weight, every target met.
CS_FIGURES = [("表10", 973.9, None, []), ("表12", 52.0, 100.0, [10.0, 15.0, 15.0, 15.0, 15.0, 15.0, 15.0])]


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The two seed samples as .xlsx and as .xls converted by LibreOffice."""
    folder = tmp_path_factory.mktemp("samples")
    files = {"yz.xlsx": build_yuzhong_2023(folder / "yz.xlsx"), "cs.xlsx": build_changshou_2021(folder / "cs.xlsx")}
    for name in ("yz", "cs"):
        files[f"{name}.xls"] = soffice_convert(files[f"{name}.xlsx"], "xls", folder)
    return files


def put(samples: dict[str, Path], key: str, folder: Path, name: str) -> Path:
    return Path(shutil.copyfile(samples[key], folder / name))


def _rc4(key: bytes, n: int) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for _ in range(n):
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(s[(s[i] + s[j]) % 256])
    return bytes(out)


def _rc4_block_key(password: str, salt: bytes, block: int) -> bytes:
    """MS-OFFCRYPTO 2.3.6.2: the key of each 1024-byte block of the stream."""
    h = hashlib.md5(password.encode("utf-16-le")).digest()[:5]
    h = hashlib.md5((h + salt) * 16).digest()[:5]
    return hashlib.md5(h + struct.pack("<I", block)).digest()


def encrypt_xls(src: Path, dst: Path, password: str) -> Path:
    """RC4-encrypt an .xls as Excel 97/2000 does (MS-XLS 2.2.10), in place of its WriteAccess record.

    The stream must keep its size (olefile rewrites streams in place), so the 112-byte WriteAccess
    record LibreOffice writes makes room for FILEPASS (54 bytes) and a shorter WriteAccess (54).
    Every record is then encrypted with the keystream at its stream offset, except the few that
    MS-XLS leaves plain and the first 4 bytes (the sheet offset) of each BoundSheet8.
    """
    filepass, write_access, bound_sheet = 0x2F, 0x5C, 0x85
    plain = {0x809, 0x2F, 0x194, 0x195, 0xE1, 0x196, 0x138}
    shutil.copyfile(src, dst)
    with olefile.OleFileIO(str(dst), write_mode=True) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
        records, pos = [], 0
        while pos + 4 <= len(stream):
            num, size = struct.unpack_from("<HH", stream, pos)
            records.append((num, pos, size))
            pos += 4 + size
        at = next(p for num, p, size in records if num == write_access and size == 112)
        rng = random.Random(3)
        salt, verifier = rng.randbytes(16), rng.randbytes(16)
        key0 = _rc4(_rc4_block_key(password, salt, 0), 32)
        enc_verifier = bytes(a ^ b for a, b in zip(verifier + hashlib.md5(verifier).digest(), key0))
        stream[at:at + 116] = (struct.pack("<HHHHH", filepass, 54, 1, 1, 1) + salt + enc_verifier
                               + struct.pack("<HHHB", write_access, 54, 0, 0) + b" " * 51)
        records = [r for r in records if r[1] != at] + [(filepass, at, 54), (write_access, at + 58, 54)]
        keystream = b"".join(_rc4(_rc4_block_key(password, salt, b), 1024) for b in range(len(stream) // 1024 + 1))
        for num, pos, size in records:
            if num not in plain:
                for p in range(pos + 4 + (4 if num == bound_sheet else 0), pos + 4 + size):
                    stream[p] ^= keystream[p]
        ole.write_stream("Workbook", bytes(stream))
    return dst


def figures(result: Any) -> list[tuple[Any, ...]]:
    return [(p.sheet, p.budget, p.total, [i.score for i in p.indicators]) for p in result.projects]


def json_figures(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(p["sheet"], p["budget"], p["total"], [i["score"] for i in p["indicators"]]) for p in data["projects"]]


def yz_expected() -> list[tuple[Any, ...]]:
    sheets = ["部门整体", "医疗救助专项经费（残保金）", "居民医保财政补助资金", "购买窗口服务专项经费"]
    budgets = [12573.89937, 2004.0, 1413.0, 146.0]  # 元 ÷ 10,000 as the seed prints them
    return [(s, pytest.approx(b), t, sc) for s, b, t, sc in zip(sheets, budgets, YZ_TOTALS, YZ_SCORES)]


def finding_keys(result: Any) -> list[tuple[str, str, str | None]]:
    return sorted((f.code, f.sheet, f.cell) for f in result.all_findings())


# =========================================================================== .xls


@pytest.mark.parametrize("name, expected", [("yz", yz_expected), ("cs", lambda: CS_FIGURES)])
def test_xls_scores_like_the_xlsx(samples: dict[str, Path], name: str, expected: Callable[[], Any]) -> None:
    xls = score(samples[f"{name}.xls"]).scored
    assert figures(xls) == expected()
    assert finding_keys(xls) == finding_keys(score(samples[f"{name}.xlsx"]).scored)


def test_xls_grid_keeps_formats_merges_and_values(samples: dict[str, Path]) -> None:
    book = read_book(samples["cs.xls"])
    assert book.backend == "xlrd"
    t10 = book.sheet("表10")
    # seed 003's 表10: 执行率 D6 is 1 in a "0.00%" cell; the amounts 973.90 in "0.00" cells
    assert (t10.value(6, 4), t10.number_format(6, 4)) == (1, "0.00%")
    assert (t10.value(6, 2), t10.number_format(6, 2)) == (973.9, "0.00")
    assert t10.is_formula(6, 4) is None  # xlrd cannot tell
    reference = openpyxl.load_workbook(samples["cs.xlsx"])
    for grid in book.sheets:
        ws = reference[grid.name]
        assert sorted(r.address for r in grid.merged) == sorted(r.coord for r in ws.merged_cells.ranges)
        assert grid.values == {(c.row, c.column): c.value for row in ws.iter_rows() for c in row
                               if c.value is not None}


def small_percent_book(path: Path) -> Path:
    """An export table whose 服务对象满意度 完成值 is 0.95 in a "0%" cell.

    By hand: 执行率 100 % → 10; 参保人数 ≥ 1000, 1000 → 30; 业务办结率 ＝ 100, 100 → 30;
    满意度 ≥ 90 (%), 95 % → 30; total 100.  Read without the format, 0.95 % would score
    30 × 0.95 / 90 = 0.32 and the total 70.32.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目"
    ws["A1"] = "2023年度二级项目绩效自评表"
    for ref, value in (("A2", "项目名称："), ("B2", "某项目"), ("E2", "项目编码："), ("F2", "X001"),
                       ("H2", "自评总分："), ("I2", 100)):
        ws[ref] = value
    ws.append(["", "年初预算数", "全年（调整）预算数", "全年执行数", "执行率", "执行率权重", "执行率得分"])
    ws.append(["年度总金额", "1,000,000.00", "1,000,000.00", "1,000,000.00", 100, "10.00", "10.00"])
    ws.append(["指标名称", "计量单位", "指标性质", "指标值", "全年完成值", "偏离度（%）", "得分系数（%）",
               "指标权重", "指标得分", "是否核心指标", "说明"])
    for row in (("参保人数", "人", "≥", 1000, 1000), ("业务办结率", "%", "＝", 100, 100),
                ("服务对象满意度", "%", "≥", 90, 0.95)):
        ws.append([*row, None, None, 30, None, "是", None])
    ws["E8"].number_format = "0%"
    wb.save(path)
    return path


def test_xls_percent_format_reaches_the_score(tmp_path: Path) -> None:
    xls = soffice_convert(small_percent_book(tmp_path / "pct.xlsx"), "xls", tmp_path / "xls")
    project, = score(xls).scored.projects
    assert [(i.name, i.actual, i.score) for i in project.indicators] == [
        ("参保人数", 1000.0, 30.0), ("业务办结率", 100.0, 30.0), ("服务对象满意度", 95.0, 30.0)]
    assert project.total == 100.0


def test_xls_with_the_calamine_reader(samples: dict[str, Path]) -> None:
    book = read_book(samples["yz.xls"], "calamine")
    assert book.backend == "calamine" and book.sheets[0].formats is None
    assert [p.total for p in evaluate_book(book).scored.projects] == YZ_TOTALS


@pytest.mark.parametrize("command", ["validate", "score"])
def test_xls_through_the_cli(tmp_path: Path, samples: dict[str, Path], command: str) -> None:
    put(samples, "yz.xls", tmp_path, "渝中区.xls")
    proc = xl(command, "渝中区.xls", cwd=tmp_path)
    assert proc.returncode == (1 if command == "validate" else 0), proc.stderr  # seed 000: WEIGHT_TOTAL
    no_traceback(proc)
    assert list(tmp_path.iterdir()) == [tmp_path / "渝中区.xls"]  # validate and score write nothing


def test_run_on_xls_writes_an_xlsx(tmp_path: Path, samples: dict[str, Path]) -> None:
    src = put(samples, "yz.xls", tmp_path, "渝中区.xls")
    before = src.read_bytes()
    proc = xl("run", "渝中区.xls", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    no_traceback(proc)
    result = tmp_path / "渝中区_自评结果.xlsx"
    assert f"结果已写入：{result.name}" in proc.stdout
    assert "打开密码" not in proc.stdout
    assert src.read_bytes() == before
    assert zipfile.is_zipfile(result)
    wb = openpyxl.load_workbook(result, data_only=True)
    assert wb.sheetnames[-4:] == ["参数", "表11", "校验结果", "变更记录"]
    department = wb["部门整体"]
    assert department["I3"].value == 110  # 自评总分: 10 + 100
    # 偏离度: (15385 − 14500) / 14500 × 100 = 6.1; (85206 − 60000) / 60000 × 100 = 42.01
    assert (department["F19"].value, department["F20"].value) == (6.1, 42.01)
    assert [wb[s]["I3"].value for s in wb.sheetnames[1:4]] == [100, 100, 100]


def test_run_on_xls_without_libreoffice_says_what_to_do(tmp_path: Path, samples: dict[str, Path],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    src = put(samples, "cs.xls", tmp_path, "长寿区.xls")
    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    with pytest.raises(libreoffice.LibreOfficeError, match="长寿区.xls.*LibreOffice.*另存为 .xlsx"):
        run(src)
    assert not (tmp_path / "长寿区_自评结果.xlsx").exists()
    assert score(src).scored.projects[1].total == 100.0  # scoring needs no LibreOffice


def test_libreoffice_timeout_stops_it(tmp_path: Path, samples: dict[str, Path]) -> None:
    src = put(samples, "cs.xls", tmp_path, "source.xls")
    with pytest.raises(libreoffice.LibreOfficeError, match="超过 0 秒"):
        libreoffice.convert(src, "xlsx", tmp_path / "out", timeout=0.01)


def test_run_refuses_an_xls_output_name(tmp_path: Path, samples: dict[str, Path]) -> None:
    put(samples, "cs.xlsx", tmp_path, "长寿区.xlsx")
    proc = xl("run", "长寿区.xlsx", "-o", "结果.xls", cwd=tmp_path)
    assert proc.returncode == 2
    assert "只能保存为 .xlsx" in proc.stderr and "结果.xls" in proc.stderr
    assert not (tmp_path / "结果.xls").exists()


@pytest.mark.parametrize("key, wrong_name", [("cs.xls", "长寿区.xlsx"), ("cs.xlsx", "长寿区.xls")])
def test_renamed_files_are_read_by_their_bytes(tmp_path: Path, samples: dict[str, Path], key: str,
                                               wrong_name: str) -> None:
    path = put(samples, key, tmp_path, wrong_name)
    proc = xl("score", wrong_name, "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json_figures(json.loads(proc.stdout)) == CS_FIGURES
    assert figures(evaluate_book(read_book(path, "calamine")).scored) == CS_FIGURES
    proc = xl("run", wrong_name, "-o", "结果.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert openpyxl.load_workbook(tmp_path / "结果.xlsx")["表12"] is not None


# =========================================================================== encrypted workbooks


@pytest.fixture
def encrypted_yz(tmp_path: Path, samples: dict[str, Path]) -> Path:
    return encrypt_xlsx(samples["yz.xlsx"], tmp_path / "渝中区加密.xlsx", PASSWORD)


def assert_no_password(*procs: Run) -> None:
    for proc in procs:
        assert PASSWORD not in proc.stdout and PASSWORD not in proc.stderr
        no_traceback(proc)


def test_encrypted_xlsx_with_the_password(tmp_path: Path, encrypted_yz: Path) -> None:
    assert not zipfile.is_zipfile(encrypted_yz) and olefile.isOleFile(str(encrypted_yz))
    scored = xl("score", encrypted_yz.name, "--json", "--password", PASSWORD, cwd=tmp_path)
    assert scored.returncode == 0, scored.stderr
    assert json_figures(json.loads(scored.stdout)) == yz_expected()
    validated = xl("validate", encrypted_yz.name, "--password", PASSWORD, cwd=tmp_path)
    assert validated.returncode == 1  # seed 000's department: weights 100 beside an execution weight of 10
    assert "WEIGHT_TOTAL 部门整体!H15" in validated.stdout
    assert_no_password(scored, validated)


def test_encrypted_xlsx_password_from_the_environment(tmp_path: Path, encrypted_yz: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XL_TOOLS_PASSWORD", PASSWORD)
    proc = xl("score", encrypted_yz.name, "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert [p["total"] for p in json.loads(proc.stdout)["projects"]] == YZ_TOTALS
    assert_no_password(proc)


@pytest.mark.parametrize("command", [("validate",), ("score",), ("score", "--json"), ("run",)])
def test_encrypted_xlsx_without_or_with_a_wrong_password(tmp_path: Path, encrypted_yz: Path,
                                                         command: tuple[str, ...]) -> None:
    missing = xl(*command, encrypted_yz.name, cwd=tmp_path)
    wrong = xl(*command, encrypted_yz.name, "--password", PASSWORD + "x", cwd=tmp_path)
    for proc, says in ((missing, "设有打开密码；请用 --password 提供密码"), (wrong, "打开密码不正确")):
        assert proc.returncode == 2
        (line,) = proc.stderr.strip().splitlines()
        assert line.startswith("错误：") and encrypted_yz.name in line and says in line
    assert_no_password(missing, wrong)
    assert PASSWORD + "x" not in wrong.stdout + wrong.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [encrypted_yz.name]


def test_run_on_encrypted_xlsx_says_the_result_is_not_encrypted(tmp_path: Path, encrypted_yz: Path) -> None:
    proc = xl("run", encrypted_yz.name, "--password", PASSWORD, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert_no_password(proc)
    assert "原文件设有打开密码，结果文件未加密" in proc.stdout
    result = tmp_path / "渝中区加密_自评结果.xlsx"
    assert zipfile.is_zipfile(result)  # a plain package: opens without a password
    assert openpyxl.load_workbook(result, data_only=True)["部门整体"]["I3"].value == 110


def test_internal_error_never_shows_the_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Even a library message quoting the password reaches the screen masked."""

    def leaky(*_args: Any, **kwargs: Any) -> None:
        raise RuntimeError(f"bad key {kwargs['password']}")

    monkeypatch.setattr(score_job, "score", leaky)
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"")
    proc = xl("score", path, "--password", PASSWORD, cwd=tmp_path)
    assert proc.returncode == 2
    assert PASSWORD not in proc.stdout + proc.stderr and "bad key ******" in proc.stderr


@pytest.fixture
def encrypted_cs_xls(tmp_path: Path, samples: dict[str, Path]) -> Path:
    return encrypt_xls(samples["cs.xls"], tmp_path / "长寿区加密.xls", XLS_PASSWORD)


def test_encrypted_xls(tmp_path: Path, samples: dict[str, Path], encrypted_cs_xls: Path) -> None:
    with pytest.raises(xlrd.XLRDError, match="encrypted"):  # what xlrd alone makes of it
        xlrd.open_workbook(str(encrypted_cs_xls))
    plain = read_book(samples["cs.xls"])
    opened = read_book(encrypted_cs_xls, password=XLS_PASSWORD)
    assert [(g.name, g.values, g.formats) for g in opened.sheets] == [(g.name, g.values, g.formats)
                                                                      for g in plain.sheets]
    missing = xl("score", encrypted_cs_xls.name, cwd=tmp_path)
    wrong = xl("score", encrypted_cs_xls.name, "--password", "nope", cwd=tmp_path)
    assert (missing.returncode, wrong.returncode) == (2, 2)
    assert "设有打开密码" in missing.stderr and "打开密码不正确" in wrong.stderr
    proc = xl("run", encrypted_cs_xls.name, "--password", XLS_PASSWORD, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "原文件设有打开密码，结果文件未加密" in proc.stdout
    assert XLS_PASSWORD not in proc.stdout + proc.stderr
    result = openpyxl.load_workbook(tmp_path / "长寿区加密_自评结果.xlsx", data_only=True)
    assert "表11（计算）" in result.sheetnames  # the seed's own 表11 stays; ours goes beside it


def test_xls_encrypted_with_excels_default_password_opens_without_asking(tmp_path: Path,
                                                                        samples: dict[str, Path]) -> None:
    """Excel encrypts a structure-protected .xls with "VelvetSweatshop" and opens it without a prompt."""
    encrypt_xls(samples["cs.xls"], tmp_path / "保护.xls", "VelvetSweatshop")
    proc = xl("run", "保护.xls", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "打开密码" not in proc.stdout
    assert figures(score(tmp_path / "保护.xls").scored) == CS_FIGURES


# =========================================================================== protected sheets


def test_run_keeps_sheet_and_workbook_protection(tmp_path: Path, samples: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(samples["yz.xlsx"])
    legacy = wb["部门整体"].protection
    legacy.sheet, legacy.formatCells = True, False
    legacy.password = "sheet-pw"  # stored as Excel's 16-bit hash
    modern = wb["居民医保财政补助资金"].protection  # as Excel 2013+ writes it: a salted SHA-512
    modern.sheet, modern.algorithmName, modern.spinCount = True, "SHA-512", 100000
    modern.hashValue, modern.saltValue = "q8CP1l2Zwi0sNxVY9Rd1jA==", "3ZT0+6c4ZCgLLa1QmEhl1Q=="
    wb.security = WorkbookProtection(workbookPassword="book-pw", lockStructure=True)
    wb.save(tmp_path / "保护.xlsx")
    expected = {name: dict(wb[name].protection) for name in wb.sheetnames}
    book_expected = dict(wb.security)

    proc = xl("run", "保护.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    result = openpyxl.load_workbook(tmp_path / "保护_自评结果.xlsx", data_only=True)
    assert {name: dict(result[name].protection) for name in wb.sheetnames} == expected
    assert dict(result.security) == book_expected
    assert dict(result["部门整体"].protection)["password"] == legacy.password  # the hash, not "sheet-pw"
    assert result["部门整体"]["I3"].value == 110  # written into the protected sheet all the same


# =========================================================================== not workbooks


def _csv(path: Path, *_: Any) -> None:
    path.write_text("序号,项目名称,预算数(万元),执行数(万元),自评得分\n1,医保网络维护费,15,15,100\n"
                    "2,西部志愿者项目补助,15.64,15.64,100\n", encoding="utf-8-sig")


def _docx(path: Path, *_: Any) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("word/document.xml",
                    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                    "<w:body><w:p><w:r><w:t>2023年度部门整体支出绩效自评报告</w:t></w:r></w:p></w:body></w:document>")


def _ods(path: Path, *_: Any) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")


def _text(path: Path, *_: Any) -> None:
    path.write_text("请于1月底前报送绩效自评表。\n联系人：财政局绩效科\n", encoding="gbk")


def _html(path: Path, *_: Any) -> None:
    path.write_text("<html><body><table><tr><td>项目名称</td><td>自评得分</td></tr></table></body></html>",
                    encoding="utf-8")


def _random(path: Path, *_: Any) -> None:
    path.write_bytes(random.Random(7).randbytes(4096))


def _empty(path: Path, *_: Any) -> None:
    path.write_bytes(b"")


def _pdf(path: Path, *_: Any) -> None:
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")


def _half(key: str) -> Callable[[Path, dict[str, Path]], None]:
    def cut(path: Path, samples: dict[str, Path]) -> None:
        data = samples[key].read_bytes()
        path.write_bytes(data[: len(data) // 2])
    return cut


NOT_WORKBOOKS: dict[str, tuple[Any, str, str]] = {
    # case: (builder, file name, what the one line must say)
    "csv": (_csv, "表11.csv", "CSV 文本文件，不是 Excel 工作簿；请在 Excel 或 WPS 中打开后另存为 .xlsx"),
    "csv_named_xlsx": (_csv, "表11.xlsx", "CSV 文本文件"),
    "docx": (_docx, "自评报告.docx", "Word 文档（.docx），不是 Excel 工作簿"),
    "docx_named_xlsx": (_docx, "自评表.xlsx", "Word 文档（.docx）"),
    "ods": (_ods, "自评表.ods", "OpenDocument 表格（.ods）"),
    "plain_text": (_text, "自评表.xlsx", "纯文本文件"),
    "html_named_xls": (_html, "导出.xls", "网页（HTML）文件"),
    "pdf": (_pdf, "自评表.pdf", "PDF 文件"),
    "random_bytes": (_random, "自评表.xlsx", "不是 Excel 工作簿（.xlsx/.xlsm/.xls），也不是能识别的其他文件"),
    "empty": (_empty, "自评表.xlsx", "空文件（0 字节）"),
    "truncated_xlsx": (_half("yz.xlsx"), "渝中区.xlsx", "已损坏：压缩包结构不完整"),
    "truncated_xls": (_half("yz.xls"), "渝中区.xls", "已损坏"),
}


@pytest.mark.parametrize("case", list(NOT_WORKBOOKS))
def test_file_that_is_not_a_workbook(tmp_path: Path, samples: dict[str, Path], case: str) -> None:
    make, name, says = NOT_WORKBOOKS[case]
    path = tmp_path / name
    make(path, samples)
    for command in (("validate",), ("score", "--json"), ("run",)):
        proc = xl(*command, name, cwd=tmp_path)
        assert proc.returncode == 2, (case, command, proc.stdout)
        (line,) = proc.stderr.strip().splitlines()
        assert line.startswith(f"错误：{name} ") and CJK.search(line), line
        assert says in line, line
        no_traceback(proc)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.fixture(scope="module")
def enormous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # 300,000 rows × 11 columns: 3.3 million cells of used range (the largest seed table has under 300)
    return enormous_book(tmp_path_factory.mktemp("big") / "明细.xlsx", 300_000)


def test_enormous_sheet_is_refused_before_loading(enormous: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = enormous

    def must_not_load(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the backend was called")

    monkeypatch.setattr(openpyxl, "load_workbook", must_not_load)
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", must_not_load)
    tracemalloc.start()
    try:
        for reader in ("fast", "openpyxl", "calamine"):
            with pytest.raises(WorkbookReadError) as caught:
                open_workbook(path, reader=reader)
            assert "明细.xlsx 的工作表「明细」使用范围过大" in str(caught.value)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20  # the guard reads the part in 1 MB chunks and stops early


def test_enormous_sheet_through_the_cli(enormous: Path) -> None:
    proc = xl("score", enormous.name, cwd=enormous.parent)
    assert proc.returncode == 2
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("错误：明细.xlsx 的工作表「明细」使用范围过大") and "上限 200,000" in line
    assert "请删除表格以外多余的行列" in line
    no_traceback(proc)


def test_one_stray_far_cell_makes_the_used_range_enormous(tmp_path: Path) -> None:
    """openpyxl would build every cell from A1 to K300000 to read it; the guard refuses instead."""
    build_changshou_2021(tmp_path / "cs.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "cs.xlsx")
    wb["表12"]["K300000"] = "误输入"
    wb.save(tmp_path / "cs.xlsx")
    with pytest.raises(WorkbookReadError, match="「表12」使用范围过大（至 K300000，约 3,300,000 个单元格"):
        read_book(tmp_path / "cs.xlsx")


def test_large_but_real_sheet_is_read(tmp_path: Path) -> None:
    enormous_book(tmp_path / "大表.xlsx", 18_000)  # 18,000 × 11 = 198,000 cells: within the limit
    book = read_book(tmp_path / "大表.xlsx", "calamine")
    assert book.sheet("明细").max_row == 18_000


def test_sheet_part_beyond_the_byte_limit(tmp_path: Path, samples: dict[str, Path],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_SHEET_XML_BYTES", 1000)  # the sample's first sheet is a few KB of XML
    with pytest.raises(WorkbookReadError, match=r"yz.xlsx 的工作表「部门整体」过大（表格数据"):
        read_book(samples["yz.xlsx"])


def test_xls_beyond_the_byte_limit(samples: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_XLS_BYTES", 1000)
    with pytest.raises(WorkbookReadError, match=r"yz.xls 过大"):
        read_book(samples["yz.xls"])


def test_xls_sheet_beyond_the_cell_limit(samples: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Seed 000's department table: ten indicators in rows 15–24, columns A–K: 24 × 11 = 264 cells > 200."""
    monkeypatch.setattr(limits, "MAX_SHEET_CELLS", 200)
    with pytest.raises(WorkbookReadError, match=r"yz.xls 的工作表「部门整体」使用范围过大（至 K24，约 264 个单元格"):
        read_book(samples["yz.xls"])
