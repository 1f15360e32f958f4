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

The reading guard's own cost (``reading.package_guard``): the default read as it is, and the same read with the
guard's checks switched off (the parts still inflated and parsed once, as the reader needs them), so their
difference is what the limits cost.

Then 2,000 single-project workbooks in mixed layouts (``workloads.py``: the template, the budget system's
export, the hierarchical form and a 表12, each one project of a bundled sample): validate+score in one
process and as ``batch`` on two worker processes, next to python-calamine's bare read of the same files in
one process and in two, and openpyxl's bare load of the first 200.  Last, a ribbon button call as a process
next to ``python -c "import xlwings"``.

Usage: python bench/run.py [--repeat 3] [--sizes 20,500] [--files 2000] [--no-libreoffice]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import subprocess
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Callable, Iterator
from unittest import mock

from openpyxl import Workbook

from xl_tools.jobs import batch
from xl_tools.jobs.evaluation import Result, evaluate_book, read_book
from xl_tools.jobs.run import run
from xl_tools.jobs.score import score
from xl_tools.adapters import libreoffice
from xl_tools.reading import package_guard
from xl_tools.reading.ooxml import sheet_parts
from xl_tools.reading.open import open_workbook
from xl_tools.jobs.recompute import recompute as recompute_job
from xl_tools.workbook.package import CellWrite, Package
from xl_tools.workbook.save import save_stable
from xl_tools.workbook.template import ProjectSpec, add_project_sheet

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.helpers: the sample builders

from tests.helpers.samples.yushui import DEPARTMENT, PROJECTS, unit_of  # noqa: E402
from workloads import single_project_files  # noqa: E402


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


@contextlib.contextmanager
def guard_switched_off() -> Iterator[None]:
    """The default reader with every check of the guard replaced by nothing: the parts are still inflated (once,
    as the reader uses them) and each sheet parsed once; what is left out is the measuring."""
    guard = package_guard
    with contextlib.ExitStack() as stack:
        for owner, name, stand_in in [
                (guard, "sheet_shape", lambda *a: guard.SheetShape()), (guard, "check_shape", lambda *a: None),
                (guard, "_check_shared_strings", lambda *a: None), (guard, "_check_styles", lambda *a: None),
                (guard, "check_directory", lambda *a: None), (guard.Entries, "_check_declared", lambda self: None),
                (guard, "_sheets_as_calamine_finds_them", lambda entries, workbook: sheet_parts(entries))]:
            stack.enter_context(mock.patch.object(owner, name, stand_in))
        yield


def read_all(paths: list[Path]) -> None:
    for path in paths:  # nothing kept: a list of 2,000 grids would time the garbage collector too
        open_workbook(path)


def read_unguarded(paths: list[Path]) -> None:
    with guard_switched_off():
        read_all(paths)


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


def package_write(path: Path, out: Path, evaluation: Result) -> None:
    pkg = Package.open(path)
    for table in evaluation.tables:
        form, project = table.form, table.result
        writes = {form.out_cells["total"]: CellWrite(project.total)}
        for ind_form, ind in zip(form.indicators, project.indicators):
            writes[ind_form.out_cells["score"]] = CellWrite(ind.score)
        pkg.set_cells(form.sheet, writes)
    pkg.save(out)


def libreoffice_recalc(path: Path, outdir: Path) -> None:
    [result] = libreoffice.convert_many([path], "xlsx", outdir, task="重新计算", recalc=True)
    if result is None:
        raise RuntimeError("LibreOffice failed")


def calamine_bare_each(paths: list[Path]) -> None:
    for path in paths:
        calamine_bare(path)


