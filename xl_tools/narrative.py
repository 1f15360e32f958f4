"""The narrative 绩效自评报告 as plain data: headings, paragraphs and the 表11 table.

Finance staff type this report by hand from the forms (seed 004 is a real one);
here its wording is built from a scored workbook once, with no file access and
no Word library, so the same text can be tested, written to .docx, shown in the
ribbon or put in an email.  Scores are the toolkit's recomputed ones; where a
form claims another total, the report says so next to it.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .core.findings import CATALOGUE, Finding, Level
from .core.model import FileResult, IndicatorForm, IndicatorResult, ProjectForm, ProjectResult, RawCell
from .core.rounding import excel_round, fmt_number
from .core.scored import Table as ScoredTable
from .core.sheets.spec import shown
from .core.sheets.summary import SUMMARY_FIRST_ROW, SUMMARY_HEADERS, summary_sheet
from .core.values import normalise_text, normalise_unit, parse_op, parse_value, shown_text
from .layouts.labels import as_written, find_cells, norm_label, value_after_label
from .layouts.vocabulary import words
from .reading.grid import Grid, WorkbookGrid, address_row_col

DEFAULT_GRADES = ("优", "良", "中", "差")
PROJECTS_NAMED = 5
"""A summarised finding names this many projects, then says 等."""


@dataclass(frozen=True)
class Heading:
    text: str
    level: int
    """1 for 一、…, 2 for （一）…, 3 for 1. …"""


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Placeholder:
    """What only people can write (背景, 评价过程, 结果应用…): marked so nobody sends the report with it unfilled."""

    prompt: str

    @property
    def text(self) -> str:
        return f"【请填写：{self.prompt}】"


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
    numeric: tuple[int, ...] = ()
    """Columns holding numbers: they must never break across lines."""


Block = Heading | Paragraph | Placeholder | Table


@dataclass
class Report:
    title: str
    blocks: list[Block] = field(default_factory=list)
    author: str | None = None
    """The unit the report is from (the document's author), as the forms name it."""

    def text(self) -> str:
        """The report as plain text (an email body, a preview), tables as tab-separated lines."""
        lines = [self.title, ""]
        for block in self.blocks:
            if isinstance(block, Heading):
                lines += ["", block.text]
            elif isinstance(block, (Paragraph, Placeholder)):
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


def funds_text(budget: float | None, executed: float | None, rate: float | None, budget_label: str = "预算金额") -> str:
    """预算金额 … 万元，执行金额 … 万元，预算执行率 …%, saying in words which amount is not filled in."""
    parts = [f"{budget_label} {money(budget)} 万元" if budget is not None else "全年预算数未填写",
             f"执行金额 {money(executed)} 万元" if executed is not None else "全年执行数未填写"]
    if rate is not None:
        parts.append(f"预算执行率 {percent(rate)}")
    elif budget == 0:
        parts.append("预算数为 0，无法计算执行率")
    return "，".join(parts)


def _cn(n: int) -> str:
    """一 … 九十九, for （一）-style headings."""
    digits = "零一二三四五六七八九"
    if n >= 100:
        return str(n)
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return f"{digits[tens] if tens > 1 else ''}十{digits[ones] if ones else ''}"


# ------------------------------------------------------------------ values as the form states them

_OP_SIGNS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}
_BARE_NUMBER = re.compile(r"^[+-]?[\d,]*\.?\d+$")
_LEADING_OP = re.compile(r"^(?:[≥≤=＝><＞＜]=?)")


def unit_shown(form_ind: IndicatorForm | None) -> str:
    """The 计量单位 as the form writes it ("万元", "万人", "人次"), 万 kept; said as a number is said: 百分比 as
    "%", 人数 as 人 (42000人, not 42000人数)."""
    if form_ind is None or form_ind.unit.blank:
        return ""
    written = shown_text(form_ind.unit.value)
    if normalise_unit(written)[0] == "%":
        return "%"
    return written[:-1] if len(written) > 1 and written.endswith("数") else written


