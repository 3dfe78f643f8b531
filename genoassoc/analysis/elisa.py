"""IL-6 (or any analyte) from ELISA plates: standard curves, back-calculated concentrations, limits of
quantification, and a phenotype table the other analyses read.

Per plate, as the kit inserts (R&D Systems Quantikine) and bioanalytical guidance (FDA 2018, EMA 2011)
describe it:

1. Optical density: the measurement read less the correction read (540/570 nm), then less the mean of
   the blank (zero standard) wells when the layout has blanks.
2. The standard curve: a 4PL (or 5PL) in log concentration fitted to every standard well
   (`genoassoc.stats.logistic`, equal to R's ``nls``); a curve whose standards' mean ODs do not rise
   (or fall) steadily with concentration, or with too few standards, is refused with the reason.
3. Limits: the LLOQ and ULOQ are the lowest and highest standards whose mean OD reads back within
   80-120% of nominal (or the kit's values, ``lloq``/``uloq``), in the plate's concentration unit.
4. Samples: every well read back with its 95% interval; replicate wells (same sample, plate and
   dilution) are averaged as ODs and read back once (the kit inserts' rule), with the CV of the wells'
   concentrations; the result is multiplied by the dilution factor. A sample below the LLOQ is
   written ``<LLOQ`` (``<3.13`` times its dilution), the form every phenotype reader understands
   (``--below-lloq`` decides its value downstream); above the ULOQ ``>ULOQ``, to be assayed again
   diluted. A saturated or empty well is flagged, never turned into a number.
5. A sample measured on several plates or at several dilutions: the results within the limits are
   averaged; when none is, the censored result is kept (the flag says which plates).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from genoassoc.analysis import Result
from genoassoc.errors import InputError

RECOVERY = (80.0, 120.0)
DEFAULT_MAX_CV = 20.0


@dataclass(frozen=True)
class PlateCurve:
    """One plate's fitted curve with what the figure and QC need: the standards (``conc, od``), the
    limits, and the blank's mean OD (subtracted from every well)."""

    plate: str
    fit: Any
    standards: pd.DataFrame
    lloq: float
    uloq: float
    blank_od: float
    described: str


@dataclass(frozen=True, kw_only=True)
class ElisaResult(Result):
    """`table`: one row per sample (``sample, <analyte>, <analyte>_low, <analyte>_high, <analyte>_cv,
    <analyte>_flag, plate``); `wells`: every well with its OD and read-back concentration; `qc`: per
    plate the standards' recovery, the blanks and the controls; `curves`: the fits and their limits."""

    analyte: str
    wells: pd.DataFrame
    qc: pd.DataFrame
    parameters: pd.DataFrame
    curves: tuple[PlateCurve, ...] = field(default_factory=tuple)


def parse_standards(text: str | Mapping[str, float] | None) -> dict[str, float]:
    """``S1=300,S2=150`` (or a mapping) as {standard id: nominal concentration}."""
    if text is None or text == "":
        return {}
    pairs: dict[str, object] = {}
    if isinstance(text, Mapping):
        pairs = {str(key): value for key, value in text.items()}
    else:
        for item in re.split(r"[,;]", text):
            name, sep, value = item.partition("=")
            if not sep or not name.strip():
                raise InputError(f"--standards takes ID=CONC pairs such as S1=300,S2=150; got '{item.strip()}'")
            pairs[name.strip()] = value.strip()
    standards = {}
    for name, value in pairs.items():
        try:
            number = float(str(value))
        except ValueError:
            raise InputError(f"standard {name}: '{value}' is not a concentration") from None
        if not math.isfinite(number) or number < 0:
            raise InputError(f"standard {name}: '{value}' is not a concentration")
        standards[name] = number
    return standards


def _number(value: float) -> str:
    from genoassoc.io.records import float_text

    return float_text(float(f"{value:.6g}"))


def _plate_layout(layout: pd.DataFrame, plate: str, plates: Sequence[str]) -> pd.DataFrame:
    named = layout["plate"].notna()
    if not named.any():
        return layout
    chosen = layout[layout["plate"] == plate]
    if chosen.empty:
        raise InputError(f"the layout names no wells of plate '{plate}' (its plates: "
                         f"{', '.join(sorted(set(layout.loc[named, 'plate'])))}; plates read: {', '.join(plates)})",
                         layout.attrs.get("source"))
    return pd.concat([chosen, layout[~named]])


