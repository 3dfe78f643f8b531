"""Non-compartmental pharmacokinetics per sample, from concentrations sampled over a dosing interval.

C0 is the pre-dose trough (time 0). Cmax/Tmax from the observed profile (first time of the maximum).
AUC by the linear trapezoidal rule (default) or linear-up/log-down; AUC0–24 needs a sample at 24 h or
beyond (the value at 24 h is then interpolated by the same rule). λz by log-linear regression on the
terminal points after Cmax, choosing the number of points (at least 3) with the best adjusted R²
(ties within 1e-4 going to more points), as PKNCA and Phoenix WinNonlin do; t½ = ln 2 / λz.
BLQ values: before the first measurable concentration set to 0, after it left out (configurable).
Times in hours, concentrations in the input's unit (AUC in unit·h).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

BLQ_RULES = ("zero", "missing")
AUC_METHODS = ("linear", "linear-up/log-down")
COLUMNS = ["sample", "n_points", "c0", "cmax", "tmax", "tlast", "clast", "auc_0_t", "auc_0_24",
           "lambda_z", "half_life", "lambda_z_points", "lambda_z_adj_r2", "note"]
_ADJ_R2_TOLERANCE = 1e-4


def trapezoid_segments(times: NDArray[Any], conc: NDArray[Any], method: str = "linear") -> NDArray[Any]:
    """AUC of each interval between consecutive samples."""
    dt = np.diff(times)
    linear = dt * (conc[:-1] + conc[1:]) / 2
    if method == "linear":
        return np.asarray(linear, dtype=float)
    down = (conc[1:] < conc[:-1]) & (conc[1:] > 0) & (conc[:-1] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        logarithmic = dt * (conc[:-1] - conc[1:]) / np.log(conc[:-1] / conc[1:])
    return np.asarray(np.where(down, logarithmic, linear), dtype=float)


def _interpolate(t0: float, c0: float, t1: float, c1: float, at: float, method: str) -> float:
    if method != "linear" and 0 < c1 < c0:
        return c0 * math.exp(math.log(c1 / c0) * (at - t0) / (t1 - t0))
    return c0 + (c1 - c0) * (at - t0) / (t1 - t0)


def auc_to(times: NDArray[Any], conc: NDArray[Any], end: float, method: str = "linear") -> float:
    """AUC from the first sample to `end` (interpolating inside the last interval); NaN when the
    profile stops before `end`."""
    if times[-1] < end:
        return math.nan
    inside = times <= end
    area = trapezoid_segments(times[inside], conc[inside], method).sum()
    last = int(np.flatnonzero(inside)[-1])
    if times[last] < end:
        value = _interpolate(times[last], conc[last], times[last + 1], conc[last + 1], end, method)
        area += trapezoid_segments(np.array([times[last], end]), np.array([conc[last], value]), method)[0]
    return float(area)


def lambda_z(times: NDArray[Any], conc: NDArray[Any], tmax: float) -> tuple[float, int, float]:
    """Terminal rate constant: of the log-linear fits to the last 3..n positive points after Tmax,
    the one with most points among those within 1e-4 of the best adjusted R²."""
    candidates = (times > tmax) & (conc > 0)
    t, c = times[candidates], conc[candidates]
    fits = []
    for count in range(3, len(t) + 1):
        fit = stats.linregress(t[-count:], np.log(c[-count:]))
        if fit.slope < 0:
            adjusted = 1 - (1 - fit.rvalue**2) * (count - 1) / (count - 2)
            fits.append((adjusted, count, -fit.slope))
    if not fits:
        return math.nan, 0, math.nan
    best = max(adjusted for adjusted, _, _ in fits)
    adjusted, count, rate = max((f for f in fits if f[0] >= best - _ADJ_R2_TOLERANCE), key=lambda f: f[1])
    return rate, count, adjusted


def nca_profile(
    sample_times: ArrayLike, concentrations: ArrayLike, blq: ArrayLike | None = None, *, method: str = "linear",
    blq_before: str = "zero", blq_after: str = "missing", auc_end: float = 24.0,
) -> dict[str, Any]:
    """NCA of one profile (times in h); `blq` marks below-limit samples. Returns the COLUMNS fields
    (no sample); the partial AUC to `auc_end` hours is ``auc_0_24`` (``auc_0_12`` for 12 h, ...)."""
    times, conc = np.asarray(sample_times, float), np.asarray(concentrations, float)
    below = np.zeros(len(times), bool) if blq is None else np.asarray(blq, bool)
    order = np.argsort(times, kind="stable")
    times, conc, below = times[order], conc[order], below[order]
    result: dict[str, Any] = dict.fromkeys(COLUMNS[1:], math.nan)
    result["note"] = ""
    measurable = ~below & ~np.isnan(conc)
    if measurable.any():
        first = np.flatnonzero(measurable)[0]
        before = below & (np.arange(len(times)) < first)
        after = below & (np.arange(len(times)) > first)
        conc = conc.copy()
        conc[before] = 0.0 if blq_before == "zero" else np.nan
        conc[after] = 0.0 if blq_after == "zero" else np.nan
    keep = ~np.isnan(conc)
    times, conc = times[keep], conc[keep]
    result["n_points"] = int(len(times))
    if len(times) and times[0] == 0:
        result["c0"] = float(conc[0])
    if len(times) < 2 or not (conc > 0).any():
        too_few = f"{len(times)} usable points: too few for AUC"
        result["note"] = too_few if len(times) < 2 else "no measurable concentration"
        return result
    peak = int(np.argmax(conc))
    last = int(np.flatnonzero(conc > 0)[-1])
    result.update(cmax=float(conc[peak]), tmax=float(times[peak]), tlast=float(times[last]), clast=float(conc[last]))
    result["auc_0_t"] = float(trapezoid_segments(times[: last + 1], conc[: last + 1], method).sum())
    notes = []
    if times[0] != 0:
        notes.append("no pre-dose (0 h) sample: C0 and AUCs from the first sample")
    result["auc_0_24"] = auc_to(times, conc, auc_end, method)
    if math.isnan(result["auc_0_24"]):
        notes.append(f"profile ends at {times[-1]:g} h, before {auc_end:g} h: AUC0-{auc_end:g} not computed")
    rate, points, adjusted = lambda_z(times, conc, result["tmax"])
    result.update(lambda_z=rate, lambda_z_points=points, lambda_z_adj_r2=adjusted,
                  half_life=math.log(2) / rate if rate == rate else math.nan)
    if not points:
        notes.append("terminal phase: fewer than 3 declining points after Tmax, no lambda_z")
    result["note"] = "; ".join(notes)
    return result


def nca(samples: pd.DataFrame, *, method: str = "linear", blq_before: str = "zero", blq_after: str = "missing",
        auc_end: float = 24.0) -> pd.DataFrame:
    """One row per sample from a table with ``sample``, ``time_h``, ``conc`` (floats) and optional
    boolean ``blq``: ready to join as phenotypes. The partial AUC's column is named by its end
    (``auc_0_24``; ``auc_0_12`` with `auc_end` 12)."""
    rows = []
    for sample, profile in samples.groupby("sample", sort=False, observed=True):
        blq = profile["blq"] if "blq" in profile.columns else None
        rows.append({"sample": sample, **nca_profile(profile["time_h"], profile["conc"], blq, method=method,
                                                     blq_before=blq_before, blq_after=blq_after, auc_end=auc_end)})
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.rename(columns={"auc_0_24": f"auc_0_{auc_end:g}"}) if auc_end != 24 else table
