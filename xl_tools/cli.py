"""The ``xl-tools`` command: a few lines per command over one job of ``xl_tools.jobs``.

Exit codes: 0 fine, 1 error-level findings (validate; email refuses to send), 2 the file cannot be
read or nothing in it is recognised (with a one-line reason, never a traceback), 130 stopped by Ctrl+C,
141 standard output closed before everything was written (``xl-tools rules show default | head -3``; quietly).
"""

from __future__ import annotations

import errno
import functools
import io
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from . import __version__
from .core.errors import XlToolsError, failure_reason
from .reading.decrypt import PASSWORD_ENV

EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2
EXIT_INTERRUPTED = 130  # as shells report a command stopped by Ctrl+C
EXIT_OUTPUT_CLOSED = 141  # as shells report a command stopped by SIGPIPE (128 + 13): `cat big | head` reports it

rules_option = click.option(
    "--rules", "rule_set", metavar="NAME|FILE",
    help="规则集：内置名称（xl-tools rules list 查看）或自己的 .toml 文件；不指定时用工作簿参数表或默认规则集。")
class _MemorySize(click.ParamType):
    """A size as users write it: 2G, 1.5GB, 1500M, 1500 (MB)."""

    name = "size"
    _UNITS = {"": 2**20, "M": 2**20, "MB": 2**20, "G": 2**30, "GB": 2**30}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().upper()
        number = text.rstrip("BGM")
        try:
            size = int(float(number) * self._UNITS[text[len(number):]])
        except (ValueError, KeyError):
            self.fail(f"「{value}」不是内存大小；请写成 2G、1500M 这样的形式", param, ctx)
        if size < 256 * 2**20:
            self.fail(f"内存上限 {value} 太小：一个工作进程至少需要 256M", param, ctx)
        return size


MEMORY_SIZE = _MemorySize()
json_option = click.option("--json", "as_json", is_flag=True, help="输出 JSON（供程序读取）。")
password_option = click.option(
    "--password", metavar="密码", envvar=PASSWORD_ENV,
    help=f"工作簿的打开密码；也可用环境变量 {PASSWORD_ENV} 提供（不留在命令历史里）。")


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every failure into a one-line Chinese message and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except XlToolsError as exc:
            _fail(str(exc), kwargs.get("as_json", False), exc.code)
        except OSError as exc:
            if exc.errno == errno.EPIPE and _output_closed():  # `| head` has read enough: not a failure
                _exit_quietly()
            if exc.errno != errno.ENAMETOOLONG:
                _fail(_internal(exc, kwargs.get("password")), kwargs.get("as_json", False))
            from .outputs import too_long

            _fail(too_long(Path(os.fsdecode(exc.filename)).name if exc.filename else ""), kwargs.get("as_json", False))
        except KeyboardInterrupt:  # Ctrl+C: every write is atomic, so nothing half-written is left behind
            click.echo("\n已中断（Ctrl+C）：原文件未改动，没有写完的结果文件不会留下。", err=True)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(EXIT_INTERRUPTED)  # not sys.exit: half-run library generators would print noise at exit
        except MemoryError:
            _fail("处理时内存不足，已停止（文件可能过大或被故意构造）；请关闭其他程序后重试，或向报送单位索取原文件",
                  kwargs.get("as_json", False))
        except Exception as exc:  # the promise is: no traceback for a user, whatever happened
            _fail(_internal(exc, kwargs.get("password")), kwargs.get("as_json", False))

    return wrapper


def _output_closed() -> bool:
    """Whether the broken pipe is standard output's: whoever reads it has stopped (``| head``).  Such a pipe
    polls as an error; a broken pipe to anything else (another program, a socket) is still a failure.  Where
    standard output cannot be polled (Windows, a test's in-memory stream) it is taken to be, as Click takes it."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
    except (AttributeError, ValueError, OSError):
        return True
    return any(events & (select.POLLERR | select.POLLHUP) for _fd, events in poller.poll(0))


def _exit_quietly() -> None:
    """Stop with no message, as well-behaved Unix tools do when their reader goes: what is still buffered for
    standard output goes to the null device, so the interpreter's last flush at exit has nothing to complain of."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(EXIT_OUTPUT_CLOSED)


def _internal(exc: Exception, password: str | None) -> str:
    message = f"{failure_reason(exc)}；请把文件和这条信息发给维护者"
    return message.replace(password, "******") if password else message  # a library's message must not show it


