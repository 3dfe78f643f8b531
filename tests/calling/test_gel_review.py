"""The gel review page in a real browser (Debian's chromium driven by its chromedriver through
Selenium): sizes in the page equal the reader's, a lane dragged, bands deleted and added, a ladder
lane unmarked by keyboard, the corrections exported and applied with --corrections, and the band
table and calls that follow equal what the page showed. Also: the page is self-contained and no
text from the layout becomes markup; corrections of another photo or malformed ones are refused."""

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from cli_run import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
PHOTO = ROOT / "examples" / "gel_photo.png"
LAYOUT = ROOT / "examples" / "gel_photo_layout.tsv"
LADDER = "GeneRuler 100 bp"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("review")
    layout = pd.read_csv(LAYOUT, sep="\t", dtype=str, keep_default_na=False)
    layout.loc[layout["sample"] == "P05", "sample"] = "P05</script><b>x</b>"  # a hostile name stays text
    layout.to_csv(folder / "layout.tsv", sep="\t", index=False)
    shutil.copy(PHOTO, folder / "gel.png")
    result = run_cli("gel", "review", folder / "gel.png", "--layout", folder / "layout.tsv", "--ladder", LADDER,
                     "-o", folder / "review.html")
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for program in ("chromium", "chromedriver"):
        if shutil.which(program) is None:
            pytest.fail(f"Debian's {program} is needed for this test (.ci/run installs chromium and chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,800",
                 "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()


# what the page shows per lane: the lane, its call and its bands as [row, size or null]
RESULTS = ("return window.genoassocReview.results().map(r => ({tier: r.lane.tier, lane: r.lane.lane, "
           "ladder: r.lane.ladder, sample: r.lane.sample, call: r.call, x: r.lane.x, "
           "bands: r.bands.map(b => [b.y, Number.isFinite(b.size) ? b.size : null])}))")


def opened(browser, folder, name="review.html"):
    browser.get((folder / name).as_uri())
    return browser.execute_script(RESULTS)


def opened_state(browser):
    return {lane["lane"]: lane for lane in browser.execute_script(RESULTS)}


def python_bands(folder, *extra):
    out = folder / f"bands{len(extra)}.tsv"
    result = run_cli("gel", "bands", folder / "gel.png", "--layout", folder / "layout.tsv", "--ladder", LADDER,
                     "-o", out, *extra)
    assert result.returncode == 0, result.stderr
    return pd.read_csv(out, sep="\t", dtype=str, keep_default_na=False)


def assert_page_sizes_equal(found, table):
    """Every sized band of every sample lane: the page's size equals the band table's (which prints
    whole bp), and the page sizes in full agree with the Python sizer to rounding."""
    for lane in found:
        if lane["ladder"] or not lane["sample"]:
            continue
        row = table[table["lane"] == str(lane["lane"])].iloc[0]
        page = sorted((size for _, size in lane["bands"] if size is not None), reverse=True)
        assert ",".join(f"{size:.0f}" for size in page) == row["bands"], (lane["lane"], page, row["bands"])


def page_model(folder):
    """The model the review page of `folder` was written with (its embedded JSON)."""
    import re

    text = (folder / "review.html").read_text()
    return json.loads(re.search(r'<script id="model" type="application/json">(.*?)</script>', text, re.S).group(1))


def unedited_corrections(model, bands=None, ladder=lambda lane: lane["ladder"], polarity=False):
    """The corrections the page exports for `model` (with `bands` in place of its bands, `ladder` deciding
    each lane's mark; `bands_are` only with `polarity`, as an export from before it was recorded)."""
    keys = ("format", "version", "photo", "sha256", "wells") + (("bands_are",) if polarity else ())
    corrections = {key: model[key] for key in keys}
    corrections["lanes"] = [{**{key: lane[key] for key in ("tier", "lane", "x", "width")}, "ladder": ladder(lane)}
                            for lane in model["lanes"]]
    corrections["bands"] = [band if band["size"] is not None else {k: band[k] for k in ("tier", "lane", "y")}
                            for band in (model["bands"] if bands is None else bands)]
    return corrections


def test_page_sizes_are_the_readers_sizes(page, browser):
    from genoassoc.calling import gel_image

    found = opened(browser, page)
    layout = gel_image.read_layout(page / "layout.tsv")
    reading = gel_image.read_gel(page / "gel.png", layout, gel_image.ladder(LADDER))
    checked = 0
    for lane in found:
        if lane["ladder"]:
            continue
        expected = reading.bands[(reading.bands["lane"] == lane["lane"])]
        for y, size in lane["bands"]:
            match = expected[expected["y"] == y]
            assert len(match) == 1, (lane["lane"], y)
            python = float(match["size_bp"].iloc[0])
            if math.isnan(python):
                assert size is None
            else:
                assert abs(size - python) <= 1e-9 * python, (lane["lane"], y, size, python)
                checked += 1
    assert checked >= 40
    ladder_bands = sum(len(fit.sizes) for fit in reading.ladders)
    assert len(browser.find_elements("css selector", "#fits circle")) == ladder_bands == 20  # the fit drawn
    assert_page_sizes_equal(found, python_bands(page))
    calls = run_cli("call", "--gel-image", page / "gel.png", "--layout", page / "layout.tsv", "--ladder", LADDER)
    by_sample = {line.split("\t")[0]: line.split("\t")[2] for line in calls.stdout.splitlines()[1:]}
    samples = pd.read_csv(page / "layout.tsv", sep="\t", dtype=str, keep_default_na=False)["sample"].tolist()
    for lane in found:
        if not lane["ladder"]:
            assert lane["call"] == by_sample[samples[lane["lane"] - 1]], lane["lane"]


def test_the_page_is_self_contained_and_layout_text_is_not_markup(page, browser):
    html = (page / "review.html").read_text()
    assert "<script src" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html and "@import" not in html and "url(" not in html
    assert "P05</script>" not in html
    opened(browser, page)
    assert browser.find_elements("tag name", "b") == []
    heads = [node.text for node in browser.find_elements("css selector", ".lane text.head")]
    assert "6 P05</script><b>x</b>" in heads


def test_edit_export_and_apply(page, browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    found = opened(browser, page)
    # screen pixels per photo pixel
    scale = browser.execute_script("const s = document.querySelector('#photo svg'); "
                                   "return s.getBoundingClientRect().width / s.viewBox.baseVal.width")
    p02 = next(lane for lane in found if lane["lane"] == 3)
    assert p02["call"] == "G/C" and len([size for _, size in p02["bands"] if size]) == 3

    # delete P02's middle band (164 bp): the page's call goes
    middle = sorted(p02["bands"], key=lambda band: -(band[1] or 0))[1]
    band = next(node for node in browser.find_elements("css selector", ".band")
                if node.get_attribute("aria-label") == f"band in lane 3 at row {middle[0]:.0f}")
    band.click()
    browser.switch_to.active_element.send_keys(Keys.DELETE)
    after = opened_state(browser)
    assert [b for b in after[3]["bands"] if b[0] == middle[0]] == []
    assert after[3]["call"].startswith("no call")

    # click inside lane 3 at that row: the band is back, so is the call
    body = browser.find_elements("css selector", ".lane")[2].find_element("css selector", "rect.body")
    box = browser.execute_script("return arguments[0].getBoundingClientRect().toJSON()", body)
    top = browser.execute_script("return window.genoassocReview.state.wells[1]")
    offset_y = (middle[0] - top) * scale - box["height"] / 2
    ActionChains(browser).move_to_element_with_offset(body, 0, offset_y).click().perform()
    after = opened_state(browser)
    assert len(after[3]["bands"]) == len(p02["bands"])
    assert after[3]["call"] == "G/C"

    # drag lane 5 ten screen pixels to the right
    lane5 = browser.find_elements("css selector", ".lane")[4].find_element("css selector", "rect.body")
    ActionChains(browser).move_to_element_with_offset(lane5, 0, 40).click_and_hold().move_by_offset(10, 0) \
        .release().perform()
    moved = browser.execute_script("return window.genoassocReview.state.lanes[4].x")
    original = next(lane for lane in found if lane["lane"] == 5)["x"]
    assert moved - original == pytest.approx(10 / scale, abs=1.5)

    # the right ladder lane unmarked from the keyboard: every lane sized on the left one alone
    browser.find_elements("css selector", ".lane")[19].send_keys("l")
    after = opened_state(browser)
    assert not after[20]["ladder"] and after[20]["call"] == ""

    browser.find_element("id", "export-button").click()
    exported = json.loads(browser.find_element("id", "corrections").get_attribute("value"))
    corrections = tmp_path / "review.json"
    corrections.write_text(json.dumps(exported))
    final = opened_state(browser)
    table = python_bands(page, "--corrections", corrections)
    assert_page_sizes_equal(list(final.values()), table)
    assert "20" not in set(table["lane"])  # the layout's ladder lane, unmarked: no sample, no row
    calls = run_cli("call", "--gel-image", page / "gel.png", "--layout", page / "layout.tsv", "--ladder", LADDER,
                    "--corrections", corrections)
    assert calls.returncode == 0, calls.stderr
    assert "corrections from review.json" in calls.stderr
    by_sample = {line.split("\t")[0]: line.split("\t")[2] for line in calls.stdout.splitlines()[1:]}
    samples = pd.read_csv(page / "layout.tsv", sep="\t", dtype=str, keep_default_na=False)["sample"].tolist()
    compared = 0
    for number, lane in final.items():
        if not lane["ladder"] and lane["sample"]:
            preview = "" if lane["call"].startswith("no call") else lane["call"]
            assert preview == by_sample[samples[number - 1]], number
            compared += 1
    assert compared == 18



def test_corrections_of_another_photo_or_malformed_are_refused(page, tmp_path):
    other = tmp_path / "other.png"
    other.write_bytes(PHOTO.read_bytes() + b"\0")
    good = {"format": "genoassoc gel corrections", "version": 1, "photo": "gel.png",
            "sha256": __import__("hashlib").sha256((page / "gel.png").read_bytes()).hexdigest(),
            "wells": {"1": 20.0}, "lanes": [{"tier": 1, "lane": 1, "x": 10, "width": 8, "ladder": True}], "bands": []}
    cases = {
        "other photo": (other, good, "of another photo"),
        "not json": (page / "gel.png", "{oops", "not JSON"),
        "negative x": (page / "gel.png", {**good, "lanes": [{"tier": 1, "lane": 1, "x": -3, "width": 8}]},
                       "not a position"),
        "missing lanes": (page / "gel.png", good, "no lane 1:2 of the layout"),
        "no checksum": (page / "gel.png", {key: value for key, value in good.items() if key != "sha256"},
                        "no 'sha256' of the photo"),
    }
    for name, (photo, content, message) in cases.items():
        path = tmp_path / f"{name}.json"
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        out = tmp_path / f"{name}.tsv"
        result = run_cli("gel", "bands", photo, "--layout", page / "layout.tsv", "--ladder", LADDER,
                         "--corrections", path, "-o", out)
        assert result.returncode == 2, (name, result.stderr)
        assert message in result.stderr and result.stderr.count("\n") == 1, (name, result.stderr)
        assert not out.exists()


def test_readable_at_1280_by_800_and_the_well_row_moves_by_keyboard(page, browser):
    from selenium.webdriver.common.keys import Keys

    opened(browser, page)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 1280
    photo = browser.execute_script("return document.querySelector('#photo svg').getBoundingClientRect().toJSON()")
    assert photo["width"] >= 800 and photo["bottom"] <= 800
    well = browser.find_element("css selector", ".well")
    before = browser.execute_script("return window.genoassocReview.state.wells[1]")
    well.send_keys(Keys.SHIFT, Keys.ARROW_DOWN)
    browser.switch_to.active_element.send_keys(Keys.ARROW_UP)
    assert browser.execute_script("return window.genoassocReview.state.wells[1]") == pytest.approx(before + 9)
    exported = json.loads(browser.find_element("id", "corrections").get_attribute("value"))
    assert exported["wells"] == {"1": pytest.approx(before + 9)}


def test_a_refused_photo_opens_with_what_was_found(page, browser, tmp_path):
    layout = pd.read_csv(page / "layout.tsv", sep="\t", dtype=str, keep_default_na=False)
    layout.loc[layout["lane"] == "20", "sample"] = "P19"  # one ladder only, and it is named 1 kb: refused
    layout.loc[layout["lane"] == "20", "locus"] = "rs1800796"
    layout.to_csv(tmp_path / "layout.tsv", sep="\t", index=False)
    shutil.copy(page / "gel.png", tmp_path / "gel.png")
    result = run_cli("gel", "review", tmp_path / "gel.png", "--layout", tmp_path / "layout.tsv", "--ladder",
                     "GeneRuler 1 kb", "-o", tmp_path / "review.html")
    assert result.returncode == 0, result.stderr
    assert "the automatic reading stopped (ladder" in result.stderr
    found = opened(browser, tmp_path)
    assert browser.find_element("id", "problem").text.startswith("The automatic reading stopped: ladder")
    assert len(found) == 20 and sum(len(lane["bands"]) for lane in found) > 20


def test_the_report_reads_the_photo_through_its_corrections(page, tmp_path):
    """The study's gel_corrections: P02's 164 bp band removed in the corrections makes P02 a no-call
    in the report, whose notes and inputs (with the file's SHA-256) show the corrections."""
    import hashlib

    from genoassoc.report import html

    model = page_model(page)
    bands = [band for band in model["bands"] if not (band["lane"] == 3 and band["y"] == sorted(
        b["y"] for b in model["bands"] if b["lane"] == 3)[1])]
    assert len(bands) == len(model["bands"]) - 1
    path = tmp_path / "corrections.json"
    path.write_text(json.dumps(unedited_corrections(model, bands)))
    study = html.Study(title="photo", gel_image=str(page / "gel.png"), gel_layout=str(page / "layout.tsv"),
                       gel_ladder=LADDER, gel_corrections=str(path), pheno=str(ROOT / "examples" / "phenotypes.tsv"),
                       locus="rs1800796", model="dominant")
    report = html.build_report(study)
    assert "corrections from corrections.json: 20 lanes" in report.html
    assert hashlib.sha256(path.read_bytes()).hexdigest() in report.html
    calls = run_cli("call", "--gel-image", page / "gel.png", "--layout", page / "layout.tsv", "--ladder", LADDER,
                    "--corrections", path)
    p02 = next(line.split("\t") for line in calls.stdout.splitlines() if line.startswith("P02\t"))
    assert p02[2] == "" and p02[3] == "no_call" and p02[4]


_SCALARS = st.none() | st.booleans() | st.integers(-5, 3000) | st.floats(allow_nan=True) | st.text(max_size=5)
_JSON = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=5), max_leaves=25)


