"""The ribbon's buttons as Python knows them (the buttons at work: tests/integration/test_ribbon.py)."""

from __future__ import annotations

from xl_tools import ribbon


def test_every_ribbon_button_has_a_function() -> None:
    assert set(ribbon.BUTTONS) == {"check", "fill", "recompute", "undo", "summary", "collect", "report", "pdf",
                                   "email"}
