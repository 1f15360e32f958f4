"""What layout readers hand to the core (forms) and what the core returns (results).

Forms keep raw cells with their address and number format, so parsing and
findings can always name the cell; results are plain data for JSON and sheets.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .findings import Finding


@dataclass(frozen=True)
class RawCell:
    """A value as found in the sheet, with where it was and how it was formatted."""

    value: Any
    cell: str | None = None
    number_format: str | None = None
    is_formula: bool | None = None

    @property
    def blank(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


EMPTY = RawCell(None)


@dataclass
class IndicatorForm:
    name: str
    cell: str
    level1: str | None = None
    """The form's label, points included ("产出指标（50分）"), so validation can check them."""
    level1_cell: str | None = None
    level2: str | None = None
    unit: RawCell = EMPTY
    op: RawCell = EMPTY
    target: RawCell = EMPTY
    actual: RawCell = EMPTY
    weight: RawCell = EMPTY
    claimed_score: RawCell = EMPTY
    explanation: RawCell = EMPTY
    core: str | None = None
    out_cells: dict[str, str] = field(default_factory=dict)
    """Where a writer puts results: 'score', 'deviation', 'coefficient' -> address."""


@dataclass
class FundsRow:
    label: str
    budget_start: RawCell = EMPTY
    budget: RawCell = EMPTY
    executed: RawCell = EMPTY


@dataclass
class FundsForm:
    money_unit: str = "万元"
    money_unit_source: str = "表格式默认"
    total: FundsRow | None = None
    parts: list[FundsRow] = field(default_factory=list)
    exec_weight: RawCell = EMPTY
    exec_rate: RawCell = EMPTY
    exec_score: RawCell = EMPTY


@dataclass
class ProjectForm:
    sheet: str
    layout: str
    type: str  # "project" | "department"
    name: str | None
    name_cell: str | None
    code: str | None = None
    year: int | None = None
    funds: FundsForm = field(default_factory=FundsForm)
    claimed_total: RawCell = EMPTY
    indicators: list[IndicatorForm] = field(default_factory=list)
    has_levels: bool = False
    has_indicator_table: bool = True
    name_limit_bytes: int | None = None
    """The layout cuts indicator names at this many GBK bytes (the budget-system export: 20)."""
    out_cells: dict[str, str] = field(default_factory=dict)
    """Where a writer puts results: 'total', 'grade', 'exec_rate', 'exec_score' -> address."""
    first_row: int = 1
    last_row: int = 1
    unit: str | None = None
    """实施单位 (else 主管部门) as written, without a leading code: what batch groups findings by."""


@dataclass
class TargetForm:
    """A project of a 项目支出绩效目标表: the indicators and weights set at budget time."""

    sheet: str
    code: str | None
    name: str | None
    name_cell: str | None
    unit: str | None = None
    """编制单位, without its code."""
    department: str | None = None
    category: str | None = None
    exec_weight: RawCell = EMPTY
    budget: RawCell = EMPTY
    own: RawCell = EMPTY
    """本级安排 (万元)."""
    upper: RawCell = EMPTY
    """上级补助 (万元)."""
    overview: str | None = None
    basis: str | None = None
    goal: str | None = None
    indicators: list[IndicatorForm] = field(default_factory=list)
    has_levels: bool = False
    year: int | None = None
    first_row: int = 1
    last_row: int = 1


@dataclass
class SummaryRowForm:
    name: str
    cell: str
    budget: RawCell = EMPTY
    executed: RawCell = EMPTY
    score: RawCell = EMPTY
    code: str | None = None


@dataclass
class SummaryForm:
    """A 表11 found in the workbook (checked against the project tables)."""

    sheet: str
    rows: list[SummaryRowForm]
    money_unit: str = "万元"


@dataclass(slots=True)  # thousands per batch: no per-object __dict__
class IndicatorResult:
    name: str
    level1: str | None
    level2: str | None
    target_text: str
    actual_text: str
    target: float | None
    actual: float | None
    unit: str | None
    direction: str | None
    kind: str
    weight: float | None
    deviation: float | None
    coefficient: float | None
    score: float | None
    claimed_score: float | None
    cell: str
    band: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class ProjectResult:
    sheet: str
    name: str | None
    code: str | None
    type: str
    layout: str
    budget: float | None
    executed: float | None
    execution_rate: float | None
    execution_score: float | None
    indicator_score: float | None
    total: float | None
    claimed_total: float | None
    grade: str | None
    execution_weight: float
    weight_total: float | None
    unit: str | None = None
    findings: list[Finding] = field(default_factory=list)
    indicators: list[IndicatorResult] = field(default_factory=list)
    settings_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    unfilled: list[str] = field(default_factory=list)
    """Indicators without 完成值: they have no score yet and the project no total (未填完)."""

    @property
    def shown_total(self) -> float | str | None:
        """The 总分 as a form shows it: the number, or 未填完 while indicators wait for their 完成值."""
        return UNFILLED if self.unfilled else self.total

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in asdict(self).items() if k not in ("findings", "indicators")}
        d["findings"] = [f.to_dict() for f in self.findings]
        d["indicators"] = [i.to_dict() for i in self.indicators]
        return d


UNFILLED = "未填完"
"""A 总分 while indicators wait for their 完成值."""
UNFILLED_ROW = "未填"
"""A row's state while its 完成值 is blank."""
RECHECK = "请重新计算"
"""What the toolkit's formulas show once a text only Python reads has changed."""
MARKERS = frozenset({UNFILLED, UNFILLED_ROW, RECHECK})
"""Texts the toolkit's own formulas show in place of a number: no claim a unit made."""


@dataclass
class FileResult:
    file: str
    rule_set: str
    rule_set_hash: str
    settings: dict[str, dict[str, Any]]
    projects: list[ProjectResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def all_findings(self) -> list[Finding]:
        return self.findings + [f for p in self.projects for f in p.findings]

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rule_set": self.rule_set,
            "rule_set_hash": self.rule_set_hash,
            "settings": self.settings,
            "projects": [p.to_dict() for p in self.projects],
            "findings": [f.to_dict() for f in self.findings],
        }
