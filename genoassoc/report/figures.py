"""Publication figures (matplotlib, Agg): each function returns a Figure; `save` writes PNG (300 dpi),
SVG or PDF by the file extension.

One style for every figure (`STYLE`: sans-serif 9 pt, no top/right spines, the Okabe–Ito palette,
safe for colour-blind readers). Axes are in the data's units; a log axis only when asked, labelled at
the decades and at 2 and 5 between them. Statistics shown on a figure are computed by
`genoassoc.stats` with the conventions stated there (log-rank as R ``survdiff``, Spearman as R
``cor.test``).
"""

from __future__ import annotations

import functools
import io
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from numpy.typing import ArrayLike  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STYLE = {"font.size": 9, "font.family": "sans-serif", "axes.spines.top": False, "axes.spines.right": False,
         "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO), "svg.fonttype": "none", "pdf.fonttype": 42,
         "svg.hashsalt": "genoassoc",  # the same figure gives the same SVG: reproducible reports
         "figure.dpi": 100, "savefig.dpi": 300, "legend.frameon": False}
FORMATS = (".png", ".svg", ".pdf")
_UNITS = {"day": "days", "days": "days", "d": "days", "week": "weeks", "weeks": "weeks", "wk": "weeks",
          "month": "months", "months": "months", "mo": "months", "year": "years", "years": "years", "yr": "years"}


def styled(function: Callable[..., Any]) -> Callable[..., Any]:
    """Draw inside genoassoc's one figure style."""
    @functools.wraps(function)
    def draw(*args: Any, **kwargs: Any) -> Any:
        with plt.style.context(STYLE):
            return function(*args, **kwargs)
    return draw


def time_unit(column: str) -> str:
    """The time unit a column name states (``os_days`` → days, ``pfs_months`` → months), else ""."""
    for word in re.split(r"[^a-z]+", column.lower()):
        if word in _UNITS:
            return _UNITS[word]
    return ""


def format_p(p: float) -> str:
    """p on a figure, as the tables print it in running text (`genoassoc.report.publication.p_label`)."""
    from genoassoc.report.publication import p_label

    return "p = n/a" if p != p else p_label(p)


def save(figure: Any, path: str | os.PathLike) -> Path:
    """Write a figure as PNG (300 dpi), SVG or PDF (by the extension), atomically and under the user's
    umask, and close it."""
    from genoassoc.io.records import write_bytes

    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise ValueError("figures are written as .png, .svg or .pdf")
    buffer = io.BytesIO()
    with plt.style.context(STYLE):
        figure.savefig(buffer, format=path.suffix.lower().lstrip("."), bbox_inches="tight")
    plt.close(figure)
    write_bytes(buffer.getvalue(), path)
    return path


def log_axis(axis: Any, which: str = "y") -> None:
    """A log axis labelled in plain numbers at the decades and at 2 and 5 between them."""
    scale = axis.set_yscale if which == "y" else axis.set_xscale
    target = axis.yaxis if which == "y" else axis.xaxis
    scale("log")
    target.set_major_locator(matplotlib.ticker.LogLocator(base=10))
    target.set_minor_locator(matplotlib.ticker.LogLocator(base=10, subs=(2.0, 5.0)))
    plain = matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:g}")
    target.set_major_formatter(plain)
    target.set_minor_formatter(plain)


