"""The public names: one table in ``exposure_kit/__init__.py``, loaded on first use."""

import importlib
import subprocess
import sys

import exposure_kit as ek


def test_table_lists_every_module_all_exactly():
    for module_name, names in ek._PUBLIC_NAMES.items():
        module = importlib.import_module(f"exposure_kit.{module_name}")
        owned_elsewhere = {name for name in module.__all__ if ek._HOME[name] != module_name}
        missing, stale = set(module.__all__) - owned_elsewhere - set(names), set(names) - set(module.__all__)
        assert not missing and not stale, (
            f"_PUBLIC_NAMES[{module_name!r}] in exposure_kit/__init__.py: add {sorted(missing)}, "
            f"remove {sorted(stale)}")
        for name in owned_elsewhere:
            assert getattr(module, name) is getattr(ek, name), name


def test_every_public_name_resolves_and_star_import_gives_them_all():
    namespace = {}
    exec("from exposure_kit import *", namespace)
    assert set(ek.__all__) <= set(namespace)
    assert set(ek.__all__) <= set(dir(ek))
    assert ek.Book is importlib.import_module("exposure_kit._book").Book


def test_unknown_name_is_an_attribute_error():
    try:
        ek.no_such_name
    except AttributeError as error:
        assert "no_such_name" in str(error)
    else:
        raise AssertionError("ek.no_such_name resolved")


def _modules_loaded_by(statement: str) -> set:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_import_exposure_kit_loads_no_numeric_library():
    loaded = _modules_loaded_by("import exposure_kit")
    assert not {"numpy", "pandas", "matplotlib"} & loaded


def test_classroom_server_loads_neither_pandas_nor_the_iri_grammar():
    code = ("import sys, exposure_kit._app._server; "
            "print(sys.modules.get('rfc3987_syntax', 'absent'), 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["None", "False"]
