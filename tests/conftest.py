"""Shared fixtures: a synthetic amplicon assay whose cut sites are placed by hand.

NlaIII cuts after CATG. The 320 bp amplicon has one control CATG (cut at 50, in every allele) and
the SNP at position 201 in ``TTGCC[G/C]ATGCTA``: the C allele makes a second CATG (cut at 204).
So G = 270 + 50, C = 154 + 116 + 50, the 50 bp fragment being the digestion control.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

# property tests draw the same examples on every run and machine (CI reproduces a failure as it is)
settings.register_profile("genoassoc", derandomize=True, database=None, deadline=None)
settings.load_profile("genoassoc")

AMPLICON_LENGTH = 320
SNP_POSITION = 201
EXPECTED = {"G": (270, 50), "C": (154, 116, 50)}


def synthetic_amplicon(allele: str = "G") -> str:
    rng = random.Random(7)
    bases = [rng.choice("ACGT") for _ in range(AMPLICON_LENGTH)]
    sequence = "".join(bases)
    while "CATG" in sequence:
        sequence = sequence.replace("CATG", "CAAG")
    sequence = list(sequence)
    sequence[46:50] = "CATG"
    sequence[195:207] = "TTGCC" + allele + "ATGCTA"
    text = "".join(sequence)
    assert len(text) == AMPLICON_LENGTH
    assert text.count("CATG") == (1 if allele == "G" else 2)
    return text


@pytest.fixture
def amplicon_assays_toml(tmp_path: Path) -> Path:
    path = tmp_path / "lab_assays.toml"
    path.write_text(
        f"""
[[assay]]
id = "lab-174"
locus = "-174G>C"
enzyme = "NlaIII"
alleles = ["G", "C"]
amplicon = "{synthetic_amplicon('G')}"
snp_position = {SNP_POSITION}
source = "synthetic test amplicon"
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def amplicon_assay(amplicon_assays_toml):
    from genoassoc.assays import load_assays

    return load_assays(amplicon_assays_toml).get("lab-174")


def read_golden(path: Path) -> dict[str, float]:
    """A peer-tool golden table (name, value) as a dict: numbers as floats (NA as NaN), any other
    text (a direction such as '<') as it is."""
    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)

    def value(text: str) -> float | str:
        try:
            return float("nan") if text == "NA" else float(text)
        except ValueError:
            return text

    return {name: value(text) for name, text in zip(table["name"], table["value"], strict=True)}


def _missing_module(report) -> bool:
    text = str(report.longrepr) if report.longrepr else ""
    return report.skipped and ("could not import" in text or "No module named" in text)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A test skipped because a module is missing fails: every module is a declared dependency."""
    outcome = yield
    report = outcome.get_result()
    if _missing_module(report):
        report.outcome = "failed"


def pytest_collectreport(report):
    if _missing_module(report):
        report.outcome = "failed"
