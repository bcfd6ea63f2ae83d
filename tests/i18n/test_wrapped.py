"""No English the catalogs cannot see: template text and the attributes people read (title,
placeholder, aria-label, alt, data-confirm) go through _() or ngettext(), and Python hands
flash(), abort() and the domain/API errors translated messages, never literals."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Shown as is in every language on purpose: the switch offers each language in its own name.
ALLOWED = {"English"}

_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_EXPR = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_ATTR = re.compile(r'\b(?:title|placeholder|aria-label|alt|data-confirm)="([^"]*)"')
_TAG = re.compile(r"<[^>]*>", re.S)
_WORDS = re.compile(r"[A-Za-z]{2,}")


def bare_text(source: str) -> list[str]:
    """Human-readable English left after removing Jinja expressions, tags and scripts."""
    text = _SCRIPT.sub(" ", _EXPR.sub(" ", _COMMENT.sub(" ", source)))
    found = [value for value in _ATTR.findall(text) if _WORDS.search(value)]
    for chunk in _TAG.sub("\n", text).splitlines():
        chunk = chunk.strip()
        if _WORDS.search(chunk) and chunk not in ALLOWED:
            found.append(chunk)
    return found


def test_the_check_sees_bare_text():
    assert bare_text('<p title="Hello">{{ _("Fine") }} Not wrapped</p>') == ["Hello", "Not wrapped"]
    assert bare_text('<p aria-label="{{ _(\'Fine\') }}">{{ x }} · {{ y }}</p>') == []


@pytest.mark.parametrize(
    "path",
    sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt")),
    ids=lambda p: str(p.relative_to(TEMPLATES)),
)
def test_template_has_no_bare_english(path):
    assert bare_text(path.read_text(encoding="utf-8")) == []


ROOT = TEMPLATES.parent
# Calls whose text reaches people, and where the message sits: it must be translated.
SHOWN = {"flash": 0, "abort": 1, "DomainError": 0, "ValidationFailed": 0, "Conflict": 0,
         "NotAllowed": 0, "ApiError": 2, "ValidationError": 0}


def literal_messages(source: str) -> list[str]:
    """`flash("...")`, `raise Conflict("...")`, `abort(400, "...")`: literals that skip _()."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in SHOWN:
            continue
        position = SHOWN[name]
        values = [k.value for k in node.keywords if k.arg in ("message", "description")]
        values += node.args[position:position + 1]
        for value in values:
            if isinstance(value, (ast.Constant, ast.JoinedStr)) and (
                isinstance(value, ast.JoinedStr) or isinstance(value.value, str)
            ):
                found.append(f"line {node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_the_python_check_sees_literals():
    source = 'flash("Saved.", "ok")\nflash(_("Saved."), "ok")\nabort(400, f"x {y}")'
    assert literal_messages(source) == [
        "line 1: flash('Saved.', 'ok')",
        "line 3: abort(400, f'x {y}')",
    ]


@pytest.mark.parametrize(
    "path",
    sorted([*ROOT.glob("blueprints/**/*.py"), *ROOT.glob("liaison/**/*.py")]),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_python_shows_no_literal_message(path):
    assert literal_messages(path.read_text(encoding="utf-8")) == []
