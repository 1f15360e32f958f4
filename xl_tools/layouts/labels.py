"""Finding fields by their labels, so readers survive moved rows and reordered columns.

Labels are compared after removing whitespace, colons and bracketed notes, so
"全年（调整）预算数", "全年预算数(A)" and " 全年预算数：" all read as 全年预算数.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable

from ..core.model import RawCell
from ..core.values import normalise_text
from ..reading.grid import Grid, cell_address

_BRACKETS = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")


def norm_label(value: Any) -> str:
    if isinstance(value, str):
        return _norm_label_text(value)
    return _norm_label_text(normalise_text(value)) if value is not None else ""


@lru_cache(maxsize=65536)
def _norm_label_text(text: str) -> str:
    """Cached: every reader looks at the same header and label cells of a sheet."""
    text = _BRACKETS.sub("", normalise_text(text))
    return text.strip(":：*").replace("其中:", "").replace("其中：", "")


def as_written(value: Any) -> str:
    """A name as the user wrote it, minus line breaks and stray (full-width) spaces; no NFKC."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else normalise_text(value)
    return re.sub(r"[\s\u3000]+", "", text)


def raw(grid: Grid, row: int, col: int) -> RawCell:
    """A cell as the core wants it (merged cells read through their anchor)."""
    r, c = grid.anchor(row, col)
    return RawCell(grid.value(r, c), cell_address(r, c), grid.number_format(r, c), grid.is_formula(r, c))


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def row_is_blank(grid: Grid, row: int) -> bool:
    return all(is_blank(grid.value(row, c)) for c in range(1, grid.max_col + 1))


def find_cells(grid: Grid, labels: Iterable[str], rows: range | None = None,
               exact: bool = True) -> list[tuple[int, int]]:
    """Cells whose label is one of ``labels`` (or starts with one, if not ``exact``).

    A cell holding a label and its value ("项目名称：某项目") counts as that label;
    ``value_after_label`` reads the value from it.
    """
    wanted = tuple(labels)
    if exact:
        index = grid.derived("label_index", _label_index)
        found = sorted({rc for label in wanted for rc in index.get(label, ())})
    else:
        found = [(r, c) for r, c, label in grid.derived("label_cells", _label_cells) if label.startswith(wanted)]
    return [rc for rc in found if rc[0] in rows] if rows is not None else found


def _label_cells(grid: Grid) -> list[tuple[int, int, str]]:
    return [(r, c, norm_label(v)) for r, c, v in grid.iter_nonempty() if isinstance(v, str)]


def _label_index(grid: Grid) -> dict[str, list[tuple[int, int]]]:
    """Label -> its cells; a cell "项目名称：某项目" is indexed under 项目名称 too."""
    index: dict[str, list[tuple[int, int]]] = {}
    for r, c, label in grid.derived("label_cells", _label_cells):
        index.setdefault(label, []).append((r, c))
        head, colon, rest = label.partition(":")  # NFKC has turned "：" into ":"
        if colon and rest and head != label:
            index.setdefault(head, []).append((r, c))
    return index


def right_of(grid: Grid, row: int, col: int, limit: int = 6) -> tuple[int, int] | None:
    """The first non-empty cell right of (row, col), past the label's own merge."""
    merge = grid.merge_of(row, col)
    start = (merge.max_col if merge else col) + 1
    for c in range(start, min(start + limit, grid.max_col + 1)):
        if grid.is_merge_anchor_or_plain(row, c) and not is_blank(grid.value(row, c)):
            return row, c
    return None


def value_after_label(grid: Grid, row: int, col: int) -> RawCell:
    """The value written after a label: in the same cell ("项目名称：X") or the next one."""
    own = grid.value(row, col)
    if isinstance(own, str):
        parts = re.split(r"[:：]", own, maxsplit=1)
        if len(parts) == 2 and parts[1].strip():
            return RawCell(parts[1].strip(), cell_address(row, col), grid.number_format(row, col))
    pos = right_of(grid, row, col)
    if pos is None:  # nothing written yet: the value belongs in the cell after the label
        merge = grid.merge_of(row, col)
        return RawCell(None, cell_address(row, (merge.max_col if merge else col) + 1))
    return raw(grid, *pos)


