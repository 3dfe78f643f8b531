import pytest

from genoassoc.calls import read_calls, write_calls
from genoassoc.errors import InputError


def write(tmp_path, text):
    path = tmp_path / "calls.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_round_trip_and_catalog_order(tmp_path):
    path = write(
        tmp_path,
        "sample\tlocus\tgenotype\tstatus\treason\tgq\n"
        "S1\trs1800796\tC/G\tcalled\t\t40\n"
        "S2\trs1800796\t\tno_call\tno bands\t\n"
        "S3\tmyvar\tT/A\tcalled\t\t\n"
        "S4\t-572G>C\tC/C\tcalled\t\t\n",
    )
    calls = read_calls(path)
    assert calls["locus"].tolist() == ["rs1800796", "rs1800796", "myvar", "rs1800796"]
    calls = calls.iloc[:3]
    assert calls["genotype"].tolist() == ["G/C", "", "T/A"]
    assert calls["source"].tolist() == ["", "", ""]
    out = tmp_path / "out.tsv"
    write_calls(calls, out)
    header = out.read_text().splitlines()[0].split("\t")
    assert header == ["sample", "locus", "genotype", "status", "reason", "source", "gq"]
    assert read_calls(out)["genotype"].tolist() == ["G/C", "", "T/A"]


@pytest.mark.parametrize(
    "rows, message",
    [
        ("S1\trs1800796\tG/C\tok\n", "row 2, column 'status': status 'ok'"),
        ("S1\trs1800796\t\tcalled\n", "row 2, column 'genotype': a called row has no genotype"),
        ("S1\trs1800796\tG/C\tno_call\n", "a no_call row has a genotype"),
        ("S1\trs1800796\tG/A\tcalled\n", "allele outside rs1800796's G/C"),
        ("S1\trs1800796\tGCC\tcalled\n", "'GCC' is not two alleles"),
        ("S1\trs1800796\tG/C/C\tcalled\n", "'G/C/C' is not two alleles"),
        ("S1\trs1800796\tNA\tcalled\n", "a called row has no genotype"),
        ("S1\trs1800796\tG/C\tcalled\nS1\trs1800796\tG/G\tcalled\n", "row 3: sample 'S1' is listed twice"),
        ("S1\trs1800796\tG/C\tcalled\nS1\t-634C>G\tG/G\tcalled\n", "row 3: sample 'S1' is listed twice"),
    ],
)
def test_bad_calls(tmp_path, rows, message):
    with pytest.raises(InputError, match=message):
        read_calls(write(tmp_path, "sample\tlocus\tgenotype\tstatus\n" + rows))


SPELLINGS = ["G/C", "C/G", "GC", "CG", "g/c", "G|C", "G C", "c g", " G / C ", "G,C", "g:c"]
MISSING = ["", "NA", "N/A", "./.", ".", "0", "-", "NoCall", "Undetermined", "UND", "NOAMP", "nan"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_three_column_table_and_genotype_spellings(tmp_path, spelling):
    calls = read_calls(write(tmp_path, f"sample\tlocus\tgenotype\nS1\trs1800796\t{spelling}\nS2\t-572G>C\tcc\n"))
    assert calls["genotype"].tolist() == ["G/C", "C/C"]
    assert calls["status"].tolist() == ["called", "called"]
    assert calls["locus"].tolist() == ["rs1800796", "rs1800796"]
    assert calls["reason"].tolist() == ["", ""]


@pytest.mark.parametrize("code", MISSING)
def test_missing_codes_become_no_calls_with_the_code_as_reason(tmp_path, code):
    calls = read_calls(write(tmp_path, f"sample\tlocus\tgenotype\nS1\trs1800795\t{code}\nS2\trs1800795\tGG\n"))
    assert calls["status"].tolist() == ["no_call", "called"]
    assert calls["genotype"].tolist() == ["", "G/G"]
    expected = "no genotype in the table" if code == "" else f"no genotype ('{code}' in the table)"
    assert calls["reason"].tolist() == [expected, ""]


def test_given_status_and_reason_are_kept(tmp_path):
    calls = read_calls(write(tmp_path, "sample\tlocus\tgenotype\tstatus\treason\n"
                                       "S1\trs1800796\t\tno_call\tno bands\nS2\trs1800796\t\tno call\t\n"
                                       "S3\trs1800796\tCG\tcalled\t\n"))
    assert calls["status"].tolist() == ["no_call", "no_call", "called"]
    assert calls["reason"].tolist() == ["no bands", "no genotype in the table", ""]
    assert calls["genotype"].tolist() == ["", "", "G/C"]


def test_reverse_strand_alleles_are_refused_with_the_flip_named(tmp_path):
    path = write(tmp_path, "sample\tlocus\tgenotype\nS1\trs1800797\tG/A\nS2\trs1800797\tC/T\n")
    with pytest.raises(InputError) as error:
        read_calls(path)
    message = str(error.value)
    assert "row 3, column 'genotype': genotype 'C/T' has an allele outside rs1800797's G/A" in message
    assert "its complement G/A fits" in message and "reverse strand" in message
    with pytest.raises(InputError, match="allele outside rs1800796's G/C$"):
        read_calls(write(tmp_path, "sample\tlocus\tgenotype\nS1\trs1800796\tA/G\n"))


def test_taqman_export_in_utf16_with_windows_line_ends(tmp_path):
    """QuantStudio/Excel "Unicode text": UTF-16 with BOM, CRLF, allele spellings as exported."""
    text = "sample\tlocus\tgenotype\r\nS1\trs1800795\tG/C\r\nS2\trs1800795\tUndetermined\r\nS3\trs1800795\tC/C\r\n"
    path = tmp_path / "taqman.txt"
    path.write_bytes(text.encode("utf-16"))
    calls = read_calls(path)
    assert calls["genotype"].tolist() == ["G/C", "", "C/C"]
    assert calls["reason"].tolist()[1] == "no genotype ('Undetermined' in the table)"


def test_sorted_samples_skip_hashing_and_repeats_are_still_found():
    import numpy as np
    import pandas as pd

    from genoassoc.calls import _ascending_within_loci, validate_calls
    from genoassoc.loci import load_catalog

    samples = pd.Series(["A1", "A2", "B1", "A1", "A2", "B1"], dtype="string[pyarrow]")
    loci = np.array([0, 0, 0, 1, 1, 1])
    assert _ascending_within_loci(samples, loci)
    assert not _ascending_within_loci(pd.Series(["A1", "A1", "B1", "A1", "A2", "B1"], dtype="string[pyarrow]"), loci)
    assert not _ascending_within_loci(samples, np.array([0, 0, 1, 1, 0, 0]))  # a locus met twice
    table = pd.DataFrame({"sample": pd.array(["A1", "A2", "A2", "A1"], dtype="string[pyarrow]"),
                          "locus": ["rs1800795", "rs1800795", "rs1800795", "rs1800796"],
                          "genotype": ["G/G", "G/C", "G/C", "C/C"]}, index=pd.RangeIndex(2, 6, name="row"))
    with pytest.raises(InputError, match="row 4: sample 'A2' is listed twice for locus 'rs1800795'"):
        validate_calls(table, load_catalog())
