"""The import contract of the layers (issue 15): a pure core, readers and layouts that never reach up to the
writers or the jobs, no two modules that import each other, and a ribbon that starts fast.

The import graph is grimp's (the engine of import-linter), built from the sources: an import inside a function
or under ``if TYPE_CHECKING`` counts like one at the top of the module, since a lazy import that closes a cycle or
crosses a layer is the same dependency, only hidden.  A forbidden import is found through other modules too
(``a → b → c``), and every message names each hop's file and line.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import grimp
import pytest

import xl_tools

PACKAGE = "xl_tools"
SOURCE_ROOT = Path(xl_tools.__file__).resolve().parents[1]

CORE = "xl_tools.core"
CORE_FORBIDDEN_LIBRARIES = (
    "openpyxl", "lxml", "python_calamine", "xlwings", "xlrd", "msoffcrypto", "docx",  # workbooks and documents
    "aiosmtpd", "smtplib", "zipfile", "subprocess",  # mail, packages, other programs
    "os", "shutil", "tempfile", "glob", "importlib",  # files and folders (importlib: resources shipped as files)
)
FILE_METHODS = frozenset({
    "open", "read_text", "read_bytes", "write_text", "write_bytes", "exists", "is_file", "is_dir", "iterdir",
    "glob", "rglob", "mkdir", "touch", "unlink", "rmdir", "rename", "stat", "resolve", "samefile"})
"""Calls that touch the file system: the builtin ``open`` and these methods (of ``Path`` and the like)."""

UPPER_LAYERS = (PACKAGE, "xl_tools.jobs", "xl_tools.api", "xl_tools.cli", "xl_tools.ribbon")
"""``xl_tools`` itself is the Python API, whose names load from the jobs on first use (no import grimp sees)."""
WRITERS = ("xl_tools.workbook", "xl_tools.adapters")
RIBBON_MUST_NOT_LOAD = ("openpyxl", "pandas", "lxml", "python_calamine", "docx")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(PACKAGE, include_external_packages=True, cache_dir=None)


# ---- the checks, written against any graph so they can be tried on made-up ones ------------------------------


def _where(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    if not details:
        return ""
    first = min(details, key=lambda d: d["line_number"])
    return f"{_source_file(importer)}:{first['line_number']} `{first['line_contents']}`"


def _source_file(module: str) -> str:
    path = Path(*module.split("."))
    return str(path / "__init__.py") if (SOURCE_ROOT / path).is_dir() else f"{path}.py"


def describe_chain(graph: grimp.ImportGraph, chain: tuple[str, ...]) -> str:
    """``a → b → c`` and, for each hop, where the importing module imports the next one."""
    hops = "; ".join(_where(graph, a, b) for a, b in zip(chain, chain[1:]))
    return f"{' → '.join(chain)}  ({hops})"


def forbidden_imports(graph: grimp.ImportGraph, layer: str, forbidden: Iterable[str]) -> list[str]:
    """Every import chain from ``layer`` (or a module in it) to a forbidden package or module, described.

    A package the layer lies in is forbidden as its own ``__init__`` only (``from xl_tools import score``)."""
    found: set[str] = set()
    for target in forbidden:
        if target not in graph.modules:  # not written yet (xl_tools.api), or a library nothing here imports
            continue
        if layer.startswith(target + "."):
            chains = {graph.find_shortest_chain(importer=module, imported=target)
                      for module in graph.find_descendants(layer) | {layer}} - {None}
        else:
            chains = graph.find_shortest_chains(importer=layer, imported=target, as_packages=True)
        found |= {describe_chain(graph, chain) for chain in chains}
    return sorted(found)


def import_cycles(graph: grimp.ImportGraph, package: str) -> list[str]:
    """The cycles among the package's modules: for each import inside a strongly connected group of modules,
    the shortest way back to its importer, each cycle named once."""
    modules = {m for m in graph.modules if m == package or m.startswith(package + ".")}
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & modules) for m in modules}
    cycles: set[tuple[str, ...]] = set()
    for group in _strongly_connected(edges):
        for start in sorted(group):
            for first in edges[start]:
                if first in group:
                    path = _shortest_path(edges, first, start, group)
                    cycles.add(_rotated((start, *path)))
    return sorted(describe_chain(graph, (*cycle, cycle[0])) for cycle in cycles)


def _rotated(cycle: tuple[str, ...]) -> tuple[str, ...]:
    """The same cycle whatever module it was entered by: starting at its smallest name."""
    i = cycle.index(min(cycle))
    return cycle[i:] + cycle[:i]


def _shortest_path(edges: dict[str, list[str]], start: str, goal: str, within: set[str]) -> tuple[str, ...]:
    """Breadth-first from ``start`` to ``goal`` (``goal`` itself not included) inside ``within``."""
    came_from: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        if node == goal:
            break
        for nxt in edges[node]:
            if nxt in within and nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
    path: list[str] = []
    node: str | None = came_from[goal]
    while node is not None:
        path.append(node)
        node = came_from[node]
    return tuple(reversed(path))


def _strongly_connected(edges: dict[str, list[str]]) -> list[set[str]]:
    """Tarjan's groups of modules that reach each other, those that hold a cycle only (a self-import too)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1 or node in edges[node]:
                groups.append(group)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def file_access(source: str, filename: str) -> list[str]:
    """Each call in the source that reads or writes files: ``open(...)`` or ``x.<FILE_METHODS>(...)``."""
    calls = sorted((node.lineno, node.col_offset, node.func) for node in ast.walk(ast.parse(source, filename))
                   if isinstance(node, ast.Call) and _touches_files(node.func))
    return [f"{filename}:{line} {ast.unparse(func)}(...)" for line, _col, func in calls]