@styled
def kaplan_meier_plot(time: ArrayLike, event: ArrayLike, group: ArrayLike, labels: list[str] | None = None, *,
                      xlabel: str = "", unit: str = "", ylabel: str = "Survival probability", title: str = "",
                      legend_title: str = "", ci: bool = False, risk_times: Sequence[float] | None = None,
                      p_lines: Sequence[str] | None = None) -> Any:
    """Kaplan–Meier curves by group with censoring marks, optional 95% CI bands (log), the log-rank
    p (or `p_lines`: the tests a result reports, each labelled), the groups with their n in a titled
    legend, and the numbers at risk under the x-axis ticks (at `risk_times` when given). The x-axis
    reads ``Time (months)`` from `unit`, or `xlabel`."""
    from genoassoc.stats import survival

    times, events, groups = np.asarray(time, float), np.asarray(event, int), np.asarray(group).astype(str)
    levels = labels or [str(level) for level in pd.unique(groups)]
    figure = plt.figure(figsize=(6, 5.2))
    # the legend sits above the curves (never on them), the numbers at risk below the axis
    axis = figure.add_axes((0.16, 0.33, 0.80, 0.50))
    risk_axis = figure.add_axes((0.16, 0.04, 0.80, 0.15), sharex=axis)
    risk_axis.set_gid("risk-table")
    for index, level in enumerate(levels):
        members = groups == level
        if not members.any():
            continue
        fit = survival.kaplan_meier(times[members], events[members])
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        steps_t, steps_s = np.r_[0, fit.time], np.r_[1, fit.surv]
        axis.step(steps_t, steps_s, where="post", color=colour, label=f"{level} (n={fit.n}, events={fit.events})")
        censored = fit.n_censor > 0
        axis.plot(fit.time[censored], fit.surv[censored], "|", color=colour, markersize=7)
        if ci:
            axis.fill_between(steps_t, np.r_[1, fit.lower], np.r_[1, fit.upper], step="post", color=colour,
                              alpha=0.15, linewidth=0)
    if p_lines is None and len(levels) > 1:
        p_lines = [f"log-rank {format_p(survival.logrank(times, events, groups).p)}"]
    if p_lines:
        axis.text(0.98, 0.95, "\n".join(p_lines), transform=axis.transAxes, ha="right", va="top", fontsize=8)
    horizon = float(times.max()) if len(times) else 1.0
    axis.set_ylim(0, 1.03)
    axis.set_xlim(0, horizon * 1.02)
    if risk_times is None:
        ticks = [tick for tick in axis.xaxis.get_major_locator().tick_values(0, horizon) if 0 <= tick <= horizon]
    else:
        ticks = list(risk_times)
    axis.set_xticks(ticks)
    axis.set_xlabel(xlabel or (f"Time ({unit})" if unit else "Time"))
    axis.set_ylabel(ylabel)
    if title:
        figure.text(0.16, 0.985, title, ha="left", va="top", fontsize=10)
    axis.legend(loc="lower left", bbox_to_anchor=(0.0, 1.02), title=legend_title or None, alignment="left",
                borderaxespad=0.0, ncol=1 if len(levels) > 2 else len(levels))
    for index, level in enumerate(levels):
        members = groups == level
        for moment in ticks:
            risk_axis.text(moment, len(levels) - index - 1, str(int((times[members] >= moment).sum())),
                           ha="center", va="center", color=OKABE_ITO[index % len(OKABE_ITO)])
    risk_axis.set_ylim(-0.5, len(levels) - 0.5)
    risk_axis.set_yticks(range(len(levels)), list(reversed(levels)))
    risk_axis.tick_params(axis="x", labelbottom=False, length=0)
    # clear of the first column of numbers, which is centred on the axis
    risk_axis.tick_params(axis="y", length=0, pad=16)
    risk_axis.set_title("Number at risk", loc="left", fontsize=8)
    for spine in ("top", "right", "left", "bottom"):
        risk_axis.spines[spine].set_visible(False)
    return figure


@styled
def incidence_plot(result: Any, *, unit: str = "", xlabel: str = "", cause_label: str = "",
                   competing_label: str = "competing event") -> Any:
    """Cumulative incidence curves per genotype group from `genoassoc.competing_risks`: the cause of
    interest solid, the competing cause dashed, one colour per group, Gray's p for each cause."""
    figure, axis = plt.subplots(figsize=(7.5, 4.2))
    groups = list(dict.fromkeys(label for label, _ in result.curves))
    horizon = 0.0
    for index, label in enumerate(groups):
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        for code, style in ((1, "-"), (2, "--")):
            curve = result.curves.get((label, code))
            if curve is None:
                continue
            horizon = max(horizon, float(curve.time[-1]))
            name = (cause_label or f"{result.cause} = {result.failcode}") if code == 1 else competing_label
            axis.step(curve.time, curve.est, where="post", color=colour, linestyle=style, label=f"{label}: {name}")
    tests = result.table[result.table["row"] == "test"]
    lines = [f"Gray's test, {'cause of interest' if row['cause'] == 'cause of interest' else 'competing'}: "
             f"{format_p(row['p'])}" for _, row in tests.iterrows() if row["p"] == row["p"]]
    if lines:
        axis.text(0.02, 0.97, "\n".join(lines), transform=axis.transAxes, ha="left", va="top")
    axis.set_ylim(0, 1.0)
    axis.set_xlim(0, horizon * 1.02 or 1.0)
    axis.set_xlabel(xlabel or (f"Time ({unit})" if unit else "Time"))
    axis.set_ylabel("Cumulative incidence")
    _genotype_legend(axis, result.table.iloc[0])
    figure.subplots_adjust(right=0.62)
    return figure


