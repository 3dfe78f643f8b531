"""Sanger traces to genotypes: synthetic traces with known genotypes (dye-specific heights, noise,
secondary peaks, dye blobs, a shifted heterozygous peak; forward and reverse reads) and real public
traces (Biopython's test traces, tests/data/sanger/biopython: real peak shapes and noise at sites the
base caller reads cleanly); no-calls with reasons; the command line and concordance on its output."""

import io
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_run import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from sanger_traces import render, reverse_read, write_abif

from genoassoc.calling.sanger import call_read, read_trace, reverse_complement
from genoassoc.errors import InputError
from genoassoc.loci import Locus

REAL = Path(__file__).resolve().parents[1] / "data" / "sanger" / "biopython"
GOLDEN_SCF = Path(__file__).resolve().parents[1] / "golden" / "scf"
SITE = 80


def molecule(seed: int, allele: str = "G") -> str:
    rng = random.Random(seed)
    bases = [rng.choice("ACGT") for _ in range(170)]
    bases[SITE] = allele
    return "".join(bases)


def snp(sequence: str, alleles=("G", "C")) -> Locus:
    return Locus("snp1", alleles, "sim", {"": 1000}, flank5=sequence[SITE - 40:SITE],
                 flank3=sequence[SITE + 1:SITE + 41])


GENOTYPES = {"G/G": ("G", None), "G/C": ("G", "C"), "C/C": ("C", None)}


def trace_of(folder: Path, name: str, genotype: str, seed: int, reverse: bool = False, share: float = 0.8,
             **render_options):
    first, second = GENOTYPES[genotype]
    sequence = molecule(seed, first)
    het = {SITE: (second, share)} if second else {}
    if reverse:
        sequence, het = reverse_read(sequence, het)
    path = write_abif(folder / name, *render(sequence, het, seed=seed * 7 + reverse, **render_options),
                      sample=name.split("_")[0])
    return path, snp(molecule(seed, first))


@pytest.mark.parametrize("options", [
    {}, {"noise": 0.04, "secondary": 0.1}, {"shift": 1.5}, {"blob": SITE - 6}, {"share": 0.4},
])
def test_synthetic_reads_are_called_right_on_both_strands(tmp_path, options):
    share = options.pop("share", 0.8)
    wrong, called, total = [], 0, 0
    for seed in range(12):
        for genotype in GENOTYPES:
            for reverse in (False, True):
                path, locus = trace_of(tmp_path, f"S{seed}_{genotype[0]}{genotype[2]}_{reverse}.ab1", genotype, seed,
                                       reverse, share, **options)
                read = call_read(read_trace(path), locus, locus.flank5, locus.flank3)
                total += 1
                if read.genotype:
                    called += 1
                    if read.genotype != genotype:
                        wrong.append((path.name, read))
                assert read.strand == ("reverse" if reverse else "forward")
    assert wrong == []
    assert called / total >= 0.95, called / total  # call rate


