"""Biobank-size tables: pyarrow's reader gives what the text reader gives, row numbers included."""

import numpy as np
import pandas as pd
import pytest

from genoassoc.calls import read_calls
from genoassoc.errors import InputError
from genoassoc.io import tables
from genoassoc.io.tables import read_table

ROWS = 40_000  # about 1.5 MB: above the size where the columnar reader takes over


def calls_text(delimiter="\t", padded=False, rows=ROWS, bom=False, line_end="\n") -> str:
    """A lab's calls table: loci by rsID and by alias, genotypes in many spellings and missing codes."""
    rng = np.random.default_rng(5)
    spellings = {"rs1800796": ["G/G", "C/G", "GC", "c|c", "", "NA", "./.", "G C"],
                 "-174G>C": ["G/G", "G/C", "CC", "g/c", "Undetermined", "0"],
                 "rs1800797": ["A/A", "G/A", "GG", "-", "a g"]}
    lines = [delimiter.join(["sample", "locus", "genotype", "source", "dp"])]
    for index in range(rows):
        locus = list(spellings)[index % 3]
        choices = spellings[locus]
        genotype = choices[rng.integers(0, len(choices))]
        space = " " if padded and index % 7 == 0 else ""
        lines.append(delimiter.join([f"{space}P{index // 3:06d}", locus, f"{genotype}{space}", "lab", str(index % 50)]))
    return ("\ufeff" if bom else "") + line_end.join(lines) + line_end


def both_readers(path, monkeypatch, required=("sample", "locus", "genotype")):
    fast = read_table(path, required)
    assert fast.attrs["source"] == str(path)
    with monkeypatch.context() as patch:
        patch.setattr(tables, "_COLUMNAR_FROM", 1 << 40)
        slow = read_table(path, required)
    return fast, slow


def assert_same(fast: pd.DataFrame, slow: pd.DataFrame) -> None:
    assert list(fast.columns) == list(slow.columns)
    assert fast.index.equals(slow.index)
    for column in fast.columns:
        assert fast[column].astype(object).tolist() == slow[column].astype(object).tolist(), column


@pytest.mark.parametrize("delimiter, suffix, padded, bom, line_end", [
    ("\t", ".tsv", False, False, "\n"),
    ("\t", ".tsv", True, False, "\r\n"),
    (",", ".csv", True, True, "\n"),
    (";", ".csv", False, False, "\r\n"),
])
def test_columnar_reader_equals_text_reader(tmp_path, monkeypatch, delimiter, suffix, padded, bom, line_end):
    path = tmp_path / f"calls{suffix}"
    path.write_bytes(calls_text(delimiter, padded, bom=bom, line_end=line_end).encode())
    assert path.stat().st_size > tables._COLUMNAR_FROM
    assert tables._read_columnar(path) is not None
    fast, slow = both_readers(path, monkeypatch)
    assert_same(fast, slow)
    # and the validated tables agree, genotype spellings normalised alike
    fast_calls = read_calls(path)
    with monkeypatch.context() as patch:
        patch.setattr(tables, "_COLUMNAR_FROM", 1 << 40)
        slow_calls = read_calls(path)
    assert_same(fast_calls, slow_calls)
    assert set(fast_calls["genotype"]) == {"G/G", "G/C", "C/C", "A/A", "G/A", ""}
    assert set(fast_calls["locus"]) == {"rs1800796", "rs1800795", "rs1800797"}


@pytest.mark.parametrize("change", ["quote", "ragged", "cp1252"])
def test_tables_the_columnar_reader_leaves_to_the_text_reader(tmp_path, monkeypatch, change):
    text = calls_text()
    lines = text.splitlines()
    if change == "quote":
        lines[100] = lines[100].replace("lab", '"lab"')
    elif change == "ragged":
        lines[30_001] += "\textra"
    path = tmp_path / "calls.tsv"
    data = ("\n".join(lines) + "\n").encode()
    if change == "cp1252":
        data = data.replace(b"lab", "labé".encode("cp1252"), 1)
    path.write_bytes(data)
    assert tables._read_columnar(path) is None
    if change == "ragged":
        with pytest.raises(InputError, match="row 30002: 6 fields where the header has fewer"):
            read_table(path)
        return
    fast, slow = both_readers(path, monkeypatch)
    assert_same(fast, slow)


def test_blank_lines_keep_row_numbers(tmp_path, monkeypatch):
    path = tmp_path / "ids.tsv"
    path.write_text("sample\n" + "".join(f"P{index:07d}\n" + ("\n" if index % 1000 == 7 else "")
                                        for index in range(150_000)))
    fast, slow = both_readers(path, monkeypatch, required=("sample",))
    assert_same(fast, slow)
    assert fast.index[8] == 11  # row numbers count the blank line (file row 10)
    lines = calls_text().splitlines()
    lines.insert(500, "")
    path.write_text("\n".join(lines) + "\n")
    fast, slow = both_readers(path, monkeypatch)
    assert_same(fast, slow)
    assert fast.index[499] == 502


def test_row_numbers_of_problems_in_big_tables(tmp_path):
    lines = calls_text().splitlines()
    bad = lines.copy()
    bad[25_000] = "\t".join(["P999999", "rs1800796", "A/T", "lab", "3"])
    path = tmp_path / "bad.tsv"
    path.write_text("\n".join(bad) + "\n")
    with pytest.raises(InputError, match=r"row 25001, column 'genotype': genotype 'A/T' has an allele outside"):
        read_calls(path)
    twice = lines + [lines[30_000]]
    path.write_text("\n".join(twice) + "\n")
    with pytest.raises(InputError, match=f"row {len(twice)}: sample 'P009999' is listed twice for locus 'rs1800797'"):
        read_calls(path)
    # the same locus by its rsID and by its alias
    alias = lines + ["\t".join(["P000005", "rs1800795", "G/G", "lab", "1"])]
    path.write_text("\n".join(alias) + "\n")
    with pytest.raises(InputError, match=f"row {len(alias)}: sample 'P000005' is listed twice for locus 'rs1800795'"):
        read_calls(path)
    no_call = lines.copy()
    no_call[12_000] = "\t".join(["P777777", "rs1800796", "called", "lab", "3"])
    path.write_text("\n".join(no_call) + "\n")
    with pytest.raises(InputError, match="row 12001, column 'genotype'"):
        read_calls(path)


def test_only_the_columns_asked_for(tmp_path, monkeypatch):
    path = tmp_path / "calls.tsv"
    path.write_text(calls_text())
    wanted = ("genotype", "sample", "dp")
    fast, slow = (read_table(path, only=wanted), None)
    with monkeypatch.context() as patch:
        patch.setattr(tables, "_COLUMNAR_FROM", 1 << 40)
        slow = read_table(path, only=wanted)
    assert list(fast.columns) == ["sample", "genotype", "dp"]  # in the file's order
    assert_same(fast, slow)
    assert_same(fast, read_table(path)[["sample", "genotype", "dp"]])
