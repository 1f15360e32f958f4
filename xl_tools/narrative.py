"""The narrative 绩效自评报告 as plain data: headings, paragraphs and the 表11 table.

Finance staff type this report by hand from the forms (seed 004 is a real one);
here its wording is built from a scored workbook once, with no file access and
no Word library, so the same text can be tested, written to .docx, shown in the
ribbon or put in an email.  Scores are the toolkit's recomputed ones; where a
form claims another total, the report says so next to it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Sequence

from .core.findings import Finding, Level
from .core.model import FileResult, IndicatorForm, IndicatorResult, ProjectForm, ProjectResult
from .core.rounding import excel_round, fmt_number
from .core.scored import Table as ScoredTable
from .core.sheets.spec import shown
from .core.sheets.summary import SUMMARY_FIRST_ROW, SUMMARY_HEADERS, summary_sheet
from .core.values import normalise_text
from .layouts.labels import as_written, find_cells, norm_label, value_after_label
from .layouts.vocabulary import words
from .reading.grid import Grid, WorkbookGrid, address_row_col

DEFAULT_GRADES = ("优", "良", "中", "差")
NO_EXPLANATION = "表中未填写偏差原因分析及改进措施"
ERRORS_LISTED = 10
"""A report lists this many form errors; the rest are counted (``xl-tools validate`` lists them all)."""


@dataclass(frozen=True)
class Heading:
    text: str
    level: int
    """1 for 一、…, 2 for （一）…"""


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    caption: str
    note: str
    """A line above the table on the right ("单位：万元")."""
    header: tuple[str, ...]
    rows: list[list[str]]
    total: list[str] | None = None
    total_span: int = 2
    """The total row's label covers this many first columns (序号 and 项目名称)."""


Block = Heading | Paragraph | Table


@dataclass
class Report:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def text(self) -> str:
        """The report as plain text (an email body, a preview), tables as tab-separated lines."""
        lines = [self.title, ""]
        for block in self.blocks:
            if isinstance(block, Heading):
                lines += ["", block.text]
            elif isinstance(block, Paragraph):
                lines.append("　　" + block.text)
            else:
                lines += [block.caption, block.note, "\t".join(block.header)]
                lines += ["\t".join(row) for row in block.rows]
                if block.total:
                    lines.append("\t".join(block.total))
        return "\n".join(lines).strip() + "\n"


@dataclass(frozen=True)
class WorkbookTexts:
    """What the forms say that the core does not model: the unit's name and each table's goal."""

    unit: str | None = None
    goals: tuple[str | None, ...] = ()
    """In the order of the tables."""


# ------------------------------------------------------------------ texts the core does not read

_CODE_PREFIX = re.compile(r"^\d+\s*[-－—]\s*")  # the export writes "094-重庆市渝中区医疗保障局"


def workbook_texts(book: WorkbookGrid, forms: list[ProjectForm]) -> WorkbookTexts:
    """The unit and goals, read from the already-read grid around each form's head rows."""
    unit = None
    goals: list[str | None] = []
    for form in forms:
        grid = book.sheet(form.sheet)
        if grid is None:
            goals.append(None)
            continue
        head = range(form.first_row, _first_indicator_row(form))
        if unit is None:
            units = words().labels("labels", "report_units")
            for r, c in find_cells(grid, units, head):
                text = _CODE_PREFIX.sub("", as_written(value_after_label(grid, r, c).value))
                if text and norm_label(text) not in units:
                    unit = text
                    break
        goals.append(_goal(grid, head))
    return WorkbookTexts(unit, tuple(goals))


def _first_indicator_row(form: ProjectForm) -> int:
    rows = [address_row_col(ind.cell)[0] for ind in form.indicators]
    return min(rows) if rows else form.last_row + 1


def _goal(grid: Grid, head: range) -> str | None:
    """The text written under the first goal label found (the goal row sits right below its label)."""
    goals = words().labels("labels", "goals")  # the adjusted goal (全年（调整）绩效目标) first
    for label in goals:
        for r, c in find_cells(grid, (label,), head):
            merge = grid.merge_of(r, c)
            below = (merge.max_row if merge else r) + 1
            if below not in head:
                continue
            text = _clean(grid.value(below, c))
            if text and norm_label(text) not in goals:
                return text
    return None


