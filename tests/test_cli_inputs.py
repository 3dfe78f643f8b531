"""The command line with the files researchers have: repeated options, outputs that would overwrite
inputs, the user's umask, header-only tables, spreadsheet encodings, and the phenotype coding cases
that once crashed or gave a number from a misread value."""

import json
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_run import run_cli

ROOT = Path(__file__).resolve().parent.parent
ASSOC = ROOT / "tests" / "golden" / "assoc"
EXAMPLES = ROOT / "examples"


def run(*args, umask=None):
    return run_cli(*args, umask=umask)


def one_line_error(result, message):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert message in lines[0], lines[0]


def test_list_options_accumulate_when_repeated():
    base = ["assoc", ASSOC / "calls.tsv", "--pheno", ASSOC / "cohort.tsv", "--locus", "rs1800796",
            "--outcome", "il6", "--format", "json"]
    once = run(*base, "--covariates", "age,sex")
    twice = run(*base, "--covariates", "age", "--covariates", "sex")
    assert once.returncode == 0 and twice.returncode == 0, twice.stderr
    assert json.loads(once.stdout) == json.loads(twice.stdout)
    terms = {row["term"] for row in json.loads(twice.stdout) if row["test"] == "linear regression"}
    assert {"age", "sex=M"} <= terms


def test_a_single_valued_option_given_twice_is_refused():
    result = run("assoc", ASSOC / "calls.tsv", "--pheno", ASSOC / "cohort.tsv", "--pheno", ASSOC / "cohort.tsv",
                 "--locus", "rs1800796", "--outcome", "il6")
    assert result.returncode == 2 and "--pheno is given 2 times; give it once" in result.stderr


def test_output_that_names_an_input_is_refused_before_anything_is_written(tmp_path):
    calls = tmp_path / "calls.tsv"
    calls.write_bytes((ASSOC / "calls.tsv").read_bytes())
    before = calls.read_bytes()
    result = run("hwe", calls, "-o", calls)
    one_line_error(result, "--output calls.tsv would overwrite the input given as CALLS_FILE")
    assert calls.read_bytes() == before
    pheno = tmp_path / "p.tsv"
    pheno.write_bytes((ASSOC / "cohort.tsv").read_bytes())
    result = run("corr", "--pheno", pheno, "--x", "il6", "--y", "c0", "-o", tmp_path / "." / "p.tsv")
    one_line_error(result, "--output p.tsv would overwrite the input given as --pheno")
    assert [path.name for path in sorted(tmp_path.iterdir())] == ["calls.tsv", "p.tsv"]


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_outputs_respect_the_umask(tmp_path, umask, mode):
    table, figure = tmp_path / "hwe.tsv", tmp_path / "km.png"
    assert run("hwe", ASSOC / "calls.tsv", "-o", table, umask=umask).returncode == 0
    result = run("plot", "km", "--pheno", EXAMPLES / "hcc_discovery.tsv", "--time", "os_months", "--event",
                 "os_event", "--by", "ecog", "-o", figure, umask=umask)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(table.stat().st_mode) == mode
    assert stat.S_IMODE(figure.stat().st_mode) == mode


@pytest.mark.parametrize("args, header", [
    (["call", "--rflp", "{file}"], "sample\tassay\tbands\n"),
    (["hwe", "{file}"], "sample\tlocus\tgenotype\n"),
    (["corr", "--pheno", "{file}", "--x", "a", "--y", "b"], "sample\ta\tb\n"),
])
def test_header_only_tables_are_an_error(tmp_path, args, header):
    path = tmp_path / "t.tsv"
    path.write_text(header)
    out = tmp_path / "out.tsv"
    result = run(*[str(path) if arg == "{file}" else arg for arg in args], "-o", out)
    one_line_error(result, "t.tsv, row 1: the table has a header but no rows")
    assert not out.exists()