def value_text(raw: RawCell, unit: str) -> str:
    """A 指标值 or 完成值 with its unit, as the form states it: 2952 under 万元 → 2952万元, "≥95%" as written,
    0.95 in a per-cent cell → 95%, a date → 2023年10月31日; "" for a blank cell."""
    value = raw.value
    if raw.blank:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        parsed = parse_value(value, number_format=raw.number_format)
        if parsed.date is not None:
            return _cn_date(parsed.date)
        if parsed.unit == "%":  # a per-cent cell: Excel shows 0.95 as 95%
            return f"{fmt_number(parsed.number)}%"
        return shown_text(value) + unit
    if isinstance(value, datetime.date):
        return _cn_date(value)
    text = shown_text(value)
    core = _LEADING_OP.sub("", text, count=1).strip()
    return text + unit if unit and _BARE_NUMBER.match(core) else text


def _cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def target_text(ind: IndicatorResult, form_ind: IndicatorForm | None) -> str:
    """The target as the form states it ("≥30000人次", as in seed 004): the export's ≥ | 98 | % put together."""
    if form_ind is None:
        return ind.target_text.strip() or "未填写"
    text = value_text(form_ind.target, unit_shown(form_ind))
    if not text:
        return "未填写"
    column_op = parse_op(form_ind.op.value)
    own_op = parse_value(form_ind.target.value, number_format=form_ind.target.number_format).op
    if column_op is not None and own_op is None and ind.kind == "quantitative":
        return _OP_SIGNS[column_op.value] + text
    return text


def actual_text(ind: IndicatorResult, form_ind: IndicatorForm | None) -> str:
    """The 完成值 with the form's unit; "" when not filled in."""
    if form_ind is None:
        return ind.actual_text.strip()
    return value_text(form_ind.actual, unit_shown(form_ind))


def _sentence_end(text: str) -> str:
    """Text ending with a full stop, unless it already ends with punctuation."""
    text = text.strip()
    return text if not text or text[-1] in "。．.！!？?；;：:" else text + "。"


def result_text(ind: IndicatorResult, form_ind: IndicatorForm | None) -> str:
    """What was aimed at and what was done, in words: "指标值 ≥30000人次，实际完成 30000人次" for a number,
    "目标为达成预期指标，实际已达成" for a qualitative or deadline target."""
    target, actual = target_text(ind, form_ind), actual_text(ind, form_ind)
    if ind.kind == "quantitative":
        return f"指标值 {target}，" + (f"实际完成 {actual}" if actual else "全年完成值未填写")
    if not actual:
        return f"目标为{target}，全年完成值未填写"
    if normalise_text(actual) == normalise_text(target):
        return f"目标为{target}，实际已达成"
    assessed = f"（评定为“{ind.band}”）" if ind.band and ind.band not in ("达成", "按时") else ""
    done = f"实际完成 {actual}" if actual[:1].isdigit() else f"实际为{actual}"  # 逐年提高: 实际完成 100%
    return f"目标为{target}，{done}{assessed}"


def indicator_sentence(ind: IndicatorResult, form_ind: IndicatorForm | None) -> str:
    """住院救助人次：指标值 ≥30000人次，实际完成 30000人次，得分 20 分（权重 20 分）"""
    return f"{ind.name}：{result_text(ind, form_ind)}，{_score_text(ind)}"


def _score_text(ind: IndicatorResult) -> str:
    if ind.score is None:
        return "暂未计分"
    weight = f"（权重 {points(ind.weight)} 分）" if ind.weight is not None else ""
    return f"得分 {points(ind.score)} 分{weight}"


def _below_weight(ind: IndicatorResult) -> bool:
    return (ind.score is not None and ind.weight is not None
            and excel_round(ind.score, 2) < excel_round(ind.weight, 2))


# ------------------------------------------------------------------ the report

_Row = tuple[ProjectResult, ProjectForm, str | None]
"""A scored table, its form and its goal."""


