"""Why a sheet was not recognised: what was found, what is missing, and the labels that came closest.

A finance officer whose province words its form differently needs to know which label the toolkit did not
know, and where it is, to map it (``--labels FILE`` or the 参数 sheet's ``labels.*`` rows) without code.
"""

from __future__ import annotations

from ..reading.grid import Grid, cell_address
from .labels import find_cells, header_map, norm_label, row_labels
from .vocabulary import words

NEEDED = ("name", "target", "actual")
"""What every self-evaluation table has, whatever else it lacks."""
FIELD_NAMES = {"name": "指标名称", "target": "指标值", "actual": "完成值", "weight": "分值", "level1": "一级指标",
               "level2": "二级指标", "op": "指标性质", "unit": "计量单位", "score": "得分"}
MAPPING_HINT = "如表中用的是别的叫法，可用 --labels 文件或参数表的 labels.* 行指明（见 README「让工具认识你的表」）"


def diagnose(grid: Grid) -> tuple[str, str]:
    """(the most telling cell, what was found and what is missing), in Chinese."""
    vocabulary = words()
    columns = vocabulary.columns("indicator_columns")
    rows = sorted(row_labels(grid))
    best_row, best = max(((r, header_map(grid, r, columns)) for r in rows), key=lambda rc: len(rc[1]),
                         default=(0, {}))
    anchors = vocabulary.labels("anchors", "project") + vocabulary.labels("anchors", "compact_project")
    anchor = find_cells(grid, anchors)
    parts = []
    if anchor:
        parts.append(f"项目名称在 {cell_address(*anchor[0])}")
    else:
        near = _closest(grid, anchors, range(1, min(grid.max_row, 15) + 1))
        parts.append("没有找到项目名称一行" + (f"（最接近的是「{near[0]}」，{near[1]}）" if near else ""))
    if len(best) >= 2:
        shown = "、".join(f"{FIELD_NAMES.get(f, f)} {cell_address(best_row, c)}" for f, c in best.items()
                         if f in FIELD_NAMES)
        parts.append(f"第 {best_row} 行像指标表头（{shown}）")
        for field in (f for f in NEEDED if f not in best):
            near = _closest(grid, columns[field], range(best_row, best_row + 1), exclude=set(best.values()))
            parts.append(f"缺少「{FIELD_NAMES[field]}」列" + (f"（最接近的是「{near[0]}」，{near[1]}）" if near else ""))
        cell = cell_address(best_row, min(best.values()))
    else:
        parts.append("没有找到指标表头（一级指标、三级指标、指标值、完成值、分值之类的列）")
        cell = cell_address(*anchor[0]) if anchor else "A1"
    return cell, "；".join(parts) + "。" + MAPPING_HINT


def _closest(grid: Grid, wanted: tuple[str, ...], rows: range, exclude: set[int] = frozenset()
             ) -> tuple[str, str] | None:
    """The label in ``rows`` most like one of ``wanted`` (and its cell), if any is close."""
    from rapidfuzz import fuzz, process

    candidates = {}
    for r, c, v in grid.iter_nonempty():
        if r in rows and c not in exclude and isinstance(v, str):
            label = norm_label(v)
            if 2 <= len(label) <= 12 and label not in wanted:
                candidates.setdefault(label, cell_address(r, c))
    best = None
    for label, cell in candidates.items():
        match = process.extractOne(label, wanted, scorer=fuzz.ratio)
        if match and match[1] >= 50 and (best is None or match[1] > best[0]):
            best = (match[1], label, cell)
    return (best[1], best[2]) if best else None
