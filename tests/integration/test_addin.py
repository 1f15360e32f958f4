"""The 绩效自评 ribbon: its text sources, and the .xlsm and .xlam `xl-tools addin build` makes from them.

The built files are read back by readers that share no code with the builder:
lxml with Microsoft's customUI14 schema, zipfile, olefile, oletools' olevba (its
own MS-OVBA decompressor and dir-stream parser) and LibreOffice.  What only Excel
can show (that it compiles the project on open and the buttons call back) is not
tested here; README says so.
"""

from __future__ import annotations

import re
import subprocess
import warnings
import zipfile
from pathlib import Path

import olefile
import pytest
from lxml import etree

with warnings.catch_warnings():  # olevba's pyparsing grammar uses names pyparsing 3 deprecates
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser

import xl_tools
from xl_tools.adapters.libreoffice import find_soffice
from xl_tools.addin import build
from xl_tools.addin.vbaproject import Module, build_project, read_donor
from xl_tools.core.errors import XlToolsError

from tests.helpers.addin import SOURCES, pinned_version
from tests.helpers.cli import xl
from tests.helpers.paths import REPO

XSD = "{http://www.w3.org/2001/XMLSchema}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
UI14_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
# file name -> (main content type, VBA project name, the xlwings module's caller workbook, its xlwings .bas)
BUILT = {
    build.TEMPLATE_NAME: ("application/vnd.ms-excel.sheet.macroEnabled.main+xml", "XlToolsTemplate",
                          "ThisWorkbook", "xlwings.bas"),
    build.ADDIN_NAME: ("application/vnd.ms-excel.addin.macroEnabled.main+xml", "XlToolsAddin",
                       "ActiveWorkbook", "xlwings_custom_addin.bas"),
}


def test_a_module_that_is_not_ascii_is_refused() -> None:
    with zipfile.ZipFile(build.XlwingsSources.installed().folder / "quickstart_addin_ribbon.xlam") as zf:
        donor = read_donor(zf.read("xl/vbaProject.bin"))
    with pytest.raises(ValueError, match="ASCII"):
        build_project(donor, "P", [Module("M", "standard", 'Attribute VB_Name = "M"\nMsgBox "校验"\n')])


# ---- the built files --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    written = build.build_all(tmp_path_factory.mktemp("addin"))
    return {p.name: p for p in written}


