"""Findings as data: a stable code, a level, where it is, and a Chinese message.

Every finding the toolkit can report is declared once in ``CATALOGUE``; code
creates them only through ``make`` so the level and wording of a code cannot
drift between call sites.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from enum import Enum


class Level(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


LEVEL_LABEL = {Level.ERROR: "错误", Level.WARNING: "警告", Level.INFO: "提示"}


@dataclass(frozen=True)
class FindingType:
    code: str
    level: Level
    title: str
    template: str
    about_targets: bool = False
    """About the targets as approved before the year (指标设置): shown apart, for reference, since a self-evaluation
    cannot change them; the rest is what the unit has to act on."""


_TYPES = [
    # errors
    FindingType("WEIGHT_TOTAL", Level.ERROR, "权重合计不符",
                "指标权重合计为 {actual}，按规则集应为 {expected}（总分 {total} - 执行率权重 {exec_weight}）；请调整各指标权重"),
    FindingType("WEIGHT_INVALID", Level.ERROR, "权重无效",
                "指标「{indicator}」的权重{problem}；请填写大于 0 的分值"),
    FindingType("TARGET_MISSING", Level.ERROR, "缺少指标值",
                "指标「{indicator}」没有填写指标值（年度目标）；请按绩效目标表补上"),
    FindingType("ACTUAL_MISSING", Level.ERROR, "缺少完成值",
                "指标「{indicator}」没有填写全年完成值；请填写实际完成情况"),
    FindingType("ACTUAL_NOT_NUMBER", Level.ERROR, "完成值不是数字",
                "指标「{indicator}」是定量指标（指标值 {target}），但完成值「{actual}」读不出数字；请填写数字，可带单位"),
    FindingType("OVERSPENT", Level.ERROR, "执行数超过预算数",
                "全年执行数 {executed} 万元超过全年预算数 {budget} 万元；请核对资金数据"),
    FindingType("BUDGET_MISSING", Level.ERROR, "预算数为 0 或缺失",
                "{field}为 0 或未填写，无法计算执行率；请填写预算数"),
    FindingType("FUNDS_TOTAL_MISMATCH", Level.ERROR, "资金总额与明细不符",
                "「{row}」的{field} {total} 与其中各项之和 {parts} 不符；已按各项之和计算，请修正总额"),
    FindingType("EXECUTED_MISSING", Level.ERROR, "缺少执行数",
                "已填全年预算数，但全年执行数未填写，执行率按 0 计；请填写全年执行数"),
    FindingType("EXECUTED_FROM_RATE", Level.WARNING, "执行数未填、按填写的执行率计",
                "全年执行数未填写，执行率按表内填写的 {rate}%（{rate_cell}）计算执行率得分；请填写全年执行数"),
    FindingType("UNSCORABLE", Level.ERROR, "无法计分",
                "无法计分：表中缺少{missing}，总分和等级未计算（不按 0 分计）；{advice}"),
    FindingType("NO_INDICATORS", Level.ERROR, "没有绩效指标",
                "表中没有找到任何绩效指标；请填写指标表"),
    FindingType("LEVEL1_MISSING", Level.ERROR, "缺少一级指标",
                "没有「{level1}」类指标；规则集要求产出、效益、满意度三类指标齐全"),
    FindingType("VALUE_UNREADABLE", Level.ERROR, "数据无法读取",
                "{field}「{text}」无法识别：{problem}"),
    FindingType("CELL_ERROR_VALUE", Level.ERROR, "单元格是错误值",
                "{field}是 Excel 错误值 {error}（{meaning}），无法计算；请修正该单元格的公式，或直接填写数值"),
    FindingType("FORMULA_NOT_CACHED", Level.ERROR, "公式没有计算结果",
                "{field}所在单元格是公式但没有保存计算结果；请在 Excel/WPS 中打开后保存，或用 LibreOffice 重新计算"),
    FindingType("FILE_UNREADABLE", Level.ERROR, "文件无法读取", "{reason}"),
    FindingType("FILE_REFUSED", Level.ERROR, "文件超出读取上限", "{reason}"),
    # warnings
    FindingType("FILE_SKIPPED", Level.ERROR, "文件未能汇总",
                "{sheet} 未能读取，没有汇总进来：{reason}"),
    FindingType("SHEET_SKIPPED", Level.ERROR, "工作表未能处理",
                "工作表「{sheet}」未能处理，已跳过（其余工作表照常处理）：{reason}"),
    FindingType("DUPLICATE_PROJECT", Level.WARNING, "项目在多个文件中重复",
                "项目「{name}」（{key}）同时出现在 {files} 中；同一项目可能重复报送，汇总时会重复计入，请核对"),
    FindingType("YEARS_DIFFER", Level.WARNING, "文件的评价年度不同",
                "该文件是 {own} 年度的，而表11 按 {year} 年度汇总（多数文件的年度，一样多时取先列出的文件的）；"
                "请核对是否混入了其他年度的文件"),
    FindingType("TOTAL_ABOVE_100", Level.ERROR, "总分超过 100 分",
                "项目「{name}」的总分为 {total}，超过满分 100 分：各项权重合计多于 100，请在该文件中核对权重（xl-tools validate）"),
    FindingType("LEVEL1_SPLIT", Level.WARNING, "一级指标分值与建议不同",
                "一级指标分值为 {actual}，建议为 {expected}", about_targets=True),
    FindingType("LEVEL1_BLANK", Level.WARNING, "一级指标未填写",
                "指标「{indicator}」没有填写一级指标，无法检查指标构成", about_targets=True),
    FindingType("LEVEL1_POINTS_MISMATCH", Level.WARNING, "一级指标分值与其下指标不符",
                "一级指标「{level1}」标明 {points} 分，其下各指标分值合计为 {actual} 分；请核对", about_targets=True),
    FindingType("DUPLICATE_INDICATOR", Level.WARNING, "指标重复",
                "指标「{indicator}」在本项目中出现 {count} 次；请合并或区分名称", about_targets=True),
    FindingType("NAME_TRUNCATED", Level.WARNING, "指标名称可能被截断",
                "指标名称「{indicator}」正好 {limit} 字节，是导出时被截断的长度；请在表中补全名称", about_targets=True),
    FindingType("UNIT_MISSING", Level.WARNING, "缺少计量单位",
                "指标「{indicator}」没有计量单位；请补充（如 %、人、万元）", about_targets=True),
    FindingType("UNIT_CONTRADICTS", Level.WARNING, "计量单位与指标不符",
                "指标「{indicator}」的计量单位「{unit}」与{reason}不符；请核对", about_targets=True),
    FindingType("NAME_NUMBER_MISMATCH", Level.WARNING, "指标名称中的数字与指标值不同",
                "指标「{indicator}」名称中含有数字 {name_number}，与指标值 {target} 不同；请确认目标值", about_targets=True),
    FindingType("ACTUAL_UNIT_DIFFERS", Level.WARNING, "完成值的单位与指标值不同",
                "指标「{indicator}」完成值的单位「{actual_unit}」与指标值的单位「{target_unit}」不同，数字无法直接比较；"
                "请按指标值的单位（{target_unit}）填写完成值"),
    FindingType("PERCENT_AS_FRACTION", Level.WARNING, "完成值可能少写了百分号",
                "指标「{indicator}」的指标值为 {target}，完成值却是 {actual}，相差约一百倍：可能是把 {percent}% 写成了小数；"
                "若实际为 {percent}%，请填写 {percent} 或 {percent}%"),
    FindingType("ACTUAL_APPROXIMATE", Level.WARNING, "完成值是约数",
                "指标「{indicator}」的完成值「{actual}」是约数，已按 {number} 计分；自评应填写确切的完成数"),
    FindingType("CLAIMED_ABOVE_FULL_MARKS", Level.ERROR, "自评总分超过满分",
                "填报的自评总分为 {claimed}，超过满分 {points} 分；请核对各项得分"),
    FindingType("EXPLANATION_MISSING", Level.WARNING, "缺少偏差说明",
                "指标「{indicator}」{reason}，但未填写偏差原因分析及改进措施"),
    FindingType("CLAIMED_SCORE_DIFF", Level.WARNING, "填报得分与计算不符",
                "指标「{indicator}」填报得分 {claimed}，按规则计算为 {computed}"),
    FindingType("CLAIMED_TOTAL_DIFF", Level.WARNING, "自评总分与计算不符",
                "填报自评总分 {claimed}，按规则计算为 {computed}"),
    FindingType("CLAIMED_EXEC_SCORE_DIFF", Level.WARNING, "执行率得分与计算不符",
                "填报执行率得分 {claimed}，按规则计算为 {computed}（执行率 {rate}% × 分值 {weight}）"),
    FindingType("CLAIMED_TOTAL_NOT_SUM", Level.WARNING, "自评总分不等于各项得分之和",
                "填报自评总分 {claimed}，但表中执行率得分与各指标得分之和为 {parts}；请核对合计"),
    FindingType("OVERSPENT_FULL_MARKS", Level.WARNING, "超支仍给执行率满分",
                "全年执行数 {executed} 万元超过预算数 {budget} 万元，执行率得分仍填为满分 {claimed}；请核对超支原因及评分"),
    FindingType("ACTUALS_COPIED", Level.WARNING, "完成值与指标值完全相同",
                "本项目 {count} 个指标的完成值与指标值完全相同，可能是照抄目标而非实际完成数；请核实"),
    FindingType("QUALITATIVE_OUT_OF_BAND", Level.WARNING, "定性指标得分超出档次",
                "定性指标「{indicator}」完成情况为「{band}」（得分应在 {low}–{high} 分），填报得分 {claimed} 超出该档；已按 {computed} 分计算"),
    FindingType("QUALITATIVE_UNJUDGED", Level.WARNING, "定性指标需人工评分",
                "定性指标「{indicator}」的完成情况「{actual}」无法判断达成档次，且未填写得分；请填写得分（按 {bands} 三档）"),
    FindingType("COST_GE", Level.WARNING, "成本指标方向可疑",
                "成本指标「{indicator}」写作「{op}」，会奖励超支；成本指标一般应为 ≤", about_targets=True),
    FindingType("CLAIMED_NOT_NUMBER", Level.WARNING, "自评得分不是数字",
                "{field}填写的是「{text}」，不是分数；请填写自评得分"),
    FindingType("SUMMARY_MISMATCH", Level.WARNING, "汇总表与明细不符",
                "{what}：汇总表为 {summary}，{other_label}为 {other}；请核对"),
    FindingType("TARGET_TOO_LOW", Level.WARNING, "目标设定偏低",
                "指标「{indicator}」完成值超出目标 {deviation}%（≥ {threshold}%），目标可能设定偏低；按规则集扣 {penalty} 分", about_targets=True),
    FindingType("DATE_YEAR_ASSUMED", Level.INFO, "时限未写年份",
                "指标「{indicator}」的时限「{target}」未写年份，按 {year} 年理解"),
    FindingType("SHEET_UNRECOGNISED", Level.WARNING, "无法识别的工作表",
                "工作表「{sheet}」不是能识别的绩效自评表格式，已跳过：{detail}"),
    FindingType("MAIL_SETTING_IGNORED", Level.WARNING, "工作簿中的邮件设置已忽略",
                "参数表中的「{key}」不能由工作簿设置，已忽略；{belongs}"),
    FindingType("CLAIMED_GROUP_SCORE_DIFF", Level.WARNING, "合并填报的得分与计算不符",
                "{count} 个指标（{indicators}）合并填报得分 {claimed}，按规则计算这些指标的得分之和为 {computed}"),
    FindingType("MERGED_ACROSS_INDICATORS", Level.WARNING, "合并单元格跨越多个指标",
                "{field}列的合并单元格 {range} 跨越 {count} 个指标（{indicators}），同一个值计入了每个指标；"
                "请取消合并，为每个指标分别填写"),
    # info
    FindingType("KIND_QUALITATIVE", Level.INFO, "定性指标",
                "指标「{indicator}」按定性指标评分（指标值「{target}」）"),
    FindingType("KIND_DEADLINE", Level.INFO, "时效指标",
                "指标「{indicator}」按时效指标评分（时限「{target}」）"),
    FindingType("LEVELS_UNKNOWN", Level.INFO, "未列一级指标",
                "该表未列一级指标，未检查产出/效益/满意度构成"),
    FindingType("BUDGET_START_ONLY", Level.INFO, "只有年初预算数",
                "表中只有年初预算数一栏，执行率按年初预算数计算"),
    FindingType("MONEY_UNIT", Level.INFO, "金额单位",
                "金额单位按{source}判断为「{unit}」，已换算为万元"),
    FindingType("SHEET_EMPTY", Level.INFO, "空工作表",
                "工作表「{sheet}」是空表，已跳过"),
    FindingType("SHEET_HIDDEN", Level.INFO, "隐藏的工作表",
                "工作表「{sheet}」是隐藏的，其中的表格仍已读取并计入结果；如不应计入，请删除该表"),
    FindingType("ROWS_HIDDEN", Level.INFO, "指标在隐藏行中",
                "第 {rows} 行是隐藏行，其中的指标（{indicators}）仍已计分；如不应计入，请删除这些行"),
]

CATALOGUE: dict[str, FindingType] = {t.code: t for t in _TYPES}
RESULT_CODES = frozenset({
    "ACTUAL_MISSING", "ACTUAL_NOT_NUMBER", "OVERSPENT", "EXECUTED_MISSING", "EXPLANATION_MISSING",
    "CLAIMED_SCORE_DIFF", "CLAIMED_GROUP_SCORE_DIFF", "CLAIMED_TOTAL_DIFF", "EXECUTED_FROM_RATE", "ACTUALS_COPIED", "QUALITATIVE_OUT_OF_BAND",
    "QUALITATIVE_UNJUDGED", "CLAIMED_NOT_NUMBER", "SUMMARY_MISMATCH", "TARGET_TOO_LOW",
    "KIND_QUALITATIVE", "KIND_DEADLINE"})
"""Codes about the year's results (完成值, 执行数, 自评得分): a 绩效目标表, written before the year, has none."""


