"""validate+score per file with this toolkit and with other checkouts of it, side by side in one run.

Usage: python bench/compare.py [--files 500] [--rounds 5] CHECKOUT...   (e.g. git worktree add /tmp/before <rev>)

The single-project workbooks of workloads.py are scored one after another in a process per checkout and round,
the rounds interleaved (this machine's speed drifts); the median time per file of each is printed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))  # tests.helpers: the sample builders

CODE = """
import sys, time
from pathlib import Path
try:
    from xl_tools.jobs.score import score
except ImportError:  # a checkout from before the jobs layer
    from xl_tools.services import score_file as score
files = sorted(Path(sys.argv[1]).glob("0*.xlsx"))
start = time.perf_counter()
for path in files:
    score(path)
print((time.perf_counter() - start) / len(files))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs="*", type=Path)
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from workloads import single_project_files

    trees = [REPO, *args.checkouts]
    with tempfile.TemporaryDirectory() as tmp:
        single_project_files(Path(tmp), args.files)
        times: dict[Path, list[float]] = {tree: [] for tree in trees}
        for _ in range(args.rounds):
            for tree in trees:
                out = subprocess.run([sys.executable, "-c", CODE, tmp], cwd=tree, capture_output=True, text=True,
                                     check=True, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}).stdout
                times[tree].append(float(out))
    base = statistics.median(times[REPO])
    for tree in trees:
        median = statistics.median(times[tree])
        print(f"{tree}: {median * 1000:.2f} ms per file ({median / base:.2f}× this checkout)")


if __name__ == "__main__":
    main()
