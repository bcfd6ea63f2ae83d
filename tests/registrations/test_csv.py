"""The attendee CSV: Excel-friendly UTF-8 with BOM, Chinese names intact, no formula injection."""
from __future__ import annotations

import csv
import io

import pytest

from blueprints.registration.export import safe_cell
from extensions import db
from liaison.registration import registrations as regs


@pytest.fixture(autouse=True)
def _quiet(news):
    return news


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Li Wei", "Li Wei"),
        ("a=b", "a=b"),
        (None, ""),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_export_has_bom_chinese_names_and_neutralized_cells(
    client, login, make_event, participant, make_org
):
    event = make_event(capacity=1)
    org = make_org(name="=cmd|' /C calc'!A0", name_zh=None)
    zh = participant(display_name="李伟")
    evil = participant(org=org, display_name="@SUM(1+1)")
    regs.register(event, zh)
    regs.register(event, evil)
    db.session.commit()
    login(event.organizers[0])
    response = client.get(f"/events/{event.id}/registrations.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Name", "Email", "Organization", "Status"]
    assert rows[0][4].startswith("Registered at") and rows[0][5].startswith("Checked in at")
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email[zh.email][0] == "李伟"
    assert by_email[zh.email][3] == "Confirmed"
    assert by_email[evil.email][0] == "'@SUM(1+1)"
    assert by_email[evil.email][2] == "'=cmd|' /C calc'!A0"
    assert by_email[evil.email][3] == "On the waiting list"
    for row in rows[1:]:
        assert not row[0].startswith(("=", "+", "-", "@"))
