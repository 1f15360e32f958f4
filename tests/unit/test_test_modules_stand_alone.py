"""Test modules stand alone: none imports another test module or a conftest, and a conftest holds only fixtures
and hooks.  What tests share lives in tests/helpers/ (imported as ``tests.helpers.…``), so moving or deleting one
test module never breaks another."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _is_test_module(dotted: str) -> bool:
    return any(part.startswith("test_") or part == "conftest" for part in dotted.split("."))


def imported_test_modules(tree: ast.Module) -> list[str]:
    """``line: module`` for each import, at any depth, that names a test module or a conftest."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            # ``from tests.unit import test_scoring`` imports a module by its last name
            names = [node.module or "", *(alias.name for alias in node.names)]
        else:
            continue
        found += [f"{node.lineno}: {name}" for name in names if _is_test_module(name)]
    return found


def not_fixtures_or_hooks(tree: ast.Module) -> list[str]:
    """Top-level definitions of a conftest that are neither a ``@pytest.fixture`` nor a ``pytest_*`` hook."""
    def is_fixture(node: ast.FunctionDef) -> bool:
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if ast.unparse(target) in ("pytest.fixture", "fixture"):
                return True
        return False

    found = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not (node.name.startswith("pytest_") or is_fixture(node)):
                found.append(f"{node.lineno}: def {node.name}")
        elif isinstance(node, (ast.ClassDef, ast.Assign, ast.AnnAssign)):
            found.append(f"{node.lineno}: {ast.unparse(node).splitlines()[0]}")
    return found


def test_no_test_module_imports_another_or_a_conftest() -> None:
    modules = sorted(TESTS.rglob("test_*.py"))
    assert len(modules) > 30  # the glob found the suite
    offenders = {str(path.relative_to(TESTS)): found for path in modules
                 if (found := imported_test_modules(ast.parse(path.read_bytes(), str(path))))}
    assert offenders == {}, "put what tests share into tests/helpers/"


def test_a_conftest_holds_only_fixtures_and_hooks() -> None:
    conftests = sorted(TESTS.rglob("conftest.py"))
    assert conftests
    offenders = {str(path.relative_to(TESTS)): found for path in conftests
                 if (found := not_fixtures_or_hooks(ast.parse(path.read_bytes(), str(path))))}
    assert offenders == {}, "builders and constants belong in tests/helpers/"


def test_the_checks_find_what_they_look_for() -> None:
    """Each check has teeth: the forms of import and definition it must refuse are refused."""
    imports = ast.parse("import conftest\nfrom test_cli import xl\nfrom tests.unit import test_scoring\n"
                        "def f():\n    from tests.cli.test_cli import xl\n"
                        "from tests.helpers.cli import xl\nimport pytest\n")
    assert imported_test_modules(imports) == ["1: conftest", "2: test_cli", "3: test_scoring",
                                              "5: tests.cli.test_cli"]
    conftest = ast.parse("import pytest\nX = 1\ndef helper(): ...\n@pytest.fixture\ndef a(): ...\n"
                         "@pytest.fixture(scope='session')\ndef b(): ...\ndef pytest_configure(config): ...\n")
    assert not_fixtures_or_hooks(conftest) == ["2: X = 1", "3: def helper"]