def _genotype_legend(axis: Any, row: Any) -> None:
    """The genotype groups' legend right of the plot, titled with locus, model and effect allele."""
    axis.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), alignment="left",
                title=f"{row['locus']}, {row['model']}\n(effect allele {row['effect_allele']})")


@styled
def spaghetti_plot(result: Any, *, xlabel: str = "", ylabel: str = "") -> Any:
    """Each sample's measurements over time as a thin line coloured by genotype group, with the
    mixed model's fitted mean per group as a thick line (`genoassoc.longitudinal`); a log axis for a
    log-scale model."""
    data = result.data
    figure, axis = plt.subplots(figsize=(6.5, 4.2))
    groups = list(dict.fromkeys(result.table.iloc[0]["groups"].split(" | ")))
    for index, group in enumerate(groups):
        colour = OKABE_ITO[index % len(OKABE_ITO)]
        members = data[data["group"] == group]
        for _, trajectory in members.groupby("sample", sort=False, observed=True):
            ordered = trajectory.sort_values("time")
            axis.plot(ordered["time"], ordered["outcome"], color=colour, alpha=0.35, linewidth=0.8, marker="o",
                      markersize=2)
        if len(members):
            span = np.linspace(float(members["time"].min()), float(members["time"].max()), 50)
            axis.plot(span, result.fitted(group, span), color=colour, linewidth=2.4,
                      label=f"{group} (n={members['sample'].nunique()})")
    if result.log:
        log_axis(axis, "y")
    unit = time_unit(result.time)
    axis.set_xlabel(xlabel or (f"Time ({unit})" if unit else result.time))
    axis.set_ylabel(ylabel or (f"{result.outcome} (log scale)" if result.log else result.outcome))
    _genotype_legend(axis, result.table.iloc[0])
    figure.subplots_adjust(right=0.7)
    return figure


@styled
def box_plot(values: ArrayLike, group: ArrayLike, labels: list[str], *, ylabel: str, xlabel: str = "",
             p: float | None = None, test: str = "", title: str = "", log: bool = False) -> Any:
    """Box plot with every observation as a jittered point, the groups with their n, and the test p;
    a log axis only when `log`."""
    data_values, groups = np.asarray(values, float), np.asarray(group).astype(str)
    figure, axis = plt.subplots(figsize=(4.4, 4))
    data = [data_values[groups == label] for label in labels]
    axis.boxplot(data, positions=range(1, len(labels) + 1), widths=0.5, showfliers=False,
                 medianprops={"color": "black", "linewidth": 1.5})
    rng = np.random.default_rng(0)
    for index, points in enumerate(data, start=1):
        axis.scatter(index + rng.uniform(-0.12, 0.12, len(points)), points, s=14,
                     color=OKABE_ITO[(index - 1) % len(OKABE_ITO)], alpha=0.8, zorder=3)
    axis.set_xticks(range(1, len(labels) + 1), [f"{label}\n(n={len(points)})"
                                                for label, points in zip(labels, data, strict=True)])
    axis.set_ylabel(ylabel)
    axis.set_xlabel(xlabel or "Group")
    if log:
        log_axis(axis, "y")
    if p is not None:
        axis.set_title(f"{title}\n{test} {format_p(p)}".strip(), loc="left")
    elif title:
        axis.set_title(title, loc="left")
    return figure