def _clean(value: object) -> str:
    if value is None:
        return ""
    return re.sub(r"[\s\u3000]+", " ", str(value)).strip()


# ------------------------------------------------------------------ numbers as the report shows them


def money(x: float | None) -> str:
    """万元 with two decimals (1546.43, 80.00); "—" when unknown."""
    return "—" if x is None else f"{excel_round(x, 2):.2f}"


def percent(x: float | None) -> str:
    return "—" if x is None else f"{excel_round(x, 2):.2f}%"


def points(x: float | None) -> str:
    """Scores as people write them in the text: 100, 22.5."""
    return fmt_number(x)


def _cn(n: int) -> str:
    """一 … 九十九, for （一）-style headings."""
    digits = "零一二三四五六七八九"
    if n >= 100:
        return str(n)
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return f"{digits[tens] if tens > 1 else ''}十{digits[ones] if ones else ''}"


# ------------------------------------------------------------------ indicator sentences

_OPS = {"≥", "≤", "=", ">", "<", "≠"}
_STARTS_WITH_OP = re.compile(r"^[≥≤=＝><≠＞＜]")
_BARE_NUMBER = re.compile(r"^[+-]?[\d,]*\.?\d+$")


def target_text(ind: IndicatorResult, form_ind: IndicatorForm | None) -> str:
    """The target as the form wrote it ("≥30000", as in seed 004), or the export's ≥ | 98 | % put together."""
    text = ind.target_text.strip()
    if not text:
        return "未填写"
    op = normalise_text(form_ind.op.value) if form_ind is not None else ""
    op = {">=": "≥", "<=": "≤"}.get(op, op)
    if op in _OPS and not _STARTS_WITH_OP.match(text):
        return op + _with_unit(text, ind.unit)
    return _with_unit(text, ind.unit)


def actual_text(ind: IndicatorResult) -> str:
    text = ind.actual_text.strip()
    return _with_unit(text, ind.unit) if text else "未填写"


def _with_unit(text: str, unit: str | None) -> str:
    """A bare number gets its 计量单位 back (98 → 98%); text the user wrote stays as written."""
    return text + unit if unit and _BARE_NUMBER.match(text) else text


def _sentence_end(text: str) -> str:
    """Text ending with a full stop, unless it already ends with punctuation."""
    text = text.strip()
    return text if not text or text[-1] in "。．.！!？?；;：:" else text + "。"


def indicator_sentence(ind: IndicatorResult, form_ind: IndicatorForm | None) -> str:
    """住院救助人次：指标值 ≥30000，实际完成 30000人次，得分 20 分（权重 20 分）"""
    score = f"得分 {points(ind.score)} 分" if ind.score is not None else "未能计分"
    weight = f"（权重 {points(ind.weight)} 分）" if ind.weight is not None else ""
    return f"{ind.name}：指标值 {target_text(ind, form_ind)}，实际完成 {actual_text(ind)}，{score}{weight}"


def _below_weight(ind: IndicatorResult) -> bool:
    return (ind.score is not None and ind.weight is not None
            and excel_round(ind.score, 2) < excel_round(ind.weight, 2))


# ------------------------------------------------------------------ the report


