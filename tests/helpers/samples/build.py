"""Rebuild the sample workbooks and the template from the seeds' numbers.

``python -m tests.helpers.samples`` (from the repository's root) writes workbooks/*.xlsx, templates/绩效自评模板.xlsx
and the copy of the 渝中区 sample that ships inside the package (``xl-tools run``
with no file runs on it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from xl_tools.samples import BUNDLED_SAMPLE
from xl_tools.workbook.template import build_template

from tests.helpers.samples.hierarchical import build_yushui_hierarchical
from tests.helpers.samples.qijiang import build_qijiang_targets
from tests.helpers.samples.seed_forms import build_changshou_2021, build_yuzhong_2023
from tests.helpers.samples.yushui import build_yushui_2022

TEMPLATE_NAME = "绩效自评模板.xlsx"
SAMPLES: dict[str, Callable[[Path], Path]] = {
    BUNDLED_SAMPLE: build_yuzhong_2023,
    "长寿区医疗保障局2021_表10表11表12.xlsx": build_changshou_2021,
    "渝水区医保局2022_项目自评.xlsx": build_yushui_2022,
    # the same nine projects as a finance bureau's hierarchical form, all stacked in one sheet,
    # with 年度资金总额 left at 0 as real forms often do (the parts carry the amounts)
    "渝水区医保局2022_层级式自评表_单表堆叠.xlsx": lambda path: build_yushui_hierarchical(
        path, one_sheet=True, totals_left_at_zero=True),
}

TARGETS_SAMPLE = "綦江区医疗保障局2023_项目支出绩效目标表.xlsx"
"""Seed 001's 19 项目支出绩效目标表: where `xl-tools new --from-targets` starts (not a self-evaluation)."""


def build_all(repo: Path) -> list[Path]:
    """Every sample under ``repo`` (the package's copy too), never outside it."""
    written = [builder(repo / "workbooks" / name) for name, builder in SAMPLES.items()]
    written.append(build_qijiang_targets(repo / "workbooks" / TARGETS_SAMPLE))
    written.append(build_yuzhong_2023(repo / "xl_tools" / "samples" / "data" / BUNDLED_SAMPLE))
    written.append(build_template(repo / "templates" / TEMPLATE_NAME))
    return written
