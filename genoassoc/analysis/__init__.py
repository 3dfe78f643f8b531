"""The analyses, between the statistics (`genoassoc.stats`) and the command line and report: each
joins and codes its inputs (`genoassoc.phenotypes`, `genoassoc.analysis.genotyped`), runs the tests
and returns a frozen result whose ``.table`` is what the command writes, with ``.notes`` for people
and, where a model has one, ``.summary``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

# Columns that hold counts: whole numbers (nullable), never 30.0.
COUNT_COLUMNS = ("n", "events", "df", "n_low", "n_high", "k", "q_df", "replicates", "not_testable",
                 "events_needed", "patients_needed", "permutations")


@dataclass(frozen=True, kw_only=True)
class Result:
    """What every analysis returns: the machine table, notes for people (who was left out, which
    reference level, which test), and the model summary where there is one."""

    table: pd.DataFrame
    notes: tuple[str, ...] = ()
    summary: pd.DataFrame | None = None


def table_frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """A result table with the columns in order and counts as (nullable) integers."""
    table = pd.DataFrame(rows).reindex(columns=columns)
    for name in COUNT_COLUMNS:
        if name in table.columns:
            table[name] = pd.to_numeric(table[name]).round().astype("Int64")
    return table
