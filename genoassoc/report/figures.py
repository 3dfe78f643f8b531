"""Publication figures (matplotlib, Agg): each function returns a Figure; `save` writes PNG or SVG.

Colours are the Okabe–Ito palette (safe for colour-blind readers). Statistics shown on a figure are
computed by `genoassoc.stats` with the conventions stated there (log-rank as R ``survdiff``,
Spearman as R ``cor.test``).
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False, "svg.fonttype": "none",
                     "figure.dpi": 110, "savefig.dpi": 200})


def format_p(p: float) -> str:
    if p != p:
        return "p = n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def save(figure, path: str | os.PathLike) -> Path:
    """Write a figure as PNG or SVG (by the file extension), atomically and under the user's umask,
    and close it."""
    import io

    from genoassoc.io.records import write_bytes

    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise ValueError("figures are written as .png or .svg")
    buffer = io.BytesIO()
    figure.savefig(buffer, format=path.suffix.lower().lstrip("."), bbox_inches="tight")
    plt.close(figure)
    write_bytes(buffer.getvalue(), path)
    return path


def kaplan_meier_plot(time, event, group, labels: list[str] | None = None, *, xlabel: str = "Months",
                      ylabel: str = "Survival probability", title: str = "", ci: bool = False,
                      risk_times=None):
    """Kaplan–Meier curves by group with censoring marks, optional 95% CI bands (log), the log-rank p
    and a numbers-at-risk table under the axis."""
    from genoassoc.stats import survival

    time, event, group = np.asarray(time, float), np.asarray(event, int), np.asarray(group)
    levels = labels or [str(level) for level in pd.unique(group)]
    figure = plt.figure(figsize=(6, 4.6))
    axis = figure.add_axes([0.12, 0.34, 0.84, 0.58])
    risk_axis = figure.add_axes([0.12, 0.05, 0.84, 0.16])
    horizon = time.max() if len(time) else 1
    risk_times = np.asarray(risk_times if risk_times is not None else np.linspace(0, horizon, 6).round(1))
    for index, level in enumerate(levels):
        members = group.astype(str) == level
        if not members.any():
            continue
        fit = survival.kaplan_meier(time[members], event[members])
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        steps_t = np.r_[0, fit.time]
        steps_s = np.r_[1, fit.surv]
        axis.step(steps_t, steps_s, where="post", color=colour, label=f"{level} (n={fit.n}, events={fit.events})")
        censored = fit.n_censor > 0
        axis.plot(fit.time[censored], fit.surv[censored], "|", color=colour, markersize=7)
        if ci:
            axis.fill_between(steps_t, np.r_[1, fit.lower], np.r_[1, fit.upper], step="post", color=colour,
                              alpha=0.15, linewidth=0)
        at_risk = [int((time[members] >= moment).sum()) for moment in risk_times]
        for moment, count in zip(risk_times, at_risk, strict=True):
            risk_axis.text(moment, len(levels) - index - 1, str(count), ha="center", va="center", color=colour)
    if len(levels) > 1:
        test = survival.logrank(time, event, group.astype(str))
        axis.text(0.98, 0.95, f"log-rank {format_p(test.p)}", transform=axis.transAxes, ha="right", va="top")
    axis.set_ylim(0, 1.03)
    axis.set_xlim(0, horizon * 1.02)
    axis.set_xlabel(xlabel)
    axis.set_ylabel(ylabel)
    if title:
        axis.set_title(title)
    axis.legend(loc="lower left", frameon=False)
    risk_axis.set_xlim(axis.get_xlim())
    risk_axis.set_ylim(-0.5, len(levels) - 0.5)
    risk_axis.set_yticks(range(len(levels)), list(reversed(levels)))
    risk_axis.set_xticks(risk_times)
    risk_axis.set_title("Number at risk", loc="left", fontsize=8)
    for spine in ("top", "right", "left"):
        risk_axis.spines[spine].set_visible(False)
    risk_axis.tick_params(axis="y", length=0, pad=14)
    return figure


def box_plot(values, group, labels: list[str], *, ylabel: str, p: float | None = None, test: str = "",
             title: str = "", log: bool = False):
    """Box plot with every observation as a jittered point, group medians marked, and the test p."""
    values, group = np.asarray(values, float), np.asarray(group).astype(str)
    figure, axis = plt.subplots(figsize=(4.2, 4))
    data = [values[group == label] for label in labels]
    axis.boxplot(data, positions=range(1, len(labels) + 1), widths=0.5, showfliers=False,
                 medianprops={"color": "black", "linewidth": 1.5})
    rng = np.random.default_rng(0)
    for index, points in enumerate(data, start=1):
        axis.scatter(index + rng.uniform(-0.12, 0.12, len(points)), points, s=14,
                     color=OKABE_ITO[(index - 1) % len(OKABE_ITO)], alpha=0.8, zorder=3)
    axis.set_xticks(range(1, len(labels) + 1), [f"{label}\n(n={len(points)})" for label, points in zip(labels, data,
                                                                                                         strict=True)])
    axis.set_ylabel(ylabel)
    if log:
        axis.set_yscale("log")
        axis.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
        axis.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    if p is not None:
        axis.set_title(f"{title}\n{test} {format_p(p)}".strip())
    elif title:
        axis.set_title(title)
    return figure


def scatter_plot(x, y, *, xlabel: str, ylabel: str, r: float, p: float, method: str = "Spearman"):
    """Scatter of two variables with the correlation coefficient and p in the corner."""
    figure, axis = plt.subplots(figsize=(4.2, 4))
    axis.scatter(np.asarray(x, float), np.asarray(y, float), s=18, color=OKABE_ITO[0], alpha=0.85)
    axis.set_xlabel(xlabel)
    axis.set_ylabel(ylabel)
    axis.text(0.03, 0.97, f"{method} r = {r:.3f}, {format_p(p)}", transform=axis.transAxes, va="top")
    return figure


def cutpoint_plot(cuts: pd.DataFrame, *, marker: str, chosen: float | None = None):
    """Hazard ratio (high vs low, 95% CI) and standardised log-rank statistic across candidate cuts."""
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(5, 5), sharex=True)
    top.plot(cuts["cut"], cuts["hazard_ratio"], color=OKABE_ITO[0])
    top.fill_between(cuts["cut"], cuts["ci_lo"], cuts["ci_hi"], color=OKABE_ITO[0], alpha=0.15, linewidth=0)
    top.axhline(1, color="grey", linewidth=0.8)
    top.set_yscale("log")
    top.set_ylabel("Hazard ratio (high vs low)")
    bottom.plot(cuts["cut"], cuts["statistic"], color=OKABE_ITO[1])
    bottom.set_ylabel("Standardised log-rank")
    bottom.set_xlabel(f"Cut-point of {marker}")
    if chosen is not None:
        for axis in (top, bottom):
            axis.axvline(chosen, color=OKABE_ITO[5], linestyle="--", linewidth=1)
        bottom.text(chosen, bottom.get_ylim()[1], f" cut {chosen:g}", color=OKABE_ITO[5], va="top")
    return figure


def forest_plot(table: pd.DataFrame, *, label: str = "term", estimate: str = "hr", low: str = "ci_lo",
                high: str = "ci_hi", p: str = "p", title: str = "Hazard ratio (95% CI)"):
    """Forest plot of a Cox table: one row per term, log scale, the estimate and p written beside it."""
    rows = table.dropna(subset=[estimate]).reset_index(drop=True)
    figure, axis = plt.subplots(figsize=(6, 0.45 * max(len(rows), 1) + 1.2))
    y = np.arange(len(rows))[::-1]
    axis.errorbar(rows[estimate], y, xerr=[rows[estimate] - rows[low], rows[high] - rows[estimate]], fmt="s",
                  color=OKABE_ITO[0], ecolor="black", capsize=3, markersize=5)
    axis.axvline(1, color="grey", linewidth=0.8)
    axis.set_xscale("log")
    axis.set_yticks(y, rows[label].astype(str))
    for y_value, (_, row) in zip(y, rows.iterrows(), strict=True):
        axis.text(1.02, y_value, f"{row[estimate]:.2f} ({row[low]:.2f}-{row[high]:.2f}) {format_p(row[p])}",
                  transform=axis.get_yaxis_transform(), va="center", fontsize=8)
    axis.set_title(title, loc="left")
    return figure


def _expected_bands(matched: str) -> list[float]:
    """The expected sizes of a called lane from the calls' ``matched_bp`` evidence (observed=expected)."""
    expected = []
    for lane in str(matched).split(";"):
        for pair in lane.split(","):
            if "=" in pair:
                expected.append(float(pair.split("=")[1]))
    return sorted(set(expected), reverse=True)