def build_report(result: FileResult, scored: Sequence[ScoredTable], texts: WorkbookTexts | None = None) -> Report:
    """The whole report from a scored workbook (and what ``workbook_texts`` read), in seed 004's sections;
    what the forms cannot say is left as a marked placeholder."""
    texts = texts or WorkbookTexts()
    forms = [t.form for t in scored]
    goals = list(texts.goals) + [None] * (len(forms) - len(texts.goals))
    tables: list[_Row] = [(t.result, t.form, goal) for t, goal in zip(scored, goals)]
    projects = [row for row in tables if row[0].type == "project"]
    departments = [p for p, _, _ in tables if p.type == "department"]
    year = next((f.year for f in forms if f.year), None)
    unit = texts.unit
    report = Report(report_title(unit, year), author=unit)
    add = report.blocks.extend
    add(_basics(projects, departments, unit, year))
    add(_work(result.settings))
    add([Heading("三、综合评价结论", 1),
         *map(Paragraph, _conclusion(projects, departments, _grade_names(result.settings)))])
    add(_analysis(tables))
    add([Heading("五、偏离绩效目标的原因和改进措施", 1), *_deviation_blocks(tables, result.all_findings())])
    add([Heading("六、绩效自评结果应用和公开情况", 1),
         Placeholder("自评结果的应用（反馈相关业务科室、问题整改、用于以后年度预算安排等）"
                     "和公开情况（自评表和自评报告随部门决算公开等）")])
    add([Heading("附件：项目绩效自评结果汇总表", 1), summary_table([p for p, _, _ in projects], year)])
    return report


def report_title(unit: str | None, year: int | None) -> str:
    """重庆市渝中区医疗保障局2023年度项目支出绩效自评报告"""
    return f"{unit or ''}{f'{year}年度' if year else ''}项目支出绩效自评报告"


def _basics(projects: list[_Row], departments: list[ProjectResult], unit: str | None,
            year: int | None) -> list[Block]:
    """一、基本情况: background (people write it), each project's goal, the money."""
    blocks: list[Block] = [Heading("一、基本情况", 1), Heading("（一）项目基本背景及绩效目标", 2),
                           Heading("1. 项目背景简要情况", 3),
                           Placeholder("项目立项依据、资金用途、实施内容和范围等背景情况")]
    blocks.append(Heading("2. 绩效目标", 3))
    with_goal = [(p, g) for p, _, g in projects if g]
    blocks += [Paragraph(_sentence_end(f"{_name(p)}绩效目标：{g}")) for p, g in with_goal]
    missing = [_name(p) for p, _, g in projects if not g]
    if missing:
        blocks.append(Placeholder(f"{_names(missing)}的年度绩效目标（自评表中未填写）"))
    budget, executed, rate, unfilled = _totals([p for p, _, _ in projects])
    of_year = f"{year}年度" if year else "本年度"
    blocks += [Heading("（二）预算资金规模、来源及使用情况", 2), Heading("1. 预算资金来源", 3),
               Paragraph(f"{unit or '本单位'}{of_year}纳入绩效自评的项目共 {len(projects)} 个，"
                         f"预算总额 {money(budget)} 万元。"
                         + (f"项目如下：{'、'.join(_name(p) for p, _, _ in projects)}。" if projects else ""))]
    blocks += [Paragraph(f"另有部门整体绩效自评表「{_name(d)}」：{funds_text(d.budget, d.executed, d.execution_rate)}"
                         "（部门整体资金不计入上述项目合计）。") for d in departments]
    blocks.append(Placeholder("预算资金来源（中央、省、市、本级财政分别安排的项目和金额）"))
    blocks += [Heading("2. 预算资金基本使用情况", 3),
               Paragraph(f"{of_year}共 {len(projects)} 个项目，{funds_text(budget, executed, rate, '预算总额')}{unfilled}"
                         + ("，其中：" if projects else "。"))]
    for i, (p, _, _) in enumerate(projects, start=1):
        end = "。" if i == len(projects) else "；"
        blocks.append(Paragraph(f"{i}. {_name(p)}：{funds_text(p.budget, p.executed, p.execution_rate)}{end}"))
    return blocks


