"""Genotype QC: Hardy–Weinberg, call rates and frequencies, concordance, LD and haplotypes."""
