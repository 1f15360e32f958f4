"""Click's own messages (no such command, missing argument, usage…) in Chinese like the rest of the command line,
through Click's translation hook: Click asks ``gettext`` for every message it prints, so a catalogue for
Chinese is bound to a domain of ours and made the process's domain when ``xl-tools`` starts.

The catalogue is ``CLICK_ZH`` below; ``python -m xl_tools.locale`` writes it as the .mo file gettext reads
(committed; a test checks the file is this catalogue).
"""

from __future__ import annotations

import gettext
import os
import struct
from pathlib import Path

DOMAIN = "xl_tools_click"
FOLDER = Path(__file__).parent
MO_FILE = FOLDER / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.mo"

CLICK_ZH: dict[str | tuple[str, str], str | tuple[str]] = {
    "Usage:": "用法:",
    "Try '{command} {option}' for help.": "运行「{command} {option}」查看帮助。",
    "Error: {message}": "错误：{message}",
    "No such command {name!r}.": "没有 {name!r} 这个命令。",
    "No such option {name!r}.": "没有 {name!r} 这个选项。",
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): ("是不是想用 {possibility}？",),
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing command.": "缺少命令。",
    "Missing {param_type}": "缺少{param_type}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("选项 {name!r} 后面要跟 {nargs} 个值。",),
    "Option {name!r} does not take a value.": "选项 {name!r} 后面不能跟值。",
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): ("多出了参数（{args}）",),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): ("{value!r} 不是可选的值（{choices}）。",),
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在 {range} 范围内。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹，这里要的是文件。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，这里要的是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取（没有权限）。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入（没有权限）。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "Options": "选项",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "default: {default}": "默认：{default}",
    "(dynamic)": "（随情况而定）",
    "Aborted!": "已中止。",
}
"""Click 8's messages a user of xl-tools can meet, msgid -> msgstr; a plural pair (singular, plural) has one form,
as Chinese does (Click gives such a message both of its fields, {possibility} and {possibilities} alike)."""


def use_chinese() -> None:
    """Make Click's messages Chinese in this process (the command line's entry point; not the Python API)."""
    gettext.bindtextdomain(DOMAIN, str(FOLDER))
    gettext.textdomain(DOMAIN)
    languages = os.environ.get("LANGUAGE", "")
    if not languages.startswith("zh_CN"):
        os.environ["LANGUAGE"] = "zh_CN" + (f":{languages}" if languages else "")


def mo_bytes(catalogue: dict[str | tuple[str, str], str | tuple[str]]) -> bytes:
    """The GNU .mo form of ``catalogue`` (the layout gettext's GNUTranslations reads: a header, two tables of
    (length, offset) pairs, then the strings), keys sorted as the format requires."""
    entries = {"": "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=1; plural=0;\n"}
    for key, value in catalogue.items():
        entries["\0".join(key) if isinstance(key, tuple) else key] = \
            "\0".join(value) if isinstance(value, tuple) else value
    keys = sorted(entries)
    ids = [k.encode("utf-8") for k in keys]
    strs = [entries[k].encode("utf-8") for k in keys]
    start = 7 * 4 + 16 * len(keys)
    table_ids, table_strs, blob = [], [], b""
    for data, table in [*((i, table_ids) for i in ids), *((s, table_strs) for s in strs)]:
        table.append((len(data), start + len(blob)))
        blob += data + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 28, 28 + 8 * len(keys), 0, start)
    tables = b"".join(struct.pack("<2I", *pair) for pair in table_ids + table_strs)
    return header + tables + blob
