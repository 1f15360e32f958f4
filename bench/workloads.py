"""The bench's single-project workbooks, generated reproducibly from the samples' builders
(tests/helpers/samples: run from a script that puts the repository on sys.path, as run.py and compare.py do).

A finance bureau receives one workbook per project from many units, in whatever layout each unit's
system produces. Each variant here is one project of a sample, alone in its workbook: the toolkit's
template (seed 004's nine projects, with their 参数 sheet), the budget system's export (seed 000's three
project tables), the finance bureau's hierarchical form (seed 004 and seed 000 again) and a 表12 (seed
003). ``single_project_files`` copies them in turn to as many files as asked.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import openpyxl

from xl_tools.workbook.save import save_stable

from tests.helpers.samples.hierarchical import build_yushui_hierarchical, build_yuzhong_hierarchical
from tests.helpers.samples.seed_forms import build_changshou_2021, build_yuzhong_2023
from tests.helpers.samples.yushui import build_yushui_2022

PARAMS = "参数"
"""Kept beside the project sheet: it names the rule set the template's scores follow."""
NOT_PROJECTS = {"部门整体", "表10", "表11", PARAMS}


def _split(source: Path, folder: Path, layout: str) -> list[Path]:
    """One workbook per project sheet of ``source`` (its 参数 sheet kept with each)."""
    names = openpyxl.load_workbook(source, read_only=True).sheetnames
    out = []
    for name in (n for n in names if n not in NOT_PROJECTS):
        wb = openpyxl.load_workbook(source)
        for other in [s for s in wb.sheetnames if s not in (name, PARAMS)]:
            del wb[other]
        out.append(save_stable(wb, folder / f"{layout}_{len(out) + 1:02d}.xlsx"))
    return out


def variants(folder: Path) -> list[Path]:
    """Every single-project variant, written once into ``folder``; the layouts interleaved."""
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(tmp)
        groups = [
            _split(build_yushui_2022(built / "template.xlsx"), folder, "模板"),
            _split(build_yuzhong_2023(built / "export.xlsx"), folder, "系统导出"),
            _split(build_yushui_hierarchical(built / "h1.xlsx"), folder, "层级式"),
            _split(build_yuzhong_hierarchical(built / "h2.xlsx"), folder, "层级式渝中"),
            _split(build_changshou_2021(built / "t12.xlsx"), folder, "表12"),
        ]
    longest = max(len(g) for g in groups)
    return [g[i] for i in range(longest) for g in groups if i < len(g)]


def single_project_files(folder: Path, count: int) -> list[Path]:
    """``count`` single-project workbooks in mixed layouts, the variants copied in turn."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = variants(folder / "_variants")
    paths = []
    for i in range(count):
        source = sources[i % len(sources)]
        target = folder / f"{i:05d}_{source.name}"
        shutil.copyfile(source, target)
        paths.append(target)
    return paths
