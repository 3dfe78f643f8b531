"""Where the shipped catalog data (the top-level `reference/` folder) lives.

Installed, it is the package `genoassoc.reference`; run from a checkout, it is `reference/` beside
the package.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def reference_file(name: str) -> Path:
    """Path of a file shipped in `reference/` (e.g. ``loci.tsv``)."""
    try:
        candidate = Path(str(resources.files("genoassoc.reference").joinpath(name)))
        if candidate.is_file():
            return candidate
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "reference" / name
