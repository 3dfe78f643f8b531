"""Rank tests and correlations against R (tests/golden/assoc/make_golden.R)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import read_golden
from hypothesis import given, settings
from hypothesis import strategies as st

from genoassoc.stats.continuous import describe, kruskal_wallis, mann_whitney, paired_wilcoxon
from genoassoc.stats.correlation import correlate

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "assoc"


@pytest.fixture(scope="module")
def r():
    return read_golden(GOLDEN / "r_golden.tsv")


@pytest.fixture(scope="module")
def data():
    cohort = pd.read_csv(GOLDEN / "cohort.tsv", sep="\t")
    calls = pd.read_csv(GOLDEN / "calls.tsv", sep="\t", keep_default_na=False)
    calls = calls[calls["status"] == "called"]
    d = cohort.merge(calls, on="sample").sort_values("sample").reset_index(drop=True)
    d["g"] = d["genotype"].str.count("G")
    return d


def close(value, expected, rel=1e-6):
    assert value == pytest.approx(expected, rel=rel, abs=1e-300)


@pytest.mark.parametrize("model, mask", [("dominant", lambda g: g > 0), ("recessive", lambda g: g == 2),
                                         ("overdominant", lambda g: g == 1)])
@pytest.mark.parametrize("column", ["il6", "il6_rounded"])
def test_mann_whitney_matches_wilcox_test(data, r, model, mask, column):
    carriers = mask(data["g"])
    result = mann_whitney(data.loc[~carriers, column], data.loc[carriers, column])
    close(result.statistic, r[f"wilcox.{model}.{column}.W"])
    close(result.p, r[f"wilcox.{model}.{column}.p"])


def test_exact_mann_whitney(data, r):
    small = data.iloc[:20]
    carriers = small["g"] > 0
    result = mann_whitney(small.loc[~carriers, "il6"], small.loc[carriers, "il6"], exact=True)
    close(result.statistic, r["wilcox.exact.dominant.il6.W"])
    close(result.p, r["wilcox.exact.dominant.il6.p"])


@pytest.mark.parametrize("column", ["il6", "il6_rounded"])
def test_kruskal_matches_r(data, r, column):
    result = kruskal_wallis([data.loc[data["g"] == k, column] for k in (0, 1, 2)])
    close(result.statistic, r[f"kruskal.{column}.stat"])
    close(result.p, r[f"kruskal.{column}.p"])
    assert result.df == 2


def test_paired_wilcoxon_matches_r(data, r):
    result = paired_wilcoxon(data["il6_pre"], data["il6_post"])
    close(result.statistic, r["paired.V"])
    close(result.p, r["paired.p"])
    small = data.iloc[:15]
    exact = paired_wilcoxon(small["il6_pre"], small["il6_post"], exact=True)
    close(exact.statistic, r["paired.exact.V"])
    close(exact.p, r["paired.exact.p"])


@pytest.mark.parametrize("method", ["spearman", "pearson", "kendall"])
@pytest.mark.parametrize("subset", ["all", "small", "ties"])
def test_correlation_matches_cor_test(data, r, method, subset):
    x = data["il6_rounded"] if subset == "ties" else data["il6"]
    y = data["c0"]
    if subset == "small":
        x, y = x.iloc[:20], y.iloc[:20]
    result = correlate(x, y, method)
    key = f"cor.{method}.{subset}"
    close(result.estimate, r[f"{key}.estimate"])
    close(result.statistic, r[f"{key}.statistic"], rel=1e-5)
    close(result.p, r[f"{key}.p"], rel=1e-5)
    if method == "pearson":
        close(result.ci_lo, r[f"{key}.lo"])
        close(result.ci_hi, r[f"{key}.hi"])


def test_describe_uses_type7_quantiles():
    summary = describe(np.array([1.0, 2, 3, 4, 10]))
    assert (summary["q1"], summary["median"], summary["q3"]) == (2, 3, 4)
    assert summary["sd"] == pytest.approx(np.std([1, 2, 3, 4, 10], ddof=1))


@pytest.mark.parametrize("dataset", ["ties", "underflow"])
def test_kendall_z_is_computed_from_the_statistic_as_r(dataset):
    """R cor.test(method = "kendall", exact = FALSE) on tied data (tests/golden/kendall): z stays finite
    where p underflows to 0."""
    from pathlib import Path

    import pandas as pd

    from genoassoc.stats.correlation import correlate

    folder = Path(__file__).parents[1] / "golden" / "kendall"
    data = pd.read_csv(folder / "data.tsv", sep="\t")
    golden = pd.read_csv(folder / "r_golden.tsv", sep="\t").set_index("dataset").loc[dataset]
    subset = data[data["dataset"] == dataset]
    result = correlate(subset["x"], subset["y"], "kendall")
    assert result.statistic_name == "z"
    assert result.statistic == pytest.approx(golden["z"], rel=1e-12)
    assert result.estimate == pytest.approx(golden["tau"], rel=1e-12)
    assert result.p == pytest.approx(golden["p"], rel=1e-9, abs=1e-300)


def test_wilcoxon_defaults_are_r_defaults():
    """R's exact = NULL: exact below 50 values per group (or pairs) without ties or zeros."""
    from genoassoc.stats.continuous import mann_whitney, paired_wilcoxon

    rng = np.random.default_rng(3)
    before = rng.normal(10, 2, 25).round(4)
    after = before + rng.normal(0.3, 1, 25).round(4)
    assert paired_wilcoxon(before, after).test == "Wilcoxon signed-rank (exact)"
    assert paired_wilcoxon(before, after, exact=False).test == "Wilcoxon signed-rank"
    tied = after.copy()
    tied[0] = before[0]
    assert paired_wilcoxon(before, tied).test == "Wilcoxon signed-rank"
    assert mann_whitney(before, after).test == "Mann-Whitney U (exact)"
    assert mann_whitney(np.arange(60.0), np.arange(60.0) + 0.5).test == "Mann-Whitney U"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 6) | st.floats(-5, 5, allow_nan=False), min_size=1, max_size=30),
                min_size=2, max_size=4))
def test_kruskal_equals_scipy_with_ties(groups):
    """The numpy Kruskal-Wallis (scipy.stats is not imported for it) is scipy.stats.kruskal's."""
    from scipy import stats

    if len(set(np.concatenate([np.asarray(group, float) for group in groups]))) < 2:
        assert np.isnan(kruskal_wallis(groups).statistic)
        return
    ours, theirs = kruskal_wallis(groups), stats.kruskal(*groups)
    assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-10, abs=1e-12)
    assert ours.p == pytest.approx(theirs.pvalue, rel=1e-9, abs=1e-15)
    assert ours.df == len(groups) - 1