def _check_monotone(plate: str, levels: pd.DataFrame) -> None:
    steps = np.diff(levels["od"].to_numpy())
    if len(steps) and not (np.all(steps > 0) or np.all(steps < 0)):
        rising = np.sum(steps > 0) >= np.sum(steps < 0)
        bad = int(np.flatnonzero(steps <= 0 if rising else steps >= 0)[0])
        low, high = levels.iloc[bad], levels.iloc[bad + 1]
        raise InputError(f"plate {plate}: the standard curve is not monotone: {high['id']} ({_number(high['conc'])}) "
                         f"has mean OD {high['od']:.4g} against {low['od']:.4g} for {low['id']} "
                         f"({_number(low['conc'])}); check the standards' wells and concentrations")


def _fit_plate(plate: str, wells: pd.DataFrame, *, model: str, weights: str, lloq: float | None,
               uloq: float | None, notes: list[str]) -> tuple[PlateCurve, pd.DataFrame]:
    from genoassoc.stats.logistic import CurveNotFitted, fit_curve

    standards = wells[(wells["role"] == "standard")]
    unusable = standards[standards["state"] != "ok"]
    for _, well in unusable.iterrows():
        notes.append(f"plate {plate}: standard well {well['well']} ({well['id']}) left out of the curve: "
                     f"{'saturated' if well['state'] == 'saturated' else 'no reading'}")
    standards = standards[standards["state"] == "ok"]
    if standards.empty:
        raise InputError(f"plate {plate}: no standard wells with a reading (the layout's standards need a "
                         "concentration: a conc column or --standards)")
    levels = (standards.groupby("conc", sort=True, observed=True).agg(od=("od", "mean"), id=("id", "first"))
              .reset_index())
    _check_monotone(plate, levels)
    try:
        fit = fit_curve(standards["conc"], standards["od"], model=model, weights=weights)
    except CurveNotFitted as err:
        raise InputError(f"plate {plate}: no standard curve: {err}") from None
    back, _, _ = fit.concentration(levels["od"])
    levels["back_calculated"] = back
    levels["recovery_pct"] = 100 * back / levels["conc"]
    within = levels["recovery_pct"].between(*RECOVERY)
    if lloq is None or uloq is None:
        if not within.any():
            raise InputError(f"plate {plate}: no standard reads back within 80-120% of nominal; the curve cannot "
                             "quantify (give the kit's --lloq and --uloq to override)")
        lloq = float(levels.loc[within, "conc"].min()) if lloq is None else lloq
        uloq = float(levels.loc[within, "conc"].max()) if uloq is None else uloq
    return PlateCurve(plate=plate, fit=fit, standards=standards[["well", "id", "conc", "od"]].reset_index(drop=True),
                      lloq=float(lloq), uloq=float(uloq), blank_od=float(wells.attrs.get("blank_od", 0.0)),
                      described=str(wells.attrs.get("described", ""))), levels


def _censor(value: float, lloq: float, uloq: float, dilution: float) -> tuple[str, str]:
    """The sample's value as the table writes it and its limit flag."""
    if math.isnan(value):
        return "", ""
    if value < lloq:
        return f"<{_number(lloq * dilution)}", "below LLOQ"
    if value > uloq:
        return f">{_number(uloq * dilution)}", "above ULOQ: assay again diluted"
    from genoassoc.io.records import float_text

    return float_text(value * dilution), ""


