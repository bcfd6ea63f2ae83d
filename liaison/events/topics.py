"""The topic vocabulary: stable slugs with English and Chinese labels, what people type matched
to it, and its administration (add, rename, accept a proposal, merge duplicates).

Every name of a topic — its slug, both labels, former labels, the names of topics merged into
it, aliases — is a `TopicName` row keyed by `match_key` (spaces collapsed, case folded), unique
across the vocabulary. So "Postal channel", "postal  CHANNEL", "邮递渠道" and the slug
"postal-channel" all find the same topic in one indexed look-up, whichever language the reader
filters in, and an old free tag in a bookmarked `?topic=` still finds its events.

A free-typed topic that names nothing is proposed: a `proposed` Topic the event uses at once,
listed for administrators, who accept it (perhaps with better labels) or merge it into an
existing topic. Merging moves every event to the survivor and points the merged slug and names
at it; `signals.topic_merged` tells packages above that keep topic slugs of their own.
Everything only flushes: the caller commits.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, delete, func, select, update

from extensions import db
from liaison.core.errors import Conflict, NotAllowed, ValidationFailed
from liaison.events import signals
from liaison.events.models import EventTopic, Topic, TopicName, TopicNameKind, TopicStatus

LABEL_MAX = 80
SLUG_MAX = 60
ALIASES_MAX = 20
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Proposal:
    """A typed topic that names nothing in the vocabulary yet (see `slugs_for`)."""

    label: str


def clean_label(text: str | None) -> str:
    """A label as stored: surrounding and repeated spaces removed."""
    return " ".join(str(text or "").split())


def match_key(text: str | None) -> str:
    """How typed names compare: Unicode-normalised (full-width letters become ASCII), spaces
    collapsed, case folded. "Postal  Channel" and "postal channel" give one key."""
    return unicodedata.normalize("NFKC", clean_label(text)).casefold()[:100]


def slugify(label: str) -> str:
    """An ASCII slug from an English label ("Product identification" ->
    "product-identification"); a label with no ASCII letters or digits (Chinese) gets
    "topic-" and a short hash of its key, the same on every database."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:SLUG_MAX].strip("-")
    if not slug:
        slug = "topic-" + hashlib.sha256(match_key(label).encode()).hexdigest()[:8]
    return slug


def names_select(text: str) -> Select:
    """The slug that `text` names (slug, label in either language, alias) as a one-column
    SELECT, for filters written in SQL: `EventTopic.topic_slug.in_(names_select(raw))`."""
    return select(TopicName.topic_slug).where(TopicName.key == match_key(text))


def resolve(text: str | None) -> Topic | None:
    """The live topic that `text` names, or None (one query)."""
    key = match_key(text)
    if not key:
        return None
    return db.session.scalar(
        select(Topic).join(TopicName, TopicName.topic_slug == Topic.slug).where(
            TopicName.key == key
        )
    )


def _resolve_keys(keys: Iterable[str]) -> dict[str, str]:
    """key -> slug for those keys that name a topic (one query)."""
    keys = [k for k in set(keys) if k]
    if not keys:
        return {}
    rows = db.session.execute(
        select(TopicName.key, TopicName.topic_slug).where(TopicName.key.in_(keys))
    )
    return dict(rows.tuples().all())


def match(items: Iterable[str]) -> list[str | Proposal]:
    """Typed topics matched to the vocabulary, for `validate` (writes nothing): the slugs
    they name (sorted, each once), then a `Proposal` for each that names nothing."""
    items = [clean_label(i) for i in items if clean_label(i)]
    found = _resolve_keys(match_key(i) for i in items)
    slugs: set[str] = set()
    proposals: dict[str, Proposal] = {}
    for item in items:
        key = match_key(item)
        if key in found:
            slugs.add(found[key])
        elif key not in proposals:
            proposals[key] = Proposal(item)
    return [*sorted(slugs), *proposals.values()]


def slugs_for(matched: Iterable[str | Proposal], *, by=None) -> list[str]:
    """`match`'s result as slugs, proposing a topic for each `Proposal` (by `by`)."""
    slugs = []
    for item in matched:
        if isinstance(item, Proposal):
            topic = resolve(item.label) or propose_topic(item.label, by=by)
            slugs.append(topic.slug)
        else:
            slugs.append(item)
    return sorted(set(slugs))


def vocabulary(*, include_proposed: bool = True) -> list[Topic]:
    """Live topics (accepted, and proposed unless told not to), in the reader's alphabetical
    order."""
    statuses = [TopicStatus.accepted] + ([TopicStatus.proposed] if include_proposed else [])
    topics = db.session.scalars(select(Topic).where(Topic.status.in_(statuses))).all()
    return sorted(topics, key=lambda t: t.label.casefold())


def topics_in_use(event_ids: Select) -> list[Topic]:
    """The topics of the events whose ids `event_ids` selects (a filter's choices)."""
    used = select(EventTopic.topic_slug).where(EventTopic.event_id.in_(event_ids)).distinct()
    topics = db.session.scalars(select(Topic).where(Topic.slug.in_(used))).all()
    return sorted(topics, key=lambda t: t.label.casefold())


