"""Gel photos to band sizes and genotypes: photos rendered with known truth (genoassoc.calling.gel_render:
semi-log migration with curvature, smile, broadening, intensity proportional to mass, background
gradient, noise, dust, tilt, two tiers, an inverted photo, degraded photos), and a real annotated photo
(tests/data/gel_photos, GelGenie, Apache-2.0)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_run import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from genoassoc.calling import gel_image
from genoassoc.calling.gel_render import RenderedLane, render_gel, save_photo
from genoassoc.calling.rflp import call_rflp
from genoassoc.errors import InputError

LADDER = tuple(range(1000, 0, -100))  # GeneRuler 100 bp
LADDER_LANE = RenderedLane(LADDER, tuple(100 if size == 500 else 50 for size in LADDER))
# IL6 -572 BsrBI: the C allele uncut, the G allele cut
PATTERNS = {"C/C": ((296,), (60,)), "G/C": ((296, 173, 123), (30, 17.5, 12.5)), "G/G": ((173, 123), (35, 25))}
GENOTYPES = ["G/C", "C/C", "G/G", "G/C", "C/C", "C/C", "G/C", "G/C", "C/C", "G/G"]


def sample_lanes(genotypes, **extra):
    return [RenderedLane(*PATTERNS[genotype], primer_dimer=True, **extra) for genotype in genotypes]


def write_case(folder, tiers, genotypes_by_tier, name="gel.png", **render):
    """Render, save, write the layout; returns (photo path, layout path, truth)."""
    photo = render_gel(tiers, **render)
    path = folder / name
    save_photo(photo, str(path))
    rows = []
    for tier, lanes in enumerate(tiers, start=1):
        genotypes = iter(genotypes_by_tier[tier - 1])
        for lane_number, lane in enumerate(lanes, start=1):
            is_ladder = lane.sizes == LADDER
            rows.append({"tier": tier, "lane": lane_number,
                         "sample": "ladder" if is_ladder else f"T{tier}S{lane_number:02d}",
                         "locus": "" if is_ladder else "rs1800796",
                         "truth": "" if is_ladder else next(genotypes)})
    layout = pd.DataFrame(rows)
    layout.drop(columns=["truth"]).to_csv(folder / "layout.tsv", sep="\t", index=False)
    return path, folder / "layout.tsv", photo, layout


def read(path, layout_path, ladder="GeneRuler 100 bp"):
    layout = gel_image.read_layout(layout_path)
    reading = gel_image.read_gel(path, layout, gel_image.ladder(ladder))
    return reading, gel_image.band_table(reading, layout)


def assert_sizes_within(reading, photo, layout, fraction=0.05):
    """Every rendered sample band within the ladder's range is found and sized within `fraction`."""
    truth = pd.DataFrame(photo.bands)
    samples = layout[layout["sample"] != "ladder"][["tier", "lane"]]
    truth = truth.merge(samples, on=["tier", "lane"])
    checked = 0
    for _, band in truth.iterrows():
        found = reading.bands[(reading.bands["tier"] == band["tier"]) & (reading.bands["lane"] == band["lane"])
                              & reading.bands["used"]]
        assert len(found), (band["tier"], band["lane"], band["size"])
        nearest = found.iloc[int(np.argmin(np.abs(found["size_bp"] - band["size"])))]
        assert abs(nearest["size_bp"] - band["size"]) <= fraction * band["size"], (band.to_dict(), nearest.to_dict())
        checked += 1
    sized = reading.bands[reading.bands["used"]]
    assert len(sized) == checked, "a band was sized that the photo does not have"
    return checked


def assert_calls(table, layout):
    calls = call_rflp(table).set_index("sample")
    truth = layout[layout["sample"] != "ladder"].set_index("sample")["truth"]
    for sample, genotype in truth.items():
        assert calls.at[sample, "genotype"] == genotype, (sample, calls.loc[sample].to_dict())


