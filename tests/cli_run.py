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
from typing import Any

from click.testing import CliRunner, Result


@dataclass
class Completed:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str


class _Runner:
    """click's CliRunner with one meaning of ``output`` across click versions: stdout and stderr
    together, as a terminal shows them (click >= 8.2 keeps them apart and interleaves them in
    ``output``; before 8.2 ``output`` is stdout alone when stderr is kept apart)."""

    def __init__(self) -> None:
        try:
            self._runner = CliRunner(mix_stderr=False)  # click < 8.2
            self._joins = True
        except TypeError:
            self._runner = CliRunner()
            self._joins = False

    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        result = self._runner.invoke(*args, **kwargs)
        if self._joins:
            result.output_bytes = result.stdout_bytes + (result.stderr_bytes or b"")
            result.__class__ = _JoinedResult
        return result


class _JoinedResult(Result):
    @property
    def output(self) -> str:
        return self.output_bytes.decode(self.runner.charset, "replace").replace("\r\n", "\n")


def runner() -> _Runner:
    """A runner keeping stderr apart from stdout with every supported click."""
    return _Runner()


def invoke(*args: object) -> Any:
    """click's Result of the command line with these arguments (exit_code, output, stdout, stderr, exception)."""
    from genoassoc.cli import main

    return runner().invoke(main, [str(arg) for arg in args])


def run_cli(*args: object, cwd: str | os.PathLike | None = None, umask: int | None = None) -> Completed:
    from genoassoc.cli import main

    words = [str(arg) for arg in args]
    previous_mask = os.umask(umask) if umask is not None else None
    try:
        with contextlib.chdir(Path(cwd)) if cwd is not None else contextlib.nullcontext():
            result = runner().invoke(main, words, prog_name="genoassoc")
    finally:
        if previous_mask is not None:
            os.umask(previous_mask)
    stderr = result.stderr
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
        code = 1
    return Completed(words, code, result.stdout, stderr)
