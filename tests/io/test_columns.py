"""Column names as labs write them: one rule for every table reader (genoassoc.io.columns)."""

from pathlib import Path

import pandas as pd
import pytest
from cli_run import run_cli

from genoassoc.errors import InputError
from genoassoc.io.columns import ColumnNames, parse_columns
from genoassoc.io.records import ReadOptions
from genoassoc.io.tables import read_table

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("header, required, optional, expected", [
    (["Sample", "SNP", "Bands (bp)"], ["sample"], ["locus", "bands"], ["sample", "locus", "bands"]),
    (["Patient ID", "Assay", "Bands_bp", "Gel ID", "Lane No."], ["sample"], ["assay", "bands", "gel", "lane"],
     ["sample", "assay", "bands", "gel", "lane"]),
    (["Patient", "Time (h)", "Conc (ng/mL)", "Dose (mg)"], ["sample", "time_h", "conc"], ["dose"],
     ["sample", "time_h", "conc", "dose"]),
    (["SUBJECT_ID", "Hours", "Concentration [µg/L]"], ["sample", "time_h", "conc"], [],
     ["sample", "time_h", "conc"]),
    (["sample_id", "rsID", "GT"], ["sample", "locus", "genotype"], [], ["sample", "locus", "genotype"]),
    # the exact name beats a spelling variant, which beats a synonym
    (["Patient ID", "sample", "Sample ID"], ["sample"], [], ["Patient ID", "sample", "Sample ID"]),
    (["Patient ID", "SAMPLE"], ["sample"], [], ["Patient ID", "sample"]),
    # a column no reader expects keeps its name
    (["sample", "IL-6 (pg/mL)"], ["sample"], [], ["sample", "IL-6 (pg/mL)"]),
])
def test_lab_headers_are_found(header, required, optional, expected):
    assert ColumnNames(required, optional).rename(header) == expected


@pytest.mark.parametrize("header, required, message", [
    (["Patient", "Time (min)", "Conc"], ["sample", "time_h", "conc"],
     "'Time (min)' is in min, not hours: convert the column"),
    (["Patient", "Time", "Conc"], ["sample", "time_h", "conc"],
     "'Time' does not say its unit (time_h is in hours: name it 'Time (h)')"),
    (["Sample", "Size (kb)"], ["sample", "size_bp"], "'Size (kb)' is in kb, not bp"),
    (["Patient ID", "Subject", "il6"], ["sample"],
     "'Patient ID' and 'Subject' could both be the sample column: give --sample-col NAME"),
    (["Pt", "Conc"], ["sample"], "missing column 'sample' (columns found: Pt, Conc): accepted names, in any "
                                 "case: sample, sample_id, sample_name"),
])
def test_unclear_headers_are_refused_with_the_fix(header, required, message):
    with pytest.raises(InputError) as error:
        ColumnNames(required).rename(header, "pk.tsv", 1)
    assert str(error.value).startswith("pk.tsv, row 1: ")
    assert message in str(error.value)


def test_user_names_come_first_and_fall_back_to_the_known_names():
    names = ColumnNames(["sample", "conc"], given={"conc": "Plasma level", "sample": "Pt"})
    assert names.rename(["Pt", "Sample", "Plasma level"]) == ["sample", "Sample", "conc"]
    # a table of the same command that has the column under a known name is read as usual
    assert names.rename(["sample", "conc"]) == ["sample", "conc"]
    with pytest.raises(InputError, match=r"no column 'Plasma level' \(given for 'conc'\) and none under an "
                                         r"accepted name"):
        names.rename(["Pt", "Level x"])
    assert parse_columns(["conc=Plasma level,time_h=TAD (h)", "sample=Pt"]) == (
        ("conc", "Plasma level"), ("time_h", "TAD (h)"), ("sample", "Pt"))
    with pytest.raises(InputError, match="--columns takes EXPECTED=NAME"):
        parse_columns(["conc"])


def test_the_columnar_reader_keeps_renamed_columns(tmp_path):
    # a table over 1 MB goes through pyarrow, which keeps only the columns asked for
    path = tmp_path / "calls.tsv"
    rows = "".join(f"S{index}\trs1800795\tG/C\tok\n" for index in range(60_000))
    path.write_text("Patient ID\tSNP\tGT\tStatus\n" + rows)
    table = read_table(path, ["sample", "locus", "genotype"], optional=["status"],
                       only=["sample", "locus", "genotype"])
    assert list(table.columns) == ["sample", "locus", "genotype"]
    assert table["sample"].iloc[-1] == "S59999"


def _lab_sheets(tmp_path):
    """The examples' gel and PK tables as a lab keeps them: Excel, lab headers."""
    gel = pd.read_csv(EXAMPLES / "gel_sizes.tsv", sep="\t", dtype=str)
    gel = gel.rename(columns={"sample": "Patient ID", "locus": "SNP", "gel": "Gel", "lane": "Lane",
                              "bands": "Bands (bp)", "intensity": "Intensity"})
    gel.to_excel(tmp_path / "gel.xlsx", index=False)
    pk = pd.read_csv(EXAMPLES / "pk_samples.tsv", sep="\t", dtype=str)
    pk.rename(columns={"sample": "Patient", "time_h": "Time (h)", "conc": "Conc (ng/mL)"}).to_excel(
        tmp_path / "pk.xlsx", index=False)
    pk.rename(columns={"sample": "Pt", "time_h": "TAD (h)", "conc": "Plasma level"}).to_csv(
        tmp_path / "pk_own.csv", index=False)
    return tmp_path / "gel.xlsx", tmp_path / "pk.xlsx", tmp_path / "pk_own.csv"