def test_a_tilted_gel_with_smile_and_dust_is_sized_within_5_percent_and_called(tmp_path):
    lanes = [LADDER_LANE, *sample_lanes(GENOTYPES), LADDER_LANE]
    path, layout_path, photo, layout = write_case(tmp_path, [lanes], [GENOTYPES], seed=3, tilt_degrees=1.5,
                                                  smile=4, dust=40)
    reading, table = read(path, layout_path)
    assert reading.angle == pytest.approx(-1.5, abs=0.3) and not reading.inverted
    assert assert_sizes_within(reading, photo, layout) == 20
    assert_calls(table, layout)
    # primer dimers below the ladder's 100 bp band are listed, not sized
    assert (~reading.bands["used"]).sum() == 10
    assert table["note"].str.contains("below the ladder's smallest band: not sized").all()
    assert [fit.sizes for fit in reading.ladders] == [tuple(float(size) for size in LADDER)] * 2


def test_an_inverted_photo_and_a_16_bit_tiff(tmp_path):
    genotypes = ["G/G", "G/C", "C/C", "G/C", "C/C", "G/C"]
    lanes = [LADDER_LANE, *sample_lanes(genotypes), LADDER_LANE]
    photo = render_gel([lanes], seed=5, inverted=True, width=620, smile=3)
    path = tmp_path / "gel.tif"
    save_photo(photo, str(path), bits=16)
    pd.DataFrame({"lane": range(1, 9), "sample": ["ladder", *[f"S{i}" for i in range(1, 7)], "ladder"],
                  "assay": ["", *["IL6-572-BsrBI"] * 6, ""]}).to_csv(tmp_path / "layout.tsv", sep="\t", index=False)
    layout = gel_image.read_layout(tmp_path / "layout.tsv")
    reading = gel_image.read_gel(path, layout, gel_image.ladder("1000,900,800,700,600,500,400,300,200,100"))
    assert reading.inverted
    truth = layout.assign(truth=["", *genotypes, ""], tier=1)
    assert_sizes_within(reading, photo, truth)
    calls = call_rflp(gel_image.band_table(reading, layout)).set_index("sample")
    assert list(calls["genotype"]) == genotypes


def test_two_tiers_each_with_its_ladders(tmp_path):
    upper, lower = GENOTYPES[:8], ["C/C", "G/C", "G/G", "G/C", "C/C", "G/C", "C/C", "G/C"]
    tiers = [[LADDER_LANE, *sample_lanes(upper), LADDER_LANE], [LADDER_LANE, *sample_lanes(lower), LADDER_LANE]]
    path, layout_path, photo, layout = write_case(tmp_path, tiers, [upper, lower], seed=7, smile=3)
    reading, table = read(path, layout_path)
    assert sorted(reading.wells) == [1, 2]
    assert assert_sizes_within(reading, photo, layout) == sum(len(PATTERNS[g][0]) for g in upper + lower)
    assert set(table["gel"]) == {"gel.png:tier1", "gel.png:tier2"}
    assert_calls(table, layout)


def test_a_strong_smile_is_corrected_by_interpolating_between_ladders(tmp_path):
    genotypes = GENOTYPES[:5] + GENOTYPES[5:10]
    lanes = [LADDER_LANE, *sample_lanes(genotypes[:5]), LADDER_LANE, *sample_lanes(genotypes[5:]), LADDER_LANE]
    path, layout_path, photo, layout = write_case(tmp_path, [lanes], [genotypes], seed=11, smile=14)
    reading, table = read(path, layout_path)
    assert_sizes_within(reading, photo, layout)
    assert_calls(table, layout)


def test_degraded_photo_gives_no_calls_with_reasons_not_guesses(tmp_path):
    genotypes = ["G/C", "C/C", "G/G", "G/C", "C/C", "G/C", "G/G", "C/C"]
    lanes = [LADDER_LANE, *sample_lanes(genotypes), LADDER_LANE]
    lanes[3] = RenderedLane()  # a blank lane (failed PCR)
    lanes[5] = RenderedLane(smear=True)  # degraded DNA
    path, layout_path, photo, layout = write_case(tmp_path, [lanes], [genotypes], seed=13, contrast=0.45,
                                                  noise=0.02, smile=3)
    reading, table = read(path, layout_path)
    calls = call_rflp(table).set_index("sample")
    assert calls.at["T1S04", "status"] == "no_call" and calls.at["T1S04", "reason"].startswith("no bands")
    assert calls.at["T1S06", "status"] == "no_call" and "smeared lane" in calls.at["T1S06", "reason"]
    truth = layout.set_index("sample")["truth"]
    for sample in calls.index:
        if calls.at[sample, "status"] == "called":
            assert calls.at[sample, "genotype"] == truth[sample]  # no wrong genotype on a poor photo
    # and not by refusing to call: every homozygote with bands on the photo is called
    readable = [sample for sample in calls.index if sample not in ("T1S04", "T1S06") and truth[sample] != "G/C"]
    assert (calls.loc[readable, "status"] == "called").all()
    # faint heterozygote bands lost in the noise give "missing expected band", never another genotype
    missing = calls[(calls["status"] == "no_call") & ~calls.index.isin(["T1S04", "T1S06"])]
    assert missing["reason"].str.startswith("missing expected band").all()
    assert set(truth[missing.index]) <= {"G/C"}


