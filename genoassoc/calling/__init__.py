"""Genotype callers: each returns the same calls table (see `genoassoc.calls`)."""
