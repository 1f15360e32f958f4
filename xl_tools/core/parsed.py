"""An indicator's cells parsed, what scoring computes from and the project-wide checks look at."""

from __future__ import annotations

from dataclasses import dataclass, field

from .findings import Finding
from .model import IndicatorForm, IndicatorResult
from .values import Kind, Value


@dataclass
class Parsed:
    """An indicator with its cells parsed, kept next to its form for the checks."""

    form: IndicatorForm
    target: Value
    actual: Value
    weight: float | None
    claimed: float | None
    is_cost: bool
    direction: str | None
    unusable: bool = False
    """The 指标值 or 完成值 cell holds an error value or an uncached formula (reported already): scored 0."""
    result: IndicatorResult | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def judged(self) -> bool:
        """A target and a result to judge by; without them the score is no verdict to compare claims with."""
        return not self.unusable and self.target.kind is not Kind.EMPTY and self.actual.kind is not Kind.EMPTY


@dataclass
class SharedClaim:
    """One claimed score merged over several indicator rows: the score of them together."""

    cell: str
    claimed: float
    members: list[Parsed]