def test_lanes_that_do_not_match_the_layout_are_refused(tmp_path):
    lanes = [LADDER_LANE, *sample_lanes(GENOTYPES), LADDER_LANE]
    path, _, _, _ = write_case(tmp_path, [lanes], [GENOTYPES], seed=3)
    pd.DataFrame({"lane": [1, 2, 3], "sample": ["ladder", "S1", "S2"], "locus": ["", "rs1800796", "rs1800796"]}).to_csv(
        tmp_path / "short.tsv", sep="\t", index=False)
    with pytest.raises(InputError, match="the photo shows .* lanes where the layout lists 3"):
        read(path, tmp_path / "short.tsv")


def test_layout_and_ladder_errors_are_named(tmp_path):
    (tmp_path / "a.tsv").write_text("lane\tsample\tlocus\n1\tS1\trs1800796\n2\tS2\trs1800796\n")
    with pytest.raises(InputError, match="tier 1 has no ladder lane"):
        gel_image.read_layout(tmp_path / "a.tsv")
    (tmp_path / "b.tsv").write_text("lane\tsample\tlocus\n1\tladder\t\n1\tS2\trs1800796\n")
    with pytest.raises(InputError, match="lane 1 of tier 1 is listed twice"):
        gel_image.read_layout(tmp_path / "b.tsv")
    with pytest.raises(InputError, match="unknown ladder 'Hyperladder X'"):
        gel_image.ladder("Hyperladder X")
    assert gel_image.ladder("100,300,200").sizes == (300.0, 200.0, 100.0)
    assert gel_image.ladder("generuler 100 bp plus").reference == (1000.0, 500.0)


def test_peaks_equal_scipy_find_peaks():
    from scipy import ndimage, signal

    rng = np.random.default_rng(0)
    for trial in range(200):
        trace = ndimage.gaussian_filter1d(rng.normal(size=300), rng.uniform(0.5, 4))
        prominence, distance = rng.uniform(0, 0.5), [0, 5, 12][trial % 3]
        options = {"prominence": prominence, "width": 1.0} | ({"distance": distance} if distance else {})
        expected, properties = signal.find_peaks(trace, **options)
        found = gel_image.find_peaks(trace, prominence, 1.0, distance)
        np.testing.assert_array_equal(found.positions, expected)
        np.testing.assert_allclose(found.prominences, properties["prominences"], rtol=1e-12)
        np.testing.assert_allclose(found.left, properties["left_ips"], rtol=1e-12)
        np.testing.assert_allclose(found.right, properties["right_ips"], rtol=1e-12)


def test_gel_commands_write_the_band_table_calls_and_overlay(tmp_path):
    lanes = [LADDER_LANE, *sample_lanes(GENOTYPES), LADDER_LANE]
    path, layout_path, _, layout = write_case(tmp_path, [lanes], [GENOTYPES], seed=3, smile=4)

    def run(*arguments):
        return run_cli(*arguments)

    bands = run("gel", "bands", path, "--layout", layout_path, "--ladder", "GeneRuler 100 bp", "-o",
                tmp_path / "bands.tsv", "--overlay", tmp_path / "bands.png")
    assert bands.returncode == 0, bands.stderr
    assert "12 lanes, 20 bands sized, 10 outside the ladder" in bands.stderr
    called = run("call", "--rflp", tmp_path / "bands.tsv", "-o", tmp_path / "from_table.tsv")
    direct = run("call", "--gel-image", path, "--layout", layout_path, "--ladder", "GeneRuler 100 bp", "-o",
                 tmp_path / "calls.tsv", "--overlay", tmp_path / "overlay.png")
    assert called.returncode == 0 and direct.returncode == 0, direct.stderr
    calls = pd.read_csv(tmp_path / "calls.tsv", sep="\t", dtype=str)
    assert list(calls["genotype"]) == GENOTYPES
    assert calls["genotype"].tolist() == pd.read_csv(tmp_path / "from_table.tsv", sep="\t", dtype=str)[
        "genotype"].tolist()
    assert (tmp_path / "overlay.png").stat().st_size > 10_000
    missing = run("call", "--gel-image", path, "--layout", layout_path)
    assert missing.returncode == 2 and "--gel-image needs --layout" in missing.stderr


