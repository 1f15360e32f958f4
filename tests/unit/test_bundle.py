"""The pure parts of `xl-tools bundle`: the versions, pip's command lines, 安装.bat and 说明.txt, the folder it
may write into, the walk that finds Windows-only dependencies pip left out; no download (except a pip run
against no index, which fails at once)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from xl_tools.core.errors import XlToolsError
from xl_tools.jobs import bundle as bundle_module
from xl_tools.jobs.bundle import (MARKER, bundle, claim, download_command, download_wheels, installer_script,
                                  missing_requirements, project_root, python_versions, readme_text, run_pip,
                                  wheel_command, windows_environment, write_installer, write_readme)


def _wheel(folder: Path, name: str, version: str, *requires: str) -> Path:
    """A minimal pure-Python wheel whose METADATA has these Requires-Dist lines."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{version}-py3-none-any.whl"
    info = f"{name}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + "".join(
        f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as whl:
        whl.writestr(f"{info}/METADATA", metadata)
        whl.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        whl.writestr(f"{info}/RECORD", "")
    return path


# ---- versions and pip's command lines -------------------------------------------------------------------------


def test_versions_are_checked_deduplicated_and_newest_first() -> None:
    assert python_versions(["3.11", "3.13", " 3.12", "3.11"]) == ("3.13", "3.12", "3.11")
    for bad, words in (("3.10", "3.11 及以上"), ("3", "不是 Python 版本"), ("py3.12", "不是 Python 版本")):
        with pytest.raises(XlToolsError, match=words):
            python_versions([bad])
    with pytest.raises(XlToolsError, match="没有指定"):
        python_versions([])


def test_the_download_asks_for_64_bit_windows_cpython_wheels_only(tmp_path: Path) -> None:
    assert download_command("3.12", tmp_path, ["a.whl", "pywin32>=224"]) == [
        "download", "--only-binary=:all:", "--platform", "win_amd64", "--python-version", "3.12",
        "--implementation", "cp", "--abi", "cp312", "--dest", str(tmp_path), "a.whl", "pywin32>=224"]
    assert wheel_command(tmp_path / "src", tmp_path / "out") == [
        "wheel", "--no-deps", "--wheel-dir", str(tmp_path / "out"), str(tmp_path / "src")]


def test_a_failed_pip_run_is_a_chinese_error_with_pips_last_lines(tmp_path: Path) -> None:
    with pytest.raises(XlToolsError) as caught:
        run_pip(["download", "--no-index", "--dest", str(tmp_path), "no-such-project-for-xl-tools"], "下载某物")
    message = str(caught.value)
    assert message.startswith("下载某物失败（pip 退出码 1）") and "no-such-project-for-xl-tools" in message


def test_a_failed_download_names_the_python_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIP_NO_INDEX", "1")  # no index: lxml cannot be found, at once and offline
    own = _wheel(tmp_path / "own", "xl_tools", "0.1.0", "lxml>=4.9")
    with pytest.raises(XlToolsError) as caught:
        download_wheels(own, "3.12", tmp_path / "cp312")
    assert "下载 Python 3.12（64 位 Windows）所需的 wheel失败" in str(caught.value) and "lxml" in str(caught.value)


# ---- the Windows-only dependencies ----------------------------------------------------------------------------


def test_the_walk_evaluates_markers_for_windows_not_for_this_machine(tmp_path: Path) -> None:
    _wheel(tmp_path, "xl_tools", "0.1.0", "click>=8", "xlwings==0.37.8", "pytest; extra == 'test'")
    _wheel(tmp_path, "click", "8.1.0", "colorama; platform_system == 'Windows'")
    _wheel(tmp_path, "xlwings", "0.37.8", "pywin32>=224; platform_system == 'Windows'",
           "psutil; platform_system == 'Darwin'", "jinja2; extra == 'reports'")
    windows = windows_environment("3.11")
    assert missing_requirements(tmp_path, windows) == ["colorama", "pywin32>=224"]
    linux = {**windows, "platform_system": "Linux", "sys_platform": "linux", "os_name": "posix"}
    assert missing_requirements(tmp_path, linux) == []  # what pip sees when it runs on Linux
    _wheel(tmp_path, "colorama", "0.4.6")
    _wheel(tmp_path, "pywin32", "200")  # too old: asked for again, with its specifier
    assert missing_requirements(tmp_path, windows) == ["pywin32>=224"]


