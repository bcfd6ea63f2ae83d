"""topic vocabulary and bilingual events

Events gain `title_zh` and `description_zh`. Topics become a vocabulary (`topic`, with the
names that find each one in `topic_name`), and `event_topic` refers to it by slug.

Data: every free tag in use becomes a topic (tags that differ only in case or spacing become
one, spelled as the earliest event spelled it), with a Chinese label for the common ones, and
every event keeps its topics. The tag's text stays a name of the topic, so `?topic=<old tag>`
in a bookmarked URL or a subscribed feed still finds the same events. The slug rule and the
key rule are copied from liaison/events/topics.py (`slugify`, `match_key`) as they were at this
revision: a migration must not change when that module does.

Revision ID: 0040
Revises: 0022
"""
import hashlib
import re
import unicodedata
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import liaison.core.types
from liaison.core.generation import install

revision = "0040"
down_revision = "0022"
branch_labels = None
depends_on = None

# Chinese labels for the tags of the first wave's demo and their common neighbours
# (customs and IP-enforcement usage, docs/I18N.md).
CHINESE = {
    "recordation": "知识产权海关保护备案",
    "product identification": "产品真伪鉴别",
    "detention procedure": "扣留程序",
    "postal channel": "邮递渠道",
    "express channel": "快件渠道",
    "e-commerce": "电子商务",
    "cross-border e-commerce": "跨境电商",
    "product safety": "产品安全",
    "case transfer": "案件移送",
    "criminal thresholds": "刑事立案追诉标准",
    "risk analysis": "风险分析",
    "trademark": "商标",
    "counterfeits": "假冒商品",
    "border enforcement": "边境执法",
}


def match_key(text):
    return unicodedata.normalize("NFKC", " ".join(str(text or "").split())).casefold()[:100]


def slugify(label):
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    return slug or "topic-" + hashlib.sha256(match_key(label).encode()).hexdigest()[:8]


def _create_event_topic(name_column):
    op.create_table(
        "event_topic",
        sa.Column("event_id", sa.Integer(), nullable=False),
        name_column,
        sa.ForeignKeyConstraint(["event_id"], ["event.id"],
                                name=op.f("fk_event_topic_event_id_event"), ondelete="CASCADE"),
        *([sa.ForeignKeyConstraint(["topic_slug"], ["topic.slug"],
                                   name=op.f("fk_event_topic_topic_slug_topic"))]
          if name_column.name == "topic_slug" else []),
        sa.PrimaryKeyConstraint("event_id", name_column.name, name=op.f("pk_event_topic")),
    )
    with op.batch_alter_table("event_topic", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f(f"ix_event_topic_{name_column.name}"), [name_column.name], unique=False
        )


def upgrade():
    op.create_table(
        "topic",
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("label_en", sa.String(length=80), nullable=False),
        sa.Column("label_zh", sa.String(length=80), nullable=True),
        sa.Column("status", sa.Enum("accepted", "proposed", "merged", name="topicstatus",
                                    native_enum=False, length=20), nullable=False),
        sa.Column("merged_into", sa.String(length=80), nullable=True),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", liaison.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["merged_into"], ["topic.slug"],
                                name=op.f("fk_topic_merged_into_topic"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["proposed_by_id"], ["user.id"],
                                name=op.f("fk_topic_proposed_by_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_topic")),
    )
    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_topic_merged_into"), ["merged_into"], unique=False)
        batch_op.create_index(batch_op.f("ix_topic_proposed_by_id"), ["proposed_by_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_topic_status"), ["status"], unique=False)

    op.create_table(
        "topic_name",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("topic_slug", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.Enum("slug", "label", "alias", name="topicnamekind",
                                  native_enum=False, length=20), nullable=False),
        sa.Column("text", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["topic_slug"], ["topic.slug"],
                                name=op.f("fk_topic_name_topic_slug_topic"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_topic_name")),
    )
    with op.batch_alter_table("topic_name", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_topic_name_topic_slug"), ["topic_slug"],
                              unique=False)

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_zh", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("description_zh", sa.Text(), nullable=True))

    bind = op.get_bind()
    old_rows = bind.execute(
        sa.text("SELECT event_id, name FROM event_topic ORDER BY event_id, name")
    ).all()
    topics, names, links = _vocabulary_from(old_rows)

    op.drop_table("event_topic")  # its index and triggers go with it
    _create_event_topic(sa.Column("topic_slug", sa.String(length=80), nullable=False))

    now = datetime.now(UTC)
    topic_table = sa.table(
        "topic", sa.column("slug"), sa.column("label_en"), sa.column("label_zh"),
        sa.column("status"), sa.column("created_at", liaison.core.types.UTCDateTime()),
    )
    name_table = sa.table("topic_name", sa.column("key"), sa.column("topic_slug"),
                          sa.column("kind"), sa.column("text"))
    link_table = sa.table("event_topic", sa.column("event_id"), sa.column("topic_slug"))
    if topics:
        op.bulk_insert(topic_table, [{**t, "status": "accepted", "created_at": now}
                                     for t in topics])
        op.bulk_insert(name_table, names)
    if links:
        op.bulk_insert(link_table, links)
    install(bind)  # the content-generation triggers, on the new tables too


def _vocabulary_from(rows):
    """(topics, names, links) from the free tags (event_id, name) in event order."""
    topics, names, links = {}, {}, set()
    slug_of_key = {}
    for event_id, name in rows:
        text = " ".join(name.split())
        key = match_key(text)
        if not key:
            continue
        if key not in slug_of_key:
            slug, n = slugify(text), 2
            while slug in topics or slug in names:
                slug = f"{slugify(text)[:56]}-{n}"
                n += 1
            slug_of_key[key] = slug
            label_zh = CHINESE.get(key)
            topics[slug] = {"slug": slug, "label_en": text[:80], "label_zh": label_zh}
            for kind, value in (("label", text), ("label", label_zh), ("slug", slug)):
                if value and match_key(value) not in names:
                    names[match_key(value)] = {"key": match_key(value), "topic_slug": slug,
                                               "kind": kind, "text": value[:100]}
        links.add((event_id, slug_of_key[key]))
    return (list(topics.values()), list(names.values()),
            [{"event_id": e, "topic_slug": s} for e, s in sorted(links)])


def downgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT event_topic.event_id, topic.label_en FROM event_topic "
        "JOIN topic ON topic.slug = event_topic.topic_slug ORDER BY event_topic.event_id"
    )).all()
    op.drop_table("event_topic")
    _create_event_topic(sa.Column("name", sa.String(length=80), nullable=False))
    kept = {(event_id, label) for event_id, label in rows}
    if kept:
        op.bulk_insert(sa.table("event_topic", sa.column("event_id"), sa.column("name")),
                       [{"event_id": e, "name": n} for e, n in sorted(kept)])

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("description_zh")
        batch_op.drop_column("title_zh")

    with op.batch_alter_table("topic_name", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topic_name_topic_slug"))
    op.drop_table("topic_name")
    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topic_status"))
        batch_op.drop_index(batch_op.f("ix_topic_proposed_by_id"))
        batch_op.drop_index(batch_op.f("ix_topic_merged_into"))
    op.drop_table("topic")
    install(bind)
