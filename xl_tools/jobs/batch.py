"""Many workbooks at once, as a finance bureau receives them: one broken file never stops the others.

Each file is read (and with ``recompute`` rewritten into an output folder) in a worker process; a
worker returns plain data (``FileOutcome``), so results can be gathered into one 表11 and one findings
workbook without reading any file twice.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..adapters.memory_limit import DEFAULT_MAX_MEMORY
from ..core.findings import CATALOGUE, LEVEL_LABEL, Finding, Level
from ..core.findings_report import Findings
from ..core.gathering import Gathered, figures_only
from ..core.model import ProjectResult
from ..core.errors import XlToolsError, failure_reason
from ..outputs import fit_name, output_suffix
from ..workbook.atomic import discard_partial
from . import frames
from .evaluation import Result

if TYPE_CHECKING:
    import pandas

EXTENSIONS = (".xlsx", ".xlsm", ".xls")
LOCK_PREFIX = "~$"
"""Excel's owner file beside an open workbook: never a workbook itself."""
FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
"""Characters Windows refuses in a file name (and control characters)."""
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
DEFAULT_TIMEOUT = 300.0
"""Seconds one file may take: a 500-project workbook recomputes in a few, an .xls converted by LibreOffice
in well under a minute; longer means a reader is stuck."""
FILES_PER_WORKER = 4
"""Files handed out ahead per worker: enough to keep each busy, few enough that nothing piles up."""
STEM_BYTES = 200
"""UTF-8 bytes kept of a stem: 66 Chinese characters; with a counter and the suffix the name stays under the
255-byte limit, and the temporary file written beside it is cut to fit (``workbook.atomic``)."""


@dataclass
class FileOutcome:
    """What a worker sends back of one file, already cut to what the batch's outputs need (its findings and its
    表11 rows), so the parent keeps a few KB per file whatever the size of the workbook."""

    path: str
    projects: list[ProjectResult] = field(default_factory=list)
    """Without their indicators and findings (those are in ``findings``)."""
    findings: list[Finding] = field(default_factory=list)
    year: int | None = None
    output: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @classmethod
    def of(cls, path: str, result: Result, output: str | None) -> FileOutcome:
        return cls(path, [figures_only(p) for p in result.projects], result.scored.all_findings(), result.year,
                   output)


@dataclass
class BatchReport:
    """Every file's outcome folded in input order, whatever order the workers finished in."""

    labels: list[str]
    """How each file is named in the findings and 表11: its path below the inputs' common folder."""
    outcomes: list[FileOutcome] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    """Every finding of every file (its ``file`` the file's label), skipped files and duplicates included."""
    gathered: Gathered = field(default_factory=Gathered)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if not o.ok]

    def by_unit(self) -> list[UnitCounts]:
        """Every file under the unit its tables name (the first naming one; a file naming none, or unread, stands
        for itself), in order of first appearance, with its findings (counted by the report)."""
        units: dict[str, UnitCounts] = {}
        unit_of = {}
        for label, outcome in zip(self.labels, self.outcomes):
            unit = unit_of[label] = next((p.unit for p in outcome.projects if p.unit), label)
            counts = units.setdefault(unit, UnitCounts(unit))
            counts.files += 1
            counts.projects += sum(1 for p in outcome.projects if p.type == "project")
        for unit, findings in self.report.split(lambda f: unit_of[f.file]).items():
            units[unit].findings = findings
        return list(units.values())

    @property
    def report(self) -> Findings:
        return Findings.of(self.findings)

    def projects_frame(self) -> pandas.DataFrame:
        """One row per table read, its file the label it has in 校验结果 (the indicators stay in the workers)."""
        return frames.projects_frame((label, p) for label, o in zip(self.labels, self.outcomes) for p in o.projects)

    def findings_frame(self) -> pandas.DataFrame:
        return self.report.to_frame()


