"""The installed package must hold every subpackage and the reference data."""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_in_setup_cfg():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    listed = set(config["options"]["packages"].split())
    found = {".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "genoassoc").rglob("__init__.py")}
    assert found <= listed, f"add to setup.cfg [options] packages: {sorted(found - listed)}"
    assert "genoassoc.reference" in listed


def test_public_api_names_resolve():
    import genoassoc

    for name in genoassoc.__all__:
        assert getattr(genoassoc, name) is not None, name
    assert genoassoc.concordance_index.__name__ == "concordance"
