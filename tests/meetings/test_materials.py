"""Materials through the domain: what is accepted (by content, not by name), what is refused
with a message and nothing written, versions, the library, and visibility per file."""
from __future__ import annotations

import io
import os
import zipfile

import pytest
from sqlalchemy import select

from extensions import db
from liaison.core.errors import NotAllowed, ValidationFailed
from liaison.events.models import Classification
from liaison.meetings import access, materials
from liaison.meetings.models import Material, MaterialVersion, MaterialVisibility

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
       b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18"
       b"\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def docx() -> bytes:
    """A minimal Word document (the parts `filetype` looks for)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture
def store(app, tmp_path):
    app.config["MATERIALS_DIR"] = str(tmp_path / "materials")
    return tmp_path / "materials"


def files_in(folder) -> list[str]:
    return [os.path.join(d, f) for d, _s, names in os.walk(folder) for f in names]


def upload(cast, name, data, **kw):
    return materials.add_to_event(cast.meeting, filename=name, stream=io.BytesIO(data),
                                  by=cast.organizer, **kw)


@pytest.mark.parametrize("name,data,mime", [
    ("slides.pdf", PDF, "application/pdf"),
    ("seal.png", PNG, "image/png"),
    ("guide.docx", docx(), "application/vnd.openxmlformats-officedocument."
                           "wordprocessingml.document"),
    ("notes.txt", "海关 notes\n".encode(), "text/plain"),
    ("notes", b"plain words\n", "text/plain"),
])
def test_documents_are_recognised_by_their_content(cast, store, name, data, mime):
    material = upload(cast, name, data)
    db.session.commit()
    version = material.current
    assert version.content_type == mime and version.size == len(data)
    assert materials.path_for(version.sha256).read_bytes() == data
    assert version.filename == (name if "." in name else name + ".txt")


REFUSED = [
    ("a renamed executable", "slides.pdf", open("/bin/true", "rb").read(), "Programs"),
    ("a Windows program renamed", "report.pdf", PE, "Programs"),
    ("an HTML file named .pdf", "invoice.pdf", HTML, "HTML"),
    ("a script named .txt", "notes.txt", b"#!/bin/sh\nrm -rf /\n", "Scripts"),
    ("a path in the name", "../../etc/passwd.txt", b"text\n", "/"),
    ("a Windows path", "C:\\temp\\a.pdf", PDF, "\\"),
    ("control characters", "slides\r\n.pdf", PDF, "control characters"),
    ("a NUL in the name", "slides\x00.pdf", PDF, "control characters"),
    ("a PNG called .pdf", "slides.pdf", PNG, "image/png"),
    ("an empty file", "empty.pdf", b"", "empty"),
    ("a zip named .docx", "guide.docx", b"PK\x03\x04" + b"\x00" * 40, "not accepted"),
    ("binary junk", "data.txt", b"\xff\xfe\x00\x01" * 10, "not a document"),
]


@pytest.mark.parametrize("why,name,data,says", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_uploads_say_why_and_write_nothing(cast, store, why, name, data, says):
    with pytest.raises(ValidationFailed) as raised:
        upload(cast, name, data)
    assert says in raised.value.fields["file"], raised.value.fields
    db.session.rollback()
    assert db.session.scalar(select(Material.id)) is None
    assert files_in(store) == []


def test_a_file_over_the_limit_is_refused(app, cast, store):
    app.config["MATERIAL_MAX_BYTES"] = 1024
    with pytest.raises(ValidationFailed) as raised:
        upload(cast, "big.pdf", PDF + b"0" * 1024)
    assert "the limit is" in raised.value.fields["file"]
    assert files_in(store) == []
    upload(cast, "small.pdf", PDF)  # at the limit or below: fine


def test_new_versions_keep_the_old_ones(cast, store):
    material = upload(cast, "guide.pdf", PDF, title="ID guide", title_zh="鉴别指南")
    materials.add_version(material, filename="guide-v2.pdf", stream=io.BytesIO(PDF + b"%v2\n"),
                          by=cast.customs_organizer)
    db.session.commit()
    assert [v.number for v in material.versions] == [1, 2]
    assert material.current.filename == "guide-v2.pdf"
    assert all(materials.path_for(v.sha256).exists() for v in material.versions)
    with pytest.raises(NotAllowed):
        materials.add_version(material, filename="x.pdf", stream=io.BytesIO(PDF),
                              by=cast.officer)


def test_visibility_is_never_wider_than_the_classification(cast, store):
    cast.meeting.classification = Classification.participants
    with pytest.raises(ValidationFailed) as raised:
        upload(cast, "open.pdf", PDF, visibility="public")
    assert "registrants at most" in raised.value.fields["visibility"]
    db.session.rollback()
    assert files_in(store) == []
    material = upload(cast, "ok.pdf", PDF, visibility="attendees")
    assert access.effective_visibility(material, cast.meeting) == MaterialVisibility.attendees
    # A public file on a public meeting, narrowed at once when the meeting is classified.
    cast.meeting.classification = Classification.public
    shared = upload(cast, "shared.pdf", PDF, visibility="public")
    cast.meeting.classification = Classification.restricted
    assert access.effective_visibility(shared, cast.meeting) == MaterialVisibility.registrants


def test_a_library_file_is_reused_on_an_event_and_stored_once(cast, store, make_user):
    from liaison.accounts.models import Role

    brand_organizer = make_user("org@brand.test", Role.organizer, cast.brand)
    cast.meeting.organizers.append(brand_organizer)
    guide = materials.add_to_library(cast.brand.id, filename="id-guide.pdf",
                                     stream=io.BytesIO(PDF), by=brand_organizer)
    with pytest.raises(NotAllowed):  # a participant of the brand does not manage its library
        materials.add_to_library(cast.brand.id, filename="x.pdf", stream=io.BytesIO(PDF),
                                 by=cast.brand_person)
    on_event = materials.reuse(guide, cast.meeting, by=brand_organizer, visibility="attendees")
    db.session.commit()
    assert on_event.source_id == guide.id and on_event.event_id == cast.meeting.id
    assert on_event.current.sha256 == guide.current.sha256
    assert len(files_in(store)) == 1
    versions = db.session.scalars(select(MaterialVersion)).all()
    assert len(versions) == 2


def test_downloads_are_counted(cast, store):
    material = upload(cast, "guide.pdf", PDF)
    db.session.commit()
    for _ in range(3):
        materials.count_download(material.current)
    db.session.commit()
    db.session.expire_all()
    assert material.current.download_count == 3
