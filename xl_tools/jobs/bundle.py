"""xl-tools bundle: a folder that installs xl_tools on an offline 64-bit Windows PC with no admin rights.

The folder holds, for each Python version, the wheel of xl_tools and of every dependency for win_amd64
(``wheels/cp311`` …; pure-Python wheels are duplicated in each, so every folder installs on its own), the
Excel add-in and template, ``安装.bat`` and ``说明.txt``.  It cannot carry Python itself: the PC needs a
python.org 64-bit Python installed for the current user.  There is no win32 bundle: xlwings runs Python in a
process of its own, so 32-bit Office works with 64-bit Python.

pip chooses the wheels (``pip download --platform win_amd64``), but pip evaluates a dependency's environment
markers on the machine it runs on, not on the target: on Linux it leaves out ``pywin32; platform_system ==
"Windows"`` (xlwings), ``colorama`` (click), ``tzdata`` (pandas).  So the downloaded set is checked against a
Windows marker environment and what is missing is asked for by name, until the set is complete.
"""

from __future__ import annotations

import email.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .. import __version__
from ..core.errors import XlToolsError

PYTHONS = ("3.11", "3.12", "3.13")
"""The versions bundled by default: xl_tools needs 3.11 or later; the newest with wheels for every dependency."""
PLATFORM = "win_amd64"
WHEELS = "wheels"
INSTALLER = "安装.bat"
README = "说明.txt"
MARKER = ".xl_tools_bundle"
"""Written first into every bundle folder: only a folder that has it may be emptied by a later run."""
STAGING_PREFIX = ".xl_tools_bundle_staging_"
VENV = r"%LOCALAPPDATA%\xl_tools\venv"
PYTHON_DOWNLOAD = "https://www.python.org/downloads/windows/"
PROJECT = "xl_tools"
SOURCE_FILES = ("pyproject.toml", "README.md", "setup.py", "setup.cfg", "MANIFEST.in", "LICENSE", "LICENSE.txt")
"""What a build of the wheel may read beside the package (those present are copied)."""
PIP_TAIL_LINES = 12
MAX_ROUNDS = 4
"""pip runs per Python version: the first, then one per level of Windows-only dependencies it left out."""

Progress = Callable[[str], None]


def _silent(_message: str) -> None:
    pass


@dataclass(frozen=True)
class BundleResult:
    """What ``bundle`` wrote: the folder, the wheels of each Python version (by tag, ``cp311``), the other
    files, and the folder's size in bytes."""

    outdir: Path
    wheels: dict[str, tuple[Path, ...]]
    files: tuple[Path, ...]
    size: int


def bundle(outdir: str | Path, pythons: Iterable[str] = PYTHONS, progress: Progress = _silent) -> BundleResult:
    """Write the offline installer folder into ``outdir`` (new, empty, or made by an earlier ``bundle``, whose
    content is then replaced).  Everything is built in a staging folder inside ``outdir`` and moved into place at
    the end, so a failed run (no network) leaves the previous bundle as it was."""
    versions = python_versions(pythons)
    root = project_root()
    out = Path(outdir)
    claim(out)
    with tempfile.TemporaryDirectory(prefix=STAGING_PREFIX, dir=out) as tmp:
        work, stage = Path(tmp) / "work", Path(tmp) / "stage"
        stage.mkdir()
        progress("生成 Excel 加载项……")  # first: the quickest step to fail, before any download
        build_addin_files(work / "addin", stage)
        progress("从源码生成 xl_tools 的 wheel……")
        own = build_own_wheel(root, work / "build")
        for version in versions:
            progress(f"下载 Python {version}（64 位 Windows）所需的 wheel……")
            download_wheels(own, version, stage / WHEELS / wheel_tag(version))
        write_installer(stage / INSTALLER, versions)
        write_readme(stage / README, versions)
        owned = sorted(p.name for p in stage.iterdir())
        replace_owned(stage, out, owned)
    (out / MARKER).write_text(f"xl-tools bundle {__version__}\n" + "\n".join(owned) + "\n", encoding="utf-8")
    return _result(out, versions, owned)


