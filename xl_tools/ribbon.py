"""The functions behind the 绩效自评 ribbon buttons, called through xlwings' RunPython.

The add-in's VBA has one callback, ``XlTools.OnAction``, which runs
``xl_tools.ribbon.run(<button id>)``; each button reads the open workbook
through xlwings (``reading.xlwings_backend``), calls the same jobs as the
command line, writes only the cells the toolkit owns (``adapters.excel_live``,
which keeps a snapshot for 撤销上次操作) and ends with a short alert.  A
failure is a Chinese message box, never a Python traceback dialog.  Every
function takes the book as an argument too, so it runs from a Python prompt
and in tests (``xw.Book(json=...)``).  Imports are deferred: a click starts a
fresh Python, and importing this module must stay cheap.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

Button = Callable[..., Any]
BUTTONS: dict[str, Button] = {}


def run(button: str, book: Any = None, addin: str | None = None) -> None:
    """The one entry point of the VBA dispatcher: ``r.run('check', addin='0.1.0')``, ``addin`` being the version
    the add-in was built for.  Its VBA compared that with the version `addin install` recorded; this catches an
    xl_tools upgraded since (pip install -U without a new install)."""
    if button not in BUTTONS:
        raise KeyError(f"未知的按钮：{button}")
    from . import __version__

    if addin is not None and addin != __version__:
        from .adapters.excel_live import LiveWorkbook
        from .addin.messages import MESSAGES  # the words the add-in's VBA shows for the same mismatch

        LiveWorkbook(_caller(book), {}, button).alert(MESSAGES["other_version"].format(addin, __version__),
                                                      critical=True)
        return
    BUTTONS[button](book)


def _caller(book: Any) -> Any:
    if book is not None:
        return book
    import xlwings as xw

    return xw.Book.caller()


def button(name: str) -> Callable[[Button], Button]:
    """Register a button; its errors become a Chinese message box and the status bar is always reset."""

    def register(func: Button) -> Button:
        @functools.wraps(func)
        def wrapper(book: Any = None, *args: Any, **kwargs: Any) -> Any:
            from .adapters.excel_live import LiveWorkbook
            from .core.errors import XlToolsError, failure_reason

            live = LiveWorkbook(_caller(book), {}, name)
            live.status("绩效自评工具：正在处理……")
            try:
                return func(live, *args, **kwargs)
            except XlToolsError as exc:
                live.alert(str(exc), critical=True)
            except Exception as exc:  # never a traceback dialog in front of a finance officer
                log = _log_failure(name, exc)
                live.alert(f"{failure_reason(exc)}；请把工作簿和这条信息发给维护者"
                           + (f"（详细记录在 {log}）" if log else ""), critical=True)
            finally:
                live.status(False)
            return None

        BUTTONS[name] = wrapper
        return wrapper

    return register


def _log_failure(button: str, exc: Exception) -> Path | None:
    """The traceback of an unexpected failure, for a helpdesk (`xl-tools doctor` shows where); a log that cannot
    be written costs nothing but itself."""
    import logging.handlers
    import traceback

    from .install.places import places

    path = places().log_file
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=2, encoding="utf-8")
    except OSError:
        return None
    try:
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        handler.emit(logging.makeLogRecord({"msg": f"按钮 {button}：{''.join(traceback.format_exception(exc))}"}))
    finally:
        handler.close()
    return path


def _evaluate(live: Any) -> Any:
    """Read the open workbook (bulk, through xlwings) and score it; the grids are kept for the old values."""
    from .jobs.evaluation import evaluate_book
    from .reading.xlwings_backend import read_book

    book = read_book(live.book)
    live.grids = {g.name: g for g in book.sheets}
    return evaluate_book(book)


@button("check")
def check(live: Any) -> None:
    """校验权重: every check of `xl-tools validate`, listed in 校验结果 with links to the cells."""
    from .core.sheets.findings import FINDINGS_SHEET, findings_sheet

    findings = _evaluate(live).findings
    live.put_spec(findings_sheet(findings, live.sheet_names()))
    live.alert(f"校验完成：{findings.tally()}。详见「{FINDINGS_SHEET}」工作表。")


@button("recompute")
def recompute(live: Any) -> None:
    """重算得分: the score formulas of `xl-tools recompute`, written into the open workbook (Excel computes)."""
    from .jobs.writing import write_scores

    evaluation = _evaluate(live)
    changed = write_scores(live, evaluation).changes
    live.alert(f"已写入 {len(changed)} 个单元格的计分公式；改完成值或权重后得分会自动更新。"
               f"校验：{evaluation.findings.tally()}。")


@button("fill")
def fill_actuals(live: Any, source: str | Path | None = None) -> None:
    """填充完成值: the values of a returned collection sheet, into the input cells only (what `xl-tools fill`
    writes); the scores follow with 重算得分, once Excel holds the new values."""
    from .core.errors import XlToolsError
    from .core.matching import plan_fill
    from .jobs.writing import put_values
    from .reading.collection import read_collection

    if source is None:
        source = _pick_file(live.book)
        if source is None:
            return
    evaluation = _evaluate(live)
    plan = plan_fill(read_collection(Path(source)), evaluation.forms)
    if not plan.writes:
        raise XlToolsError("采集表中没有可以填入的值：" + "；".join((plan.unmatched + plan.conflicts)[:5]))
    changes, kept = put_values(live, plan)
    live.finish()
    problems = len(plan.unmatched) + len(plan.ambiguous) + len(plan.conflicts) + len(plan.unreadable)
    live.alert(f"已填入 {len(plan.writes) - len(kept)} 个单元格" + (f"，{len(kept)} 个是公式未改动" if kept else "")
               + (f"；{problems} 行未能填入，请用 xl-tools fill 查看明细" if problems else "")
               + "。请再点「重算得分」。")


def _pick_file(book: Any) -> str | None:
    """Excel's own file dialog (COM); elsewhere the path must be given."""
    from .core.errors import XlToolsError

    try:
        chosen = book.app.api.GetOpenFilename("采集表 (*.xlsx;*.csv),*.xlsx;*.csv", 1, "选择业务科室填好的采集表")
    except Exception as exc:
        raise XlToolsError("请选择采集表文件（此环境无法打开文件对话框）") from exc
    return chosen if isinstance(chosen, str) else None  # False when the user cancels