def _totals(projects: list[ProjectResult]) -> tuple[float, float | None, float | None, str]:
    """Budget and executed amounts together, the rate, and a clause saying how many amounts are not filled in
    (none filled in: no executed total at all)."""
    budget = sum(p.budget or 0 for p in projects)
    blank = sum(p.executed is None for p in projects)
    if projects and blank == len(projects):
        return budget, None, None, ""
    executed = sum(p.executed or 0 for p in projects)
    clause = f"（其中 {blank} 个项目全年执行数未填写，按 0 计入）" if blank else ""
    return budget, executed, (executed / budget * 100 if budget else None), clause


def _work(settings: dict) -> list[Block]:
    """二、绩效自评工作情况: purpose and process are the unit's to write; the scoring method is the rule set's."""
    return [Heading("二、绩效自评工作情况", 1),
            Heading("（一）绩效评价目的", 2),
            Placeholder("开展本次绩效自评的目的（如全面了解项目资金使用情况和绩效目标实现程度，"
                        "为以后年度预算安排提供参考等）"),
            Heading("（二）绩效评价原则、评价指标体系、评价方法", 2),
            Paragraph(_method_text(settings, _grade_names(settings))),
            Placeholder("评价原则和评价方法（如定量与定性相结合、比较法、因素分析法、公众评议法等）"),
            Heading("（三）绩效评价工作过程", 2),
            Placeholder("绩效评价工作过程（前期准备、组织实施、分析评价等）")]


def _analysis(tables: list[_Row]) -> list[Block]:
    """四、绩效目标完成情况分析: each table's money, goal, every indicator and the total."""
    blocks: list[Block] = [Heading("四、绩效目标完成情况分析", 1)]
    for i, (p, form, goal) in enumerate(tables, start=1):
        label = "部门整体：" if p.type == "department" else ""
        blocks.append(Heading(f"（{_cn(i)}）{label}{_name(p)}", 2))
        blocks += map(Paragraph, _project_texts(p, goal))
        by_cell = {ind.cell: ind for ind in form.indicators}
        if p.indicators:
            blocks.append(Paragraph("绩效评价指标完成情况："))
            last = len(p.indicators)
            blocks += [Paragraph(f"（{j}）{indicator_sentence(ind, by_cell.get(ind.cell))}{'。' if j == last else '；'}")
                       for j, ind in enumerate(p.indicators, start=1)]
        blocks.append(Paragraph(_total_text(p)))
    return blocks


def summary_table(projects: list[ProjectResult], year: int | None) -> Table:
    """表11 as the report prints it: the sheet's description (``core.sheets.summary``) rendered cell by cell with
    its number formats, without the code and source columns (a name left blank shows its sheet)."""
    rows = list(summary_sheet(projects, year=year).rows)
    header, body, total = rows[SUMMARY_FIRST_ROW - 2], rows[SUMMARY_FIRST_ROW - 1:-1], rows[-1]
    source = SUMMARY_HEADERS.index("来源工作表")
    shown_columns = [c for c, h in enumerate(SUMMARY_HEADERS) if h not in ("项目编码", "来源工作表")]
    lines = [[shown(r[c]) if c != 1 or r[c].value else shown(r[source]) for c in shown_columns] for r in body]
    caption = f"表11 项目绩效自评结果汇总表{f'（{year}年度）' if year else ''}"
    numeric = tuple(i for i, c in enumerate(shown_columns) if SUMMARY_HEADERS[c] not in ("项目名称", "评价等级"))
    heads = tuple(shown(header[c]).replace("(万元)", "") for c in shown_columns)  # the note says 单位：万元
    return Table(caption, "单位：万元", heads, lines,
                 [shown(total[c]) if total[c].value is not None else "" for c in shown_columns], numeric=numeric)


def _name(p: ProjectResult) -> str:
    return p.name or p.sheet


