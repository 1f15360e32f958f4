"""One table of a workbook once scored: the record every step after scoring passes on."""

from __future__ import annotations

from dataclasses import dataclass

from .model import ProjectForm, ProjectResult
from .rules import Settings


@dataclass(eq=False)  # hashed by identity: planned cells are kept per table
class Table:
    """What was read, the settings it was scored with, and its result."""

    form: ProjectForm
    settings: Settings
    result: ProjectResult