def test_lab_sheets_give_the_same_results_as_the_examples(tmp_path):
    gel, pk, own = _lab_sheets(tmp_path)
    for command, lab, example, extra in (
        ("call", gel, EXAMPLES / "gel_sizes.tsv", ["--rflp"]),
        ("pk", pk, EXAMPLES / "pk_samples.tsv", []),
    ):
        from_lab = run_cli(command, *extra, str(lab))
        from_example = run_cli(command, *extra, str(example))
        assert from_lab.returncode == 0, from_lab.stderr
        assert from_lab.stdout == from_example.stdout
    named = run_cli("pk", str(own), "--sample-col", "Pt", "--columns", "conc=Plasma level,time_h=TAD (h)")
    assert named.returncode == 0, named.stderr
    assert named.stdout == run_cli("pk", str(EXAMPLES / "pk_samples.tsv")).stdout
    refused = run_cli("pk", str(own))
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"genoassoc: error: {own}, row 1: missing column 'sample' (columns found: Pt, "
                                     "TAD (h), Plasma level)")


def test_phenotype_sheets_with_a_patient_id_column(tmp_path):
    pheno = pd.read_csv(EXAMPLES / "phenotypes.tsv", sep="\t", dtype=str)
    lab = tmp_path / "clinical.csv"
    pheno.rename(columns={"sample": "Patient ID", "il6_baseline": "IL-6 baseline (pg/mL)"}).to_csv(lab, index=False)
    args = ["corr", "--x", "il6_baseline", "--y", "c0"]
    renamed = run_cli(*args, "--pheno", str(lab), "--columns", "il6_baseline=IL-6 baseline (pg/mL)")
    assert renamed.returncode == 0, renamed.stderr
    assert renamed.stdout == run_cli(*args, "--pheno", str(EXAMPLES / "phenotypes.tsv")).stdout


def test_the_study_file_names_columns_as_the_options_do(tmp_path):
    from genoassoc.study import load_study, read_options_of

    study = tmp_path / "study.toml"
    study.write_text('sample_col = "Pt"\ncolumns = ["conc=Plasma level", "time_h=TAD (h)"]\n')
    options = read_options_of(load_study(study))
    assert options == ReadOptions(sample_col="Pt", columns=(("conc", "Plasma level"), ("time_h", "TAD (h)")))
    _, _, own = _lab_sheets(tmp_path)
    from genoassoc.io.pk_samples import read_pk_samples

    assert read_pk_samples(own, options=options)["conc"].sum() == pytest.approx(
        read_pk_samples(EXAMPLES / "pk_samples.tsv")["conc"].sum())


README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_lists_the_accepted_names():
    from genoassoc.io.columns import columns_help

    assert columns_help() in README.read_text()


def test_the_readme_lab_sheets_run_unedited(tmp_path, monkeypatch):
    """The commands of the README's "Input files" section, on the lab sheets of examples/lab, give the
    results of the same commands on the canonical example tables."""
    import json
    import shlex

    text = README.read_text()
    block = text[text.index("```sh\ngenoassoc call --rflp examples/lab/"):]
    commands = [shlex.split(line) for line in block[6:block.index("```", 6)].replace("\\\n", " ").splitlines()]
    monkeypatch.chdir(EXAMPLES.parent)
    outputs = {}
    for words in commands:
        assert words[0] == "genoassoc"
        words = [str(tmp_path / word) if word.startswith("lab_") else word for word in words[1:]]
        result = run_cli(*words, "--format", "json") if words[0] == "assoc" else run_cli(*words)
        assert result.returncode == 0, (words, result.stderr)
        outputs[" ".join(words)] = result
    calls = pd.read_csv(tmp_path / "lab_calls.tsv", sep="\t", dtype=str, keep_default_na=False).set_index(
        ["sample", "locus"])
    canonical = pd.read_csv(io_of(run_cli("call", "--rflp", "examples/gel_sizes.tsv").stdout), sep="\t", dtype=str,
                            keep_default_na=False).set_index(["sample", "locus"])
    assert calls["genotype"].equals(canonical["genotype"])
    assert calls.loc[("P05", "rs1800796"), "note"].endswith("520 bp ignored (larger than the 292 bp full-length "
                                                            "product)")
    nca = pd.read_csv(tmp_path / "lab_nca.tsv", sep="\t").set_index("sample")
    full = pd.read_csv(io_of(run_cli("pk", "examples/pk_samples.tsv").stdout), sep="\t").set_index("sample")
    others = nca.index.difference(["P03", "P11"])
    assert nca.loc[others, "auc_0_24"].equals(full.loc[others, "auc_0_24"])
    assert nca.loc["P03", "n_points"] == full.loc["P03", "n_points"] - 1
    binary, ordinal = (json.loads(result.stdout) for key, result in outputs.items() if key.startswith("assoc"))
    assert {row["events"] for row in binary if row["row"] == "group"} <= set(range(31))
    assert any(row["test"] == "proportional-odds likelihood ratio" for row in ordinal)


def io_of(text):
    import io

    return io.StringIO(text)
