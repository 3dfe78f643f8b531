import pytest

from genoassoc.errors import InputError
from genoassoc.loci import alias_key, load_catalog, read_panel


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.mark.parametrize(
    "name, locus",
    [
        ("rs1800795", "rs1800795"),
        ("RS1800796", "rs1800796"),
        ("-174G>C", "rs1800795"),
        ("IL6 -174G/C", "rs1800795"),
        ("G-174C", "rs1800795"),
        ("-572G>C", "rs1800796"),
        ("-572C>G", "rs1800796"),
        ("-634C>G", "rs1800796"),
        ("IL-6 \u2212634 C/G", "rs1800796"),
        ("-597G>A", "rs1800797"),
    ],
)
def test_aliases_resolve(catalog, name, locus):
    assert catalog.resolve(name).id == locus


def test_unknown_names_are_input_errors(catalog):
    with pytest.raises(InputError, match="unknown locus '-175G>C'"):
        catalog.resolve("-175G>C")
    with pytest.raises(InputError, match="unknown locus 'TNF -308G>A'"):
        catalog.resolve("TNF -308G>A")


def test_alias_key():
    assert alias_key("IL6 -174G>C") == ("IL6", -174, frozenset("GC"))
    assert alias_key("rs1800795") is None


def test_catalog_coordinates_and_alleles(catalog):
    locus = catalog.resolve("rs1800795")
    assert locus.alleles == ("G", "C")
    assert locus.position("GRCh37") == 22766645
    assert locus.position("GRCh38") == 22727026
    assert catalog.resolve("rs1800796").positions == {"GRCh37": 22766246, "GRCh38": 22726627}
    assert catalog.resolve("rs1800797").position("GRCh38") == 22726602
    assert locus.palindromic and not catalog.resolve("rs1800797").palindromic
    assert locus.genotypes == ("G/G", "G/C", "C/C")
    assert locus.genotype("C", "G") == "G/C"
    with pytest.raises(ValueError):
        locus.genotype("A", "G")


def test_panel_adds_loci(tmp_path):
    panel = tmp_path / "panel.tsv"
    panel.write_text(
        "locus\tchrom\tpos\talleles\tbuild\taliases\n"
        "rs1800629\tchr6\t31575565\tG,A\tGRCh38\tTNF -308G>A\n"
        "rs1800629\tchr6\t31543342\tG,A\tGRCh37\t\n"
        "myvar\tcontig_9\t1200\tT/C\t\t\n"
    )
    catalog = load_catalog(panel)
    tnf = catalog.resolve("TNF -308G>A")
    assert tnf.id == "rs1800629"
    assert tnf.positions == {"GRCh38": 31575565, "GRCh37": 31543342}
    custom = catalog.resolve("myvar")
    assert custom.alleles == ("T", "C") and custom.position("GRCh37") == 1200
    assert "rs1800795" in catalog


@pytest.mark.parametrize(
    "row, message",
    [
        ("x\t7\t12\tG\t", "row 2, column 'alleles'"),
        ("x\t7\tabc\tG,C\t", "row 2, column 'pos': position 'abc'"),
        ("x\t7\t12\tG,C\thg19", "unknown build 'hg19'"),
        ("\t7\t12\tG,C\t", "a locus id is required"),
    ],
)
def test_bad_panels(tmp_path, row, message):
    panel = tmp_path / "panel.tsv"
    panel.write_text("locus\tchrom\tpos\talleles\tbuild\n" + row + "\n")
    with pytest.raises(InputError, match=message):
        read_panel(panel)