@settings(max_examples=120, deadline=None)
@given(fields=st.dictionaries(st.sampled_from(["wells", "lanes", "bands", "version", "format", "sha256", "photo",
                                              "bands_are"]),
                              _JSON, max_size=7),
       keep=st.booleans())
def test_fuzz_corrections_are_read_or_refused_as_input_errors(fields, keep):
    """Any JSON in the corrections file: read, or one InputError; never another exception."""
    import hashlib
    import tempfile

    from genoassoc.calling.gel_review import read_corrections
    from genoassoc.errors import InputError

    content = dict(fields)
    if keep:  # a valid head, so the body's fields are what is tested
        content.update(format="genoassoc gel corrections", version=1,
                       sha256=hashlib.sha256(PHOTO.read_bytes()).hexdigest())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "c.json"
        path.write_text(json.dumps(content))
        try:
            read_corrections(path, PHOTO)
        except InputError as err:
            assert "\n" not in str(err)


def test_two_tiers_page_sizes_and_calls_equal_the_commands(browser, tmp_path):
    """A two-tier photo rendered with known genotypes: each tier sized on its own ladders in the page
    as by the reader, the preview calls the command's, and its unedited export gives the same table."""
    from test_gel_image import GENOTYPES, LADDER_LANE, sample_lanes, write_case

    upper, lower = GENOTYPES[:8], ["C/C", "G/C", "G/G", "G/C", "C/C", "G/C", "C/C", "G/C"]
    tiers = [[LADDER_LANE, *sample_lanes(upper), LADDER_LANE], [LADDER_LANE, *sample_lanes(lower), LADDER_LANE]]
    photo, layout, _, truth = write_case(tmp_path, tiers, [upper, lower], seed=7, smile=3)
    result = run_cli("gel", "review", photo, "--layout", layout, "--ladder", LADDER, "-o", tmp_path / "review.html")
    assert result.returncode == 0, result.stderr
    found = opened(browser, tmp_path)
    genotype = dict(zip(truth["sample"], truth["truth"], strict=True))
    samples = [lane for lane in found if lane["sample"]]
    assert len(samples) == 16 and {lane["tier"] for lane in samples} == {1, 2}
    assert all(lane["call"] == genotype[lane["sample"]] for lane in samples)
    exported = tmp_path / "review.json"
    exported.write_text(browser.find_element("id", "corrections").get_attribute("value"))
    plain = run_cli("gel", "bands", photo, "--layout", layout, "--ladder", LADDER, "-o", tmp_path / "plain.tsv")
    corrected = run_cli("gel", "bands", photo, "--layout", layout, "--ladder", LADDER, "--corrections", exported,
                        "-o", tmp_path / "corrected.tsv")
    assert plain.returncode == corrected.returncode == 0, corrected.stderr
    read = [pd.read_csv(tmp_path / name, sep="\t", dtype=str, keep_default_na=False)[["sample", "gel", "lane", "bands"]]
            for name in ("plain.tsv", "corrected.tsv")]
    pd.testing.assert_frame_equal(read[0], read[1])


