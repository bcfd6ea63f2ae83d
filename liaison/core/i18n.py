"""Each reader's language for the text people typed in two languages.

Records that people write keep an optional Chinese form beside the English one (`title_zh`,
`description_zh`, `name_zh`, `label_zh`, …). `localized(en, zh)` picks the one for the
current reader: the Chinese form when the current locale is Chinese and a Chinese form
exists, the English one otherwise. "Current locale" is whatever Flask-Babel says: the page's
language in a request, the recipient's inside `force_locale(...)` (mail, invites, reminders,
personal feeds), the URL's `?lang=` for the public feed. Outside any app context: English.
"""
from __future__ import annotations

from flask_babel import get_locale

LANGUAGES = ("en", "zh")


def reader_language() -> str:
    """'zh' when the current locale is Chinese, 'en' otherwise (and outside a request)."""
    try:
        locale = get_locale()
    except RuntimeError:  # no app context: no locale to honour
        return "en"
    return "zh" if locale is not None and locale.language == "zh" else "en"


def localized(en: str | None, zh: str | None, language: str | None = None) -> str:
    """The reader's form of a text typed in two languages, falling back to the other one
    when the reader's is empty. `language` ('en'/'zh') overrides the current locale."""
    if (language or reader_language()) == "zh":
        return zh or en or ""
    return en or zh or ""
