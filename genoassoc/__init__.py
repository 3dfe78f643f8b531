"""genoassoc: genotype calling, QC and association testing for pharmacogenetic and biomarker studies.

Everything the command line does is a function here (imported on first use, so that the CLI starts
fast)::

    from genoassoc import call_rflp, read_calls, load_catalog
    calls = call_rflp("gel_sizes.tsv", assays="lab_assays.toml")
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
    "read_calls": "genoassoc.io.calls",
    "write_calls": "genoassoc.io.calls",
    "read_table": "genoassoc.io.tables",
    "write_table": "genoassoc.io.tables",
}

__all__ = [*_API, "__version__"]


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'genoassoc' has no attribute '{name}'")