def build_report(result: FileResult, scored: Sequence[ScoredTable], texts: WorkbookTexts | None = None) -> Report:
    """The whole report from a scored workbook (and what ``workbook_texts`` read)."""
    texts = texts or WorkbookTexts()
    forms = [t.form for t in scored]
    goals = list(texts.goals) + [None] * (len(forms) - len(texts.goals))
    tables = [(t.result, t.form, goal) for t, goal in zip(scored, goals)]
    projects = [(p, f, g) for p, f, g in tables if p.type == "project"]
    year = next((f.year for f in forms if f.year), None)
    unit = texts.unit
    grades = _grade_names(result.settings)

    title = f"{f'{year}年度' if year else ''}{unit or ''}项目绩效自评总报告"
    report = Report(title)
    add = report.blocks.append
    budget = sum(p.budget or 0 for p, _, _ in projects)
    executed = sum(p.executed or 0 for p, _, _ in projects)
    rate = executed / budget * 100 if budget else None

    add(Heading("一、基本情况", 1))
    add(Heading("（一）项目基本情况", 2))
    add(Paragraph(f"{unit or '本单位'}{f'{year}年度' if year else ''}纳入绩效自评的项目共 {len(projects)} 个，"
                  f"预算总额 {money(budget)} 万元，执行总额 {money(executed)} 万元，"
                  f"总体预算执行率 {percent(rate)}。"
                  + (f"项目如下：{'、'.join(_name(p) for p, _, _ in projects)}。" if projects else "")))
    departments = [p for p, _, _ in tables if p.type == "department"]
    for d in departments:
        add(Paragraph(f"另有部门整体绩效自评表「{_name(d)}」：全年预算数 {money(d.budget)} 万元，"
                      f"执行数 {money(d.executed)} 万元，执行率 {percent(d.execution_rate)}"
                      "（部门整体资金不计入上述项目合计）。"))
    add(Heading("（二）预算资金使用情况", 2))
    add(Paragraph(f"{f'{year}年度' if year else '本年度'}共 {len(projects)} 个项目，预算总额 {money(budget)} 万元，"
                  f"执行金额 {money(executed)} 万元，预算执行率 {percent(rate)}"
                  + ("，其中：" if projects else "。")))
    for i, (p, _, _) in enumerate(projects, start=1):
        end = "。" if i == len(projects) else "；"
        add(Paragraph(f"{i}. {_name(p)}：预算金额 {money(p.budget)} 万元，执行金额 {money(p.executed)} 万元，"
                      f"预算执行率 {percent(p.execution_rate)}{end}"))

    add(Heading("二、绩效自评工作情况", 1))
    add(Paragraph(_method_text(result.settings, grades, Path(result.file).name)))

    add(Heading("三、综合评价结论", 1))
    for text in _conclusion(projects, departments, grades):
        add(Paragraph(text))

    add(Heading("四、绩效目标完成情况分析", 1))
    for i, (p, form, goal) in enumerate(tables, start=1):
        label = "部门整体：" if p.type == "department" else ""
        add(Heading(f"（{_cn(i)}）{label}{_name(p)}", 2))
        for text in _project_texts(p, form, goal):
            add(Paragraph(text))
        by_cell = {ind.cell: ind for ind in form.indicators}
        if p.indicators:
            add(Paragraph("绩效评价指标完成情况："))
            last = len(p.indicators)
            for j, ind in enumerate(p.indicators, start=1):
                add(Paragraph(f"（{j}）{indicator_sentence(ind, by_cell.get(ind.cell))}{'。' if j == last else '；'}"))
        add(Paragraph(_total_text(p)))

    add(Heading("五、偏离绩效目标的原因和改进措施", 1))
    for block in _deviation_blocks(tables, result.all_findings()):
        add(block)

    add(Heading("六、项目绩效自评结果汇总表", 1))
    add(summary_table([p for p, _, _ in projects], year))
    return report


def summary_table(projects: list[ProjectResult], year: int | None) -> Table:
    """表11 as the report prints it: the sheet's description (``core.sheets.summary``) rendered cell by cell with
    its number formats, without the code and source columns (a name left blank shows its sheet)."""
    rows = list(summary_sheet(projects, year=year).rows)
    header, body, total = rows[SUMMARY_FIRST_ROW - 2], rows[SUMMARY_FIRST_ROW - 1:-1], rows[-1]
    source = SUMMARY_HEADERS.index("来源工作表")
    shown_columns = [c for c, h in enumerate(SUMMARY_HEADERS) if h not in ("项目编码", "来源工作表")]
    lines = [[shown(r[c]) if c != 1 or r[c].value else shown(r[source]) for c in shown_columns] for r in body]
    caption = f"表11 项目绩效自评结果汇总表{f'（{year}年度）' if year else ''}"
    return Table(caption, "单位：万元", tuple(shown(header[c]) for c in shown_columns), lines,
                 [shown(total[c]) if total[c].value is not None else "" for c in shown_columns])