def _fail(message: str, as_json: bool, code: str | None = None) -> None:
    if as_json:  # the reason as a finding too, when it is a catalogued one (a file refused, unreadable)
        from .core.findings import CATALOGUE, make

        found = [make(code, reason=message).to_dict()] if code in CATALOGUE else []
        click.echo(json.dumps({"error": message, "findings": found}, ensure_ascii=False))
    click.echo(f"错误：{message}", err=True)
    sys.exit(EXIT_UNREADABLE)


def _dump(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _labels(ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path | None:
    """Check a mapping file at once, and hand it to every read of the command (its batch workers too)."""
    if value is None:
        return None
    from .layouts.vocabulary import LABELS_ENV, VocabularyError, words

    os.environ[LABELS_ENV] = str(value.resolve())
    try:
        words()
    except VocabularyError as exc:
        click.echo(f"错误：{exc}", err=True)
        ctx.exit(EXIT_UNREADABLE)
    return value


class _Chinese(click.Group):
    """The command group whose Click messages (usage, missing argument, no such command) are Chinese too."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        from .locale import use_chinese

        use_chinese()
        return super().main(*args, **kwargs)


@click.group(cls=_Chinese, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xl-tools")
@click.option("--labels", type=click.Path(exists=True, dir_okay=False, path_type=Path), callback=_labels,
              expose_value=False, is_eager=True, metavar="FILE",
              help="标签映射文件（TOML）：告诉工具你的表格把各栏叫作什么，如 [anchors] project = [\"项目支出名称\"]；"
                   "写在子命令之前：xl-tools --labels 我的表.toml score 自评表.xlsx")
def main() -> None:
    """预算绩效自评工具：校验、计分、生成汇总表。

    示例：xl-tools run 自评表.xlsx
    """
    for stream in (sys.stdout, sys.stderr):  # a character the console's code page lacks (GBK) shows as "?"
        if isinstance(stream, io.TextIOWrapper):  # rather than ending the command
            stream.reconfigure(errors="replace")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@rules_option
@json_option
@click.option("--all", "show_all", is_flag=True, help="同时列出提示级别的信息。")
@password_option
@handle_errors
def validate(path: Path, rule_set: str | None, as_json: bool, show_all: bool, password: str | None) -> None:
    """校验工作簿：权重、结构、单位、说明、填报得分等。

    有错误级别的问题时退出码为 1，文件无法读取时为 2。

    示例：xl-tools validate 自评表.xlsx --rules chongqing_export
    """
    from .jobs.validate import validate as validate_job
    from .render import findings_text

    findings = validate_job(path, rule_set, password=password)
    if as_json:
        _dump(findings.to_dict())
    else:
        click.echo(findings_text(findings, show_all=show_all))
    if not findings.valid:
        sys.exit(EXIT_FINDINGS)


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@rules_option
@json_option
@password_option
@handle_errors
def score(path: Path, rule_set: str | None, as_json: bool, password: str | None) -> None:
    """按规则重新计分（不修改文件），列出每个项目的执行率、得分和等级。

    示例：xl-tools score 自评表.xlsx --json
    """
    from .jobs.score import score as score_job
    from .render import score_text

    result = score_job(path, rule_set, password=password)
    if as_json:
        _dump(result.to_dict())
    else:
        click.echo(score_text(result.scored))


@main.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="结果工作簿路径（默认：输入文件旁的 <文件名>_自评结果.xlsx，启用宏的工作簿为 .xlsm）。")
@rules_option
@password_option
@handle_errors
def run(path: Path | None, output: Path | None, rule_set: str | None, password: str | None) -> None:
    """主流程：校验、计分，写出结果工作簿（含 表11、校验结果和变更记录），不改动原文件。

    不给文件时，用内置的渝中区医疗保障局 2023 年样例演示。

    退出码：写出了结果文件为 0，即使校验发现了错误（错误列在输出和「校验结果」表中）；文件无法读取或没有能识别的
    表格时为 2。要在脚本里按有无错误判断，用 xl-tools validate（有错误时退出码为 1）。

    示例：xl-tools run 自评表.xlsx -o 自评结果.xlsx
    """
    from .jobs.run import run as run_job, sample_copy
    from .reading.open import password_protected
    from .render import findings_text, score_text

    if path is None:
        path = sample_copy(Path.cwd())
        click.echo(f"未指定文件，使用内置样例：{path}")
    done = run_job(path, output, rule_set, password=password)
    click.echo(score_text(done.evaluation.scored))
    click.echo()
    click.echo(findings_text(done.evaluation.findings, show_all=False))
    click.echo()
    click.echo(f"结果已写入：{done.path}")
    if password_protected(path):
        click.echo("注意：原文件设有打开密码，结果文件未加密；如需保密，请在 Excel 中为结果文件设置密码")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="结果文件路径（默认：输入文件旁的 <文件名>_重算.xlsx，启用宏的工作簿为 .xlsm）。")
@click.option("--in-place", is_flag=True, help="直接改写输入文件（先在旁边保存备份 <文件名>.bak.xlsx）。")
@rules_option
@password_option
@handle_errors
def recompute(path: Path, output: Path | None, in_place: bool, rule_set: str | None, password: str | None) -> None:
    """在工作簿中写入计算得分的公式（带计算结果），之后在 Excel 中改完成值或权重，得分会自动更新。

    公式写入各表自己的得分、偏离度、得分系数、执行率、总分、等级单元格，辅助数值写在表格右侧；
    其他内容原样保留（宏、功能区、图形、批注、数据验证等）；改动记入「变更记录」工作表。

    示例：xl-tools recompute 自评表.xlsx -o 自评表_重算.xlsx
    """
    from .jobs.recompute import recompute as recompute_job

    if in_place and output:
        raise XlToolsError("--in-place 与 -o 只能选一个")
    if in_place:
        _warn_misnamed(path)
    done = recompute_job(path, output, rule_set, in_place=in_place, password=password)
    click.echo(f"写入 {len(done.changes)} 个单元格（公式及其计算结果）：{done.path}")
    if done.backup:
        click.echo(f"改写前的原文件已备份在同一文件夹：{done.backup.name}")


def _warn_misnamed(path: Path) -> None:
    """--in-place keeps the file's name, even one that does not match its content: say so."""
    from .outputs import misnamed_warning

    if path.is_file() and (warning := misnamed_warning(path)):
        click.echo(f"警告：{warning}", err=True)


@main.command()
@click.option("--from-targets", "targets_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="项目支出绩效目标表（.xlsx/.xls）。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="新自评表路径（默认：目标表旁的 <文件名>_自评表.xlsx）。")
@rules_option
@click.option("--all", "show_all", is_flag=True, help="同时列出提示级别的信息。")
@password_option
@handle_errors
def new(targets_path: Path, output: Path | None, rule_set: str | None, show_all: bool, password: str | None) -> None:
    """由绩效目标表生成自评工作簿：每个项目一张自评表，指标、权重、指标值已填好，完成值留空。

    生成前按规则集检查目标表（权重合计、重复指标、缺单位、单位与指标值矛盾等），问题列在屏幕上和「校验结果」中。

    示例：xl-tools new --from-targets 2023年项目支出绩效目标表.xlsx -o 2023年绩效自评.xlsx
    """
    from .jobs.new import new as new_job
    from .render import findings_text

    created = new_job(targets_path, output, rule_set, password=password)
    click.echo(findings_text(created.targets.findings, show_all=show_all))
    click.echo(f"已由 {len(created.targets.targets)} 个项目的绩效目标生成自评表：{created.path}")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="采集表路径（默认：工作簿旁的 <文件名>_采集表.xlsx）。")
@password_option
@handle_errors
def collect(path: Path, output: Path | None, password: str | None) -> None:
    """生成完成值采集表，交给业务科室填写：列出每个指标和各项目的全年执行数，只有「全年完成值」「说明」可填。

    示例：xl-tools collect 2023年绩效自评.xlsx -o 采集表.xlsx
    """
    from .jobs.collect import collect as collect_job

    click.echo(f"采集表已写入：{collect_job(path, output, password=password)}")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from", "source", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="业务科室填好的采集表（.xlsx 或 .csv）。")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="结果工作簿路径（默认：工作簿旁的 <文件名>_已填报.xlsx）。")
@click.option("--in-place", is_flag=True, help="直接改写输入文件（先在旁边保存备份 <文件名>.bak.xlsx）。")
@click.option("--overwrite", is_flag=True, help="表中已有不同的值时，以采集表为准改写（默认只列出，不改写）。")
@rules_option
@handle_errors
def fill(path: Path, source: Path, output: Path | None, in_place: bool, overwrite: bool, rule_set: str | None) -> None:
    """把采集表中的完成值和说明填回工作簿，再重新计算得分；对不上、重复或会覆盖已有值的行逐条列出。

    示例：xl-tools fill 2023年绩效自评.xlsx --from 采集表.xlsx -o 2023年绩效自评_已填报.xlsx
    """
    from .jobs.fill import fill as fill_job

    if in_place and output:
        raise XlToolsError("--in-place 与 -o 只能选一个")
    if in_place:
        _warn_misnamed(path)
    done = fill_job(path, source, output, overwrite=overwrite, in_place=in_place, rules=rule_set)
    plan = done.plan
    for title, items in (("未能对应的行", plan.unmatched), ("对应不唯一的行", plan.ambiguous),
                         ("未写入（与表中已有值不同或重复）", plan.conflicts), ("无法填入的值", plan.unreadable),
                         ("仍缺完成值的指标", plan.missing), ("全年执行数仍未填写的项目", plan.unspent),
                         ("是公式、未改写的单元格", done.formulas_kept)):
        if items:
            click.echo(f"{title}（{len(items)}）：")
            for item in items:
                click.echo(f"  {item}")
    click.echo(f"填入 {len(plan.writes) - len(done.formulas_kept)} 个单元格，{plan.unchanged} 个与表中相同未改动"
               + (f"；已重新计算并写入：{done.path}" if done.path else "；没有需要写入的内容，未生成文件"))
    if done.backup:
        click.echo(f"改写前的原文件已备份在同一文件夹：{done.backup.name}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("表11.xlsx"),
              show_default=True, help="汇总表路径。")
@rules_option
@handle_errors
def summary(paths: tuple[Path, ...], output: Path, rule_set: str | None) -> None:
    """由一个或多个工作簿生成 表11 项目绩效自评结果汇总表（含来源文件、得分条形图）和 表10 部门整体汇总。

    读不了的文件列在「校验结果」中，其余照常汇总。以下情况给出提示：同一项目出现在多个文件中（合计会重复计入）、
    文件的评价年度不同、项目总分超过 100 分、各单位项目预算数合计超过其部门整体预算数。

    示例：xl-tools summary 单位A.xlsx 单位B.xlsx -o 表11.xlsx
    """
    from .jobs.summary import summary as summary_job

    done = summary_job(paths, output, rule_set)
    gathered = done.gathered
    for finding in gathered.findings:
        click.echo(f"[{finding.code}] " + (f"{finding.file}：" if finding.file else "") + finding.message)
    click.echo(f"表11 已写入：{done.path}（{len(gathered.projects)} 个项目，来自 {len(set(gathered.files))} 个文件）")


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="DIR|GLOB|FILE...")
@click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N",
              help="同时处理的进程数（默认：CPU 核数）。每个文件都在单独的工作进程中处理，一个文件出错不影响其他文件。")
