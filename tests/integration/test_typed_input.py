"""Issue 16: after `recompute`, the workbook keeps scoring correctly as people type in it.  For every layout the
readers know (the samples, a workbook `new` writes from a target table, and every table of the real-forms corpus
that recompute writes formulas into), values are typed the way Excel stores typed input (tests/helpers/
typed_input.py), LibreOffice recalculates every formula (all files in one run), and each 得分, 执行率, 执行率得分,
总分 and 等级 must be what `xl-tools score` says on the same file; nothing in a form may show an error value or
an absurd percentage."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from xl_tools.adapters.libreoffice import convert_many
from xl_tools.core.errors import XlToolsError
from xl_tools.jobs.new import new
from xl_tools.jobs.recompute import recompute
from xl_tools.jobs.score import score

from tests.helpers.paths import REAL, WORKBOOKS
from tests.helpers.samples.build import SAMPLES, TARGETS_SAMPLE
from tests.helpers.typed_input import disagreements, type_into, variants

sys.path.insert(0, str(REAL))
import build  # noqa: E402


def _sources(folder: Path) -> dict[str, Path]:
    sources = {Path(name).stem: WORKBOOKS / name for name in SAMPLES}
    sources["綦江_new"] = new(WORKBOOKS / TARGETS_SAMPLE, folder / "綦江_new.xlsx").path
    for path, table in build.tables():
        sources[path.stem] = build.build(table, folder / f"{path.stem}.xlsx")
    return sources


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, set, Path | None, set[str]]]:
    folder = tmp_path_factory.mktemp("typed")
    cases = []
    for label, source in _sources(folder).items():
        try:
            written = recompute(source, folder / f"{label}_written.xlsx")
        except XlToolsError:  # nothing recognised: the corpus's NOT_YET tables
            continue
        if not written.changes:
            continue
        layouts = {(t.form.layout, t.form.funds.money_unit) for t in written.evaluation.tables}
        for variant in variants(written.evaluation.tables):
            typed = type_into(written.path, folder / f"{label}_{variant.name}.xlsx", variant.typed)
            cases.append((label, variant.name, variant.rechecked, typed, layouts))
    done = convert_many([c[3] for c in cases], "xlsx", folder / "lo", task="重新计算")
    return [(label, name, rechecked, out, layouts) for (label, name, rechecked, _, layouts), out in zip(cases, done)]


def test_what_people_type_recalculates_to_the_engines_scores(recalculated) -> None:
    problems = []
    for label, name, rechecked, out, _ in recalculated:
        assert out is not None, (label, name)
        problems += [f"{label} [{name}] {d}" for d in disagreements(out, score(out).tables, rechecked)]
    assert problems == [], "\n".join(problems[:40]) + f"\n({len(problems)} in all)"


def test_the_matrix_covers_every_layout_and_every_way_of_typing(recalculated) -> None:
    ways = Counter(name for _, name, *_ in recalculated)
    assert set(ways) == {"percent", "text", "plain", "blank", "unit_text", "executed", "executed_blank", "budget",
                         "weight"}
    layouts = set().union(*(layouts for *_, layouts in recalculated))
    # every layout a table is scored in (a target table is read by `new`, whose workbook is the template's);
    # the budget system's export in 元 among them
    assert {layout for layout, _ in layouts} == {"template", "export", "hierarchical", "table12", "table10"}
    assert ("export", "元") in layouts
    assert len({label for label, *_ in recalculated}) >= 20  # the samples, 綦江 and the corpus's readable tables
