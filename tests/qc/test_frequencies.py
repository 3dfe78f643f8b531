from pathlib import Path

import pandas as pd
import pytest

from genoassoc.errors import InputError
from genoassoc.loci import load_catalog
from genoassoc.qc.frequencies import qc, read_population_frequencies


def calls_for(counts: dict[str, tuple[int, int, int, int]]) -> pd.DataFrame:
    rows = []
    for locus, (hom1, het, hom2, missing) in counts.items():
        genotypes = ["G/G"] * hom1 + ["G/C"] * het + ["C/C"] * hom2 + [""] * missing
        for index, genotype in enumerate(genotypes):
            rows.append((f"S{index:03d}", locus, genotype, "called" if genotype else "no_call", "", ""))
    return pd.DataFrame(rows, columns=["sample", "locus", "genotype", "status", "reason", "source"])


@pytest.fixture
def reference(tmp_path):
    path = tmp_path / "ref.tsv"
    path.write_text(
        "locus\tpopulation\tallele\tfrequency\tallele_number\tsource\n"
        "rs1800796\tEAS\tC\t0.75\t1000\ttest reference\n"
        "rs1800795\tEAS\tG\t0.99\t\ttest reference\n"
    )
    return read_population_frequencies(path)


def test_flipped_frequency_of_a_gc_locus_is_flagged(reference):
    # Observed C frequency 0.25 where the reference C frequency is 0.75: a strand flip fits better.
    calls = calls_for({"rs1800796": (56, 38, 6, 0), "rs1800795": (99, 1, 0, 0)})
    loci, _ = qc(calls, load_catalog(), "EAS", reference)
    loci = loci.set_index("locus")
    assert loci.loc["rs1800796", "freq_allele2"] == pytest.approx(0.25)
    assert loci.loc["rs1800796", "ref_freq_allele2"] == pytest.approx(0.75)
    assert "possible strand flip" in loci.loc["rs1800796", "strand_warning"]
    # rs1800795: reference gives G = 0.99, so C = 0.01; observed C 0.005 fits, no warning.
    assert loci.loc["rs1800795", "ref_freq_allele2"] == pytest.approx(0.01)
    assert loci.loc["rs1800795", "strand_warning"] == ""
    # p-values: test_population_check_against_published_frequencies (R fisher.test / binom.test)


def test_no_flip_warning_when_frequencies_fit(reference):
    calls = calls_for({"rs1800796": (6, 38, 56, 0)})
    loci, _ = qc(calls, load_catalog(), "EAS", reference)
    assert loci["strand_warning"].tolist() == [""]


def test_call_rates_and_monomorphic():
    calls = calls_for({"rs1800796": (5, 10, 3, 2), "rs1800795": (20, 0, 0, 0)})
    loci, samples = qc(calls, load_catalog())
    loci = loci.set_index("locus")
    assert loci.loc["rs1800796", "call_rate"] == pytest.approx(0.9)
    assert loci.loc["rs1800796", "low_call_rate"]
    assert loci.loc["rs1800795", "monomorphic"]
    low = samples[samples["low_call_rate"]]["sample"].tolist()
    assert low == ["S018", "S019"]
    assert samples.set_index("sample").loc["S018", "call_rate"] == 0.5


def test_shipped_reference_names_who_was_studied_and_the_source_of_every_number():
    # reference/README.md: a row enters only with its published source, under the population studied
    table = read_population_frequencies()
    assert list(table.columns) == ["locus", "population", "allele", "frequency", "allele_number", "studied",
                                   "source"]
    assert len(table) >= 7
    assert (table["source"].str.len() > 20).all() and (table["studied"] != "").all()
    assert not table["population"].isin(["EAS", "EUR", "AFR", "AMR", "SAS"]).any()
    jiangsu = table[table["population"] == "han-chinese-jiangsu"].set_index("locus")
    # the study's own numbers: -174 231 G/G and 1 G/C of 232; -572 C 78.02%
    assert jiangsu.loc["rs1800795", "frequency"] == pytest.approx(1 / 464, abs=5e-6)
    assert jiangsu.loc["rs1800796", ["frequency", "allele_number"]].tolist() == [0.7802, 464]
    from genoassoc.analysis.genotype_qc import genotype_qc
    from genoassoc.qc.frequencies import populations

    listed = populations(table).set_index("population")
    assert listed.loc["han-chinese-jiangsu", "loci"] == "rs1800795,rs1800796"
    assert listed.loc["north-london-uk", "studied"] == "383 healthy controls, North London, UK"
    result = genotype_qc(calls_for({"rs1800796": (2, 13, 15, 0)}), load_catalog(), "north-london-uk")
    assert result.table["ref_freq_allele2"].isna().all()
    assert result.notes == ("rs1800796: not compared with north-london-uk: no north-london-uk frequency of its "
                            "alleles in the shipped reference (--population list shows what it holds; "
                            "--population-file takes your own)",)
    with pytest.raises(InputError, match="no population 'EAS' in the reference \\(it has: 1000-genomes-all, "
                                         "african-american, han-chinese-jiangsu"):
        genotype_qc(calls_for({"rs1800796": (2, 13, 15, 0)}), load_catalog(), "EAS")


@pytest.mark.parametrize("cohort, population, counts", [
    ("japanese", "han-chinese-jiangsu", {"rs1800796": (2, 13, 15, 0)}),
    ("european", "1000-genomes-all", {"rs1800795": (40, 45, 15, 0)}),
])
def test_population_check_against_the_shipped_reference(cohort, population, counts):
    from conftest import read_golden

    r = read_golden(POPULATION / "r_golden.tsv")
    loci, _ = qc(calls_for(counts), load_catalog(), population)
    for locus, row in loci.set_index("locus").iterrows():
        assert row["p_vs_ref"] == pytest.approx(r[f"shipped_{cohort}_{locus}"], rel=1e-10)


POPULATION = Path(__file__).resolve().parent.parent / "golden" / "population"


@pytest.mark.parametrize("cohort,population,counts,expected_flip", [
    ("japanese", "EAS", {"rs1800796": (2, 13, 15, 0), "rs1800795": (30, 0, 0, 0)}, {"rs1800796": False}),
    ("flipped", "EAS", {"rs1800796": (36, 22, 2, 0)}, {"rs1800796": True}),
    ("european", "EUR", {"rs1800795": (40, 45, 15, 0)}, {"rs1800795": False}),
])
def test_population_check_against_published_frequencies(cohort, population, counts, expected_flip):
    from conftest import read_golden

    r = read_golden(POPULATION / "r_golden.tsv")
    reference = read_population_frequencies(POPULATION / "reference.tsv")
    loci, _ = qc(calls_for(counts), load_catalog(), population, reference)
    loci = loci.set_index("locus")
    for locus in counts:
        assert loci.loc[locus, "p_vs_ref"] == pytest.approx(r[f"{cohort}_{locus}"], rel=1e-10), locus
        assert "Han Chinese" in loci.loc[locus, "ref_source"] or "Fishman" in loci.loc[locus, "ref_source"]
    for locus, flipped in expected_flip.items():
        assert ("possible strand flip" in loci.loc[locus, "strand_warning"]) == flipped
