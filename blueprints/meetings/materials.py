"""Materials over HTTP: upload pages (a new file on an event, a new version, a library file,
a library file reused on an event), the organization's library, and the download through the
access check, always as an attachment with `nosniff`.

Uploads may be larger than other requests: the request-size limit of these endpoints (and of
the API's upload) is MATERIAL_MAX_BYTES plus room for the form, set before anything reads the
body (a URL-value preprocessor runs before CSRF protection parses the form). A body over it is
refused with 413 and its message before a byte is parsed.
"""
from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import RequestEntityTooLarge

from blueprints.events.manage import event_to_manage
from blueprints.meetings.views import bp, viewer
from extensions import db
from liaison.accounts.models import Organization
from liaison.core.database import MAX_ID
from liaison.core.errors import DomainError, ValidationFailed
from liaison.events.models import Event
from liaison.events.queries import visible_events
from liaison.meetings import access, materials
from liaison.meetings.models import Material, MaterialVersion, MaterialVisibility

FORM_ROOM = 1024 * 1024  # the form's other fields and the multipart framing
UPLOAD_ENDPOINTS = {
    "meetings.upload", "meetings.upload_version", "meetings.library",
    "api.upload_event_material",
}


def upload_limit() -> int:
    return materials.max_bytes() + FORM_ROOM


@bp.app_url_value_preprocessor
def _larger_uploads(endpoint, _values) -> None:
    """Upload endpoints accept MATERIAL_MAX_BYTES (the app's limit stays for the rest)."""
    if endpoint in UPLOAD_ENDPOINTS and request.method == "POST":
        request.max_content_length = upload_limit()
        if (request.content_length or 0) > upload_limit():
            raise RequestEntityTooLarge(_(
                "The file is larger than the %(n)d MB limit. Compress it or split it.",
                n=materials.max_bytes() // materials.MIB))


def _visibilities(event: Event) -> list[MaterialVisibility]:
    cap = access.widest_visibility(event)
    return [v for v in MaterialVisibility if v.rank >= cap.rank]


def _render_upload(event, material=None, library_org=None, errors=None, values=None,
                   status=200):
    library = []
    org_id = current_user.organization_id
    if event is not None and material is None and access.may_manage_library(current_user, org_id):
        library = list(db.session.scalars(
            select(Material).where(Material.organization_id == org_id)
            .order_by(Material.title).options(selectinload(Material.versions))))
    return render_template(
        "meetings/upload.html", event=event, material=material, library_org=library_org,
        library=library, visibilities=_visibilities(event) if event is not None else [],
        errors=errors or {}, values=values or {}, max_mb=materials.max_bytes() // materials.MIB,
    ), status


def _file():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, None
    return upload.filename, upload.stream


def _attempt(event, action, done_url, **render):
    """Run one upload; on refusal show the form again with the messages next to the fields."""
    values = {k: request.form.get(k, "") for k in ("title", "title_zh", "visibility")}
    try:
        action()
    except ValidationFailed as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render_upload(event, errors=error.fields, values=values, status=422, **render)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(done_url)
    db.session.commit()
    flash(_("File uploaded."), "success")
    return redirect(done_url)


@bp.route("/events/<int:event_id>/materials", methods=["GET", "POST"])
@login_required
def upload(event_id: int):
    """A new file on the event, or (`reuse`) a file from the organization's library."""
    event = event_to_manage(event_id)
    if request.method == "GET":
        return _render_upload(event)
    done = url_for("events.detail", event_id=event.id) + "#materials"
    if request.form.get("reuse"):
        wanted = request.form.get("reuse", type=int) or 0
        source = db.session.get(Material, wanted) if 1 <= wanted <= MAX_ID else None
        if source is None:
            abort(404)
        return _attempt(event, lambda: materials.reuse(
            source, event, by=current_user, visibility=request.form.get("visibility")), done)
    filename, stream = _file()
    return _attempt(event, lambda: materials.add_to_event(
        event, filename=filename, stream=stream, by=current_user,
        title=request.form.get("title"), title_zh=request.form.get("title_zh"),
        visibility=request.form.get("visibility")), done)


@bp.route("/materials/<int:material_id>/versions", methods=["GET", "POST"])
@login_required
def upload_version(material_id: int):
    material = db.get_or_404(Material, material_id)
    if material.event_id is not None:
        event_to_manage(material.event_id)
        done = url_for("events.detail", event_id=material.event_id) + "#materials"
    elif access.may_manage_library(current_user, material.organization_id):
        done = url_for("meetings.library")
    else:
        abort(404)
    if request.method == "GET":
        return _render_upload(None, material=material)
    filename, stream = _file()
    return _attempt(None, lambda: materials.add_version(
        material, filename=filename, stream=stream, by=current_user), done, material=material)


@bp.route("/library", methods=["GET", "POST"])
@login_required
def library():
    """The files of the viewer's organization, for its people to reuse on their events."""
    org = db.session.get(Organization, current_user.organization_id)
    if not access.library_member(current_user, org.id):
        abort(403)
    if request.method == "POST":
        if not access.may_manage_library(current_user, org.id):
            abort(403)
        filename, stream = _file()
        return _attempt(None, lambda: materials.add_to_library(
            org.id, filename=filename, stream=stream, by=current_user,
            title=request.form.get("title"), title_zh=request.form.get("title_zh")),
            url_for("meetings.library"), library_org=org)
    items = db.session.scalars(
        select(Material).where(Material.organization_id == org.id).order_by(Material.title)
        .options(selectinload(Material.versions))
    ).all()
    return render_template("meetings/library.html", organization=org, items=items,
                           manages=access.may_manage_library(current_user, org.id),
                           max_mb=materials.max_bytes() // materials.MIB)


def _version_of(material: Material) -> MaterialVersion:
    wanted = request.args.get("version", type=int)
    if wanted is None:
        return material.current
    version = next((v for v in material.versions if v.number == wanted), None)
    if version is None:
        abort(404)
    return version


def downloadable(material_id: int) -> Material:
    """The material if the viewer may download it; visitors are sent to log in, others get a
    404 whether it exists or not."""
    material = db.session.get(Material, material_id)
    allowed = False
    if material is not None and material.event_id is not None:
        event = db.session.scalar(
            visible_events(viewer(), direct=True).where(Event.id == material.event_id))
        allowed = event is not None and access.may_download(
            material, event, access.standing(event, viewer()))
    elif material is not None:
        allowed = access.library_member(viewer(), material.organization_id)
    if not allowed:
        if not current_user.is_authenticated:
            abort(redirect(url_for("auth.login", next=request.full_path.rstrip("?"))))
        abort(404)
    return material


@bp.get("/materials/<int:material_id>/download")
def download(material_id: int):
    """The file, as an attachment, never rendered by the browser; counted for its owners."""
    material = downloadable(material_id)
    version = _version_of(material)
    path = materials.path_for(version.sha256)
    if not path.is_file():
        current_app.logger.error("material file missing: %s (version %s)", path, version.id)
        abort(404)
    materials.count_download(version)
    db.session.commit()
    response = send_file(path, mimetype=version.content_type, as_attachment=True,
                         download_name=version.filename, conditional=False, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
