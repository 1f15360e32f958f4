"""A file's (or a batch's) findings as one report: valid or not, counts, filters, the one that matters most.

Every place that shows findings (the command's text and JSON, the 校验结果 sheet, batch's tallies, the ribbon's
message box, the Python API's frames) reads them from this object, so counting and ordering are written once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, overload

from .findings import CATALOGUE, LEVEL_LABEL, Finding, Level, errors_first, in_sections

if TYPE_CHECKING:
    import pandas

K = TypeVar("K", bound=Hashable)
FRAME_COLUMNS = ("file", "code", "level", "sheet", "cell", "project", "message")


@dataclass(frozen=True)
class Findings(Sequence[Finding]):
    """Findings in the order they were found, with what they were checked against."""

    items: tuple[Finding, ...] = ()
    file: str | None = None
    rule_set: str | None = None
    rule_set_hash: str | None = None
    _counts: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        tally = Counter(f.level for f in self.items)
        object.__setattr__(self, "_counts", {level.value: tally[level] for level in Level})

    @classmethod
    def of(cls, findings: Iterable[Finding], **context: str | None) -> Findings:
        return cls(tuple(findings), **context)

    @overload
    def __getitem__(self, index: int) -> Finding: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Finding]: ...

    def __getitem__(self, index: int | slice) -> Finding | Sequence[Finding]:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.items)

    @property
    def valid(self) -> bool:
        """No errors (warnings and notes are to be read, not to stop anything)."""
        return self._counts[Level.ERROR.value] == 0

    @property
    def errors(self) -> Findings:
        return self.filter(level=Level.ERROR)

    @property
    def warnings(self) -> Findings:
        return self.filter(level=Level.WARNING)

    @property
    def notes(self) -> Findings:
        return self.filter(level=Level.INFO)

    def counts(self) -> dict[str, int]:
        """{'error': n, 'warning': n, 'info': n}, every level present."""
        return dict(self._counts)

    def by_code(self) -> list[tuple[str, int]]:
        """(code, number of findings), the most frequent first."""
        return Counter(f.code for f in self.items).most_common()

    def filter(self, *, level: Level | str | None = None, code: str | Iterable[str] | None = None,
               sheet: str | None = None, file: str | None = None) -> Findings:
        codes = {code} if isinstance(code, str) else set(code) if code is not None else None
        wanted = Level(level) if level is not None else None
        return self._with(f for f in self.items
                          if (wanted is None or f.level is wanted) and (codes is None or f.code in codes)
                          and (sheet is None or f.sheet == sheet) and (file is None or f.file == file))

    def split(self, key: Callable[[Finding], K]) -> dict[K, Findings]:
        """The findings grouped by ``key`` in one pass (batch's counts by unit), groups in order of first
        appearance."""
        groups: dict[K, list[Finding]] = {}
        for f in self.items:
            groups.setdefault(key(f), []).append(f)
        return {k: self._with(items) for k, items in groups.items()}

    def ordered(self) -> Findings:
        """As shown to users (``core.findings.in_sections``): what to act on, then what is about the targets,
        then notes, project by project."""
        return self._with(in_sections(self.items))

    def most_important(self) -> Finding | None:
        """The one finding a message box shows: the first error, else the first warning, else the first note."""
        return min(self.items, key=errors_first, default=None)

    def tally(self) -> str:
        return (f"错误 {self._counts['error']} 个，警告 {self._counts['warning']} 个，"
                f"提示 {self._counts['info']} 个")

    def __add__(self, other: Iterable[Finding]) -> Findings:
        return self._with((*self.items, *other))

    def _with(self, items: Iterable[Finding]) -> Findings:
        return Findings(tuple(items), self.file, self.rule_set, self.rule_set_hash)

    def to_dict(self) -> dict[str, Any]:
        """What `xl-tools validate --json` prints."""
        return {"file": self.file, "rule_set": self.rule_set, "rule_set_hash": self.rule_set_hash,
                "valid": self.valid, "counts": self.counts(), "findings": [f.to_dict() for f in self.items]}

    def to_frame(self) -> pandas.DataFrame:
        """One row per finding: file, code, level, sheet, cell, project, message (and the code's title)."""
        import pandas as pd

        rows = [{**{k: getattr(f, k) for k in FRAME_COLUMNS}, "level": f.level.value,
                 "level_label": LEVEL_LABEL[f.level], "title": CATALOGUE[f.code].title} for f in self.items]
        return pd.DataFrame(rows, columns=[*FRAME_COLUMNS, "level_label", "title"], dtype="string")