def test_a_sample_lane_marked_as_the_ladder_is_a_no_call_with_the_reason(page, tmp_path):
    corrections = unedited_corrections(page_model(page), ladder=lambda lane: lane["ladder"] or lane["lane"] == 5)
    path = tmp_path / "corrections.json"
    path.write_text(json.dumps(corrections))
    calls = run_cli("call", "--gel-image", page / "gel.png", "--layout", page / "layout.tsv", "--ladder", LADDER,
                    "--corrections", path)
    assert calls.returncode == 0, calls.stderr
    p04 = next(line.split("\t") for line in calls.stdout.splitlines() if line.startswith("P04\t"))
    assert p04[2:5] == ["", "no_call", "marked as the ladder in the review"]
    assert sum(line.split("\t")[3] == "called" for line in calls.stdout.splitlines()[1:]) == 17


def test_corrections_are_applied_to_the_photo_read_as_reviewed(page, tmp_path):
    """The export records whether the bands were read bright or dark; the corrections are applied to the
    photo read the same way, and --bands reading it otherwise is refused."""
    model = page_model(page)
    assert model["bands_are"] == "bright"
    corrections = unedited_corrections(model, polarity=True)
    path = tmp_path / "corrections.json"
    path.write_text(json.dumps(corrections))
    args = ("gel", "bands", page / "gel.png", "--layout", page / "layout.tsv", "--ladder", LADDER, "--corrections",
            path)
    as_reviewed, told_so = run_cli(*args), run_cli(*args, "--bands", "bright")
    assert as_reviewed.returncode == 0 and told_so.stdout == as_reviewed.stdout
    assert "bright bands on a dark background (given)" in as_reviewed.stderr
    otherwise = run_cli(*args, "--bands", "dark")
    assert otherwise.returncode == 2 and otherwise.stdout == ""
    assert otherwise.stderr == (f"genoassoc: error: {path}: the corrections were made on the photo read with bright "
                                "bands; --bands dark reads it otherwise\n")
    corrections["bands_are"] = "grey"
    path.write_text(json.dumps(corrections))
    grey = run_cli(*args)
    assert grey.returncode == 2 and "'bands_are' is 'grey', not bright or dark" in grey.stderr