def calamine_bare_parallel(paths: list[Path], jobs: int) -> None:
    """The floor at the batch's parallelism: the same bare read, the files split over ``jobs`` processes."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(calamine_bare_each, [paths[i::jobs] for i in range(jobs)]))


def batch_memory(paths: list[Path]) -> str:
    """The batch's resident memory, parent and largest worker, from a process of its own (so LibreOffice's runs
    above do not count among its children).  The parent's peak is VmHWM: ru_maxrss would include the bench's
    own memory, copied by the fork before the exec."""
    listing = Path(tempfile.mkdtemp()) / "paths.json"
    listing.write_text(json.dumps([str(p) for p in paths]), encoding="utf-8")
    code = ("import json, resource, sys; from pathlib import Path; from xl_tools.jobs.batch import run_batch; "
            f"paths = [Path(p) for p in json.load(open({str(listing)!r}, encoding='utf-8'))]; "
            "run_batch(paths, [None] * len(paths), jobs=2); "
            "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]; "
            "print(int(hwm) // 1024, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)")
    parent, worker = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                    text=True).stdout.split()
    return f"batch peak resident memory: parent {parent} MiB, largest worker {worker} MiB"


def in_a_process(code: str) -> None:
    subprocess.run([sys.executable, "-c", code], check=True, env=dict(os.environ, XLWINGS_LICENSE_KEY="noncommercial"))


def button_payload(folder: Path) -> Path:
    """A workbook (seed 004's nine projects) as xlwings' VBA client sends it, saved for the button runs."""
    from tests.helpers.xlwings_payload import payload

    path = folder / "payload.json"
    path.write_text(json.dumps(payload(Path(__file__).resolve().parents[1] / "workbooks" /
                                       "渝水区医保局2022_项目自评.xlsx"), default=str), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="20,500")
    parser.add_argument("--files", type=int, default=2000, help="how many single workbooks (0: skip)")
    parser.add_argument("--no-libreoffice", action="store_true")
    args = parser.parse_args()
    rows = []

    def measure(workload: str, stages: list[tuple[str, Callable[[], object], int]]) -> None:
        for label, stage, repeat in stages:
            outside = "LibreOffice" in label or "(process" in label or "2 processes" in label
            seconds, mib = timed(stage, repeat, memory=not outside)  # Python allocations of this process only
            rows.append((workload, label, seconds, mib))
            print(f"{workload:>14}  {label:<52} {seconds * 1000:>10.1f} ms  {mib:>7.1f} MiB", file=sys.stderr)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for size in (int(s) for s in args.sizes.split(",") if s):
            book = build_workload(work / f"w{size}.xlsx", size)
            evaluation = score(book)
            stages: list[tuple[str, Callable[[], object], int]] = [
                ("toolkit score (default reader: calamine + XML)", lambda: score(book), args.repeat),
                ("default read (the guard included)", lambda: read_all([book]), args.repeat),
                ("default read, the guard's checks switched off", lambda: read_unguarded([book]), args.repeat),
                ("toolkit score (openpyxl reader)",
                 lambda: evaluate_book(read_book(book, "openpyxl")), args.repeat),
                ("toolkit score (bare calamine reader)",
                 lambda: evaluate_book(read_book(book, "calamine")), args.repeat),
                ("python-calamine bare read", lambda: calamine_bare(book), args.repeat),
                ("openpyxl bare load", lambda: openpyxl_load(book), args.repeat),
                ("openpyxl load+save", lambda: openpyxl_load_save(book, work / "rt.xlsx"), args.repeat),
                ("package editor: write all scores + save",
                 lambda: package_write(book, work / "pk.xlsx", evaluation), args.repeat),
                ("toolkit recompute (score + formulas + save)",
                 lambda: recompute_job(book, work / "rc.xlsx"), args.repeat),
                ("toolkit run (recompute + 表11 + 校验结果)",
                 lambda: run(book, work / "run.xlsx"), args.repeat),
            ]
            if not args.no_libreoffice:
                runs = iter(range(10))
                stages.append(("LibreOffice forced recalculation (1 run)",
                               lambda: libreoffice_recalc(book, work / f"lo{size}_{next(runs)}"), 1))
            measure(f"{size} projects", stages)
        if args.files:
            paths = single_project_files(work / "files", args.files)
            workload = f"{args.files} files"
            measure(workload, [
                ("toolkit validate+score, one process", lambda: [score(p) for p in paths], 1),
                ("default read (the guard included)", lambda: read_all(paths), args.repeat),
                ("default read, the guard's checks switched off", lambda: read_unguarded(paths), args.repeat),
                ("toolkit batch (2 worker processes)", lambda: batch.run_batch(paths, [None] * len(paths), jobs=2), 1),
                ("python-calamine bare read", lambda: calamine_bare_each(paths), 1),
                ("python-calamine bare read, 2 processes", lambda: calamine_bare_parallel(paths, 2), 1),
                ("openpyxl bare load (first 200 files only)", lambda: [openpyxl_load(p) for p in paths[:200]], 1),
            ])
            print(f"{workload}: {batch_memory(paths)}", file=sys.stderr)
        payload_file = button_payload(work)
        measure("ribbon button", [
            ("python -c 'import xlwings' (process)", lambda: in_a_process("import xlwings"), args.repeat),
            ("校验权重 button call (process: import, book, validate, actions)", lambda: in_a_process(
                "import json, xlwings as xw, xl_tools; from xl_tools import ribbon; "
                f"b = xw.Book(json=json.load(open({str(payload_file)!r}, encoding='utf-8'))); "
                "ribbon.run('check', b, addin=xl_tools.__version__); b.json()"), args.repeat),
        ])
    times = {(workload, label): seconds for workload, label, seconds, _ in rows}
    for size in (int(s) for s in args.sizes.split(",") if s):
        workload = f"{size} projects"
        recompute = times[(workload, "toolkit recompute (score + formulas + save)")]
        lo = times.get((workload, "LibreOffice forced recalculation (1 run)"))
        print(f"{workload}: recompute is {times[(workload, 'openpyxl load+save')] / recompute:.1f}x faster than "
              f"openpyxl load+save" + (f", {lo / recompute:.1f}x faster than LibreOffice" if lo else ""),
              file=sys.stderr)
    if args.files:
        workload = f"{args.files} files"
        floor = times[(workload, "python-calamine bare read")]
        for label in ("toolkit validate+score, one process", "toolkit batch (2 worker processes)"):
            print(f"{workload}: {label} is {times[(workload, label)] / floor:.1f}x the bare calamine read",
                  file=sys.stderr)
        print(f"{workload}: the batch is {times[(workload, 'toolkit batch (2 worker processes)')] / times[(workload, 'python-calamine bare read, 2 processes')]:.1f}x "
              "the bare calamine read on 2 processes", file=sys.stderr)
    for workload in [f"{size} projects" for size in (int(s) for s in args.sizes.split(",") if s)] + (
            [f"{args.files} files"] if args.files else []):
        guarded = times[(workload, "default read (the guard included)")]
        bare_read = times[(workload, "default read, the guard's checks switched off")]
        scored = times[(workload, "toolkit validate+score, one process" if "files" in workload
                        else "toolkit score (default reader: calamine + XML)")]
        print(f"{workload}: the guard costs {100 * (guarded - bare_read) / guarded:.1f}% of the read, "
              f"{100 * (guarded - bare_read) / scored:.1f}% of validate+score", file=sys.stderr)
    call = times[("ribbon button", "校验权重 button call (process: import, book, validate, actions)")]
    bare = times[("ribbon button", "python -c 'import xlwings' (process)")]
    print(f"ribbon button: a call is {call / bare:.2f}x the bare xlwings import", file=sys.stderr)
    print("| workload | stage | time (ms) | peak Python memory (MiB) |")
    print("|---|---|---:|---:|")
    for workload, label, seconds, mib in rows:
        memory = "—" if mib != mib else f"{mib:.1f}"
        print(f"| {workload} | {label} | {seconds * 1000:.1f} | {memory} |")


if __name__ == "__main__":
    main()
