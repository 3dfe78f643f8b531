"""Figures are checked for what they show: labels, groups, at-risk numbers, statistics."""

import numpy as np
import pandas as pd
import pytest

from genoassoc.report import figures
from genoassoc.stats import survival


def texts(figure) -> list[str]:
    return [text.get_text() for axis in figure.axes for text in axis.texts]


def test_kaplan_meier_shows_groups_at_risk_and_logrank():
    rng = np.random.default_rng(1)
    time = np.r_[rng.exponential(10, 40), rng.exponential(20, 30)].round(1) + 0.1
    event = (rng.random(70) < 0.7).astype(int)
    group = np.array(["G/C+G/G"] * 40 + ["C/C"] * 30)
    figure = figures.kaplan_meier_plot(time, event, group, ["C/C", "G/C+G/G"], risk_times=[0, 10, 20],
                                       unit=figures.time_unit("os_months"), legend_title="rs1800796, dominant")
    main_axis, risk_axis = figure.axes
    legend = [text.get_text() for text in main_axis.get_legend().get_texts()]
    assert legend[0].startswith("C/C (n=30, events=") and legend[1].startswith("G/C+G/G (n=40")
    expected_p = survival.logrank(time, event, group).p
    assert f"log-rank {figures.format_p(expected_p)}" in texts(figure)
    at_risk = [text.get_text() for text in risk_axis.texts]
    for moment in (0, 10, 20):
        for label in ("C/C", "G/C+G/G"):
            assert str(int((time[group == label] >= moment).sum())) in at_risk
    assert [tick.get_text() for tick in risk_axis.get_yticklabels()] == ["G/C+G/G", "C/C"]
    assert main_axis.get_xlabel() == "Time (months)" and main_axis.get_ylabel() == "Survival probability"
    assert main_axis.get_legend().get_title().get_text() == "rs1800796, dominant"
    assert figures.labelled_axes(figure)
    # censoring marks: one marker line per group
    assert sum(1 for line in main_axis.lines if line.get_marker() == "|") == 2


def test_numbers_at_risk_sit_under_the_axis_ticks():
    rng = np.random.default_rng(4)
    time = rng.exponential(400, 60).round() + 1
    event = (rng.random(60) < 0.6).astype(int)
    group = np.where(np.arange(60) < 30, "A", "B")
    figure = figures.kaplan_meier_plot(time, event, group, ["A", "B"], unit=figures.time_unit("os_days"))
    main_axis, risk_axis = figure.axes
    ticks = [tick for tick in main_axis.get_xticks() if 0 <= tick <= time.max()]
    positions = sorted({text.get_position()[0] for text in risk_axis.texts})
    assert positions == pytest.approx(ticks) and all(tick == round(tick) for tick in ticks)
    for text in risk_axis.texts:
        moment, row = text.get_position()
        label = ["B", "A"][int(row)]
        assert text.get_text() == str(int((time[group == label] >= moment).sum()))
    assert main_axis.get_xlabel() == "Time (days)"


def test_time_units_from_column_names():
    assert [figures.time_unit(name) for name in ("os_days", "PFS_months", "os.weeks", "time_yr", "os")] == \
        ["days", "months", "weeks", "years", ""]


def test_box_plot_labels_counts_and_p(tmp_path):
    values = np.r_[np.arange(10.0), np.arange(5.0, 20.0)]
    group = np.array(["C/C"] * 10 + ["G/C+G/G"] * 15)
    figure = figures.box_plot(values, group, ["C/C", "G/C+G/G"], ylabel="IL-6 (pg/mL)", p=0.0123,
                              test="Mann-Whitney U", title="IL-6 day 15")
    axis = figure.axes[0]
    assert [tick.get_text() for tick in axis.get_xticklabels()] == ["C/C\n(n=10)", "G/C+G/G\n(n=15)"]
    assert axis.get_ylabel() == "IL-6 (pg/mL)" and axis.get_yscale() == "linear"
    assert "Mann-Whitney U p = 0.012" in axis.get_title(loc="left")
    assert figures.labelled_axes(figure)
    logged = figures.box_plot(values + 1, group, ["C/C", "G/C+G/G"], ylabel="IL-6", log=True).axes[0]
    assert logged.get_yscale() == "log"
    labels = {text.get_text() for text in logged.get_yticklabels(minor=True) + logged.get_yticklabels()}
    assert {"10", "2", "5"} <= labels
    svg = figures.save(figure, tmp_path / "box.svg").read_text()
    assert "G/C+G/G" in svg and "Mann-Whitney U" in svg


