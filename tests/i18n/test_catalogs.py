"""Every string the code can show has a Chinese translation: extracted fresh from the code, so a
string added anywhere without a translation fails here, with the list of what is missing."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "translations" / "{locale}" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdifr]")


def _read(path: Path, locale: str | None = None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The messages as the code has them now: scripts/update-translations --pot, which runs
    pybabel extract with babel.cfg and the project's keywords (_l, lazy_gettext, ...)."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    env = dict(os.environ, PYBABEL=str(Path(sys.executable).with_name("pybabel")))
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "update-translations"), "--pot", str(pot)],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )
    return _read(pot)


def _ids(template):
    return [message for message in template if message.id]


def test_extraction_finds_the_code_strings(template):
    """A guard against a broken babel.cfg silently extracting nothing: strings from Python
    modules, lazy form labels, page templates and mail templates are all there."""
    locations = {path for message in _ids(template) for path, _line in message.locations}
    expected_files = (
        "templates/base.html", "templates/email/_layout.txt", "liaison/calendar/ical.py"
    )
    for expected in expected_files:
        assert expected in locations
    assert any(path.startswith("blueprints/") and path.endswith("forms.py") for path in locations)
    assert len(_ids(template)) > 300


def test_every_message_has_a_chinese_translation(template):
    catalog = _read(Path(str(CATALOG).format(locale="zh_Hans")), "zh_Hans")
    missing, fuzzy = [], []
    for message in _ids(template):
        translated = catalog.get(message.id, context=message.context)
        strings = translated and translated.string
        if isinstance(strings, str):
            strings = [strings]
        if not translated or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
        elif translated.fuzzy:
            fuzzy.append(message.id if isinstance(message.id, str) else message.id[0])
    assert not missing, (
        f"{len(missing)} message(s) lack a zh_Hans translation (run scripts/update-translations, "
        "then translate them in translations/zh_Hans/LC_MESSAGES/messages.po):\n  "
        + "\n  ".join(missing)
    )
    assert not fuzzy, "fuzzy zh_Hans translations:\n  " + "\n  ".join(fuzzy)
    assert not catalog.fuzzy, "the zh_Hans catalog header is marked fuzzy: it would not compile"


@pytest.mark.parametrize("locale", ["en", "zh_Hans"])
def test_translations_keep_every_placeholder(locale):
    """%(name)s in a translation must be exactly those of the source, or gettext raises (a
    missing key) or shows a raw placeholder."""
    catalog = _read(Path(str(CATALOG).format(locale=locale)), locale)
    wrong = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if string and set(PLACEHOLDER.findall(string)) != wanted:
                wrong.append(f"{ids[0]!r} -> {string!r}")
    assert not wrong, "placeholders differ:\n  " + "\n  ".join(wrong)
    problems = [f"{m.id!r}: {errors}" for m, errors in catalog.check()]
    assert not problems, "Babel's catalog checks failed:\n  " + "\n  ".join(problems)


def test_chinese_catalog_uses_one_plural_form():
    catalog = _read(Path(str(CATALOG).format(locale="zh_Hans")), "zh_Hans")
    assert catalog.num_plurals == 1
    plurals = [m for m in catalog if m.pluralizable]
    assert plurals, "ngettext strings are expected in the catalog"
    assert all(len(m.string) == 1 for m in plurals)
