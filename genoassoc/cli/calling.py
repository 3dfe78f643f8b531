"""Calling commands: `call` (gel bands, gel photos, VCF, BAM/CRAM), `gel` (photos to band tables,
ladders) and `assays` (list, show, learn, design)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import click

from genoassoc.cli import main
from genoassoc.cli import options as O  # noqa: N812
from genoassoc.cli.common import (
    Group,
    notes,
    progress,
    read_options,
    save_figure,
    split,
    write_tables,
)
from genoassoc.errors import InputError

# the photo, its layout and its ladder, as the gel commands take them
photo_inputs = O.options(
    click.argument("photo", type=click.Path(dir_okay=False)),
    click.option("--layout", required=True, type=click.Path(dir_okay=False),
                 help="Lane layout: lane, sample ('ladder' for ladders), assay or locus[, tier]."),
    click.option("--ladder", "ladder_spec", required=True,
                 help="Ladder: sizes in bp (comma-separated) or a name (genoassoc gel ladders)."),
)
photo_overrides = O.options(
    click.option("--wells-row", help="The wells' row in the photo (pixels from the top), one per tier, "
                                     "comma-separated: for wells the reader does not find or the photo cuts off."),
    click.option("--lanes", "lanes", multiple=True,
                 help="Centres of the first and last lane in the photo (pixels from the left), FIRST,LAST (or "
                      "every lane's); repeat once per tier."),
    click.option("--crop", help="The gel's box in the photo, LEFT,TOP,RIGHT,BOTTOM in pixels: labels, drawings "
                                "and the bench outside it are ignored."),
    click.option("--bands", "bands", type=click.Choice(["bright", "dark"]),
                 help="The bands are bright on a dark gel (fluorescent stains) or dark on a light one (Coomassie, "
                      "a printed negative); default: read from the photo."),
    click.option("--corrections", type=click.Path(dir_okay=False),
                 help="Corrections exported by genoassoc gel review (JSON): lanes, well rows, bands and ladder lanes "
                      "as corrected there, in place of the automatic reading."),
)


@main.command("call", aliases={"--loci": "--locus"})
@click.option("--rflp", "rflp", type=click.Path(dir_okay=False), help="Gel band table (TSV/CSV/XLSX).")
@click.option("--gel-image", type=click.Path(dir_okay=False),
              help="Photo of the gel (PNG/TIFF/JPEG): bands read and sized, then called (with --layout, --ladder).")
@click.option("--layout", type=click.Path(dir_okay=False),
              help="Lane layout of the photo: lane, sample ('ladder' for ladders), assay or locus[, tier].")
@click.option("--ladder", "ladder_spec", help="Ladder of the photo: sizes in bp (comma-separated) or a name "
                                              "(genoassoc gel ladders).")
@click.option("--overlay", type=click.Path(dir_okay=False),
              help="Photo evidence: lanes, bands with sizes and calls drawn on the photo (.png/.svg/.pdf); "
                   "written for a refused photo too, with what was found.")
@photo_overrides
@click.option("--vcf", "vcf_file", type=click.Path(dir_okay=False), help="VCF or BCF (bgzipped+indexed or plain).")
@click.option("--bam", "bam_files", multiple=True, type=click.Path(dir_okay=False), help="BAM/CRAM file; repeat.")
@click.option("--bam-list", type=click.Path(dir_okay=False), help="File listing BAM/CRAM paths, one per line.")
@click.option("--sanger", "sanger", type=click.Path(),
              help="Sanger traces (.ab1): a folder of them or one file; a sample's forward and reverse reads "
                   "combined.")
@click.option("--sample-pattern", help="Sanger: a regular expression taking the sample from the trace's file name "
                                       "(its group 'sample' or first group; default: the file's sample field, else "
                                       "its name).")
@O.setting("min_quality")
@click.option("--trace-figures", type=click.Path(file_okay=False),
              help="Sanger: a folder to write each sample's trace around each site into (PNG, one per sample and "
                   "locus).")
@click.option("--assays", "assays_file", type=click.Path(dir_okay=False),
              help="TOML file of your own assays, added to the built-ins (--rflp).")
@O.setting("tolerance")
@O.setting("min_band")
@O.setting("het_min_ratio")
@O.setting("strict_bands")
@click.option("--locus", "loci_names", multiple=True,
              help="Loci to call (rsIDs or aliases; comma-separate or repeat; default: all).")
@O.panel
@click.option("--build", type=click.Choice(["auto", "GRCh37", "GRCh38"]), default="auto", show_default=True)
@click.option("--samples", "sample_names", multiple=True, help="Samples to keep from the VCF (comma-separated).")
@click.option("--reference", type=click.Path(dir_okay=False),
              help="Reference FASTA (CRAM decoding; REF bases for --output-vcf; Sanger: 50 bases either side "
                   "of each locus, in place of the catalog's shorter flanks).")
@click.option("--min-depth", type=int, default=4, show_default=True,
              help="BAM: least usable bases to call (GQ decides above it).")
@click.option("--min-gq", type=int, default=20, show_default=True, help="BAM: least genotype quality to call.")
@click.option("--min-bq", type=int, default=13, show_default=True, help="BAM: base-quality floor.")
@click.option("--min-mq", type=int, default=20, show_default=True, help="BAM: mapping-quality floor.")
@click.option("--workers", type=int, default=None, help="BAM: local worker processes (default: the cores).")
@click.option("--scheduler", help="BAM: address of a Dask distributed scheduler to run the batch on.")
@click.option("--output-vcf", type=click.Path(dir_okay=False), help="Also write the calls as VCF (.vcf or .vcf.gz).")
@O.output_options()
def call_command(rflp, gel_image, layout, ladder_spec, overlay, wells_row, lanes, crop, bands, corrections, vcf_file,
                 bam_files, bam_list, sanger, sample_pattern, min_quality, trace_figures, assays_file, tolerance,
                 min_band, het_min_ratio, strict_bands, loci_names, panel, build, sample_names, reference, min_depth,
                 min_gq, min_bq, min_mq, workers, scheduler, output_vcf, output, fmt) -> None:
    """Call genotypes from PCR-RFLP gel bands (--rflp), a gel photo (--gel-image), a VCF (--vcf),
    alignments (--bam, --bam-list) or Sanger traces (--sanger): one row per sample x locus, every
    sample in the output."""
    gel = rflp
    sources = [name for name, given in (("--rflp", gel), ("--gel-image", gel_image), ("--vcf", vcf_file),
                                        ("--bam", bam_files or bam_list), ("--sanger", sanger)) if given]
    if len(sources) != 1:
        raise click.UsageError("give the evidence to call from: one of --rflp FILE, --gel-image PHOTO, --vcf FILE, "
                               "--bam FILE/--bam-list, --sanger FOLDER")
    if (sample_pattern or trace_figures) and not sanger:
        raise click.UsageError("--sample-pattern and --trace-figures go with --sanger")
    if gel_image and not (layout and ladder_spec):
        raise click.UsageError("--gel-image needs --layout (lanes.tsv) and --ladder (sizes or a ladder name)")
    if (layout or ladder_spec or overlay or wells_row or lanes or crop or bands or corrections) and not gel_image:
        raise click.UsageError("--layout, --ladder, --overlay, --wells-row, --lanes, --crop, --bands and --corrections "
                               "go with --gel-image")
    reading = None
    if gel_image:
        reading, gel = _read_photo(gel_image, layout, ladder_spec, wells_row, lanes, crop, overlay, corrections,
                                   bands)
    from genoassoc.loci import load_catalog

    catalog = load_catalog(panel)
    names = split(loci_names)
    loci = [] if gel is not None else [catalog.resolve(name) for name in names] if names else list(catalog)
    used_build = build
    if gel is not None:
        from genoassoc.assays import load_assays
        from genoassoc.calling.rflp import Tolerance, call_rflp

        if build != "auto" and not output_vcf:
            raise click.UsageError("--build places loci in a VCF or BAM; a gel table needs none (drop --build)")
        assays = load_assays(assays_file, catalog)
        calls = call_rflp(gel, assays, Tolerance.parse(tolerance), min_band, het_min_ratio, catalog=catalog,
                          loci=names or None, options=read_options(), strict_bands=strict_bands)
        notes(learned.summary() for learned in calls.attrs.get("learned", []))
        if reading is not None and overlay:
            _save_overlay(reading, gel, calls, assays, catalog, overlay)
    elif sanger:
        from genoassoc.calling.sanger import COLUMNS as SANGER_COLUMNS
        from genoassoc.calling.sanger import call_sanger
        from genoassoc.io.records import format_records, write_text

        if sample_pattern:
            try:
                re.compile(sample_pattern)
            except re.error as err:
                raise click.UsageError(f"--sample-pattern is not a regular expression ({err})") from None
        if trace_figures and not os.path.isdir(trace_figures):
            raise InputError("the folder for --trace-figures does not exist", trace_figures)
        rows = call_sanger(sanger, loci, pattern=sample_pattern, reference=reference,
                           build=None if build == "auto" else build, min_quality=min_quality, figures=trace_figures)
        if fmt == "tsv" and not output_vcf:
            write_text(format_records(SANGER_COLUMNS, rows), output)
            _summarise_calls(_row_counts(rows))
            return
        import pandas as pd

        calls = pd.DataFrame(rows, columns=SANGER_COLUMNS)
    elif vcf_file:
        from genoassoc.calling.vcf import read_vcf_calls

        read = read_vcf_calls(vcf_file, loci, build, split(sample_names) or None)
        used_build = read.build or build
        for locus_id, record in read.records.items():
            click.echo(f"{locus_id}: {record['chrom']}:{record['pos']} REF {record['ref']} ALT {record['alt']} "
                       f"({record['build'] or 'no build needed'}, {record['file']})", err=True)
        if fmt == "tsv" and not output_vcf:
            # a biobank's calls go straight from numpy columns to text: pandas is not loaded
            read.write_tsv(output)
            _summarise_calls(read.counts())
            return
        calls = read.frame()
    else:
        from genoassoc.calling.bam import COLUMNS, BamOptions, call_bam_rows, calls_frame, read_bam_list

        paths = list(bam_files) + (read_bam_list(bam_list) if bam_list else [])
        options = BamOptions(min_depth, min_gq, min_bq, min_mq, build, reference)
        rows = call_bam_rows(paths, loci, options, workers=workers or os.cpu_count(), scheduler=scheduler,
                             progress=progress("files"))
        used_build = next((row["build"] for row in rows if row.get("build")), build)
        if fmt == "tsv" and not output_vcf:
            # a plain TSV needs no DataFrame: batch calling runs without loading pandas
            from genoassoc.io.records import format_records, write_text

            write_text(format_records(COLUMNS, rows), output)
            _summarise_calls(_row_counts(rows))
            return
        calls = calls_frame(rows)
    vcf_text = None
    if output_vcf:
        from genoassoc.calling.vcf_writer import format_vcf
        from genoassoc.loci import ANY_BUILD

        placed = {row_locus: catalog.resolve(row_locus).positions for row_locus in calls["locus"].unique()
                  if row_locus in catalog}
        if used_build == "auto" and any(ANY_BUILD not in positions for positions in placed.values()):
            raise click.UsageError("--output-vcf needs --build for calls that carry no build")
        vcf_text = format_vcf(calls, catalog, used_build, reference)
    from genoassoc.calls import write_calls

    write_calls(calls, output, fmt)
    if vcf_text is not None:
        from genoassoc.calling.vcf_writer import write_vcf_text

        write_vcf_text(vcf_text, output_vcf)
    called = calls["status"].eq("called").groupby(calls["locus"], sort=False, observed=True).agg(["sum", "size"])
    _summarise_calls({locus: (int(done), int(total)) for locus, done, total in called.itertuples()})


def _corrected_reading(photo: str, layout, corrections: str, overrides, wells_row: str | None, lanes: tuple):
    """The reading a review's corrections describe; they place wells and lanes, so those options are refused."""
    from genoassoc.calling.gel_review import apply_corrections, read_corrections

    if wells_row or lanes:
        raise click.UsageError("--corrections places the wells and lanes: drop --wells-row and --lanes")
    return apply_corrections(photo, layout, read_corrections(corrections, photo), overrides)


