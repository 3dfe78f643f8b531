"""Penalised-likelihood inference shared by Firth's logistic and Cox regressions: the likelihood-ratio
p-value of one coefficient and its profile-likelihood confidence interval (Heinze & Schemper)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import special


def profile_inference(
    maximised: Callable[[dict[int, float]], float],
    estimate: float,
    maximum: float,
    index: int,
    conf_level: float = 0.95,
    first_step: float = 1.0,
    max_width: float = 1e3,
    xtol: float = 1e-10,
) -> tuple[float, float, float]:
    """(p, lower, upper) for coefficient `index`.

    `maximised(fixed)` is the maximum of the (penalised) log-likelihood with the coefficients in
    `fixed` held at their values; `maximum` its unrestricted maximum at `estimate`. A limit that lies
    beyond `max_width` from the estimate is reported as infinite.
    """
    from scipy import optimize  # here: 0.2 s of imports that an analysis without a profile skips

    critical = float(special.chdtri(1, 1 - conf_level))
    p = float(special.chdtrc(1, max(2 * (maximum - maximised({index: 0.0})), 0.0)))

    def gap(value: float) -> float:
        return 2 * (maximum - maximised({index: value})) - critical

    bounds = []
    for direction in (-1, 1):
        width = first_step
        while gap(estimate + direction * width) < 0 and width < max_width:
            width *= 2
        bounds.append(optimize.brentq(gap, estimate, estimate + direction * width, xtol=xtol)
                      if width < max_width else direction * np.inf)
    return p, float(bounds[0]), float(bounds[1])
