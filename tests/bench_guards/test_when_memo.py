"""`format_when` remembers what it formatted (liaison/core/when.py) and answers exactly as the
formatting itself: per language, per zone, per format, spans and instants alike."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale

from liaison.core import when

START = datetime(2026, 10, 31, 13, 4, tzinfo=UTC)


def _uncached(*args) -> str:
    return when._format_when.__wrapped__(*args)


def test_the_memo_answers_as_the_formatting_in_each_language(app):
    cases = [
        (START, "Asia/Shanghai", "datetime", None, True),
        (START, "Europe/Berlin", "weekday", START + timedelta(hours=3), True),
        (START, "Europe/Berlin", "datetime", START + timedelta(days=1), False),
        (START, "America/New_York", "time", None, True),
        (START, None, "date", None, True),
        (date(2026, 10, 31), "UTC", "long", None, True),
    ]
    with app.test_request_context("/"):
        seen = {}
        for language in ("en", "zh_Hans", "en", "zh_Hans"):
            with force_locale(language):
                for value, zone, fmt, end, with_zone in cases:
                    got = when.format_when(value, zone, fmt, end=end, with_zone=with_zone)
                    tz = when.as_zone(zone)
                    expected = _uncached(value, tz, fmt, end, with_zone, language)
                    assert got == expected
                    seen.setdefault(language, []).append(got)
        assert seen["en"][0] == "Oct 31, 2026, 21:04 Beijing time (UTC+8)"
        assert seen["zh_Hans"][0].startswith("2026年10月31日 21:04 北京时间")
        # The same instant in another zone is another text, not the remembered one.
        assert when.format_when(START, ZoneInfo("Europe/Berlin")) != seen["en"][0]
