"""PK sampling tables: ``sample, time_h, conc`` (+ optional ``dose``, ``blq``), one profile per sample;
the columns are found under lab headings too (``Patient``, ``Time (h)``, ``Conc (ng/mL)``).

Two kinds of absent concentration, kept apart because NCA treats them differently:
- below the limit (BLQ): ``BLQ``, ``BQL``, ``<LLOQ``, ``<0.5``, a value below `lloq` when one is
  given, or a row whose ``blq`` column says 1/true/yes. The sample was measured; the BLQ rules of
  `genoassoc.stats.pk` decide what it counts as.
- missing: the draw was not taken or not measured (an empty cell, ``NA``, ``missed``, ``not drawn``,
  ``not done``, ``no sample``...). It is left out of its profile, counted in ``attrs["missing"]`` and
  named in the result's notes.
``ND`` is refused: labs write it for "not detected" (BLQ) and for "not done" (missing).
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from genoassoc.errors import InputError
from genoassoc.io.records import DEFAULT_READ, ReadOptions

_TRUE = {"1", "true", "yes", "y", "blq"}
_FALSE = {"", "0", "false", "no", "n"}
_BLQ = {"blq", "bql", "<lloq", "< lloq", "below lloq", "<loq"}
MISSED = {"", "na", "n/a", "#n/a", "nan", "missing", "missed", "not drawn", "not taken", "not done", "no sample",
          "not collected", "not available", "-", "."}
_HINT = "write BLQ (or <LLOQ, <0.5) for a value below the limit, NA (or missed) for a draw not taken or measured"


def read_pk_samples(path: str | os.PathLike, lloq: float | None = None,
                    options: ReadOptions = DEFAULT_READ) -> pd.DataFrame:
    """Validated PK samples with float ``time_h``, ``conc`` (NaN where BLQ or missing), and boolean
    ``blq`` and ``missing``."""
    from genoassoc.io.tables import not_a_number, numeric_column, parse_numbers, read_table

    table = read_table(path, ["sample", "time_h", "conc"], optional=["dose", "blq"], options=options)
    source = table.attrs["source"]
    if (table["sample"] == "").any():
        raise InputError("the sample id is empty", source, int((table["sample"] == "").idxmax()), "sample")
    raw = table["conc"].str.strip()
    words = raw.str.lower().str.replace(r"\s+", " ", regex=True)
    marked = words.isin(_BLQ) | raw.str.startswith("<")
    missed = words.isin(MISSED)
    unclear = words == "nd"
    if unclear.any():
        row = int(unclear.idxmax())
        raise InputError(f"'{table.at[row, 'conc']}' may mean not detected or not done: {_HINT}", source, row, "conc")
    if "blq" in table.columns:
        flag = table["blq"].str.strip().str.lower()
        unknown = ~flag.isin(_TRUE | _FALSE)
        if unknown.any():
            row = int(unknown.idxmax())
            raise InputError(f"'{table.at[row, 'blq']}' is not yes/no or 1/0", source, row, "blq")
        marked |= flag.isin(_TRUE)
    comma = bool(table.attrs.get("decimal_comma"))
    conc = parse_numbers(raw.where(~marked & ~missed, ""), comma)
    unreadable = conc.isna() & ~marked & ~missed
    if unreadable.any():
        row = int(unreadable.idxmax())
        shown = table.at[row, "conc"]
        raise InputError(f"{not_a_number(shown, comma)}: {_HINT}", source, row, "conc")
    time = numeric_column(table, "time_h", allow_empty=False)
    for column, values in (("time_h", time), ("conc", conc)):
        negative = values < 0
        if negative.any():
            row = int(negative.idxmax())
            raise InputError(f"'{table.at[row, column]}' is negative", source, row, column)
    if lloq is not None:
        marked |= conc < lloq
    frame = pd.DataFrame({"sample": table["sample"], "time_h": time, "conc": conc.where(~marked, np.nan),
                          "blq": marked, "missing": missed & ~marked}, index=table.index)
    duplicated = frame.duplicated(["sample", "time_h"])
    if duplicated.any():
        row = int(duplicated.idxmax())
        raise InputError(f"sample '{frame.at[row, 'sample']}' has two concentrations at {frame.at[row, 'time_h']:g} h",
                         source, row, "time_h")
    return frame
