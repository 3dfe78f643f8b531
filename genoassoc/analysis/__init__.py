"""The analyses, between the statistics (`genoassoc.stats`) and the command line and report: each
joins and codes its inputs (`genoassoc.phenotypes`, `genoassoc.analysis.genotyped`), runs the tests
and returns a frozen result whose ``.table`` is what the command writes, with ``.notes`` for people
and, where a model has one, ``.summary``."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True, kw_only=True)
class Result:
    """What every analysis returns: the machine table, notes for people (who was left out, which
    reference level, which test), and the model summary where there is one."""

    table: pd.DataFrame
    notes: tuple[str, ...] = ()
    summary: pd.DataFrame | None = None
