"""`xl-tools addin install` / `uninstall`: the add-in into Excel's per-user startup folder and the two settings
its VBA reads into xlwings' configuration file; no administrator rights, nothing outside the user's folders.

What install adds is written down (``Places.record``) before anything else changes, with the settings' values as
they were, so uninstall removes exactly that, and a second install changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..core.errors import XlToolsError
from ..workbook.atomic import replace_atomically, write_error
from . import xlwings_config
from .places import Places
from .xlwings_config import INTERPRETER, VERSION, Shortener

NEXT_STEP = ("下一步：关闭所有 Excel 窗口后重新打开 Excel，功能区会出现「绩效自评」选项卡。"
             "若 Excel 顶部出现黄色的「安全警告：宏已被禁用」，点「启用内容」；"
             "若没有出现选项卡，运行 xl-tools doctor 查看原因。")


@dataclass
class Record:
    """What the first install found and added."""

    addin: str
    config_file: str
    config_created: bool
    folders_created: list[str]
    """Deepest first: removed by uninstall when empty."""
    previous: dict[str, str | None] = field(default_factory=dict)
    """The settings install writes, as they were before (None: absent)."""


@dataclass
class Installed:
    addin: Path
    config_file: Path
    interpreter: str
    """As written for the VBA (its short form when the code page cannot carry it)."""
    changed: bool


def install(places: Places, addin: bytes, interpreter: str, version: str, *, code_page: str,
            shorten: Shortener) -> Installed:
    interpreter_for_vba = xlwings_config.vba_path(interpreter, code_page, shorten)
    config = places.config_file
    settings = _read_settings(config, code_page)
    record = _read_record(places) or Record(
        str(places.addin), str(config), not config.exists(), _missing_folders(places.addin, config),
        {key: settings.get(key) for key in (INTERPRETER, VERSION)})
    wanted = {**settings, INTERPRETER: interpreter_for_vba, VERSION: version}
    rendered = xlwings_config.render(wanted, code_page)  # what cannot be written stops before any change
    _write(places.record, json.dumps(asdict(record), ensure_ascii=False, indent=1).encode("utf-8"))
    changed = False
    if not places.addin.is_file() or places.addin.read_bytes() != addin:
        _write(places.addin, addin)
        changed = True
    if not config.is_file() or config.read_bytes() != rendered:
        _write(config, rendered)
        changed = True
    return Installed(places.addin, config, interpreter_for_vba, changed)


def uninstall(places: Places, *, code_page: str) -> list[Path]:
    """Remove what install added (the files it removed or changed are returned); without its record, nothing."""
    record = _read_record(places)
    if record is None:
        raise XlToolsError(f"没有找到安装记录 {places.record}：加载项不是用 xl-tools addin install 安装的，"
                           f"未做任何改动。如需手动删除，加载项在 {places.addin}")
    touched: list[Path] = []
    addin = Path(record.addin)
    if addin.exists():
        _remove(addin)
        touched.append(addin)
    config = Path(record.config_file)
    if config.exists():
        settings = _read_settings(config, code_page)
        for key, value in record.previous.items():
            if value is None:
                settings.pop(key, None)
            else:
                settings[key] = value
        if settings or not record.config_created:
            _write(config, xlwings_config.render(settings, code_page))
        else:
            _remove(config)
        touched.append(config)
    _remove(places.record)
    for folder in map(Path, record.folders_created):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return touched


def _missing_folders(*files: Path) -> list[str]:
    """The folders install will create for ``files``, deepest first."""
    missing: list[str] = []
    for file in files:
        missing += [str(folder) for folder in file.parents if not folder.exists() and str(folder) not in missing]
    return sorted(missing, key=lambda folder: -len(Path(folder).parts))


def _read_settings(config: Path, code_page: str) -> dict[str, str]:
    return xlwings_config.parse(config.read_bytes(), code_page, str(config)) if config.is_file() else {}


def _read_record(places: Places) -> Record | None:
    if not places.record.is_file():
        return None
    try:
        return Record(**json.loads(places.record.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise XlToolsError(f"安装记录 {places.record} 已损坏（{exc}）；请删除它，再运行 xl-tools addin install") from None


def _write(target: Path, data: bytes) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(exc, target, f"无法建立文件夹 {target.parent}") from exc
    replace_atomically(target, lambda fh: fh.write(data))


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        if isinstance(exc, PermissionError):
            raise XlToolsError(f"无法删除 {path}：Excel 可能正打开着它，请关闭所有 Excel 窗口后再试") from None
        raise write_error(exc, path) from exc