def _names(names: list[str]) -> str:
    """A、B、C等 (at most ``PROJECTS_NAMED``)."""
    shown_names = "、".join(f"「{n}」" for n in names[:PROJECTS_NAMED])
    return shown_names + ("等" if len(names) > PROJECTS_NAMED else "")


def _grade_names(settings: dict) -> tuple[str, ...]:
    """The rule set's grades, best first (优 良 中 差 unless a rule set names others)."""
    grades = (settings.get("grades") or {}).get("value") or []
    ordered = sorted(grades, key=lambda g: -g["min"])
    return tuple(g["grade"] for g in ordered) or DEFAULT_GRADES


def _method_text(settings: dict, grades: tuple[str, ...]) -> str:
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
    return (f"本次自评依据各项目绩效自评表，对照年初设定的绩效目标和指标逐项评分。"
            f"总分 {points(full)} 分，{split}；项目总分 = 预算执行率得分 + Σ绩效指标得分。"
            + (f"评价等级：{'；'.join(parts)}。" if parts else ""))


def _unfilled(p: ProjectResult) -> int:
    """Indicators still waiting for their 完成值 (no score yet)."""
    return sum(ind.score is None and not ind.actual_text.strip() for ind in p.indicators)


def _no_total(p: ProjectResult) -> str:
    """Why a table has no total, in words."""
    waiting = _unfilled(p)
    if waiting:
        return f"有 {waiting} 个指标未填写全年完成值，暂未计算得分"
    return "没有可计分的绩效指标，未计算自评得分"


def _conclusion(projects: list[_Row], departments: list[ProjectResult], grades: tuple[str, ...]) -> list[str]:
    counts = Counter(p.grade for p, _, _ in projects)
    n = len(projects)
    if not n:
        lines = ["本次没有项目绩效自评表。"]
    elif len(counts) == 1 and None not in counts:
        lines = [f"经评价，{n} 个项目评价等级全部为“{next(iter(counts))}”，其中："]
    else:
        spread = [f"评价等级为“{g}”的 {counts[g]} 个" for g in grades if counts.get(g)]
        spread += [f"尚未评定等级的 {counts[None]} 个"] if counts.get(None) else []
        lines = [f"经评价，{n} 个项目中{'，'.join(spread)}，其中："]
    for i, (p, _, _) in enumerate(projects, start=1):
        end = "。" if i == n else "；"
        lines.append(f"{i}. {_name(p)}综合评价得分 {points(p.total)} 分，评价等级为“{p.grade}”{end}"
                     if p.total is not None and p.grade else f"{i}. {_name(p)}{_no_total(p)}{end}")
    for d in departments:
        lines.append(f"部门整体（{_name(d)}）自评得分 {points(d.total)} 分，评价等级为“{d.grade}”。"
                     if d.total is not None and d.grade else f"部门整体（{_name(d)}）未计算自评得分。")
    return lines


def _project_texts(p: ProjectResult, goal: str | None) -> list[str]:
    money_line = funds_text(p.budget, p.executed, p.execution_rate)
    if p.execution_score is not None and p.execution_rate is not None:
        money_line += f"，执行率得分 {points(p.execution_score)} 分（权重 {points(p.execution_weight)} 分）"
    texts = [money_line + "。"]
    if goal:
        texts.append(_sentence_end(f"绩效目标：{goal}"))
    return texts


def _total_text(p: ProjectResult) -> str:
    if p.total is None:
        return f"该表{_no_total(p)}。"
    split = (f"（预算执行率 {points(p.execution_score)} 分，绩效指标 {points(p.indicator_score)} 分）"
             if p.execution_score is not None else "")
    claimed = ""
    if p.claimed_total is not None and excel_round(p.claimed_total, 2) != excel_round(p.total, 2):
        claimed = f"；表中填报的自评得分为 {points(p.claimed_total)} 分，与按规则计算的结果不同"
    grade = f"评价等级为“{p.grade}”" if p.grade else "未评定等级"
    return f"自评得分 {points(p.total)} 分{split}，{grade}{claimed}。"


