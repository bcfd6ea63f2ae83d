"""Administrators' topic vocabulary: the list, proposals to review, add, rename, accept, merge."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from blueprints.core import params
from blueprints.core.forms import apply_errors
from blueprints.events.forms import MergeTopicForm, TopicForm
from blueprints.events.views import bp
from extensions import db
from liaison.core.errors import DomainError
from liaison.events import topics
from liaison.events.models import Topic, TopicStatus

TABS = {"vocabulary": TopicStatus.accepted, "proposed": TopicStatus.proposed}


def _admin() -> None:
    if not current_user.is_admin:
        abort(403)


def _topic(slug: str) -> Topic:
    topic = db.get_or_404(Topic, slug)
    if topic.status == TopicStatus.merged:
        abort(404)
    return topic


@bp.get("/admin/topics")
@login_required
def topic_list():
    """The vocabulary or the proposals, alphabetical, with how many events use each."""
    _admin()
    tab = request.args.get("tab") if request.args.get("tab") in TABS else "vocabulary"
    stmt = (
        select(Topic)
        .where(Topic.status == TABS[tab])
        .options(selectinload(Topic.names), selectinload(Topic.proposed_by))
        .order_by(Topic.label_en, Topic.slug)
    )
    page = params.paginate(stmt, keep=("tab",), error_out=False)
    proposed = db.session.scalar(
        select(db.func.count()).select_from(Topic).where(Topic.status == TopicStatus.proposed)
    )
    return render_template(
        "events/topics.html", page=page, tab=tab, proposed_count=proposed,
        usage=topics.usage_counts(t.slug for t in page.items),
    )


@bp.route("/admin/topics/new", methods=["GET", "POST"])
@login_required
def new_topic():
    _admin()
    form = TopicForm()
    if form.validate_on_submit():
        try:
            topic = topics.add_topic(form.label_en.data, form.label_zh.data, form.alias_list(),
                                     by=current_user)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.fields)
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Topic “%(label)s” added.", label=topic.label), "success")
            return redirect(url_for("events.topic_list"))
    return render_template("events/topic_form.html", form=form, topic=None)


@bp.route("/admin/topics/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_topic(slug: str):
    """Rename a topic (the slug stays), or accept a proposed one with its labels."""
    _admin()
    topic = _topic(slug)
    form = TopicForm(obj=topic if request.method == "GET" else None)
    if request.method == "GET":
        form.aliases.data = "\n".join(topic.aliases)
    if form.validate_on_submit():
        proposed = topic.is_proposed
        change = topics.accept_topic if proposed else _rename
        try:
            change(topic, by=current_user, label_en=form.label_en.data,
                   label_zh=form.label_zh.data or "", aliases=form.alias_list())
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error.fields)
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("“%(label)s” is now in the vocabulary.", label=topic.label) if proposed
                  else _("Topic “%(label)s” saved.", label=topic.label), "success")
            return redirect(url_for("events.topic_list", tab="proposed" if proposed else None))
    return render_template(
        "events/topic_form.html", form=form, topic=topic,
        merge_form=MergeTopicForm(targets=_merge_targets(topic)),
        usage=topics.usage_counts([topic.slug]).get(topic.slug, 0),
    )


def _rename(topic: Topic, *, by, label_en, label_zh, aliases) -> Topic:
    return topics.rename_topic(topic, label_en, label_zh, aliases, by=by)


def _merge_targets(topic: Topic) -> list[Topic]:
    return [t for t in topics.vocabulary(include_proposed=False) if t.slug != topic.slug]


@bp.post("/admin/topics/<slug>/merge")
@login_required
def merge_topic(slug: str):
    """Fold a duplicate (or a proposal) into another topic; its events move there."""
    _admin()
    topic = _topic(slug)
    form = MergeTopicForm(targets=_merge_targets(topic))
    into = db.session.get(Topic, form.into.data or "") if form.validate_on_submit() else None
    if into is None:
        flash(_("Choose the topic to merge into from the list."), "error")
        return redirect(url_for("events.edit_topic", slug=slug))
    label = topic.label
    try:
        moved = topics.merge_topic(topic, into, by=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("events.edit_topic", slug=slug))
    db.session.commit()
    flash(ngettext("“%(old)s” merged into “%(new)s”; %(num)d event moved.",
                   "“%(old)s” merged into “%(new)s”; %(num)d events moved.",
                   moved, old=label, new=into.label), "success")
    return redirect(url_for("events.topic_list"))
