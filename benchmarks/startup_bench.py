"""Start-up and the example study, as a user meets them: `genoassoc --help`, `genoassoc call --rflp
examples/gel_sizes.tsv` and `genoassoc report examples/study.toml`, whole processes, best of the
repeats. No peer does these; the goals are 0.3 s, 0.8 s and 4 s.

    python benchmarks/startup_bench.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from timing import best_interleaved

ROOT = Path(__file__).resolve().parent.parent
GOALS = {"genoassoc --help": 0.3, "genoassoc call --rflp examples/gel_sizes.tsv": 0.8,
         "genoassoc report examples/study.toml": 4.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    genoassoc = [sys.executable, "-m", "genoassoc.cli"]
    with tempfile.TemporaryDirectory() as work:
        commands = dict(zip(GOALS, [
            [*genoassoc, "--help"],
            [*genoassoc, "call", "--rflp", str(ROOT / "examples" / "gel_sizes.tsv"), "-o", f"{work}/calls.tsv"],
            [*genoassoc, "report", str(ROOT / "examples" / "study.toml"), "-o", f"{work}/report.html"],
        ], strict=True))
        best = best_interleaved(commands, options.repeats)
    print(f"{os.cpu_count()} cores; best of {options.repeats}, interleaved")
    for name, goal in GOALS.items():
        print(f"{name:<48} {best[name].wall:6.2f} s wall, {best[name].cpu:5.2f} s CPU, "
              f"{best[name].peak_mb:4.0f} MB   (goal: {goal} s)")


if __name__ == "__main__":
    main()
