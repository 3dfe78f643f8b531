"""PK sampling tables: ``sample, time_h, conc`` (+ optional ``dose``, ``blq``), one profile per sample.

A concentration written ``BLQ`` or ``<0.5`` (below the limit), or below `lloq` when one is given, is
marked BLQ; so is a row whose ``blq`` column says 1/true/yes.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from genoassoc.errors import InputError
from genoassoc.io.records import DEFAULT_READ, ReadOptions

_TRUE = {"1", "true", "yes", "y", "blq"}
_FALSE = {"", "0", "false", "no", "n"}


def read_pk_samples(path: str | os.PathLike, lloq: float | None = None,
                    options: ReadOptions = DEFAULT_READ) -> pd.DataFrame:
    """Validated PK samples with float ``time_h``, ``conc`` (NaN where BLQ) and boolean ``blq``."""
    from genoassoc.io.tables import numeric_column, read_table

    table = read_table(path, ["sample", "time_h", "conc"], optional=["dose", "blq"], options=options)
    source = table.attrs["source"]
    if (table["sample"] == "").any():
        raise InputError("the sample id is empty", source, int((table["sample"] == "").idxmax()), "sample")
    raw = table["conc"].str.strip()
    marked = raw.str.upper().isin({"BLQ", "<LLOQ", "BQL"}) | raw.str.startswith("<")
    if "blq" in table.columns:
        flag = table["blq"].str.strip().str.lower()
        unknown = ~flag.isin(_TRUE | _FALSE)
        if unknown.any():
            row = int(unknown.idxmax())
            raise InputError(f"'{table.at[row, 'blq']}' is not yes/no or 1/0", source, row, "blq")
        marked |= flag.isin(_TRUE)
    conc = numeric_column(table.assign(conc=raw.where(~marked, "")), "conc")
    time = numeric_column(table, "time_h", allow_empty=False)
    for column, values in (("time_h", time), ("conc", conc)):
        negative = values < 0
        if negative.any():
            row = int(negative.idxmax())
            raise InputError(f"'{table.at[row, column]}' is negative", source, row, column)
    if lloq is not None:
        marked |= conc < lloq
    missing = conc.isna() & ~marked
    if missing.any():
        row = int(missing.idxmax())
        raise InputError("a concentration is required (or BLQ)", source, row, "conc")
    frame = pd.DataFrame({"sample": table["sample"], "time_h": time, "conc": conc.where(~marked, np.nan),
                          "blq": marked}, index=table.index)
    duplicated = frame.duplicated(["sample", "time_h"])
    if duplicated.any():
        row = int(duplicated.idxmax())
        raise InputError(f"sample '{frame.at[row, 'sample']}' has two concentrations at {frame.at[row, 'time_h']:g} h",
                         source, row, "time_h")
    return frame
