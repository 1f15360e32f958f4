"""The default subject, body and .zip name of the mail, in Chinese, from what the workbooks say.

Pure: works on scored workbooks (``core.model.FileResult``) already made and on plain names and sizes,
so the same text can be tested, previewed with ``--dry-run`` or shown in the ribbon.  The
unit and project names come from workbooks nobody here controls: each is made one line
(``safe_text.one_line``) where it is taken, so no name can break a header or a body line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..core.model import FileResult
from ..core.rounding import fmt_number
from ..core.safe_text import one_line

TITLE = "预算绩效自评材料"


@dataclass(frozen=True)
class ProjectLine:
    name: str
    department: bool
    total: float | None
    grade: str | None


@dataclass(frozen=True)
class WorkbookSummary:
    """What the mail says about one workbook."""

    file_name: str
    unit: str | None
    year: int | None
    rule_set: str
    projects: tuple[ProjectLine, ...]

    @property
    def project_count(self) -> int:
        return sum(not p.department for p in self.projects)


def summarise(file_name: str, result: FileResult, year: int | None, unit: str | None = None) -> WorkbookSummary:
    """The unit (as the forms name it, else the 部门整体 table's name), year and scores of one workbook."""
    lines = tuple(ProjectLine(one_line(p.name or p.sheet), p.type == "department", p.total, p.grade)
                  for p in result.projects)
    unit = one_line(unit or "") or None
    if not unit:
        department = next((p.name for p in lines if p.department), None)
        if department:
            unit = department.removesuffix("部门整体").removesuffix("整体") or None
    return WorkbookSummary(one_line(file_name), unit, year, result.rule_set, lines)


def _units(summaries: Sequence[WorkbookSummary]) -> str:
    units = list(dict.fromkeys(s.unit for s in summaries if s.unit))
    if not units:
        return ""
    return units[0] if len(units) == 1 else f"{units[0]}等 {len(units)} 个单位"


def _years(summaries: Sequence[WorkbookSummary]) -> str:
    years = sorted({s.year for s in summaries if s.year})
    return f"{'、'.join(map(str, years))}年度" if years else ""


def subject(summaries: Sequence[WorkbookSummary]) -> str:
    """重庆市渝中区医疗保障局2023年度预算绩效自评材料（3个项目）."""
    count = sum(s.project_count for s in summaries)
    return f"{_units(summaries)}{_years(summaries)}{TITLE}" + (f"（{count}个项目）" if count else "")


def score_text(line: ProjectLine) -> str:
    if line.total is None:
        return "未能计分"
    return f"{fmt_number(line.total)} 分" + (f"，{line.grade}" if line.grade else "")


def body(summaries: Sequence[WorkbookSummary], attachments: Sequence[tuple[str, int]],
         sender_name: str | None = None, zip_name: str | None = None) -> str:
    """Greeting, what is sent, each workbook's projects with score and grade, the attachment list
    (the files inside the .zip when ``zip_name`` is given)."""
    count = sum(s.project_count for s in summaries)
    departments = sum(p.department for s in summaries for p in s.projects)
    what = f"{_units(summaries)}{_years(summaries)}{TITLE}"
    extra = f"，另有部门整体绩效自评 {departments} 张" if departments else ""
    lines = ["您好：", "", f"现报送{what}，共 {len(summaries)} 个工作簿、{count} 个项目{extra}，请查收。"]
    for s in summaries:
        about = "，".join(x for x in (s.unit, f"{s.year}年度" if s.year else None) if x)
        lines += ["", f"{s.file_name}" + (f"（{about}）" if about else "")]
        number = 0
        for p in s.projects:
            if p.department:
                lines.append(f"  部门整体：{p.name}，{score_text(p)}")
            else:
                number += 1
                lines.append(f"  {number}. {p.name}：{score_text(p)}")
        if not s.projects:
            lines.append("  （没有可计分的表）")
    if attachments:
        packed = f"，已压缩为 {zip_name}" if zip_name else ""
        lines += ["", f"附件（{len(attachments)} 个{packed}）："]
        lines += [f"  {name}（{human_size(size)}）" for name, size in attachments]
    rule_sets = "、".join(dict.fromkeys(s.rule_set for s in summaries))
    lines += ["", f"以上得分为按规则集 {rule_sets} 重新计算的结果。"]
    if sender_name:
        lines += ["", sender_name]
    return "\n".join(lines) + "\n"


def archive_name(summaries: Sequence[WorkbookSummary]) -> str:
    """The one .zip's name: 重庆市渝中区医疗保障局2023年度预算绩效自评材料.zip."""
    return f"{_units(summaries).replace(' ', '')}{_years(summaries)}{TITLE}.zip"


def human_size(size: int) -> str:
    """1 234 567 bytes as 1.2 MB, as Windows Explorer would round it for a person."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
