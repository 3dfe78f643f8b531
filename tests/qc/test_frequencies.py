import pandas as pd
import pytest

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
    assert loci.loc["rs1800796", "p_vs_ref"] < 1e-20
    # rs1800795: reference gives G = 0.99, so C = 0.01; observed C 0.005 fits, no warning.
    assert loci.loc["rs1800795", "ref_freq_allele2"] == pytest.approx(0.01)
    assert loci.loc["rs1800795", "strand_warning"] == ""
    assert loci.loc["rs1800795", "p_vs_ref"] > 0.05


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


def test_shipped_reference_file_reads():
    table = read_population_frequencies()
    assert list(table.columns)[:4] == ["locus", "population", "allele", "frequency"]