def _row_counts(rows: list[dict]) -> dict[str, tuple[int, int]]:
    """Called and total rows per locus of calls-table rows."""
    counts: dict[str, tuple[int, int]] = {}
    for row in rows:
        done, total = counts.get(row["locus"], (0, 0))
        counts[row["locus"]] = (done + (row["status"] == "called"), total + 1)
    return counts


def _read_photo(photo: str, layout_file: str, ladder_spec: str, wells_row: str | None = None,
                lanes: tuple[str, ...] = (), crop: str | None = None, overlay: str | None = None,
                corrections: str | None = None, bands: str | None = None):
    """The gel reading and its band table (the --rflp input). A refused photo still gets its
    overlay (what was found before the step that failed) when one is asked for. With a review's
    corrections, the reading is the one they describe."""
    from genoassoc.calling.gel_image import GelReadError, band_table, ladder, parse_overrides, read_gel, read_layout

    layout = read_layout(layout_file, read_options())
    overrides = parse_overrides(wells_row, lanes, crop, bands)
    parsed_ladder = ladder(ladder_spec)  # a wrong name is refused with corrections too
    if corrections:
        reading = _corrected_reading(photo, layout, corrections, overrides, wells_row, lanes)
        notes(reading.notes)
        table = band_table(reading, layout)
        table.attrs["source"] = photo
        return reading, table
    try:
        reading = read_gel(photo, layout, parsed_ladder, progress=progress("tiers"), overrides=overrides)
    except GelReadError as err:
        if overlay and err.reading is not None:
            from genoassoc.report.figures import gel_overlay

            labels = {(int(row["tier"]), int(row["lane"])): str(row["sample"]) for _, row in layout.iterrows()}
            save_figure(gel_overlay(err.reading, labels, err.problem), overlay)
            raise InputError(f"{err.problem} (what was found is drawn in {overlay})", err.file) from None
        raise
    notes(reading.notes)
    table = band_table(reading, layout)
    table.attrs["source"] = photo
    return reading, table


