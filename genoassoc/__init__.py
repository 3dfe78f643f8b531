"""genoassoc: genotype calling, QC and association testing for pharmacogenetic and biomarker studies.

Everything the command line does is a function here (imported on first use, so that the CLI starts
fast)::

    from genoassoc import call_rflp, hwe, associate, read_phenotypes
    calls = call_rflp("gel_sizes.tsv")
    result = associate(calls, read_phenotypes("pheno.tsv"), "rs1800796", "il6", "dominant", log=True)
    result.table      # the machine table the command writes
    result.notes      # who was left out, which reference level, which effect allele
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_API = {
    "InputError": "genoassoc.errors",
    "Catalog": "genoassoc.loci",
    "Locus": "genoassoc.loci",
    "load_catalog": "genoassoc.loci",
    "read_panel": "genoassoc.loci",
    "Assay": "genoassoc.assays",
    "AssaySet": "genoassoc.assays",
    "load_assays": "genoassoc.assays",
    "read_assays": "genoassoc.assays",
    "digest": "genoassoc.assays",
    "Tolerance": "genoassoc.calling.rflp",
    "call_rflp": "genoassoc.calling.rflp",
    "match_lane": "genoassoc.calling.rflp",
    "learn_fragments": "genoassoc.calling.learning",
    "amplify": "genoassoc.design",
    "enzymes_for": "genoassoc.design",
    "dcaps": "genoassoc.design",
    "read_calls": "genoassoc.calls",
    "write_calls": "genoassoc.calls",
    "read_table": "genoassoc.io.tables",
    "read_records": "genoassoc.io.records",
    "write_table": "genoassoc.io.tables",
    "ReadOptions": "genoassoc.io.records",
    "read_phenotypes": "genoassoc.phenotypes",
    "Coding": "genoassoc.phenotypes",
    "join_genotypes": "genoassoc.analysis.genotyped",
    "read_pk_samples": "genoassoc.io.pk_samples",
    "call_vcf": "genoassoc.calling.vcf",
    "call_bams": "genoassoc.calling.bam",
    "call_bam_rows": "genoassoc.calling.bam",
    "genotype_bam": "genoassoc.calling.bam",
    "genotype_bams": "genoassoc.calling.bam",
    "BamOptions": "genoassoc.calling.bam",
    "format_vcf": "genoassoc.calling.vcf_writer",
    "genotype_matrix": "genoassoc.genotypes",
    "hwe": "genoassoc.analysis.genotype_qc",
    "genotype_qc": "genoassoc.analysis.genotype_qc",
    "concordance": "genoassoc.analysis.genotype_qc",
    "hwe_exact": "genoassoc.qc.hwe",
    "estimate_haplotypes": "genoassoc.qc.ld",
    "pairwise_ld": "genoassoc.qc.ld",
    "encode": "genoassoc.models",
    "associate": "genoassoc.analysis.association",
    "cox_table": "genoassoc.analysis.cox_regression",
    "survival_cutpoint": "genoassoc.analysis.cutpoints",
    "response_cutpoint": "genoassoc.analysis.cutpoints",
    "correlation": "genoassoc.analysis.continuous",
    "paired": "genoassoc.analysis.continuous",
    "pk": "genoassoc.analysis.exposure",
    "elisa": "genoassoc.analysis.elisa",
    "read_plate": "genoassoc.io.plates",
    "read_layout": "genoassoc.io.plates",
    "fit_curve": "genoassoc.stats.logistic",
    "table1": "genoassoc.analysis.baseline",
    "correlate": "genoassoc.stats.correlation",
    "paired_wilcoxon": "genoassoc.stats.continuous",
    "paired_change": "genoassoc.stats.continuous",
    "nca": "genoassoc.stats.pk",
    "kaplan_meier": "genoassoc.stats.survival",
    "logrank": "genoassoc.stats.survival",
    "cox": "genoassoc.stats.coxph",
    "firth_cox": "genoassoc.stats.coxph",
    "cox_zph": "genoassoc.stats.survival",
    "concordance_index": "genoassoc.stats.survival",
    "maxstat": "genoassoc.stats.cutpoint",
    "roc": "genoassoc.stats.cutpoint",
    "rmst": "genoassoc.analysis.restricted_mean",
    "competing_risks": "genoassoc.analysis.competing_risks",
    "split_visits": "genoassoc.analysis.visits",
    "pool": "genoassoc.analysis.pooled",
    "longitudinal": "genoassoc.analysis.longitudinal",
    "power_analysis": "genoassoc.analysis.power",
    "restricted_mean": "genoassoc.stats.survival",
    "cumulative_incidence": "genoassoc.stats.competing",
    "gray_test": "genoassoc.stats.competing",
    "fine_gray": "genoassoc.stats.competing",
    "meta_analysis": "genoassoc.stats.meta",
    "linear_mixed": "genoassoc.stats.mixed",
    "p_adjust": "genoassoc.stats.multiple",
    "schoenfeld": "genoassoc.stats.power",
    "simulate_cohorts": "genoassoc.stats.power",
    "build_report": "genoassoc.report.html",
    "load_study": "genoassoc.study",
    "make_study": "genoassoc.study",
    "Study": "genoassoc.study",
    "Setting": "genoassoc.study",
}

# Names that differ from the function's name in its module.
_ALIASES = {"concordance_index": "concordance", "learn_fragments": "learn"}

__all__ = [*_API, "__version__"]


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module(_API[name]), _ALIASES.get(name, name))
    raise AttributeError(f"module 'genoassoc' has no attribute '{name}'")
