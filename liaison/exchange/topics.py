"""Topics of requests and offers are slugs of the shared vocabulary (liaison.events.topics),
so a request typed in Chinese and an offer typed in English meet on one slug: "产品真伪鉴别",
"Product identification" and "product-identification" name the same topic. This module is
the exchange's one door to that vocabulary: resolving what people send and labelling slugs
for the reader. A topic merged into another moves the exchange's rows with it (receivers)."""
from __future__ import annotations

from liaison.events import topics as vocabulary

TOPICS_MAX = 12


def resolve(values: list[str]) -> tuple[list[str], list[str]]:
    """(the slugs the values name — slug or label in either language —, the values that name
    no topic of the vocabulary)."""
    slugs, unknown = [], []
    for item in vocabulary.match(str(v) for v in values):
        if isinstance(item, str):
            slugs.append(item)
        else:
            unknown.append(item.label)
    return slugs, unknown


def all_labels() -> dict[str, str]:
    """slug -> label in the reader's language, for the whole vocabulary (one query)."""
    return {topic.slug: topic.label for topic in vocabulary.vocabulary()}


def fallback_label(slug: str) -> str:
    """A slug the vocabulary no longer lists, readable."""
    return slug.replace("-", " ")


def labels(slugs: list[str]) -> dict[str, str]:
    """slug -> label in the reader's language."""
    known = all_labels()
    return {slug: known.get(slug) or fallback_label(slug) for slug in slugs}


def choices() -> list[tuple[str, str]]:
    """(slug, label) of every accepted topic, in the reader's alphabetical order."""
    return [(t.slug, t.label) for t in vocabulary.vocabulary(include_proposed=False)]


def slug_for(text: str | None) -> str | None:
    """The slug a filter value names (slug or label in either language), or None."""
    topic = vocabulary.resolve(text) if text else None
    return topic.slug if topic is not None else None