def _save_overlay(reading, table, calls, assays, catalog, path) -> None:
    from genoassoc.report.figures import gel_overlay

    key = "assay" if "assay" in table.columns else "locus"
    lookup = {(row["sample"], row["locus"]): row["genotype"] or "no call" for _, row in calls.iterrows()}
    labels = {}
    for _, row in table.iterrows():
        name = row[key]
        locus = assays.get(name).locus if key == "assay" else (catalog.resolve(name).id if name in catalog else name)
        tier = int(row["gel"].rsplit("tier", 1)[1]) if ":tier" in row["gel"] else 1
        labels[(tier, int(row["lane"]))] = f"{row['sample']}\n{lookup.get((row['sample'], locus), '')}"
    save_figure(gel_overlay(reading, labels), path)


def _summarise_calls(counts: dict[str, tuple[int, int]]) -> None:
    """Called and total samples per locus, on stderr."""
    for locus, (done, total) in counts.items():
        click.echo(f"{locus}: {done} of {total} samples called", err=True)


# ------------------------------------------------------------------------------------------------- gel

@main.group("gel", cls=Group)
def gel_group() -> None:
    """Gel photos: read lanes, bands and sizes from the image."""


@gel_group.command("bands")
@photo_inputs
@click.option("--overlay", type=click.Path(dir_okay=False),
              help="Draw lanes and bands with their sizes on the photo (.png/.svg/.pdf); written for a refused "
                   "photo too, with what was found.")
