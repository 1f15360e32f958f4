"""Which cell of a workbook each row of a returned collection sheet belongs to, and what may be written.

Business sections send back the collection sheet with names retyped, cut short
by exports ("2022年我区居民医保财") or spaced differently; rows go missing or
repeat.  Rows are matched by the cell they were collected from when that still
holds, else by 项目编码, else by names tolerant to truncation and spacing, and a
close-but-not-equal name only when it is unambiguous.  Nothing is decided
silently: every row ends as a write, a no-op, or a listed problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import ProjectForm, RawCell
from .values import normalise_text, parse_number

FUZZY_MIN = 90.0
"""rapidfuzz ratio (0–100) above which two names count as the same when nothing else matches."""
EXECUTED = "全年执行数"


@dataclass(frozen=True)
class CollectedRow:
    """One filled row of a collection sheet (or CSV), with where it sits for messages."""

    where: str
    """"采集表!H7" or "采集表.csv 第 7 行"."""
    project: str
    code: str | None
    indicator: str
    """The indicator name, or 全年执行数 for the project's execution row."""
    actual: object
    explanation: object = None
    sheet: str | None = None
    cell: str | None = None
    """Where the value was collected from, when the sheet came from ``xl-tools collect``."""


@dataclass(frozen=True)
class Write:
    sheet: str
    cell: str
    value: object
    label: str


@dataclass
class FillPlan:
    writes: list[Write] = field(default_factory=list)
    unchanged: int = 0
    unmatched: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    """Indicators of the workbook no row filled and still without a value."""
    unspent: list[str] = field(default_factory=list)
    """Projects whose 全年执行数 is still blank: their execution rate, and so their total, wait for it."""
    unreadable: list[str] = field(default_factory=list)
    """Values that cannot go in: an amount that is no number, a formula saved without its result."""


def same_name(a: str | None, b: str | None) -> bool:
    """Equal ignoring spacing, or one cut short from the other (at least 6 characters kept: exports cut
    long names)."""
    x, y = name_key(a), name_key(b)
    if not x or not y:
        return False
    short, long_ = sorted((x, y), key=len)
    return short == long_ or (long_.startswith(short) and len(short) >= 6)


def name_key(name: str | None) -> str:
    """A name as compared: normalised (full-width forms, every blank and line break gone)."""
    return normalise_text(name) if name else ""


def _closest(name: str, candidates: list[str]) -> list[int]:
    """Indices of the candidates that are the same name, or else the one clearly closest by fuzzy ratio."""
    exact = [i for i, c in enumerate(candidates) if same_name(name, c)]
    if exact:
        return exact
    from rapidfuzz import fuzz, process

    scored = process.extract(name_key(name), [name_key(c) for c in candidates], scorer=fuzz.ratio, limit=2)
    good = [(score, i) for _text, score, i in scored if score >= FUZZY_MIN]
    if len(good) == 2 and good[0][0] == good[1][0]:
        return [good[0][1], good[1][1]]
    return [good[0][1]] if good else []


def _unusable(value: object, *, executed: bool) -> str | None:
    """Why a collected value cannot be written: a formula without its result (it reads as an error text),
    or a 全年执行数 that is no amount (a 完成值 may be text: 按时完成, 达成预期指标)."""
    if isinstance(value, str) and value.startswith("#"):
        return "是公式或错误值，没有可用的结果；请填写数值"
    if executed and not _blank(value) and parse_number(value).number is None:
        return "不是金额数字"
    return None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _same_value(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b)) < 1e-9
    return normalise_text(a) == normalise_text(b)