@click.option("--timeout", type=click.FloatRange(min=1), default=300, show_default=True, metavar="秒",
              help="单个文件的处理时限，超时的文件列入校验结果，其余照常处理（本机进程会被中止；Dask 上的任务无法中止，只是不再等它）。")
@click.option("--recompute", "do_recompute", is_flag=True,
              help="把每个工作簿重新计算（同 recompute）后写入 -o 文件夹，不改动原文件。")
@click.option("--summary", "summary_path", type=click.Path(dir_okay=False, path_type=Path),
              help="把全部文件的项目汇总成一张 表11（.xlsx）。")
@click.option("--findings", "findings_path", type=click.Path(dir_okay=False, path_type=Path),
              help="把全部文件的校验结果写入一个工作簿（.xlsx，首列为文件），读不了的文件也列在其中。")
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path),
              help="重算结果的输出文件夹（用 --recompute 时必须给出；其中的文件不会被当作输入）。")
@click.option("--max-memory", type=MEMORY_SIZE, default="2G", show_default=True, metavar="大小",
              help="每个工作进程的内存上限（如 2G、1500M）：处理时超过上限的文件列入校验结果，其余照常处理"
                   "（Linux 与 Windows 上由系统强制；Dask 集群按其自身的内存设置）。")
@click.option("--scheduler", metavar="ADDRESS",
              help="在 Dask 集群上处理（调度器地址，如 tcp://10.0.0.5:8786；文件须放在各节点都能访问的共享存储上；"
                   "需 pip install \"xl_tools[dask]\"）。")