@photo_overrides
@O.output_options()
def gel_bands(photo, layout, ladder_spec, overlay, wells_row, lanes, crop, bands, corrections, output, fmt) -> None:
    """The band table of a gel photo (what call --rflp reads): lanes found, bands detected and sized
    against the ladder; bands outside the ladder's range are listed in the note, not sized."""
    reading, table = _read_photo(photo, layout, ladder_spec, wells_row, lanes, crop, overlay, corrections, bands)
    outputs = [(table.drop(columns=["note"]) if not table["note"].astype(bool).any() else table, output)]
    if overlay:
        from genoassoc.report.figures import gel_overlay

        labels = {(int(row["gel"].rsplit("tier", 1)[1]) if ":tier" in row["gel"] else 1, int(row["lane"])):
                  row["sample"] for _, row in table.iterrows()}
        save_figure(gel_overlay(reading, labels), overlay)
    write_tables(outputs, fmt)
    counts = reading.bands.groupby("used", observed=True).size().to_dict() if len(reading.bands) else {}
    click.echo(f"{len(reading.lanes)} lanes, {counts.get(True, 0)} bands sized, {counts.get(False, 0)} outside "
               "the ladder", err=True)


@gel_group.command("review")
@photo_inputs
@click.option("--assays", "assays_file", type=click.Path(dir_okay=False),
              help="TOML file of your own assays, added to the built-ins (for the page's preview calls).")
