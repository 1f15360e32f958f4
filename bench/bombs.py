"""The cost of each hostile file of tests/helpers/bombs.py, as a user meets it: time and peak memory of the commands.

Usage: python bench/bombs.py [--before CHECKOUT] [--write]

``--before`` also runs validate and recompute with the toolkit of another checkout (``git worktree add
/tmp/before 11a4d53`` gives the last commit before the guard), so the table shows what each file cost before
(convert is left out there: it hands each bomb to LibreOffice, which then works until its time limit);
``--write`` puts the table into docs/bad-inputs.md.

Each bomb is built, then ``xl-tools validate``, ``recompute`` and ``convert --to pdf`` run on it as separate
processes under a 4 GB data cap (so a regression is measured, not fatal); a process's peak resident size comes
from the kernel (wait4), its time from the wall clock.  Beside them, the same commands on the untouched form
(seed 000's sample) for scale.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests.helpers

from tests.helpers.bombs import BASE, BOMBS  # noqa: E402
from tests.helpers.marked import replace_marked  # noqa: E402

DOC = REPO / "docs" / "bad-inputs.md"
CAP = 4 * 2**30
COMMANDS = {
    "validate": lambda path, out: ["validate", str(path)],
    "recompute": lambda path, out: ["recompute", str(path), "-o", str(out / "out.xlsx")],
    "convert": lambda path, out: ["convert", str(path), "--to", "pdf", "-o", str(out)],
}
TIMEOUT = 600


def measured(args: list[str], toolkit: Path | None = None) -> tuple[int, float, int]:
    """(exit code, seconds, peak resident bytes of the process and what it waited for) of one ``xl-tools``
    command run in a process of its own, with ``toolkit``'s xl_tools if given."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_DATA, (CAP, CAP))

    command = [sys.executable, "-c", "import sys; sys.argv[0] = 'xl-tools'; from xl_tools.cli import main; main()",
               *args]
    env = {**os.environ, "PYTHONPATH": str(toolkit)} if toolkit else None
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=cap, env=env,
                            cwd=toolkit or REPO)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, seconds, usage.ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the table into docs/bad-inputs.md")
    parser.add_argument("--before", type=Path, help="a checkout whose toolkit runs the same commands, for comparison")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = [("（对照）原样的自评表", "", "", BASE)] + [
            (b.name, b.what, b.limit, b.build(folder / f"{b.name}{b.suffix}")) for b in BOMBS]
        for name, what, limit, path in cases:
            costs = []
            for toolkit in [None, args.before] if args.before else [None]:
                for command, build in COMMANDS.items():
                    if toolkit and command == "convert":
                        continue
                    out = folder / f"out_{name}_{command}_{'before' if toolkit else 'now'}"
                    out.mkdir()
                    code, seconds, peak = measured(build(path.resolve(), out), toolkit)
                    capped = peak >= CAP * 0.9
                    costs.append(f"{seconds:.2f} s / {'≥ 4 GB（到达上限）' if capped else f'{peak / 2**20:,.0f} MB'} / {code}")
                    print(f"{name:28} {command:10} {'before' if toolkit else 'now':6} exit {code}  {seconds:6.2f} s  "
                          f"{peak / 2**20:6.0f} MB", file=sys.stderr)
            size = path.stat().st_size
            rows.append(f"| {name} | {what} | {limit} | {size / 1024:,.0f} KB | " + " | ".join(costs) + " |")
    columns = ["validate", "recompute", "convert --to pdf"]
    if args.before:
        columns += [f"修复前 {c}" for c in columns[:2]]
    table = "\n".join([
        "| 用例 | 文件的做法 | 拦住它的上限 | 文件大小 | " + " | ".join(columns) + " |",
        "|---|---|---|---:|" + "---|" * len(columns),
        *rows])
    print(table)
    if args.write:
        replace_marked(DOC, "bombs", table)


if __name__ == "__main__":
    main()