@rules_option
@password_option
@handle_errors
def batch(inputs: tuple[str, ...], jobs: int | None, timeout: float, do_recompute: bool, summary_path: Path | None,
          findings_path: Path | None, outdir: Path | None, max_memory: int, scheduler: str | None,
          rule_set: str | None, password: str | None) -> None:
    """批量处理成百上千个工作簿：文件夹（含子文件夹）、通配符或文件，多进程并行，带进度条。

    某个文件读不了（损坏、加密、不是工作簿）时照常处理其余文件，该文件列入校验结果（FILE_SKIPPED）；
    同一项目（项目编码相同，或名称相同）出现在多个文件中时给出警告（DUPLICATE_PROJECT）。
    正在写入的文件（读取过程中被改动）、处理超时或使工作进程崩溃的文件同样列入校验结果。
    最后按单位（表中的实施单位或主管部门）、按问题代码列出数量。全部文件都已读取时退出码为 0
    （校验问题只报告），有文件未能读取时为 1，用法错误为 2，按 Ctrl+C 中断时为 130。

    示例：xl-tools batch 收件/2023 --recompute -o 重算 --summary 表11.xlsx --findings 校验结果.xlsx
    """
    from .jobs.batch import batch as batch_job

    if do_recompute and outdir is None:
        raise XlToolsError("--recompute 需要用 -o 指定输出文件夹（不会写回原文件）")
    with _progress() as (on_start, on_done):
        done = batch_job(inputs, jobs=jobs, rules=rule_set, password=password,
                         recompute_into=outdir if do_recompute else None, summary=summary_path,
                         findings=findings_path, timeout=timeout, max_memory=max_memory, scheduler=scheduler,
                         on_start=on_start, on_done=on_done)
    written, report = done.written, done.report
    if written.summary:
        click.echo(f"表11 已写入：{written.summary}")
    if written.findings:
        click.echo(f"校验结果已写入：{written.findings}")
    if written.outdir:
        click.echo(f"重算结果已写入：{written.outdir}（{written.recomputed} 个文件）")
    _batch_summary(report)
    if report.failed:
        sys.exit(EXIT_FINDINGS)