def header_map(grid: Grid, row: int, synonyms: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Field -> column for a header row; first match wins, a label merged across columns counts once.

    A label merged down from the row above counts in this row too: in a two-row header (年度指标值 over
    指标性质 | 指标值 | 度量单位) the columns that have no sub-label (实际完成值, 分值) are merged down over both rows,
    and the lower row is then the whole header.
    """
    columns: dict[str, int] = {}
    for c in range(1, grid.max_col + 1):
        merge = grid.merge_of(row, c)
        if merge is not None and merge.min_col != c:
            continue
        label = norm_label(grid.value(row, c))
        if not label:
            continue
        for fieldname, names in synonyms.items():
            if fieldname not in columns and label in names:
                columns[fieldname] = c
                break
    return columns


def row_labels(grid: Grid) -> dict[int, set[str]]:
    """Row -> the labels written in it, built once per sheet: header searches then visit only the rows
    that can hold the header instead of every row of every sheet."""
    def build(g: Grid) -> dict[int, set[str]]:
        found: dict[int, set[str]] = {}
        for (r, _c), v in g.values.items():
            if isinstance(v, str):
                found.setdefault(r, set()).add(norm_label(v))
        for rng in g.merged:  # a label merged down counts in every row it covers (two-row headers)
            v = g.values.get((rng.min_row, rng.min_col))
            if isinstance(v, str) and rng.max_row > rng.min_row:
                for r in range(rng.min_row + 1, min(rng.max_row, rng.min_row + 3) + 1):
                    found.setdefault(r, set()).add(norm_label(v))
        return found

    return grid.derived("row_labels", build)


def find_header_row(grid: Grid, required: Iterable[str], synonyms: dict[str, tuple[str, ...]],
                    rows: range) -> tuple[int, dict[str, int]] | None:
    """The first row in ``rows`` whose header has every ``required`` field."""
    need = tuple(required)
    labels = row_labels(grid)
    for r in sorted(r for r in labels if r in rows):
        if not all(labels[r].intersection(synonyms[f]) for f in need):
            continue  # a row without a label for each required field cannot be the header
        cols = header_map(grid, r, synonyms)
        if all(f in cols for f in need):
            return r, cols
    return None


def money_unit_in(grid: Grid, rows: range) -> tuple[str, str] | None:
    """("万元"|"元", where it was seen) from a "单位：万元" line or a "(万元)" header."""
    for r, c, v in grid.iter_nonempty():
        if r not in rows or not isinstance(v, str):
            continue
        text = normalise_text(v)
        m = re.search(r"(?:单位|金额单位)[:：]?(万元|元)", text) or re.search(r"[(（](万元|元)[)）]", text)
        if m and ("资金" in text or "单位" in text or "预算" in text or "金额" in text):
            return m.group(1), f"「{text[:20]}」（{grid.name}!{cell_address(r, c)}）"
    return None


def year_in(grid: Grid, rows: range) -> int | None:
    """The year of a title such as "2023年度…" or "(2021年度)"."""
    for r, _c, v in grid.iter_nonempty():
        if r in rows and isinstance(v, str):
            m = re.search(r"(20\d\d)\s*年度", normalise_text(v))
            if m:
                return int(m.group(1))
    return None


_CODE_AND_NAME = re.compile(r"^\s*([0-9A-Za-z]{10,})\s*[-－—–]\s*(.+)$", re.S)


def split_code(written: str) -> tuple[str | None, str]:
    """(项目编码, name) of a name the budget system glued its code to ("51092324T000010263357-2023年…")."""
    match = _CODE_AND_NAME.match(written)
    return (match[1], match[2]) if match else (None, written)

