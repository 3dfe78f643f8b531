"""Property-based checks: no input crashes the band matcher or the parsers."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genoassoc.calling.rflp import Tolerance, call_rflp, match_lane, parse_sizes
from genoassoc.errors import InputError
from genoassoc.io.records import read_records
from genoassoc.io.tables import read_table

sizes = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)
band_lists = st.lists(sizes, max_size=12)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bands=band_lists, data=st.data())
def test_matcher_always_returns_a_call_or_a_reason(amplicon_assay, bands, data):
    intensities = data.draw(
        st.one_of(st.none(), st.lists(st.floats(0, 1e6, allow_nan=False), min_size=len(bands), max_size=len(bands)))
    )
    tolerance = Tolerance(data.draw(st.floats(0, 50)), data.draw(st.floats(0, 0.5)))
    call = match_lane(amplicon_assay, bands, intensities, tolerance, data.draw(st.floats(0, 500)))
    if call.genotype is None:
        assert call.reason
    else:
        assert call.genotype in amplicon_assay.genotypes and call.reason == ""


@given(st.text())
def test_parse_sizes_returns_sizes_or_value_error(text):
    try:
        parsed = parse_sizes(text)
    except ValueError as err:
        assert str(err)
    else:
        assert all(size > 0 for size in parsed)


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=300))
def test_table_reader_never_crashes(tmp_path, content):
    path = Path(tmp_path) / "any.tsv"
    path.write_bytes(content)
    try:
        table = read_table(path, ["sample"])
    except InputError as err:
        assert "any.tsv" in str(err)
        with pytest.raises(InputError):
            read_records(path, ["sample"])
    else:
        assert "sample" in table.columns
        assert [row for row, _ in read_records(path, ["sample"])] == list(table.index)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(cells, st.sampled_from(["lab-174", "rs1800795", "x"]), cells), max_size=6))
def test_gel_caller_returns_calls_or_input_error(tmp_path, amplicon_assays_toml, rows):
    path = Path(tmp_path) / "gel.tsv"
    text = "sample\tassay\tbands\n" + "".join(
        "\t".join(cell.replace("\t", " ").replace("\n", " ").replace("\r", " ") for cell in row) + "\n"
        for row in rows
    )
    path.write_text(text, encoding="utf-8")
    try:
        calls = call_rflp(path, amplicon_assays_toml)
    except InputError as err:
        assert str(err)
    else:
        assert set(calls["status"]) <= {"called", "no_call"}


@pytest.mark.parametrize("text", ["5bp,5%", "3%", "0"])
def test_tolerance_round_trip(text):
    assert Tolerance.parse(str(Tolerance.parse(text))) == Tolerance.parse(text)