def test_scatter_forest_cutpoint_and_gel(tmp_path):
    figure = figures.scatter_plot([1, 2, 3, 4], [2, 1, 4, 3], xlabel="IL-6", ylabel="C0", r=0.6, p=0.4)
    assert "Spearman ρ = 0.600, p = 0.400" in texts(figure)
    assert figures.save(figure, tmp_path / "s.png").stat().st_size > 1000
    table = pd.DataFrame({"term": ["age (per unit)", "sex=M"], "hr": [1.02, 0.6], "ci_lo": [1.0, 0.4],
                          "ci_hi": [1.04, 0.9], "p": [0.04, 0.0005]})
    figure = figures.forest_plot(table)
    assert [tick.get_text() for tick in figure.axes[0].get_yticklabels()] == ["age (per unit)", "sex=M"]
    assert "0.600 (0.400–0.900), p < 0.001" in texts(figure)
    cuts = pd.DataFrame({"cut": [5.0, 10, 18.2, 25], "statistic": [1.0, 2.0, 3.1, 2.2],
                         "hazard_ratio": [1.2, 1.8, 2.9, 2.5], "ci_lo": [0.8, 1.1, 1.6, 1.3],
                         "ci_hi": [1.8, 2.9, 5.2, 4.8]})
    assert figures.labelled_axes(figure)
    figure = figures.cutpoint_plot(cuts, marker="IL-6")  # the chosen cut defaults to the largest statistic
    assert figure.axes[1].get_xlabel() == "Cut-point of IL-6" and " cut 18.2" in texts(figure)
    assert figures.labelled_axes(figure)
    assert figures.save(figure, tmp_path / "x.pdf").read_bytes()[:4] == b"%PDF"
    png = figures.save(figures.scatter_plot([1, 2, 3], [1, 2, 3], xlabel="a", ylabel="b", r=1, p=0), tmp_path / "d.png")
    from PIL import Image

    assert Image.open(png).info["dpi"] == pytest.approx((300, 300), abs=1)
    with pytest.raises(ValueError):
        figures.save(figure, tmp_path / "x.jpg")


def test_virtual_gel_draws_observed_and_expected_bands():
    from pathlib import Path

    from genoassoc.calling.rflp import call_rflp

    examples = Path(__file__).resolve().parent.parent.parent / "examples"
    calls = call_rflp(examples / "gel_sizes.tsv")
    shown = calls[(calls["locus"] == "rs1800796") & calls["sample"].isin(["P01", "P02", "P19"])]
    figure = figures.virtual_gel(shown)
    axis = figure.axes[0]
    assert [tick.get_text() for tick in axis.get_xticklabels()] == ["P01\nC/C", "P02\nG/C", "P19\nno call"]
    # P01: one observed + one expected band; P02: three + three; P19 (no bands): none.
    assert len(axis.lines) == 2 + 6
    assert figures.labelled_axes(figure)


def test_gel_labels_never_overlap():
    from pathlib import Path

    from genoassoc.calling.rflp import call_rflp

    examples = Path(__file__).resolve().parent.parent.parent / "examples"
    figure = figures.virtual_gel(call_rflp(examples / "gel_sizes.tsv"))
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    boxes = [label.get_window_extent(renderer) for label in figure.axes[0].get_xticklabels()]
    assert len(boxes) == 60
    assert all(not first.overlaps(second) for first, second in zip(boxes, boxes[1:], strict=False))
