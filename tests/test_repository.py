"""Checks of the addon's packaging that need no Odoo."""

import ast
import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDON = ROOT / "invoice_partial_refund"


def _manifest():
    return ast.literal_eval((ADDON / "__manifest__.py").read_text())


def test_manifest_version_is_an_odoo_18_version():
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", _manifest()["version"])


def test_manifest_data_files_exist():
    for path in _manifest()["data"]:
        assert (ADDON / path).is_file(), path


def _declared_models(path):
    """The ``_name`` of the models with records a file declares: abstract
    models (mixins) have none, and Odoo asks no access rights of them; nor
    does a class that names the model it extends (``_name = "account.move"``
    with ``_inherit = ["account.move", <a mixin>]``): as Odoo, a model is
    declared when its ``_name`` is not in its ``_inherit``."""
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.ClassDef) or any(
            isinstance(base, ast.Attribute) and base.attr == "AbstractModel"
            for base in node.bases
        ):
            continue
        assigned = {
            statement.targets[0].id: statement.value
            for statement in node.body
            if isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        }
        name = assigned.get("_name")
        if not isinstance(name, ast.Constant):
            continue
        inherit = assigned.get("_inherit")
        parents = (
            [inherit.value]
            if isinstance(inherit, ast.Constant)
            else [
                e.value
                for e in getattr(inherit, "elts", ())
                if isinstance(e, ast.Constant)
            ]
        )
        if name.value not in parents:
            yield name.value


def test_every_model_has_access_rights():
    declared = set()
    for path in list((ADDON / "models").glob("*.py")) + list(
        (ADDON / "wizards").glob("*.py")
    ):
        declared.update(_declared_models(path))
    with open(ADDON / "security" / "ir.model.access.csv") as handle:
        covered = {
            row["model_id:id"].removeprefix("model_").replace("_", ".")
            for row in csv.DictReader(handle)
        }
    assert declared, "no model found"
    assert declared <= covered, declared - covered


def test_readme_rst_is_generated_from_the_fragments():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen-readme"), str(ADDON), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_fault_matrix_names_existing_tests():
    matrix = (ADDON / "readme" / "DEVELOP.md").read_text()
    sources = {
        path.relative_to(ROOT).as_posix(): path.read_text()
        for path in list((ROOT / "tests").glob("test_*.py"))
        + list((ADDON / "tests").glob("test_*.py"))
    }
    everything = "\n".join(sources.values())
    named = re.findall(r"`([^`]*test_[^`]*)`", matrix)
    assert named
    for reference in named:
        path, _sep, name = reference.rpartition("::")
        if path:
            assert path in sources, reference
            assert f"def {name}(" in sources[path], reference
        else:
            name = name.split(".")[-1]
            assert f"def {name}(" in everything or f"class {name}(" in everything, (
                reference
            )


def _normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def test_requirements_match_external_dependencies():
    declared = {
        _normalize(name)
        for name in _manifest().get("external_dependencies", {}).get("python", [])
    }
    required = {
        _normalize(re.split(r"[<>=!~; \[]", line.strip())[0])
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }
    assert declared == required


def test_no_python_file_of_the_addon_is_over_400_lines():
    """The engine's structure rule (tests aside)."""
    long = {
        path.relative_to(ADDON).as_posix(): count
        for path in ADDON.rglob("*.py")
        if "tests" not in path.relative_to(ADDON).parts
        and (count := len(path.read_text().splitlines())) > 400
    }
    assert not long


def test_refund_now_path_is_read_in_eight_files():
    """DEVELOP.md's "Refund now" path names at most 8 files, each existing
    and defining the first method its step names; every method it names
    exists."""
    develop = (ADDON / "readme" / "DEVELOP.md").read_text()
    section = develop.split('## The "Refund now" path, top-down')[1].split("\n## ")[0]
    steps = re.findall(
        r"^\d+\. `([^`]+\.py)` — (.*?)(?=^\d+\. |\Z)", section, re.M | re.S
    )
    assert 0 < len(steps) <= 8
    code = "\n".join(
        path.read_text()
        for path in ADDON.rglob("*.py")
        if "tests" not in path.relative_to(ADDON).parts
    )
    for path, text in steps:
        methods = re.findall(r"`(_?[a-z]+_\w*)`", text)
        assert methods, path
        assert f"def {methods[0]}(" in (ADDON / path).read_text(), path
        for method in methods:
            assert f"def {method}(" in code, (path, method)