def _deviation_blocks(tables: list[_Row], findings: list[Finding]) -> list[Block]:
    """Indicators below their weight with the form's 说明; large deviations left unexplained; what the forms
    still need corrected, in words (never the workbook's cells or the toolkit's commands)."""
    below: list[Block] = []
    other: list[Block] = []
    missing = {(f.sheet, f.cell) for f in findings if f.code == "EXPLANATION_MISSING"}
    for p, form, _ in tables:
        by_cell = {ind.cell: ind for ind in form.indicators}
        for ind in p.indicators:
            form_ind = by_cell.get(ind.cell)
            note = _clean(form_ind.explanation.value) if form_ind else ""
            where = f"{_name(p)}「{ind.name}」"
            facts = f"{result_text(ind, form_ind)}，{_score_text(ind)}"
            if _below_weight(ind):
                lost = points(excel_round(ind.weight, 2) - excel_round(ind.score, 2))
                below += _explained(f"（{_counted(below)}）{where}：{facts}，扣 {lost} 分。", note,
                                    f"{where}未达到目标的原因和改进措施（自评表中未填写）")
            elif note:
                other.append(Paragraph(_sentence_end(f"（{_counted(other)}）{where}：{facts}。说明：{note}")))
            elif form_ind and {(p.sheet, form_ind.explanation.cell), (p.sheet, form_ind.cell)} & missing:
                deviation = f"，偏离度 {points(ind.deviation)}%" if ind.deviation is not None else ""
                other += [Paragraph(f"（{_counted(other)}）{where}：{result_text(ind, form_ind)}{deviation}，偏离较大。"),
                          Placeholder(f"{where}偏离较大的原因（自评表中未填写）")]
    blocks: list[Block] = [Heading("（一）未达到绩效目标的指标", 2)]
    if below:
        blocks += [Paragraph(f"共 {_counted(below) - 1} 个指标得分低于权重："), *below]
    else:
        unscored = any(ind.score is None for p, _, _ in tables for ind in p.indicators)
        blocks.append(Paragraph("无。已计分的指标均得满分。" if unscored else "无。各项目绩效指标均得满分。"))
    if other:
        blocks += [Heading("（二）完成值偏离指标值的其他情况", 2), *other]
    blocks.append(Heading(f"（{_cn(3 if other else 2)}）自评表需要更正的问题", 2))
    blocks += _errors_in_words(findings)
    return blocks


def _counted(items: list[Block]) -> int:
    """The number the next item of a list gets: its paragraphs so far plus one (placeholders go uncounted)."""
    return sum(isinstance(b, Paragraph) for b in items) + 1


def _explained(facts: str, note: str, prompt: str) -> list[Block]:
    """The facts with the form's explanation, or a placeholder asking for one."""
    if note:
        return [Paragraph(facts + _sentence_end(f"偏差原因分析及改进措施：{note}"))]
    return [Paragraph(facts), Placeholder(prompt)]


def _errors_in_words(findings: list[Finding]) -> list[Block]:
    """The forms' errors counted by kind, with the projects they are in: plain words, no cells, no commands."""
    errors = [f for f in findings if f.level is Level.ERROR]
    if not errors:
        return [Paragraph("自评表校验未发现需要更正的错误。")]
    by_code: dict[str, list[Finding]] = {}
    for f in errors:
        by_code.setdefault(f.code, []).append(f)
    lines: list[Block] = [Paragraph(f"自评表中尚有 {len(errors)} 处需要更正（本报告的得分已按规则重新计算，"
                                    "可能与表中填报的不同）：")]
    for i, (code, found) in enumerate(by_code.items(), start=1):
        kind = CATALOGUE[code].title if code in CATALOGUE else code
        places = list(dict.fromkeys(f.project or f.sheet for f in found if f.project or f.sheet))
        where = f"，涉及{_names(places)}" if places else ""
        lines.append(Paragraph(f"（{i}）{kind}：{len(found)} 处{where}。"))
    return lines