def test_no_calls_say_why(tmp_path):
    path, locus = trace_of(tmp_path, "A_fwd.ab1", "G/C", 3)
    trace = read_trace(path)
    other = snp(molecule(99))
    assert call_read(trace, other, other.flank5, other.flank3).reason.startswith("site not found")
    low = trace.__class__(trace.path, trace.name, trace.channels, trace.peaks, trace.bases,
                          np.full(len(trace.bases), 12.0))
    assert "below --min-quality 20" in call_read(low, locus, locus.flank5, locus.flank3).reason
    # a third dye as high as the second allele at the site
    channels = {base: values.copy() for base, values in trace.channels.items()}
    position = int(trace.peaks[SITE])
    channels["A"][position - 1:position + 2] = channels["C"][position - 1:position + 2]
    third = trace.__class__(trace.path, trace.name, channels, trace.peaks, trace.bases, trace.qualities)
    assert call_read(third, locus, locus.flank5, locus.flank3).reason == "a third base at the site"
    # a clean trace with a secondary peak above its noise and below a heterozygote's
    weak, clean = trace_of(tmp_path, "B_fwd.ab1", "G/C", 4, share=0.13, secondary=0.02, noise=0.005)
    unsure = call_read(read_trace(weak), clean, clean.flank5, clean.flank3)
    assert unsure.genotype == "" and "between the trace's noise" in unsure.reason, unsure
    # a heterozygote beside a dye blob whose secondary peaks reach its own: too noisy to tell
    noisy, locus = trace_of(tmp_path, "C_fwd.ab1", "G/C", 1, share=0.5, secondary=0.15, blob=SITE + 4)
    found = call_read(read_trace(noisy), locus, locus.flank5, locus.flank3)
    assert found.genotype == "" and found.reason == "noisy trace around the site (secondary peaks up to 0.41 of the " \
        "primary; the site's 0.75)", found
    # second peaks at most bases (a mixed template): nothing is called, whatever the site shows
    for share in (0.5, None):
        mixed, locus = trace_of(tmp_path, "D_fwd.ab1", "G/C" if share else "G/G", 5, share=share or 0.8, secondary=0.5)
        found = call_read(read_trace(mixed), locus, locus.flank5, locus.flank3)
        assert found.genotype == "" and found.reason == "double peaks at most bases around the site (median " \
            "secondary 0.45 of the primary)", found


def test_real_traces_give_the_base_callers_base_at_clean_sites_on_either_strand():
    """Real traces (three instruments): at sites in stretches the base caller reads at quality 40 and
    above, the flanks cut from the read's own calls find the site, forward and as a reverse read, and
    the call is the called base, homozygous: no heterozygote where the trace shows one peak."""
    checked, called, wrong = 0, 0, []
    for path in sorted(REAL.glob("*.ab1")):
        trace = read_trace(path)
        q = trace.qualities
        for index in range(60, len(trace.bases) - 60, 23):
            window = trace.bases[index - 25:index + 26]
            if np.nanmin(q[index - 25:index + 26]) < 30 or set(window) - set("ACGT"):
                continue
            base = trace.bases[index]
            other = "A" if base != "A" else "C"
            locus = Locus("real", (base, other), "x", {"": 1}, flank5=trace.bases[index - 25:index],
                          flank3=trace.bases[index + 1:index + 26])
            forward = call_read(trace, locus, locus.flank5, locus.flank3)
            # the same site named on the other strand: the read is then the reverse one
            flipped = Locus("real", (reverse_complement(base), reverse_complement(other)), "x", {"": 1},
                            flank5=reverse_complement(locus.flank3), flank3=reverse_complement(locus.flank5))
            backward = call_read(trace, flipped, flipped.flank5, flipped.flank3)
            for read, expected, strand in ((forward, f"{base}/{base}", "forward"),
                                           (backward, f"{reverse_complement(base)}/{reverse_complement(base)}",
                                            "reverse")):
                checked += 1
                called += bool(read.genotype)
                if (read.genotype and read.genotype != expected) or read.strand != strand:
                    wrong.append((path.name, index, read))
    assert checked >= 120
    assert wrong == [], wrong[:3]
    assert called / checked >= 0.97, called / checked  # call rate


