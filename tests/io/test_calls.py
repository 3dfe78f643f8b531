import pytest

from genoassoc.errors import InputError
from genoassoc.io.calls import read_calls, write_calls


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
        ("S1\trs1800796\tGC\tcalled\n", "'GC' is not two alleles"),
        ("S1\trs1800796\tG/C\tcalled\nS1\trs1800796\tG/G\tcalled\n", "row 3: sample 'S1' is listed twice"),
        ("S1\trs1800796\tG/C\tcalled\nS1\t-634C>G\tG/G\tcalled\n", "row 3: sample 'S1' is listed twice"),
    ],
)
def test_bad_calls(tmp_path, rows, message):
    with pytest.raises(InputError, match=message):
        read_calls(write(tmp_path, "sample\tlocus\tgenotype\tstatus\n" + rows))
