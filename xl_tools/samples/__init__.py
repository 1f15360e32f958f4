"""The sample workbook shipped inside the package: ``xl-tools run`` with no file runs on a copy of it.

It is built with the other samples by tests/helpers/samples (``python -m tests.helpers.samples``), which only
the tests and the bench use.
"""

from __future__ import annotations

from pathlib import Path

BUNDLED_SAMPLE = "渝中区医疗保障局2023_一体化系统导出.xlsx"


def bundled_sample() -> Path:
    return Path(__file__).parent / "data" / BUNDLED_SAMPLE
