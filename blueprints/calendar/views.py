"""Calendar data over HTTP: one event's .ics, the public feed and the personal feeds.

The feeds never touch the session or `current_user` (a calendar program has no cookie, and
reading the session would add `Vary: Cookie`), answer in a language fixed by the URL (the
public feed's `lang`, the personal feed owner's preference), and send a strong
ETag plus Last-Modified, so pollers get 304s until something changes. A feed's ETag is the
fingerprint of everything its body is made from (liaison.calendar.feedcontent), remembered
under the content generation token (liaison.calendar.serve): while no tracked table is
written, a 304 or a stored body reads no event row; a rebuild builds only the events that
changed. Bodies are stored plain and gzipped; a client that takes gzip gets the gzipped one
(`Content-Encoding: gzip`, `Vary: Accept-Encoding`, its ETag suffixed "-gz").
Errors on feed URLs are short plain text: no page with links for a secret URL to leak through.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from blueprints.calendar import stateless
from blueprints.calendar.links import event_links
from blueprints.core.i18n import CATALOGS
from blueprints.core.redirects import safe_next
from extensions import db, limiter
from liaison.calendar import feedtokens, ical, serve
from liaison.calendar.feedcache import Stored
from liaison.core.errors import DomainError
from liaison.core.types import utcnow
from liaison.events import classification
from liaison.events.lifecycle import can_manage
from liaison.events.models import Event
from liaison.events.pagecache import current_token
from liaison.events.queries import visible_events
from liaison.registration import registrations
from liaison.registration.models import RegistrationStatus

bp = Blueprint("calendar", __name__)
bp.record_once(lambda state: stateless.install(state.app))

PUBLIC_CACHE = "public, max-age=300"
PRIVATE_CACHE = "private, no-cache"  # SPEC: revalidate with the ETag every time
GUESS_LIMIT = "30 per minute"


def _not_modified(etag: str, last_modified) -> bool:
    """If-None-Match decides when sent; If-Modified-Since only counts without it."""
    if request.method not in ("GET", "HEAD"):
        return False
    if "If-None-Match" in request.headers:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return bool(since and last_modified and last_modified.replace(microsecond=0) <= since)


@bp.before_request
def feeds_are_stateless():
    if request.endpoint in ("calendar.public_feed", "calendar.personal_feed"):
        stateless.mark_stateless()


def _plain(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def _grace_days() -> int:
    return int(current_app.config.get("FEED_CANCELLED_GRACE_DAYS", 30))


def _base_url() -> str:
    return current_app.config["BASE_URL"]


@bp.get("/events/<int:event_id>.ics")
def download(event_id: int):
    """One event, visible on the same terms as its page; the viewer's own link if they may.
    Kept per event, reader and language under the content generation token
    (`serve.remembered_download`): a repeated or conditional request reads no event row."""
    viewer = current_user if current_user.is_authenticated else None
    identity = ("event", event_id, viewer.id if viewer else None, str(get_locale()),
                _base_url())
    token = current_token()  # first: the rows read after it are at least as new
    found = serve.remembered_download(identity, token)
    if found is None:
        built = _download_body(event_id, viewer)
        if built is None:
            return _plain(_("No such event."), 404)
        found = serve.remember_download(identity, token, *built)
    return _stored_response(
        found.stored, etag=found.etag, cache_control="private, no-cache",
        filename=f"event-{event_id}.ics", attachment=True,
    )


def _download_body(event_id: int, viewer):
    """(body, Last-Modified) of the event's .ics for `viewer`, or None when they may not
    see it."""
    event = db.session.scalar(visible_events(viewer, direct=True).where(Event.id == event_id))
    if event is None:
        return None
    status, online, changed = None, set(), event.updated_at
    manages = can_manage(event, viewer)
    if viewer is not None:
        registration = registrations.registration_for(event, viewer)
        if registration is not None:
            status, changed = registration.status, max(changed, registration.updated_at)
        if manages or status == RegistrationStatus.confirmed:
            online = {event.id}
    readable = classification.shows_content(
        event, manages=manages, registrant=bool(status and status.is_active)
    )
    body = ical.build_calendar(
        [event],
        base_url=_base_url(),
        viewer_statuses={event.id: status} if status and status.is_active else None,
        show_online_for=online if not event.is_cancelled else (),
        content_for={event.id} if readable else (),
        refresh=False,
    )
    return body, changed


@bp.get("/calendar/public.ics")
def public_feed():
    """The public feed, in English unless `lang=zh` asks for Simplified Chinese (a calendar
    program sends no language of its own, so the choice is part of the URL)."""
    lang = request.args.get("lang") or "en"
    if lang not in CATALOGS:
        return _plain("Unknown language: use lang=en or lang=zh.", 400)
    with force_locale(CATALOGS[lang]):
        source = serve.PublicFeed(request.args, now=utcnow(), grace_days=_grace_days(),
                                  base_url=_base_url())
        try:
            return _feed_response(source, PUBLIC_CACHE)
        except DomainError as error:
            return _plain(error.message, 400)


GZIP_SUFFIX = "-gz"


def _wants_gzip() -> bool:
    """The client takes gzip (q=0 refuses it; `*` accepts it)."""
    return request.accept_encodings["gzip"] > 0


def _not_modified_version(source: serve.FeedSource, now_at: serve.Current):
    """(Is the client's copy current?, the version with what was needed to tell.)
    If-None-Match decides when sent, naming this version in either encoding (its content is
    the same); If-Modified-Since only counts without it, against the stored Last-Modified."""
    if request.method not in ("GET", "HEAD"):
        return False, now_at
    if "If-None-Match" in request.headers:
        tags = request.if_none_match
        return tags.contains_weak(now_at.etag) or tags.contains_weak(
            now_at.etag + GZIP_SUFFIX), now_at
    since = request.if_modified_since
    if since is None:
        return False, now_at
    now_at = serve.with_last_modified(source, now_at)
    changed = now_at.version.last_modified
    return bool(changed and changed.replace(microsecond=0) <= since), now_at


def _feed_response(source: serve.FeedSource, cache_control: str) -> Response:
    """Answer a feed from its version (liaison.calendar.serve): a matching If-None-Match gets
    its 304 before any event row is read when the version is remembered; otherwise the stored
    body (gzipped when the client takes it), else one built from the entries, stored."""
    now_at = serve.current(source, now=utcnow())
    unchanged, now_at = _not_modified_version(source, now_at)
    if unchanged:
        now_at = serve.with_last_modified(source, now_at)
        stored = None
    else:
        now_at, stored = serve.body(source, now_at)
    return _stored_response(
        stored, etag=now_at.etag, last_modified=now_at.version.last_modified,
        cache_control=cache_control, filename="liaison.ics",
    )


def _stored_response(
    stored: Stored | None, *, etag: str, cache_control: str, filename: str,
    attachment: bool = False, last_modified=None,
) -> Response:
    """A stored calendar body, gzipped when the client takes it (`Vary: Accept-Encoding`;
    the ETag names the encoding), or a 304 when the client's copy is current (always for a
    None `stored`: the caller already knows it matches)."""
    gz = _wants_gzip()
    if last_modified is None and stored is not None:
        last_modified = stored.last_modified
    if stored is None or _not_modified_either(etag, last_modified):
        response = Response(status=304)
    else:
        response = Response(stored.gzip if gz else stored.body, mimetype="text/calendar")
        if gz:
            response.headers["Content-Encoding"] = "gzip"
        disposition = "attachment" if attachment else "inline"
        response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.set_etag(etag + (GZIP_SUFFIX if gz else ""))
    if last_modified is not None:
        response.last_modified = last_modified
    response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = cache_control
    return response


def _not_modified_either(etag: str, last_modified) -> bool:
    """`_not_modified` for a body served plain or gzipped (the same content)."""
    return _not_modified(etag, last_modified) or (
        "If-None-Match" in request.headers and _not_modified(etag + GZIP_SUFFIX, None)
    )


def _feed_owner():
    """The owner of the token in the URL, looked up once per request (the rate limiter asks
    first, the view next)."""
    key = "liaison.feed_owner"
    if key not in request.environ:
        token = (request.view_args or {}).get("token", "")
        request.environ[key] = feedtokens.user_for_calendar_token(token)
    return request.environ[key]


@bp.get("/calendar/<token>.ics")
@limiter.limit(
    GUESS_LIMIT,
    key_func=get_remote_address,
    # Only unknown tokens count: one office behind one address must not lock its own feeds.
    exempt_when=lambda: _feed_owner() is not None,
)
def personal_feed(token: str):
    user = _feed_owner()
    if user is None:
        return _plain("Not found.", 404)
    with force_locale(CATALOGS.get(user.language, "en")):
        source = serve.PersonalFeed(user, now=utcnow(), grace_days=_grace_days(),
                                    base_url=_base_url())
        response = _feed_response(source, PRIVATE_CACHE)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.post("/account/calendar-token/rotate")
@login_required
def rotate_token():
    """A new personal feed address; the old one answers 404 from now on."""
    feedtokens.rotate_calendar_token(current_user._get_current_object())
    db.session.commit()
    flash(
        _("Your calendar feed has a new address. Subscribe again with it: the old one no "
          "longer works."),
        "success",
    )
    return redirect(safe_next(request.form.get("next")) or url_for("account.profile"))


class FeedAddresses:
    """The personal feed as https, webcal:// and Google "subscribe" links."""

    def __init__(self, https: str):
        self.https = https
        self.webcal = feedtokens.webcal_url(https)
        self.google = feedtokens.google_subscribe_url(https)


def calendar_feed(user) -> FeedAddresses:
    """Jinja global for the account page. The first time (or after a SECRET_KEY change) the
    token's hash is stored and committed here, so the address shown works at once."""
    before = user.calendar_token_hash
    url = feedtokens.calendar_url(user, _base_url())
    if user.calendar_token_hash != before:
        db.session.commit()
    return FeedAddresses(url)


@bp.app_context_processor
def calendar_helpers():
    return {"calendar_links": event_links, "calendar_feed": calendar_feed}
