"""`xl-tools bundle`: a real offline installer folder for one Python version (3.11, to keep CI time down),
downloaded from the package index, and proof that everything installs from it alone.

pip resolves a download's environment markers on the machine that runs it, so the index-only check below (pip's
own dry run, on Linux) cannot see a Windows-only dependency; those are checked against a Windows marker
environment by the bundle's own resolver walk, and by name.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers.cli import xl
from xl_tools.jobs.bundle import MARKER, missing_requirements, windows_environment


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """The bundle folder and the command's two streams."""
    work = tmp_path_factory.mktemp("bundle")
    run = xl("bundle", "-o", "离线 安装包", "--python", "3.11", cwd=work)
    assert run.returncode == 0, run.stderr
    return work / "离线 安装包", run.stdout, run.stderr


def _dry_run(wheels: Path, target: Path) -> subprocess.CompletedProcess[str]:
    """pip's resolution of xl_tools for 64-bit Windows CPython 3.11 from ``wheels`` alone, installing nothing."""
    return subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--find-links", str(wheels),
         "--platform", "win_amd64", "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311",
         "--only-binary=:all:", "--target", str(target), "--disable-pip-version-check", "xl_tools"],
        capture_output=True, text=True, check=False)


def test_the_command_reports_the_folder_and_its_wheels(built) -> None:
    out, stdout, stderr = built
    assert "cp311：" in stdout and "离线安装文件夹已写入" in stdout and str(out.name) in stdout
    assert "下载 Python 3.11" in stderr  # progress goes to stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [MARKER, "wheels", "xl_tools.xlam", "安装.bat", "绩效自评模板.xlsm", "说明.txt"])
    assert [p.name for p in (out / "wheels").iterdir()] == ["cp311"]


def test_every_requirement_resolves_from_the_bundle_alone(built, tmp_path: Path) -> None:
    wheels = built[0] / "wheels" / "cp311"
    done = _dry_run(wheels, tmp_path / "target")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "xl_tools-0.1.0" in done.stdout.replace("xl-tools", "xl_tools")
    assert not (tmp_path / "target").exists()


def test_the_check_fails_when_a_dependency_is_missing(built, tmp_path: Path) -> None:
    """The control: without lxml's wheel the same dry run fails, naming lxml."""
    wheels = shutil.copytree(built[0] / "wheels" / "cp311", tmp_path / "wheels")
    (lxml,) = wheels.glob("lxml-*.whl")
    lxml.unlink()
    done = _dry_run(wheels, tmp_path / "target")
    assert done.returncode != 0 and "lxml" in done.stderr
    missing = missing_requirements(wheels, windows_environment("3.11"))
    assert "lxml<7,>=4.9" in missing and all(m.startswith("lxml") for m in missing)  # python-docx needs it too


def test_windows_only_dependencies_are_in_the_bundle(built) -> None:
    wheels = built[0] / "wheels" / "cp311"
    names = {p.name.split("-")[0].lower() for p in wheels.glob("*.whl")}
    assert {"pywin32", "pywin32_ctypes", "tzdata", "xlwings", "xl_tools"} <= names  # the first three: Windows only
    assert missing_requirements(wheels, windows_environment("3.11")) == []


def test_every_wheel_is_for_64_bit_windows_cpython_3_11(built) -> None:
    for wheel in (built[0] / "wheels" / "cp311").glob("*.whl"):
        python, abi, platform = wheel.stem.split("-")[-3:]
        assert (abi, platform) == ("none", "any") or (platform == "win_amd64" and "cp311" in python), wheel.name


def test_the_xl_tools_wheel_is_the_source_tree_without_the_extras(built) -> None:
    (own,) = (built[0] / "wheels" / "cp311").glob("xl_tools-*.whl")
    with zipfile.ZipFile(own) as whl:
        names = whl.namelist()
        metadata = next(whl.read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
    assert "xl_tools/jobs/bundle.py" in names and "xl_tools/addin/ribbon.xml" in names
    assert not any(n.startswith("tests/") or "__pycache__" in n for n in names)
    extras_only = ("pytest", "hypothesis", "distributed", "grimp")
    wheels = {p.name.split("-")[0].lower() for p in (built[0] / "wheels" / "cp311").glob("*.whl")}
    assert not wheels & set(extras_only)  # the test and dask extras are not bundled
    assert "Provides-Extra: test" in metadata


def test_the_installer_is_gbk_with_crlf_and_installs_offline(built) -> None:
    raw = (built[0] / "安装.bat").read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n") > 50
    text = raw.decode("gbk")
    assert "\ufffd" not in text and "离线安装" in text
    assert "--no-index" in text and '--find-links "%~dp0wheels\\%TAG%"' in text
    assert 'call :probe "py -3.11" 11 cp311' in text and "py -3.12" not in text
    assert 'set "VENV=%LOCALAPPDATA%\\xl_tools\\venv"' in text and '-m venv --clear "%VENV%"' in text
    assert '"%VENV%\\Scripts\\xl-tools.exe" addin install' in text
    assert '"%VENV%\\Scripts\\xl-tools.exe" doctor' in text
    assert text.rstrip().endswith("exit /b 1") and "pause" in text
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really GBK, not UTF-8 that happens to decode


def test_the_readme_is_utf8_with_bom_and_says_what_matters(built) -> None:
    raw = (built[0] / "说明.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\n") == raw.count(b"\r\n")
    text = raw.decode("utf-8-sig")
    for words in ("解除锁定", "32 位", "64 位", "Windows 7", "addin uninstall", "doctor", "安装.bat"):
        assert words in text, words


def test_the_addin_and_the_template_are_macro_workbooks(built) -> None:
    for name in ("xl_tools.xlam", "绩效自评模板.xlsm"):
        with zipfile.ZipFile(built[0] / name) as package:
            assert "xl/vbaProject.bin" in package.namelist() and "customUI/customUI14.xml" in package.namelist()