def _result(out: Path, versions: Sequence[str], owned: Sequence[str]) -> BundleResult:
    wheels = {wheel_tag(v): tuple(sorted((out / WHEELS / wheel_tag(v)).glob("*.whl"))) for v in versions}
    files = tuple(out / name for name in owned if name != WHEELS)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return BundleResult(out, wheels, files, size)


# ---- the versions --------------------------------------------------------------------------------------------


def python_versions(pythons: Iterable[str]) -> tuple[str, ...]:
    """``3.11``-style versions, checked, without repeats, newest first (the order 安装.bat tries them in)."""
    found: set[tuple[int, int]] = set()
    for text in pythons:
        match = re.fullmatch(r"\s*3\.(\d{1,2})\s*", text)
        if not match:
            raise XlToolsError(f"「{text}」不是 Python 版本；请写成 3.11、3.12 这样的形式")
        if int(match[1]) < 11:
            raise XlToolsError(f"xl_tools 需要 Python 3.11 及以上，不能为 Python {text.strip()} 准备安装包")
        found.add((3, int(match[1])))
    if not found:
        raise XlToolsError("没有指定 Python 版本；请用 --python 3.11 这样的形式给出")
    return tuple(f"{major}.{minor}" for major, minor in sorted(found, reverse=True))


def wheel_tag(version: str) -> str:
    """The CPython tag of a version (``3.11`` → ``cp311``): the name of its wheel folder and its ABI."""
    return "cp" + version.replace(".", "")


# ---- the folder ----------------------------------------------------------------------------------------------


def claim(out: Path) -> None:
    """Make ``out`` a bundle folder: refuse a file, or a non-empty folder ``bundle`` did not make (emptying it
    could delete someone's files); mark a new one at once, so a run stopped half-way can be redone."""
    if out.exists() and not out.is_dir():
        raise XlToolsError(f"{out} 是一个文件，不是文件夹；请用 -o 指定一个新的或空的文件夹")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise XlToolsError(f"文件夹 {out} 不是空的，也不是 xl-tools bundle 生成的（其中没有 {MARKER} 标记文件）；"
                           "为免删掉其中的文件，没有写入。请用 -o 指定一个新的或空的文件夹")
    try:
        out.mkdir(parents=True, exist_ok=True)
        if not (out / MARKER).is_file():
            (out / MARKER).write_text(f"xl-tools bundle {__version__}\n", encoding="utf-8")
    except OSError as exc:
        raise XlToolsError(f"无法在 {out} 建立安装包文件夹：{exc.strerror or exc}") from None
    for stale in out.glob(STAGING_PREFIX + "*"):  # left by a run that was killed
        shutil.rmtree(stale, ignore_errors=True)


def replace_owned(stage: Path, out: Path, names: Sequence[str]) -> None:
    """Move the staged entries into ``out``, each replacing what an earlier run wrote under that name; what an
    earlier run wrote and this one did not goes too (the marker lists it), files someone else put there stay."""
    for name in {*names, *_previously_owned(out)}:
        target = out / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        if (stage / name).exists():
            os.replace(stage / name, target)


def _previously_owned(out: Path) -> list[str]:
    """The names the marker of an earlier run lists (its first line is a title)."""
    lines = (out / MARKER).read_text(encoding="utf-8").splitlines()[1:]
    return [n for n in lines if n and "/" not in n and "\\" not in n and n not in (".", "..", MARKER)]


# ---- the wheel of xl_tools -----------------------------------------------------------------------------------


PACKAGE_DIR = Path(__file__).resolve().parents[1]


