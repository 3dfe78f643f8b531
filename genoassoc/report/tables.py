"""Tables for people: result tables rendered as Markdown (formatting lives here, not in the analyses)."""

from __future__ import annotations

import pandas as pd


def to_markdown(table: pd.DataFrame) -> str:
    """A Markdown table (p to 3 decimals, < 0.001 below that)."""
    shown = table.copy()
    if "p" in shown.columns:
        shown["p"] = [("" if p != p else ("< 0.001" if p < 0.001 else f"{p:.3f}")) for p in shown["p"]]
    shown = shown.astype(object).where(shown.notna(), "").astype(str)
    lines = ["| " + " | ".join(map(str, shown.columns)) + " |", "|" + "---|" * len(shown.columns)]
    lines += ["| " + " | ".join(row) + " |" for row in shown.itertuples(index=False)]
    return "\n".join(lines) + "\n"
