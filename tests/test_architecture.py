"""The layout holds: capability packages call only downwards (import-linter, with the contracts
in pyproject.toml), the domain never imports the web layer nor Flask's request objects, and
every capability package is one that `liaison.load()` imports and the contract places."""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import liaison

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# What a domain module must not name: these exist only while a request is being handled.
REQUEST_OBJECTS = {
    "flask": {"request", "session", "g", "redirect", "url_for", "flash", "abort"},
    "flask_login": {"current_user", "login_required"},
}


def _lint(tree: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(tree))
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True
    )


def _contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(c for c in config["contracts"] if c["id"] == "capabilities")


def test_import_contracts_are_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # A lower layer calling a higher one.
        ("liaison/core/lru.py", "import liaison.events.lifecycle", "downwards only BROKEN"),
        ("liaison/events/direction.py", "from liaison.registration import seats",
         "downwards only BROKEN"),
        # The domain reaching into the web layer.
        ("liaison/registration/seats.py", "import blueprints.core.forms",
         "web layer BROKEN"),
    ],
)
def test_the_contracts_catch_a_wrong_import(tmp_path, module, line, contract):
    """The same check on a copy of the tree with one bad import added fails and names it."""
    for name in ("liaison", "blueprints"):
        shutil.copytree(ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{line}\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert contract in result.stdout


def _request_object_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module in REQUEST_OBJECTS:
            found += [a.name for a in node.names if a.name in REQUEST_OBJECTS[node.module]]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in REQUEST_OBJECTS and node.attr in REQUEST_OBJECTS[node.value.id]:
                found.append(f"{node.value.id}.{node.attr}")
    return found


def test_the_request_object_check_catches_each_form():
    assert _request_object_imports("from flask import current_app, request") == ["request"]
    assert _request_object_imports("import flask\nflask.g.x = 1") == ["flask.g"]
    assert _request_object_imports("from flask_login import current_user") == ["current_user"]
    assert _request_object_imports("from flask import current_app, render_template") == []


def test_the_domain_never_touches_a_request():
    """Domain functions take what they need as arguments, so the CLI, the worker and tests call
    them without a request."""
    offenders = {
        str(path.relative_to(ROOT)): names
        for path in sorted((ROOT / "liaison").rglob("*.py"))
        if (names := _request_object_imports(path.read_text()))
    }
    assert offenders == {}


def test_every_capability_package_is_loaded_and_placed():
    on_disk = {p.parent.name for p in (ROOT / "liaison").glob("*/__init__.py")}
    assert on_disk == set(liaison.CAPABILITIES)
    placed = []
    for layer in _contract()["layers"]:
        placed += [name.strip().strip("()") for name in layer.split("|")]
    present = [name for name in placed if name in on_disk]
    # liaison.load() imports bottom to top, in the contract's order.
    assert present == list(reversed(liaison.CAPABILITIES))


def test_no_module_is_left_loose_in_the_domain_root():
    loose = sorted(p.name for p in (ROOT / "liaison").glob("*.py"))
    assert loose == ["__init__.py"]