def project_root(package_dir: Path = PACKAGE_DIR) -> Path:
    """The source tree the running xl_tools comes from (an editable install): the wheel is built from it."""
    root = package_dir.parent
    pyproject = root / "pyproject.toml"
    try:
        name = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["name"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        name = None
    if name is None or canonicalize_name(name) != canonicalize_name(PROJECT):
        raise XlToolsError(f"找不到 xl_tools 的源码：{root} 中没有 xl_tools 的 pyproject.toml。"
                           "bundle 要从源码生成 xl_tools 的 wheel，只能在以可编辑方式安装的源码中运行"
                           "（在源码文件夹中 pip install -e .）")
    return root


def build_own_wheel(root: Path, workdir: Path) -> Path:
    """The xl_tools wheel, built from a copy of the source tree: the checkout gets no build/ or egg-info, and a
    stale build/lib cannot slip deleted modules into the wheel.  Built with build isolation, so the setuptools
    the project asks for is used (fetched from the index, which the downloads need anyway)."""
    source, wheels = workdir / "source", workdir / "wheel"
    shutil.copytree(root / PROJECT, source / PROJECT, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in SOURCE_FILES:
        if (root / name).is_file():
            shutil.copy2(root / name, source / name)
    run_pip(wheel_command(source, wheels), "从源码生成 xl_tools 的 wheel")
    built = sorted(wheels.glob(f"{PROJECT}-*.whl"))
    if len(built) != 1:
        raise XlToolsError(f"从源码生成 xl_tools 的 wheel 时，pip 没有写出唯一的 wheel（写出了 {len(built)} 个）")
    return built[0]


def wheel_command(source: Path, wheels: Path) -> list[str]:
    return ["wheel", "--no-deps", "--wheel-dir", str(wheels), str(source)]


# ---- the dependencies ----------------------------------------------------------------------------------------


def download_command(version: str, dest: Path, requirements: Sequence[str]) -> list[str]:
    """pip's download of binary wheels for 64-bit Windows CPython ``version``, whatever machine runs it."""
    return ["download", "--only-binary=:all:", "--platform", PLATFORM, "--python-version", version,
            "--implementation", "cp", "--abi", wheel_tag(version), "--dest", str(dest), *requirements]


def download_wheels(own: Path, version: str, dest: Path) -> list[Path]:
    """Every wheel xl_tools needs on 64-bit Windows with Python ``version``, in ``dest``: pip's choice, plus
    the Windows-only dependencies pip left out (named, re-resolved together so the versions agree)."""
    environment = windows_environment(version)
    extra: set[str] = set()
    for _ in range(MAX_ROUNDS):
        if dest.exists():
            shutil.rmtree(dest)
        run_pip(download_command(version, dest, [str(own), *sorted(extra)]),
                f"下载 Python {version}（64 位 Windows）所需的 wheel")
        missing = missing_requirements(dest, environment)
        if not missing:
            return sorted(dest.glob("*.whl"))
        extra |= set(missing)
    raise XlToolsError(f"下载 Python {version} 的 wheel 后仍缺少 Windows 上需要的依赖：{'、'.join(sorted(missing))}")


def windows_environment(version: str) -> dict[str, str]:
    """The marker variables of python.org's 64-bit CPython ``version`` on Windows 10 or 11."""
    return {"implementation_name": "cpython", "implementation_version": f"{version}.0", "os_name": "nt",
            "platform_machine": "AMD64", "platform_python_implementation": "CPython", "platform_release": "10",
            "platform_system": "Windows", "platform_version": "10.0.19045", "python_full_version": f"{version}.0",
            "python_version": version, "sys_platform": "win32"}


@dataclass(frozen=True)
class WheelInfo:
    name: str
    version: Version | None
    requires: tuple[Requirement, ...]


def missing_requirements(folder: Path, environment: dict[str, str], root: str = PROJECT) -> list[str]:
    """The requirements, as pip reads them, that the wheels in ``folder`` leave unmet when ``root`` is installed
    in ``environment``: each dependency's markers and extras evaluated for that environment."""
    wheels = {info.name: info for info in map(wheel_info, folder.glob("*.whl"))}
    missing: set[str] = set()
    seen: set[tuple[str, frozenset[str]]] = set()
    todo: list[tuple[str, frozenset[str]]] = [(canonicalize_name(root), frozenset())]
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen or name not in wheels:
            continue
        seen.add((name, extras))
        for req in wheels[name].requires:
            if not _applies(req, extras, environment):
                continue
            wanted = canonicalize_name(req.name)
            have = wheels.get(wanted)
            if have is None or (have.version and not req.specifier.contains(have.version, prereleases=True)):
                missing.add(_without_marker(req))
            else:
                todo.append((wanted, frozenset(req.extras)))
    return sorted(missing)


def _applies(req: Requirement, extras: frozenset[str], environment: dict[str, str]) -> bool:
    if req.marker is None:
        return True
    return any(req.marker.evaluate({**environment, "extra": extra}) for extra in ("", *sorted(extras)))


def _without_marker(req: Requirement) -> str:
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    return f"{req.name}{extras}{req.specifier}"


def wheel_info(path: Path) -> WheelInfo:
    """A wheel's name, version and Requires-Dist, from its METADATA."""
    with zipfile.ZipFile(path) as whl:
        metadata = next((n for n in whl.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)), None)
        if metadata is None:
            raise XlToolsError(f"{path.name} 不是有效的 wheel（其中没有 METADATA）")
        message = email.parser.BytesParser().parsebytes(whl.read(metadata), headersonly=True)
    try:
        version: Version | None = Version(message["Version"])
    except (InvalidVersion, TypeError):
        version = None
    requires = tuple(Requirement(line) for line in message.get_all("Requires-Dist") or [])
    return WheelInfo(canonicalize_name(message["Name"] or path.name.split("-")[0]), version, requires)


def run_pip(args: Sequence[str], task: str) -> None:
    """``python -m pip ARGS`` with this interpreter, quiet unless it fails; then a Chinese error that names the
    task and ends with pip's last lines (the reason is there: no network, no wheel for that Python)."""
    command = [sys.executable, "-m", "pip", *args, "--disable-pip-version-check", "--no-input", "--progress-bar", "off"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUTF8": "1"}
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace", env=env,
                          check=False)
    if done.returncode != 0:
        tail = [line for line in (done.stdout + "\n" + done.stderr).splitlines() if line.strip()][-PIP_TAIL_LINES:]
        raise XlToolsError(f"{task}失败（pip 退出码 {done.returncode}）；请检查网络和 pip 的镜像设置。pip 的最后输出：\n"
                           + "\n".join(tail))


# ---- the add-in ----------------------------------------------------------------------------------------------


def build_addin_files(workdir: Path, stage: Path) -> list[Path]:
    """The add-in (.xlam) and the template (.xlsm) of this xl_tools, built as ``xl-tools addin build`` does."""
    from ..addin.build import build_all

    workdir.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.move(str(made), stage / made.name)) for made in build_all(workdir)]


