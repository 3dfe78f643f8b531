"""The competing-risks analysis by genotype against R cmprsk (tests/golden/competing/make_golden.R):
the simulated cohort's genotypes enter as a calls table."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_run import run_cli
from conftest import read_golden

from genoassoc.analysis.competing_risks import competing_risks
from genoassoc.calls import read_calls
from genoassoc.errors import InputError
from genoassoc.phenotypes import read_phenotypes

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "competing"


@pytest.fixture(scope="module")
def r():
    return read_golden(GOLDEN / "r_golden.tsv")


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("competing")
    cohort = pd.read_csv(GOLDEN / "cohort.tsv", sep="\t")
    cohort.assign(locus="rs1800796")[["sample", "locus", "genotype"]].to_csv(folder / "calls.tsv", sep="\t",
                                                                               index=False)
    cohort.drop(columns=["genotype"]).assign(cause=cohort["cause"].map({0: "censored", 1: "progression",
                                                                        2: "death"})).to_csv(
        folder / "pheno.tsv", sep="\t", index=False)
    return read_calls(folder / "calls.tsv"), read_phenotypes(folder / "pheno.tsv"), folder


def test_incidence_tests_and_fine_gray_match_cmprsk(r, study):
    calls, phenotypes, _ = study
    result = competing_risks(calls, phenotypes, "rs1800796", "codominant", time="time", cause="cause",
                             failcode="progression", cencode="censored", at=[6, 12, 24])
    table = result.table
    incidence = table[table["row"] == "incidence"]
    assert len(incidence) == 3 * 2 * 3
    for _, row in incidence.iterrows():
        k = 1 if row["cause"] == "cause of interest" else 2
        key = f"cif|{row['group']}|{k}|{row['time']:g}"
        assert row["estimate"] == pytest.approx(r[f"{key}|est"], rel=1e-10)
        assert row["se"] ** 2 == pytest.approx(r[f"{key}|var"], rel=1e-10)
        assert (row["ci_lo"], row["ci_hi"]) == pytest.approx((r[f"{key}|lo"], r[f"{key}|hi"]), rel=1e-10)
    tests = table[table["row"] == "test"].set_index("cause")
    for k, cause in ((1, "cause of interest"), (2, "competing")):
        assert tests.at[cause, "statistic"] == pytest.approx(r[f"gray|{k}|stat"], rel=1e-10)
        assert tests.at[cause, "p"] == pytest.approx(r[f"gray|{k}|p"], rel=1e-8)
    assert list(table[table["row"] == "term"]["group"]) == ["G/C", "G/G"]
    assert "cause of interest 'progression'" in result.notes[-1]


def test_additive_fine_gray_with_covariate_matches_crr(r, study):
    calls, phenotypes, _ = study
    result = competing_risks(calls, phenotypes, "rs1800796", "additive", time="time", cause="cause",
                             failcode="progression", cencode="censored", covariates=["age"])
    fits = result.table[result.table["row"] == "term"]
    terms = fits[fits["adjustment"] == "adjusted for age"].set_index("group")
    assert list(terms.index) == ["G copies", "age"]
    assert list(terms["term_kind"]) == ["genotype", "covariate"]
    for name, key in (("G copies", "dose"), ("age", "age")):
        assert terms.at[name, "se"] == pytest.approx(r[f"crr|{key}|se"], rel=1e-6)
        assert terms.at[name, "p"] == pytest.approx(r[f"crr|{key}|p"], rel=1e-5)
    assert terms.at["G copies", "estimate"] == pytest.approx(2.718281828459045 ** r["crr|dose|coef"], rel=1e-6)
    crude = fits[fits["adjustment"] == "crude"].set_index("group")
    assert list(crude.index) == ["G copies"]
    assert crude.at["G copies", "estimate"] == pytest.approx(2.718281828459045 ** r["crr_crude|dose|coef"], rel=1e-6)
    assert crude.at["G copies", "se"] == pytest.approx(r["crr_crude|dose|se"], rel=1e-6)
    assert crude.at["G copies", "p"] == pytest.approx(r["crr_crude|dose|p"], rel=1e-5)


def test_unknown_failcode_is_refused(study):
    calls, phenotypes, _ = study
    with pytest.raises(InputError, match="cause 'relapse' is not a value of column 'cause'"):
        competing_risks(calls, phenotypes, "rs1800796", time="time", cause="cause", failcode="relapse")




def test_competing_command_matches_cmprsk(r, study):
    folder = study[2]
    out = folder / "out.tsv"
    run = run_cli("competing", "--calls", folder / "calls.tsv", "--pheno", folder / "pheno.tsv", "--locus", "rs1800796",
                  "--model", "codominant", "--time", "time", "--cause", "cause", "--failcode", "progression",
                  "--cencode", "censored", "--at", "6,12,24", "-o", out)
    assert run.returncode == 0, run.stderr
    table = pd.read_csv(out, sep="\t")
    row = table[(table["row"] == "incidence") & (table["group"] == "G/G") & (table["time"] == 12)
                & (table["cause"] == "cause of interest")].iloc[0]
    assert row["estimate"] == pytest.approx(r["cif|G/G|1|12|est"], rel=1e-10)
    assert table[table["row"] == "test"]["statistic"].iloc[0] == pytest.approx(r["gray|1|stat"], rel=1e-10)
    markdown = run_cli("competing", "--calls", folder / "calls.tsv", "--pheno", folder / "pheno.tsv", "--locus",
                       "rs1800796", "--model", "codominant", "--time", "time", "--cause", "cause", "--failcode",
                       "progression", "--cencode", "censored", "--at", "12", "--format", "markdown")
    assert markdown.returncode == 0, markdown.stderr
    assert "| Genotype | n | Events | At 12, % (95% CI) | Subdistribution HR (95% CI) | p |" in markdown.stdout
    estimate = 100 * r["cif|G/G|1|12|est"]
    assert f"| G/G | {int((pd.read_csv(folder / 'calls.tsv', sep=chr(9))['genotype'] == 'G/G').sum())} |" \
        in markdown.stdout
    assert f"{estimate:.3g} ({100 * r['cif|G/G|1|12|lo']:.3g}–{100 * r['cif|G/G|1|12|hi']:.3g})" in markdown.stdout


def test_cif_plot(study):
    import matplotlib.image

    folder = study[2]
    run = run_cli("plot", "cif", "--calls", folder / "calls.tsv", "--pheno", folder / "pheno.tsv", "--locus",
                  "rs1800796", "--time", "time", "--cause", "cause", "--failcode", "progression", "--cencode",
                  "censored", "-o", folder / "cif.png")
    assert run.returncode == 0, run.stderr
    # the command draws the competing-risks result of its options: the same pixels as the figure of that
    # result (whose content test_incidence_figure_draws_each_group_and_cause checks)
    from genoassoc.report.figures import incidence_plot, save

    result = competing_risks(*study[:2], "rs1800796", "codominant", time="time", cause="cause",
                             failcode="progression", cencode="censored")
    save(incidence_plot(result, unit=""), folder / "expected.png")
    drawn, expected = (matplotlib.image.imread(folder / name) for name in ("cif.png", "expected.png"))
    assert drawn.shape == expected.shape and drawn.shape[1] > 1500
    np.testing.assert_array_equal(drawn, expected)


def test_incidence_figure_draws_each_group_and_cause(study):
    from genoassoc.report.figures import incidence_plot, labelled_axes

    calls, phenotypes, _ = study
    result = competing_risks(calls, phenotypes, "rs1800796", "codominant", time="time", cause="cause",
                             failcode="progression", cencode="censored")
    figure = incidence_plot(result, unit="months")
    axis = figure.axes[0]
    assert labelled_axes(figure) and axis.get_xlabel() == "Time (months)"
    assert [line.get_label() for line in axis.get_lines()] == [
        f"{group}: {name}" for group in ("C/C", "G/C", "G/G") for name in ("cause = progression", "competing event")]
    curve = result.curves[("G/G", 1)]
    assert list(axis.get_lines()[4].get_ydata()) == list(curve.est)
