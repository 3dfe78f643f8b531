"""Genetic models: a genotype column collapsed into the groups or dosage an association test uses.
The one place that encodes them: every analysis (association, Cox tables, competing risks, mixed
models, power, the trend and max-statistic tests) takes its design from `Encoding.design` or
`exposure`.

Every encoding is relative to an effect allele (default: the minor allele in the analysed samples)
and labels its groups by what they hold, genotypes in catalog order: with effect allele G at a G/C
locus, dominant is ``C/C`` vs ``G/G+G/C``. The additive model is one term, the effect-allele count
(R: ``coxph(Surv(time, event) ~ allele_count)``); the others one indicator per non-reference group.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from genoassoc.errors import InputError

MODELS = ("codominant", "dominant", "recessive", "overdominant", "additive")


@dataclass(frozen=True)
class Encoding:
    """Samples' groups under one model. `group` holds the index into `groups` (0 = reference);
    `dosage` the effect-allele copies (0, 1, 2). `testable` is False when a group is empty."""

    model: str
    effect_allele: str
    other_allele: str
    groups: tuple[str, ...]
    group: np.ndarray
    dosage: np.ndarray
    testable: bool
    reason: str = ""

    @property
    def definition(self) -> str:
        """Groups as printed beside every estimate, reference first: ``C/C | G/G+G/C``."""
        return " | ".join(self.groups)

    def counts(self) -> list[int]:
        return [int((self.group == index).sum()) for index in range(len(self.groups))]

    def design(self, index: pd.Index, prefix: str = "") -> pd.DataFrame:
        """The model's design columns over the samples (`index`): ``G copies`` (additive, per
        effect-allele copy) or one 0/1 column per non-reference group, named by the group (after
        `prefix`, e.g. the locus)."""
        if self.model == "additive":
            return pd.DataFrame({f"{prefix}{self.effect_allele} copies": self.dosage.astype(float)}, index=index)
        return pd.DataFrame({f"{prefix}{label}": (self.group == level).astype(float)
                             for level, label in enumerate(self.groups) if level > 0}, index=index)

    @property
    def per_copy(self) -> bool:
        """Whether the model's estimate is per effect-allele copy (the additive model)."""
        return self.model == "additive"


def exposure(dosage: np.ndarray, model: str) -> np.ndarray:
    """The value a model gives each effect-allele count (0, 1, 2): 0/1 carrier (dominant), 0/1
    homozygote (recessive), 0/1 heterozygote (overdominant), the count itself (additive)."""
    dosage = np.asarray(dosage)
    if model == "dominant":
        return np.asarray(dosage >= 1, float)
    if model == "recessive":
        return np.asarray(dosage == 2, float)
    if model == "overdominant":
        return np.asarray(dosage == 1, float)
    if model in ("additive", "codominant"):
        return np.asarray(dosage, float)
    raise InputError(f"unknown model '{model}' (use {', '.join(MODELS)})")


def _genotype(first: str, second: str, order: tuple[str, str]) -> str:
    pair = sorted((first, second), key=order.index)
    return f"{pair[0]}/{pair[1]}"


def effect_allele_copies(genotypes: pd.Series, effect_allele: str) -> np.ndarray:
    """Copies of `effect_allele` in ``A/B`` genotype strings; each distinct genotype is split once."""
    codes, distinct = pd.factorize(genotypes)
    copies = np.array([sum(allele == effect_allele for allele in str(genotype).split("/", 1))
                       for genotype in distinct] + [0], dtype=int)
    return copies[codes]


def minor_allele(genotypes: pd.Series, alleles: tuple[str, str]) -> str:
    """The rarer allele among these genotypes; the second catalog allele on a tie."""
    copies = effect_allele_copies(genotypes, alleles[1]).sum()
    return alleles[1] if copies <= len(genotypes) else alleles[0]


def encode(
    genotypes: pd.Series,
    alleles: tuple[str, str],
    model: str,
    effect_allele: str | None = None,
) -> Encoding:
    """Encode called genotypes (``G/C`` strings, catalog order) under `model`."""
    if model not in MODELS:
        raise InputError(f"unknown model '{model}' (use {', '.join(MODELS)})")
    if effect_allele is None:
        effect_allele = minor_allele(genotypes, alleles)
    elif effect_allele not in alleles:
        raise InputError(f"effect allele '{effect_allele}' is not one of {'/'.join(alleles)}")
    other = alleles[1] if effect_allele == alleles[0] else alleles[0]
    dosage = effect_allele_copies(genotypes, effect_allele)
    none, one, two = (
        _genotype(other, other, alleles), _genotype(other, effect_allele, alleles),
        _genotype(effect_allele, effect_allele, alleles),
    )
    group = exposure(dosage, model).astype(int)
    if model in ("codominant", "additive"):
        groups = (none, one, two)
    elif model == "dominant":
        groups = (none, f"{one}+{two}")
    elif model == "recessive":
        groups = (f"{none}+{one}", two)
    else:
        groups = (f"{none}+{two}", one)
    counts = [int((group == index).sum()) for index in range(len(groups))]
    if model == "additive":
        testable = sum(count > 0 for count in counts) >= 2
    else:
        testable = all(count > 0 for count in counts)
    reason = "" if testable else (
        "not testable: " + ", ".join(f"{label} has no samples" for label, count in zip(groups, counts, strict=True)
                                     if count == 0)
    )
    return Encoding(model, effect_allele, other, groups, np.asarray(group), np.asarray(dosage), testable, reason)