class _Planner:
    def __init__(self, forms: list[ProjectForm], overwrite: bool) -> None:
        self.forms = [f for f in forms if f.type == "project" or f.indicators]
        self.overwrite = overwrite
        self.plan = FillPlan()
        self.filled: set[tuple[str, str]] = set()

    def project(self, row: CollectedRow) -> ProjectForm | None:
        if row.code:
            by_code = [f for f in self.forms if f.code and name_key(f.code) == name_key(row.code)]
            if len(by_code) == 1:
                return by_code[0]
        found = _closest(row.project, [f.name or "" for f in self.forms])
        if len(found) > 1:
            self.plan.ambiguous.append(f"{row.where}：项目「{row.project}」对应多个项目表："
                                       + "、".join(f"{self.forms[i].sheet}" for i in found))
            return None
        if not found:
            self.plan.unmatched.append(f"{row.where}：找不到项目「{row.project}」")
            return None
        return self.forms[found[0]]

    def target(self, row: CollectedRow, form: ProjectForm) -> tuple[RawCell, RawCell | None, str] | None:
        """(完成值 cell, 说明 cell, label) of the row in ``form``."""
        if same_name(row.indicator, EXECUTED):
            executed = form.funds.total.executed if form.funds.total else None
            if executed is None or executed.cell is None:
                self.plan.unmatched.append(f"{row.where}：项目「{form.name}」的表中没有全年执行数单元格")
                return None
            return executed, None, f"「{form.name}」全年执行数"
        by_cell = [i for i in form.indicators if row.sheet == form.sheet and row.cell and i.actual.cell == row.cell
                   and same_name(i.name, row.indicator)]
        if by_cell:
            ind = by_cell[0]
        else:
            found = _closest(row.indicator, [i.name for i in form.indicators])
            if len(found) != 1:
                what = "对应多个指标" if found else "在项目表中找不到"
                bucket = self.plan.ambiguous if found else self.plan.unmatched
                bucket.append(f"{row.where}：项目「{form.name}」的指标「{row.indicator}」{what}")
                return None
            ind = form.indicators[found[0]]
        return ind.actual, ind.explanation if ind.explanation.cell else None, f"「{ind.name}」全年完成值"

    def add(self, form: ProjectForm, cell: RawCell, value: object, label: str, row: CollectedRow) -> None:
        if _blank(value) or cell.cell is None:
            return
        key = (form.sheet, cell.cell)
        if key in self.filled:
            self.plan.conflicts.append(f"{row.where}：{label}已由采集表中前面的行填写，本行未采用")
            return
        self.filled.add(key)
        if not cell.blank:
            if _same_value(cell.value, value):
                self.plan.unchanged += 1
                return
            if not self.overwrite:
                self.plan.conflicts.append(f"{row.where}：{label}表中已有「{cell.value}」，采集表为「{value}」；"
                                           "未改写（确认以采集表为准时加 --overwrite）")
                return
        self.plan.writes.append(Write(form.sheet, cell.cell, value, label))


def _executed_cell(form: ProjectForm) -> str | None:
    """The 全年执行数 cell of a table where neither it nor any part holds an amount; None when one does."""
    total = form.funds.total
    if total is None or not total.executed.cell or not total.executed.blank:
        return None
    return None if any(not part.executed.blank for part in form.funds.parts) else total.executed.cell


def plan_fill(rows: list[CollectedRow], forms: list[ProjectForm], *, overwrite: bool = False) -> FillPlan:
    """What filling ``rows`` into the workbook whose tables are ``forms`` would write, and every problem."""
    planner = _Planner(forms, overwrite)
    for row in rows:
        if _blank(row.actual) and _blank(row.explanation):
            continue  # a row the section left empty: reported below as a missing value if the table lacks it
        form = planner.project(row)
        if form is None:
            continue
        found = planner.target(row, form)
        if found is None:
            continue
        actual, explanation, label = found
        if (problem := _unusable(row.actual, executed=same_name(row.indicator, EXECUTED))) is not None:
            planner.plan.unreadable.append(f"{row.where}：{label}「{row.actual}」{problem}，未填入")
            continue
        planner.add(form, actual, row.actual, label, row)
        if explanation is not None:
            planner.add(form, explanation, row.explanation, label.replace("全年完成值", "说明"), row)
    for form in planner.forms:
        if (executed := _executed_cell(form)) is not None and (form.sheet, executed) not in planner.filled:
            planner.plan.unspent.append(f"{form.sheet}!{executed}：「{form.name}」的全年执行数仍未填写")
        for ind in form.indicators:
            if ind.actual.blank and (form.sheet, ind.actual.cell) not in planner.filled:
                planner.plan.missing.append(f"{form.sheet}!{ind.actual.cell}：「{form.name}」的「{ind.name}」仍无完成值")
    return planner.plan
