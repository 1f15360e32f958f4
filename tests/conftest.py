"""Fixtures any test may ask for, and the environment every test runs in (what tests share besides: tests/helpers/)."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from xl_tools.core.model import ProjectForm
from xl_tools.core.rules import Settings

from tests.helpers.forms import make_form, make_settings

# xlwings' remote interpreter (xw.Book(json=...)) is a PRO feature, free for non-commercial use
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")


@pytest.fixture(autouse=True, scope="session")
def _button_log(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A button failing in a test logs into this run's folder, never into the real ~/.xl_tools/logs (a test of the
    log sets its own, a test of the default place clears it)."""
    os.environ["XL_TOOLS_LOG"] = str(tmp_path_factory.mktemp("button_log") / "buttons.log")


@pytest.fixture
def form_of() -> Callable[..., ProjectForm]:
    return make_form


@pytest.fixture
def settings_of() -> Callable[..., Settings]:
    return make_settings