def test_not_a_trace_is_one_input_error(tmp_path):
    broken = {"empty.ab1": b"", "text.ab1": b"ABIF not really", "png.ab1": b"\x89PNG\r\n\x1a\n" * 8}
    for name, content in broken.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(InputError) as caught:
            read_trace(tmp_path / name)
        assert "\n" not in str(caught.value)
    real = (REAL / "3100.ab1").read_bytes()
    (tmp_path / "cut.ab1").write_bytes(real[: len(real) // 2])
    with pytest.raises(InputError):
        read_trace(tmp_path / "cut.ab1")


def test_call_sanger_command_pairs_reads_and_feeds_concordance(tmp_path):
    traces = tmp_path / "traces"
    traces.mkdir()
    truth = {}
    for seed, genotype in enumerate(["G/G", "G/C", "C/C", "G/C", "G/G"]):
        sample = f"P{seed + 1:02d}"
        trace_of(traces, f"{sample}_F.ab1", genotype, seed)
        trace_of(traces, f"{sample}_R.ab1", genotype, seed, reverse=True)
        truth[sample] = genotype
    # one sample whose reverse read disagrees (another molecule sequenced)
    trace_of(traces, "P06_F.ab1", "G/G", 8)
    trace_of(traces, "P06_R.ab1", "C/C", 8, reverse=True)
    panel = tmp_path / "panel.tsv"
    # each seed is another molecule: one panel locus per molecule, with its flanks
    rows = []
    for seed in range(9):
        one = snp(molecule(seed))
        rows.append({"locus": f"snp{seed}", "chrom": "sim", "pos": 1000 + seed, "alleles": "G,C",
                     "flank5": one.flank5, "flank3": one.flank3})
    pd.DataFrame(rows).to_csv(panel, sep="\t", index=False)
    out, figures = tmp_path / "sanger.tsv", tmp_path / "figures"
    figures.mkdir()
    result = run_cli("call", "--sanger", traces, "--panel", panel, "--locus", "snp1", "--sample-pattern",
                     r"(?P<sample>P\d+)_", "--trace-figures", figures, "-o", out)
    assert result.returncode == 0, result.stderr
    # a figure where the site was found (P02's reads), none where it was not
    assert sorted(path.name for path in figures.iterdir()) == ["P02_snp1.png"]
    from PIL import Image

    with Image.open(figures / "P02_snp1.png") as image:
        assert image.format == "PNG" and image.size[0] > 1000
    calls = pd.read_csv(out, sep="\t", dtype=str, keep_default_na=False).set_index("sample")
    assert list(calls.columns[:6]) == ["locus", "genotype", "status", "reason", "source", "file"]
    assert calls.at["P02", "genotype"] == truth["P02"] and calls.at["P02", "strands"] == "forward,reverse"
    assert calls.at["P02", "file"] == "P02_F.ab1,P02_R.ab1"
    assert float(calls.at["P02", "ratio"]) > 0.25
    # snp1's flanks are molecule 1's: only P02's reads (seed 1) carry them
    assert calls.at["P01", "reason"].startswith("P01_F.ab1: site not found")
    rows_all = []
    for seed, sample in enumerate(["P01", "P02", "P03", "P04", "P05"]):
        result = run_cli("call", "--sanger", traces, "--panel", panel, "--locus", f"snp{seed}", "--sample-pattern",
                         r"(?P<sample>P\d+)_")
        line = next(row for row in result.stdout.splitlines() if row.startswith(sample + "\t"))
        rows_all.append(line.split("\t")[:3])
    assert [row[2] for row in rows_all] == [truth[row[0]] for row in rows_all]
    disagree = run_cli("call", "--sanger", traces, "--panel", panel, "--locus", "snp8", "--sample-pattern",
                       r"(?P<sample>P\d+)_")
    p06 = next(row.split("\t") for row in disagree.stdout.splitlines() if row.startswith("P06\t"))
    assert p06[2] == "" and p06[4].startswith("forward/reverse disagree")


def confirmation_case(tmp_path, calls_name):
    """Four samples' traces of one molecule (G/G, G/C, C/C, G/C), the panel with its flanks, and a calls
    table with P3 called wrong (G/G); returns the traces' folder and the true genotypes."""
    traces = tmp_path / "traces"
    traces.mkdir()
    genotypes = ["G/G", "G/C", "C/C", "G/C"]
    for seed, genotype in enumerate(genotypes):
        first, second = GENOTYPES[genotype]
        write_abif(traces / f"P{seed}_F.ab1", *render(molecule(40, first), {SITE: (second, 0.8)} if second else {},
                                                      seed=seed), sample=f"P{seed}")
    one = snp(molecule(40))
    pd.DataFrame([{"locus": "snp", "chrom": "sim", "pos": 1000, "alleles": "G,C", "flank5": one.flank5,
                   "flank3": one.flank3}]).to_csv(tmp_path / "panel.tsv", sep="\t", index=False)
    pd.DataFrame([{"sample": f"P{seed}", "locus": "snp", "genotype": genotype if seed != 3 else "G/G",
                   "status": "called", "reason": "", "source": "rflp"} for seed, genotype in enumerate(genotypes)]
                 ).to_csv(tmp_path / calls_name, sep="\t", index=False)
    return traces, genotypes


def test_concordance_of_rflp_and_sanger_calls(tmp_path):
    """The usual confirmation table: RFLP calls against the Sanger calls of the same molecules, one
    RFLP call wrong on purpose."""
    traces, genotypes = confirmation_case(tmp_path, "rflp.tsv")
    result = run_cli("call", "--sanger", traces, "--panel", tmp_path / "panel.tsv", "--locus", "snp",
                     "-o", tmp_path / "sanger.tsv")
    assert result.returncode == 0, result.stderr
    sanger = pd.read_csv(tmp_path / "sanger.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert sanger["genotype"].tolist() == genotypes
    concordance = run_cli("concordance", tmp_path / "rflp.tsv", tmp_path / "sanger.tsv", "--panel",
                          tmp_path / "panel.tsv")
    assert concordance.returncode == 0, concordance.stderr
    table = pd.read_csv(io.StringIO(concordance.stdout), sep="\t", dtype=str).set_index("locus")
    assert table.loc["snp", ["n_both_called", "n_agree", "n_discordant", "concordance"]].tolist() == \
        ["4", "3", "1", "0.75"]


def test_flanks_cut_from_a_reference_fasta(tmp_path):
    """A panel without flanks: --reference gives 50 bp either side of the locus's position."""
    import pysam

    sequence = molecule(11)
    (tmp_path / "ref.fa").write_text(">sim\n" + "A" * 500 + sequence + "C" * 500 + "\n")
    pysam.faidx(str(tmp_path / "ref.fa"))
    pd.DataFrame([{"locus": "snp", "chrom": "sim", "pos": 500 + SITE + 1, "alleles": "G,C"}]).to_csv(
        tmp_path / "panel.tsv", sep="\t", index=False)
    traces = tmp_path / "traces"
    traces.mkdir()
    write_abif(traces / "X1.ab1", *render(sequence, {SITE: ("C", 0.7)}, seed=2), sample="X1")
    without = run_cli("call", "--sanger", traces, "--panel", tmp_path / "panel.tsv", "--locus", "snp")
    assert without.returncode == 2 and "give --reference FASTA, or flank5/flank3 in the panel" in without.stderr
    result = run_cli("call", "--sanger", traces, "--panel", tmp_path / "panel.tsv", "--locus", "snp",
                     "--reference", tmp_path / "ref.fa")
    assert result.returncode == 0, result.stderr
    row = result.stdout.splitlines()[1].split("\t")
    assert row[:4] == ["X1", "snp", "G/C", "called"]


def damaged_trace(folder, source, edits, cut, kept=0):
    """`source` with its bytes after the first `kept` changed by `edits` and cut at `cut`, read: the trace,
    or None when refused in one line (any other exception fails the test)."""
    data = bytearray(source.read_bytes())
    for place, value in edits:
        data[kept + place % (len(data) - kept)] = value
    if cut is not None:
        data = data[: max(kept, cut % len(data))]
    path = folder / f"damaged{source.suffix}"
    path.write_bytes(bytes(data))
    try:
        return read_trace(path)
    except InputError as err:
        assert "\n" not in str(err)
        return None


@settings(max_examples=80, deadline=None)
@given(edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=12),
       cut=st.one_of(st.none(), st.integers(0, 10**6)))
def test_fuzz_a_damaged_trace_is_read_or_refused(tmp_path_factory, edits, cut):
    """Bytes of a real trace changed or cut: read, or one InputError; never another exception."""
    trace = damaged_trace(tmp_path_factory.mktemp("fuzz"), REAL / "3100.ab1", edits, cut)
    if trace is None:
        return
    locus = Locus("real", ("A", "C"), "x", {"": 1}, flank5=trace.bases[100:125], flank3=trace.bases[126:151])
    call_read(trace, locus, locus.flank5, locus.flank3)


def test_the_report_confirms_the_calls_with_the_traces(tmp_path):
    """study: calls + sanger: the report's Sanger section gives the concordance (as genoassoc
    concordance), the discordant pair, each trace at the site, and hashes every trace."""
    import hashlib

    from genoassoc.report import html

    traces, _ = confirmation_case(tmp_path, "calls.tsv")
    study = html.Study(title="confirmed", calls=str(tmp_path / "calls.tsv"), panel=str(tmp_path / "panel.tsv"),
                       sanger=str(traces))
    report = html.build_report(study)
    assert "Sanger confirmation" in report.sections
    section = report.html.split("Sanger confirmation</h2>")[1].split("<h2")[0]
    assert "<td>snp</td><td>4</td><td>3</td><td>1</td><td>0.750</td>" in section
    assert "<th>n_only_in_calls</th>" in section and "<th>n_no_call_sanger_only</th>" in section
    assert "<tr><td>P3</td><td>snp</td><td>G/G</td><td>G/C</td></tr>" in section
    assert "<th>genotype_calls</th><th>genotype_sanger</th>" in section
    assert section.count("<figcaption>Sanger trace of P") == 4
    panel = tmp_path / "panel.tsv"
    assert f"<p>The SNP was found in each read by the bases beside it: snp, panel 40+40 bp ({panel}).</p>" in section
    for path in traces.iterdir():
        assert hashlib.sha256(path.read_bytes()).hexdigest() in report.html
    # the same from the command line: --sanger takes the folder
    out = tmp_path / "report.html"
    result = run_cli("report", "--calls", tmp_path / "calls.tsv", "--panel", tmp_path / "panel.tsv", "--sanger", traces,
                     "-o", out)
    assert result.returncode == 0, result.stderr
    assert "report written to" in result.stderr and "Sanger confirmation" in result.stderr
    assert out.read_text().count("<figcaption>Sanger trace of P") == 4


@pytest.mark.parametrize("name", ["3100", "3730"])
def test_scf_reads_as_io_lib_wrote_it_from_the_abi_trace(name):
    """io_lib's convert_trace turned Biopython's real ABI traces into SCF 3 (tests/golden/scf): the SCF
    reader gives the same channels, peaks, bases, qualities and sample name as the ABI file."""
    abi, scf = read_trace(REAL / f"{name}.ab1"), read_trace(GOLDEN_SCF / f"{name}.scf")
    assert scf.bases == abi.bases and scf.name == abi.name
    assert np.array_equal(scf.peaks, abi.peaks)
    assert all(np.array_equal(scf.channels[base], abi.channels[base]) for base in "ACGT")
    assert np.array_equal(scf.qualities, abi.qualities)


def test_scf_traces_are_called_from_a_folder(tmp_path):
    import shutil

    trace = read_trace(GOLDEN_SCF / "3730.scf")
    index = 400
    pd.DataFrame([{"locus": "x1", "chrom": "sim", "pos": 1, "alleles": f"{trace.bases[index]},A",
                   "flank5": trace.bases[index - 30:index], "flank3": trace.bases[index + 1:index + 31]}]
                 ).to_csv(tmp_path / "panel.tsv", sep="\t", index=False)
    folder = tmp_path / "traces"
    folder.mkdir()
    shutil.copy(GOLDEN_SCF / "3730.scf", folder)
    result = run_cli("call", "--sanger", folder, "--panel", tmp_path / "panel.tsv", "--locus", "x1")
    assert result.returncode == 0, result.stderr
    row = result.stdout.splitlines()[1].split("\t")
    assert row[:4] == ["226032_C-ME-18_pCAGseqF", "x1", f"{trace.bases[index]}/{trace.bases[index]}", "called"]


@settings(max_examples=60, deadline=None)
@given(edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=12),
       cut=st.one_of(st.none(), st.integers(0, 10**6)))
def test_fuzz_a_damaged_scf_is_read_or_refused(tmp_path_factory, edits, cut):
    # the magic kept: the SCF reader is what is fuzzed
    trace = damaged_trace(tmp_path_factory.mktemp("fuzz"), GOLDEN_SCF / "3100.scf", edits, cut, kept=4)
    if trace is not None:
        assert len(trace.peaks) == len(trace.bases)


# The catalog's IL6 flanks: the forward-strand bases of the allele-specific TaqMan probes printed by
# Tong et al., Biochem Biophys Res Commun 2010;391:481-5 (13 + 4 and 12 + 4 bases around the SNP).
PROBES = {"rs1800795": ("AGTTGTGTCTTGC", "ATGC"), "rs1800796": ("TCTACAACAGCC", "CTCA")}


def il6_molecule(seed: int, locus_id: str, allele: str) -> str:
    """A molecule carrying the probe's bases around SITE and random bases elsewhere (the promoter's
    own sequence is not shipped)."""
    flank5, flank3 = PROBES[locus_id]
    sequence = molecule(seed, allele)
    return sequence[:SITE - len(flank5)] + flank5 + allele + flank3 + sequence[SITE + 1 + len(flank3):]


def test_the_catalog_carries_the_probes_flanks_and_no_others():
    from genoassoc.loci import load_catalog

    catalog = load_catalog()
    for locus_id, (flank5, flank3) in PROBES.items():
        locus = catalog.resolve(locus_id)
        assert (locus.flank5, locus.flank3) == (flank5, flank3)
        assert "Tong Y et al., Biochem Biophys Res Commun 2010" in locus.flank_source
    assert catalog.resolve("rs1800797").flank5 == ""


@pytest.mark.parametrize("options", [{}, {"noise": 0.04, "secondary": 0.1}, {"shift": 1.5}, {"blob": SITE - 6}])
def test_il6_reads_are_called_from_the_catalogs_flanks_alone(tmp_path, options):
    from genoassoc.calling.sanger import flanks_of
    from genoassoc.loci import load_catalog

    catalog = load_catalog()
    wrong, called, total = [], 0, 0
    for locus_id in PROBES:
        locus = catalog.resolve(locus_id)
        flank5, flank3, origin, _ = flanks_of(locus, None, None, str(tmp_path))
        assert origin == f"catalog {len(flank5)}+4 bp"
        for seed in range(8):
            for genotype, (first, second) in GENOTYPES.items():
                for reverse in (False, True):
                    sequence, het = il6_molecule(seed, locus_id, first), {SITE: (second, 0.7)} if second else {}
                    if reverse:
                        sequence, het = reverse_read(sequence, het)
                    path = write_abif(tmp_path / f"{locus_id}_{seed}_{first}{second}_{reverse}.ab1",
                                      *render(sequence, het, seed=seed * 11 + reverse, **options))
                    read = call_read(read_trace(path), locus, flank5, flank3)
                    total += 1
                    called += bool(read.genotype)
                    if read.genotype and read.genotype != genotype:
                        wrong.append((path.name, read))
    assert wrong == []
    assert called / total >= 0.95, called / total


def test_the_catalogs_short_flanks_find_no_site_where_there_is_none():
    """Random reads and Biopython's real traces (other genes) hold neither probe's bases: no site is
    taken from a chance likeness of 16-17 bases; a read with one miscalled flank base is still found,
    one with two is not."""
    from genoassoc.calling.sanger import locate

    rng = random.Random(5)
    reads = ["".join(rng.choice("ACGT") for _ in range(700)) for _ in range(2000)]
    reads += [read_trace(path).bases for path in sorted(REAL.glob("*.ab1"))]
    found = [(index, flanks) for index, read in enumerate(reads) for flanks in PROBES.values() if locate(read, *flanks)]
    assert found == []
    flank5, flank3 = PROBES["rs1800795"]
    read = reads[0][:300] + flank5 + "C" + flank3 + reads[0][318:]
    assert locate(read, flank5, flank3).index == 313
    inner = read[:305] + ("A" if read[305] != "A" else "C") + read[306:]
    assert locate(inner, flank5, flank3).index == 313
    last = read[:317] + "G" + read[318:]  # the flank's last base, C, miscalled
    assert locate(last, flank5, flank3).index == 313
    two = read[:316] + "TT" + read[318:]  # ATGC read ATTT
    assert locate(two, flank5, flank3) is None
    assert locate(inner[:317] + "G" + inner[318:], flank5, flank3) is None  # one inside, one at the end
    gapped = read[:305] + read[306:]  # one base of the 5' flank missing
    assert locate(gapped, flank5, flank3).index == 312
    assert locate(reverse_complement(read), flank5, flank3).strand == "reverse"


def test_a_reference_must_agree_with_the_catalogs_flanks(tmp_path):
    """With --reference, the catalog locus's 50 bases either side are cut from it when they hold the
    probe's bases; another sequence there is refused, naming both. A panel's own flanks stand."""
    import dataclasses

    import pysam

    from genoassoc.calling.sanger import flanks_of
    from genoassoc.loci import load_catalog

    locus = dataclasses.replace(load_catalog().resolve("rs1800795"), chrom="sim", positions={"any": 501 + SITE})
    sequence = il6_molecule(3, "rs1800795", "G")
    (tmp_path / "ref.fa").write_text(">sim\n" + "A" * 500 + sequence + "C" * 500 + "\n")
    (tmp_path / "other.fa").write_text(">sim\n" + "A" * 500 + molecule(3) + "C" * 500 + "\n")
    for name in ("ref.fa", "other.fa"):
        pysam.faidx(str(tmp_path / name))
    assert flanks_of(locus, str(tmp_path / "ref.fa"), None, "traces") == \
        (sequence[SITE - 50:SITE], sequence[SITE + 1:SITE + 51], "reference 50+50 bp", str(tmp_path / "ref.fa"))
    with pytest.raises(InputError) as refused:
        flanks_of(locus, str(tmp_path / "other.fa"), None, "traces")
    message = str(refused.value)
    assert f"reads {molecule(3)[SITE - 13:SITE]}[rs1800795]{molecule(3)[SITE + 1:SITE + 5]}" in message
    assert "the catalog AGTTGTGTCTTGC[G/C]ATGC (forward-strand bases of the allele-specific TaqMan probes" in message
    panel = dataclasses.replace(locus, flank5=sequence[SITE - 40:SITE], flank3=sequence[SITE + 1:SITE + 41],
                                flank_source="", source="panel p.tsv")
    assert flanks_of(panel, str(tmp_path / "other.fa"), None, "traces")[2] == "panel 40+40 bp"


def test_call_sanger_at_catalog_loci_needs_no_flanks_from_the_user(tmp_path):
    traces = tmp_path / "traces"
    traces.mkdir()
    truth = {"P1": ("G", None), "P2": ("G", "C"), "P3": ("C", None)}
    for seed, (sample, (first, second)) in enumerate(truth.items()):
        sequence = il6_molecule(seed, "rs1800796", first)
        het = {SITE: (second, 0.6)} if second else {}
        write_abif(traces / f"{sample}_F.ab1", *render(sequence, het, seed=seed), sample=sample)
        write_abif(traces / f"{sample}_R.ab1", *render(*reverse_read(sequence, het), seed=seed + 50), sample=sample)
    result = run_cli("call", "--sanger", traces, "--locus", "rs1800796,rs1800797")
    assert result.returncode == 2 and "rs1800797: no flanking sequence" in result.stderr
    result = run_cli("call", "--sanger", traces, "--locus", "-572G>C")
    assert result.returncode == 0, result.stderr
    calls = pd.read_csv(io.StringIO(result.stdout), sep="\t", dtype=str, keep_default_na=False).set_index("sample")
    assert calls["genotype"].to_dict() == {"P1": "G/G", "P2": "G/C", "P3": "C/C"}
    assert set(calls["flanks"]) == {"catalog 12+4 bp"} and set(calls["strands"]) == {"forward,reverse"}
    from genoassoc.calling.sanger import read_sanger
    from genoassoc.loci import load_catalog

    cited = read_sanger(traces, [load_catalog().resolve("rs1800796")]).flanks["rs1800796"]
    assert cited.startswith("catalog 12+4 bp (forward-strand bases of the allele-specific TaqMan probes of Tong Y")


SIBLINGS = Path(__file__).resolve().parents[1] / "data" / "sanger" / "sangerseqR"


@pytest.mark.parametrize("min_quality", [0, 20])
def test_real_double_peaks_of_a_heterozygous_indel_are_never_called_wrong(min_quality):
    """sangerseqR's siblings (tests/data/sanger/sangerseqR/README.md): past a 10-base insertion on one
    allele, the heterozygous sibling's base i carries the homozygous sibling's bases i + 77 and i + 67,
    a known pair at every base, heterozygous where they differ (266 of 356). Nothing there is called, at the default
    --min-quality (the base caller's qualities 8-18) nor with the quality gate off (secondary peaks at
    most bases around), so two real heterozygous sites whose weaker peak is 0.12 and 0.13 of the
    stronger (bases 487 and 497) are no longer called homozygous. Before the insertion, where the read
    is clean, each call holds the homozygous sibling's base."""
    het, hom = read_trace(SIBLINGS / "heterozygous.ab1"), read_trace(SIBLINGS / "homozygous.scf")
    outcomes, wrong = {}, []
    for index in [*range(120, 200), *range(225, 581)]:
        first, second = hom.bases[index + 77], hom.bases[index + 67 if index >= 225 else index + 77]
        other = second if second != first else next(base for base in "ACGT" if base != first)
        locus = Locus("sib", (first, other), "x", {"": 1}, flank5=het.bases[index - 20:index],
                      flank3=het.bases[index + 1:index + 21])
        read = call_read(het, locus, locus.flank5, locus.flank3, min_quality)
        assert read.index == index
        outcomes[index] = read.genotype or read.reason.split(" (")[0].split(" around")[0]
        if index >= 225 and read.genotype and read.genotype != locus.genotype(first, second):
            wrong.append((index, read))
        if index < 225 and read.genotype and first not in read.genotype:
            wrong.append((index, read))
    assert wrong == []
    after = Counter(outcome for index, outcome in outcomes.items() if index >= 225)
    if min_quality == 0:  # 509: a second peak 0.90 of the first, amid secondary peaks up to 1.09
        assert after == {"double peaks at most bases": 355, "noisy trace": 1}
    else:
        assert sum(after.values()) == 356 and all(outcome.startswith("quality ") for outcome in after), after
    assert sum(hom.bases[index + 77] != hom.bases[index + 67] for index in range(225, 581)) == 266  # heterozygous
    called = [index for index in range(120, 200) if "/" in outcomes[index]]
    assert len(called) == 79 and all(outcomes[index] == f"{hom.bases[index + 77]}/{hom.bases[index + 77]}"
                                     for index in called)