@O.setting("tolerance")
@O.setting("min_band")
@photo_overrides
@O.panel
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The review page (.html).")
def gel_review(photo, layout, ladder_spec, assays_file, tolerance, min_band, wells_row, lanes, crop, bands,
               corrections, panel, output) -> None:
    """One self-contained page (opens offline) to check and correct a photo's reading: drag lanes and
    well rows, add and delete bands, mark ladder lanes; sizes and preview calls update in the page,
    which exports the corrections for --corrections. A photo the reader refuses opens too, with what
    was found."""
    from genoassoc.assays import load_assays
    from genoassoc.calling.gel_image import (
        GelReadError,
        band_table,
        ladder,
        parse_overrides,
        prepared_photo,
        read_gel,
        read_layout,
    )
    from genoassoc.calling.gel_review import expected_fragments, review_html, review_model
    from genoassoc.calling.rflp import Tolerance, call_rflp
    from genoassoc.io.records import write_text
    from genoassoc.loci import load_catalog

    if not output.lower().endswith((".html", ".htm")):
        raise click.UsageError("-o names the review page: give a .html file")
    table = read_layout(layout, read_options())
    spec = ladder(ladder_spec)
    overrides = parse_overrides(wells_row, lanes, crop, bands)
    problem = ""
    if corrections:
        reading = _corrected_reading(photo, table, corrections, overrides, wells_row, lanes)
    else:
        try:
            reading = read_gel(photo, table, spec, progress=progress("tiers"), overrides=overrides)
        except GelReadError as err:
            problem = err.problem
            reading = err.reading if err.reading is not None else prepared_photo(photo, table, overrides)
    catalog = load_catalog(panel)
    parsed = Tolerance.parse(tolerance)
    assays = load_assays(assays_file, catalog)
    learned: list = []
    if not problem:
        # fragment sizes an assay learns from the gel, learned as call --gel-image learns them
        calls = call_rflp(band_table(reading, table), assays, parsed, min_band, catalog=catalog)
        learned = calls.attrs.get("learned", [])
    model = review_model(photo, reading, table, spec, expected_fragments(table, assays, catalog, learned),
                         (parsed.bp, parsed.fraction), min_band, problem)
    write_text(review_html(model), output)
    notes(reading.notes)
    if problem:
        click.echo(f"genoassoc: note: the automatic reading stopped ({problem}); the page starts from what was found",
                   err=True)


