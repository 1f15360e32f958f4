"""Benchmark: the toolkit's stages next to the real alternatives, side by side in one run.

Workloads are generated reproducibly from seed 004's nine projects (cycled) in
the toolkit's template: a 20-project and a 500-project workbook (one sheet per
project).  For each it times, as the median of ``--repeat`` runs:

- toolkit score with the default reader (calamine's values plus formats, formulas, hidden rows and names read
  from the package XML), with the openpyxl reader (the same grid) and with bare calamine (no formats);
- python-calamine's bare read of every sheet (the floor);
- openpyxl's bare load, and its load+save (what a naive writer costs);
- the lossless package editor writing every score cell and saving (the write half of a recompute);
- the toolkit's whole `recompute` (read, score, formulas with cached values, lossless save), and `run`
  (the same plus the 表11, 校验结果 and 变更记录 sheets);
- LibreOffice's forced recalculation of the file (one headless conversion, private profile; run once);
and the peak Python memory (tracemalloc) of the in-process stages.

Usage: python bench/run.py [--repeat 3] [--sizes 20,500] [--no-libreoffice]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Callable

from openpyxl import Workbook

from xl_tools import services
from xl_tools.adapters import libreoffice
from xl_tools.recompute import recompute_file
from xl_tools.samples.yushui import DEPARTMENT, PROJECTS, unit_of
from xl_tools.workbook.package import CellWrite, Package
from xl_tools.workbook.save import save_stable
from xl_tools.workbook.template import ProjectSpec, add_project_sheet


def build_workload(path: Path, projects: int) -> Path:
    """``projects`` template sheets, seed 004's projects in turn, numbered so names stay unique."""
    wb = Workbook()
    wb.remove(wb.active)
    for i in range(projects):
        name, amount, indicators = PROJECTS[i % len(PROJECTS)]
        spec = ProjectSpec(
            name=f"{name}项目（{i + 1:04d}）", department=DEPARTMENT, unit=DEPARTMENT, year=2022,
            funds={"年度资金总额": (amount, amount, amount), "其中：当年财政拨款": (amount, amount, amount)},
            indicators=[{"name": n, "target": t, "actual": a, "weight": w, "score": w, "unit": unit_of(a)}
                        for n, t, a, w in indicators],
            claimed_total=100)
        add_project_sheet(wb, f"P{i + 1:04d}", spec)
    return save_stable(wb, path)


def timed(stage: Callable[[], object], repeat: int, *, memory: bool = True) -> tuple[float, float]:
    """(median seconds over ``repeat`` plain runs, peak MiB of Python allocations in one more traced run)."""
    times = []
    gc.collect()  # every stage starts without the garbage of the one before
    for _ in range(repeat):
        start = time.perf_counter()
        stage()
        times.append(time.perf_counter() - start)
    if not memory:
        return statistics.median(times), float("nan")
    tracemalloc.start()  # a separate run: tracing slows the stage several times over
    stage()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak / 2**20


def calamine_bare(path: Path) -> None:
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()


def openpyxl_load(path: Path) -> None:
    import openpyxl

    openpyxl.load_workbook(path, data_only=True)


def openpyxl_load_save(path: Path, out: Path) -> None:
    import openpyxl

    openpyxl.load_workbook(path).save(out)


def package_write(path: Path, out: Path, evaluation: services.Evaluation) -> None:
    pkg = Package.open(path)
    for form, project in zip(evaluation.forms, evaluation.result.projects):
        writes = {form.out_cells["total"]: CellWrite(project.total)}
        for ind_form, ind in zip(form.indicators, project.indicators):
            writes[ind_form.out_cells["score"]] = CellWrite(ind.score)
        pkg.set_cells(form.sheet, writes)
    pkg.save(out)


def libreoffice_recalc(path: Path, outdir: Path) -> None:
    [result] = libreoffice.convert_many([path], "xlsx", outdir, task="重新计算", recalc=True)
    if result is None:
        raise RuntimeError("LibreOffice failed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="20,500")
    parser.add_argument("--no-libreoffice", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for size in (int(s) for s in args.sizes.split(",")):
            book = build_workload(work / f"w{size}.xlsx", size)
            evaluation = services.evaluate_file(book)
            stages: list[tuple[str, Callable[[], object], int]] = [
                ("toolkit score (default reader: calamine + XML)", lambda: services.score_file(book), args.repeat),
                ("toolkit score (openpyxl reader)",
                 lambda: services.evaluate_book(services.read_book(book, "openpyxl")), args.repeat),
                ("toolkit score (bare calamine reader)",
                 lambda: services.evaluate_book(services.read_book(book, "calamine")), args.repeat),
                ("python-calamine bare read", lambda: calamine_bare(book), args.repeat),
                ("openpyxl bare load", lambda: openpyxl_load(book), args.repeat),
                ("openpyxl load+save", lambda: openpyxl_load_save(book, work / "rt.xlsx"), args.repeat),
                ("package editor: write all scores + save",
                 lambda: package_write(book, work / "pk.xlsx", evaluation), args.repeat),
                ("toolkit recompute (score + formulas + save)",
                 lambda: recompute_file(book, work / "rc.xlsx"), args.repeat),
                ("toolkit run (recompute + 表11 + 校验结果)",
                 lambda: services.run_file(book, work / "run.xlsx"), args.repeat),
            ]
            if not args.no_libreoffice:
                runs = iter(range(10))
                stages.append(("LibreOffice forced recalculation (1 run)",
                               lambda: libreoffice_recalc(book, work / f"lo{size}_{next(runs)}"), 1))
            for label, stage, repeat in stages:
                seconds, mib = timed(stage, repeat, memory="LibreOffice" not in label)
                rows.append((size, label, seconds, mib))
                print(f"{size:>4} projects  {label:<48} {seconds * 1000:>9.1f} ms  {mib:>7.1f} MiB", file=sys.stderr)
    times = {(size, label): seconds for size, label, seconds, _ in rows}
    for size in sorted({size for size, *_ in rows}):
        recompute = times[(size, "toolkit recompute (score + formulas + save)")]
        lo = times.get((size, "LibreOffice forced recalculation (1 run)"))
        print(f"{size} projects: recompute is {times[(size, 'openpyxl load+save')] / recompute:.1f}x faster than "
              f"openpyxl load+save" + (f", {lo / recompute:.1f}x faster than LibreOffice" if lo else ""),
              file=sys.stderr)
    print("| projects | stage | time (ms) | peak Python memory (MiB) |")
    print("|---:|---|---:|---:|")
    for size, label, seconds, mib in rows:
        memory = "—" if mib != mib else f"{mib:.1f}"
        print(f"| {size} | {label} | {seconds * 1000:.1f} | {memory} |")


if __name__ == "__main__":
    main()
