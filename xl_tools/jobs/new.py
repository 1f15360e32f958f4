"""xl-tools new: a self-evaluation workbook from a 绩效目标表, its targets checked first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core import rules as rule_sets
from ..core.evaluate import evaluate, form_stated_settings
from ..core.findings import RESULT_CODES
from ..core.findings_report import Findings
from ..core.model import TargetForm
from ..core.errors import NothingRecognised
from ..layouts.detect import detect
from ..layouts.targets import LAYOUT, as_project_form
from ..outputs import output_for
from ..rulesets import load_rule_set
from .evaluation import read_book


@dataclass
class TargetsRead:
    """The projects of a 绩效目标表 and what is wrong with them (checked as the forms they become)."""

    path: Path
    targets: list[TargetForm]
    findings: Findings
    rule_set: rule_sets.RuleSet


@dataclass
class Created:
    path: Path
    targets: TargetsRead


def read_targets(path: str | Path, rules: str | Path | None = None, *, password: str | None = None) -> TargetsRead:
    path = Path(path)
    found = detect(read_book(path, password=password))
    if not found.targets:
        raise NothingRecognised(f"{path.name} 中没有找到项目支出绩效目标表（需有 项目名称、指标权重、指标值 等栏目）")
    chosen = load_rule_set(rules or rule_sets.DEFAULT_NAME)
    file_settings = rule_sets.resolve_settings(chosen, explicit=rules is not None, named_in_params=False, params={})
    findings = []
    for target in found.targets:
        form = as_project_form(target)
        project = evaluate(form, rule_sets.for_table(file_settings, LAYOUT, form_stated_settings(form)))
        findings += [f.in_file(str(path)) for f in project.findings if f.code not in RESULT_CODES]
    return TargetsRead(path, found.targets, Findings.of(findings, file=str(path), rule_set=chosen.name,
                                                        rule_set_hash=chosen.digest), chosen)


def new(targets: str | Path, out: str | Path | None = None, rules: str | Path | None = None, *,
        password: str | None = None) -> Created:
    """One self-evaluation sheet per project with indicators, weights and targets filled, 完成值 left blank;
    the targets' findings in 校验结果 (default output: <目标表>_自评表.xlsx beside it)."""
    from ..workbook.from_targets import build_from_targets

    targets = Path(targets)
    target = output_for(targets, out, "自评表", ".xlsx", "自评表")
    read = read_targets(targets, rules, password=password)
    written = build_from_targets(read.targets, target, rule_set=read.rule_set, findings=list(read.findings))
    return Created(written, read)
