"""Phenotype tables: one row per sample, a sample id column and any other columns."""

from __future__ import annotations

import os

import pandas as pd

from genoassoc.errors import InputError


def read_phenotypes(path: str | os.PathLike, sample_col: str = "sample") -> pd.DataFrame:
    """A phenotype table indexed by sample id (strings as read; columns are converted by the analyses
    that use them). An empty or duplicated sample id is an error naming its row."""
    from genoassoc.io.tables import read_table

    table = read_table(path, [sample_col])
    source = table.attrs["source"]
    ids = table[sample_col]
    if (ids == "").any():
        raise InputError("the sample id is empty", source, int((ids == "").idxmax()), sample_col)
    duplicated = ids.duplicated()
    if duplicated.any():
        row = int(duplicated.idxmax())
        first = int(ids[ids == ids[row]].index[0])
        raise InputError(f"sample '{ids[row]}' is listed twice (rows {first} and {row})", source, row, sample_col)
    table = table.assign(_row=table.index).set_index(sample_col)
    table.attrs["source"] = source
    return table