def _progress() -> Any:
    """A rich progress bar on stderr (files done, failed, rate, time left); yields the callbacks that hear how
    many files there are and each file done."""
    import contextlib

    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Any) -> Text:
            return Text(f"{task.speed:.1f} 个/秒" if task.speed else "– 个/秒")

    @contextlib.contextmanager
    def bar() -> Any:
        columns = (TextColumn("处理工作簿"), BarColumn(), MofNCompleteColumn(), TextColumn("失败 {task.fields[failed]}"),
                   RateColumn(), TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn())
        with Progress(*columns, console=Console(stderr=True)) as progress:
            task = progress.add_task("batch", total=None, failed=0)
            failed = 0

            def on_start(total: int) -> None:
                progress.update(task, total=total)

            def on_done(outcome: Any) -> None:
                nonlocal failed
                failed += 0 if outcome.ok else 1
                progress.update(task, advance=1, failed=failed)

            yield on_start, on_done

    return bar()


def _batch_summary(report: Any) -> None:
    """Findings by unit (the 实施单位 the forms name; a file naming none stands for itself) and by code."""
    from .core.findings import CATALOGUE, LEVEL_LABEL, Level

    if report.findings:
        click.echo("按单位：")
        for u in report.by_unit():
            counts = "，".join(f"{LEVEL_LABEL[lv]} {u.levels[lv]}" for lv in Level if u.levels[lv]) or "无问题"
            click.echo(f"  {u.unit}（{u.files} 个文件）：{counts}")
        click.echo("按问题代码：")
        for code, n in report.report.by_code():
            click.echo(f"  {code}（{CATALOGUE[code].title}）：{n}")
    projects = sum(1 for o in report.outcomes for p in o.projects if p.type == "project")
    click.echo(f"共 {len(report.outcomes)} 个文件，已读取 {len(report.outcomes) - len(report.failed)} 个，"
               f"项目 {projects} 个，未能读取 {len(report.failed)} 个")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="报告文件路径（默认：输入文件旁的 <文件名>_自评报告.docx）。")
@rules_option
@password_option
@handle_errors
def report(path: Path, output: Path | None, rule_set: str | None, password: str | None) -> None:
    """根据自评表写出绩效自评报告（Word .docx），不改动原文件。

    报告包括基本情况、预算执行、各项目的绩效目标和指标完成情况、综合评价结论、
    偏离绩效目标的原因（引用表中的偏差说明）和 表11 项目绩效自评结果汇总表；
    得分按规则重新计算，与表中填报不同时在报告中注明。

    示例：xl-tools report 自评表.xlsx -o 2023年度绩效自评报告.docx
    """
    from .jobs.report import report as report_job

    click.echo(f"报告已写入：{report_job(path, output, rule_set, password=password)}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--to", "to", multiple=True, metavar="ADDR", help="收件人（可多次使用）；不给时用工作簿参数表的 email.to 或配置文件中的 to。")
