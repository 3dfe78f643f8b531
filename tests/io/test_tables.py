import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genoassoc.errors import InputError
from genoassoc.io.records import read_records
from genoassoc.io.tables import format_table, numeric_column, read_table, write_text


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_tsv_with_file_row_numbers(tmp_path):
    path = write(tmp_path, "t.tsv", "sample\tvalue\n\nA\t 1.5 \nB\t\n")
    table = read_table(path, ["sample"])
    assert list(table.columns) == ["sample", "value"]
    assert list(table.index) == [3, 4]
    assert table.loc[3, "value"] == "1.5"
    values = numeric_column(table, "value")
    assert values[3] == 1.5 and pd.isna(values[4])


def test_reads_csv_and_xlsx(tmp_path):
    csv = write(tmp_path, "t.csv", "sample,value\nA,2\n")
    assert read_table(csv, ["value"]).loc[2, "value"] == "2"
    xlsx = tmp_path / "t.xlsx"
    pd.DataFrame({"sample": ["A", "B"], "value": [3, 4.5]}).to_excel(xlsx, index=False)
    table = read_table(xlsx, ["sample", "value"])
    assert table["sample"].tolist() == ["A", "B"]
    assert numeric_column(table, "value").tolist() == [3.0, 4.5]


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("t.tsv", "", "t.tsv: the file is empty"),
        ("t.tsv", "\n\n", "t.tsv: the file is empty"),
        ("t.tsv", "\n\x00", "t.tsv: the file is empty"),
        ("t.tsv", "sample\tvalue\tsample\nA\t1\t2\n", "row 1: duplicate column 'sample' (columns 1 and 3)"),
        ("t.tsv", "sample,value\nA,1\n", "row 1: the header is comma-separated"),
        ("t.tsv", "sample;value\nA;1\n", "row 1: the header is semicolon-separated"),
        ("t.csv", "sample\tvalue\nA\t1\n", "row 1: the header is tab-separated"),
        ("t.tsv", "code\tvalue\nA\t1\n", "row 1: missing column 'sample' (columns found: code, value): accepted "
                                         "names, in any case: sample, sample_id"),
        ("t.tsv", "sample\t\tvalue\nA\t\t1\n", "row 1: column 2 has no name"),
        ("t.tsv", "sample\tvalue\nA\t1\nB\t1\t2\t3\n", "row 3: 4 fields where the header has fewer"),
        ("t.tsv", "sample\tvalue\nA\t1\x00\n", "row 2: NUL bytes in the text"),
    ],
)
@pytest.mark.parametrize("reader", [read_table, read_records])
def test_bad_tables_name_file_row_and_problem(tmp_path, name, text, message, reader):
    with pytest.raises(InputError) as error:
        reader(write(tmp_path, name, text), ["sample"])
    assert message in str(error.value)


@pytest.mark.parametrize("name, text", [
    ("t.tsv", "sample\tvalue\t\n\nA\t 1.5 \t\nB\n"),
    ("t.csv", 'sample,value\n"A, the first","x\ty"\n'),
    ("t.tsv", "Patient ID\tvalue\nA\t1\n"),
])
def test_record_reader_agrees_with_the_table_reader(tmp_path, name, text):
    path = write(tmp_path, name, text)
    table = read_table(path, ["sample"])
    records = read_records(path, ["sample"])
    assert records == [(row, dict(zip(table.columns, values, strict=True)))
                       for row, values in zip(table.index, table.itertuples(index=False), strict=True)]


def test_missing_file_and_binary_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_table(tmp_path / "absent.tsv")
    binary = tmp_path / "b.tsv"
    binary.write_bytes(b"sample\tv\n\xff\xfe\x00")
    with pytest.raises(InputError, match="row 2: NUL bytes in the text"):
        read_table(binary)
    binary.write_bytes(b"sample\tv\n\x89PNG\x1a\x02\x03")
    with pytest.raises(InputError, match="row 2: control characters in the text"):
        read_table(binary)


def test_non_numeric_value_names_row_and_column(tmp_path):
    table = read_table(write(tmp_path, "t.tsv", "sample\tage\nA\t61\nB\tsixty\n"))
    with pytest.raises(InputError, match=r"t.tsv, row 3, column 'age': 'sixty' is not a number"):
        numeric_column(table, "age")