@styled
def scatter_plot(x: ArrayLike, y: ArrayLike, *, xlabel: str, ylabel: str, r: float, p: float,
                 method: str = "Spearman") -> Any:
    """Scatter of two variables with the correlation coefficient (ρ for Spearman, τ for Kendall, r for
    Pearson) and p in the corner."""
    from genoassoc.report.publication import number

    symbol = {"spearman": "ρ", "kendall": "τ"}.get(method.lower(), "r")
    figure, axis = plt.subplots(figsize=(4.4, 4))
    axis.scatter(np.asarray(x, float), np.asarray(y, float), s=18, color=OKABE_ITO[0], alpha=0.85)
    axis.set_xlabel(xlabel)
    axis.set_ylabel(ylabel)
    axis.text(0.03, 0.97, f"{method.capitalize()} {symbol} = {number(r)}, {format_p(p)}", transform=axis.transAxes,
              va="top")
    return figure


def correlation_plot(result: Any) -> Any:
    """The scatter of a correlation result (`genoassoc.analysis.continuous.correlation`): the pairs it
    used and the coefficient and p its table reports."""
    row = result.table.iloc[0]
    return scatter_plot(result.data["x"], result.data["y"], xlabel=result.x, ylabel=result.y, r=row["estimate"],
                        p=row["p"], method=result.method)


def association_plot(result: Any, *, unit: str = "", log_axes: bool = False, ci: bool = False, xlabel: str = "") -> Any:
    """The figure of an association result (`genoassoc.analysis.association.associate`), drawn from
    the samples it analysed: Kaplan–Meier curves by genotype group with its log-rank p for survival, a
    box plot with its rank-test p for a continuous outcome; None for a binary outcome."""
    data, test = result.data, result.primary_test()
    if data is None or result.outcome_type in ("binary", "ordinal"):
        return None
    labels = list(result.groups)
    if result.outcome_type == "time-to-event":
        lines = [f"log-rank {format_p(float(test['p']))}"] if test is not None else []
        return kaplan_meier_plot(data["outcome"], data["event"], data["group"], labels, unit=unit, xlabel=xlabel,
                                 legend_title=result.title, p_lines=lines, ci=ci)
    present = [label for label in labels if (data["group"] == label).any()]
    return box_plot(data["outcome"], data["group"], present, ylabel=result.outcome, xlabel=result.title,
                    p=float(test["p"]) if test is not None else None, test=test["test"] if test is not None else "",
                    log=log_axes)


def cutpoint_split_plot(result: Any, cohort: str, *, unit: str = "") -> Any:
    """Kaplan–Meier curves of a cohort split at the discovery cut (`genoassoc.analysis.cutpoints`),
    with the p values the table reports, each labelled: in discovery the log-rank p at the cut as if it
    had been fixed in advance beside the p adjusted for the search (and the permutation p when
    computed); in validation the log-rank p of the cut applied unchanged."""
    data = result.data[cohort]
    table = result.table
    labels = [f"{result.marker} ≤ {result.cut:g}", f"{result.marker} > {result.cut:g}"]
    groups = np.where(data["marker"] > result.cut, labels[1], labels[0])
    if cohort == "discovery":
        row = table[(table["cohort"] == "discovery") & table["analysis"].str.startswith("optimal cut")].iloc[0]
        lines = [f"log-rank {format_p(float(row['p_unadjusted']))} (unadjusted)",
                 f"{format_p(float(row['p_lau94']))} adjusted for the search (Lau94)"]
        if row["p_permutation"] == row["p_permutation"]:
            lines.append(f"{format_p(float(row['p_permutation']))} by {int(row['permutations'])} permutations")
    else:
        row = table[(table["cohort"] == cohort) & (table["analysis"] == "discovery optimal cut applied")].iloc[0]
        lines = [f"log-rank {format_p(float(row['p']))} (cut fixed in discovery)"]
    return kaplan_meier_plot(data["time"], data["event"], groups, labels, unit=unit, legend_title=result.marker,
                             title=f"{cohort} cohort", p_lines=lines)