@dataclass(frozen=True, slots=True)  # a batch keeps every file's findings: no per-object __dict__
class Finding:
    code: str
    level: Level
    message: str
    sheet: str | None = None
    cell: str | None = None
    project: str | None = None
    file: str | None = None
    """The workbook it belongs to, as the caller named it (set when the file's findings are gathered)."""

    def to_dict(self) -> dict:
        d = asdict(self)
        d["level"] = self.level.value
        return {k: d[k] for k in ("file", "code", "level", "sheet", "cell", "project", "message")}

    def in_file(self, file: str) -> Finding:
        return replace(self, file=file)


def make(code: str, *, sheet: str | None = None, cell: str | None = None,
         project: str | None = None, **params: object) -> Finding:
    """Create a finding of a catalogued type; unknown codes are a programming error."""
    ftype = CATALOGUE[code]
    message = ftype.template.format(sheet=sheet, cell=cell, project=project, **params)
    return Finding(code=code, level=ftype.level, message=message,
                   sheet=sheet, cell=cell, project=project)


_LEVEL_ORDER = {Level.ERROR: 0, Level.WARNING: 1, Level.INFO: 2}


SECTIONS = ("需要处理", "目标设置问题（仅供参考）", "提示")
"""What a finding asks of the unit: to act on it, to know it (the targets were approved before the year and a
self-evaluation cannot change them), or nothing (a note)."""
SECTION_NOTES = ("", "指标和目标值在年初已经批复，自评时不能修改；编制下一年度的绩效目标时参考", "")


def section(finding: Finding) -> int:
    """The index of the finding's part in SECTIONS."""
    if finding.level is Level.INFO:
        return 2
    return 1 if CATALOGUE[finding.code].about_targets else 0


def in_sections(findings: Iterable[Finding]) -> list[Finding]:
    """The order findings are shown in: what to act on, then what is about the targets, then notes; within each
    part project by project (as the projects come first), a project's errors before its warnings."""
    items = list(findings)
    first: dict[tuple[str | None, str | None], int] = {}
    for f in items:
        first.setdefault((f.file, f.project), len(first))
    return sorted(items, key=lambda f: (section(f), first[(f.file, f.project)], _LEVEL_ORDER[f.level]))


def errors_first(finding: Finding) -> int:
    """Sort key of every findings list shown to users: errors, then warnings, then notes (stable within)."""
    return _LEVEL_ORDER[finding.level]
