"""Multiple-testing adjustment as R ``p.adjust``: Benjamini–Hochberg (false discovery rate), Holm
and Bonferroni (family-wise error). Missing p-values stay missing and do not count towards the
number of tests (R's default ``n = length(p[!is.na(p)])``)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from genoassoc.errors import InputError

METHODS = {"BH": "Benjamini-Hochberg", "holm": "Holm", "bonferroni": "Bonferroni"}


def p_adjust(p: ArrayLike, method: str = "BH") -> NDArray[Any]:
    """Adjusted p-values, in the order given."""
    if method not in METHODS:
        raise InputError(f"unknown --p-adjust method '{method}' (use {', '.join(METHODS)})")
    values = np.asarray(p, float)
    adjusted = np.full(values.shape, np.nan)
    present = ~np.isnan(values)
    observed = values[present]
    n = len(observed)
    if n == 0:
        return adjusted
    if method == "bonferroni":
        result = np.minimum(1.0, n * observed)
    elif method == "holm":
        order = np.argsort(observed, kind="stable")
        scaled = (n - np.arange(n)) * observed[order]
        result = np.empty(n)
        result[order] = np.minimum(1.0, np.maximum.accumulate(scaled))
    else:
        order = np.argsort(observed, kind="stable")[::-1]
        scaled = n / np.arange(n, 0, -1) * observed[order]
        result = np.empty(n)
        result[order] = np.minimum(1.0, np.minimum.accumulate(scaled))
    adjusted[present] = result
    return adjusted


def describe(method: str, count: int, what: str) -> str:
    """``BH over 5 models`` for the output's p_adj_method column."""
    return f"{method} over {count} {what}"
