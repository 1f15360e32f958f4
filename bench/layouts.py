"""Benchmark: `recompute` of a 500-sheet workbook in each layout the readers know, side by side in one run with
openpyxl's bare load+save of the same file and LibreOffice's forced recalculation of it (issue 16 point 5).

Each workload is one project sheet of a bundled sample copied to 500 sheets of one workbook (openpyxl's
copy_worksheet, values and styles): the toolkit's template (seed 004, 万元), the budget system's export (seed 000,
元), the finance bureau's hierarchical form (seed 004) and a 表12 (seed 003).  Times are medians of ``--repeat``
runs, the stages taking turns (LibreOffice: a headless conversion with recalculation forced, private profile,
one process per run, its start included as a user pays it).  Goal: recompute faster than openpyxl's
load+save and at least 10× faster than LibreOffice on every layout.  ``recompute`` uses two processes on a
workbook this size (``xl_tools.jobs.two_processes``); the same job in one process (``processes=1``, as each
worker of a batch runs it) is timed beside it.

Usage: python bench/layouts.py [--sheets 500] [--repeat 3] [--no-libreoffice]   (from the repository's root)
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
from openpyxl.utils import quote_sheetname
from openpyxl.workbook.defined_name import DefinedName

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xl_tools.adapters.libreoffice import convert_many  # noqa: E402
from xl_tools.jobs.recompute import recompute  # noqa: E402
from xl_tools.workbook.save import save_stable  # noqa: E402

from tests.helpers.samples.hierarchical import build_yushui_hierarchical  # noqa: E402
from tests.helpers.samples.seed_forms import build_changshou_2021, build_yuzhong_2023  # noqa: E402
from tests.helpers.samples.yushui import build_yushui_2022  # noqa: E402

LAYOUTS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "template (万元)": (build_yushui_2022, "医疗救助补助资金"),
    "export (元)": (build_yuzhong_2023, "医疗救助专项经费（残保金）"),
    "hierarchical": (build_yushui_hierarchical, None),
    "table12": (build_changshou_2021, "表12"),
}


def workload(build: Callable[[Path], Path], sheet: str | None, sheets: int, folder: Path, name: str) -> Path:
    """``sheets`` copies of the sample's project sheet (its first sheet when ``sheet`` is None) in one workbook,
    the sample's 参数 sheet kept.  The template's sheet-scoped names (XL_NAME, XL_INDICATORS…) go with each
    copy, pointing at it, as in a workbook ``xl-tools new`` writes: without them (openpyxl's copy_worksheet
    leaves them behind) its sheets would be read by their labels, not as the template."""
    wb = openpyxl.load_workbook(build(folder / f"{name}_source.xlsx"))
    source = wb[sheet] if sheet else wb.worksheets[0]
    for other in [ws for ws in wb.worksheets if ws is not source and ws.title != "参数"]:
        wb.remove(other)
    names = {key: dn.attr_text for key, dn in source.defined_names.items()}
    old = quote_sheetname(source.title) + "!"
    copies = [source] + [wb.copy_worksheet(source) for _ in range(2, sheets + 1)]
    for i, ws in enumerate(copies, start=1):
        ws.title = f"项目{i}"
        for key, text in names.items():
            ws.defined_names[key] = DefinedName(key, attr_text=text.replace(old, quote_sheetname(ws.title) + "!"))
    return save_stable(wb, folder / f"{name}.xlsx")


def timed(stages: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median of ``repeat`` runs of each stage, the stages taking turns (round after round), so a slower spell of
    this shared machine falls on all of them rather than on one.  Each run starts on a heap without garbage:
    the workload's openpyxl objects (cycles, hundreds of thousands) would otherwise be walked and freed by
    whichever stage runs next, as in a process of its own they would not be."""
    runs: dict[str, list[float]] = {name: [] for name in stages}
    for _ in range(repeat):
        for name, stage in stages.items():
            gc.collect()
            start = time.perf_counter()
            stage()
            runs[name].append(time.perf_counter() - start)
    return {name: statistics.median(times) for name, times in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-libreoffice", action="store_true")
    args = parser.parse_args()
    print("| layout | toolkit recompute (s) | in one process (s) | openpyxl load+save (s) | "
          "LibreOffice forced recalculation (s) | vs openpyxl | vs LibreOffice |\n|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i, (label, (build, sheet)) in enumerate(LAYOUTS.items()):
            book = workload(build, sheet, args.sheets, folder, f"w{i}")
            stages: dict[str, Callable[[], object]] = {
                "ours": lambda: recompute(book, folder / f"rc{i}.xlsx"),
                "one process": lambda: recompute(book, folder / f"r1{i}.xlsx", processes=1),
                "openpyxl": lambda: openpyxl.load_workbook(book).save(folder / f"rt{i}.xlsx")}
            if not args.no_libreoffice:
                stages["libreoffice"] = lambda: convert_many([book], "xlsx", folder / f"lo{i}", task="重新计算")
            times = timed(stages, args.repeat)
            ours, plain, lo = times["ours"], times["openpyxl"], times.get("libreoffice")
            print(f"| {label} | {ours:.2f} | {times['one process']:.2f} | {plain:.2f} | "
                  f"{'—' if lo is None else f'{lo:.1f}'} | "
                  f"{plain / ours:.1f}× | {'—' if lo is None else f'{lo / ours:.0f}×'} |", flush=True)


if __name__ == "__main__":
    main()
