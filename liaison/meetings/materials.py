"""Materials: files on events and in organizations' libraries, checked before anything is kept.

An upload is checked whole before a byte is stored (`check_upload`): a file name without path
separators or control characters; a size within MATERIAL_MAX_BYTES (25 MiB by default); a
type recognised from the content, not the name (`filetype` 1.2.0: PDF, PNG, JPEG and Office
OOXML; plain text by a strict UTF-8 check, refusing markup and scripts); a name whose
extension fits that type (a PNG called slides.pdf is refused). Refused files leave nothing
behind. Accepted bytes go to MATERIALS_DIR (default: the instance folder's `materials/`;
outside `static/` and outside the database) under their SHA-256, so a library file reused on
an event is stored once and no stored name ever comes from a user. A version added to a
material keeps the earlier ones. A file whose transaction is rolled back after storing stays
as an unreferenced blob; the same content uploaded again reuses it.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update

from extensions import db
from liaison.core.errors import NotAllowed, ValidationFailed
from liaison.events.lifecycle import can_manage
from liaison.events.models import Event
from liaison.meetings.access import may_manage_library, widest_visibility
from liaison.meetings.models import (
    TITLE_MAX,
    Material,
    MaterialDownloads,
    MaterialVersion,
    MaterialVisibility,
)

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 25 * MIB
HEAD = 8192
CHUNK = 64 * 1024

OOXML = "application/vnd.openxmlformats-officedocument."
# Content type (as filetype names it) -> the extensions a file of that type may carry.
ALLOWED = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    OOXML + "wordprocessingml.document": (".docx",),
    OOXML + "spreadsheetml.sheet": (".xlsx",),
    OOXML + "presentationml.presentation": (".pptx",),
    "text/plain": (".txt", ".md", ".csv"),
}
PROGRAMS = {"application/x-executable", "application/x-msdownload", "application/x-mach-binary",
            "application/x-deb", "application/x-rpm", "application/wasm",
            "application/x-shockwave-flash", "application/java-archive"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Checked:
    """An upload that passed every check: its clean name, type, size and SHA-256."""

    filename: str
    content_type: str
    size: int
    sha256: str


def max_bytes() -> int:
    return int(current_app.config.get("MATERIAL_MAX_BYTES") or DEFAULT_MAX_BYTES)


def storage_dir() -> Path:
    configured = current_app.config.get("MATERIALS_DIR")
    return Path(configured or os.path.join(current_app.instance_path, "materials"))


def _refuse(message: str):
    raise ValidationFailed(message, fields={"file": message})


def _check_name(filename: str | None) -> str:
    name = (filename or "").strip()
    if not name:
        _refuse(_("Choose a file to upload."))
    if "/" in name or "\\" in name:
        _refuse(_("The file name must not contain “/” or “\\”: rename the file and upload it "
                  "again."))
    if _CONTROL.search(name):
        _refuse(_("The file name contains control characters: rename the file and upload it "
                  "again."))
    if name in (".", "..") or name.startswith(".") or len(name) > TITLE_MAX:
        _refuse(_("Give the file a plain name of at most %(n)d characters, not starting with "
                  "a dot.", n=TITLE_MAX))
    return name


def _size(stream: BinaryIO) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _sniff_text(stream: BinaryIO) -> str | None:
    """Why a file that is no known binary type is not acceptable plain text, or None."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    first = True
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError:
            return _("This file is not a document we accept (PDF, PNG, JPEG, Word, Excel, "
                     "PowerPoint or plain UTF-8 text).")
        if first:
            head = text.lstrip("\ufeff \t\r\n")
            if head.startswith("<"):
                return _("HTML and other markup files are not accepted: save it as PDF.")
            if head.startswith("#!"):
                return _("Scripts and programs are not accepted.")
            first = not head
        if _TEXT_CONTROL.search(text):
            return _("This file is not a document we accept (PDF, PNG, JPEG, Word, Excel, "
                     "PowerPoint or plain UTF-8 text).")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return _("This file is not plain UTF-8 text.")
    return None


def check_upload(filename: str | None, stream: BinaryIO) -> Checked:
    """Every check on an upload, reading it from `stream` (seekable) and writing nothing;
    ValidationFailed on the `file` field says what is wrong and what to do."""
    name = _check_name(filename)
    size, limit = _size(stream), max_bytes()
    if size == 0:
        _refuse(_("The file is empty."))
    if size > limit:
        _refuse(_("The file is %(size).1f MB; the limit is %(limit).0f MB. Compress it or "
                  "split it.", size=size / MIB, limit=limit / MIB))
    kind = filetype.guess(stream.read(HEAD))
    if kind is not None:
        if kind.mime in PROGRAMS:
            _refuse(_("Programs are not accepted, whatever their name."))
        if kind.mime not in ALLOWED:
            _refuse(_("Files of this type (%(type)s) are not accepted: upload a PDF, PNG, JPEG, "
                      "Word, Excel, PowerPoint or plain text file.", type=kind.mime))
        mime = kind.mime
    else:
        problem = _sniff_text(stream)
        if problem:
            _refuse(problem)
        mime = "text/plain"
    stem, ext = os.path.splitext(name)
    if not ext:
        name = name + ALLOWED[mime][0]
    elif ext.lower() not in ALLOWED[mime]:
        _refuse(_("The file's content is %(type)s, but its name ends in %(ext)s: check you "
                  "chose the right file, or rename it to %(right)s.",
                  type=mime, ext=ext, right=stem + ALLOWED[mime][0]))
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    stream.seek(0)
    return Checked(filename=name, content_type=mime, size=size, sha256=digest.hexdigest())