@styled
def cutpoint_plot(cuts: pd.DataFrame, *, marker: str, chosen: float | None = None) -> Any:
    """Hazard ratio (high vs low, 95% CI) and standardised log-rank statistic across candidate cuts,
    the chosen cut marked (by default the cut with the largest statistic)."""
    if chosen is None and len(cuts):
        chosen = float(cuts.loc[cuts["statistic"].idxmax(), "cut"])
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(5, 5), sharex=True)
    if cuts["hazard_ratio"].notna().any():
        cut, low, high = (np.asarray(cuts[name], dtype=float) for name in ("cut", "ci_lo", "ci_hi"))
        top.plot(cut, np.asarray(cuts["hazard_ratio"], dtype=float), color=OKABE_ITO[0])
        top.fill_between(cut, low, high, color=OKABE_ITO[0], alpha=0.15, linewidth=0)
        top.axhline(1, color="grey", linewidth=0.8)
        log_axis(top, "y")
    top.set_ylabel("Hazard ratio, high vs low")
    bottom.plot(cuts["cut"], cuts["statistic"], color=OKABE_ITO[1])
    bottom.set_ylabel("Standardised log-rank")
    bottom.set_xlabel(f"Cut-point of {marker}")
    top.set_xlabel(f"Cut-point of {marker}")
    top.xaxis.label.set_visible(False)
    if chosen is not None:
        for axis in (top, bottom):
            axis.axvline(chosen, color=OKABE_ITO[5], linestyle="--", linewidth=1)
        bottom.text(chosen, bottom.get_ylim()[1], f" cut {chosen:g}", color=OKABE_ITO[5], va="top")
    return figure


@styled
def forest_plot(table: pd.DataFrame, *, label: str = "term", estimate: str = "hr", low: str = "ci_lo",
                high: str = "ci_hi", p: str = "p", title: str = "Hazard ratio (95% CI)") -> Any:
    """Forest plot of a Cox table: one row per term, log scale, and beside each the estimate with its
    CI and p as the publication tables print them, in a column of their own."""
    from genoassoc.report.publication import interval

    rows = table.dropna(subset=[estimate]).reset_index(drop=True)
    figure, axis = plt.subplots(figsize=(7.5, 0.5 * max(len(rows), 1) + 1.3))
    figure.subplots_adjust(left=0.28, right=0.62)
    y = np.arange(len(rows))[::-1]
    axis.errorbar(rows[estimate], y, xerr=[rows[estimate] - rows[low], rows[high] - rows[estimate]], fmt="s",
                  color=OKABE_ITO[0], ecolor="black", capsize=3, markersize=6)
    axis.axvline(1, color="grey", linewidth=0.8)
    log_axis(axis, "x")
    spread = np.log10(max(float(rows[high].max()), 1.0) / min(float(rows[low].min()), 1.0)) if len(rows) else 0
    if spread > 2:  # labels at 2 and 5 only while they have room
        axis.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    axis.set_yticks(y, rows[label].astype(str))
    axis.set_ylim(-0.7, len(rows) - 0.3)
    axis.set_xlabel(title)
    axis.set_ylabel("Variable")
    axis.text(1.04, len(rows) - 0.3, "HR (95% CI), p", transform=axis.get_yaxis_transform(), va="bottom",
              fontsize=9, fontweight="bold")
    for y_value, (_, row) in zip(y, rows.iterrows(), strict=True):
        axis.text(1.04, y_value, f"{interval(row[estimate], row[low], row[high])}, {format_p(row[p])}",
                  transform=axis.get_yaxis_transform(), va="center", fontsize=9)
    return figure


