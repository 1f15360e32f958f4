"""`xl-tools addin install` / `uninstall` on a recorded Windows: a user profile with a Chinese name in a temporary
folder, the cp936 code page, and Windows' short-name lookup given as data.  Everything but the calls into
Windows itself (the real code page, GetShortPathNameW) runs here; the add-in put in place is compared with the
committed build, the configuration file with bytes written out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import xl_tools
from xl_tools.core.errors import XlToolsError
from xl_tools.install import system as system_module
from xl_tools.install.places import places
from xl_tools.install.system import System
from xl_tools.jobs.addin import addin_install, addin_uninstall

from tests.helpers.cli import xl
from tests.helpers.paths import REPO

ADDIN = REPO / "templates" / "xl_tools.xlam"  # test_addin checks it is a fresh build
PYTHON = r"C:\Users\张三\AppData\Local\xl_tools\venv\Scripts\pythonw.exe"
VERSION = xl_tools.__version__


def recorded_windows(root: Path, short_names: dict[str, str] | None = None) -> System:
    """The profile of user 张三 under ``root``, as Windows' environment names it."""
    home = root / "Users" / "张三"
    env = {"USERPROFILE": str(home), "APPDATA": str(home / "AppData" / "Roaming"),
           "LOCALAPPDATA": str(home / "AppData" / "Local")}
    return System(places(env, windows=True), "cp936", lambda path: (short_names or {}).get(path))


def test_install_puts_the_addin_in_xlstart_and_writes_the_config_in_the_code_page(tmp_path: Path) -> None:
    system = recorded_windows(tmp_path)
    home = tmp_path / "Users" / "张三"
    done = addin_install(system, interpreter=PYTHON)
    xlstart = home / "AppData" / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "xl_tools.xlam"
    assert done.addin == xlstart and xlstart.read_bytes() == ADDIN.read_bytes()
    config = home / ".xl_tools" / "xl_tools.conf"
    assert done.config_file == config and done.changed
    expected = ('"INTERPRETER_WIN","C:\\Users\\张三\\AppData\\Local\\xl_tools\\venv\\Scripts\\pythonw.exe"\r\n'
                f'"XL_TOOLS_VERSION","{VERSION}"\r\n')
    assert config.read_bytes() == expected.encode("cp936")
    assert b"\xd5\xc5\xc8\xfd" in config.read_bytes()  # 张三 in GBK, as VBA's Input # reads it on a Chinese Windows
    with pytest.raises(UnicodeDecodeError):
        config.read_bytes().decode("utf-8")


def test_install_twice_changes_nothing(tmp_path: Path) -> None:
    system = recorded_windows(tmp_path)
    first = addin_install(system, interpreter=PYTHON)
    files = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.rglob("*") if p.is_file()}
    second = addin_install(system, interpreter=PYTHON)
    assert first.changed and not second.changed
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.rglob("*") if p.is_file() and
            p.name != "install.json"} == {p: v for p, v in files.items() if p.name != "install.json"}
    assert (system.places.record).read_bytes() == files[system.places.record][0]


def test_uninstall_removes_exactly_what_install_added(tmp_path: Path) -> None:
    system = recorded_windows(tmp_path)
    roaming = tmp_path / "Users" / "张三" / "AppData" / "Roaming"
    (roaming / "Microsoft" / "Excel").mkdir(parents=True)  # Excel has run once: its folder exists, XLSTART not
    (roaming / "Microsoft" / "Excel" / "Excel15.xlb").write_bytes(b"toolbar")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    addin_install(system, interpreter=PYTHON)
    removed = addin_uninstall(system)
    assert set(removed) == {system.places.addin, system.places.config_file}
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_uninstall_gives_back_the_users_own_settings(tmp_path: Path) -> None:
    """A configuration file that was there (another Python set by hand, a OneDrive setting) is restored."""
    system = recorded_windows(tmp_path)
    config = system.places.config_file
    config.parent.mkdir(parents=True)
    mine = '"INTERPRETER_WIN","D:\\Python311\\pythonw.exe"\r\n"ONEDRIVE_CONSUMER_WIN","D:\\云盘"\r\n'
    config.write_bytes(mine.encode("cp936"))
    addin_install(system, interpreter=PYTHON)
    text = config.read_bytes().decode("cp936")
    assert '"ONEDRIVE_CONSUMER_WIN","D:\\云盘"\r\n' in text and PYTHON in text
    addin_uninstall(system)
    assert config.read_bytes() == mine.encode("cp936")
    assert not system.places.addin.exists() and not system.places.record.exists()