def test_json_keeps_full_precision_and_nan_is_null():
    frame = pd.DataFrame({"p": [0.1 + 0.2, float("nan")], "n": [1, 2]})
    text = format_table(frame, "json")
    assert "0.30000000000000004" in text and "null" in text


def test_write_text_is_atomic(tmp_path):
    target = tmp_path / "out.tsv"
    write_text("a\n", target)
    assert target.read_text() == "a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.tsv"]
    with pytest.raises(InputError, match="output folder does not exist"):
        write_text("a\n", tmp_path / "missing" / "out.tsv")


def test_categorical_runs_format_like_plain_columns():
    plain = pd.DataFrame({"sample": ["a", "b", "c", "d"], "locus": ["x", "x", "y", "y"],
                          "genotype": ["G/C", "", "G/G", "G/C"], "depth": [3.5, float("nan"), 2.0, 1.0],
                          "status": ["called", "no_call", "called", "called"]})
    coded = plain.astype({"locus": "category", "genotype": "category", "status": "category"})
    assert format_table(coded) == format_table(plain)
    assert format_table(plain).splitlines()[2] == "b\tx\t\t\tno_call"


def test_text_columns_with_missing_values_write_as_empty_cells():
    frame = pd.DataFrame({"test": ["log-rank", None, float("nan"), "Cox"], "p": [0.5, float("nan"), 1e-20, 0.25],
                          "n": pd.array([3, None, 5, 6], dtype="Int64")})
    lines = format_table(frame).splitlines()
    assert lines[1:] == ["log-rank\t0.5\t3", "\t\t", "\t1e-20\t5", "Cox\t0.25\t6"]


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet='\t,"\n\r ab', max_size=40))
def test_record_reader_accepts_only_what_the_table_reader_reads_the_same(tmp_path, text):
    """Python's csv (strict) may refuse malformed quoting that pandas' parser repairs; otherwise the
    two readers give the same rows or the same error."""
    path = tmp_path / "t.tsv"
    path.write_text("sample\tv\n" + text, encoding="utf-8", newline="")
    try:
        records = read_records(path, ["sample"])
    except InputError as err:
        if "cannot parse" not in str(err):
            with pytest.raises(InputError) as other:
                read_table(path, ["sample"])
            assert str(other.value) == str(err)
    else:
        table = read_table(path, ["sample"])
        assert records == [(row, dict(zip(table.columns, values, strict=True)))
                           for row, values in zip(table.index, table.itertuples(index=False), strict=True)]


# Bytes as spreadsheet programs and instruments write them.
EXCEL_FILES = {
    "excel_utf8.csv": b"\xef\xbb\xbfsample,il6 (pg/mL),site\r\nS1,12.5,K\xc3\xb6ln\r\nS2,3.1,Lyon\r\n",
    "excel_windows.txt": b"sample\til6 (pg/mL)\tsite\r\nS1\t12.5\tK\xf6ln\r\nS2\t3.1\tLyon\r\n",
    "excel_unicode.txt": "sample\til6 (pg/mL)\tsite\r\nS1\t12.5\tKöln\r\nS2\t3.1\tLyon\r\n".encode("utf-16"),
    "no_bom_utf16.txt": "sample\til6 (pg/mL)\tsite\r\nS1\t12.5\tKöln\r\nS2\t3.1\tLyon\r\n".encode("utf-16-le"),
    "libreoffice.csv": b'"sample","il6 (pg/mL)","site"\n"S1",12.5,"K\xc3\xb6ln"\n"S2",3.1,"Lyon"\n',
    "european.csv": b"sample;il6 (pg/mL);site\r\nS1;12.5;K\xf6ln\r\nS2;3.1;Lyon\r\n",
}


@pytest.mark.parametrize("name", sorted(EXCEL_FILES))
@pytest.mark.parametrize("reader", [read_table, read_records])
def test_spreadsheet_exports_are_read_alike(tmp_path, name, reader):
    path = tmp_path / name
    path.write_bytes(EXCEL_FILES[name])
    rows = reader(path, ["sample", "site"])
    if reader is read_table:
        rows = [(int(row), dict(zip(rows.columns, values, strict=True)))
                for row, values in zip(rows.index, rows.itertuples(index=False), strict=True)]
    assert rows == [(2, {"sample": "S1", "il6 (pg/mL)": "12.5", "site": "Köln"}),
                    (3, {"sample": "S2", "il6 (pg/mL)": "3.1", "site": "Lyon"})]


