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


def test_public_api_names_are_stable_functions_and_classes():
    """Every public name is the function or class its module defines, and stays so after every
    submodule is imported (a submodule named like a public function would replace it)."""
    import importlib
    import inspect
    import pkgutil

    import genoassoc

    before = {name: getattr(genoassoc, name) for name in genoassoc.__all__ if name != "__version__"}
    for name, value in before.items():
        assert inspect.isfunction(value) or inspect.isclass(value), name
        module = genoassoc._API[name]
        assert value.__module__ == module, (name, value.__module__)
    for info in pkgutil.walk_packages(genoassoc.__path__, "genoassoc."):
        importlib.import_module(info.name)
    for name, value in before.items():
        assert getattr(genoassoc, name) is value, f"genoassoc.{name} changed after importing the submodules"
    assert genoassoc.concordance_index.__name__ == "concordance"
    assert genoassoc.learn_fragments.__name__ == "learn"
    assert isinstance(genoassoc.__version__, str)
