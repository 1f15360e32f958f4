"""参数: every setting of the rule set, its value there (C) and the workbook's own (D, typed by the user)."""

from __future__ import annotations

from collections.abc import Callable

from .. import rules
from ..formulas import LIVE_SETTINGS
from .spec import Cell, Sheet

PARAMS_SHEET = "参数"
RULE_SET_KEY = "rule_set"
MAIL_PREFIX = "email."
HEADER_ROW = 3
OWN_VALUE = "本工作簿取值"
MAIL_ROWS = (("to", "报送邮箱（收件人，多个用逗号分隔）"), ("cc", "抄送邮箱"), ("sender_name", "发件人显示名称"))
LIVE, RERUN = "公式直接读取，立即生效", "需重新运行 xl-tools recompute"


def params_rows(rule_set: rules.RuleSet) -> list[list[object]]:
    """The 参数 sheet's rows: title, note, header, the rule set's name, then one row per setting."""
    return [
        [f"评分参数（规则集：{rule_set.title}，{rule_set.name}，校验码 {rule_set.digest}）"],
        ["C 列为规则集的取值；需要在本工作簿中改用其他取值时，填在 D 列（留空则用 C 列）。"
         "E 列说明改动何时生效：公式直接读取的，得分立即更新；其余的需重新运行 xl-tools recompute。"],
        ["设置项", "名称", "规则集取值", OWN_VALUE, "改动后"],
        [RULE_SET_KEY, "规则集（内置规则集的名称，xl-tools rules list 可查看）", rule_set.name, None, RERUN],
        *([key, rules.LABELS[key], rules.setting_to_text(key, rule_set.values[key]), None,
           LIVE if key in LIVE_SETTINGS else RERUN] for key in sorted(rule_set.values)),
        *([f"{MAIL_PREFIX}{key}", label, None, None, "发送邮件（xl-tools email）时使用"] for key, label in MAIL_ROWS),
    ]


def params_sheet(rule_set: rules.RuleSet) -> Sheet:
    rows = params_rows(rule_set)
    cells: list[list[Cell | None]] = [[Cell(rows[0][0], style="title")], [Cell(rows[1][0], style="note")],
                                      [Cell(v, style="header") for v in rows[HEADER_ROW - 1]]]
    for values in rows[HEADER_ROW:]:
        cells.append([Cell(v, style="input" if col == 3 else "left") for col, v in enumerate(values)])
    return Sheet(PARAMS_SHEET, cells, widths={"A": 36, "B": 34, "C": 30, "D": 22, "E": 30},
                 merges=["A1:E1", "A2:E2"], print_titles=f"{HEADER_ROW}:{HEADER_ROW}", hidden=True)


def params_cells(read: Callable[[str], object] | None, rule_set: rules.RuleSet) -> dict[str, str]:
    """Setting -> the 参数 expression formulas read it from.

    ``read`` reads a cell ("A4") of the workbook's 参数 sheet; None when there is none, and the toolkit's
    (laid out by ``params_rows``) is about to be added.
    """
    if read is None:
        keys = {row[0]: r for r, row in enumerate(params_rows(rule_set), start=1) if row and row[0] in rules.LABELS}
    else:
        if read(f"D{HEADER_ROW}") != OWN_VALUE:  # not the toolkit's layout: rule-set values stay
            return {}
        keys = {}
        for r in range(HEADER_ROW + 1, HEADER_ROW + 2 + len(rules.LABELS)):
            if (key := read(f"A{r}")) in rules.LABELS:
                keys[key] = r
    sheet = f"'{PARAMS_SHEET}'!"
    return {key: f'IF({sheet}$D${r}="",{sheet}$C${r},{sheet}$D${r})' for key, r in keys.items()}
