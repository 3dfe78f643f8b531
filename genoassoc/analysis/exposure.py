"""Drug exposure per patient from PK sampling: non-compartmental analysis as an analysis result."""

from __future__ import annotations

import pandas as pd

from genoassoc.analysis import Result


def pk(samples: pd.DataFrame, *, method: str = "linear", blq_before: str = "zero", blq_after: str = "missing",
       auc_end: float = 24.0) -> Result:
    """C0, Cmax, Tmax, AUC0–t, AUC0–`auc_end` h (linear trapezoid by default), lambda_z and t½ per sample
    (times in h, concentrations in the unit of the table); see `genoassoc.stats.pk`."""
    from genoassoc.stats.pk import nca

    table = nca(samples, method=method, blq_before=blq_before, blq_after=blq_after, auc_end=auc_end)
    note = (f"{len(table)} profiles; BLQ before the first measurable value: {blq_before}, after: {blq_after}; "
            f"AUC by the {method} trapezoidal rule")
    return Result(table=table, notes=(note,))
