"""Whole-process timing shared by the benchmarks: each command runs as a user would run it (a fresh
process reading the same file), the commands take turns (interleaved, so machine load hits them
alike), and the best of the repeats is kept, with CPU seconds and peak memory beside wall time.

The package's bytecode is compiled first, as `pip install .` does: a source checkout run with
PYTHONDONTWRITEBYTECODE set would otherwise compile every module on every run (some 0.05 s per
command here), a cost no installed copy pays."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float
    peak_mb: float


def run_once(command: list[str] | str, shell: bool = False) -> Timing:
    """Wall and CPU seconds and the peak resident memory of one run of `command` (output discarded;
    with `shell`, the figures are the shell's and its pipeline's)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, shell=shell, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{command} failed:\n{errors.read().decode(errors='replace')[-2000:]}")
    return Timing(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def compile_package() -> None:
    """Write the bytecode of the genoassoc being timed (a no-op when it is there already)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("genoassoc")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)


def best_interleaved(commands: dict[str, list[str] | str], repeats: int, shell: bool = False,
                     shell_for: set[str] = frozenset()) -> dict[str, Timing]:
    """The best (least wall time) of `repeats` turns of every command, taking turns (`shell`: all
    through the shell; `shell_for`: these ones, e.g. a peer's pipeline or redirection)."""
    compile_package()
    runs: dict[str, list[Timing]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            runs[name].append(run_once(command, shell or name in shell_for))
    return {name: min(timings, key=lambda timing: timing.wall) for name, timings in runs.items()}


def report(title: str, ours: Timing, theirs: Timing, peer: str) -> str:
    """One line: the task, both wall times, the ratio (below 1: genoassoc faster) and CPU seconds."""
    return (f"{title:<58} genoassoc {ours.wall:7.2f} s   {peer} {theirs.wall:7.2f} s   "
            f"ratio {ours.wall / theirs.wall:5.2f}   (CPU {ours.cpu:.2f} vs {theirs.cpu:.2f} s)")
