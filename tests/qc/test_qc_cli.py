import json
from pathlib import Path

import pytest
from cli_run import run_cli

ROOT = Path(__file__).resolve().parent.parent.parent


def run(*args, cwd=None):
    return run_cli(*args, cwd=cwd)


@pytest.fixture
def calls(tmp_path):
    path = tmp_path / "calls.tsv"
    genotypes = ["G/G"] * 2 + ["G/C"] * 13 + ["C/C"] * 15
    lines = ["sample\tlocus\tgenotype\tstatus\treason"]
    lines += [f"P{i:02d}\trs1800796\t{g}\tcalled\t" for i, g in enumerate(genotypes)]
    lines += [f"P{i:02d}\t-174G>C\tG/G\tcalled\t" for i in range(29)] + ["P29\t-174G>C\t\tno_call\tno bands"]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_hwe_command_json(calls):
    result = run("hwe", calls, "--locus", "-572G>C", "--format", "json")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert row["locus"] == "rs1800796" and row["n_het"] == 13
    assert row["p_exact"] == 1.0 and abs(row["p_midp"] - 0.827714) < 1e-6


def test_hwe_by_phenotype_column(calls, tmp_path):
    pheno = tmp_path / "pheno.csv"
    pheno.write_text("sample,cohort\n" + "".join(f"P{i:02d},{'A' if i < 20 else 'B'}\n" for i in range(30)))
    result = run("hwe", calls, "--by", "cohort", "--pheno", pheno)
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0][:2] == ["group", "locus"]
    assert [row[0] for row in rows[1:]] == ["A", "A", "B", "B"]


def test_qc_writes_every_table(calls, tmp_path):
    out, samples, ld, haps, pairs = (tmp_path / name for name in ("q.tsv", "s.tsv", "ld.tsv", "h.tsv", "p.tsv"))
    result = run("qc", calls, "-o", out, "--samples-output", samples, "--ld-output", ld,
                 "--haplotypes-output", haps, "--haplotype-pairs-output", pairs)
    assert result.returncode == 0, result.stderr
    assert "rs1800795: monomorphic in these samples" in result.stderr
    assert "1 sample below call rate 0.9: P29" in result.stderr
    assert out.read_text().startswith("locus\tallele1")
    assert len(samples.read_text().splitlines()) == 31
    assert ld.read_text().splitlines()[0] == "locus1\tlocus2\tn\tD\tD_prime\tr\tr2"
    assert haps.read_text().startswith("haplotype\tfrequency")


def test_population_list_shows_who_was_studied(calls):
    result = run("qc", "--population", "list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "population\tstudied\tloci\tallele_number\tsource"
    jiangsu = next(line.split("\t") for line in lines if line.startswith("han-chinese-jiangsu\t"))
    assert jiangsu[1:4] == ["232 unrelated healthy Han Chinese, Jiangsu, China", "rs1800795,rs1800796", "464"]
    unknown = run("qc", calls, "--population", "EAS")
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("genoassoc: error: no population 'EAS' in the reference (it has: "
                                     "1000-genomes-all, african-american, han-chinese-jiangsu")


def test_qc_bad_population_file_leaves_no_output(calls, tmp_path):
    reference = tmp_path / "ref.tsv"
    reference.write_text("locus\tpopulation\tallele\tfrequency\nrs1800796\tEAS\tC\t1.4\n")
    out = tmp_path / "q.tsv"
    result = run("qc", calls, "--population", "EAS", "--population-file", reference, "-o", out)
    assert result.returncode == 2
    assert "ref.tsv, row 2, column 'frequency': frequency must be between 0 and 1" in result.stderr
    assert not out.exists()


def test_concordance_command(calls, tmp_path):
    other = tmp_path / "seq.tsv"
    text = calls.read_text().replace("P03\trs1800796\tG/C", "P03\trs1800796\tC/C")
    other.write_text(text)
    discordant = tmp_path / "d.tsv"
    result = run("concordance", calls, other, "--discordant-output", discordant)
    assert result.returncode == 0, result.stderr
    assert "58 of 59 pairs agree; 1 discordant" in result.stderr
    assert discordant.read_text().splitlines()[1] == "P03\trs1800796\tG/C\tC/C"


def test_bad_calls_file_is_exit_2(tmp_path):
    bad = tmp_path / "calls.tsv"
    bad.write_text("sample\tlocus\tgenotype\tstatus\nS1\trs1800796\tG/T\tcalled\n")
    result = run("hwe", bad)
    assert result.returncode == 2
    assert "row 2, column 'genotype'" in result.stderr and "Traceback" not in result.stderr