def _name(p: ProjectResult) -> str:
    return p.name or p.sheet


def _grade_names(settings: dict) -> tuple[str, ...]:
    """The rule set's grades, best first (优 良 中 差 unless a rule set names others)."""
    grades = (settings.get("grades") or {}).get("value") or []
    ordered = sorted(grades, key=lambda g: -g["min"])
    return tuple(g["grade"] for g in ordered) or DEFAULT_GRADES


def _method_text(settings: dict, grades: tuple[str, ...], file_name: str) -> str:
    def value(key: str, default: object) -> object:
        return (settings.get(key) or {}).get("value", default)

    full = float(value("total.points", 100))
    exec_weight = float(value("execution.weight", 10))
    bands = sorted((settings.get("grades") or {}).get("value") or [], key=lambda g: -g["min"])
    parts = []
    for k, band in enumerate(bands):
        low = points(band["min"])
        if k == 0:
            parts.append(f"{low} 分（含）以上为“{band['grade']}”")
        elif band["min"] > 0:
            parts.append(f"{low}（含）～{points(bands[k - 1]['min'])} 分为“{band['grade']}”")
        else:
            parts.append(f"低于 {points(bands[k - 1]['min'])} 分为“{band['grade']}”")
    split = (f"其中预算执行率 {points(exec_weight)} 分、绩效指标 {points(full - exec_weight)} 分"
             if exec_weight else "全部为绩效指标分值")
    return (f"本次自评依据各项目绩效自评表（{file_name}），对照年初设定的绩效目标和指标逐项评分。"
            f"总分 {points(full)} 分，{split}；项目总分 = 预算执行率得分 + Σ绩效指标得分。"
            + (f"评价等级：{'；'.join(parts)}。" if parts else ""))


def _conclusion(projects: list, departments: list[ProjectResult], grades: tuple[str, ...]) -> list[str]:
    counts = Counter(p.grade for p, _, _ in projects)
    n = len(projects)
    if not n:
        lines = ["本次没有项目绩效自评表。"]
    elif len(counts) == 1 and None not in counts:
        lines = [f"经评价，{n} 个项目评价等级全部为“{next(iter(counts))}”，其中："]
    else:
        spread = "，".join(f"“{g}”{counts.get(g, 0)} 个" for g in grades)
        extra = f"，未能评定等级 {counts[None]} 个" if counts.get(None) else ""
        lines = [f"经评价，{n} 个项目中评价等级为{spread}{extra}，其中："]
    for i, (p, _, _) in enumerate(projects, start=1):
        end = "。" if i == n else "；"
        lines.append(f"{i}. {_name(p)}综合评价得分 {points(p.total)} 分，评价等级为“{p.grade or '—'}”{end}"
                     if p.total is not None else f"{i}. {_name(p)}未能计算得分{end}")
    for d in departments:
        lines.append(f"部门整体（{_name(d)}）自评得分 {points(d.total)} 分，评价等级为“{d.grade}”。"
                     if d.total is not None else f"部门整体（{_name(d)}）未计算自评得分。")
    return lines


def _project_texts(p: ProjectResult, form: ProjectForm, goal: str | None) -> list[str]:
    money_line = (f"预算金额 {money(p.budget)} 万元，执行金额 {money(p.executed)} 万元，"
                  f"预算执行率 {percent(p.execution_rate)}")
    if p.execution_score is not None:
        money_line += f"，执行率得分 {points(p.execution_score)} 分（权重 {points(p.execution_weight)} 分）"
    texts = [money_line + "。"]
    if goal:
        texts.append(_sentence_end(f"绩效目标：{goal}"))
    return texts


