"""ELISA plates to a phenotype table: the example plate against the same analysis in R (nls SSfpl,
tests/golden/elisa/make_golden.R), then what a reader of the table must be able to trust: limits,
saturated and empty wells, dilutions, replicates, several plates, and refusals of bad curves."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_run import runner
from tolerance import ESTIMATE_SE_FRACTION, SE_RTOL

from genoassoc.analysis.elisa import elisa, parse_standards
from genoassoc.cli import main
from genoassoc.errors import InputError
from genoassoc.io.plates import read_layout
from genoassoc.phenotypes import Coding, numeric, read_phenotypes

ROOT = Path(__file__).resolve().parents[2]
PLATE = ROOT / "examples" / "elisa_plate.csv"
LAYOUT = ROOT / "examples" / "elisa_layout.tsv"
GOLDEN = ROOT / "tests" / "golden" / "elisa"
TRUE = dict(A=0.02, B=2.8, xmid=math.log(60), scal=0.9)  # the simulated plates' curve
LEVELS = {"S1": 300, "S2": 150, "S3": 75, "S4": 37.5, "S5": 18.75, "S6": 9.38, "S7": 4.69}


@pytest.fixture(scope="module")
def example():
    return elisa([PLATE], read_layout(LAYOUT))


def _od(conc: float) -> float:
    return TRUE["A"] + (TRUE["B"] - TRUE["A"]) / (1 + math.exp((TRUE["xmid"] - math.log(conc)) / TRUE["scal"]))


def _plate(tmp_path: Path, samples: dict[str, list[str]], *, name: str = "plate1", standards: dict | None = None,
           plate_column: str | None = None) -> tuple[Path, Path]:
    """A long plate table (well, 450) and its layout: standards in duplicate with a tiny fixed jitter, two
    blanks, then `samples` (id -> OD texts, one per well, or ('dil', d) markers in the id as 'P1@2')."""
    rows, layout = [], []
    wells = iter(f"{row}{column}" for column in range(1, 13) for row in "ABCDEFGH")
    for level, conc in (standards or LEVELS).items():
        for jitter in (0.997, 1.003):
            well = next(wells)
            rows.append((well, f"{_od(conc) * jitter + 0.05:.5f}"))
            layout.append((well, level, "standard", f"{conc}", ""))
    for _ in range(2):
        well = next(wells)
        rows.append((well, "0.05000"))
        layout.append((well, "blank", "", "", ""))
    for label, values in samples.items():
        sample, _, dilution = label.partition("@")
        for value in values:
            well = next(wells)
            rows.append((well, value))
            layout.append((well, sample, "sample", "", dilution))
    plate = tmp_path / f"{name}.tsv"
    plate.write_text("well\t450\n" + "".join(f"{w}\t{v}\n" for w, v in rows), encoding="utf-8")
    layout_file = tmp_path / f"{name}_layout.tsv"
    head = "well\tsample\ttype\tconc\tdilution" + ("\tplate" if plate_column else "")
    layout_file.write_text(head + "\n" + "".join(
        "\t".join([*row, *([plate_column] if plate_column else [])]) + "\n" for row in layout), encoding="utf-8")
    return plate, layout_file


def _od_text(conc: float) -> str:
    return f"{_od(conc) + 0.05:.6f}"


def test_example_plate_equals_the_same_analysis_in_r(example):
    r = pd.read_csv(GOLDEN / "r_example.tsv", sep="\t", dtype=str)
    table = example.table.set_index("sample")
    assert list(table.index) == sorted(r["sample"])
    for sample, expected in zip(r["sample"], r["il6"].str.strip(), strict=True):
        value = table.at[sample, "il6"]
        if expected.startswith("<"):
            assert value == expected, sample
            assert table.at[sample, "il6_flag"].startswith("below LLOQ")
        else:
            # R stops nls at a relative offset of 1e-5: read-backs agree to that precision
            assert float(value) == pytest.approx(float(expected), rel=1e-6), sample
    curve = pd.read_csv(GOLDEN / "r_example_curve.tsv", sep="\t")
    parameters = example.parameters
    scaled = np.abs(parameters["estimate"] - curve["estimate"]) / curve["se"]
    assert (scaled < ESTIMATE_SE_FRACTION).all()
    np.testing.assert_allclose(parameters["se"], curve["se"], rtol=SE_RTOL)
    assert parameters["lloq"].iloc[0] == curve["lloq"].iloc[0] == 3.13
    assert parameters["uloq"].iloc[0] == curve["uloq"].iloc[0] == 300


def test_the_example_reads_what_the_reader_export_holds(example):
    wells = example.wells.set_index("well")
    lines = PLATE.read_text().splitlines()
    a_rows = [line.split(",") for line in lines if line.startswith("A,")]
    h_rows = [line.split(",") for line in lines if line.startswith("H,")]
    # by hand from the export: 450 nm less 570 nm, less the mean of the blanks (A3, B3)
    b_rows = [line.split(",") for line in lines if line.startswith("B,")]
    blank = np.mean([float(a_rows[0][3]) - float(a_rows[1][3]), float(b_rows[0][3]) - float(b_rows[1][3])])
    assert wells.at["A1", "od"] == pytest.approx(float(a_rows[0][1]) - float(a_rows[1][1]) - blank, abs=1e-12)
    assert wells.at["H10", "od"] == pytest.approx(float(h_rows[0][10]) - float(h_rows[1][10]) - blank, abs=1e-12)
    assert example.notes[0].startswith("plate elisa_plate: OD at 450 nm less the 570 nm correction read, less the "
                                       "mean blank OD (0.0285, 2 wells); 4PL curve on 16 standard wells")
    assert "LLOQ 3.13, ULOQ 300 (standards within 80-120%)" in example.notes[0]
    assert "6 samples below the LLOQ written '<LLOQ'" in example.notes[1]
    qc = example.qc.set_index("id")
    assert qc.at["ctrl_low", "expected"] == "5-11" and qc.at["ctrl_low", "pass"] == "yes"
    assert qc.at["ctrl_high", "measured"] == pytest.approx(116.5, abs=0.1)
    assert (qc.loc[qc["kind"] == "standard", "pass"] == "yes").all()


def test_dilution_multiplies_the_result_and_the_limit(example):
    table = example.table.set_index("sample")
    wells = example.wells[example.wells["sample"] == "P09"]
    conc = example.curves[0].fit.concentration([wells["od"].mean()], 2)[0][0]
    assert float(table.at["P09", "il6"]) == pytest.approx(2 * conc, rel=1e-12)
    assert float(table.at["P09", "il6"]) == pytest.approx(38.27, abs=0.01)


def test_the_output_is_a_phenotype_table_the_analyses_read(tmp_path):
    output = tmp_path / "il6.tsv"
    result = runner().invoke(main, ["elisa", str(PLATE), "--layout", str(LAYOUT), "-o", str(output)])
    assert result.exit_code == 0, result.output
    phenotypes = read_phenotypes(output)
    values = numeric(phenotypes, "il6", Coding(below_lloq="half"))
    assert values["P05"] == pytest.approx(3.13 / 2)
    assert values["P01"] == pytest.approx(10.152479, rel=1e-6)
    with pytest.raises(InputError, match="'<3.13' is below the limit of quantification: choose --below-lloq"):
        numeric(phenotypes, "il6")


def test_samples_beyond_the_curve_saturated_and_empty_wells(tmp_path):
    plate, layout = _plate(tmp_path, {
        "high": [_od_text(500), _od_text(520)],          # above the top standard
        "low": ["0.0500", "0.0490"],                      # at the blank: below the curve
        "sat": [_od_text(40), "OVRFLW"],                   # one replicate saturated
        "gone": ["", ""],                                 # no reading
        "mid": [_od_text(40), _od_text(40)],
        "diluted@4": [_od_text(20), _od_text(20)],
    })
    result = elisa([plate], read_layout(layout))
    table = result.table.set_index("sample")
    assert table.at["high", "il6"] == ">300" and table.at["high", "il6_flag"].startswith("above ULOQ")
    assert table.at["low", "il6"] == "<4.69" and table.at["low", "il6_flag"] == "below LLOQ"
    assert table.at["sat", "il6"] == ">300"
    assert "saturated well" in table.at["sat", "il6_flag"]
    assert table.at["gone", "il6"] == "" and "no reading" in table.at["gone", "il6_flag"]
    assert float(table.at["mid", "il6"]) == pytest.approx(40, rel=0.02)
    assert float(table.at["diluted", "il6"]) == pytest.approx(80, rel=0.02)
    assert table.at["diluted", "il6_low"] < 80 < table.at["diluted", "il6_high"]
    wells = result.wells.set_index("well")
    assert set(result.wells.loc[result.wells["sample"] == "low", "note"]) == {"below the curve"}
    assert (wells.loc[wells["note"] == "saturated", "read_back"].isna()).all()


def test_cv_flag_and_limits_from_the_kit(tmp_path):
    plate, layout = _plate(tmp_path, {"noisy": [_od_text(20), _od_text(40)], "steady": [_od_text(20), _od_text(20)]})
    result = elisa([plate], read_layout(layout), max_cv=15, lloq=10, uloq=200)
    table = result.table.set_index("sample")
    cv = table.at["noisy", "il6_cv"]
    assert cv == pytest.approx(100 * np.std([20, 40], ddof=1) / 30, rel=0.03)
    assert table.at["noisy", "il6_flag"] == f"CV {cv:.1f}% above 15%"
    assert table.at["steady", "il6_flag"] == ""
    assert "LLOQ 10, ULOQ 200 (given)" in result.notes[0]


def test_several_plates_each_with_its_curve_and_a_sample_on_both(tmp_path):
    first, layout1 = _plate(tmp_path, {"P1": [_od_text(500), _od_text(500)], "P2": [_od_text(30)] * 2},
                            name="run1", plate_column="run1")
    second, layout2 = _plate(tmp_path, {"P1@4": [_od_text(125), _od_text(125)]}, name="run2", plate_column="run2")
    layout = tmp_path / "layout.tsv"
    layout.write_text(layout1.read_text() + "".join(layout2.read_text().splitlines(True)[1:]))
    result = elisa([first, second], read_layout(layout))
    table = result.table.set_index("sample")
    assert float(table.at["P1", "il6"]) == pytest.approx(500, rel=0.02)
    assert table.at["P1", "plate"] == "run2"
    assert table.at["P1", "il6_flag"] == "1 of 2 results averaged (plates run1, run2)"
    assert [curve.plate for curve in result.curves] == ["run1", "run2"]


def test_bad_curves_are_refused_with_the_reason(tmp_path):
    plate, layout = _plate(tmp_path, {"P1": ["0.5"]})
    # S3 and S4 typed the wrong way round in the layout
    layout.write_text(layout.read_text().replace("S3\tstandard\t75", "S3\tstandard\tX").replace(
        "S4\tstandard\t37.5", "S4\tstandard\t75").replace("S3\tstandard\tX", "S3\tstandard\t37.5"))
    with pytest.raises(InputError, match=r"plate plate1: the standard curve is not monotone: S4 \(75\) has mean OD "
                                         r"1.055 against 1.581 for S3 \(37.5\)"):
        elisa([plate], read_layout(layout))
    plate, layout = _plate(tmp_path, {"P1": ["0.5"]}, standards={"S1": 300, "S2": 100, "S3": 30, "S4": 10},
                           name="few")
    with pytest.raises(InputError, match="plate few: no standard curve: 4 standard concentrations: a 4PL curve "
                                         "needs at least 5"):
        elisa([plate], read_layout(layout))


def test_standards_from_the_command_line(tmp_path):
    plate, layout = _plate(tmp_path, {"P1": [_od_text(30)] * 2})
    text = layout.read_text().splitlines()
    stripped = ["\t".join(cells[:3] + [""] + cells[4:]) for cells in (line.split("\t") for line in text[1:])]
    layout.write_text("\n".join([text[0], *stripped]) + "\n")
    with pytest.raises(InputError, match="standard S1 has no concentration: give it in the layout's conc column or "
                                         "with --standards"):
        elisa([plate], read_layout(layout))
    result = elisa([plate], read_layout(layout), standards=parse_standards(
        ",".join(f"{name}={conc}" for name, conc in LEVELS.items())))
    assert float(result.table.set_index("sample").at["P1", "il6"]) == pytest.approx(30, rel=0.02)
    with pytest.raises(InputError, match="--standards takes ID=CONC pairs"):
        parse_standards("S1:300")


def test_cli_writes_every_output_and_refuses_bad_plates_in_one_line(tmp_path):
    cli = runner()
    outputs = {name: tmp_path / f"{name}.tsv" for name in ("il6", "wells", "qc", "curves")}
    result = cli.invoke(main, ["elisa", str(PLATE), "--layout", str(LAYOUT), "-o", str(outputs["il6"]),
                                  "--wells-output", str(outputs["wells"]), "--qc-output", str(outputs["qc"]),
                                  "--curves-output", str(outputs["curves"]), "--plot", str(tmp_path / "c.svg")])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(outputs["wells"], sep="\t").shape == (82, 11)
    assert list(pd.read_csv(outputs["curves"], sep="\t")["parameter"]) == ["A", "B", "xmid", "scal"]
    assert "<svg" in (tmp_path / "c.svg").read_text()
    bad = tmp_path / "bad.csv"
    bad.write_text(PLATE.read_text().replace("2.394", "2.39x", 1))
    out = tmp_path / "never.tsv"
    result = cli.invoke(main, ["elisa", str(bad), "--layout", str(LAYOUT), "-o", str(out)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"genoassoc: error: {bad}, row 10, column 'B': '2.39x' is not a number (an optical density, or OVRFLW for a "
        "saturated well)"]
    assert not out.exists()
    result = cli.invoke(main, ["elisa", str(PLATE), "--layout", str(LAYOUT), "-o", str(tmp_path / "no" / "x.tsv")])
    assert result.exit_code == 2 and "the output folder does not exist" in result.output


def test_the_report_shows_the_numbers_the_command_line_writes(tmp_path):
    import base64
    import re

    from genoassoc.report.html import build_report, load_study

    study_file = tmp_path / "study.toml"
    study_file.write_text(f'title = "ELISA"\npheno = "{ROOT / "examples" / "phenotypes.tsv"}"\n'
                          f'elisa_plates = ["{PLATE}"]\nelisa_layout = "{LAYOUT}"\nelisa_analyte = "il6_plate"\n'
                          'correlations = [["il6_plate", "il6_baseline"]]\n', encoding="utf-8")
    output = tmp_path / "cli.tsv"
    assert runner().invoke(main, ["elisa", str(PLATE), "--layout", str(LAYOUT), "--analyte", "il6_plate", "-o",
                                     str(output)]).exit_code == 0
    with pytest.raises(InputError, match="'<3.13' is below the limit of quantification"):
        build_report(load_study(study_file))  # the plate's '<3.13' values reach the correlation as they are
    study_file.write_text(study_file.read_text().replace('correlations = [["il6_plate", "il6_baseline"]]\n', ""))
    report = build_report(load_study(study_file))
    assert report.sections == ("ELISA: il6_plate", "Reproducibility")
    attached = dict(re.findall(r'download="([^"]+)" href="data:text/tab-separated-values;base64,([^"]+)"',
                               report.html))
    assert base64.b64decode(attached["il6_plate.tsv"]).decode() == output.read_text()
    assert "LLOQ 3.13, ULOQ 300 (standards within 80-120%)" in report.html