REAL = Path(__file__).resolve().parent.parent / "data" / "gel_photos"


def test_a_real_annotated_photo_every_band_found_none_invented():
    layout = gel_image.read_layout(REAL / "layout.tsv")
    # the source does not name the ladder: read without one (bands found, not sized); named as GeneRuler 1 kb
    # it is refused, its bands being no smooth run of that ladder's sizes
    with pytest.raises(gel_image.GelReadError, match="ladder: tier 1, lane 2: the ladder lane's bands do not follow"):
        gel_image.read_gel(REAL / "uvp01941.jpg", layout, gel_image.ladder("GeneRuler 1 kb"))
    reading = gel_image.read_gel(REAL / "uvp01941.jpg", layout, None)
    annotations = pd.read_csv(REAL / "annotations.tsv", sep="\t")
    lanes = {lane.lane: lane for lane in reading.lanes}
    ladder_x = lanes[2].x

    def inside(band, box):
        return box["left"] <= band["x"] <= box["right"] and box["top"] - 3 <= band["y"] <= box["bottom"] + 3

    samples = annotations[(annotations["right"] < ladder_x - 20) | (annotations["left"] > ladder_x + 20)]
    detected = reading.bands  # sample lanes only (ladder bands are in reading.ladders)
    from_map = samples[samples["source"] == "GelGenie segmentation map"]
    assert len(from_map) == 2
    for _, box in from_map.iterrows():
        assert any(inside(band, box) for _, band in detected.iterrows()), box.to_dict()
    for _, band in detected.iterrows():
        assert any(inside(band, box) for _, box in samples.iterrows()), band.to_dict()
    # every annotated ladder region holds a band of the ladder lane
    ladder_boxes = annotations[(annotations["left"] <= ladder_x) & (annotations["right"] >= ladder_x)]
    for _, box in ladder_boxes.iterrows():
        assert any(box["top"] - 3 <= y <= box["bottom"] + 3 for y in reading.peaks[(1, 2)]), box.to_dict()
    assert [lane.status for lane in reading.lanes] == ["blank", "ok", "blank", "ok", "blank", "ok", "ok", "blank"]


def test_ladder_bands_that_run_together_at_the_top_are_left_out_and_named(tmp_path):
    # on a high-percentage gel the ladder's largest fragments (above 750 bp here) run as one band
    lanes = [LADDER_LANE, *sample_lanes(GENOTYPES), LADDER_LANE]
    path, layout_path, photo, layout = write_case(tmp_path, [lanes], [GENOTYPES], seed=21, smile=3,
                                                  resolving=(750.0, 40.0), band_sigma=2.2)
    reading, table = read(path, layout_path)
    assert all(fit.left_out == (1000.0, 900.0) for fit in reading.ladders)
    assert any("1000, 900 bp not resolved" in note for note in reading.notes)
    assert assert_sizes_within(reading, photo, layout) == 20
    assert_calls(table, layout)


