"""Static checks that CI runs with the tests: mypy (strict on the statistics and the analysis layer,
as configured in pyproject.toml) and ruff on the package, the tests and the benchmarks."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_strict_on_stats_and_analysis():
    from mypy import api

    stdout, stderr, status = api.run(["--config-file", str(ROOT / "pyproject.toml"),
                                      str(ROOT / "genoassoc" / "stats"), str(ROOT / "genoassoc" / "analysis")])
    assert status == 0, stdout + stderr


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    folders = [str(ROOT / name) for name in ("genoassoc", "tests", "benchmarks")]
    result = subprocess.run([ruff, "check", *folders], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
