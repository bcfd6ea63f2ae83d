"""The topic vocabulary: matching what people type, proposals, renaming (the slug stays) and
merging (events move, the old slug keeps resolving)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from extensions import db
from liaison.core.errors import Conflict, NotAllowed, ValidationFailed
from liaison.events import lifecycle, signals, topics
from liaison.events.models import EventTopic, Topic, TopicStatus


@pytest.fixture
def postal(app):
    topic = topics.ensure_topic("Postal channel", "邮递渠道", ["postal and express"])
    db.session.commit()
    return topic


def test_slugs_are_ascii_and_stable():
    assert topics.slugify("Product identification") == "product-identification"
    assert topics.slugify("  E-Commerce / Returns ") == "e-commerce-returns"
    assert topics.slugify("邮递渠道") == topics.slugify("邮递渠道").lower()
    assert topics.slugify("邮递渠道").startswith("topic-") and topics.slugify("邮递渠道").isascii()


@pytest.mark.parametrize("typed", ["postal-channel", "postal channel", "  POSTAL   Channel ",
                                   "邮递渠道", "Postal and Express", "ｐｏｓｔａｌ channel"])
def test_any_name_in_either_language_finds_the_topic(postal, typed):
    assert topics.resolve(typed) == postal


def test_unknown_names_find_nothing(postal):
    assert topics.resolve("postal") is None and topics.resolve("") is None


def test_typed_topics_are_matched_or_proposed(postal, event_input, organizer):
    event = lifecycle.create_event(
        event_input(topics="邮递渠道, Postal channel, Spare parts，防伪标识"), by=organizer
    )
    db.session.commit()
    spare = topics.resolve("spare parts")
    hologram = topics.resolve("防伪标识")
    assert sorted(event.topics) == sorted(["postal-channel", "spare-parts", hologram.slug])
    assert spare.status == hologram.status == TopicStatus.proposed
    assert spare.proposed_by == organizer and hologram.label_zh == "防伪标识"
    # Typed again by someone else: the proposal is reused, not duplicated.
    again = lifecycle.create_event(event_input(topics="SPARE PARTS"), by=organizer)
    assert again.topics == ["spare-parts"]
    assert db.session.scalar(select(db.func.count()).select_from(Topic)) == 3


def test_renaming_keeps_the_slug_and_the_old_names(postal, admin, make_event):
    event = make_event(topics=["postal channel"])
    topics.rename_topic(postal, "Postal and express channel", "邮件快件渠道", [], by=admin)
    db.session.commit()
    assert postal.slug == "postal-channel" and event.topics == ["postal-channel"]
    for old in ("postal channel", "邮递渠道", "Postal and express channel", "邮件快件渠道"):
        assert topics.resolve(old) == postal
    assert "postal and express" not in postal.aliases  # aliases are what the admin keeps


def test_a_name_of_another_topic_is_refused(postal, admin):
    other = topics.ensure_topic("Recordation")
    with pytest.raises(ValidationFailed) as excinfo:
        topics.rename_topic(other, "Recordation", "邮递渠道", [], by=admin)
    assert "label_zh" in excinfo.value.fields
    with pytest.raises(ValidationFailed) as excinfo:
        topics.rename_topic(other, "Recordation", None, ["POSTAL CHANNEL"], by=admin)
    assert "Merge" in excinfo.value.fields["aliases"]


def test_merging_moves_events_and_keeps_old_slugs_working(postal, admin, make_event):
    dup = topics.ensure_topic("Postal route")
    both = make_event(topics=["Postal route", "Postal channel"])
    only_dup = make_event(topics=["Postal route"])
    heard = []

    def hear(sender, into):
        heard.append((sender.slug, into.slug))

    signals.topic_merged.connect(hear)
    try:
        moved = topics.merge_topic(dup, postal, by=admin)
    finally:
        signals.topic_merged.disconnect(hear)
    db.session.commit()
    assert moved == 1 and heard == [("postal-route", "postal-channel")]
    assert both.topics == ["postal-channel"] and only_dup.topics == ["postal-channel"]
    assert dup.status == TopicStatus.merged and dup.merged_into == "postal-channel"
    assert topics.resolve("postal-route") == postal and topics.resolve("Postal route") == postal
    assert "Postal route" in postal.aliases
    rows = db.session.scalars(select(EventTopic.topic_slug)).all()
    assert set(rows) == {"postal-channel"}
    # A later merge of the survivor carries the old slug along.
    final = topics.ensure_topic("Mail and parcels")
    topics.merge_topic(postal, final, by=admin)
    db.session.commit()
    assert topics.resolve("postal-route") == final and dup.merged_into == final.slug


def test_merge_refuses_itself_and_merged_topics(postal, admin):
    with pytest.raises(ValidationFailed):
        topics.merge_topic(postal, postal, by=admin)
    dup = topics.ensure_topic("Post")
    topics.merge_topic(dup, postal, by=admin)
    with pytest.raises(Conflict):
        topics.merge_topic(dup, postal, by=admin)


def test_accepting_a_proposal(admin, organizer):
    proposal = topics.propose_topic("spare parts", by=organizer)
    topics.accept_topic(proposal, by=admin, label_en="Spare parts", label_zh="零部件")
    db.session.commit()
    assert proposal.status == TopicStatus.accepted and proposal.slug == "spare-parts"
    assert topics.resolve("零部件") == proposal
    with pytest.raises(Conflict):
        topics.accept_topic(proposal, by=admin)


def test_only_administrators_manage_the_vocabulary(postal, organizer):
    with pytest.raises(NotAllowed):
        topics.rename_topic(postal, "Post", None, [], by=organizer)
    with pytest.raises(NotAllowed):
        topics.add_topic("Customs valuation", by=organizer)
    with pytest.raises(NotAllowed):
        topics.merge_topic(postal, topics.ensure_topic("Post"), by=organizer)