def _touches_files(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id == "open") or (
        isinstance(func, ast.Attribute) and func.attr in FILE_METHODS)


def modules_loaded_by(module: str) -> set[str]:
    """The top-level packages a fresh interpreter has loaded once ``module`` is imported."""
    probe = ("import importlib, json, sys; importlib.import_module(sys.argv[1]); "
             "print(json.dumps(sorted({name.partition('.')[0] for name in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", probe, module], capture_output=True, text=True, timeout=120,
                          cwd=SOURCE_ROOT)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


def _report(title: str, violations: list[str]) -> str:
    return f"{title} ({len(violations)}):\n  " + "\n  ".join(violations)


# ---- the contract ------------------------------------------------------------------------------------------


def test_the_core_imports_no_io_library_and_no_other_layer(graph) -> None:
    others = [m for m in graph.find_children(PACKAGE) if m != CORE]
    violations = forbidden_imports(graph, CORE, [*CORE_FORBIDDEN_LIBRARIES, PACKAGE, *others])
    assert not violations, _report("xl_tools.core must stay pure: no I/O library, no module outside core", violations)


def test_the_core_touches_no_file() -> None:
    core = SOURCE_ROOT / "xl_tools" / "core"
    violations = [found for path in sorted(core.rglob("*.py"))
                  for found in file_access(path.read_text(encoding="utf-8"), str(path.relative_to(SOURCE_ROOT)))]
    assert not violations, _report("xl_tools.core reads or writes files; pass the data in instead", violations)


def test_readers_never_import_writers_or_jobs(graph) -> None:
    violations = forbidden_imports(graph, "xl_tools.reading", [*WRITERS, *UPPER_LAYERS])
    assert not violations, _report("xl_tools.reading imports writers or the layers above", violations)


def test_layouts_never_import_writers_or_jobs(graph) -> None:
    violations = forbidden_imports(graph, "xl_tools.layouts", [*WRITERS, *UPPER_LAYERS])
    assert not violations, _report("xl_tools.layouts imports writers or the layers above", violations)


def test_no_module_imports_itself_through_others(graph) -> None:
    cycles = import_cycles(graph, PACKAGE)
    assert not cycles, _report("import cycles between modules of xl_tools", cycles)


def test_the_ribbon_starts_without_the_heavy_libraries() -> None:
    loaded = modules_loaded_by("xl_tools.ribbon") & set(RIBBON_MUST_NOT_LOAD)
    assert not loaded, f"importing xl_tools.ribbon loads {sorted(loaded)}; defer those imports to the buttons"


# ---- the checks find what they are for ---------------------------------------------------------------------


def _made_up(*imports: tuple[str, str]) -> grimp.ImportGraph:
    """A graph of these imports, each on its own line; packages are modules of the graph, as grimp's are."""
    graph = grimp.ImportGraph()
    for line, (importer, imported) in enumerate(imports, start=1):
        for module in (importer, imported):
            parts = module.split(".")
            for i in range(1, len(parts)):
                graph.add_module(".".join(parts[:i]))
        graph.add_import(importer=importer, imported=imported, line_number=line,
                         line_contents=f"import {imported}")
    return graph


def test_a_forbidden_import_is_found_through_other_modules() -> None:
    graph = _made_up(("app.reading.open", "app.errors"), ("app.errors", "app.workbook.save"),
                     ("app.workbook.save", "openpyxl"), ("app.layouts.tables", "app.reading.grid"))
    assert forbidden_imports(graph, "app.reading", ["app.workbook", "app.jobs"]) == [
        "app.reading.open → app.errors → app.workbook.save  "
        "(app/reading/open.py:1 `import app.errors`; app/errors.py:2 `import app.workbook.save`)"]
    assert forbidden_imports(graph, "app.layouts", ["app.workbook"]) == []


def test_importing_the_package_a_layer_lies_in_is_found() -> None:
    graph = _made_up(("xl_tools.reading.open", "xl_tools"), ("xl_tools.reading.grid", "xl_tools.core.model"))
    assert forbidden_imports(graph, "xl_tools.reading", ["xl_tools"]) == [
        "xl_tools.reading.open → xl_tools  (xl_tools/reading/open.py:1 `import xl_tools`)"]


def test_every_cycle_is_named_once_with_its_lines() -> None:
    graph = _made_up(("pkg.a", "pkg.b"), ("pkg.b", "pkg.c"), ("pkg.c", "pkg.a"), ("pkg.c", "pkg.b"),
                     ("pkg.d", "pkg.a"), ("pkg.e", "pkg.e"))
    assert import_cycles(graph, "pkg") == [
        "pkg.a → pkg.b → pkg.c → pkg.a  "
        "(pkg/a.py:1 `import pkg.b`; pkg/b.py:2 `import pkg.c`; pkg/c.py:3 `import pkg.a`)",
        "pkg.b → pkg.c → pkg.b  (pkg/b.py:2 `import pkg.c`; pkg/c.py:4 `import pkg.b`)",
        "pkg.e → pkg.e  (pkg/e.py:6 `import pkg.e`)",
    ]


def test_file_access_is_found_in_a_source() -> None:
    source = ("from pathlib import Path\n"
              "def load(name):\n"
              "    with open(name) as fh:\n"
              "        return fh.read() + Path(name).read_text(encoding='utf-8')\n"
              "def clean(text):\n"
              "    return text.replace('a', 'b').strip()\n")
    assert file_access(source, "m.py") == ["m.py:3 open(...)", "m.py:4 Path(name).read_text(...)"]


def test_the_ribbon_probe_sees_a_heavy_import() -> None:
    assert "openpyxl" in modules_loaded_by("xl_tools.workbook.style")