def test_a_path_the_code_page_cannot_carry_is_written_in_its_short_form(tmp_path: Path) -> None:
    python = r"C:\Users\Nguyễn\venv\Scripts\pythonw.exe"  # ễ is not in cp936
    system = recorded_windows(tmp_path, {python: r"C:\Users\NGUYE~1\venv\Scripts\pythonw.exe"})
    done = addin_install(system, interpreter=python)
    assert done.interpreter == r"C:\Users\NGUYE~1\venv\Scripts\pythonw.exe"
    assert b'"INTERPRETER_WIN","C:\\Users\\NGUYE~1\\venv\\Scripts\\pythonw.exe"\r\n' in \
        system.places.config_file.read_bytes()


def test_without_a_short_form_install_refuses_and_changes_nothing(tmp_path: Path) -> None:
    system = recorded_windows(tmp_path)
    with pytest.raises(XlToolsError) as refused:
        addin_install(system, interpreter=r"C:\Users\Nguyễn\venv\Scripts\pythonw.exe")
    assert "本机代码页（cp936）无法表示" in str(refused.value) and "短文件名" in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_a_config_file_not_in_the_code_page_is_refused_with_a_way_out(tmp_path: Path) -> None:
    system = recorded_windows(tmp_path)
    config = system.places.config_file
    config.parent.mkdir(parents=True)
    config.write_bytes('"INTERPRETER_WIN","C:\\Users\\张三\\py\\pythonw.exe"\r\n'.encode("utf-8")[:-4] + b"\xff\r\n")
    with pytest.raises(XlToolsError, match="不是本机代码页（cp936）的文本.*请删除该文件后重新运行 xl-tools addin install"):
        addin_install(system, interpreter=PYTHON)
    assert not system.places.addin.exists()


def test_an_addin_file_of_another_build_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "旧版" / "xl_tools.xlam"
    other.parent.mkdir()
    other.write_bytes(ADDIN.read_bytes()[:-1] + b"\1")
    system = recorded_windows(tmp_path / "pc")
    with pytest.raises(XlToolsError, match=f"不是 xl_tools {VERSION} 生成的加载项"):
        addin_install(system, addin=other, interpreter=PYTHON)
    same = tmp_path / "安装包" / "xl_tools.xlam"
    same.parent.mkdir()
    same.write_bytes(ADDIN.read_bytes())
    assert addin_install(system, addin=same, interpreter=PYTHON).addin.read_bytes() == ADDIN.read_bytes()


def test_uninstall_without_a_record_touches_nothing(tmp_path: Path) -> None:
    system = recorded_windows(tmp_path)
    system.places.addin.parent.mkdir(parents=True)
    system.places.addin.write_bytes(b"copied by hand")
    with pytest.raises(XlToolsError, match="没有找到安装记录"):
        addin_uninstall(system)
    assert system.places.addin.read_bytes() == b"copied by hand"


def test_the_record_says_what_was_there_before(tmp_path: Path) -> None:
    system = recorded_windows(tmp_path)
    addin_install(system, interpreter=PYTHON)
    record = json.loads(system.places.record.read_text(encoding="utf-8"))
    home = tmp_path / "Users" / "张三"
    assert record["previous"] == {"INTERPRETER_WIN": None, "XL_TOOLS_VERSION": None}
    assert record["config_created"] is True
    assert record["folders_created"][0] == str(home / "AppData" / "Roaming" / "Microsoft" / "Excel" / "XLSTART")
    assert str(home) in record["folders_created"] and str(tmp_path) not in record["folders_created"]


def test_the_command_prints_where_things_went_and_the_one_step_left(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    system = recorded_windows(tmp_path)
    monkeypatch.setattr(system_module.System, "current", classmethod(lambda cls: system))
    run = xl("addin", "install", "--python", REPO / "pyproject.toml", cwd=tmp_path)  # any existing file
    assert run.returncode == 0, run.stderr
    assert f"加载项：{system.places.addin}" in run.stdout
    assert "关闭所有 Excel 窗口后重新打开 Excel" in run.stdout and "「启用内容」" in run.stdout
    assert "加载项已是最新" in xl("addin", "install", "--python", REPO / "pyproject.toml", cwd=tmp_path).stdout
    run = xl("addin", "uninstall", cwd=tmp_path)
    assert run.returncode == 0 and f"已删除或还原：{system.places.addin}" in run.stdout
    assert not system.places.addin.exists()


def test_on_linux_the_command_says_what_linux_and_wps_users_use(tmp_path: Path) -> None:
    run = xl("addin", "install", cwd=tmp_path)
    assert run.returncode == 2
    assert "Excel 加载项只能安装在 Windows 上" in run.stderr and "xl-tools run" in run.stderr
