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
    notes = [f"{len(table)} profiles; BLQ before the first measurable value: {blq_before}, after: {blq_after}; "
             f"AUC by the {method} trapezoidal rule"]
    missed = _missed_draws(samples)
    if missed:
        listed = "; ".join(f"{sample} at {hours} h" for sample, hours in missed.items())
        count = sum(hours.count(",") + 1 for hours in missed.values())
        notes.append(f"{count} draw{'s' if count > 1 else ''} missing (not taken or not measured), left out of "
                     f"the profile{'s' if len(missed) > 1 else ''} and not counted as BLQ: {listed}")
        own = table["sample"].map(missed)
        added = "missing draw at " + own + " h, left out"
        table["note"] = ["; ".join(filter(None, (note, extra))) if isinstance(extra, str) else note
                         for note, extra in zip(table["note"], added.where(own.notna()), strict=True)]
    return Result(table=table, notes=tuple(notes))


def _missed_draws(samples: pd.DataFrame) -> dict[str, str]:
    """Per sample, the times of its missing draws (``missing`` of `read_pk_samples`), as text."""
    if "missing" not in samples.columns or not samples["missing"].any():
        return {}
    missed = samples[samples["missing"].astype(bool)]
    return {str(sample): ", ".join(f"{hours:g}" for hours in sorted(group["time_h"]))
            for sample, group in missed.groupby("sample", sort=False, observed=True)}
