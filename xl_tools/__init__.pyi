from .core.findings import Finding as Finding, Level as Level
from .core.findings_report import Findings as Findings
from .core.model import IndicatorResult as IndicatorResult, ProjectResult as ProjectResult
from .core.scored import Table as Table
from .core.errors import (
    NotAWorkbook as NotAWorkbook,
    NothingRecognised as NothingRecognised,
    PasswordRequired as PasswordRequired,
    RuleSetError as RuleSetError,
    TooLarge as TooLarge,
    WorkbookMissing as WorkbookMissing,
    WorkbookReadError as WorkbookReadError,
    WriteError as WriteError,
    WrongPassword as WrongPassword,
    XlToolsError as XlToolsError,
)
from .jobs.addin import addin_build as addin_build
from .jobs.batch import Batch as Batch, BatchReport as BatchReport, batch as batch
from .jobs.collect import collect as collect
from .jobs.convert import Converted as Converted, convert as convert
from .jobs.email import Mail as Mail, email as email
from .jobs.evaluation import Result as Result
from .jobs.fill import Filled as Filled, fill as fill
from .jobs.new import Created as Created, new as new
from .jobs.recompute import Recomputed as Recomputed, recompute as recompute
from .jobs.report import report as report
from .jobs.rules import RuleSetInfo as RuleSetInfo, RuleSetting as RuleSetting, rule_set as rule_set, rules as rules
from .jobs.run import run as run
from .jobs.score import score as score
from .jobs.summary import Summarised as Summarised, summary as summary
from .jobs.template import template as template
from .jobs.validate import validate as validate

__version__: str