@pytest.mark.parametrize("name", BUILT)
def test_package_has_ribbon_and_vba_parts(built: dict[str, Path], name: str) -> None:
    main_type, _, _, _ = BUILT[name]
    with zipfile.ZipFile(built[name]) as zf:
        parts = set(zf.namelist())
        root_rels = etree.fromstring(zf.read("_rels/.rels")).findall(f"{PKG_REL}Relationship")
        ui = [r.get("Target") for r in root_rels if r.get("Type", "").endswith("/ui/extensibility")]
        assert ui == ["customUI/customUI14.xml"]
        assert [r.get("Type") for r in root_rels if r.get("Target") == ui[0]] == [UI14_REL]
        assert zf.read("customUI/customUI14.xml") == (SOURCES / "ribbon.xml").read_bytes()
        assert "customUI/customUI.xml" not in parts
        book_rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels")).findall(f"{PKG_REL}Relationship")
        assert [r.get("Target") for r in book_rels if r.get("Type") == VBA_REL] == ["vbaProject.bin"]
        assert "xl/vbaProject.bin" in parts
        types = {o.get("PartName"): o.get("ContentType")
                 for o in etree.fromstring(zf.read("[Content_Types].xml")).findall(f"{CT}Override")}
        assert types["/xl/workbook.xml"] == main_type
        assert types["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"


def project_streams(path: Path) -> olefile.OleFileIO:
    with zipfile.ZipFile(path) as zf:
        return olefile.OleFileIO(zf.read("xl/vbaProject.bin"), raise_defects=olefile.DEFECT_INCORRECT)


@pytest.mark.parametrize("name", BUILT)
def test_vba_project_is_source_only(built: dict[str, Path], name: str) -> None:
    ole = project_streams(built[name])
    streams = ["/".join(e) for e in ole.listdir()]
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")  # version 0xFFFF, no cache
    assert not [s for s in streams if "__SRP_" in s]
    assert {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/XlTools", "VBA/xlwings"} <= set(streams)


def olevba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {Path(vba_name).stem: code.replace("\r\n", "\n")
                for _, _, vba_name, code in parser.extract_macros()}
    finally:
        parser.close()


@pytest.mark.parametrize("name", BUILT)
def test_olevba_reads_back_our_modules(built: dict[str, Path], name: str) -> None:
    _, _, caller, xlwings_bas = BUILT[name]
    modules = olevba_modules(built[name])
    assert modules["XlTools"] == (SOURCES / "XlTools.bas").read_text(encoding="ascii")
    assert f'Public Const ADDIN_VERSION As String = "{xl_tools.__version__}"' in modules["XlToolsText"]
    assert 'Case "title": Text = U("7EE9 6548 81EA 8BC4 5DE5 5177")' in modules["XlToolsText"]  # 绩效自评工具
    xlwings = modules["xlwings"]
    version = pinned_version()
    assert f'Public Const XLWINGS_VERSION As String = "{version}"' in xlwings
    assert f'Const XLPyDLLName As String = "xlwings64-{version}.dll"' in xlwings
    assert 'Public Const PROJECT_NAME As String = "xl_tools"' in xlwings
    assert f'XLPy.SetAttr XLPy.Module("xlwings._xlwindows"), "BOOK_CALLER", {caller}' in xlwings
    # the rest is xlwings' own text, unchanged
    original = (build.XlwingsSources.installed().folder / xlwings_bas).read_text(encoding="ascii")
    assert re.sub(r'PROJECT_NAME As String = "\w+"', "", original) == re.sub(
        r'PROJECT_NAME As String = "\w+"', "", xlwings)


@pytest.mark.parametrize("name", BUILT)
def test_every_sheet_has_its_document_module(built: dict[str, Path], name: str) -> None:
    with zipfile.ZipFile(built[name]) as zf:
        book = etree.fromstring(zf.read("xl/workbook.xml"))
        code_names = [book.find(f"{MAIN}workbookPr").get("codeName")]
        code_names += [etree.fromstring(zf.read(n)).find(f"{MAIN}sheetPr").get("codeName")
                       for n in sorted(zf.namelist()) if n.startswith("xl/worksheets/sheet")]
    project = project_streams(built[name]).openstream("PROJECT").read().decode("cp1252")
    documents = re.findall(r"^Document=(\w+)/&H00000000\r$", project, re.MULTILINE)
    assert sorted(documents) == sorted(code_names) and code_names[0] == "ThisWorkbook"
    modules = olevba_modules(built[name])
    for code_name, excel_class in zip(code_names, ["00020819"] + ["00020820"] * (len(code_names) - 1), strict=True):
        # VB_Base: the Excel Workbook / Worksheet class the document module extends
        assert modules[code_name].startswith(f'Attribute VB_Name = "{code_name}"\n'
                                             f'Attribute VB_Base = "0{{{excel_class}-0000-0000-C000-000000000046}}"\n')


def test_template_is_the_toolkits_template(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(REPO / "templates" / "绩效自评模板.xlsx") as plain, \
            zipfile.ZipFile(built[build.TEMPLATE_NAME]) as macro:
        titles = [s.get("name") for s in etree.fromstring(macro.read("xl/workbook.xml")).iter(f"{MAIN}sheet")]
        assert titles == [s.get("name") for s in etree.fromstring(plain.read("xl/workbook.xml")).iter(f"{MAIN}sheet")]
        for part in ("xl/styles.xml", "docProps/core.xml"):
            assert macro.read(part) == plain.read(part)
        for i in range(1, len(titles) + 1):  # each sheet as it is in the .xlsx, but for its codeName
            sheet = f"xl/worksheets/sheet{i}.xml"
            assert macro.read(sheet).replace(f' codeName="Sheet{i}"'.encode(), b"", 1) == plain.read(sheet)


def libreoffice_basic(sources: list[Path], outdir: Path) -> dict[str, dict[str, str]]:
    """Each file converted to .ods by LibreOffice, which keeps the VBA it imported as Basic/<project>/<module>.xml."""
    soffice = find_soffice()
    assert soffice, "LibreOffice (soffice) is needed: bash .ci/test.sh installs it"
    found = {}
    for source in sources:
        # an .xlam is not recognised by its extension; name the filter LibreOffice opens .xlsm with
        infilter = ["--infilter=Calc MS Excel 2007 VBA XML"] if source.suffix == ".xlam" else []
        subprocess.run([soffice, f"-env:UserInstallation={(outdir / 'profile').as_uri()}", "--headless", "--norestore",
                        *infilter, "--convert-to", "ods", "--outdir", str(outdir), str(source)],
                       check=True, capture_output=True, timeout=240)
        with zipfile.ZipFile(outdir / f"{source.stem}.ods") as zf:
            found[source.name] = {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("Basic/")}
    return found


def test_libreoffice_opens_both_and_imports_our_module(built: dict[str, Path], tmp_path: Path) -> None:
    basic = libreoffice_basic(list(built.values()), tmp_path)
    for name, (_, project, _, _) in BUILT.items():
        modules = basic[name]
        assert f"Basic/{project}/xlwings.xml" in modules, sorted(modules)
        assert "RunPython &quot;import xl_tools.ribbon as r; r.run(" in modules[f"Basic/{project}/XlTools.xml"]
        assert "Public Sub OnAction(control As IRibbonControl)" in modules[f"Basic/{project}/XlTools.xml"]


def test_two_builds_are_byte_identical(built: dict[str, Path], tmp_path: Path) -> None:
    again = build.build_all(tmp_path)
    assert [p.read_bytes() for p in again] == [built[p.name].read_bytes() for p in again]


@pytest.mark.parametrize("name", BUILT)
def test_committed_file_is_a_fresh_build(built: dict[str, Path], name: str) -> None:
    committed = REPO / "templates" / name
    assert committed.is_file(), f"run: xl-tools addin build -o templates ({committed} is missing)"
    assert committed.read_bytes() == built[name].read_bytes(), "run: xl-tools addin build -o templates"


def test_another_xlwings_version_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(build, "pinned_xlwings", lambda: "0.30.0")
    with pytest.raises(XlToolsError, match=r"需要 xlwings 0\.30\.0.*pip install xlwings==0\.30\.0"):
        build.build_all(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_cli_builds_both_files(built: dict[str, Path], tmp_path: Path) -> None:
    proc = xl("addin", "build", "-o", "出", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for name, path in built.items():
        assert (tmp_path / "出" / name).read_bytes() == path.read_bytes()
        assert name in proc.stdout
    shown = xl("addin", "build", "-h", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    help_text = shown.stdout
    assert "示例：xl-tools addin build" in help_text


def test_recompute_and_run_keep_the_ribbon_and_the_vba_of_the_template(tmp_path: Path) -> None:
    """The .xlsm filled in (a project name, amounts, one indicator), then recomputed and run: the VBA
    project and the ribbon part come out byte for byte, the main part stays macro-enabled."""
    from xl_tools.jobs.recompute import recompute
    from xl_tools.jobs.run import run
    from xl_tools.workbook.package import CellWrite, Package

    pkg = Package.open(REPO / "templates" / "绩效自评模板.xlsm")
    pkg.set_cells("项目1", {"B3": CellWrite("医疗救助补助资金项目"), "D6": CellWrite(1546.43), "E6": CellWrite(1546.43),
                          "C13": CellWrite("住院救助人次"), "F13": CellWrite("≥30000"), "G13": CellWrite("30000人次"),
                          "H13": CellWrite(90)})
    filled = pkg.save(tmp_path / "填好.xlsm")
    outputs = [recompute(filled, tmp_path / "重算.xlsm").path, run(filled, tmp_path / "结果.xlsm").path]
    with zipfile.ZipFile(filled) as before:
        kept = {name: before.read(name) for name in ("xl/vbaProject.bin", "customUI/customUI14.xml", "_rels/.rels")}
    for out in outputs:
        with zipfile.ZipFile(out) as after:
            assert {name: after.read(name) for name in kept} == kept, out.name
            assert b"macroEnabled.main+xml" in after.read("[Content_Types].xml")
