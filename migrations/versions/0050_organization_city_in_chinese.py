"""organization city in Chinese

`organization.city_zh`: the city or region as Chinese pages show it ("上海" for "Shanghai").
Existing organizations in cities whose Chinese name is standard get it filled in; the rest
stay empty (the English name is shown) until an administrator adds it.

Revision ID: 0050
Revises: 0082
"""
import sqlalchemy as sa
from alembic import op

revision = "0050"
down_revision = "0082"
branch_labels = None
depends_on = None

# Standard Chinese names of cities an enforcement network meets in, matched case-insensitively.
KNOWN = {
    "beijing": "北京", "shanghai": "上海", "shenzhen": "深圳", "guangzhou": "广州",
    "hangzhou": "杭州", "ningbo": "宁波", "xiamen": "厦门", "tianjin": "天津", "qingdao": "青岛",
    "dalian": "大连", "nanjing": "南京", "suzhou": "苏州", "yiwu": "义乌", "jinhua": "金华",
    "chengdu": "成都", "chongqing": "重庆", "wuhan": "武汉", "xi'an": "西安", "fuzhou": "福州",
    "hong kong": "香港", "macao": "澳门", "macau": "澳门", "taipei": "台北",
    "berlin": "柏林", "munich": "慕尼黑", "hamburg": "汉堡", "frankfurt": "法兰克福",
    "paris": "巴黎", "london": "伦敦", "brussels": "布鲁塞尔", "geneva": "日内瓦",
    "milan": "米兰", "rome": "罗马", "madrid": "马德里", "amsterdam": "阿姆斯特丹",
    "new york": "纽约", "washington": "华盛顿", "los angeles": "洛杉矶", "chicago": "芝加哥",
    "tokyo": "东京", "seoul": "首尔", "singapore": "新加坡", "bangkok": "曼谷",
}


def upgrade():
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.add_column(sa.Column("city_zh", sa.String(length=120), nullable=True))
    organization = sa.table(
        "organization", sa.column("id", sa.Integer), sa.column("city", sa.String),
        sa.column("city_zh", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(organization.c.id, organization.c.city).where(
        organization.c.city.is_not(None))).all()
    for org_id, city in rows:
        chinese = KNOWN.get(city.strip().lower())
        if chinese:
            bind.execute(organization.update().where(organization.c.id == org_id)
                         .values(city_zh=chinese))


def downgrade():
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_column("city_zh")