def virtual_gel(calls: pd.DataFrame, *, samples: list[str] | None = None):
    """A drawn gel: for each sample lane its observed bands (dark) beside the expected pattern of the
    called genotype (light), so a lab can eyeball its calls. Uses the RFLP calls table's evidence
    (``observed_bp``, ``matched_bp``), whether the sizes were declared or learned from the gel."""
    rows = calls[calls["source"] == "rflp"]
    if samples is not None:
        rows = rows[rows["sample"].isin(samples)]
    rows = rows.reset_index(drop=True)
    figure, axis = plt.subplots(figsize=(max(4, 0.55 * len(rows) + 1), 4))
    sizes = []
    for index, row in rows.iterrows():
        observed = [float(size) for lane in str(row["observed_bp"]).split(";") for size in lane.split(",") if size]
        expected = _expected_bands(row["matched_bp"]) if row["genotype"] else []
        for size in observed:
            axis.plot([index - 0.35, index - 0.02], [size, size], color="black", linewidth=2.2)
        for size in expected:
            axis.plot([index + 0.02, index + 0.35], [size, size], color=OKABE_ITO[4], linewidth=2.2)
        sizes += observed + expected
    axis.set_yscale("log")
    axis.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    axis.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    if sizes:
        axis.set_ylim(min(sizes) * 0.8, max(sizes) * 1.25)
    axis.set_xticks(range(len(rows)), [f"{s}\n{g or 'no call'}" for s, g in zip(rows["sample"], rows["genotype"],
                                                                                 strict=True)], fontsize=7)
    axis.set_ylabel("Fragment size (bp)")
    axis.set_title("Observed bands (black) and expected pattern of the call (blue)", loc="left", fontsize=8)
    return figure
