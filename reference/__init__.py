"""genoassoc's catalog data: loci, RFLP assays, population allele frequencies."""