def path_for(sha256: str) -> Path:
    """Where the bytes with this SHA-256 live (only hex digits ever reach the file system)."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("not a SHA-256")
    return storage_dir() / sha256[:2] / sha256


def _store(stream: BinaryIO, checked: Checked) -> None:
    """The checked bytes, written atomically (a temporary file renamed into place)."""
    target = path_for(checked.sha256)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            stream.seek(0)
            while chunk := stream.read(CHUNK):
                out.write(chunk)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _visibility(event: Event | None, value) -> MaterialVisibility:
    try:
        visibility = MaterialVisibility(value or MaterialVisibility.registrants)
    except ValueError:
        raise ValidationFailed(_("Choose who may download the file."), fields={
            "visibility": _("Choose who may download the file.")}) from None
    if event is not None and visibility.rank < widest_visibility(event).rank:
        message = _("This meeting is “%(level)s”: its files can be shared with its "
                    "registrants at most.", level=event.classification.label)
        raise ValidationFailed(message, fields={"visibility": message})
    return visibility


def _titles(title: str | None, title_zh: str | None, filename: str) -> tuple[str, str | None]:
    title = " ".join((title or "").split()) or os.path.splitext(filename)[0]
    title_zh = " ".join((title_zh or "").split()) or None
    if len(title) > TITLE_MAX or (title_zh and len(title_zh) > TITLE_MAX):
        message = _("At most %(n)d characters.", n=TITLE_MAX)
        raise ValidationFailed(message, fields={"title": message})
    return title, title_zh


def _version(material: Material, checked: Checked, stream: BinaryIO, by) -> MaterialVersion:
    number = material.versions[-1].number + 1 if material.versions else 1
    version = MaterialVersion(
        number=number, filename=checked.filename, content_type=checked.content_type,
        size=checked.size, sha256=checked.sha256, uploaded_by_id=by.id,
        downloads=MaterialDownloads(count=0),
    )
    material.versions.append(version)
    db.session.flush()
    _store(stream, checked)
    return version


def add_to_event(event: Event, *, filename, stream, by, title=None, title_zh=None,
                 visibility=None) -> Material:
    """A new material on an event: its organizers only; never wider than the classification
    allows."""
    if not can_manage(event, by):
        raise NotAllowed(_("Only the organizers of this meeting can add files to it."))
    chosen = _visibility(event, visibility)
    checked = check_upload(filename, stream)
    title, title_zh = _titles(title, title_zh, checked.filename)
    material = Material(event_id=event.id, title=title, title_zh=title_zh, visibility=chosen,
                        created_by_id=by.id)
    db.session.add(material)
    _version(material, checked, stream, by)
    return material


def add_to_library(organization_id: int, *, filename, stream, by, title=None,
                   title_zh=None) -> Material:
    """A new material in an organization's library, for its people to reuse."""
    if not may_manage_library(by, organization_id):
        raise NotAllowed(_("Only the organizers of this organization can add to its library."))
    checked = check_upload(filename, stream)
    title, title_zh = _titles(title, title_zh, checked.filename)
    material = Material(organization_id=organization_id, title=title, title_zh=title_zh,
                        visibility=MaterialVisibility.organizers, created_by_id=by.id)
    db.session.add(material)
    _version(material, checked, stream, by)
    return material


def add_version(material: Material, *, filename, stream, by) -> MaterialVersion:
    """A new file for an existing material; the earlier versions stay downloadable."""
    if material.event is not None:
        allowed = can_manage(material.event, by)
    else:
        allowed = may_manage_library(by, material.organization_id)
    if not allowed:
        raise NotAllowed(_("Only the people who manage this file can add a version."))
    checked = check_upload(filename, stream)
    return _version(material, checked, stream, by)


def reuse(library_item: Material, event: Event, *, by, visibility=None) -> Material:
    """Put a library file on an event (a copy of its newest version; the bytes are shared)."""
    if library_item.organization_id is None:
        raise ValidationFailed(_("Choose a file from your organization's library."),
                               fields={"material": _("Not a library file.")})
    if not can_manage(event, by) or not may_manage_library(by, library_item.organization_id):
        raise NotAllowed(_("Only organizers of both the meeting and the library's organization "
                           "can do this."))
    chosen = _visibility(event, visibility)
    source = library_item.current
    material = Material(event_id=event.id, title=library_item.title,
                        title_zh=library_item.title_zh, visibility=chosen, created_by_id=by.id,
                        source_id=library_item.id)
    material.versions.append(MaterialVersion(
        number=1, filename=source.filename, content_type=source.content_type, size=source.size,
        sha256=source.sha256, uploaded_by_id=by.id, downloads=MaterialDownloads(count=0)))
    db.session.add(material)
    db.session.flush()
    return material


def count_download(version: MaterialVersion) -> None:
    """One more download, counted in SQL (concurrent downloads all count)."""
    db.session.execute(
        update(MaterialDownloads).where(MaterialDownloads.version_id == version.id)
        .values(count=MaterialDownloads.count + 1)
        .execution_options(synchronize_session=False)
    )