def _total_text(p: ProjectResult) -> str:
    if p.total is None:
        return "该表没有可计分的绩效指标，未计算自评得分。"
    split = (f"（预算执行率 {points(p.execution_score)} 分，绩效指标 {points(p.indicator_score)} 分）"
             if p.execution_score is not None else "")
    claimed = ""
    if p.claimed_total is not None and excel_round(p.claimed_total, 2) != excel_round(p.total, 2):
        claimed = f"；表中填报的自评得分为 {points(p.claimed_total)} 分，与按规则计算的结果不同"
    return f"自评得分 {points(p.total)} 分{split}，评价等级为“{p.grade or '—'}”{claimed}。"


def _deviation_blocks(tables: list, findings: list[Finding]) -> list[Block]:
    """Indicators below their weight with the form's 说明; large deviations left unexplained; form errors."""
    below: list[str] = []
    other: list[str] = []
    missing = {(f.sheet, f.cell) for f in findings if f.code == "EXPLANATION_MISSING"}
    for p, form, _ in tables:
        by_cell = {ind.cell: ind for ind in form.indicators}
        for ind in p.indicators:
            form_ind = by_cell.get(ind.cell)
            note = _clean(form_ind.explanation.value) if form_ind else ""
            where = f"{_name(p)}「{ind.name}」"
            facts = (f"指标值 {target_text(ind, form_ind)}，实际完成 {actual_text(ind)}，"
                     f"得分 {points(ind.score)} 分（权重 {points(ind.weight)} 分）")
            if _below_weight(ind):
                lost = points(excel_round(ind.weight, 2) - excel_round(ind.score, 2))
                reason = _sentence_end(f"偏差原因分析及改进措施：{note}") if note else f"{NO_EXPLANATION}。"
                below.append(f"{where}：{facts}，扣 {lost} 分。{reason}")
            elif note:
                other.append(_sentence_end(f"{where}：{facts}。说明：{note}"))
            elif form_ind and {(p.sheet, form_ind.explanation.cell), (p.sheet, form_ind.cell)} & missing:
                deviation = f"，偏离度 {points(ind.deviation)}%" if ind.deviation is not None else ""
                other.append(f"{where}：指标值 {target_text(ind, form_ind)}，实际完成 {actual_text(ind)}"
                             f"{deviation}，偏离较大。{NO_EXPLANATION}。")
    blocks: list[Block] = [Heading("（一）未达到绩效目标的指标", 2)]
    if below:
        blocks.append(Paragraph(f"共 {len(below)} 个指标得分低于权重："))
        blocks += [Paragraph(f"（{i}）{text}") for i, text in enumerate(below, start=1)]
    else:
        unscored = any(ind.score is None for p, _, _ in tables for ind in p.indicators)
        blocks.append(Paragraph("无。没有得分低于权重的指标。" if unscored else "无。各项目绩效指标均得满分。"))
    if other:
        blocks.append(Heading("（二）完成值偏离指标值的其他情况", 2))
        blocks += [Paragraph(f"（{i}）{text}") for i, text in enumerate(other, start=1)]
    errors = [f for f in findings if f.level is Level.ERROR]
    blocks.append(Heading(f"（{_cn(3 if other else 2)}）自评表校验情况", 2))
    if errors:
        blocks.append(Paragraph(f"校验发现自评表中有 {len(errors)} 处错误，本报告的得分按规则重新计算，"
                                "可能与表中填报的不同："))
        blocks += [Paragraph(_sentence_end(f"（{i}）{_where(f)}{f.message}"))
                   for i, f in enumerate(errors[:ERRORS_LISTED], start=1)]
        if len(errors) > ERRORS_LISTED:
            blocks.append(Paragraph(f"另有 {len(errors) - ERRORS_LISTED} 处错误未逐条列出（运行 xl-tools validate 可查看全部）。"))
    else:
        blocks.append(Paragraph("自评表校验未发现错误。"))
    return blocks


def _where(f: Finding) -> str:
    """「三联单印刷费」H13： — the table (or sheet) and cell a finding points at."""
    place = f.project or f.sheet
    if not place:
        return ""
    return f"「{place}」{f.cell or ''}："
