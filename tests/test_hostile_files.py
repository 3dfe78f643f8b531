"""Hostile and broken files: no data loss (outputs never replace inputs, special files are written
through, nothing partial is left), no injection into the report, no crash and no unbounded work; and a
property-based fuzz of every parser and command entry (exit 0 or 2, one line, no traceback, no output on
exit 2, inputs unchanged)."""

from __future__ import annotations

import base64
import html
import os
import re
import shutil
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_run import invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CALLS = ROOT / "tests" / "golden" / "publication" / "calls.tsv"
FUZZ = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])



def one_line_error(result, text: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("genoassoc: error: "), result.output
    assert text in lines[0], lines[0]


# ------------------------------------------------------------------------------------------- data loss

def test_the_report_never_replaces_a_file_its_study_names(tmp_path):
    pheno = tmp_path / "phenotypes.tsv"
    shutil.copy(EXAMPLES / "phenotypes.tsv", pheno)
    before = pheno.read_bytes()
    (tmp_path / "study.toml").write_text(f'calls = "{CALLS}"\npheno = "phenotypes.tsv"\nlocus = "rs1800796"\n'
                                         'outcomes = ["c0"]\n', encoding="utf-8")
    one_line_error(invoke("report", tmp_path / "study.toml", "-o", pheno),
                   "--output phenotypes.tsv would overwrite the input given as the study file's phenotypes.tsv")
    assert pheno.read_bytes() == before


def test_outputs_never_replace_listed_files_indexes_or_hard_links(tmp_path):
    bam = tmp_path / "a.bam"
    bam.write_bytes(b"not really a bam")
    listing = tmp_path / "list.txt"
    listing.write_text("a.bam\n", encoding="utf-8")
    one_line_error(invoke("call", "--bam-list", listing, "-o", bam), "would overwrite the input given as a file of "
                                                                      "--bam-list (a.bam)")
    assert bam.read_bytes() == b"not really a bam"
    vcf = tmp_path / "cohort.vcf.gz"
    vcf.write_bytes(b"x")
    one_line_error(invoke("call", "--vcf", vcf, "-o", tmp_path / "cohort.vcf.gz.tbi"),
                   "would overwrite the input given as the index beside --vcf")
    linked = tmp_path / "linked.tsv"
    os.link(CALLS, linked) if os.stat(CALLS).st_dev == os.stat(tmp_path).st_dev else shutil.copy(CALLS, linked)
    copy = tmp_path / "calls.tsv"
    shutil.copy(CALLS, copy)
    os.link(copy, tmp_path / "hard.tsv")
    one_line_error(invoke("hwe", copy, "-o", tmp_path / "hard.tsv"), "would overwrite the input given as CALLS_FILE")
    assert copy.read_bytes() == CALLS.read_bytes()


def test_special_outputs_are_written_through_and_links_followed(tmp_path):
    target = tmp_path / "real.tsv"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.tsv"
    link.symlink_to(target)
    assert invoke("hwe", CALLS, "-o", link).exit_code == 0
    assert link.is_symlink() and target.read_text().startswith("locus\tallele1")
    assert invoke("hwe", CALLS, "-o", os.devnull).exit_code == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_two_outputs_at_one_path_or_a_missing_folder_write_nothing(tmp_path):
    result = invoke("qc", CALLS, "-o", tmp_path / "qc.tsv", "--samples-output", tmp_path / "qc.tsv")
    one_line_error(result, "two outputs name the same file; give each its own")
    cases = [
        ["qc", CALLS, "-o", tmp_path / "qc.tsv", "--samples-output", tmp_path / "no" / "s.tsv"],
        ["cutpoint", "--pheno", EXAMPLES / "hcc_discovery.tsv", "--marker", "il6", "--time", "os_months", "--event",
         "os_event", "-o", tmp_path / "cut.tsv", "--cuts-output", tmp_path / "no" / "cuts.tsv"],
        ["assays", "learn", EXAMPLES / "gel_sizes.tsv", "-o", tmp_path / "learn.tsv", "--toml",
         tmp_path / "no" / "a.toml"],
        ["gel", "bands", EXAMPLES / "gel_photo.png", "--layout", EXAMPLES / "gel_photo_layout.tsv", "--ladder",
         "GeneRuler 100 bp", "--overlay", tmp_path / "ov.png", "-o", tmp_path / "no" / "bands.tsv"],
        ["call", "--rflp", EXAMPLES / "gel_sizes.tsv", "--output-vcf", tmp_path / "no" / "o.vcf", "--build",
         "GRCh38", "-o", tmp_path / "calls.tsv"],
    ]
    for args in cases:
        one_line_error(invoke(*args), "the output folder does not exist")
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_an_interrupted_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    from genoassoc.io import records

    def interrupted(*_args):
        raise SystemExit(143)  # what SIGTERM raises once the command line has started

    monkeypatch.setattr(records.os, "replace", interrupted)
    with pytest.raises(SystemExit):
        records.write_bytes(b"x" * 1_000_000, tmp_path / "big.tsv")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------- injection, reach

PAYLOAD = '<img src=x onerror="alert(1)">'


def test_no_text_from_the_data_becomes_markup_in_the_report(tmp_path):
    pheno = pd.read_csv(EXAMPLES / "phenotypes.tsv", sep="\t", dtype=str, keep_default_na=False)
    pheno = pheno.rename(columns={"il6_day15": f"il6{PAYLOAD}", "os_months": f"os{PAYLOAD}",
                                  "os_event": f"ev{PAYLOAD}", "c0": "c0<script>x</script>"})
    pheno["sex"] = pheno["sex"].map({"M": f"M{PAYLOAD}", "F": "F</td><td>"})
    pheno.to_csv(tmp_path / "p.tsv", sep="\t", index=False)
    quoted = PAYLOAD.replace('"', '\\"')  # the payload inside a TOML string
    lines = [f'title = "{quoted}"', f'calls = "{CALLS}"', 'pheno = "p.tsv"', 'locus = "rs1800796"',
             f'outcomes = ["il6{quoted}"]', 'covariates = ["sex"]', f'survival = [["os{quoted}", "ev{quoted}"]]',
             f'correlations = [["il6{quoted}", "c0<script>x</script>"]]']
    (tmp_path / "study.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = tmp_path / "r.html"
    result = invoke("report", tmp_path / "study.toml", "-o", output)
    assert result.exit_code == 0, result.output
    page = output.read_text()
    assert "<script" not in page.lower() and "<img src=x" not in page
    assert "F</td><td>" not in page  # a value cannot close a cell
    assert html.escape(f"il6{PAYLOAD}") in page  # shown, as text
    for data in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page):
        assert b"<script" not in base64.b64decode(data).lower() and b"<img" not in base64.b64decode(data)


def test_the_report_opens_only_the_inputs_its_sections_use(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "study.toml").write_text(f'calls = "{CALLS}"\npheno = "{EXAMPLES / "phenotypes.tsv"}"\n'
                                         'locus = "rs1800796"\noutcomes = ["c0"]\ncutpoint_validate = "fifo"\n'
                                         'elisa_layout = "/dev/zero"\n', encoding="utf-8")
    output = tmp_path / "r.html"
    result = invoke("report", tmp_path / "study.toml", "-o", output)
    assert result.exit_code == 0, result.output
    inputs = output.read_text().split("Inputs (SHA-256)")[1].split("</table>")[0]
    assert "zero" not in inputs and "fifo" not in inputs and "phenotypes.tsv" in inputs
    (tmp_path / "used.toml").write_text(f'calls = "{CALLS}"\npheno = "fifo"\nlocus = "rs1800796"\n'
                                        'outcomes = ["c0"]\n', encoding="utf-8")
    one_line_error(invoke("report", tmp_path / "used.toml", "-o", tmp_path / "x.html"), "fifo: is a FIFO, not a file")
    loop = tmp_path / "loop"
    loop.symlink_to(tmp_path / "loop")
    one_line_error(invoke("hwe", loop), "cannot open the file (Too many levels of symbolic links)")


# ------------------------------------------------------------------------------------ silent wrong results

def test_numbers_follow_one_rule_everywhere(tmp_path):
    pheno = pd.read_csv(EXAMPLES / "phenotypes.tsv", sep="\t", dtype=str, keep_default_na=False)
    pheno.loc[0, "os_months"] = "1e309"
    pheno.to_csv(tmp_path / "p.tsv", sep="\t", index=False)
    one_line_error(invoke("assoc", CALLS, "--pheno", tmp_path / "p.tsv", "--locus", "rs1800796", "--time",
                          "os_months", "--event", "os_event"), "row 2, column 'os_months': '1e309' is beyond the "
                                                               "range of numbers")
    gel = (EXAMPLES / "gel_sizes.tsv").read_text(encoding="utf-8").splitlines()
    bands = gel[0].split("\t").index("bands")
    for bad in ("1_000", "١٢٠", "nan"):
        fields = gel[1].split("\t")
        fields[bands] = f"{bad},120"
        (tmp_path / "g.tsv").write_text("\n".join([gel[0], "\t".join(fields), *gel[2:]]) + "\n", encoding="utf-8")
        one_line_error(invoke("call", "--rflp", tmp_path / "g.tsv"), f"'{bad}' is not a band size in bp")


def test_duplicates_in_meta_and_population_tables_are_refused(tmp_path):
    rows = (EXAMPLES / "il6_cohorts.tsv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "m.tsv").write_text("\n".join([*rows, rows[1]]) + "\n", encoding="utf-8")
    one_line_error(invoke("meta", tmp_path / "m.tsv"), "is listed twice (rows 2 and ")
    (tmp_path / "pop.tsv").write_text("locus\tpopulation\tallele\tfrequency\nrs1800796\tHan\tC\t0.78\n"
                                      "rs1800796\tHan\tC\t0.80\n", encoding="utf-8")
    one_line_error(invoke("qc", CALLS, "--population-file", tmp_path / "pop.tsv"),
                   "rs1800796 C in 'Han' has two frequencies (rows 2 and 3)")


# ------------------------------------------------------------------------------------------ unbounded work

def test_work_is_bounded_before_it_starts(tmp_path):
    one_line_error(invoke("cutpoint", "--pheno", EXAMPLES / "hcc_discovery.tsv", "--marker", "il6", "--time",
                          "os_months", "--event", "os_event", "--permutations", "100000000"),
                   "--permutations 100000000: give 0 (none) to 1,000,000")
    one_line_error(invoke("cutpoint", "--pheno", EXAMPLES / "hcc_discovery.tsv", "--marker", "il6", "--time",
                          "os_months", "--event", "os_event", "--permutations", "-5"), "--permutations -5")
    power = ["power", "--maf", "0.3", "--event-rate", "0.5"]
    one_line_error(invoke(*power, "--hr", "inf"), "--hr inf: a hazard ratio is a finite number above 0, not 1")
    one_line_error(invoke(*power, "--hr", "2", "--simulate", "-1"), "--simulate -1: give 0")
    one_line_error(invoke(*power, "--hr", "2", "--alpha", "2"), "--alpha 2.0: a significance level")
    one_line_error(invoke(*power, "--hr", "2", "--simulate", "100000", "--n", "5000"),
                   "simulated patients at once (limit 50,000,000)")
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["sample", "il6"])
    sheet.append(["P1", 3])
    sheet["XFD1048576"] = "x"
    workbook.save(tmp_path / "stray.xlsx")
    assert (tmp_path / "stray.xlsx").stat().st_size < 10_000
    one_line_error(invoke("corr", "--pheno", tmp_path / "stray.xlsx", "--x", "il6", "--y", "il6"),
                   "reaches row 1,048,576 (more than 1,000,000): a cell far below the data?")
    import tifffile

    tifffile.imwrite(tmp_path / "bomb.tif", np.zeros((20_000, 20_000), dtype=np.uint8), compression="deflate")
    assert (tmp_path / "bomb.tif").stat().st_size < 1_000_000
    one_line_error(invoke("gel", "bands", tmp_path / "bomb.tif", "--layout", EXAMPLES / "gel_photo_layout.tsv",
                          "--ladder", "GeneRuler 100 bp"), "the image declares 400,000,000 pixels")


# ---------------------------------------------------------------------------------------------- crashes

def test_former_crashes_are_one_line(tmp_path):
    (tmp_path / "v.tsv").write_text("sample\tday\til6\nP01\t0\t5\nP01\t15\tabc\n", encoding="utf-8")
    one_line_error(invoke("split-visits", tmp_path / "v.tsv", "--pheno", EXAMPLES / "phenotypes.tsv", "--time",
                          "os_months", "--event", "os_event", "--visit-time", "day", "--value", "il6"),
                   "v.tsv, row 3, column 'il6': 'abc' is not a number")
    (tmp_path / "deep.toml").write_text("a = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    one_line_error(invoke("assays", "list", "--assays", tmp_path / "deep.toml"),
                   "not valid TOML for genoassoc (arrays or tables nested more than 32 deep)")
    (tmp_path / "latin.toml").write_bytes("title = \"Köln\"\n".encode("latin-1"))
    one_line_error(invoke("report", tmp_path / "latin.toml", "-o", tmp_path / "r.html"), "not UTF-8 text")
    (tmp_path / "wrong.toml").write_text("permutations = \"many\"\n", encoding="utf-8")
    one_line_error(invoke("report", tmp_path / "wrong.toml", "-o", tmp_path / "r.html"),
                   "setting 'permutations' is \"many\": expected a whole number")
    import gzip

    (tmp_path / "plain.vcf.gz").write_bytes(gzip.compress(b"##fileformat=VCFv4.2\n"))
    one_line_error(invoke("call", "--vcf", tmp_path / "plain.vcf.gz"), "compressed with gzip, not bgzip")
    (tmp_path / "list.txt").write_bytes(b"\xff\xfe\x00\xd8bad\n")
    # a UTF-16 byte-order mark followed by an unpaired surrogate
    one_line_error(invoke("call", "--bam-list", tmp_path / "list.txt"),
                   "list.txt, row 1: not utf-16 text (is it a binary file? --encoding forces one)")
    data = (EXAMPLES / "gel_photo.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 3])
    one_line_error(invoke("gel", "bands", tmp_path / "cut.png", "--layout", EXAMPLES / "gel_photo_layout.tsv",
                          "--ladder", "GeneRuler 100 bp"), "not a readable image")
    one_line_error(invoke("gel", "bands", EXAMPLES / "gel_photo.png", "--layout", EXAMPLES / "gel_photo_layout.tsv",
                          "--ladder", "nan,100,200"), "sizes must be numbers in bp")
    (tmp_path / "cox.tsv").write_text("term\thr\tci_lo\tci_hi\tp\nage\t-1\t0.5\t2\t0.3\n", encoding="utf-8")
    one_line_error(invoke("plot", "forest", tmp_path / "cox.tsv", "--univariable", "-o", tmp_path / "f.png"),
                   "a hazard ratio or its limit must be above 0")
    assert not (tmp_path / "f.png").exists()


def test_control_characters_in_a_message_stay_on_one_line(tmp_path):
    name = tmp_path / "bad\x1b[31mname\n.tsv"
    result = invoke("hwe", name)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "\x1b" not in result.output


# ------------------------------------------------------------------------------------------------ fuzzing

def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Replace, delete or insert bytes at positions within the file."""
    out = bytearray(data)
    for position, length, replacement in edits:
        at = position % (len(out) + 1)
        out[at: at + length] = replacement
    return bytes(out)


_EDITS = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 12),
                            st.sampled_from([b"", b"\t", b"\n", b",", b"NA", b"<1.5", b"-1", b"1e309", b"\x00", b"\xff",
                                             b'"', b"G/X", b"\r\n", b"999999999", b"nan", b"\t\t\t", "é".encode()])),
                  min_size=1, max_size=4)

_COMMANDS = {
    "gel": (EXAMPLES / "gel_sizes.tsv", lambda path, out: ["call", "--rflp", path, "-o", out]),
    "calls": (CALLS, lambda path, out: ["hwe", path, "-o", out]),
    "pheno": (EXAMPLES / "phenotypes.tsv", lambda path, out: [
        "assoc", CALLS, "--pheno", path, "--locus", "rs1800796", "--time", "os_months", "--event", "os_event",
        "--covariates", "age,sex", "-o", out]),
    "pk": (EXAMPLES / "pk_samples.tsv", lambda path, out: ["pk", path, "-o", out]),
    "meta": (EXAMPLES / "il6_cohorts.tsv", lambda path, out: ["meta", path, "-o", out]),
    "plate": (EXAMPLES / "elisa_plate.csv", lambda path, out: [
        "elisa", path, "--layout", EXAMPLES / "elisa_layout.tsv", "-o", out]),
    "layout": (EXAMPLES / "elisa_layout.tsv", lambda path, out: [
        "elisa", EXAMPLES / "elisa_plate.csv", "--layout", path, "-o", out]),
    "cohort": (EXAMPLES / "hcc_discovery.tsv", lambda path, out: [
        "cutpoint", "--pheno", path, "--marker", "il6", "--time", "os_months", "--event", "os_event", "-o", out]),
    "visits": (EXAMPLES / "il6_visits.tsv", lambda path, out: [
        "split-visits", path, "--pheno", EXAMPLES / "phenotypes.tsv", "--time", "os_months", "--event", "os_event",
        "--visit-time", "day", "--value", "il6", "-o", out]),
    "study": (EXAMPLES / "study.toml", None),
    "vcf": (ROOT / "tests" / "golden" / "output_vcf" / "input.vcf", lambda path, out: [
        "call", "--vcf", path, "--locus", "rs1800796,rs1800795", "-o", out]),
    "population": (ROOT / "tests" / "golden" / "population" / "reference.tsv", lambda path, out: [
        "qc", CALLS, "--population", "EAS", "--population-file", path, "-o", out]),
    "photo": (EXAMPLES / "gel_photo.png", lambda path, out: [
        "call", "--gel-image", path, "--layout", EXAMPLES / "gel_photo_layout.tsv", "--ladder", "GeneRuler 100 bp",
        "-o", out]),
}


@pytest.mark.parametrize("kind", sorted(set(_COMMANDS) - {"photo"}))
@FUZZ
@given(edits=_EDITS)
def test_fuzz_every_input_is_read_or_refused_in_one_line(tmp_path_factory, kind, edits):
    _read_or_refused(tmp_path_factory, kind, edits)


@settings(FUZZ, max_examples=10)  # a photo that decodes takes a second to read
@given(edits=_EDITS)
def test_fuzz_a_damaged_gel_photo_is_read_or_refused_in_one_line(tmp_path_factory, edits):
    _read_or_refused(tmp_path_factory, "photo", edits)


def _read_or_refused(tmp_path_factory, kind, edits):
    source, command = _COMMANDS[kind]
    folder = tmp_path_factory.mktemp(kind)
    path = folder / source.name
    mutated = _mutate(source.read_bytes(), edits)
    path.write_bytes(mutated)
    out = folder / "out.tsv"
    if command is None:  # the study file: its paths point at the examples
        text = mutated.decode("utf-8", "replace")
        path.write_text(re.sub(r'= "([a-z_0-9]+\.(tsv|csv))"', lambda m: f'= "{EXAMPLES / m.group(1)}"', text),
                        encoding="utf-8")
        before = path.read_bytes()
        args = ["report", path, "-o", folder / "out.html"]
        out = folder / "out.html"
    else:
        before = mutated
        args = command(path, out)
    result = invoke(*args)
    assert result.exit_code in (0, 2), (result.output, result.exception)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback: {result.exception!r}")
    if result.exit_code == 2:
        lines = result.output.strip().splitlines()
        assert lines[-1].startswith("genoassoc: error: ") or lines[-1].startswith("Error: "), result.output
        assert not out.exists()
    assert path.read_bytes() == before


def test_a_covariate_with_too_many_levels_is_refused_with_the_fix(tmp_path):
    pheno = pd.read_csv(EXAMPLES / "hcc_discovery.tsv", sep="\t", dtype=str, keep_default_na=False)
    pheno = pd.concat([pheno] * 2, ignore_index=True)
    pheno["sample"] = [f"S{i}" for i in range(len(pheno))]
    pheno["site"] = [f"site {i % 60:02d}" for i in range(len(pheno))]
    pheno.to_csv(tmp_path / "p.tsv", sep="\t", index=False)
    one_line_error(invoke("cox", "--pheno", tmp_path / "p.tsv", "--time", "os_months", "--event", "os_event",
                          "--vars", "il6", "--covariates", "site"),
                   "covariate 'site' has 60 levels, which would enter the model as 59 terms (limit 50)")