@styled
def meta_forest_plot(table: pd.DataFrame, *, title: str = "") -> Any:
    """Forest plot of a `genoassoc meta` table: each cohort's estimate as a square sized by its weight
    with its 95% CI, the pooled estimate as a diamond, heterogeneity (I², tau², Q p) below; a log
    axis for ratios."""
    cohorts = table[table["row"] == "cohort"].reset_index(drop=True)
    pooled = table[table["row"] == "pooled"].iloc[0]
    ratio = not str(pooled["estimate_name"]).startswith("pooled log estimate")
    figure, axis = plt.subplots(figsize=(6.5, 0.42 * (len(cohorts) + 2) + 1.3))
    y = np.arange(len(cohorts))[::-1] + 2
    sizes = 20 + 180 * cohorts["weight"].to_numpy(float) / 100
    axis.hlines(y, cohorts["ci_lo"], cohorts["ci_hi"], color="black", linewidth=1)
    axis.scatter(cohorts["estimate"], y, s=sizes, marker="s", color=OKABE_ITO[0], zorder=3)
    low, middle, high = float(pooled["ci_lo"]), float(pooled["estimate"]), float(pooled["ci_hi"])
    axis.fill([low, middle, high, middle], [0.5, 0.8, 0.5, 0.2], color=OKABE_ITO[5], zorder=3)
    axis.axvline(1 if ratio else 0, color="grey", linewidth=0.8)
    axis.axvline(middle, color=OKABE_ITO[5], linewidth=0.6, linestyle=":")
    if ratio:
        log_axis(axis, "x")
    labels = list(cohorts["cohort"].astype(str)) + ["Pooled"]
    axis.set_yticks(list(y) + [0.5], labels)
    axis.set_ylim(-0.4, len(cohorts) + 1.6)
    name = str(pooled["estimate_name"]).removeprefix("pooled ").split(",")[0]
    axis.set_xlabel(name)
    axis.set_ylabel("Cohort")
    for y_value, (_, row) in zip(list(y) + [0.5], list(cohorts.iterrows()) + [(None, pooled)], strict=True):
        axis.text(1.02, y_value, f"{row['estimate']:.2f} ({row['ci_lo']:.2f}-{row['ci_hi']:.2f})  "
                                 f"{row['weight']:.1f}%", transform=axis.get_yaxis_transform(), va="center",
                  fontsize=8)
    axis.text(0.0, -0.22, f"{pooled['method']}: I² = {pooled['i2']:.1f}%, tau² = {pooled['tau2']:.3g}, "
                          f"Q = {pooled['q']:.2f} on {int(pooled['q_df'])} df, {format_p(pooled['q_p'])}; "
                          f"pooled {format_p(pooled['p'])}", transform=axis.transAxes, fontsize=8, va="top")
    if title:
        axis.set_title(title, loc="left")
    return figure


# the dye colours Sanger viewers use (Chromas, SnapGene): A green, C blue, G black, T red
TRACE_COLOURS = {"A": "#1a9850", "C": "#2166ac", "G": "#111111", "T": "#d73027"}


@styled
def trace_window(trace: Any, index: int, title: str, each_side: int = 10) -> Any:
    """The four channels of a Sanger trace around base `index` (the SNP, dashed), with the base calls."""
    low, high = max(0, index - each_side), min(len(trace.bases) - 1, index + each_side)
    start = max(0, int(trace.peaks[low]) - 6)
    end = min(len(next(iter(trace.channels.values()))), int(trace.peaks[high]) + 7)
    figure, axis = plt.subplots(figsize=(6.5, 2.8))
    x = np.arange(start, end)
    top = 0.0
    for base in "ACGT":
        values = trace.channels[base][start:end]
        top = max(top, float(values.max()) if len(values) else 0.0)
        axis.plot(x, values, color=TRACE_COLOURS[base], linewidth=1.1, label=base)
    for position in range(low, high + 1):
        axis.text(trace.peaks[position], top * 1.04, trace.bases[position], ha="center", va="bottom", fontsize=8,
                  color=TRACE_COLOURS.get(trace.bases[position], "#777777"),
                  fontweight="bold" if position == index else "normal")
    axis.axvline(trace.peaks[index], color="#888888", linestyle="--", linewidth=0.9)
    axis.set_ylim(0, top * 1.15 if top > 0 else 1)
    axis.set_xlabel("trace (scan)")
    axis.set_ylabel("signal")
    axis.set_title(title, fontsize=9)
    axis.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7)  # beside the plot: off the base calls
    return figure