def test_the_overlay_draws_what_was_read(tmp_path):
    """The overlay shows each lane's number and label, every ladder size used, and every band with its size
    in bp (bands not sized: '?'), at the positions read."""
    import matplotlib.pyplot as plt

    from genoassoc.report.figures import gel_overlay

    lanes = [LADDER_LANE, *sample_lanes(GENOTYPES), LADDER_LANE]
    path, layout_path, _, _ = write_case(tmp_path, [lanes], [GENOTYPES], seed=3, smile=4)
    reading, _ = read(path, layout_path)
    labels = {(1, lane): f"T1S{lane:02d}\n{genotype}" for lane, genotype in enumerate(GENOTYPES, start=2)}
    figure = gel_overlay(reading, labels)
    axis = figure.axes[0]
    wells = [(text.get_text(), text.get_position()[1]) for text in axis.texts
             if text.get_text().startswith("wells, tier")]
    assert wells == [(f"wells, tier {tier}", row - 2) for tier, row in reading.wells.items()]
    texts = [(text.get_text(), text.get_position()) for text in axis.texts[len(wells):]]
    shown = [text for text, _ in texts]
    assert [str(lane.lane) for lane in reading.lanes] == shown[:len(reading.lanes)]
    assert sorted(text for text in shown if "\n" in text) == sorted(labels.values())
    ladder_sizes = [f"{size:g}" for fit in reading.ladders for size in fit.sizes]
    band_labels = [f"{band['size_bp']:.0f}" if band["used"] else "?" for _, band in reading.bands.iterrows()]
    assert len(reading.ladders) == 2 and len(band_labels) == 30
    numbers = shown[len(reading.lanes):len(reading.lanes) + len(ladder_sizes) + len(band_labels)]
    assert numbers == ladder_sizes + band_labels
    band_positions = [position for _, position in texts[len(reading.lanes) + len(ladder_sizes):][:len(band_labels)]]
    np.testing.assert_allclose(band_positions, [(band["x"] + 10, band["y"]) for _, band in reading.bands.iterrows()])
    plt.close(figure)


def _ladder_peaks(sizes, reference, top=0.0, extra=(), seed=0):
    """Ladder bands where a 1-2% agarose puts them (log size against migration, bent at the ends),
    the reference bands twice as bright, rows above `top` cut off by the photo."""
    rng = np.random.default_rng(seed)
    logs = np.log(np.asarray(sizes, float))
    ys = 1500 - 175 * logs + 4 * (logs - 7) ** 2 + rng.normal(0, 1.0, len(logs))
    peaks = [gel_image._Peak(float(y), 1.0, (2.0 if size in reference else 1.0) * (1 + rng.normal(0, 0.1)))
             for size, y in zip(sizes, ys, strict=True) if y >= top]
    return peaks + [gel_image._Peak(y, 0.5, 0.6) for y in extra]


NEB_1KB_PLUS = (10000, 8000, 6000, 5000, 4000, 3000, 2000, 1500, 1200, 1000, 900, 800, 700, 600, 500, 400, 300,
                200, 100)


@pytest.mark.parametrize("top, first", [(0, 5000), (150, 2000), (250, 1200), (330, 800)])
def test_a_ladder_with_its_top_bands_cut_off_is_aligned_not_shifted(top, first):
    # the NEB 1 kb Plus ladder with a stray band below it; the photo cuts off the top (its 10 to 6 kb bands
    # are above row 0 here): every band matched keeps its own size
    match = gel_image._match_ladder(_ladder_peaks(NEB_1KB_PLUS, (3000, 1000, 500), top, extra=(1000.0,)),
                                    NEB_1KB_PLUS, (3000, 1000, 500))
    assert match.sizes == tuple(float(size) for size in NEB_1KB_PLUS[NEB_1KB_PLUS.index(first):])
    assert match.extra == (1000.0,)
    assert max(abs(value) for value in match.residuals) < 0.03  # 1 px of noise where bands lie close


def test_four_ladder_bands_and_a_stray_one_are_refused_not_sized():
    # only the 400 to 100 bp bands in the photo, and a stray band below: a chain through the stray band fits
    # worse than a ladder does, and the misfit is named
    with pytest.raises(InputError, match=r"do not follow a smooth migration curve \(off by 2000 bp -18%"):
        gel_image._match_ladder(_ladder_peaks(NEB_1KB_PLUS, (3000, 1000, 500), 450, extra=(1000.0,)),
                                NEB_1KB_PLUS, (3000, 1000, 500))


INVITROGEN_1KB_PLUS = (15000, 10000, 8000, 7000, 6000, 5000, 4000, 3000, 2000, 1500, 1000, 850, 650, 500, 400, 300,
                       200, 100)