def elisa(plates: Sequence[Any], layout: pd.DataFrame, *, standards: Mapping[str, float] | None = None,
          curve: str = "4pl", weights: str = "none", max_cv: float = DEFAULT_MAX_CV, lloq: float | None = None,
          uloq: float | None = None, analyte: str = "il6", wavelength: str | None = None,
          correction: str | None = None, options: Any = None) -> ElisaResult:
    """Concentrations from ELISA plates (`plates`: paths of plate files, or `genoassoc.io.plates.PlateReads`)
    and their `layout` (`genoassoc.io.plates.read_layout`); see the module docstring for each step.
    `standards` gives nominal concentrations by standard id where the layout has none; `lloq`/`uloq` (in
    the standards' unit) replace the limits found from the standards' recovery; `options` how plate
    files are read (`genoassoc.io.records.ReadOptions`)."""
    from genoassoc.io.plates import PlateReads, optical_density, read_plate
    from genoassoc.io.records import DEFAULT_READ

    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", analyte):
        raise InputError(f"--analyte '{analyte}' is not a column name (letters, digits, _)")
    if not 0 < max_cv < 1000:
        raise InputError(f"--max-cv {max_cv} is not a percentage above 0")
    standards = dict(standards or {})
    reads = [plate if isinstance(plate, PlateReads) else read_plate(plate, options or DEFAULT_READ)
             for plate in plates]
    notes: list[str] = []
    well_tables, qc_rows, parameter_rows, curves, sample_rows = [], [], [], [], []
    names = [name for read in reads for name in dict.fromkeys(read.table["plate"])]
    repeated = [name for position, name in enumerate(names) if name in names[:position]]
    if repeated:
        raise InputError(f"two plate files hold a plate named '{repeated[0]}' (plates are named by file name or the "
                         "plate column): rename one")
    for read in reads:
        ods, described = optical_density(read, wavelength, correction)
        for plate, plate_ods in ods.groupby("plate", sort=False, observed=True):
            plate = str(plate)
            plate_layout = _plate_layout(layout, plate, names).copy()
            missing = plate_layout["role"].eq("standard") & plate_layout["conc"].isna()
            if missing.any():
                given = plate_layout.loc[missing, "id"].map(standards)
                if given.isna().any():
                    first = plate_layout[missing][given.isna()].iloc[0]
                    raise InputError(f"standard {first['id']} has no concentration: give it in the layout's conc "
                                     "column or with --standards S1=300,...", layout.attrs.get("source"),
                                     int(first["row"]), "conc")
                plate_layout.loc[missing, "conc"] = given
                plate_layout.loc[missing & (plate_layout["conc"] == 0), "role"] = "blank"
            wells = plate_layout.merge(plate_ods.drop(columns="row"), on="well", how="left")
            no_read = wells["state"].isna()
            if no_read.any():
                raise InputError(f"plate {plate}: the layout names well {wells.loc[no_read, 'well'].iloc[0]} but the "
                                 "plate file has no such well", read.source)
            blanks = wells[(wells["role"] == "blank") & (wells["state"] == "ok")]
            blank_od = float(blanks["od"].mean()) if len(blanks) else 0.0
            wells["od"] = wells["od"] - blank_od
            wells.attrs["blank_od"] = blank_od
            step = described + (f", less the mean blank OD ({blank_od:.4g}, {len(blanks)} wells)" if len(blanks)
                                else ", no blank wells (nothing subtracted)")
            wells.attrs["described"] = step
            fitted, levels = _fit_plate(plate, wells, model=curve, weights=weights, lloq=lloq, uloq=uloq, notes=notes)
            curves.append(fitted)
            fit = fitted.fit
            conc, low, high = fit.concentration(wells["od"].to_numpy())
            wells["conc"] = np.where(wells["role"] == "standard", wells["conc"], np.nan)
            wells["read_back"] = np.where(wells["state"] == "ok", conc, np.nan)
            wells["read_back_low"] = np.where(wells["state"] == "ok", low, np.nan)
            wells["read_back_high"] = np.where(wells["state"] == "ok", high, np.nan)
            bottom, top = sorted(fit.asymptotes())
            rising = fit.estimates[1] > fit.estimates[0]
            beyond = (wells["state"] == "ok") & wells["read_back"].isna()
            low_side = (wells["od"] <= bottom) if rising else (wells["od"] >= top)
            wells["note"] = np.select(
                [wells["state"] == "saturated", wells["state"] == "empty", beyond & low_side, beyond],
                ["saturated", "no reading", "below the curve", "above the curve"], "")
            wells.insert(0, "plate", plate)
            well_tables.append(wells)
            qc_rows += _qc_rows(plate, levels, blanks, wells, fitted)
            parameter_rows += [{"plate": plate, "curve": curve, "weights": weights, "parameter": name,
                                "estimate": estimate, "se": se, "sigma": fit.sigma, "df": fit.df,
                                "r_squared": fit.r_squared, "lloq": fitted.lloq, "uloq": fitted.uloq}
                               for name, estimate, se in zip(fit.names, fit.estimates, fit.standard_errors,
                                                             strict=True)]
            sample_rows += _samples(plate, wells, fitted, max_cv)
            notes.append(f"plate {plate}: {step}; {curve.upper()} curve"
                         f"{'' if weights == 'none' else f' weighted {weights}'} on {len(fitted.standards)} standard "
                         f"wells, R² {fit.r_squared:.4f}; LLOQ {_number(fitted.lloq)}, ULOQ {_number(fitted.uloq)}"
                         f"{' (given)' if lloq is not None or uloq is not None else ' (standards within 80-120%)'}")
    table = _combine(sample_rows, analyte, notes)
    wells = pd.concat(well_tables, ignore_index=True)
    wells = wells[["plate", "well", "id", "role", "dilution", "conc", "od", "read_back", "read_back_low",
                   "read_back_high", "note"]].rename(columns={"id": "sample"})
    return ElisaResult(table=table, notes=tuple(notes), analyte=analyte, wells=wells,
                       qc=pd.DataFrame(qc_rows, columns=["plate", "kind", "id", "nominal", "expected", "mean_od",
                                                         "measured", "recovery_pct", "cv_pct", "pass"]),
                       parameters=pd.DataFrame(parameter_rows), curves=tuple(curves))