@styled
def gel_overlay(reading: Any, labels: dict[tuple[int, int], str] | None = None, problem: str = "") -> Any:
    """The evidence of a gel photo read by `genoassoc.calling.gel_image.read_gel`: the straightened
    photo with each tier's well row (dashed), each lane's centre, every detected band (sizes in bp;
    bands not sized, outside the ladder, in orange), the ladder bands used for sizing (the ladder
    lanes' other bands as white ticks), and each lane's label ((tier, lane) → sample and call) above
    it. For a refused photo (`problem`) it shows what was found before the step that failed."""
    image = reading.image
    height, width = image.shape
    figure = plt.figure(figsize=(min(14.0, max(6.0, width / 90)), min(14.0, max(4.0, height / 90))))
    axis = figure.add_axes((0.02, 0.02, 0.96, 0.9))
    axis.imshow(image, cmap="gray", aspect="equal", vmin=0, vmax=float(np.percentile(image, 99.8)) or 1)
    for tier, row in reading.wells.items():
        axis.axhline(row, color=OKABE_ITO[3], linewidth=0.6, linestyle="--", alpha=0.8)
        axis.text(2, row - 2, f"wells, tier {tier}", color=OKABE_ITO[3], fontsize=5, va="bottom")
    sized = {(int(band["tier"]), int(band["lane"])) for _, band in reading.bands.iterrows()}
    fitted = {(fit.tier, fit.lane): set(fit.positions) for fit in reading.ladders}
    for lane in reading.lanes:
        if (lane.tier, lane.lane) in sized:
            continue
        for y in reading.peaks.get((lane.tier, lane.lane), []):
            if y not in fitted.get((lane.tier, lane.lane), set()):
                axis.plot([lane.x - 5, lane.x + 5], [y, y], color="white", linewidth=0.6)
    for lane in reading.lanes:
        axis.axvline(lane.x, color=OKABE_ITO[4], linewidth=0.4, alpha=0.5)
        axis.text(lane.x, reading.wells.get(lane.tier, 0) - 4, str(lane.lane), color="white", fontsize=6,
                  ha="center", va="bottom")
    for fit in reading.ladders:
        x = next(lane.x for lane in reading.lanes if lane.tier == fit.tier and lane.lane == fit.lane)
        for y, size in zip(fit.positions, fit.sizes, strict=True):
            axis.plot([x - 8, x + 8], [y, y], color=OKABE_ITO[2], linewidth=0.8)
            axis.text(x - 10, y, f"{size:g}", color=OKABE_ITO[2], fontsize=5, ha="right", va="center")
    for _, band in reading.bands.iterrows():
        colour = OKABE_ITO[1] if band["used"] else OKABE_ITO[5]
        axis.plot([band["x"] - 8, band["x"] + 8], [band["y"], band["y"]], color=colour, linewidth=0.8)
        label = f"{band['size_bp']:.0f}" if band["used"] else "?"
        axis.text(band["x"] + 10, band["y"], label, color=colour, fontsize=5, va="center")
    upright = len(reading.lanes) > 14  # turned labels never overlap
    for lane in reading.lanes:
        text = (labels or {}).get((lane.tier, lane.lane))
        if text:
            axis.text(lane.x, reading.wells.get(lane.tier, 0) - 14, text, color="yellow", fontsize=5,
                      ha="center", va="bottom", rotation=90 if upright else 0)
    axis.set_xlim(0, width)
    axis.set_ylim(height, min(0.0, min(reading.wells.values(), default=0.0) - (75 if upright else 45)))
    axis.set_xticks([])
    axis.set_yticks([])
    axis.set_xlabel("Lanes, numbered left to right per tier")
    axis.set_ylabel("Migration from the wells")
    title = f"{reading.name}: lanes, bands (bp) and calls"
    axis.set_title(f"{reading.name}: refused. {problem}" if problem else title, loc="left", fontsize=8,
                   wrap=True)
    return figure


def _expected_bands(matched: str) -> list[float]:
    """The expected sizes of a called lane from the calls' ``matched_bp`` evidence (observed=expected)."""
    expected = []
    for lane in str(matched).split(";"):
        for pair in lane.split(","):
            if "=" in pair:
                expected.append(float(pair.split("=")[1]))
    return sorted(set(expected), reverse=True)