def test_european_excel_csv_with_decimal_commas(tmp_path):
    cohort = pd.read_csv(ASSOC / "cohort.tsv", sep="\t", dtype=str)
    text = "sample;il6;c0\r\n" + "".join(f"{s};{a.replace('.', ',')};{b.replace('.', ',')}\r\n"
                                         for s, a, b in zip(cohort["sample"], cohort["il6"], cohort["c0"], strict=True))
    path = tmp_path / "pheno.csv"
    path.write_bytes(text.encode("cp1252"))
    refused = run("corr", "--pheno", path, "--x", "il6", "--y", "c0")
    one_line_error(refused, "column 'il6': '6,546' is not a number (a decimal comma? give --decimal-comma)")
    read = run("corr", "--pheno", path, "--x", "il6", "--y", "c0", "--decimal-comma", "--format", "json")
    reference = run("corr", "--pheno", ASSOC / "cohort.tsv", "--x", "il6", "--y", "c0", "--format", "json")
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout) == json.loads(reference.stdout)


def test_encoding_and_sheet_options(tmp_path):
    latin = tmp_path / "pheno.txt"
    latin.write_bytes("sample\tcentre\til6\nA\tKöln\t1\nB\tLyon\t2\nC\tKöln\t3\n".encode("latin-1"))
    result = run("table1", "--pheno", latin, "--by", "centre", "--encoding", "latin-1", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert {row["group"] for row in json.loads(result.stdout)} == {"overall", "Köln", "Lyon"}
    workbook = tmp_path / "study.xlsx"
    with pd.ExcelWriter(workbook) as writer:
        pd.DataFrame({"note": ["read me"]}).to_excel(writer, sheet_name="Notes", index=False)
        pd.read_csv(ASSOC / "cohort.tsv", sep="\t").to_excel(writer, sheet_name="Data", index=False)
    wrong = run("corr", "--pheno", workbook, "--x", "il6", "--y", "c0")
    one_line_error(wrong, "study.xlsx, row 1: missing column 'sample' (columns found: note)")
    for sheet in ("Data", "2"):
        result = run("corr", "--pheno", workbook, "--x", "il6", "--y", "c0", "--sheet", sheet, "--format", "json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)[0]["n"] == 151


# The cases the analysis layer was built to fix: missing spellings, text in numeric columns, levels.

@pytest.fixture
def lung(tmp_path):
    frame = pd.read_csv(ROOT / "tests" / "golden" / "survival" / "lung.tsv", sep="\t", dtype=str,
                        keep_default_na=False)
    frame.insert(0, "sample", [f"L{i:03d}" for i in range(len(frame))])
    return frame


def write(frame, path):
    frame.to_csv(path, sep="\t", index=False)
    return path


def test_cox_with_na_ages_leaves_them_out(tmp_path, lung):
    lung.loc[:4, "age"] = "NA"
    lung.loc[5, "age"] = "."
    result = run("cox", "--pheno", write(lung, tmp_path / "lung.tsv"), "--time", "time", "--event", "status",
                 "--vars", "age", "--format", "json")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert row["n"] == len(lung) - 6
    assert "6 samples left out: age missing (6)" in result.stderr


def test_a_dot_is_missing_not_the_reference_level(tmp_path):
    from genoassoc.analysis.association import associate
    from genoassoc.calls import read_calls
    from genoassoc.phenotypes import read_phenotypes

    cohort = pd.read_csv(ASSOC / "cohort.tsv", sep="\t", dtype=str, keep_default_na=False)
    cohort.loc[:2, "sex"] = "."
    result = associate(read_calls(ASSOC / "calls.tsv"), read_phenotypes(write(cohort, tmp_path / "c.tsv")),
                       "rs1800796", "il6", "dominant", covariates=["sex"])
    assert "covariate 'sex': reference level 'F' (n = 77)" in result.notes
    assert any("sex missing (3)" in note for note in result.notes)
    assert "sex=M" in set(result.table["term"].dropna()) and "sex=." not in set(result.table["term"].dropna())


def test_hwe_strata_leave_out_missing_values(tmp_path):
    cohort = pd.read_csv(ASSOC / "cohort.tsv", sep="\t", dtype=str, keep_default_na=False)
    cohort.loc[:9, "egfr"] = "NA"
    result = run("hwe", ASSOC / "calls.tsv", "--by", "egfr", "--pheno", write(cohort, tmp_path / "c.tsv"),
                 "--format", "json")
    assert result.returncode == 0, result.stderr
    assert {row["group"] for row in json.loads(result.stdout)} == {"L858R", "del19", "other"}
    assert "samples have no 'egfr' and are left out of the strata" in result.stderr


@pytest.mark.parametrize("command", [
    ["cox", "--time", "time", "--event", "status", "--vars", "il6"],
    ["assoc", "{calls}", "--locus", "rs1800796", "--time", "time", "--event", "status", "--covariates", "il6"],
    ["table1", "--by", "sex", "--vars", "il6"],
    ["cutpoint", "--marker", "il6", "--time", "time", "--event", "status"],
    ["corr", "--x", "il6", "--y", "age"],
])
def test_a_value_below_the_limit_is_refused_unless_a_rule_is_given(tmp_path, lung, command):
    lung["il6"] = [f"{1.2 + (i % 29) * 0.7:.1f}" for i in range(len(lung))]
    lung.loc[7, "il6"] = "<1.5"
    pheno = write(lung, tmp_path / "lung.tsv")
    calls = tmp_path / "calls.tsv"
    calls.write_text("sample\tlocus\tgenotype\n" + "".join(
        f"{s}\trs1800796\t{'G/C' if i % 3 else 'C/C'}\n" for i, s in enumerate(lung["sample"])))
    args = [str(calls) if arg == "{calls}" else arg for arg in command] + ["--pheno", pheno]
    one_line_error(run(*args), "lung.tsv, row 9, column 'il6': '<1.5' is below the limit of quantification: "
                               "choose --below-lloq half, lloq or missing")
    result = run(*args, "--below-lloq", "half", "--format", "json")
    assert result.returncode == 0, result.stderr


def _commands(group, prefix=()):
    import click

    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def test_every_command_that_suggests_below_lloq_takes_it(tmp_path, lung):
    """A command reading phenotypes takes --below-lloq, or reads only times, events and groups, where
    '<x' is not a measurement and is refused as a number (never with advice to use an absent option)."""
    from genoassoc.cli import load_commands

    main = load_commands()
    takes = {name for name, command in _commands(main)
             if {"--pheno", "--below-lloq"} <= {opt for param in command.params for opt in param.opts}}
    reads = {name for name, command in _commands(main) if any("--pheno" in param.opts for param in command.params)}
    assert reads - takes == {("rmst",), ("hwe",), ("plot", "km"), ("plot", "cif")}
    lung.loc[7, "time"] = "<1.5"
    pheno = write(lung, tmp_path / "lung.tsv")
    one_line_error(run("plot", "km", "--pheno", pheno, "--time", "time", "--event", "status", "--by", "sex", "-o",
                       str(tmp_path / "km.png")),
                   "lung.tsv, row 9, column 'time': '<1.5' is not a number (a time or an event is written as one)")


def test_a_typo_in_a_numeric_column_is_an_error_not_a_factor(tmp_path, lung):
    lung.loc[3, "age"] = "6O"
    result = run("cox", "--pheno", write(lung, tmp_path / "lung.tsv"), "--time", "time", "--event", "status",
                 "--vars", "age")
    one_line_error(result, "lung.tsv, row 5, column 'age': '6O' is not a number")


def test_table1_with_many_levels_is_quick(tmp_path):
    rows = [f"S{i}\t{'AB'[i % 2]}\thospital {i % 16:02d}\n" for i in range(400)]
    rows += [f"T{i}\t{'AB'[i % 2]}\tclinic {i:02d}\n" for i in range(12)]  # sparse: expected counts below 5
    path = tmp_path / "p.tsv"
    path.write_text("sample\tarm\thospital\n" + "".join(rows))
    result = run("table1", "--pheno", path, "--by", "arm", "--format", "json")
    assert result.returncode == 0, result.stderr
    first = json.loads(result.stdout)[3]
    # even-numbered hospitals hold only arm A, odd ones only arm B: no random table is as extreme
    assert first["variable"] == "hospital" and first["test"] == "Fisher's test, Monte Carlo p"
    assert first["p"] == 1 / 100_001
    assert first["note"].endswith("the smallest p it can give is 1.0e-05; p is at that floor: the exact p is smaller")


def test_reference_levels_follow_r_factor_in_the_c_locale(tmp_path, lung):
    lung["sex"] = lung["sex"].map({"1": "male", "2": "Female"})
    result = run("cox", "--pheno", write(lung, tmp_path / "lung.tsv"), "--time", "time", "--event", "status",
                 "--vars", "sex", "--format", "json")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert (row["term"], row["reference"]) == ("sex=male", "sex=Female")  # 'F' < 'm' in the C locale


def test_old_spellings_still_work_with_a_note(tmp_path, lung):
    lung["sex"] = lung["sex"].map({"1": "male", "2": "female"})
    pheno = write(lung, tmp_path / "lung.tsv")
    old = run("cox", "--pheno", pheno, "--time", "time", "--event", "status", "--vars", "sex", "--ref-level",
              "sex=male", "--adjust", "age", "--format", "json")
    new = run("cox", "--pheno", pheno, "--time", "time", "--event", "status", "--vars", "sex", "--ref-level",
              "sex=male", "--covariates", "age", "--format", "json")
    assert old.returncode == 0 and new.returncode == 0, old.stderr
    assert json.loads(old.stdout) == json.loads(new.stdout)
    assert "--adjust is now --covariates" in old.stderr
    # --reference names a FASTA (call, assays design): it is no longer a second spelling of --ref-level
    refused = run("cox", "--pheno", pheno, "--time", "time", "--event", "status", "--vars", "sex", "--reference",
                  "sex=male")
    # click words the message differently across versions; each names both options
    message = refused.stderr.splitlines()[-1]
    assert refused.returncode == 2 and "No such option" in message
    assert "--reference" in message and "Did you mean" in message and "--ref-level" in message


def test_km_plot_and_table1_group_by_genotype(tmp_path):
    calls = tmp_path / "calls.tsv"
    assert run("call", "--rflp", EXAMPLES / "gel_sizes.tsv", "-o", calls).returncode == 0
    figure = tmp_path / "km.png"
    result = run("plot", "km", "--calls", calls, "--locus", "rs1800796", "--model", "dominant", "--pheno",
                 EXAMPLES / "phenotypes.tsv", "--time", "os_months", "--event", "os_event", "-o", figure)
    assert result.returncode == 0, result.stderr
    # the figure of the association result of the same settings, pixel for pixel (what it draws is checked
    # in tests/report/test_figures.py)
    import matplotlib.image

    from genoassoc import associate, read_phenotypes
    from genoassoc.calls import read_calls
    from genoassoc.report.figures import association_plot, save

    survival = associate(read_calls(calls), read_phenotypes(EXAMPLES / "phenotypes.tsv"), "rs1800796",
                         model="dominant", time="os_months", event="os_event")
    save(association_plot(survival, unit="months"), tmp_path / "expected_km.png")
    expected = matplotlib.image.imread(tmp_path / "expected_km.png")
    np.testing.assert_array_equal(matplotlib.image.imread(figure), expected)
    result = run("table1", "--calls", calls, "--locus", "rs1800796", "--model", "dominant", "--pheno",
                 EXAMPLES / "phenotypes.tsv", "--vars", "age,sex,il6_day15", "--format", "json")
    assert result.returncode == 0, result.stderr
    sizes = {row["group"]: row["n"] for row in json.loads(result.stdout) if row["variable"] == "N"}
    assert sizes["C/C"] + sizes["G/C+G/G"] == sizes["overall"] == 26
    box = tmp_path / "box.png"
    result = run("plot", "box", "--calls", calls, "--locus", "-572G>C", "--pheno", EXAMPLES / "phenotypes.tsv",
                 "--outcome", "il6_day15", "-o", box)
    assert result.returncode == 0, result.stderr
    # -572G>C is rs1800796; the default model is codominant
    il6 = associate(read_calls(calls), read_phenotypes(EXAMPLES / "phenotypes.tsv"), "rs1800796", "il6_day15")
    assert list(il6.groups) == ["C/C", "G/C", "G/G"]
    save(association_plot(il6), tmp_path / "expected_box.png")
    np.testing.assert_array_equal(matplotlib.image.imread(box), matplotlib.image.imread(tmp_path / "expected_box.png"))
