"""Statistics on analysis-ready arrays; no file reading here."""

from __future__ import annotations

from typing import NamedTuple


class HypothesisTest(NamedTuple):
    """A test's statistic, degrees of freedom and p (R's ``statistic``, ``parameter``, ``p.value``)."""

    statistic: float
    df: float
    p: float