@dataclass
class UnitCounts:
    unit: str
    files: int = 0
    projects: int = 0
    findings: Findings = field(default_factory=Findings)

    @property
    def levels(self) -> dict[Level, int]:
        return {Level(level): n for level, n in self.findings.counts().items()}


def _is_workbook(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in EXTENSIONS and not path.name.startswith(LOCK_PREFIX)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def expand_inputs(inputs: Iterable[str | Path], *, exclude_dirs: Sequence[Path] = (),
                  exclude_files: Sequence[Path] = ()) -> list[Path]:
    """Folders (recursively), globs and files as one sorted list without duplicates, lock files and the
    tool's own outputs left out, so a second run over the same folder reads the same workbooks."""
    dirs = [d.resolve() for d in exclude_dirs]
    files = {f.resolve() for f in exclude_files}
    found: dict[Path, Path] = {}
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            candidates = [c for c in path.rglob("*") if _is_workbook(c)]
        elif path.is_file():
            candidates = [path] if not path.name.startswith(LOCK_PREFIX) else []
        elif glob.has_magic(str(item)):
            candidates = [Path(c) for c in glob.glob(str(item), recursive=True) if _is_workbook(Path(c))]
        else:
            raise XlToolsError(f"找不到 {item}；请给出文件夹、工作簿或通配符（如 收件/*.xlsx）")
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved in files or any(_inside(resolved, d) for d in dirs):
                continue
            found.setdefault(resolved, candidate)
    return [found[r] for r in sorted(found, key=str)]


def safe_stem(stem: str) -> str:
    """A stem every file system accepts, whatever a unit typed into its file name."""
    safe = fit_name(FORBIDDEN.sub("_", stem).strip(), "", STEM_BYTES).rstrip(". ") or "工作簿"
    return "_" + safe if safe.split(".")[0].upper() in RESERVED else safe


def output_paths(paths: Sequence[Path], outdir: Path, *, reserved: Iterable[Path] = (),
                 password: str | None = None) -> list[Path]:
    """One output per input in ``outdir``: the input's stem made safe, a counter when two inputs (from
    different folders) share it; compared without case, as on Windows and macOS.  The suffix is what the
    content needs (.xlsm for a macro-enabled package, whatever the input is called)."""
    taken = {p.name.casefold() for p in reserved if p.resolve().parent == outdir.resolve()}
    out = []
    for path in paths:
        stem, suffix = safe_stem(path.stem), _suffix(path, password)
        name, n = f"{stem}{suffix}", 1
        while name.casefold() in taken:
            n += 1
            name = f"{stem}_{n}{suffix}"
        taken.add(name.casefold())
        out.append(outdir / name)
    return out


def _suffix(path: Path, password: str | None) -> str:
    """``output_suffix``; for a file that cannot be read, what its name says (its worker reports why)."""
    try:
        return output_suffix(path, password)
    except XlToolsError:
        return ".xlsm" if path.suffix.lower() == ".xlsm" else ".xlsx"


def process_file(path: str, output: str | None = None, rule_set: str | None = None,
                 password: str | None = None) -> FileOutcome:
    """Score (and recompute into ``output``) one workbook; every failure becomes the outcome's error."""
    from . import recompute, score

    try:
        before = _stamp(path)
        if output:
            done = recompute.recompute(path, output, rule_set, password=password, processes=1)  # one core each
            evaluation, written = done.evaluation, str(done.path)
        else:
            evaluation, written = score.score(path, rule_set, password=password), None
        if _stamp(path) != before:
            raise XlToolsError(f"{Path(path).name} 在读取过程中被改动（可能仍在复制、下载或保存），本次未汇总；"
                               "请等文件写完后重新运行")
    except XlToolsError as exc:
        return FileOutcome(path, error=str(exc))
    except MemoryError:  # the worker's cap (adapters.memory_limit): this file asked for more than a form can need
        return FileOutcome(path, error=f"{Path(path).name} 处理时内存超过上限（--max-memory），已中止；"
                                       "文件可能被故意构造，请向报送单位索取原文件；其余文件照常处理")
    except Exception as exc:  # a corrupt file can break any library: it must not stop the batch
        message = failure_reason(exc)
        return FileOutcome(path, error=message.replace(password, "******") if password else message)
    return FileOutcome.of(path, evaluation, written)


def _stamp(path: str) -> tuple[int, int]:
    """Size and modification time: a file still being written changes under the reader."""
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def run_files(paths: Sequence[Path], outputs: Sequence[Path | None], *, jobs: int = 1,
              rule_set: str | None = None, password: str | None = None, scheduler: str | None = None,
              timeout: float | None = DEFAULT_TIMEOUT,
              max_memory: int = DEFAULT_MAX_MEMORY) -> Iterator[tuple[int, FileOutcome]]:
    """(input index, outcome) of every file as it finishes, in worker processes of this machine, or on the
    Dask cluster whose ``scheduler`` address is given.

    Only a few files per worker are handed out at a time, so nothing grows with the number of files but the
    outcomes.  Each file runs under ``timeout`` seconds, and a worker that hangs or dies (a crash in a C
    library, memory exhausted) costs that one file, reported, not the batch.  Locally the hung worker is
    stopped; on Dask, which cannot stop a running task, the batch only stops waiting for it.  Each local
    worker is capped at ``max_memory`` bytes (``adapters.memory_limit``), so a file that still manages to grow
    past every limit of the package guard costs itself; a Dask cluster keeps its own memory limits.
    """
    args = [(str(p), str(o) if o else None, rule_set, password) for p, o in zip(paths, outputs)]
    running: dict[Future, int] = {}
    try:
        with contextlib.ExitStack() as stack:
            if scheduler:
                executor, slots = _dask_executor(scheduler, stack)
                limit = timeout  # kept here: Dask cannot stop a running task, the batch stops waiting for it

                def submit(a: tuple) -> Future:
                    return executor.submit(process_file, *a)
            else:
                slots = max(1, min(jobs, len(args)))
                pool = stack.enter_context(_worker_pool(slots, max_memory))
                limit = None  # pebble stops the worker itself

                def submit(a: tuple) -> Future:
                    return pool.schedule(process_file, args=a, timeout=timeout)

            waiting = iter(enumerate(args))
            deadlines: dict[Future, float] = {}
            while True:
                for i, a in itertools.islice(waiting, slots * FILES_PER_WORKER - len(running)):
                    future = submit(a)
                    running[future] = i
                    if limit is not None:
                        deadlines[future] = time.monotonic() + limit
                if not running:
                    return
                soonest = max(0.0, min(deadlines.values()) - time.monotonic()) if deadlines else None
                done, _ = wait(running, timeout=soonest, return_when=FIRST_COMPLETED)
                late = [f for f, due in deadlines.items() if f not in done and due <= time.monotonic()]
                for future in [*done, *late]:
                    i = running.pop(future)
                    deadlines.pop(future, None)
                    if future in done:
                        outcome = _outcome(future, args[i][0], timeout, max_memory)
                    else:
                        future.cancel()
                        outcome = _timed_out(args[i][0], timeout)
                    if not outcome.ok and args[i][1]:  # a worker killed at the time limit mid-write
                        discard_partial(Path(args[i][1]))
                    yield i, outcome
    finally:  # interrupted: the pool has stopped the workers of the files still in flight
        for i in running.values():
            if args[i][1]:
                discard_partial(Path(args[i][1]))


@contextlib.contextmanager
def _worker_pool(workers: int, max_memory: int) -> Iterator[Any]:
    """pebble's process pool (concurrent.futures futures, plus a time limit per task and a dead worker failing
    only its own task), each worker under a memory cap; stopped at once, abandoning the files in flight, if the
    batch itself is interrupted."""
    import pebble

    from ..adapters.memory_limit import limit_memory

    pool = pebble.ProcessPool(max_workers=workers, initializer=limit_memory, initargs=(max_memory,))
    try:
        yield pool
    except BaseException:
        pool.stop()
        raise
    finally:
        pool.close()
        pool.join()


def _outcome(future: Future, path: str, timeout: float | None, max_memory: int) -> FileOutcome:
    from pebble import ProcessExpired

    try:
        return future.result()
    except TimeoutError:
        return _timed_out(path, timeout)
    except ProcessExpired as exc:
        return FileOutcome(path, error=f"{Path(path).name} 处理时工作进程意外退出（退出码 {exc.exitcode}，"
                                       f"可能是文件损坏导致读取库崩溃，或内存超过每个进程 {_size(max_memory)} 的上限"
                                       "（--max-memory））；其余文件照常处理")
    except Exception as exc:  # a Dask worker lost, or an outcome that could not be sent back
        return FileOutcome(path, error=f"{Path(path).name} 处理时工作进程出错（{type(exc).__name__}: {exc}）")


def _size(size: int) -> str:
    return f"{size / 2**30:g} GB" if size >= 2**30 else f"{size / 2**20:g} MB"


def _timed_out(path: str, timeout: float | None) -> FileOutcome:
    return FileOutcome(path, error=f"{Path(path).name} 处理超过 {timeout:g} 秒仍未完成，已中止（文件可能过大或已损坏）；"
                                   "其余文件照常处理")


def run_batch(paths: Sequence[Path], outputs: Sequence[Path | None], *,
              on_done: Callable[[FileOutcome], None] = lambda _: None, **options: Any) -> BatchReport:
    """``run_files`` folded into one report: findings of every file, skipped files, duplicates and the 表11."""
    outcomes: list[FileOutcome | None] = [None] * len(paths)
    for i, outcome in run_files(paths, outputs, **options):
        outcomes[i] = outcome
        on_done(outcome)
    return collect(paths, outcomes)  # type: ignore[arg-type]


def _dask_executor(scheduler: str, stack: contextlib.ExitStack) -> tuple[Executor, int]:
    """A concurrent.futures executor over a Dask cluster (the files must be on storage every worker sees), and
    the cluster's worker threads: as many files are kept in flight as it can take."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise XlToolsError('使用 --scheduler 需要安装 Dask：pip install "xl_tools[dask]"') from exc
    try:
        client = stack.enter_context(Client(scheduler, timeout="10s"))
    except (OSError, TimeoutError) as exc:
        raise XlToolsError(f"连接不上 Dask 调度器 {scheduler}（{exc}）；请确认地址和端口") from exc
    return stack.enter_context(client.get_executor(pure=False)), max(1, sum(client.nthreads().values()))


def labels_for(paths: Sequence[Path]) -> list[str]:
    """Paths below the inputs' common folder: the bare name when all come from one folder."""
    if not paths:
        return []
    resolved = [p.resolve() for p in paths]
    root = Path(os.path.commonpath([r.parent for r in resolved]))
    return [r.relative_to(root).as_posix() for r in resolved]


def writable(outcome: FileOutcome) -> None:
    """Raise unless the rows a file adds to 表11 and 校验结果 hold only what the sheet writers take and cannot
    fail on (``CellWrite`` says what that is: texts, finite numbers, booleans, blanks)."""
    from ..core.cell_write import CellWrite
    from ..core.sheets.findings import finding_row
    from ..core.sheets.summary import summary_table

    rows = summary_table(outcome.projects)[0] + [finding_row(f) for f in outcome.findings]
    for value in itertools.chain.from_iterable(rows):
        CellWrite(value)


def collect(paths: Sequence[Path], outcomes: Sequence[FileOutcome]) -> BatchReport:
    """Findings of every file, skipped files and duplicates, and the 表11 over all files, in input order.

    A file whose data fails here, in the parent (or in the values its rows would be written with), is
    skipped like an unreadable one: it costs that file, named with the reason, not the batch's outputs.
    """
    report = BatchReport(labels_for(paths), list(outcomes))
    for i, (label, outcome) in enumerate(zip(report.labels, outcomes)):
        if outcome.ok:
            try:
                writable(outcome)
                added = report.gathered.add(label, outcome.projects, outcome.year)
            except Exception as exc:
                outcome = report.outcomes[i] = FileOutcome(outcome.path, error=failure_reason(exc))
            else:
                report.findings += [f.in_file(label) for f in outcome.findings + added]
                continue
        report.findings.append(report.gathered.skip(label, outcome.error or "未知原因").in_file(label))
    report.findings += report.gathered.across_files()
    return report


def write_findings(report: BatchReport, out: Path) -> Path:
    """校验结果 for all files, 文件 first (it links to nothing: the cells are in other workbooks), then the
    counts by unit and by code that the command prints."""
    from ..core.sheets.findings import files_findings_sheet, table_sheet
    from ..workbook.sheet_writer import write_streamed

    levels = list(Level)
    units = table_sheet("按单位", ["单位", "文件数", "项目数"] + [LEVEL_LABEL[lv] for lv in levels], [40, 9, 9, 9, 9, 9],
                        [[u.unit, u.files, u.projects] + [u.levels[lv] for lv in levels] for u in report.by_unit()])
    codes = table_sheet("按问题代码", ["代码", "问题", "级别", "条数"], [26, 30, 9, 9],
                        [[code, CATALOGUE[code].title, LEVEL_LABEL[CATALOGUE[code].level], n]
                         for code, n in report.report.by_code()])
    return write_streamed([files_findings_sheet(report.findings), units, codes], out)


@dataclass
class Written:
    """Where ``batch`` put what it was asked to write (None: not asked)."""

    summary: Path | None = None
    findings: Path | None = None
    outdir: Path | None = None
    recomputed: int = 0


@dataclass
class Batch:
    report: BatchReport
    written: Written


def batch(inputs: Sequence[str | Path], *, jobs: int | None = None, rules: str | None = None,
          password: str | None = None, recompute_into: str | Path | None = None, summary: str | Path | None = None,
          findings: str | Path | None = None, timeout: float = DEFAULT_TIMEOUT, max_memory: int = DEFAULT_MAX_MEMORY,
          scheduler: str | None = None, on_start: Callable[[int], None] = lambda _: None,
          on_done: Callable[[FileOutcome], None] = lambda _: None) -> Batch:
    """Every workbook under ``inputs`` (folders, globs, files) scored in worker processes; with
    ``recompute_into`` each rewritten into that folder, with ``summary`` one 表11 over all, with ``findings``
    one 校验结果 over all.  A file that cannot be read is reported and the others go on.  ``on_start`` hears
    how many files were found, ``on_done`` each file's outcome as it finishes (a progress bar)."""
    from ..outputs import checked_output
    from ..workbook.summary_book import write_summary

    outdir = Path(recompute_into) if recompute_into else None
    extra = [Path(p) for p in (summary, findings) if p]
    paths = expand_inputs(inputs, exclude_dirs=[outdir] if outdir else [], exclude_files=extra)
    if not paths:
        raise XlToolsError(f"{'、'.join(map(str, inputs))} 中没有找到工作簿（.xlsx/.xlsm/.xls）")
    for p, what in ((summary, "汇总表"), (findings, "校验结果")):
        if p:
            checked_output(Path(p), paths, suffixes=(".xlsx",), what=what)
    outputs: list[Path | None] = [None] * len(paths)
    if outdir:
        outdir.mkdir(parents=True, exist_ok=True)
        outputs = list(output_paths(paths, outdir, reserved=extra, password=password))
    on_start(len(paths))
    report = run_batch(paths, outputs, jobs=jobs or os.cpu_count() or 1, rule_set=rules, password=password,
                       scheduler=scheduler, timeout=timeout, max_memory=max_memory, on_done=on_done)
    written = Written(outdir=outdir, recomputed=sum(1 for o in report.outcomes if o.output))
    if summary:
        written.summary = write_summary(report.gathered, Path(summary))
    if findings:
        written.findings = write_findings(report, Path(findings))
    return Batch(report, written)