@gel_group.command("ladders")
@O.output_options()
def gel_ladders(output, fmt) -> None:
    """The ladders known by name, with their sizes, reference bands and source."""
    import pandas as pd

    from genoassoc.calling.gel_image import known_ladders

    rows = [{"name": item.name, "sizes": ",".join(f"{size:g}" for size in item.sizes),
             "reference": ",".join(f"{size:g}" for size in item.reference), "source": item.source}
            for item in known_ladders().values()]
    write_tables([(pd.DataFrame(rows), output)], fmt)


# ---------------------------------------------------------------------------------------------- assays

@main.group("assays", cls=Group)
def assays_group() -> None:
    """PCR-RFLP assays: list, show, learn their fragment sizes from a gel, design them from primers."""


@assays_group.command("list")
@click.option("--assays", "assays_file", type=click.Path(dir_okay=False),
              help="TOML file of your own assays, added to the built-ins.")
@O.output_options()
def assays_list(assays_file, output, fmt) -> None:
    """One row per assay: id, locus, enzyme, fragments per allele, source."""
    import pandas as pd

    from genoassoc.assays import load_assays

    rows = [
        {
            "assay": assay.id,
            "locus": assay.locus,
            "enzyme": assay.enzyme,
            "alleles": ",".join(assay.alleles),
            "fragments_bp": "; ".join(
                f"{allele}: {'+'.join(map(str, sizes))}"
                for allele, sizes in zip(assay.alleles, assay.fragments, strict=True)
            ) if assay.sizes_known else f"learned from the gel (site on {assay.site_allele})",
            "source": assay.source,
            "from": assay.origin,
        }
        for assay in load_assays(assays_file)
    ]
    columns = ["assay", "locus", "enzyme", "alleles", "fragments_bp", "source", "from"]
    write_tables([(pd.DataFrame(rows, columns=columns), output)], fmt)
    if not rows:
        click.echo("no assays: add yours with --assays FILE", err=True)


@assays_group.command("show")
@click.argument("assay_id")
@click.option("--assays", "assays_file", type=click.Path(dir_okay=False),
              help="TOML file of your own assays, added to the built-ins.")
@O.setting("min_band")
def assays_show(assay_id, assays_file, min_band) -> None:
    """An assay's fragments, digestion control and the expected bands of each genotype."""
    from genoassoc.assays import describe, load_assays

    assay = load_assays(assays_file).get(assay_id)
    width = max(len(field) for field, _ in describe(assay, min_band))
    for field, value in describe(assay, min_band):
        click.echo(f"{field:<{width}}  {value}")


@assays_group.command("learn")
@click.argument("gel", type=click.Path(dir_okay=False))
@click.option("--assays", "assays_file", type=click.Path(dir_okay=False),
              help="TOML file of your own assays, added to the built-ins.")
@O.panel
@O.setting("tolerance")
@O.setting("min_band")
@click.option("--toml", "toml_output", type=click.Path(dir_okay=False),
              help="Also write the learned sizes as assays (TOML) to reuse with --assays.")
@O.output_options()
def assays_learn(gel, assays_file, panel, tolerance, min_band, toml_output, output, fmt) -> None:
    """Fragment sizes learned from a gel table for assays that give only their enzyme and site
    allele: per gel and over all lanes, with the lanes behind each pattern."""
    import pandas as pd

    from genoassoc.assays import load_assays
    from genoassoc.calling.learning import learned_toml
    from genoassoc.calling.rflp import Tolerance, call_rflp
    from genoassoc.io.records import write_text
    from genoassoc.loci import load_catalog

    catalog = load_catalog(panel)
    assays = load_assays(assays_file, catalog)
    calls = call_rflp(gel, assays, Tolerance.parse(tolerance), min_band, catalog=catalog, options=read_options())
    learned = calls.attrs["learned"]
    if not learned:
        raise InputError("every assay on this gel has its fragment sizes already: nothing to learn", gel)
    rows = [{"assay": result.assay, "gel": result.gel or "all lanes", "lanes": result.lanes, "status": result.status,
             "fragments_bp": "; ".join(f"{allele}: {'+'.join(map(str, sizes))}"
                                       for allele, sizes in result.fragments.items()),
             "patterns": ", ".join(f"{genotype} {count}" for genotype, count in result.patterns.items()),
             "note": result.reason} for result in learned]
    used = [assays.get(assay_id) for assay_id in dict.fromkeys(result.assay for result in learned)]
    toml_text = learned_toml(used, learned, Path(gel).name) if toml_output else None
    write_tables([(pd.DataFrame(rows), output)], fmt)
    if toml_text is not None:
        write_text(toml_text, toml_output)
    notes(result.summary() for result in learned)