@button("summary")
def summary(live: Any) -> None:
    """生成表11: what `xl-tools run` adds to a workbook, in the open one: the score formulas, 表11 following
    each project's sheet, 校验结果 (beside a 表11 of the workbook's own, as 表11（计算）) and 变更记录."""
    from .core.sheets.summary import summary_table
    from .jobs.writing import write_scores

    evaluation = _evaluate(live)
    title = write_scores(live, evaluation, report=True).summary
    rows, total = summary_table(evaluation.projects)
    live.alert(f"已生成「{title}」：{len(rows)} 个项目，预算数合计 {total[3]:,.2f} 万元；校验：{evaluation.findings.tally()}。")


def _beside(book: Any, suffix: str) -> Path:
    from .core.errors import XlToolsError
    from .outputs import fit_name

    full = _saved_path(book)
    if not full.parent.exists() or str(full.parent) in ("", "."):
        raise XlToolsError("请先保存工作簿：输出文件写在工作簿旁边")
    return full.with_name(fit_name(full.stem, suffix))


def _saved_path(book: Any) -> Path:
    """Where the workbook is on this PC.  A workbook opened from OneDrive or SharePoint has a web address as
    its name; its synced local copy is found as xlwings finds it (the OneDrive folders of the environment and
    the workbook's settings; Excel's xlwings does it in ``fullname``), else the user is told what to do."""
    from .core.errors import XlToolsError

    def not_here(name: str) -> XlToolsError:
        return XlToolsError(f"此工作簿在 OneDrive/SharePoint 网络位置上（{name}），本机找不到它的同步文件夹。"
                            "请先把它另存到本机的文件夹（文件 → 另存为 → 浏览），再点这个按钮")

    try:
        name = book.fullname
    except Exception:  # xlwings could not map the web address (its own message is English)
        raise not_here(getattr(book, "name", "")) from None
    if "://" not in name:
        return Path(name)
    from xlwings.utils import fullname_url_to_local_path

    try:
        return Path(fullname_url_to_local_path(name))
    except Exception:
        raise not_here(name) from None


@button("collect")
def export_collection(live: Any) -> None:
    """导出采集表: the collection sheet for the business sections, next to the workbook."""
    from .jobs.collect import write_collection

    out = write_collection(_evaluate(live), _saved_path(live.book).name, _beside(live.book, "_采集表.xlsx"))
    live.alert(f"采集表已写入：{out}")


@button("report")
def report(live: Any) -> None:
    """生成报告: the narrative 绩效自评报告 (.docx) next to the workbook."""
    from .jobs.evaluation import evaluate_book
    from .jobs.report import write_report
    from .reading.xlwings_backend import read_book

    book = read_book(live.book)
    out = write_report(book, evaluate_book(book), _beside(live.book, "_自评报告.docx"))
    live.alert(f"报告已写入：{out}")


@button("pdf")
def export_pdf(live: Any) -> None:
    """导出PDF: Excel's own PDF export of the workbook (its print settings: A4, one page wide)."""
    from .core.errors import XlToolsError

    out = _beside(live.book, ".pdf")
    try:
        live.book.to_pdf(str(out))
    except NotImplementedError as exc:
        raise XlToolsError("此环境不能由 Excel 导出 PDF；请用 xl-tools convert 工作簿 --to pdf") from exc
    live.alert(f"PDF 已写入：{out}")


@button("email")
def email(live: Any) -> None:
    """发送邮件: the saved workbook, its PDF and report, to the 参数 sheet's 报送邮箱 (email.to), after the user
    has seen the recipients, the server and login, and the attachments, and clicked OK."""
    from .core.errors import XlToolsError
    from .mail import config, preview, service
    from .mail.credentials import find_password

    path = _saved_path(live.book)
    if not path.is_file():
        raise XlToolsError("请先保存工作簿：发送的是保存在磁盘上的文件")
    checked = service.check_workbooks([path])
    settings, config_file = service.load_settings({}, checked)
    prepared = service.prepare(service.MailRequest(attach_pdf=True, attach_report=True), settings, checked)
    password = find_password(settings.user)
    service.server_of(settings, password)  # what is missing (server, sender, password) is said before asking
    prepared.check_size()
    answer = live.confirm(preview.confirm_text(prepared, service.ignored_settings(checked)))
    if answer is None:
        live.alert("未发送：此环境不能等待确认。请在 Excel 中点「发送邮件」，或用命令 xl-tools email 发送")
        return
    if not answer:
        return
    sent = service.send(prepared, password, config.log_path(config=config_file))
    refused = sent.delivery.refused
    live.alert(f"已发送给 {'、'.join(sent.delivery.accepted) or '（无）'}"
               + (f"；未送达：{'、'.join(refused)}" if refused else "") + f"。记录：{sent.log}", critical=bool(refused))


@button("undo")
def undo(live: Any) -> None:
    """撤销上次操作: what the last button overwrote, put back."""
    from .adapters.excel_live import restore

    restored = restore(live.book)
    live.alert(f"已恢复 {restored} 个单元格。" if restored else "没有可以撤销的操作。")