def test_the_walk_follows_extras_and_python_version_markers(tmp_path: Path) -> None:
    _wheel(tmp_path, "xl_tools", "0.1.0", "keyring[win]>=24")
    _wheel(tmp_path, "keyring", "25.0", "pywin32-ctypes; extra == 'win'", 'importlib_metadata; python_version < "3.12"')
    assert missing_requirements(tmp_path, windows_environment("3.11")) == ["importlib_metadata", "pywin32-ctypes"]
    assert missing_requirements(tmp_path, windows_environment("3.13")) == ["pywin32-ctypes"]


# ---- 安装.bat and 说明.txt --------------------------------------------------------------------------------------


def _command_lines(script: str) -> list[str]:
    return [line for line in script.splitlines() if line and not line.startswith(("echo ", "REM "))]


def test_the_installer_tries_the_bundled_versions_newest_first_launcher_before_path() -> None:
    script = installer_script(("3.13", "3.11"))
    probes = re.findall(r'^call :probe "([^"]+)" (\d+) (cp\d+)$', script, re.MULTILINE)
    assert probes == [("py -3.13", "13", "cp313"), ("py -3.11", "11", "cp311"),
                      ("python", "13", "cp313"), ("python", "11", "cp311")]
    assert "3.12" not in script and "3.13 或 3.11" in script


def test_installer_commands_are_ascii_with_every_path_quoted() -> None:
    lines = _command_lines(installer_script(("3.13", "3.12", "3.11")))
    assert len(lines) > 30
    for line in lines:
        assert line.isascii(), line
        outside_quotes = line.split('"')[::2]
        for variable in ("%~dp0", "%VENV%", "%LOCALAPPDATA%"):
            assert not any(variable in part for part in outside_quotes), line
        assert not line.endswith("(") and not line.startswith(")"), line  # no blocks: a ")" in a path ends one


def test_echoed_text_has_no_unquoted_characters_cmd_would_run() -> None:
    for line in installer_script(("3.11",)).splitlines():
        if line.startswith("echo "):
            outside_quotes = re.sub(r"%\w+%", "", "".join(line.split('"')[::2]))  # %PY% is ASCII we set
            assert not set(outside_quotes) & set("&|<>^()%"), line


def test_the_installer_stops_with_a_message_after_every_step() -> None:
    script = installer_script(("3.11",))
    steps = ["-m venv --clear", "-m pip install --no-index", "addin install", "doctor"]
    lines = script.splitlines()
    for step in steps:
        (i,) = [n for n, line in enumerate(lines) if step in line and line.startswith(('"%VENV%', "%PY%"))]
        label = re.fullmatch(r"if errorlevel 1 goto :(\w+)", lines[i + 1])
        assert label, lines[i + 1]
        body = lines[lines.index(f":{label[1]}") + 1]
        assert body.startswith("echo ") and not body.isascii()


def test_the_installer_is_written_in_gbk_with_crlf(tmp_path: Path) -> None:
    raw = write_installer(tmp_path / "安装.bat", ("3.12", "3.11")).read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert raw.decode("gbk").startswith("@echo off\r\nREM ") and "GBK" in raw.decode("gbk").split("setlocal")[0]


def test_the_readme_has_a_bom_crlf_and_the_warnings(tmp_path: Path) -> None:
    raw = write_readme(tmp_path / "说明.txt", ("3.11",)).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\n" not in raw.replace(b"\r\n", b"")
    text = readme_text(("3.11",))
    assert "解除锁定" in text and "32 位" in text and "wheels\\cp311" in text and "cp312" not in text


