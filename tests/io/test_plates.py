"""Plate reader exports as readers write them: grids below a header (BioTek Gen5 text, a semicolon CSV with
decimal commas, an Excel sheet), long tables with wavelength columns, and cells a reader writes for
saturated or empty wells; a fuzz of the parser: a plate file is read or refused in one line, nothing else."""

from __future__ import annotations

import string

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genoassoc.errors import InputError
from genoassoc.io.plates import optical_density, read_layout, read_plate, well_name
from genoassoc.io.records import ReadOptions

GEN5 = """Software Version\t3.12.08

Plate Number\tPlate 1
Reader Type:\tSynergy H1
Read\tabs450
\tAbsorbance Endpoint
\tWavelengths:  450, 570

Results
\t1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12
{rows450}
\t1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12
{rows570}
"""


def _grid(value, label: str, sep: str = "\t") -> str:
    return "\n".join(sep.join([row, *(value(row, column) for column in range(1, 13)), label])
                     for row in "ABCDEFGH")


def test_gen5_text_export_two_reads_labelled_beside_row_a_with_overflow(tmp_path):
    path = tmp_path / "gen5.txt"
    rows450 = _grid(lambda r, c: "OVRFLW" if (r, c) == ("A", 8) else f"{0.1 * c + 0.01 * 'ABCDEFGH'.index(r):.3f}",
                    "abs450:450")
    rows570 = _grid(lambda r, c: "0.045", "abs450:570")
    path.write_text(GEN5.format(rows450=rows450, rows570=rows570), encoding="utf-8")
    reads = read_plate(path)
    assert reads.reads == ["450", "570"]
    ods, described = optical_density(reads)
    assert described == "OD at 450 nm less the 570 nm correction read"
    wells = ods.set_index("well")
    assert wells.at["C5", "od"] == pytest.approx(0.52 - 0.045)
    assert wells.at["A8", "state"] == "saturated" and np.isnan(wells.at["A8", "od"])
    assert wells.at["H12", "row"] == 18
    assert len(ods) == 96


def test_semicolon_csv_with_decimal_commas_and_a_label_above_each_block(tmp_path):
    path = tmp_path / "tecan.csv"
    block = ";1;2;3;4;5;6;7;8;9;10;11;12\n" + _grid(lambda r, c: f"0,{c:02d}", "", ";")
    path.write_text(f"Magellan export;;\nWavelength 450 nm\n{block}\n\nMeasurement 620 nm\n{block}\n",
                    encoding="cp1252")
    reads = read_plate(path, ReadOptions(decimal_comma=True))
    assert reads.reads == ["450", "620"]
    ods, _ = optical_density(reads)
    assert ods["od"].abs().max() == 0  # the same numbers in both reads
    with pytest.raises(InputError, match="'0,01' is not a number .*give --decimal-comma"):
        read_plate(path)


def test_excel_sheet_grid_and_a_single_unlabelled_read(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ELISA IL-6", None])
    sheet.append([None, *range(1, 13)])
    for row in "ABCDEFGH":
        sheet.append([row, *[0.5 + column / 100 for column in range(1, 13)]])
    path = tmp_path / "plate.xlsx"
    workbook.save(path)
    reads = read_plate(path)
    assert reads.reads == ["od"]
    ods, described = optical_density(reads)
    assert described == "OD at od"
    assert ods.set_index("well").at["D7", "od"] == pytest.approx(0.57)


def test_long_table_with_wavelength_columns_and_plates(tmp_path):
    path = tmp_path / "long.tsv"
    path.write_text("Plate\tWell\tOD 450 nm\tOD 570 nm\nrun1\tA01\t1.2\t0.05\nrun1\tA2\tOVER\t0.05\n"
                    "run2\ta1\t0.8\t0.04\n", encoding="utf-8")
    reads = read_plate(path)
    ods, _ = optical_density(reads)
    assert list(zip(ods["plate"], ods["well"], ods["state"], strict=True)) == [
        ("run1", "A1", "ok"), ("run1", "A2", "saturated"), ("run2", "A1", "ok")]
    assert ods["od"].iloc[0] == pytest.approx(1.15)
    with pytest.raises(InputError, match="no read at 405"):
        optical_density(reads, "405")


@pytest.mark.parametrize(("text", "message"), [
    ("well\tod\nA1\t0.5\nA1\t0.6\n", "well A1 of plate p is read twice"),
    ("well\tod\nI1\t0.5\n", r"row 2, column 'well': 'I1' is not a well of a 96-well plate"),
    ("well\tsignal\nA1\t0.5\n", "the table has a well column but no optical density column"),
    ("some notes\nno grid here\n", "no plate found"),
    ("well\tod\nA1\tnan\n", "'nan' is not a number"),
    ("well\tod\nA1\t1e309\n", "'1e309' is beyond the range of numbers"),
])
def test_bad_plate_files_are_refused_with_file_row_and_problem(tmp_path, text, message):
    path = tmp_path / "p.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_plate(path)


def test_layout_roles_from_ids_and_types(tmp_path):
    path = tmp_path / "layout.tsv"
    path.write_text("Well\tSample\tConc\tDilution\nA1\tStd 1\t300\t\nA2\tS0\t\t\nA3\tBlank\t\t\nA4\tQC high\t90-150\t\n"
                    "A5\tP01\t\t2\nA6\t\t\t\n", encoding="utf-8")
    layout = read_layout(path)
    assert list(zip(layout["well"], layout["role"], strict=True)) == [
        ("A1", "standard"), ("A2", "blank"), ("A3", "blank"), ("A4", "control"), ("A5", "sample")]
    assert layout.set_index("well").at["A4", "expected_high"] == 150
    assert layout.set_index("well").at["A5", "dilution"] == 2


@pytest.mark.parametrize(("text", "message"), [
    ("well\tsample\ttype\nA1\tP1\tsampel\n", "row 2, column 'type': unknown well type 'sampel'"),
    ("well\tsample\nA1\tP1\nA01\tP2\n", r"well A1 is named twice \(rows 2 and 3\)"),
])
def test_bad_layouts_are_refused_with_row_and_problem(tmp_path, text, message):
    path = tmp_path / "layout.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_layout(path)


def test_well_names():
    assert [well_name(text) for text in ("A1", "a01", "H 12", "B13", "I1", "A0")] == ["A1", "A1", "H12", None,
                                                                                     None, None]


_CELL = st.one_of(st.sampled_from(["", "0.5", "OVRFLW", "1,5", "-0.01", "nan", "A", "1", "12", "*", ">3.5"]),
                  st.text(string.printable, max_size=6))


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_CELL, max_size=14), max_size=12), header=st.booleans())
def test_fuzz_any_text_is_read_or_refused_in_one_line(tmp_path, rows, header):
    lines = ([["", *map(str, range(1, 13))]] if header else []) + rows
    path = tmp_path / "fuzz.csv"
    path.write_text("\n".join(",".join(cell.replace(",", "").replace("\n", "") for cell in line) for line in lines),
                    encoding="utf-8")
    try:
        reads = read_plate(path)
    except InputError as err:
        assert "\n" not in str(err)
        return
    assert set(reads.table["state"]) <= {"ok", "saturated", "empty"}
    assert np.isfinite(reads.table.loc[reads.table["state"] == "ok", "value"]).all()