# ---- 安装.bat and 说明.txt --------------------------------------------------------------------------------------


def write_installer(path: Path, versions: Sequence[str]) -> Path:
    """安装.bat in GBK with CRLF: cmd reads a batch file in the console's OEM code page, 936 on Chinese Windows."""
    path.write_bytes(crlf(installer_script(versions)).encode("gbk"))
    return path


def write_readme(path: Path, versions: Sequence[str]) -> Path:
    """说明.txt in UTF-8 with a BOM and CRLF: Notepad of every Windows version opens it right."""
    path.write_bytes(crlf(readme_text(versions)).encode("utf-8-sig"))
    return path


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _listed(versions: Sequence[str]) -> str:
    return "、".join(versions[:-1]) + f" 或 {versions[-1]}" if len(versions) > 1 else versions[0]


def installer_script(versions: Sequence[str]) -> str:
    """The text of 安装.bat for the bundled ``versions`` (newest first).

    Every command line is ASCII and every path is quoted (a user name may hold spaces and Chinese); there are
    no parenthesised blocks, since a ")" in a folder name ("安装包 (1)") would end one early; echoed paths are
    quoted too, so "&" in a name is printed, not run."""
    listed = _listed(versions)
    launchers = [*((f"py -{v}", v) for v in versions), *(("python", v) for v in versions)]
    probes = "\n".join(f'call :probe "{launcher}" {v.split(".")[1]} {wheel_tag(v)}\nif not errorlevel 1 goto :found'
                       for launcher, v in launchers)
    return f"""\
@echo off
REM xl_tools {__version__} offline installer for 64-bit Windows, written by "xl-tools bundle".
REM This file is saved in GBK (code page 936) with CRLF line ends on purpose: cmd.exe reads a
REM batch file in the console's OEM code page, which is 936 on Chinese Windows, so the Chinese
REM messages show correctly there (a UTF-8 file would print garbage). Every command line is
REM plain ASCII, so the steps run under any code page; every path is quoted.
setlocal EnableExtensions DisableDelayedExpansion
set "VENV={VENV}"
set "PY="
set "TAG="

echo 绩效自评工具 xl_tools {__version__} 离线安装（64 位 Windows，不需要网络和管理员权限）
echo.
if not exist "%~dp0{WHEELS}\\" goto :not_extracted
if "%LOCALAPPDATA%"=="" goto :no_localappdata
echo 安装前请关闭所有 Excel 窗口。
pause

echo.
echo 正在查找本机的 64 位 Python {listed}……
{probes}
goto :no_python

:found
echo 使用 Python：%PY%
echo.
echo [1/4] 建立虚拟环境："%VENV%"
%PY% -m venv --clear "%VENV%"
if errorlevel 1 goto :fail_venv
echo.
echo [2/4] 从本文件夹安装 xl_tools 及其依赖（离线）……
"%VENV%\\Scripts\\python.exe" -m pip install --no-index --find-links "%~dp0{WHEELS}\\%TAG%" --only-binary=:all: --disable-pip-version-check --no-warn-script-location {PROJECT}
if errorlevel 1 goto :fail_pip
echo.
echo [3/4] 安装 Excel 加载项……
"%VENV%\\Scripts\\xl-tools.exe" addin install
if errorlevel 1 goto :fail_addin
echo.
echo [4/4] 检查安装结果（xl-tools doctor）……
"%VENV%\\Scripts\\xl-tools.exe" doctor
if errorlevel 1 goto :fail_doctor
echo.
echo 安装完成。请重新打开 Excel，功能区上会出现「绩效自评」选项卡。
echo 卸载方法见本文件夹中的 说明.txt。
echo.
pause
exit /b 0

REM probe LAUNCHER MINOR TAG: whether LAUNCHER runs a 64-bit Python 3.MINOR; if so, remember it.
:probe
%~1 -c "import sys; sys.exit(0 if sys.version_info[:2] == (3, %2) and sys.maxsize > 2**32 else 1)" >nul 2>&1
if errorlevel 1 exit /b 1
set "PY=%~1"
set "TAG=%3"
exit /b 0

:not_extracted
echo 找不到安装文件（{WHEELS} 文件夹）。
echo 请先把整个压缩包解压出来（右键 → 全部解压缩），再双击解压后文件夹中的 {INSTALLER}。
goto :stop

:no_localappdata
echo 环境变量 LOCALAPPDATA 没有设置，不知道把 xl_tools 装在哪里；请联系信息部门。
goto :stop

:no_python
echo 没有找到可用的 Python：需要 64 位的 Python {listed}。本安装包不能附带 Python 本身。
echo 请到 {PYTHON_DOWNLOAD} 下载 "Windows installer (64-bit)"，
echo 安装时取消勾选 "Use admin privileges when installing py.exe"，再点 "Install Now"：
echo 这样只为当前用户安装（Install for current user），不需要管理员权限。
echo 不要用 Microsoft Store 中的 Python。装好后重新双击 {INSTALLER}。
echo 注意：不支持 Windows 7（Python 3.9 起不能在 Windows 7 上安装）。
goto :stop

:fail_venv
echo 建立虚拟环境失败（见上方信息）。
echo 以前装过时，请先关闭 Excel（它可能正在使用其中的 Python）再重试；
echo 仍然失败时，删除文件夹 "%VENV%" 后重试。
goto :stop

:fail_pip
echo 安装 xl_tools 失败（见上方信息）：本文件夹中的安装文件可能不完整，请重新拷贝整个文件夹后重试。
goto :stop

:fail_addin
echo 安装 Excel 加载项失败（见上方信息）。请关闭 Excel 后重新双击 {INSTALLER}。
goto :stop

:fail_doctor
echo xl_tools 已安装，但检查发现问题（见上方 xl-tools doctor 的说明），请按说明处理。
goto :stop

:stop
echo.
echo 安装没有完成。
pause
exit /b 1
"""