# ---- the folder -----------------------------------------------------------------------------------------------


def test_a_foreign_non_empty_folder_or_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "报表.xlsx").write_bytes(b"x")
    with pytest.raises(XlToolsError, match="不是空的"):
        claim(tmp_path / "mine")
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["报表.xlsx"]
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(XlToolsError, match="是一个文件"):
        claim(tmp_path / "file")


def test_a_new_or_empty_folder_is_marked_at_once(tmp_path: Path) -> None:
    claim(tmp_path / "新 文件夹" / "包")
    (tmp_path / "empty").mkdir()
    claim(tmp_path / "empty")
    assert (tmp_path / "新 文件夹" / "包" / MARKER).is_file() and (tmp_path / "empty" / MARKER).is_file()


def test_a_missing_source_tree_is_a_chinese_error(tmp_path: Path) -> None:
    (tmp_path / "xl_tools").mkdir()
    with pytest.raises(XlToolsError, match="找不到 xl_tools 的源码"):
        project_root(tmp_path / "xl_tools")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\n', encoding="utf-8")
    with pytest.raises(XlToolsError, match="找不到 xl_tools 的源码"):
        project_root(tmp_path / "xl_tools")
    assert (project_root() / "pyproject.toml").is_file()


@pytest.fixture
def fake_steps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """bundle() with its slow steps replaced: each writes a small file; the list records the versions fetched."""
    fetched: list[str] = []

    def addin(workdir: Path, stage: Path) -> list[Path]:
        return [stage / n for n in ("xl_tools.xlam", "绩效自评模板.xlsm") if (stage / n).write_bytes(b"PK")]

    def own(root: Path, workdir: Path) -> Path:
        return _wheel(workdir, "xl_tools", "0.1.0")

    def download(own_wheel: Path, version: str, dest: Path) -> list[Path]:
        if version == "3.99":
            raise XlToolsError("下载 Python 3.99 的 wheel 失败")
        fetched.append(version)
        return [_wheel(dest, "xl_tools", "0.1.0")]

    monkeypatch.setattr(bundle_module, "build_addin_files", addin)
    monkeypatch.setattr(bundle_module, "build_own_wheel", own)
    monkeypatch.setattr(bundle_module, "download_wheels", download)
    return fetched


def test_a_second_run_replaces_what_the_first_wrote_and_nothing_else(tmp_path: Path, fake_steps) -> None:
    out = tmp_path / "bundle"
    first = bundle(out, ["3.11", "3.12"])
    assert set(first.wheels) == {"cp311", "cp312"} and fake_steps == ["3.12", "3.11"]
    (out / "我的笔记.txt").write_text("keep", encoding="utf-8")
    (out / "wheels" / "cp312" / "stray.whl").write_bytes(b"")
    second = bundle(out, ["3.11"])
    assert [p.name for p in (out / "wheels").iterdir()] == ["cp311"]
    assert (out / "我的笔记.txt").read_text(encoding="utf-8") == "keep"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [MARKER, "wheels", "xl_tools.xlam", "安装.bat", "绩效自评模板.xlsm", "说明.txt", "我的笔记.txt"])
    assert "py -3.12" not in (out / "安装.bat").read_bytes().decode("gbk")
    assert second.size == sum(p.stat().st_size for p in out.rglob("*") if p.is_file())


def test_a_failed_run_leaves_the_previous_bundle_as_it_was(tmp_path: Path, fake_steps) -> None:
    out = tmp_path / "bundle"
    bundle(out, ["3.11"])
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(XlToolsError, match="3.99"):
        bundle(out, ["3.99"])
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before  # no staging folder left either


def test_a_staging_folder_left_by_a_killed_run_is_removed(tmp_path: Path, fake_steps) -> None:
    out = tmp_path / "bundle"
    claim(out)
    (out / f"{bundle_module.STAGING_PREFIX}abc" / "stage").mkdir(parents=True)
    bundle(out, ["3.11"])
    assert not list(out.glob(f"{bundle_module.STAGING_PREFIX}*"))
