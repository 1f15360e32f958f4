"""Settings a workbook carries in its 参数 sheet (column D overrides the rule set's column C)."""

from __future__ import annotations

import re
from typing import Any

from ..core import rules
from ..core.findings import Finding, make
from ..core.sheets.params import MAIL_PREFIX, OWN_VALUE, PARAMS_SHEET, RULE_SET_KEY
from ..core.errors import RuleSetError
from ..reading.grid import Grid, cell_address
from ..rulesets import builtin_names, shipped
from .labels import find_cells, is_blank, norm_label

MAIL_KEYS = ("to", "cc", "sender_name")
"""The only 参数 rows "email.…" a workbook may set: where it is sent and the sender's display name.  A
workbook comes from a unit nobody here controls, so nothing security-relevant (server, port, encryption,
login, sender address, files) is ever taken from it: any other email.* row is reported and ignored."""
_MAIL_BELONGS = ("邮件服务器、端口、加密方式、登录账号、发件地址、证书文件、超时、重试和大小上限只从配置文件 email.toml、"
                 "环境变量或命令行选项读取；工作簿只能设置 " + "、".join(MAIL_PREFIX + k for k in MAIL_KEYS))
_PASSWORD_BELONGS = "SMTP 密码只从环境变量 XL_TOOLS_SMTP_PASSWORD 或系统密钥环读取，请删除该行"
_PASSWORD_WORDS = ("pass", "pwd", "密码", "口令")


def read(grid: Grid) -> tuple[dict[str, tuple[Any, str]], str | None, list[Finding]]:
    """Overrides found in a 参数 sheet, the rule set it names, and a finding for each malformed value."""
    header = find_cells(grid, (OWN_VALUE,))
    if grid.name != PARAMS_SHEET and not header:
        return {}, None, []
    value_col = header[0][1] if header else 4
    first_row = header[0][0] + 1 if header else 1
    known = set(rules.LABELS)
    overrides: dict[str, tuple[Any, str]] = {}
    findings: list[Finding] = []
    rule_set: str | None = None
    for r in range(first_row, grid.max_row + 1):
        key = norm_label(grid.value(r, 1))
        if key == RULE_SET_KEY:
            col = _given(grid, r, value_col)
            named = grid.value(r, col)
            rule_set = str(named).strip() if not is_blank(named) else None
            problem = _rule_set_problem(rule_set)
            if problem:
                findings.append(make("VALUE_UNREADABLE", sheet=grid.name, cell=cell_address(r, col),
                                     field=f"参数「{RULE_SET_KEY}」", text=rule_set, problem=problem))
                rule_set = None
            continue
        if key not in known:
            continue
        raw = grid.value(r, value_col)
        if is_blank(raw):
            continue
        where = f"{grid.name}!{cell_address(r, value_col)}"
        try:
            overrides[key] = (rules.setting_from_text(key, raw, f"参数表 {where}", shipped().schema), f"参数表 {where}")
        except RuleSetError as exc:
            findings.append(make("VALUE_UNREADABLE", sheet=grid.name, cell=cell_address(r, value_col),
                                 field=f"参数「{key}」", text=str(raw), problem=str(exc)))
    findings += [make("MAIL_SETTING_IGNORED", sheet=grid.name, cell=cell, key=f"{MAIL_PREFIX}{key}",
                      belongs=_PASSWORD_BELONGS if any(w in key for w in _PASSWORD_WORDS) else _MAIL_BELONGS)
                 for key, _value, cell in _mail_rows(grid) if key not in MAIL_KEYS]
    return overrides, rule_set, findings


def _rule_set_problem(name: str | None) -> str | None:
    """Why the rule set a 参数 sheet names cannot be used (it is then left aside), None if it can.

    Only a built-in name: a path would make the tool read a file the workbook chose (anything the
    user's account can read, or a rule set that changes the scores behind the user's back)."""
    if name is None or name in builtin_names():
        return None
    builtin = "、".join(builtin_names())
    if name.lower().endswith(".toml") or any(sign in name for sign in "/\\:~"):
        return (f"工作簿只能指定内置规则集（{builtin}），不能指定规则集文件；未读取该文件，"
                "自定义的规则集请在命令行用 --rules 文件.toml 指定")
    return f"没有名为「{name}」的规则集；内置规则集：{builtin}；未使用该规则集"


def _given(grid: Grid, row: int, value_col: int) -> int:
    """The column a row's value is taken from: 本工作簿取值 (D) when filled, else the rule set's value (C)."""
    return value_col if not is_blank(grid.value(row, value_col)) else value_col - 1


def is_params_sheet(grid: Grid) -> bool:
    return grid.name == PARAMS_SHEET or bool(find_cells(grid, (OWN_VALUE,)))


def mail_settings(grid: Grid) -> list[tuple[str, Any, str]]:
    """The mail settings this workbook may carry (``MAIL_KEYS``), as (key without the prefix, value, cell);
    the other email.* rows are left to ``read``'s findings."""
    return [row for row in _mail_rows(grid) if row[0] in MAIL_KEYS]


def _mail_rows(grid: Grid) -> list[tuple[str, Any, str]]:
    """Every filled email.* row (column D, else C), however its key is spelled (case, full-width forms)."""
    header = find_cells(grid, (OWN_VALUE,))
    value_col = header[0][1] if header else 4
    found = []
    for r in range(1, grid.max_row + 1):
        key = norm_label(grid.value(r, 1)).lower()
        if not key.startswith(MAIL_PREFIX):
            continue
        col = _given(grid, r, value_col)
        if not is_blank(grid.value(r, col)):
            found.append((key[len(MAIL_PREFIX):], grid.value(r, col), cell_address(r, col)))
    return found


LABELS_PREFIX = "labels."
"""参数 rows "labels.<section>.<field>": the words this workbook's own forms use for a field (vocabulary.toml)."""


def label_mapping(grid: Grid) -> tuple[dict[str, dict[str, list[str]]], list[Finding]]:
    """The label rows of a 参数 sheet, each checked on its own: a wrong one is a finding, the others apply."""
    from .vocabulary import VocabularyError, shipped

    header = find_cells(grid, (OWN_VALUE,))
    value_col = header[0][1] if header else 4
    mapping: dict[str, dict[str, list[str]]] = {}
    findings: list[Finding] = []
    for r in range(1, grid.max_row + 1):
        key = grid.value(r, 1)
        if not isinstance(key, str) or not key.strip().startswith(LABELS_PREFIX):
            continue
        col = value_col if not is_blank(grid.value(r, value_col)) else value_col - 1
        raw = grid.value(r, col)
        if is_blank(raw):
            continue
        section, _, field = key.strip()[len(LABELS_PREFIX):].partition(".")
        words = [w for w in re.split(r"[,，;；、\n]+", str(raw)) if w.strip()]
        try:
            shipped().extended({section: {field: words}}, f"参数表 {grid.name}!{cell_address(r, 1)}")
        except VocabularyError as exc:
            findings.append(make("VALUE_UNREADABLE", sheet=grid.name, cell=cell_address(r, 1),
                                 field=f"参数「{key.strip()}」", text=str(raw), problem=str(exc)))
            continue
        mapping.setdefault(section, {}).setdefault(field, []).extend(words)
    return mapping, findings