# the second ladder lane of two real imager photos (tests/data/gel_photos/corpus/benton_gel_1.jpg, lane 10, and
# benton_gel_2.jpg, lane 10), as the reader detects it: the 8 and 7 kb bands read as one on the first, the
# 400-100 bp bands run together into a smear with two peaks on the second
BENTON_LANE_10 = (277.1, 284.7, 295.1, 300.8, 307.4, 315.8, 327.3, 345.4, 358.7, 376.6, 384.1, 393.6, 402.9, 434.2)
BENTON_2_LANE_10 = (252.6, 260.0, 267.0, 271.0, 276.8, 283.6, 292.3, 304.0, 322.2, 335.2, 352.2, 359.5, 369.3, 378.8,
                    405.0, 443.7)


def test_a_top_band_crowded_by_the_wells_is_left_to_the_slope_rule():
    # the 15 kb band lies 13% below the curve extrapolated from the bands under it (large fragments near
    # their limiting mobility); the chain's slope rule admits it and the fit is checked on the others
    peaks = [gel_image._Peak(y, 1.0, 1.0) for y in BENTON_LANE_10]
    match = gel_image._match_ladder(peaks, INVITROGEN_1KB_PLUS, ())
    assert match.sizes == (15000, 10000, *INVITROGEN_1KB_PLUS[3:14])
    assert round(match.residuals[0], 3) == -0.145 and max(map(abs, match.residuals[1:])) < 0.09
    assert match.extra == (434.2,)


def test_a_ladder_whose_smallest_bands_run_together_keeps_its_fit():
    # two smear peaks below the 500 bp band, where the ladder has four smaller sizes: matched down to 500 bp,
    # the peaks left as extra; three stray peaks below a ladder's smallest size are refused
    peaks = [gel_image._Peak(y, 1.0, 1.0) for y in BENTON_2_LANE_10]
    match = gel_image._match_ladder(peaks, INVITROGEN_1KB_PLUS, ())
    assert match.sizes[0] == 15000 and match.sizes[-1] == 500 and match.extra == (405.0, 443.7)
    stray = _ladder_peaks(NEB_1KB_PLUS, (3000, 1000, 500), extra=(1300.0, 1330.0, 1360.0))
    with pytest.raises(InputError, match=r"shows bands the ladder's sizes do not explain \(3 below its 100 bp band, "
                                         r"where it has 0 smaller sizes\)"):
        gel_image._match_ladder(stray, NEB_1KB_PLUS, (3000, 1000, 500))


@pytest.mark.parametrize("shown, named, problem", [
    ("generuler 100 bp", "generuler 1 kb", "do not follow a smooth migration curve (off by 250 bp +13%"),
    ("generuler 1 kb", "generuler 100 bp", "do not follow a smooth migration curve (off by 200 bp -12%"),
    ("generuler 100 bp plus", "generuler 1 kb", "do not follow a smooth migration curve (off by 250 bp +18%"),
])
def test_the_wrong_ladder_is_refused_with_the_misfit_named(shown, named, problem):
    ladders = gel_image.known_ladders()
    peaks = _ladder_peaks(ladders[shown].sizes, ladders[shown].reference)
    with pytest.raises(InputError) as error:
        gel_image._match_ladder(peaks, ladders[named].sizes, ladders[named].reference)
    assert problem in str(error.value)


@pytest.mark.parametrize("compression", ["lzw", "deflate", "packbits", None])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_tiffs_as_imagers_save_them(tmp_path, compression, dtype):
    import tifffile

    # a real photo's pixels (the corpus' NEB ladder gel), saved as an imager would
    pixels = tifffile.imread(Path(__file__).resolve().parents[1] / "data" / "gel_photos" / "corpus"
                             / "neb_1kb_plus_reference.tif")
    scaled = (pixels.astype(np.float64) * (257 if dtype == np.uint16 else 1)).astype(dtype)
    path = tmp_path / f"gel_{compression}.tif"
    tifffile.imwrite(path, scaled, compression=compression)
    np.testing.assert_allclose(gel_image.load_photo(path), gel_image.load_photo(
        Path(__file__).resolve().parents[1] / "data" / "gel_photos" / "corpus" / "neb_1kb_plus_reference.tif"),
        atol=1e-12)


