"""Where the repository's folders are, computed once from this file's place (tests and the bench import them)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WORKBOOKS = REPO / "workbooks"
REAL = REPO / "tests" / "data" / "real"
"""The corpus of real published tables (tests/data/real/README.md)."""