@click.option("--cc", multiple=True, metavar="ADDR", help="抄送（可多次使用）。")
@click.option("--subject", metavar="TEXT", help="主题（默认由工作簿生成：单位、年度、项目数）。")
@click.option("--body", metavar="TEXT", help="正文（默认由工作簿生成：各项目得分和等级、附件清单）。")
@click.option("--body-file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="从文本文件读取正文（UTF-8 或 GBK）。")
@click.option("--attach-pdf", is_flag=True, help="附上每个工作簿的 PDF（用 LibreOffice 生成）。")
@click.option("--attach-report", is_flag=True, help="附上每个工作簿的绩效自评报告（.docx）。")
@click.option("--zip", "as_zip", is_flag=True, help="把所有附件合为一个 .zip（文件名按 UTF-8 保存）。")
@click.option("--dry-run", is_flag=True, help="只显示将要发送的内容（发件人、收件人、主题、附件及大小），不发送。")
@click.option("--eml", type=click.Path(dir_okay=False, path_type=Path),
              help="不发送，把邮件写成草稿 .eml（Outlook 打开后可直接发送）。")
@click.option("--force", is_flag=True, help="工作簿有错误级别的问题时仍然发送。")
@click.option("--smtp-host", metavar="HOST", help="邮件服务器地址。")
@click.option("--smtp-port", type=int, metavar="PORT", help="端口（默认：ssl 465，starttls 587）。")
@click.option("--tls", type=click.Choice(["ssl", "starttls", "none"]),
              help="加密方式；none 只能用于本机的服务器（localhost）。")
@click.option("--smtp-user", metavar="USER", help="登录账号（密码只从环境变量 XL_TOOLS_SMTP_PASSWORD 或系统密钥环读取）；\"\" 表示不登录。")
@click.option("--from", "sender", metavar="ADDR", help="发件地址（默认与登录账号相同）。")
@click.option("--sender-name", metavar="NAME", help="发件人名称，如「渝中区医疗保障局财务科」。")
@click.option("--max-size", type=float, metavar="MB", help="附件总大小上限（MB，默认 20）。")
@rules_option
@handle_errors
def email(paths: tuple[Path, ...], to: tuple[str, ...], cc: tuple[str, ...], subject: str | None, body: str | None,
          body_file: Path | None, attach_pdf: bool, attach_report: bool, as_zip: bool, dry_run: bool,
          eml: Path | None, force: bool, smtp_host: str | None, smtp_port: int | None, tls: str | None,
          smtp_user: str | None, sender: str | None, sender_name: str | None, max_size: float | None,
          rule_set: str | None) -> None:
    """把填好的自评表（及其 PDF、自评报告）用邮件发出，或写成草稿 .eml。

    发送前逐个校验工作簿：有错误级别的问题时不发送（退出码 1），确认无误可加 --force。
    默认主题和正文由工作簿生成（单位、年度、各项目得分和等级）；附件名保留中文。
    邮件服务器、端口、加密方式、登录账号和发件地址只取自配置文件 email.toml、环境变量和命令行选项（后者优先）；
    工作簿「参数」表只能给出收件人、抄送和发件人名称（email.to、email.cc、email.sender_name 行），
    其他 email.* 行报告后忽略；几个工作簿给出的不同时不发送，须用 --to、--cc、--sender-name 指定。
    密码只从环境变量 XL_TOOLS_SMTP_PASSWORD 或系统密钥环读取。
    有收件人被拒收或无法发送时退出码为 2。每次发送记入发送记录 sent.log。

    示例：xl-tools email 自评表.xlsx --to jxk@czj.example.gov.cn --attach-pdf --attach-report --dry-run
    """
    from .jobs.email import email as email_job
    from .mail import preview, service

    if body is not None and body_file is not None:
        raise XlToolsError("--body 与 --body-file 只能选一个")
    try:
        mail = email_job(paths, to=to, cc=cc, subject=subject, body=_read_text(body_file) if body_file else body,
                         attach_pdf=attach_pdf, attach_report=attach_report, as_zip=as_zip, dry_run=dry_run, eml=eml,
                         force=force, smtp_host=smtp_host, smtp_port=smtp_port, tls=tls, smtp_user=smtp_user,
                         sender=sender, sender_name=sender_name, max_size=max_size, rules=rule_set,
                         warn=lambda line: click.echo(line, err=True))
    except service.WorkbookHasErrors as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(EXIT_FINDINGS)
    prepared = mail.prepared
    if mail.draft:
        click.echo(f"草稿已写入：{mail.draft}（{len(prepared.attachments)} 个附件；未发送）")
        return
    if mail.sent is None:  # --dry-run
        click.echo(preview.plan_text(prepared, mail.config_file, mail.config_file.exists(), mail.password))
        prepared.check_size()
        return
    sent = mail.sent
    done = sent.delivery
    if done.accepted:
        click.echo(f"{sent.server} 已接收邮件，收件人 {len(done.accepted)} 个：{'、'.join(done.accepted)}")
    for address, reason in done.refused.items():
        click.echo(f"未发给 {address}：{reason}")
    click.echo(f"邮件编号：{sent.message_id}")
    click.echo(f"发送记录：{sent.log}")
    if done.refused:
        raise XlToolsError(f"{len(done.refused)} 个收件人未收到邮件（{'、'.join(done.refused)}）；"
                           "请核对地址后只发给他们")


def _read_text(path: Path) -> str:
    """A text file typed on Windows: UTF-8 (with or without BOM), else GBK."""
    from .reading.text import windows_text

    text = windows_text(path.read_bytes())
    if text is not None:
        return text
    raise XlToolsError(f"{path.name} 不是 UTF-8 或 GBK 编码的文本文件；请另存为 UTF-8 后再用 --body-file")


@main.group()
def rules() -> None:
    """查看规则集。

    示例：xl-tools rules show default
    """


@rules.command("list")
@handle_errors
def rules_list() -> None:
    """列出内置规则集。

    示例：xl-tools rules list
    """
    from .jobs.rules import rules as rules_job
    from .render import rule_sets_text

    click.echo(rule_sets_text(rules_job()))


@rules.command("show")
@click.argument("name")
@json_option
@handle_errors
def rules_show(name: str, as_json: bool) -> None:
    """显示一个规则集的全部设置（内置名称或 .toml 文件）。

    示例：xl-tools rules show national_platform
    """
    from .jobs.rules import rule_set as rule_set_job
    from .render import rule_set_text

    shown = rule_set_job(name)
    if as_json:
        _dump(shown.to_dict())
    else:
        click.echo(rule_set_text(shown))


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("绩效自评模板.xlsx"), show_default=True, help="模板保存路径。")
@click.option("--year", type=int, help="评价年度（默认：上一年，即今年填报的年度）。")
@rules_option
@handle_errors
def template(output: Path, year: int | None, rule_set: str | None) -> None:
    """生成空白的绩效自评模板（项目表、参数、表11、校验结果）。

    文件名以 .xlsm 结尾时，生成带「绩效自评」功能区按钮和宏的模板（同 templates/绩效自评模板.xlsm）。

    示例：xl-tools template -o 2024年绩效自评.xlsx --year 2024
    """
    from .jobs.template import template as template_job

    click.echo(f"模板已写入：{template_job(output, year=year, rules=rule_set)}")


