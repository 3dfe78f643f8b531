"""Two continuous phenotype columns: their correlation (IL-6 against trough C0 or AUC) and the
paired change of a biomarker (IL-6 before and after treatment)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from genoassoc import phenotypes as coding
from genoassoc.analysis import Result
from genoassoc.phenotypes import Coding


@dataclass(frozen=True, kw_only=True)
class CorrelationResult(Result):
    """A correlation and the pairs it was computed from (`data`: ``x, y``, complete cases)."""

    x: str
    y: str
    method: str
    data: pd.DataFrame


def correlation(phenotypes: pd.DataFrame, x: str, y: str, method: str = "spearman",
                coding_options: Coding = Coding()) -> CorrelationResult:
    """Correlation of two columns with its p (and CI for Pearson), as R's ``cor.test``; samples
    missing either value are left out and counted."""
    from genoassoc.stats.correlation import correlate

    first, second = coding.numeric(phenotypes, x, coding_options), coding.numeric(phenotypes, y, coding_options)
    keep, dropped = coding.complete_cases({x: first, y: second})
    result = correlate(first[keep], second[keep], method)
    table = pd.DataFrame([{"x": x, "y": y, **{name: getattr(result, name) for name in result.__dataclass_fields__}}])
    notes = ([dropped.message()] if dropped.total else []) + coding.substitution_notes([first, second], keep)
    return CorrelationResult(table=table, notes=tuple(notes), x=x, y=y,
                             method=method, data=pd.DataFrame({"x": first[keep], "y": second[keep]}))


def paired(phenotypes: pd.DataFrame, before: str, after: str, exact: bool | None = None,
           coding_options: Coding = Coding()) -> Result:
    """Paired change of a biomarker: medians before and after, median change with its quartiles and
    the Wilcoxon signed-rank test as R's ``wilcox.test(after, before, paired = TRUE)``."""
    from genoassoc.stats.continuous import paired_change

    first = coding.numeric(phenotypes, before, coding_options)
    second = coding.numeric(phenotypes, after, coding_options)
    keep, dropped = coding.complete_cases({before: first, after: second})
    row = {"before": before, "after": after, **paired_change(first[keep], second[keep], exact=exact)}
    notes = ([dropped.message()] if dropped.total else []) + coding.substitution_notes([first, second], keep)
    return Result(table=pd.DataFrame([row]), notes=tuple(notes))