def _cv(values: pd.Series) -> float:
    values = values.dropna()
    if len(values) < 2 or values.mean() == 0:
        return math.nan
    return float(100 * values.std(ddof=1) / values.mean())


def _qc_rows(plate: str, levels: pd.DataFrame, blanks: pd.DataFrame, wells: pd.DataFrame,
             curve: PlateCurve) -> list[dict[str, Any]]:
    rows = []
    for _, level in levels.iterrows():
        within = RECOVERY[0] <= level["recovery_pct"] <= RECOVERY[1]
        rows.append({"plate": plate, "kind": "standard", "id": level["id"], "nominal": level["conc"],
                     "expected": "80-120%", "mean_od": level["od"], "measured": level["back_calculated"],
                     "recovery_pct": level["recovery_pct"],
                     "cv_pct": _cv(wells[(wells["role"] == "standard") & (wells["conc"] == level["conc"])]["od"]),
                     "pass": "yes" if within else "no"})
    if len(blanks):
        rows.append({"plate": plate, "kind": "blank", "id": "blank", "nominal": 0.0, "expected": "",
                     "mean_od": curve.blank_od, "measured": math.nan, "recovery_pct": math.nan,
                     "cv_pct": _cv(blanks["od"]), "pass": ""})
    for identifier, control in wells[wells["role"] == "control"].groupby("id", sort=True, observed=True):
        ok = control[control["state"] == "ok"]
        mean_od = float(ok["od"].mean()) if len(ok) else math.nan
        value = float(curve.fit.concentration([mean_od], len(ok))[0][0]) if len(ok) else math.nan
        low, high = control["expected_low"].iloc[0], control["expected_high"].iloc[0]
        expected = f"{_number(low)}-{_number(high)}" if not math.isnan(low) else ""
        verdict = "" if not expected else "yes" if low <= value <= high else "no"
        rows.append({"plate": plate, "kind": "control", "id": identifier, "nominal": math.nan, "expected": expected,
                     "mean_od": mean_od, "measured": value, "recovery_pct": math.nan,
                     "cv_pct": _cv(ok["read_back"]), "pass": verdict})
    return rows


