"""p-value adjustment against base R p.adjust (tests/golden/padjust/make_golden.R)."""

from pathlib import Path

import numpy as np
import pytest
from conftest import read_golden

from genoassoc.errors import InputError
from genoassoc.stats.multiple import p_adjust

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "padjust"


@pytest.mark.parametrize("method", ["BH", "holm", "bonferroni"])
@pytest.mark.parametrize("name", ["ties", "missing", "extreme", "one"])
def test_p_adjust_matches_r(name, method):
    r = read_golden(GOLDEN / "r_golden.tsv")
    count = sum(1 for key in r if key.startswith(f"{name}|p|"))
    p = [r[f"{name}|p|{i}"] for i in range(1, count + 1)]
    expected = [r[f"{name}|{method}|{i}"] for i in range(1, count + 1)]
    np.testing.assert_allclose(p_adjust(p, method), expected, rtol=1e-12)


def test_unknown_method_is_refused():
    with pytest.raises(InputError, match="unknown --p-adjust method 'fdr'"):
        p_adjust([0.1], "fdr")


def test_hwe_and_all_models_carry_adjusted_p():
    from genoassoc.analysis.association import associate
    from genoassoc.analysis.genotype_qc import hwe
    from genoassoc.calls import read_calls
    from genoassoc.phenotypes import read_phenotypes

    root = GOLDEN.parent.parent.parent
    calls = read_calls(GOLDEN.parent / "publication" / "calls.tsv")
    table = hwe(calls, p_adjust="holm").table
    np.testing.assert_allclose(table["p_adj"], p_adjust(table["p_exact"], "holm"), rtol=1e-15)
    assert set(table["p_adj_method"]) == {f"holm over {len(table)} loci"}
    result = associate(calls, read_phenotypes(root / "examples" / "phenotypes.tsv"), "rs1800796", "response",
                       model="all", case_level="CR/PR")
    primary = result.table[result.table["p_adj"].notna()]
    assert list(primary["test"]) == ["Fisher's exact"] * 5
    assert list(primary["model"]) == ["codominant", "dominant", "recessive", "overdominant", "additive"]
    np.testing.assert_allclose(primary["p_adj"], p_adjust(primary["p"], "BH"), rtol=1e-15)
    assert set(primary["p_adj_method"]) == {"BH over 5 models"}
