"""The parts every project layout shares: the indicator table and the funds block.

Layouts differ in their header words and in where tables start and stop; the
row rules here are read by all of them, with the words of vocabulary.toml, so a
new layout is mostly a new anchor and a new set of expected headers.
"""

from __future__ import annotations

import re

from ..core.model import FundsForm, FundsRow, IndicatorForm, RawCell
from ..core.values import normalise_text
from ..reading.grid import Grid, cell_address
from .labels import as_written, find_header_row, is_blank, norm_label, raw
from .vocabulary import words

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
    vocabulary = words()
    total_labels, end_labels = vocabulary.labels("indicator_rows", "total"), vocabulary.labels("indicator_rows", "end")
    skip_labels, placeholders = vocabulary.labels("indicator_rows", "skip"), vocabulary.labels("indicator_rows",
                                                                                                 "placeholder")
    label_cols = [cols[k] for k in ("level1", "level2", "name") if k in cols]
    for r in range(header_row + 1, end_row + 1):
        labels = [norm_label(grid.value(r, c)) for c in range(1, max(label_cols) + 1)]
        if any(lbl in total_labels for lbl in labels):
            if "score" in cols:
                claimed_total = raw(grid, r, cols["score"])
            last = r
            continue
        if any(lbl.partition(":")[0] in end_labels for lbl in labels):  # "填报人：　联系电话：…" ends it too
            break
        if any(lbl.partition(":")[0] in skip_labels for lbl in labels):  # a note inside the table, no indicator
            last = r
            continue
        name = grid.value(r, name_col)
        values_blank = all(_no_value(grid.value(r, cols[k])) for k in ("target", "actual", "weight") if k in cols)
        if is_blank(name) or (values_blank and (_placeholder(norm_label(name), placeholders)
                                                or len(norm_label(name)) > PROSE)):
            if all(is_blank(grid.own_value(r, c)) for c in cols.values()) or values_blank:
                continue
        merge = grid.merge_of(r, name_col)
        if merge is not None and "target" in cols and merge.min_col <= cols["target"] <= merge.max_col:
            continue  # a sentence written across the value columns: no indicator
        if norm_label(name).startswith("其中") and "weight" in cols and _no_value(grid.value(r, cols["weight"])):
            continue  # a detail of the row above (其中…), which carries the weight: not counted twice
        last = r
        ind = IndicatorForm(name=as_written(name) if not is_blank(name) else "（未命名指标）",
                            cell=cell_address(r, name_col))
        for key in ("unit", "op", "target", "actual", "weight", "explanation"):
            if key in cols:
                setattr(ind, key, raw(grid, r, cols[key]))
        if "target_adjusted" in cols and not _no_value(grid.value(r, cols["target_adjusted"])):
            ind.target = raw(grid, r, cols["target_adjusted"])  # 调整指标值 where the year's target was changed
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


PROSE = 40
"""Characters beyond which a name with no target, value or weight is a sentence (a note under the table)."""


def _no_value(value: object) -> bool:
    """Blank, or a dash or slash a form writes where nothing applies."""
    return is_blank(value) or (isinstance(value, str) and not value.strip().strip("/／—-－–\\"))


def _placeholder(name: str, placeholders: tuple[str, ...]) -> bool:
    """A row the template offered and nobody filled: "……", "指标1：", "其他"."""
    bare = name.rstrip("0123456789:：.、").strip()
    return not bare.strip(".…。·-—") or bare in placeholders


def locate_indicator_table(grid: Grid, rows: range, required: tuple[str, ...]
                           ) -> tuple[int, dict[str, int]] | None:
    return find_header_row(grid, required, words().columns("indicator_columns"), rows)


_POINTS = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分")


def _points_in_labels(grid: Grid, header: int) -> RawCell | None:
    """The execution weight where a form writes it into a label of its funds block: "预算执行情况（万元）（20分）"
    beside the header, "得分（20分*执行率）" or "执行率（10分）" in it."""
    for c in range(1, grid.max_col + 1):
        value = grid.value(header, c)
        if isinstance(value, str) and (found := _POINTS.search(normalise_text(value))):
            return RawCell(f"{found.group(1)}分", cell_address(header, c))
    return None


def read_funds_block(grid: Grid, rows: range) -> tuple[FundsForm, int] | None:
    """A funds block with a header row (年初预算数 / 全年预算数 / 全年执行数 …) and labelled rows."""
    columns = words().columns("funds_columns")
    found = (find_header_row(grid, ("budget", "executed"), columns, rows)
             or find_header_row(grid, ("budget_start", "executed"), columns, rows))  # only 年初预算数
    if found is None:
        return None
    header, cols = found
    funds = FundsForm()
    first_amount_col = min(cols[k] for k in ("budget_start", "budget", "executed") if k in cols)
    last = header
    total_labels, part_labels = words().labels("funds_rows", "total"), words().labels("funds_rows", "parts")
    for r in range(header + 1, rows.stop):
        label = row_label(grid, r, first_amount_col)
        if label is None:
            break
        text = label[0]
        is_total = text in total_labels
        is_part = text in part_labels
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
        for key in ("exec_weight", "exec_rate", "exec_score"):  # the first row's that holds something; a
            taken = getattr(funds, key)  # formula holds its cell even with an empty result (a blank 执行数)
            if key in cols and taken.blank and not taken.is_formula and (
                    not grid_blank(grid, r, cols[key]) or grid.is_formula(r, cols[key])):
                setattr(funds, key, raw(grid, r, cols[key]))
    for key in ("exec_weight", "exec_rate", "exec_score"):
        if key in cols and getattr(funds, key).cell is None:  # blank form: the first (total) row's cell
            setattr(funds, key, raw(grid, header + 1, cols[key]))
    if funds.exec_weight.blank:
        funds.exec_weight = _points_in_labels(grid, header) or funds.exec_weight
    if funds.total is None and len(funds.parts) == 1:
        funds.total, funds.parts = funds.parts[0], []
    return funds, last