def _samples(plate: str, wells: pd.DataFrame, curve: PlateCurve, max_cv: float) -> list[dict[str, Any]]:
    rows = []
    sample_wells = wells[wells["role"] == "sample"]
    for (identifier, dilution), group in sample_wells.groupby(["id", "dilution"], sort=False, observed=True):
        flags = [f"{row['note']} well {row['well']}" for _, row in group.iterrows()
                 if row["note"] in ("saturated", "no reading")]
        ok = group[group["state"] == "ok"]
        value = low = high = math.nan
        if len(ok):
            mean_od = float(ok["od"].mean())
            conc, lower, upper = curve.fit.concentration([mean_od], len(ok))
            value, low, high = float(conc[0]), float(lower[0]), float(upper[0])
            if math.isnan(value):
                below = (mean_od <= min(curve.fit.asymptotes())) == (curve.fit.estimates[1] > curve.fit.estimates[0])
                value = 0.0 if below else math.inf
        if group["state"].eq("saturated").any() and (math.isnan(value) or value <= curve.uloq):
            value = math.inf  # a saturated replicate: the sample is above the range, whatever the other wells say
        cv = _cv(ok["read_back"]) if ok["read_back"].notna().all() else math.nan
        if not math.isnan(cv) and cv > max_cv:
            flags.append(f"CV {cv:.1f}% above {max_cv:g}%")
        if len(ok) == 1 and len(group) == 1:
            flags.append("one well")
        rows.append({"sample": identifier, "plate": plate, "dilution": float(dilution), "value": value,
                     "low": low, "high": high, "cv": cv, "flags": flags, "lloq": curve.lloq, "uloq": curve.uloq,
                     "row": int(group["row"].iloc[0])})
    return rows


def _combine(rows: list[dict[str, Any]], analyte: str, notes: list[str]) -> pd.DataFrame:
    """One row per sample: results within the limits averaged over plates and dilutions."""
    from genoassoc.io.records import float_text

    out = []
    by_sample: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_sample.setdefault(row["sample"], []).append(row)
    for sample, results in by_sample.items():
        inside = [r for r in results if r["lloq"] <= r["value"] <= r["uloq"]]
        flags = [flag for r in results for flag in r["flags"]]
        if inside:
            chosen = inside
            value = float(np.mean([r["value"] * r["dilution"] for r in inside]))
            text = float_text(value)
            low = float(np.mean([r["low"] * r["dilution"] for r in inside]))
            high = float(np.mean([r["high"] * r["dilution"] for r in inside]))
            limit_flag = ""
        else:
            # censored everywhere: the lowest 'below' limit, or the highest 'above' limit
            chosen = results
            known = [r for r in results if not math.isnan(r["value"])]
            if not known:
                text, limit_flag, low, high = "", "no reading", math.nan, math.nan
            else:
                pick = min(known, key=lambda r: r["lloq"] * r["dilution"]) if all(
                    r["value"] < r["lloq"] for r in known) else max(known, key=lambda r: r["uloq"] * r["dilution"])
                text, limit_flag = _censor(pick["value"], pick["lloq"], pick["uloq"], pick["dilution"])
                low = high = math.nan
        if len(results) > 1:
            flags.append(f"{len(chosen)} of {len(results)} results averaged (plates "
                         f"{', '.join(dict.fromkeys(r['plate'] for r in results))})" if inside else
                         f"{len(results)} results, none within the limits")
        if limit_flag:
            flags.insert(0, limit_flag)
        cvs = [r["cv"] for r in chosen if not math.isnan(r["cv"])]
        out.append({"sample": sample, analyte: text, f"{analyte}_low": low, f"{analyte}_high": high,
                    f"{analyte}_cv": float(np.mean(cvs)) if cvs else math.nan,
                    f"{analyte}_flag": "; ".join(flags), "plate": ", ".join(dict.fromkeys(r["plate"] for r in chosen))})
    table = pd.DataFrame(out, columns=["sample", analyte, f"{analyte}_low", f"{analyte}_high", f"{analyte}_cv",
                                       f"{analyte}_flag", "plate"])
    below = int(table[analyte].str.startswith("<").sum())
    above = int(table[analyte].str.startswith(">").sum())
    if below or above:
        notes.append(f"{below} sample{'s' if below != 1 else ''} below the LLOQ written '<LLOQ', {above} above the "
                     f"ULOQ written '>ULOQ' (limits times each sample's dilution); choose --below-lloq where the "
                     "table is analysed")
    flagged = int((table[f"{analyte}_flag"] != "").sum())
    if flagged:
        notes.append(f"{flagged} of {len(table)} samples flagged (see {analyte}_flag)")
    return table
