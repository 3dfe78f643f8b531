"""Assay design from a reference FASTA: a synthetic contig with the IL6 -174 context placed by hand
(SfaNI GATGC on G, NlaIII CATG on C), checked against a digest worked out by hand; primers found by
in-silico PCR; a mismatch primer (dCAPS) where no enzyme tells the alleles apart; the TOML reused."""

import random

import pytest
from cli_run import run_cli

from genoassoc.assays import read_assays
from genoassoc.design import amplify, dcaps, enzymes_for, resolvable, reverse_complement
from genoassoc.errors import InputError
from genoassoc.loci import load_catalog

CONTEXT = "AGTTGTGTCTTGCGATGC"  # -174 with G at index 13
SNP = 1014                      # 1-based position of the G on the contig


def background(length, seed):
    """Random bases without any CATG, GCATC or GATGC (no NlaIII or SfaNI site of their own)."""
    rng = random.Random(seed)
    text = "".join(rng.choice("ACGT") for _ in range(length))
    replacements = {"CATG": "CAAG", "GCATC": "GCAAC", "GATGC": "GAAGC"}
    while any(site in text for site in replacements):
        for site, replacement in replacements.items():
            text = text.replace(site, replacement)
    return text


@pytest.fixture
def reference(tmp_path):
    contig = background(2000, 3)
    contig = contig[:1000] + CONTEXT + contig[1018:]
    assert contig[SNP - 1] == "G" and contig.count("CATG") == 0
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">chrT\n" + "\n".join(contig[i:i + 60] for i in range(0, len(contig), 60)) + "\n")
    panel = tmp_path / "panel.tsv"
    panel.write_text(f"locus\tchrom\tpos\talleles\nsnpT\tchrT\t{SNP}\tG,C\n")
    return fasta, load_catalog(panel).resolve("snpT"), contig, panel


def test_enzymes_match_a_hand_digest(reference):
    fasta, locus, contig, _ = reference
    amplicon = amplify(locus, fasta, flank=150)
    assert amplicon.sequence == contig[SNP - 1 - 150:SNP + 150] and amplicon.snp_position == 151
    found = {candidate.enzyme: candidate for candidate in enzymes_for(amplicon, locus.alleles)}
    # NlaIII cuts CATG^ : the C allele reads ...TTGC[C]ATGC..., the site starting one base before
    # the SNP, so the cut falls after position 151 + 3 = 154 of the 301 bp amplicon.
    nla = found["NlaIII"]
    assert nla.site_allele == "C" and nla.fragments == {"G": (301,), "C": (154, 147)}
    assert nla.patterns == {"G/G": (301,), "G/C": (301, 154, 147), "C/C": (154, 147)}
    assert "154 and 147 bp too close to resolve on 3% agarose" in "; ".join(nla.flags)
    # SfaNI GCATC(N)5^ reverse-strand site GATGC at the SNP: the G allele only.
    assert found["SfaNI"].site_allele == "G" and sum(found["SfaNI"].fragments["G"]) == 301
    assert len(found["SfaNI"].fragments["G"]) == 2 and found["SfaNI"].fragments["C"] == (301,)


def test_primers_are_found_by_in_silico_pcr(reference):
    fasta, locus, contig, _ = reference
    forward = contig[SNP - 1 - 120:SNP - 1 - 100]
    reverse = reverse_complement(contig[SNP - 1 + 80:SNP - 1 + 100])
    amplicon = amplify(locus, fasta, (forward, reverse))
    assert amplicon.sequence == contig[SNP - 1 - 120:SNP - 1 + 100] and amplicon.snp_position == 121
    with pytest.raises(InputError, match="the reverse primer does not bind"):
        amplify(locus, fasta, (forward, "ACGTACGTACGTACGTACGT"))


def test_dcaps_creates_a_site_for_one_allele_only(tmp_path):
    from Bio import Restriction
    from Bio.Seq import Seq

    contig = background(2000, 9)
    contig = contig[:1000] + "ACTTATTCTACAAG" + "A" + "TTTGATTACAA" + contig[1026:]
    snp = 1015
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">chrT\n" + contig + "\n")
    panel = tmp_path / "panel.tsv"
    panel.write_text(f"locus\tchrom\tpos\talleles\nsnpD\tchrT\t{snp}\tA,G\n")
    locus = load_catalog(panel).resolve("snpD")
    designs = dcaps(locus, fasta, flank=150)
    assert designs
    best = designs[0]
    assert "dCAPS" in best.primer_note and any(base.islower() for base in best.primer_note.split("5'-")[1][:30])
    enzyme = getattr(Restriction, best.enzyme)
    cut = {allele: len(enzyme.search(Seq(best.amplicon.with_allele(allele)), linear=True)) for allele in "AG"}
    assert cut[best.site_allele] == cut["G" if best.site_allele == "A" else "A"] + 1


def test_design_command_writes_assays_that_load(reference, tmp_path):
    fasta, _, _, panel = reference
    out = tmp_path / "designed.toml"
    result = run_cli("assays", "design", "--locus", "snpT", "--panel",
                             str(panel), "--reference", str(fasta), "--top", "3", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "snpT: amplicon 301 bp" in result.stderr
    assays = read_assays(out, load_catalog(panel))
    assert len(assays) == 3 and all(assay.sizes_known and assay.derived_from_amplicon for assay in assays)


def test_resolution_rule():
    assert not resolvable(154, 147, 3.0) and resolvable(165, 120, 3.0)
    assert not resolvable(300, 285, 1.0) and resolvable(300, 285, 3.0)