def readme_text(versions: Sequence[str]) -> str:
    """说明.txt: what the folder is and how to install, check and remove xl_tools with it."""
    tags = "、".join(f"{WHEELS}\\{wheel_tag(v)}" for v in versions)
    return f"""\
绩效自评工具 xl_tools {__version__} 离线安装包（64 位 Windows）

这个文件夹用于在不能上网的电脑上安装 xl_tools 和 Excel 的「绩效自评」功能区加载项，
不需要网络，也不需要管理员权限。其中：
  {INSTALLER}            安装程序，双击运行
  {tags}
                       xl_tools 及其全部依赖的安装文件，每个 Python 版本一份
  xl_tools.xlam        Excel 加载项（安装时放到 Excel 的启动文件夹）
  绩效自评模板.xlsm     带同一功能区的空白自评模板
  {README}             本说明

一、安装前
1. 电脑上要先装好 64 位的 Python {_listed(versions)}（本安装包不能附带 Python 本身）：
   从 {PYTHON_DOWNLOAD} 下载 "Windows installer (64-bit)"，
   安装时取消勾选 "Use admin privileges when installing py.exe"，再点 "Install Now"，
   即只为当前用户安装（Install for current user），不需要管理员权限。不要用 Microsoft Store 中的 Python。
2. 不支持 Windows 7（Python 3.9 起不能在 Windows 7 上安装）。
3. 32 位和 64 位的 Office 都可以用：xlwings 在 Excel 之外另起一个 Python 进程，
   Python 的位数不必与 Office 相同，所以只有 64 位的安装包，没有 32 位（win32）的。
4. 从网上或邮件下载的文件可能被 Windows 阻止运行：解压前先在压缩包上（或解压后在 {INSTALLER} 上）
   右键 → 属性 → 勾选「解除锁定」→ 确定。
5. 安装前关闭所有 Excel 窗口。

二、安装
双击 {INSTALLER}。它依次：
  - 找到本机的 Python（先用 py 启动器，再找 PATH 中的 python）；
  - 在 {VENV} 建立只属于当前用户的虚拟环境（再次安装时先清空它）；
  - 从本文件夹离线安装 xl_tools 及其依赖；
  - 运行 xl-tools addin install，把加载项放到 Excel 的启动文件夹；
  - 运行 xl-tools doctor 检查安装结果。
完成后重新打开 Excel，功能区上会出现「绩效自评」选项卡。

三、检查（xl-tools doctor）
doctor 逐项检查本机：Python、xlwings、Excel 加载项及其配置、宏安全设置、文件的网络标记（是否被阻止）、
LibreOffice、邮件设置和按钮日志，每项一行：正常 / 缺少 / 注意，并说明怎么处理。
功能区按钮所需的都具备时它报告正常，安装.bat 才显示「安装完成」。
以后按钮不起作用时，在「命令提示符」中运行
  "{VENV}\\Scripts\\xl-tools.exe" doctor
并把显示的内容发给维护人员。

四、卸载
1. 关闭 Excel，在「命令提示符」中运行：
  "{VENV}\\Scripts\\xl-tools.exe" addin uninstall
2. 删除虚拟环境文件夹 {VENV}：把 %LOCALAPPDATA%\\xl_tools 粘贴到资源管理器的地址栏并回车，
   删除其中的 venv 文件夹。
"""
