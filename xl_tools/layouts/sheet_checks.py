"""What the user should know about how a sheet is laid out, beyond what its cells say.

A hidden sheet or hidden row is still read and scored, and a value merged over
several indicator rows counts for each of them; neither is wrong in itself,
but the user should not be surprised by the result.  These need the grid
(hidden rows, merged ranges), so they run where the forms are found.
"""

from __future__ import annotations

from collections import defaultdict

from ..core.findings import Finding, make
from ..core.model import IndicatorForm, ProjectForm
from ..reading.grid import Grid, address_row_col

# Cells whose value a merge would hand to several indicators at once (a merged 得分 is the score of its rows
# together: the core checks it as one, see core.parsed.SharedClaim).
VALUE_FIELDS = (("target", "指标值"), ("actual", "完成值"), ("weight", "指标权重（分值）"))


def sheet_findings(grid: Grid, forms: list[ProjectForm]) -> list[Finding]:
    """Findings about a sheet that held ``forms``: hidden sheet, indicators in hidden rows, shared merges."""
    findings: list[Finding] = []
    if grid.hidden:
        findings.append(make("SHEET_HIDDEN", sheet=grid.name))
    for form in forms:
        findings.extend(_hidden_rows(grid, form))
        findings.extend(_shared_merges(grid, form))
    return findings


def _names(indicators: list[IndicatorForm]) -> str:
    return "、".join(f"「{ind.name}」" for ind in indicators)


def _hidden_rows(grid: Grid, form: ProjectForm) -> list[Finding]:
    hidden = [ind for ind in form.indicators if address_row_col(ind.cell)[0] in grid.hidden_rows]
    if not hidden:
        return []
    rows = "、".join(str(address_row_col(ind.cell)[0]) for ind in hidden)
    return [make("ROWS_HIDDEN", sheet=grid.name, cell=hidden[0].cell, project=form.name, rows=rows,
                 indicators=_names(hidden))]


def _shared_merges(grid: Grid, form: ProjectForm) -> list[Finding]:
    """One finding per merged value cell that several indicators read (their RawCells share its anchor)."""
    findings = []
    for attr, label in VALUE_FIELDS:
        sharing: dict[str, list[IndicatorForm]] = defaultdict(list)
        for ind in form.indicators:
            cell = getattr(ind, attr).cell
            if cell is not None:
                sharing[cell].append(ind)
        for cell, inds in sharing.items():
            merge = grid.merge_of(*address_row_col(cell)) if len(inds) > 1 else None
            if merge is not None:
                findings.append(make("MERGED_ACROSS_INDICATORS", sheet=grid.name, cell=cell, project=form.name,
                                     field=label, range=merge.address, count=len(inds), indicators=_names(inds)))
    return findings