@pytest.mark.parametrize("noise, dust, seed, problem", [
    (0.012, 25, 11, "the ladder lane shows 0 bands: at least 3 are needed to size bands"),
    # two of three specks chain as ladder bands: refused, where the fit check once raised an IndexError
    (0.02, 400, 3, "only 2 of the ladder lane's 3 bands match the ladder's sizes"),
])
def test_an_empty_ladder_lane_is_refused_not_sized_from_its_noise(tmp_path, noise, dust, seed, problem):
    """Ladder lanes loaded with nothing (specks and camera noise only): the photo is refused at the ladder
    step, in one line, never sized against noise."""
    lanes = [RenderedLane(), *sample_lanes(GENOTYPES[:8]), RenderedLane()]
    path, layout_path, _, _ = write_case(tmp_path, [lanes], [["", *GENOTYPES[:8], ""]], seed=seed, noise=noise,
                                         dust=dust)
    layout = pd.read_csv(layout_path, sep="\t", dtype=str, keep_default_na=False)
    layout.loc[layout["lane"].isin(["1", "10"]), ["sample", "locus"]] = ["ladder", ""]
    layout.to_csv(layout_path, sep="\t", index=False)
    with pytest.raises(gel_image.GelReadError) as refused:
        read(path, layout_path)
    assert refused.value.step == "ladder"
    assert refused.value.problem.startswith(f"ladder: tier 1, lane 1: {problem}")


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.floats(0, 2000, allow_nan=False), min_size=0, max_size=25),
       strengths=st.lists(st.floats(1e-6, 1e3, allow_nan=False), min_size=25, max_size=25),
       name=st.sampled_from(sorted(gel_image.known_ladders())))
def test_fuzz_any_ladder_lane_is_matched_or_refused_in_one_line(rows, strengths, name):
    """Whatever peaks a ladder lane shows (none, a few, repeated rows, specks), the match is a fit or
    one InputError naming what is wrong, never another exception."""
    ladder = gel_image.known_ladders()[name]
    peaks = [gel_image._Peak(y, strength, strength) for y, strength in zip(rows, strengths[:len(rows)], strict=True)]
    try:
        match = gel_image._match_ladder(peaks, ladder.sizes, ladder.reference)
    except InputError as err:
        assert err.problem and "\n" not in err.problem
    else:
        assert len(match.positions) == len(match.sizes) >= 4


def _plain_luminance(path):
    from skimage import io

    image = io.imread(str(path))[..., :3].astype(float) @ np.array([0.2125, 0.7154, 0.0721])
    low, high = np.percentile(image, [0.1, 99.9])
    return np.clip((image - low) / (high - low), 0, 1)


def test_an_imagers_coloured_stamp_is_no_band():
    """The red date stamp an imager prints over its grey photo (corpus: benton_gel_2.jpg, "UVP01459
    Mar/04/2020" in the lower right corner) is painted over by the background before the photo is read;
    the grey pixels are kept. A Coomassie gel's blue bands and an amber-filtered colour photo are
    colour throughout and stay as they are."""
    corpus = REAL / "corpus"
    stamped = corpus / "benton_gel_2.jpg"
    from skimage import io

    plain, loaded = _plain_luminance(stamped), gel_image.load_photo(stamped)
    colour = io.imread(str(stamped)).astype(float)
    red = colour.max(axis=-1) - colour.min(axis=-1) > 0.25 * 255
    rows, columns = np.nonzero(red)
    assert (rows.min(), rows.max(), columns.min(), columns.max(), red.sum()) == (450, 465, 418, 628, 1889)
    assert plain[red].max() > 0.3 and np.all(loaded[red] == np.median(loaded))  # the background's grey
    # the rest of the photo as it was (the grey levels rescaled by the stamp's absence)
    from scipy import ndimage

    rest = ~ndimage.binary_dilation(red, iterations=3)
    assert np.abs(loaded - plain)[rest].max() < 0.01
    for photo in ("gelquant_coomassie.png", "gel_imaging_system_exposure.jpg"):
        np.testing.assert_array_equal(gel_image.load_photo(corpus / photo), _plain_luminance(corpus / photo))