@styled
def virtual_gel(calls: pd.DataFrame, *, samples: list[str] | None = None) -> Any:
    """A drawn gel: for each sample lane its observed bands (dark) beside the expected pattern of the
    called genotype (light), so a lab can eyeball its calls. Uses the RFLP calls table's evidence
    (``observed_bp``, ``matched_bp``), whether the sizes were declared or learned from the gel. Lane
    labels turn vertical when many and never overlap."""
    rows = calls[calls["source"] == "rflp"]
    if samples is not None:
        rows = rows[rows["sample"].isin(samples)]
    rows = rows.reset_index(drop=True)
    width = min(max(4.0, 0.32 * len(rows) + 1.5), 16.0)
    figure, axis = plt.subplots(figsize=(width, 4.2))
    sizes = []
    for index, row in rows.iterrows():
        observed = [float(size) for lane in str(row["observed_bp"]).split(";") for size in lane.split(",") if size]
        expected = _expected_bands(row["matched_bp"]) if row["genotype"] else []
        for size in observed:
            axis.plot([index - 0.35, index - 0.02], [size, size], color="black", linewidth=2.2)
        for size in expected:
            axis.plot([index + 0.02, index + 0.35], [size, size], color=OKABE_ITO[4], linewidth=2.2)
        sizes += observed + expected
    log_axis(axis, "y")
    if sizes:
        axis.set_ylim(min(sizes) * 0.8, max(sizes) * 1.25)
    labels = [f"{sample} {genotype or 'no call'}" for sample, genotype in zip(rows["sample"], rows["genotype"],
                                                                              strict=True)]
    # labels fit when each lane has room for one line of text; beyond that they turn vertical
    vertical = len(rows) > 10
    axis.set_xticks(range(len(rows)), labels if vertical else [label.replace(" ", "\n", 1) for label in labels],
                    rotation=90 if vertical else 0, fontsize=7)
    axis.set_xlim(-0.6, len(rows) - 0.4)
    axis.set_xlabel("Sample and call")
    axis.set_ylabel("Fragment size (bp)")
    axis.set_title("Observed bands (black) and expected pattern of the call (blue)", loc="left", fontsize=8)
    return figure


def labelled_axes(figure: Any) -> bool:
    """Whether every plotting axis of a figure (not the at-risk table) names its x and y axes."""
    return all(axis.get_xlabel() and axis.get_ylabel() for axis in figure.axes if axis.get_gid() != "risk-table")


@styled
def standard_curve_plot(result: Any, plate: str | None = None) -> Any:
    """An ELISA plate's standard curve (`genoassoc.analysis.elisa.ElisaResult`): the standard wells,
    the fitted curve on a log concentration axis, the LLOQ and ULOQ, and each sample's mean OD placed
    on the curve (samples beyond the limits drawn at the limit, open)."""
    curves = {curve.plate: curve for curve in result.curves}
    curve = curves[plate] if plate is not None else result.curves[0]
    figure, axis = plt.subplots(figsize=(4.6, 3.4))
    fit = curve.fit
    low = min(curve.standards["conc"].min(), curve.lloq) / 2
    high = max(curve.standards["conc"].max(), curve.uloq) * 1.5
    grid = np.geomspace(low, high, 200)
    axis.plot(grid, fit.response(grid), color=OKABE_ITO[0], lw=1.2,
              label=f"{fit.model.upper()} fit (R² {fit.r_squared:.4f})")
    axis.scatter(curve.standards["conc"], curve.standards["od"], s=14, color=OKABE_ITO[0], zorder=3,
                 label="standards")
    wells = result.wells[(result.wells["plate"] == curve.plate) & (result.wells["role"] == "sample")]
    samples = wells.groupby(["sample", "dilution"], sort=False, observed=True).agg(od=("od", "mean"))
    conc = fit.concentration(samples["od"].to_numpy())[0]
    inside = ~np.isnan(conc)
    clipped = np.clip(np.where(inside, conc, np.where(samples["od"] < fit.response(curve.lloq), curve.lloq,
                                                       curve.uloq)), curve.lloq, curve.uloq)
    within = inside & (conc >= curve.lloq) & (conc <= curve.uloq)
    axis.scatter(clipped[within], samples["od"].to_numpy()[within], s=12, marker="D", color=OKABE_ITO[1], zorder=4,
                 label="samples (mean of wells)")
    if (~within).any():
        axis.scatter(clipped[~within], samples["od"].to_numpy()[~within], s=14, marker="D", facecolors="none",
                     edgecolors=OKABE_ITO[5], zorder=4, label="samples beyond the limits")
    for value, name in ((curve.lloq, "LLOQ"), (curve.uloq, "ULOQ")):
        axis.axvline(value, color="0.5", lw=0.8, ls="--")
        axis.annotate(f"{name} {value:g}", (value, 1.0), xycoords=("data", "axes fraction"), rotation=90,
                      ha="right", va="top", fontsize=7, color="0.35")
    axis.set_xscale("log")
    axis.set_xlabel(f"{result.analyte} concentration (standards' unit, log scale)")
    axis.set_ylabel("OD (blank-corrected)")
    axis.set_title(f"Plate {curve.plate}", fontsize=9)
    axis.legend(loc="lower right", fontsize=7)
    figure.tight_layout()
    return figure
