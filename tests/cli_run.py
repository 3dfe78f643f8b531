"""The command line run in process (click's CliRunner) against the installed package, with the
interface of ``subprocess.run(..., capture_output=True, text=True)``: ``returncode``, ``stdout``,
``stderr``. A traceback becomes exit code 1 with the traceback on stderr, as a real process would
show it. A handful of tests keep real processes (start-up time, imports, signals)."""

from __future__ import annotations

import contextlib
import os
import traceback
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner


@dataclass
class Completed:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        return CliRunner()  # click >= 8.2 keeps stderr apart


def run_cli(*args: object, cwd: str | os.PathLike | None = None, umask: int | None = None) -> Completed:
    from genoassoc.cli import main

    words = [str(arg) for arg in args]
    previous_mask = os.umask(umask) if umask is not None else None
    try:
        with contextlib.chdir(Path(cwd)) if cwd is not None else contextlib.nullcontext():
            result = _runner().invoke(main, words, prog_name="genoassoc")
    finally:
        if previous_mask is not None:
            os.umask(previous_mask)
    stderr = result.stderr
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
        code = 1
    return Completed(words, code, result.stdout, stderr)
