"""The direction of an event ("Rights holder → Customs"), derived from host kind and audience.

Plain functions returning `str`, so pages, feeds, mail and the API all say it the same way.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

from liaison.accounts.models import ORG_KIND_LABELS, ORG_KIND_PLURALS, OrgKind
from liaison.core.when import join_list
from liaison.events.models import EventKind

if TYPE_CHECKING:
    from liaison.events.models import Event

TRAINING_ARROW = " → "
EXCHANGE_JOIN = " ↔ "
# The direction filter's value for "host kind → open to all".
EVERYONE = "all"
_ORDER = list(OrgKind)


def _sorted(kinds) -> list[OrgKind]:
    return sorted({OrgKind(k) for k in kinds}, key=_ORDER.index)


def direction_label(kind: EventKind, host_kind: OrgKind, audience) -> str:
    """A training flows from its host to its audience; an exchange meeting joins its sides."""
    audience = _sorted(audience)
    if kind == EventKind.exchange_meeting:
        sides = [host_kind] + [k for k in audience if k != host_kind]
        labels = [str(ORG_KIND_PLURALS[k]) for k in sides]
        if not audience:
            labels.append(_("Everyone"))
        return EXCHANGE_JOIN.join(labels)
    target = join_list(ORG_KIND_PLURALS[k] for k in audience) if audience else _("Everyone")
    return f"{ORG_KIND_LABELS[host_kind]}{TRAINING_ARROW}{target}"


def direction(event: Event) -> str:
    """"Rights holder → Customs" for a training, "Rights holders ↔ Customs" for a meeting."""
    return direction_label(event.kind, event.host_organization.kind, event.audience)


def audience_label(event: Event) -> str:
    """Who may register, in words: the plural kinds, or "Open to all"."""
    if event.is_open_to_all:
        return _("Open to all")
    return join_list(ORG_KIND_PLURALS[k] for k in _sorted(event.audience))


def direction_key(host_kind: OrgKind | str, audience_kind: OrgKind | str | None) -> str:
    """The filter value for one (host kind → audience kind) pair, e.g. "customs:rights_holder"."""
    return f"{OrgKind(host_kind)}:{OrgKind(audience_kind) if audience_kind else EVERYONE}"


def parse_direction_key(value: str) -> tuple[OrgKind, OrgKind | None] | None:
    """The inverse of `direction_key`; None for anything malformed."""
    host, sep, target = (value or "").partition(":")
    try:
        host_kind = OrgKind(host)
        target_kind = None if target == EVERYONE else OrgKind(target)
    except ValueError:
        return None
    return (host_kind, target_kind) if sep else None


def pair_label(host_kind: OrgKind, audience_kind: OrgKind | None) -> str:
    """The label of one filter choice: "Customs → Rights holders", "Customs → Everyone"."""
    target = ORG_KIND_PLURALS[audience_kind] if audience_kind else _("Everyone")
    return f"{ORG_KIND_LABELS[host_kind]}{TRAINING_ARROW}{target}"


def direction_choices(pairs) -> list[tuple[str, str]]:
    """Filter choices for (host kind, audience csv) rows: one per host → audience kind pair."""
    found: set[tuple[OrgKind, OrgKind | None]] = set()
    for host_kind, audience_csv in pairs:
        kinds = [k for k in (audience_csv or "").split(",") if k]
        if not kinds:
            found.add((OrgKind(host_kind), None))
        for kind in kinds:
            found.add((OrgKind(host_kind), OrgKind(kind)))
    ordered = sorted(
        found,
        key=lambda p: (_ORDER.index(p[0]), _ORDER.index(p[1]) if p[1] else len(_ORDER)),
    )
    return [(direction_key(h, a), pair_label(h, a)) for h, a in ordered]