@main.group()
def addin() -> None:
    """Excel 功能区加载项：「绩效自评」选项卡的模板 .xlsm 和加载项 .xlam。

    示例：xl-tools addin build -o templates
    """


@addin.command("build")
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path), default=Path("templates"),
              show_default=True, help="输出文件夹。")
@handle_errors
def addin_build(outdir: Path) -> None:
    """生成带「绩效自评」功能区的模板 绩效自评模板.xlsm 和加载项 xl_tools.xlam（每次生成的文件逐字节相同）。

    其中的 xlwings VBA 模块取自本机安装的 xlwings，其版本必须与 xl_tools 固定的版本一致。

    示例：xl-tools addin build -o templates
    """
    from .jobs.addin import addin_build as addin_build_job

    for written in addin_build_job(outdir):
        click.echo(f"已写入：{written}")


@main.command()
@click.option("-o", "--outdir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="输出文件夹：新的或空的文件夹，或以前由本命令生成的文件夹（其内容被替换）。")
@click.option("--python", "pythons", multiple=True, metavar="3.X",
              help="为哪个 Python 版本准备安装文件（可多次使用；默认 3.11、3.12、3.13）。")
@handle_errors
def bundle(outdir: Path, pythons: tuple[str, ...]) -> None:
    """生成 64 位 Windows 的离线安装文件夹：各 Python 版本的 wheel、Excel 加载项、安装.bat 和 说明.txt。

    把整个文件夹拷到不能上网的电脑上，双击其中的 安装.bat 即可安装（不需要管理员权限；
    电脑上需已装好 64 位 Python 3.11 及以上）。生成时需要网络：依赖的 wheel 从软件包索引下载。

    示例：xl-tools bundle -o 离线安装包 --python 3.11 --python 3.12
    """
    from .jobs.bundle import PYTHONS, bundle as bundle_job

    done = bundle_job(outdir, pythons or PYTHONS, progress=lambda message: click.echo(message, err=True))
    for tag, wheels in done.wheels.items():
        click.echo(f"{tag}：{len(wheels)} 个 wheel，{sum(w.stat().st_size for w in wheels) / 2**20:.1f} MB")
    click.echo(f"离线安装文件夹已写入：{done.outdir}（共 {done.size / 2**20:.1f} MB）")


@addin.command("install")
@click.option("--addin", "addin_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="要安装的 xl_tools.xlam（离线安装包里的那份；默认由本机的 xl_tools 生成）。")
@click.option("--python", "interpreter", type=click.Path(exists=True, dir_okay=False),
              help="按钮启动的 Python（默认：运行本命令的 Python，无窗口的 pythonw.exe）。")
@handle_errors
def addin_install(addin_file: Path | None, interpreter: str | None) -> None:
    """为当前用户安装 Excel 加载项（不需要管理员权限；只用于 Windows）。

    把 xl_tools.xlam 放进 Excel 的启动文件夹 %APPDATA%\\Microsoft\\Excel\\XLSTART（默认受信任的位置），
    并在 %USERPROFILE%\\.xl_tools\\xl_tools.conf 中写入按钮要启动的 Python 和 xl_tools 的版本
    （用系统的 ANSI 代码页，加载项的 VBA 才读得懂中文路径）。可重复运行；卸载：xl-tools addin uninstall。

    示例：xl-tools addin install
    """
    from .install.installer import NEXT_STEP
    from .jobs.addin import addin_install as install_job

    done = install_job(addin=addin_file, interpreter=interpreter)
    if not done.changed:
        click.echo("加载项已是最新，未做改动。")
    click.echo(f"加载项：{done.addin}")
    click.echo(f"配置文件：{done.config_file}（按钮启动的 Python：{done.interpreter}）")
    click.echo(NEXT_STEP)


@addin.command("uninstall")
@handle_errors
def addin_uninstall() -> None:
    """卸载 Excel 加载项：只删除 xl-tools addin install 添加的文件和设置。

    示例：xl-tools addin uninstall
    """
    from .jobs.addin import addin_uninstall as uninstall_job

    for path in uninstall_job():
        click.echo(f"已删除或还原：{path}")
    click.echo("加载项已卸载；重新打开 Excel 后「绩效自评」选项卡不再出现。")


@main.command()
@click.argument("workbooks", nargs=-1, type=click.Path(dir_okay=False, path_type=Path), metavar="[工作簿.xlsm]...")
@json_option
@handle_errors
def doctor(workbooks: tuple[Path, ...], as_json: bool) -> None:
    """检查本机：Python、xlwings、Excel 加载项及其配置、宏安全设置、网络标记、LibreOffice、邮件设置和按钮日志。

    每项一行：正常 / 缺少 / 注意，及处理方法。给出的工作簿（如直接打开的模板 .xlsm）另查网络标记。
    功能区按钮（Windows）或命令行（其他系统）所需的都具备时退出码为 0，否则为 1。

    示例：xl-tools doctor 绩效自评模板.xlsm
    """
    from .jobs.doctor import doctor as doctor_job

    diagnosis = doctor_job(workbooks)
    if as_json:
        _dump(diagnosis.to_dict())
    else:
        click.echo(diagnosis.text())
    if not diagnosis.ok:
        sys.exit(EXIT_FINDINGS)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--to", "fmt", required=True, type=click.Choice(["pdf", "xlsx", "ods"]), help="目标格式。")
@click.option("-o", "--outdir", type=click.Path(file_okay=False, path_type=Path),
              help="输出文件夹（默认：各输入文件所在的文件夹）。")
@handle_errors
def convert(paths: tuple[Path, ...], fmt: str, outdir: Path | None) -> None:
    """用 LibreOffice 转换工作簿或模板：PDF（A4、一页宽、每页重复表头）、.xlsx 或 .ods；Word 文档（如 xl-tools report
    写出的自评报告 .docx）只能转换为 PDF。

    转换前重新计算全部公式；一次可转换多个文件；从不覆盖输入文件（同名时写成 <文件名>_转换.xlsx）。
    隐藏的工作表（参数、变更记录）不打印。需要安装 LibreOffice。有文件未能转换时退出码为 2。

    示例：xl-tools convert 自评表.xlsx 绩效自评模板.xlsx --to pdf -o 打印

    示例：xl-tools convert 2023年度绩效自评报告.docx --to pdf
    """
    from .jobs.convert import convert as convert_job

    results = convert_job(paths, fmt, outdir)
    for r in results:
        click.echo(f"{r.source} → {r.output}" if r.output else f"{r.source}：未转换。{r.error}")
    failed = [r for r in results if r.output is None]
    if failed:
        raise XlToolsError(f"{len(failed)} 个文件未能转换：{failed[0].error}")
