"""Read a workbook and score every table in it: what every job starts from."""

from __future__ import annotations

from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core import rules
from ..core.crosscheck import check_summaries
from ..core.evaluate import evaluate, form_stated_settings
from ..core.findings import Finding, make
from ..core.findings_report import Findings
from ..core.model import FileResult, ProjectForm, ProjectResult, SummaryForm
from ..core.scored import Table
from ..core.errors import NothingRecognised, XlToolsError, failure_reason
from ..layouts.detect import Detected, detect
from ..reading.grid import WorkbookGrid
from ..reading.open import open_workbook
from ..rulesets import load_rule_set
from . import frames

if TYPE_CHECKING:
    import pandas

    from ..reading.package_guard import Kept

@dataclass(eq=False)
class Result:
    """A scored workbook: per-table records, the 表11 tables it contains, and its findings as one report."""

    scored: FileResult
    """The file's figures and findings as ``--json`` prints them."""
    tables: list[Table] = field(default_factory=list)
    summaries: list[SummaryForm] = field(default_factory=list)
    """表11 tables found in the workbook."""

    @property
    def file(self) -> str:
        return self.scored.file

    @property
    def rule_set(self) -> str:
        return self.scored.rule_set

    @property
    def settings(self) -> dict[str, dict[str, Any]]:
        return self.scored.settings

    @property
    def projects(self) -> list[ProjectResult]:
        return self.scored.projects

    @property
    def forms(self) -> list[ProjectForm]:
        return [t.form for t in self.tables]

    @property
    def year(self) -> int | None:
        return next((t.form.year for t in self.tables if t.form.year), None)

    @property
    def findings(self) -> Findings:
        """Every finding of the file and its tables, each naming the file."""
        s = self.scored
        return Findings.of((f.in_file(s.file) for f in s.all_findings()), file=s.file, rule_set=s.rule_set,
                           rule_set_hash=s.rule_set_hash)

    @property
    def valid(self) -> bool:
        return self.findings.valid

    def __iter__(self) -> Iterator[Table]:
        return iter(self.tables)

    def to_dict(self) -> dict[str, Any]:
        return self.scored.to_dict()

    def projects_frame(self) -> pandas.DataFrame:
        """One row per table; amounts in 万元, rates in percent, as in the JSON."""
        return frames.projects_frame((self.file, p) for p in self.projects)

    def indicators_frame(self) -> pandas.DataFrame:
        return frames.indicators_frame((self.file, p) for p in self.projects)

    def findings_frame(self) -> pandas.DataFrame:
        return self.findings.to_frame()


def read_book(path: str | Path, reader: str = "fast", *, password: str | None = None,
              keep: Kept | None = None, only: Container[str] | None = None) -> WorkbookGrid:
    """Read a workbook (.xlsx, .xlsm, .xls, encrypted or not); bare calamine is faster but sees no number formats.
    ``keep`` receives what the package editor can reuse to write the same file; ``only`` as ``open_workbook``."""
    return open_workbook(path, password=password, reader=reader, keep=keep, only=only)


def evaluate_book(book: WorkbookGrid, rule_set: str | Path | None = None) -> Result:
    """Detect, score and check every table of an already-read workbook."""
    found = detect(book)
    if not found.forms:
        raise NothingRecognised(_nothing_recognised(book, found))
    return assemble(book, score_found(found, rule_set))


@dataclass(eq=False)
class Scored:
    """The tables of a workbook (or of some of its sheets, ``detect(own=)``) scored, not yet checked as a whole."""

    found: Detected
    rule_set: rules.RuleSet
    settings: rules.Settings
    """The file's settings (rule set, 参数 sheet), before any table's own."""
    tables: list[Table]
    skipped: list[Finding]
    """Tables the engine could not score (SHEET_SKIPPED)."""


def score_found(found: Detected, rule_set: str | Path | None = None) -> Scored:
    """Every table detected scored under the rule set given, else the one the 参数 sheet names, else default."""
    chosen = load_rule_set(rule_set) if rule_set else load_rule_set(  # a workbook names built-ins only
        found.rule_set or rules.DEFAULT_NAME, builtin_only=True)
    file_settings = rules.resolve_settings(chosen, explicit=rule_set is not None,
                                           named_in_params=rule_set is None and found.rule_set is not None,
                                           params=found.params)
    tables, skipped = [], []
    for form in found.forms:
        try:  # one table's data breaking the engine costs that table, reported against its sheet
            settings = rules.for_table(file_settings, form.layout, form_stated_settings(form))
            project = evaluate(form, settings)
            project.settings_overrides = {k: v for k, v in settings.to_dict().items()
                                          if settings.sources[k] != file_settings.sources[k]}
        except Exception as exc:
            skipped.append(make("SHEET_SKIPPED", sheet=form.sheet, reason=failure_reason(exc)))
            continue
        tables.append(Table(form, settings, project))
    return Scored(found, chosen, file_settings, tables, skipped)


def assemble(book: WorkbookGrid, scored: Scored) -> Result:
    """The scored tables as one result, with the findings of the whole workbook (表11 checked against them);
    refused when no table could be scored."""
    found, tables = scored.found, scored.tables
    if not tables:
        raise XlToolsError(f"{Path(book.path).name} 中的表格都未能处理：{'；'.join(f.message for f in scored.skipped[:3])}")
    projects = [t.result for t in tables]
    findings = found.findings + scored.skipped + check_summaries(found.summaries, projects)
    result = FileResult(file=str(book.path), rule_set=scored.rule_set.name, rule_set_hash=scored.rule_set.digest,
                        settings=scored.settings.to_dict(), projects=projects, findings=findings)
    return Result(result, tables, found.summaries)


def _nothing_recognised(book: WorkbookGrid, found: Any) -> str:
    name = Path(book.path).name
    sheets = "、".join(g.name for g in book.sheets) or "（无工作表）"
    if found.targets:
        return (f"{name} 是项目支出绩效目标表（{len(found.targets)} 个项目），"
                "还不是自评表；请先用 xl-tools new --from-targets 生成自评表")
    if book.sheets and all(g.is_empty() for g in book.sheets):
        return f"{name} 的工作表都是空的（{sheets}），没有可校验的内容"
    why = [f"「{f.sheet}」：{f.message.partition('已跳过：')[2]}" for f in found.findings
           if f.code == "SHEET_UNRECOGNISED"][:2]
    return f"{name} 中没有能识别的绩效自评表（工作表：{sheets}）" + (f"。{' '.join(why)}" if why else "")
