from pathlib import Path

import pytest
from conftest import AMPLICON_LENGTH, EXPECTED

from genoassoc.assays import describe, digest, load_assays, read_assays
from genoassoc.errors import InputError
from genoassoc.loci import load_catalog


def test_digest_cuts_after_catg():
    cuts, sizes = digest("AAAACATGAAAAAAAACATGTTTT", "NlaIII")
    assert cuts == [8, 20]
    assert sizes == [8, 12, 4]


def test_amplicon_assay_fragments_come_from_the_digest(amplicon_assay):
    assert amplicon_assay.derived_from_amplicon
    assert amplicon_assay.amplicon_length == AMPLICON_LENGTH
    assert amplicon_assay.allele_fragments("G") == EXPECTED["G"]
    assert amplicon_assay.allele_fragments("C") == EXPECTED["C"]
    assert amplicon_assay.control_fragments == (50,)
    assert amplicon_assay.undigested_detectable
    # incomplete products of C: 50+154, 154+116, and the whole amplicon
    assert set(amplicon_assay.incomplete_products[1]) == {204, 270, 320}
    assert amplicon_assay.partial_products == (320, 204)


def test_genotype_patterns(amplicon_assay):
    assert amplicon_assay.pattern("G/G") == (270, 50)
    assert amplicon_assay.pattern("G/C") == (270, 154, 116, 50)
    assert amplicon_assay.pattern("C/C") == (154, 116, 50)
    assert amplicon_assay.pattern("C/C", min_band=60) == (154, 116)


def test_describe_lists_each_genotype_pattern(amplicon_assay):
    fields = dict(describe(amplicon_assay))
    assert fields["expected G/C"] == "270, 154, 116, 50 bp"
    assert fields["digestion control"].startswith("50 bp")
    assert fields["locus"] == "rs1800795"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "assays.toml"
    path.write_text(text, encoding="utf-8")
    return path


DECLARED = """
[[assay]]
id = "decl"
locus = "rs1800796"
enzyme = "BsrBI"
source = "test"
[assay.fragments]
G = [165, 120]
C = [285]
"""


def test_declared_assay_without_control_site(tmp_path):
    (assay,) = read_assays(_write(tmp_path, DECLARED), load_catalog())
    assert assay.amplicon_length == 285
    assert assay.control_fragments == ()
    assert not assay.undigested_detectable
    assert "looks like C/C" in dict(describe(assay))["digestion control"]


def test_declared_assay_with_shared_fragment_is_a_control(tmp_path):
    text = DECLARED.replace("G = [165, 120]", "G = [240, 60]").replace("C = [285]", "C = [140, 100, 60]")
    (assay,) = read_assays(_write(tmp_path, text), load_catalog())
    assert assay.control_fragments == (60,)
    assert assay.amplicon_length == 300
    assert 300 in assay.partial_products


@pytest.mark.parametrize(
    "change, message",
    [
        (("BsrBI", "BsrBII"), "unknown enzyme 'BsrBII'"),
        (("rs1800796", "rs999"), "locus 'rs999' is not in the catalog or a panel: give its two alleles"),
        (("C = [285]", "C = [165, 120]"), "same fragments"),
        (("C = [285]", "C = [-3]"), "positive whole numbers"),
        (("C = [285]", ""), "must list fragments for each allele"),
        (('id = "decl"', ""), "'id' is required"),
        (("[assay.fragments]", "x = 1\n[assay.fragments]"), None),
    ],
)
def test_bad_assay_files_name_the_problem(tmp_path, change, message):
    path = _write(tmp_path, DECLARED.replace(*change))
    if message is None:
        assert read_assays(path, load_catalog())
        return
    with pytest.raises(InputError) as error:
        read_assays(path, load_catalog())
    assert message in str(error.value)
    assert str(path) in str(error.value)
    assert "row 2" in str(error.value)


def test_amplicon_with_wrong_base_at_snp_is_refused(tmp_path, amplicon_assays_toml):
    text = amplicon_assays_toml.read_text().replace("snp_position = 201", "snp_position = 196")
    with pytest.raises(InputError, match="not one of the alleles"):
        read_assays(_write(tmp_path, text), load_catalog())


def test_both_forms_at_once_is_refused(tmp_path, amplicon_assays_toml):
    text = amplicon_assays_toml.read_text() + "[assay.fragments]\nG = [1]\nC = [2]\n"
    with pytest.raises(InputError, match="amplicon \\+ snp_position or \\[assay.fragments\\], not both"):
        read_assays(_write(tmp_path, text), load_catalog())


def test_invalid_toml_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="not valid TOML"):
        read_assays(_write(tmp_path, "[[assay]\n"), load_catalog())


def test_user_assays_join_the_builtins(amplicon_assays_toml):
    assays = load_assays(amplicon_assays_toml)
    assert [assay.id for assay in assays.for_locus("rs1800795")] == ["lab-174", "IL6-174-NlaIII", "IL6-174-SfaNI"]
    with pytest.raises(InputError, match="unknown assay 'nope'"):
        assays.get("nope")


def test_an_assay_defines_a_locus_outside_the_catalog(tmp_path):
    text = DECLARED.replace("rs1800796", "rs999").replace('source = "test"', 'source = "test"\nalleles = ["g", "c"]')
    (assay,) = read_assays(_write(tmp_path, text), load_catalog())
    assert (assay.locus, assay.alleles, assay.site_allele) == ("rs999", ("G", "C"), "G")
    assert "not in the catalog" in assay.locus_note
    assert "rs999 (not in the catalog" in dict(describe(assay))["locus"]


def test_site_allele_only_assays_learn_their_sizes():
    builtin = load_assays()
    nla = builtin.get("IL6-174-NlaIII")
    assert (nla.site_allele, nla.other_allele, nla.sizes_known) == ("C", "G", False)
    assert [assay.id for assay in builtin.for_locus("rs1800795")] == ["IL6-174-NlaIII", "IL6-174-SfaNI"]
    assert builtin.get("IL6-572-BsrBI").site_allele == "G"
    assert "learned from each gel" in dict(describe(nla))["fragments"]
    assert "Olomolaiye" in nla.source and "Buraczynska" in builtin.get("IL6-572-BsrBI").source


def test_built_in_enzymes_are_named_as_biopython_names_them():
    # built-in assays skip the Bio.Restriction lookup at load time (start-up cost); this is the check
    from genoassoc.assays import _enzyme, load_assays

    for assay in load_assays():
        assert str(_enzyme(assay.enzyme)) == assay.enzyme, assay.id
