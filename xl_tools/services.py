"""The toolkit's operations, shared by the command line, the Python API and (later) the ribbon."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .core import rules
from .core.crosscheck import check_summaries
from .core.evaluate import evaluate, form_stated_settings
from .core.findings import Finding, make
from .core.model import FileResult, ProjectForm, SummaryForm, TargetForm
from .errors import XlToolsError, failure_reason
from .outputs import checked_output, content_checked, derived, output_suffix
from .layouts.detect import detect
from .reading.grid import WorkbookGrid
from .reading.open import open_workbook
from .rulesets import load_rule_set


class NothingRecognised(XlToolsError):
    """No sheet of the file is a form the toolkit can read."""


@dataclass
class Evaluation:
    result: FileResult
    forms: list[ProjectForm]
    settings: list[rules.Settings]
    """The settings each table was scored with, in the order of ``forms``."""
    summaries: list[SummaryForm]
    """表11 tables found in the workbook."""


def read_book(path: str | Path, reader: str = "fast", *, password: str | None = None) -> WorkbookGrid:
    """Read a workbook (.xlsx, .xlsm, .xls, encrypted or not); bare calamine is faster but sees no number formats."""
    return open_workbook(path, password=password, reader=reader)


def evaluate_book(book: WorkbookGrid, rule_set: str | Path | None = None) -> Evaluation:
    """Detect, score and check every table of an already-read workbook."""
    found = detect(book)
    if not found.forms:
        sheets = "、".join(g.name for g in book.sheets) or "（无工作表）"
        if found.targets:
            raise NothingRecognised(f"{Path(book.path).name} 是项目支出绩效目标表（{len(found.targets)} 个项目），"
                                    "还不是自评表；请先用 xl-tools new --from-targets 生成自评表")
        if book.sheets and all(g.is_empty() for g in book.sheets):
            raise NothingRecognised(f"{Path(book.path).name} 的工作表都是空的（{sheets}），没有可校验的内容")
        why = [f"「{f.sheet}」：{f.message.partition('已跳过：')[2]}" for f in found.findings
               if f.code == "SHEET_UNRECOGNISED"][:2]
        raise NothingRecognised(f"{Path(book.path).name} 中没有能识别的绩效自评表（工作表：{sheets}）"
                                + (f"。{' '.join(why)}" if why else ""))
    chosen = load_rule_set(rule_set) if rule_set else load_rule_set(  # a workbook names built-ins only
        found.rule_set or rules.DEFAULT_NAME, builtin_only=True)
    file_settings = rules.resolve_settings(chosen, explicit=rule_set is not None,
                                           named_in_params=rule_set is None and found.rule_set is not None,
                                           params=found.params)
    forms, projects, table_settings, skipped = [], [], [], []
    for form in found.forms:
        try:  # one table's data breaking the engine costs that table, reported against its sheet
            settings = rules.for_table(file_settings, form.layout, form_stated_settings(form))
            project = evaluate(form, settings)
            project.settings_overrides = {k: v for k, v in settings.to_dict().items()
                                          if settings.sources[k] != file_settings.sources[k]}
        except Exception as exc:
            skipped.append(make("SHEET_SKIPPED", sheet=form.sheet, reason=failure_reason(exc)))
            continue
        forms.append(form)
        table_settings.append(settings)
        projects.append(project)
    if not forms:
        raise XlToolsError(f"{Path(book.path).name} 中的表格都未能处理：{'；'.join(f.message for f in skipped[:3])}")
    findings = found.findings + skipped + check_summaries(found.summaries, projects)
    result = FileResult(file=str(book.path), rule_set=chosen.name, rule_set_hash=chosen.digest,
                        settings=file_settings.to_dict(), projects=projects, findings=findings)
    return Evaluation(result, forms, table_settings, found.summaries)


def evaluate_file(path: str | Path, rule_set: str | Path | None = None, *,
                  password: str | None = None) -> Evaluation:
    return evaluate_book(read_book(path, password=password), rule_set)


def score_file(path: str | Path, rule_set: str | Path | None = None, *, password: str | None = None) -> FileResult:
    """Recomputed scores and findings of a workbook; writes nothing."""
    return evaluate_file(path, rule_set, password=password).result


def run_file(path: str | Path, out: str | Path | None = None, rule_set: str | Path | None = None, *,
             password: str | None = None) -> tuple[FileResult, Path]:
    """The main job: score and check, then a result workbook next to the input with live score formulas
    (cached values included), 表11, 校验结果 and 变更记录; the input itself is left as it was.

    The result is a plain .xlsx (.xlsm for a macro-enabled package, whatever the input is called): an .xls
    input is converted, an encrypted one is written unencrypted.
    """
    from .recompute import recompute_file

    path = Path(path)
    if out:
        checked_output(Path(out), [path])
    suffix = output_suffix(path, password)
    target = content_checked(Path(out), [path], suffix) if out else derived(path, "自评结果", suffix)
    done = recompute_file(path, target, rule_set, password=password, report=True)
    return done.evaluation.result, done.path


@dataclass
class TargetsRead:
    """The projects of a 绩效目标表 and what is wrong with them (checked as the forms they become)."""

    path: Path
    targets: list[TargetForm]
    findings: list[Finding]
    rule_set: rules.RuleSet


def read_targets(path: str | Path, rule_set: str | Path | None = None, *,
                 password: str | None = None) -> TargetsRead:
    from .core.findings import RESULT_CODES
    from .layouts.targets import LAYOUT, as_project_form

    path = Path(path)
    found = detect(read_book(path, password=password))
    if not found.targets:
        raise NothingRecognised(f"{path.name} 中没有找到项目支出绩效目标表（需有 项目名称、指标权重、指标值 等栏目）")
    chosen = load_rule_set(rule_set or rules.DEFAULT_NAME)
    file_settings = rules.resolve_settings(chosen, explicit=rule_set is not None, named_in_params=False, params={})
    findings = []
    for target in found.targets:
        form = as_project_form(target)
        project = evaluate(form, rules.for_table(file_settings, LAYOUT, form_stated_settings(form)))
        findings += [f for f in project.findings if f.code not in RESULT_CODES]
    return TargetsRead(path, found.targets, findings, chosen)