@assays_group.command("design")
@click.option("--locus", required=True, help="Locus (rsID, alias, or a --panel locus).")
@click.option("--reference", required=True, type=click.Path(dir_okay=False), help="Reference genome FASTA.")
@click.option("--primers", help="FWD,REV primer sequences (5'->3'); default: a window of --flank bases.")
@click.option("--flank", type=int, default=150, show_default=True, help="Bases either side of the SNP without primers.")
@O.panel
@click.option("--build", type=click.Choice(["auto", "GRCh37", "GRCh38"]), default="auto", show_default=True)
@click.option("--gel-percent", type=float, default=3.0, show_default=True, help="Agarose percentage (resolution).")
@O.setting("min_band")
@click.option("--top", type=int, default=5, show_default=True, help="Assays to write (best first).")
@click.option("--dcaps", "always_dcaps", is_flag=True, help="Also design mismatch primers (dCAPS) when enzymes exist.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the assay TOML here (default: stdout).")
def assays_design(locus, reference, primers, flank, panel, build, gel_percent, min_band, top, always_dcaps,
                  output) -> None:
    """Design PCR-RFLP assays for a SNP from a reference FASTA: in-silico PCR, every commercially
    available enzyme that tells the alleles apart with its band patterns, mismatch primers (dCAPS)
    where none does. Writes ready assay TOML; a summary goes to stderr."""
    from genoassoc.design import amplify, assay_toml, dcaps, enzymes_for
    from genoassoc.io.records import write_text
    from genoassoc.loci import load_catalog

    catalog = load_catalog(panel)
    target = catalog.resolve(locus)
    pair = None
    if primers:
        parts = split((primers,))
        if len(parts) != 2:
            raise click.UsageError("--primers takes FORWARD,REVERSE")
        pair = (parts[0], parts[1])
    amplicon = amplify(target, reference, pair, flank, build)
    candidates = [candidate for candidate in enzymes_for(amplicon, target.alleles, min_band, gel_percent)
                  if candidate.usable]
    click.echo(f"{target.id}: amplicon {len(amplicon.sequence)} bp ({amplicon.note}), SNP at "
               f"{amplicon.snp_position}; {len(candidates)} enzymes tell the alleles apart", err=True)
    if always_dcaps or not candidates:
        mismatched = dcaps(target, reference, pair, flank, build, min_band=min_band, gel_percent=gel_percent)
        click.echo(f"{len(mismatched)} mismatch-primer (dCAPS) designs", err=True)
        candidates = candidates + mismatched if always_dcaps else mismatched
    if not candidates:
        raise InputError(f"no enzyme tells the alleles of {target.id} apart in this amplicon, even with a "
                         "mismatch primer")
    for candidate in candidates[:top]:
        patterns = "; ".join(f"{genotype} {'+'.join(map(str, sizes))}"
                             for genotype, sizes in candidate.patterns.items())
        flags = f"  [{'; '.join(candidate.flags)}]" if candidate.flags else ""
        click.echo(f"  {candidate.enzyme:<10} site on {candidate.site_allele}: {patterns}{flags}", err=True)
    source = f"{Path(reference).name}" + (f", primers {pair[0]}/{pair[1]}" if pair else f", +/-{flank} bp")
    write_text(assay_toml(target, candidates[:top], source), output)