def usage_counts(slugs: Iterable[str]) -> dict[str, int]:
    """How many events use each topic (one GROUP BY)."""
    slugs = list(slugs)
    if not slugs:
        return {}
    rows = db.session.execute(
        select(EventTopic.topic_slug, func.count())
        .where(EventTopic.topic_slug.in_(slugs))
        .group_by(EventTopic.topic_slug)
    )
    return dict(rows.tuples().all())


def _require_admin(by) -> None:
    if by is None or not getattr(by, "is_admin", False):
        raise NotAllowed(_("Only administrators can manage the topic vocabulary."))


def _free_slug(label: str) -> str:
    """A slug for a new topic that is neither a slug nor a name of another topic."""
    base = slugify(label)
    taken = set(db.session.scalars(select(Topic.slug).where(Topic.slug.like(f"{base}%"))))
    taken |= set(db.session.scalars(select(TopicName.key).where(TopicName.key.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug = f"{base[:SLUG_MAX - 4]}-{n}"
        n += 1
    return slug


def _wanted_names(topic: Topic, label_en: str, label_zh: str | None,
                  aliases: Iterable[str]) -> dict[str, tuple[TopicNameKind, str]]:
    """key -> (kind, text) of every name the topic should have after a change: the aliases
    given, its former labels (kept as aliases, so old names and old `?topic=` links keep
    finding it), its new labels, and its slug and the slugs of topics merged into it."""
    wanted: dict[str, tuple[TopicNameKind, str]] = {}
    for text in (*aliases, topic.label_en, topic.label_zh):
        if match_key(text):
            wanted.setdefault(match_key(text), (TopicNameKind.alias, clean_label(text)))
    for text in (label_en, label_zh):
        if text:
            wanted[match_key(text)] = (TopicNameKind.label, text)
    for name in topic.names:
        if name.kind == TopicNameKind.slug:
            wanted[name.key] = (TopicNameKind.slug, name.text)
    wanted[match_key(topic.slug)] = (TopicNameKind.slug, topic.slug)
    return wanted


def _check_labels(label_en: str, label_zh: str | None, aliases: list[str]) -> dict[str, str]:
    errors = {}
    if not label_en:
        errors["label_en"] = _("Give the topic an English label.")
    elif len(label_en) > LABEL_MAX:
        errors["label_en"] = _("A label can be at most %(n)d characters.", n=LABEL_MAX)
    if label_zh and len(label_zh) > LABEL_MAX:
        errors["label_zh"] = _("A label can be at most %(n)d characters.", n=LABEL_MAX)
    if len(aliases) > ALIASES_MAX or any(len(a) > LABEL_MAX for a in aliases):
        errors["aliases"] = _(
            "Give at most %(n)d other names, each at most %(max)d characters.",
            n=ALIASES_MAX, max=LABEL_MAX,
        )
    return errors


def _set_names(topic: Topic, label_en: str, label_zh: str | None, aliases: list[str]) -> None:
    """Give `topic` its labels and names, refusing names that belong to another topic."""
    errors = _check_labels(label_en, label_zh, aliases)
    wanted = _wanted_names(topic, label_en, label_zh, aliases)
    owners = dict(
        db.session.execute(
            select(TopicName.key, Topic)
            .join(Topic, Topic.slug == TopicName.topic_slug)
            .where(TopicName.key.in_(list(wanted)), TopicName.topic_slug != topic.slug)
        ).tuples().all()
    )
    for key, other in owners.items():
        kind, text = wanted[key]
        field = "aliases" if kind == TopicNameKind.alias else (
            "label_zh" if label_zh and key == match_key(label_zh) else "label_en")
        errors.setdefault(field, _(
            "“%(name)s” already names the topic “%(other)s”. Merge the two topics instead.",
            name=text, other=other.label,
        ))
    if errors:
        raise ValidationFailed(_("Some fields need your attention."), fields=errors)
    topic.label_en, topic.label_zh = label_en, label_zh or None
    current = {n.key: n for n in topic.names}
    for key, name in current.items():
        if key not in wanted:
            topic.names.remove(name)
    for key, (kind, text) in wanted.items():
        if key in current:
            current[key].kind, current[key].text = kind, text
        else:
            topic.names.append(TopicName(key=key, kind=kind, text=text))
    db.session.flush()


def add_topic(label_en: str, label_zh: str | None = None, aliases: Iterable[str] = (), *,
              by, status: TopicStatus = TopicStatus.accepted) -> Topic:
    """A new vocabulary entry (administrators; `propose_topic` for organizers)."""
    if status == TopicStatus.accepted:
        _require_admin(by)
    label_en, label_zh = clean_label(label_en), clean_label(label_zh) or None
    topic = Topic(slug=_free_slug(label_en or label_zh or "topic"), label_en=label_en,
                  label_zh=label_zh, status=status)
    if by is not None and getattr(by, "id", None) is not None:
        topic.proposed_by_id = by.id
    db.session.add(topic)
    _set_names(topic, label_en, label_zh, [clean_label(a) for a in aliases if clean_label(a)])
    return topic


def propose_topic(label: str, *, by=None) -> Topic:
    """A topic typed by an organizer that names nothing yet: used at once, listed for
    administrators to accept or merge. Chinese text becomes the Chinese label as well."""
    label = clean_label(label)
    if len(label) > LABEL_MAX:
        raise ValidationFailed(
            _("Each topic can be at most %(n)d characters.", n=LABEL_MAX),
            fields={"topics": _("Each topic can be at most %(n)d characters.", n=LABEL_MAX)},
        )
    label_zh = label if _CJK.search(label) else None
    return add_topic(label, label_zh, by=by, status=TopicStatus.proposed)


def ensure_topic(label_en: str, label_zh: str | None = None,
                 aliases: Iterable[str] = ()) -> Topic:
    """The topic this English label names, added (accepted) when none does, given the Chinese
    label when it has none and the aliases it lacks. For the demo, tests and command-line
    set-up, which act as the system rather than as a person."""
    topic = resolve(label_en)
    if topic is None:
        topic = Topic(slug=_free_slug(label_en), label_en=clean_label(label_en),
                      status=TopicStatus.accepted)
        db.session.add(topic)
    new_aliases = [a for a in map(clean_label, aliases) if a and a not in topic.aliases]
    if topic.names and not new_aliases and (topic.label_zh or not label_zh):
        return topic  # nothing to add
    _set_names(topic, topic.label_en, topic.label_zh or clean_label(label_zh) or None,
               [*topic.aliases, *new_aliases])
    return topic


def rename_topic(topic: Topic, label_en: str, label_zh: str | None, aliases: Iterable[str], *,
                 by) -> Topic:
    """New labels and aliases; the slug stays, and the former labels keep finding it."""
    _require_admin(by)
    if topic.status == TopicStatus.merged:
        raise Conflict(_("This topic was merged into another one; rename that one instead."))
    _set_names(topic, clean_label(label_en), clean_label(label_zh) or None,
               [clean_label(a) for a in aliases if clean_label(a)])
    return topic


def accept_topic(topic: Topic, *, by, label_en: str | None = None,
                 label_zh: str | None = None, aliases: Iterable[str] | None = None) -> Topic:
    """A proposed topic joins the vocabulary, optionally with better labels and aliases (the
    label it was proposed with stays a name of it)."""
    _require_admin(by)
    if topic.status != TopicStatus.proposed:
        raise Conflict(_("Only a proposed topic can be accepted."))
    rename_topic(topic, label_en or topic.label_en,
                 label_zh if label_zh is not None else topic.label_zh,
                 topic.aliases if aliases is None else aliases, by=by)
    topic.status = TopicStatus.accepted
    db.session.flush()
    return topic


def merge_topic(source: Topic, into: Topic, *, by) -> int:
    """Fold `source` into `into`: its events take `into` (once each), its slug and names now
    find `into`, and it is kept as `merged` so nothing that held its slug breaks. Returns how
    many events moved."""
    _require_admin(by)
    if source.slug == into.slug:
        raise ValidationFailed(
            _("Choose another topic to merge into."),
            fields={"into": _("Choose another topic to merge into.")},
        )
    if TopicStatus.merged in (source.status, into.status):
        raise Conflict(_("That topic was already merged into another one."))
    both = select(EventTopic.event_id).where(EventTopic.topic_slug == into.slug)
    db.session.execute(
        delete(EventTopic).where(EventTopic.topic_slug == source.slug,
                                 EventTopic.event_id.in_(both)),
        execution_options={"synchronize_session": False},
    )
    moved = db.session.execute(
        update(EventTopic).where(EventTopic.topic_slug == source.slug)
        .values(topic_slug=into.slug),
        execution_options={"synchronize_session": False},
    ).rowcount
    # Its names now find the survivor: its slug stays a slug (never removed), its labels and
    # aliases become the survivor's aliases.
    for kinds, kind in (((TopicNameKind.slug,), TopicNameKind.slug),
                        ((TopicNameKind.label, TopicNameKind.alias), TopicNameKind.alias)):
        db.session.execute(
            update(TopicName)
            .where(TopicName.topic_slug == source.slug, TopicName.kind.in_(kinds))
            .values(topic_slug=into.slug, kind=kind),
            execution_options={"synchronize_session": False},
        )
    db.session.execute(
        update(Topic).where(Topic.merged_into == source.slug).values(merged_into=into.slug),
        execution_options={"synchronize_session": False},
    )
    source.status, source.merged_into = TopicStatus.merged, into.slug
    signals.topic_merged.send(source, into=into)
    db.session.flush()
    db.session.expire_all()  # events and names loaded before the bulk updates
    return moved
