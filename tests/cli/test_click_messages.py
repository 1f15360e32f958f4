"""Click's own messages (usage, no such command, missing argument, invalid value) are Chinese like the rest,
through Click's gettext hook: the catalogue is ours, the wording around it is Click's."""

from __future__ import annotations

import gettext
import importlib.util
from pathlib import Path

from xl_tools.locale import CLICK_ZH, MO_FILE, mo_bytes

from tests.helpers.cli import xl


def test_an_unknown_command_is_named_with_the_nearest_one(tmp_path: Path) -> None:
    run = xl("validat", "表.xlsx", cwd=tmp_path)
    assert run.returncode == 2
    assert "错误：没有 'validat' 这个命令。 是不是想用 'validate'？" in run.stderr
    assert run.stderr.startswith("用法: xl-tools [OPTIONS] COMMAND [ARGS]...\n运行「xl-tools --help」查看帮助。")


def test_a_missing_argument_a_wrong_option_and_a_bad_value(tmp_path: Path) -> None:
    assert "错误：缺少参数 'PATH'." in xl("score", cwd=tmp_path).stderr
    assert "错误：没有 '--rule' 这个选项。 是不是想用 '--rules'？" in xl("score", "--rule", "x", "a.xlsx", cwd=tmp_path).stderr
    bad = xl("convert", "a.xlsx", "--to", "doc", cwd=tmp_path)
    assert bad.returncode == 2 and "错误：'--to' 的值无效：'doc' 不是可选的值（'pdf', 'xlsx', 'ods'）。" in bad.stderr
    assert "不在 x>=1 范围内" in xl("batch", "收件", "--jobs", "0", cwd=tmp_path).stderr


def test_help_is_chinese_all_through(tmp_path: Path) -> None:
    shown = xl("score", "--help", cwd=tmp_path).stdout
    assert shown.startswith("用法: xl-tools score [OPTIONS] PATH") and "选项:" in shown
    assert "-h, --help" in shown and "显示本帮助并退出。" in shown and "Show this message" not in shown


def test_the_committed_catalogue_is_the_one_in_the_code_and_gettext_reads_it() -> None:
    assert MO_FILE.read_bytes() == mo_bytes(CLICK_ZH)  # after a change: python -m xl_tools.locale
    with MO_FILE.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)  # the standard library's own reader of the format
    assert catalogue.gettext("Missing argument") == "缺少参数"
    assert catalogue.ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 3) \
        == "是不是想用 {possibility}？"


def test_every_message_translated_is_one_click_asks_for() -> None:
    """A Click upgrade that rewords a message would leave its translation unused: caught here."""
    folder = Path(importlib.util.find_spec("click").origin).parent
    source = "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.py"))
    for msgid in CLICK_ZH:
        for text in (msgid if isinstance(msgid, tuple) else (msgid,)):
            assert f'"{text}"' in source, text