def test_decimal_commas_need_the_option_and_are_then_read(tmp_path):
    from genoassoc.io.records import ReadOptions

    path = tmp_path / "european.csv"
    path.write_bytes(b"sample;il6;age\r\nS1;12,5;61\r\nS2;3;70\r\nS3;1.234,5;70\r\n")
    table = read_table(path)
    with pytest.raises(InputError, match=r"row 2, column 'il6': '12,5' is not a number \(a decimal comma\? "
                                         r"give --decimal-comma\)"):
        numeric_column(table.loc[[2]], "il6")
    table = read_table(path, options=ReadOptions(decimal_comma=True))
    assert numeric_column(table.loc[[2, 3]], "il6").tolist() == [12.5, 3.0]
    with pytest.raises(InputError, match=r"row 4, column 'il6': '1.234,5' is not a number$"):
        numeric_column(table, "il6")


def test_forced_encoding(tmp_path):
    from genoassoc.io.records import ReadOptions

    path = tmp_path / "t.tsv"
    path.write_bytes("sample\tsite\nS1\tKöln\n".encode("latin-1"))
    assert read_table(path, options=ReadOptions(encoding="latin-1"))["site"].tolist() == ["Köln"]
    with pytest.raises(InputError, match="row 2: not utf-8 text"):
        read_table(path, options=ReadOptions(encoding="utf-8"))
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        read_table(path, options=ReadOptions(encoding="klingon"))


@pytest.mark.parametrize("header", ["sample\tassay\tbands\n", "sample\tlocus\tgenotype\r\n", "sample\tage\n\n\n"])
@pytest.mark.parametrize("reader", [read_table, read_records])
def test_header_only_tables_are_an_error(tmp_path, header, reader):
    with pytest.raises(InputError, match=r"t.tsv, row 1: the table has a header but no rows"):
        reader(write(tmp_path, "t.tsv", header))


def test_workbook_sheets(tmp_path):
    from genoassoc.io.records import ReadOptions

    path = tmp_path / "study.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame().to_excel(writer, sheet_name="Notes", index=False)
        pd.DataFrame({"sample": ["S1"], "il6": [2.5]}).to_excel(writer, sheet_name="IL-6", index=False)
    with pytest.raises(InputError, match=r"sheet 'Notes' is empty; give --sheet \(sheets: Notes, IL-6\)"):
        read_table(path)
    for sheet in ("IL-6", 2, "2"):
        assert read_table(path, options=ReadOptions(sheet=sheet))["il6"].tolist() == ["2.5"]
    with pytest.raises(InputError, match=r"no sheet 'Data' \(sheets: Notes"):
        read_table(path, options=ReadOptions(sheet="Data"))
    with pytest.raises(InputError, match="no sheet 3: the workbook has 2"):
        read_table(path, options=ReadOptions(sheet=3))


def test_old_workbooks_are_refused_with_the_fix(tmp_path):
    xls = tmp_path / "gel.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    with pytest.raises(InputError, match=r"gel.xls: genoassoc does not read .xls workbooks: save it as .xlsx"):
        read_table(xls)
    renamed = tmp_path / "gel.txt"
    renamed.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    with pytest.raises(InputError, match=r"Excel 97-2003 workbook \(.xls\).*save it as .xlsx or as CSV"):
        read_table(renamed)
    zipped = tmp_path / "gel.csv"
    pd.DataFrame({"sample": ["S1"]}).to_excel(tmp_path / "real.xlsx", index=False)
    zipped.write_bytes((tmp_path / "real.xlsx").read_bytes())
    with pytest.raises(InputError, match="an Excel workbook\\? give it the .xlsx extension"):
        read_table(zipped)


def test_tsv_floats_have_no_arithmetic_artefacts():
    frame = pd.DataFrame({"auc": [3880.1499999999996, 4.691999999999999, 0.1 + 0.2, 1e-300, 52.0]})
    assert format_table(frame).splitlines()[1:] == ["3880.15", "4.692", "0.3", "1e-300", "52"]
    assert "3880.1499999999996" in format_table(frame, "json")
