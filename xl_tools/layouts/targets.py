"""项目支出绩效目标表 (表十三 in seed 001): where a project's indicators and weights are set at budget time.

Each project is a block started by its 项目名称 label ("50011021T000000048979-城乡居民医疗保险基金区级补助"),
with labelled fields (业务主管部门, 预算执行率权重, 当年预算, 本级安排, 上级补助, 项目概述, 立项依据,
当年绩效目标) and an indicator table that has 指标值 and 指标权重 but no 完成值 — which is what tells it
apart from a self-evaluation form.  Blocks may be stacked in one sheet, as the budget system prints them.
"""

from __future__ import annotations

import re

from ..core.model import EMPTY, FundsForm, FundsRow, ProjectForm, RawCell, TargetForm
from ..core.values import normalise_text, shown_text
from ..reading.grid import Grid
from .labels import as_written, find_cells, split_code, value_after_label, year_in
from .stacking import spans
from .tables import locate_indicator_table, read_indicators
from .vocabulary import words

LAYOUT = "targets"
REQUIRED = ("name", "target")
"""A weight column is not required: the Ministry of Finance's 目标申报表 has none."""


def is_targets_sheet(grid: Grid) -> bool:
    """An indicator table with targets but no 完成值, under a 项目名称 label, in a sheet that says it is a target
    table: a field only a target table has (Chongqing's 表十三), or a title or sheet name with 绩效目标 / 申报表
    (the Ministry of Finance's layout, used by most provinces).  Checked first: one pass over the values,
    where the header search costs many."""
    vocabulary = words()
    if not find_cells(grid, vocabulary.labels("anchors", "project")):
        return False
    if not find_cells(grid, vocabulary.labels("target_markers", "labels")) and not _titled_as_targets(grid):
        return False
    found = locate_indicator_table(grid, range(1, grid.max_row + 1), REQUIRED)
    if found is None:  # a table cut off above its indicators (a page, a printout): read as far as it goes
        return locate_indicator_table(grid, range(1, grid.max_row + 1), ("name", "actual")) is None
    return "actual" not in found[1]


def _titled_as_targets(grid: Grid) -> bool:
    """A title or sheet name of a target table: 绩效目标表, 目标申报表… but not 绩效目标自评表."""
    vocabulary = words()
    titles, not_titles = vocabulary.labels("target_markers", "titles"), vocabulary.labels("target_markers", "not")
    texts = [grid.name] + [v for r, _c, v in grid.iter_nonempty() if r <= 3 and isinstance(v, str)]
    return any(any(word in text for word in titles) and not any(word in text for word in not_titles)
               for text in map(normalise_text, texts))


def read(grid: Grid) -> list[TargetForm]:
    if not is_targets_sheet(grid):
        return []
    year = year_in(grid, range(1, grid.max_row + 1)) or _title_year(grid)
    targets = []
    for row, col, rows in spans(grid, words().labels("anchors", "project")):
        target = _read_block(grid, row, col, rows)
        target.year = year
        targets.append(target)
    return targets


def _title_year(grid: Grid) -> int | None:
    """"2023年项目支出绩效目标表" carries its year without 年度."""
    for _r, _c, v in grid.iter_nonempty():
        if isinstance(v, str) and (m := re.search(r"(20\d\d)\s*年.*绩效目标", normalise_text(v))):
            return int(m.group(1))
    return None


def _read_block(grid: Grid, row: int, col: int, rows: range) -> TargetForm:
    """One project's block; one cut off above its indicator table keeps its head fields and no indicators."""
    header, cols = locate_indicator_table(grid, rows, REQUIRED) or (rows.stop, {})
    name_cell = value_after_label(grid, row, col)
    written = as_written(name_cell.value) if name_cell.value is not None else ""
    code, name = split_code(written)
    fields = {key: _field(grid, labels, range(rows.start, header))
              for key, labels in words().columns("target_fields").items()}
    unit = _text(fields["unit"])
    indicators, _claimed, last = (read_indicators(grid, header, cols, rows.stop - 1) if cols
                                  else ([], None, rows.stop - 1))
    return TargetForm(
        sheet=grid.name, code=code, name=name or None, name_cell=name_cell.cell,
        unit=re.sub(r"^[0-9]+[-－]", "", unit) if unit else None,  # "225001-重庆市…" is 单位编码-名称
        department=_text(fields["department"]), category=_text(fields["category"]),
        exec_weight=fields["exec_weight"], budget=fields["budget"], own=fields["own"], upper=fields["upper"],
        overview=_text(fields["overview"]), basis=_text(fields["basis"]), goal=_text(fields["goal"]),
        indicators=indicators, has_levels="level1" in cols, first_row=rows.start, last_row=last)


def _field(grid: Grid, labels: tuple[str, ...], rows: range) -> RawCell:
    cells = find_cells(grid, labels, rows)
    return value_after_label(grid, *cells[0]) if cells else EMPTY


def _text(raw: RawCell) -> str | None:
    """A field written into the new workbook as the target table wrote it."""
    return shown_text(raw.value) or None


def as_project_form(target: TargetForm) -> ProjectForm:
    """The self-evaluation form the targets become, still at the targets' own cells, so that checking it
    names the cells of the target table."""
    funds = FundsForm(money_unit="万元", money_unit_source="目标表", exec_weight=target.exec_weight,
                      total=FundsRow(label="当年预算", budget_start=target.budget, budget=target.budget))
    return ProjectForm(sheet=target.sheet, layout=LAYOUT, type="project", name=target.name,
                       name_cell=target.name_cell, code=target.code, year=target.year, funds=funds,
                       indicators=target.indicators, has_levels=target.has_levels,
                       first_row=target.first_row, last_row=target.last_row)
