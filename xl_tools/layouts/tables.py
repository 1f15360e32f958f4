"""The parts every project layout shares: the indicator table and the funds block.

Layouts differ in their header words and in where tables start and stop; the
column synonyms and row rules here are read by all of them, so a new layout
is mostly a new anchor and a new set of expected headers.
"""

from __future__ import annotations

from ..core.model import FundsForm, FundsRow, IndicatorForm, RawCell
from ..core.values import normalise_text
from ..reading.grid import Grid, cell_address
from .labels import as_written, find_header_row, is_blank, norm_label, raw

INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("指标名称", "三级指标", "绩效指标名称"),
    "unit": ("计量单位", "单位"),
    "op": ("指标性质", "指标方向", "比较符"),
    "target": ("指标值", "年度指标值", "年度目标值", "目标值", "预期指标值"),
    "actual": ("全年完成值", "实际完成值", "全年实际完成值", "完成值", "实际值"),
    "deviation": ("偏离度",),
    "coefficient": ("得分系数",),
    "weight": ("指标权重", "分值", "权重"),
    "score": ("指标得分", "自评得分", "得分"),
    "ratio": ("完成比例",),
    "core": ("是否核心指标",),
    "explanation": ("说明", "偏差原因分析及改进措施", "未完成原因和改进措施", "偏差原因及改进措施", "偏差原因分析"),
}
TOTAL_ROW_LABELS = ("合计", "总分", "总计", "得分合计")
END_ROW_LABELS = ("说明", "填报人", "单位负责人签字", "填报日期")

FUNDS_COLUMNS: dict[str, tuple[str, ...]] = {
    "budget_start": ("年初预算数", "年初预算"),
    "budget": ("全年预算数", "全年调整预算数", "调整后预算数", "全年预算"),
    "executed": ("全年执行数", "全年执行", "执行数"),
    "exec_weight": ("执行率权重", "分值", "权重"),
    "exec_rate": ("执行率",),
    "exec_score": ("执行率得分", "得分"),
}
TOTAL_FUNDS_LABELS = ("年度总金额", "年度资金总额", "资金总额", "总量", "合计")
PART_FUNDS_LABELS = ("财政拨款", "当年财政拨款", "财政资金", "上年结转资金", "上年结转", "其他资金")


def grid_blank(grid: Grid, row: int, col: int) -> bool:
    return is_blank(grid.value(row, col))


def row_label(grid: Grid, row: int, before_col: int) -> tuple[str, int] | None:
    """The text label of a row: its last non-empty text cell left of ``before_col``."""
    for c in range(before_col - 1, 0, -1):
        v = grid.value(row, c)
        if isinstance(v, str) and v.strip():
            return norm_label(v), c
    return None


def read_indicators(grid: Grid, header_row: int, cols: dict[str, int], end_row: int
                    ) -> tuple[list[IndicatorForm], RawCell | None, int]:
    """Indicator rows under a header until the table ends.

    Returns the indicators, the 合计/总分 row's score cell (a claimed total) if
    there is one, and the last row that belonged to the table.
    """
    indicators: list[IndicatorForm] = []
    claimed_total: RawCell | None = None
    last = header_row
    name_col = cols["name"]
    label_cols = [cols[k] for k in ("level1", "level2", "name") if k in cols]
    for r in range(header_row + 1, end_row + 1):
        labels = [norm_label(grid.value(r, c)) for c in range(1, max(label_cols) + 1)]
        if any(lbl in TOTAL_ROW_LABELS for lbl in labels):
            if "score" in cols:
                claimed_total = raw(grid, r, cols["score"])
            last = r
            continue
        if any(lbl.partition(":")[0] in END_ROW_LABELS for lbl in labels):  # "填报人：　联系电话：…" ends it too
            break
        name = grid.value(r, name_col)
        if is_blank(name):
            if all(is_blank(grid.own_value(r, c)) for c in cols.values()):
                continue
            if all(is_blank(grid.value(r, cols[k])) for k in ("target", "actual", "weight") if k in cols):
                continue
        last = r
        ind = IndicatorForm(name=as_written(name) if not is_blank(name) else "（未命名指标）",
                            cell=cell_address(r, name_col))
        for key in ("unit", "op", "target", "actual", "weight", "explanation"):
            if key in cols:
                setattr(ind, key, raw(grid, r, cols[key]))
        if "score" in cols:
            ind.claimed_score = raw(grid, r, cols["score"])
        for key in ("level1", "level2"):
            if key in cols:
                v = grid.value(r, cols[key])
                setattr(ind, key, normalise_text(v) if not is_blank(v) else None)
        if "level1" in cols:
            ind.level1_cell = raw(grid, r, cols["level1"]).cell  # the merged label's own cell
        if "core" in cols:
            v = grid.value(r, cols["core"])
            ind.core = normalise_text(v) if not is_blank(v) else None
        ind.out_cells = {k: cell_address(r, cols[k]) for k in ("score", "deviation", "coefficient") if k in cols}
        indicators.append(ind)
    return indicators, claimed_total, last


def locate_indicator_table(grid: Grid, rows: range, required: tuple[str, ...]
                           ) -> tuple[int, dict[str, int]] | None:
    return find_header_row(grid, required, INDICATOR_COLUMNS, rows)


def read_funds_block(grid: Grid, rows: range) -> tuple[FundsForm, int] | None:
    """A funds block with a header row (年初预算数 / 全年预算数 / 全年执行数 …) and labelled rows."""
    found = find_header_row(grid, ("budget", "executed"), FUNDS_COLUMNS, rows)
    if found is None:
        return None
    header, cols = found
    funds = FundsForm()
    first_amount_col = min(cols[k] for k in ("budget_start", "budget", "executed") if k in cols)
    last = header
    for r in range(header + 1, rows.stop):
        label = row_label(grid, r, first_amount_col)
        if label is None:
            break
        text = label[0]
        is_total = text in TOTAL_FUNDS_LABELS
        is_part = text in PART_FUNDS_LABELS
        amounts = {k: raw(grid, r, cols[k]) for k in ("budget_start", "budget", "executed") if k in cols}
        # a text merged across the amount columns (the 年度总体目标 row below the block) is no amount
        if not is_total and not is_part and all(v.blank or not grid.is_merge_anchor_or_plain(r, cols[k])
                                                for k, v in amounts.items()):
            break
        last = r
        row = FundsRow(label=text, **amounts)
        if is_total and funds.total is None:
            funds.total = row
        elif is_part:
            funds.parts.append(row)
        for key in ("exec_weight", "exec_rate", "exec_score"):
            if key in cols and getattr(funds, key).blank and not grid_blank(grid, r, cols[key]):
                setattr(funds, key, raw(grid, r, cols[key]))
    for key in ("exec_weight", "exec_rate", "exec_score"):
        if key in cols and getattr(funds, key).cell is None:  # blank form: the first (total) row's cell
            setattr(funds, key, raw(grid, header + 1, cols[key]))
    if funds.total is None and len(funds.parts) == 1:
        funds.total, funds.parts = funds.parts[0], []
    return funds, last
