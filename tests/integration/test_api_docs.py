"""docs/api.md and the README's Python section run as written (doctest), in a folder holding the samples."""

from __future__ import annotations

import doctest
import shutil
from pathlib import Path

import pytest

from tests.helpers.paths import REPO

SAMPLES = {"渝中区医疗保障局2023_一体化系统导出.xlsx": "渝中区医疗保障局2023_一体化系统导出.xlsx",
           "长寿区医疗保障局2021_表10表11表12.xlsx": "长寿区医疗保障局2021_表10表11表12.xlsx",
           "綦江区医疗保障局2023_项目支出绩效目标表.xlsx": "绩效目标表.xlsx"}


@pytest.mark.parametrize("document", ["docs/api.md", "README.md"])
def test_the_examples_run_as_written(document: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for source, name in SAMPLES.items():
        shutil.copyfile(REPO / "workbooks" / source, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    text = (REPO / document).read_text(encoding="utf-8")
    test = doctest.DocTestParser().get_doctest(text, {}, document, document, 0)
    assert len(test.examples) >= (20 if document == "docs/api.md" else 3)  # the file still has its examples
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0, f"{runner.failures} of {len(test.examples)} examples of {document} failed (above)"
