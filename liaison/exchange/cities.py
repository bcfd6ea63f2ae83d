"""City names in either language, reduced to one key for matching.

"In person in Shenzhen" must meet an offer listing 深圳, "SHENZHEN" or "Shenzhen City". SQL
cannot do that portably: SQLite's lower() folds ASCII only and neither database knows that
深圳 is Shenzhen. So the key is computed here, once, when a request or offer is saved: a known
city (the gazetteer below, English and Chinese names and common spellings) becomes its stable
key; any other name becomes its Unicode case-folded, space-collapsed form. Matching is then an
equality on an indexed column, identical on SQLite and PostgreSQL.
"""
from __future__ import annotations

import unicodedata

from liaison.accounts.models import localized

# key: (English, Chinese, other spellings)
GAZETTEER: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "beijing": ("Beijing", "北京", ("peking",)),
    "shanghai": ("Shanghai", "上海", ()),
    "shenzhen": ("Shenzhen", "深圳", ()),
    "guangzhou": ("Guangzhou", "广州", ("canton",)),
    "hangzhou": ("Hangzhou", "杭州", ()),
    "ningbo": ("Ningbo", "宁波", ()),
    "jinhua": ("Jinhua", "金华", ()),
    "yiwu": ("Yiwu", "义乌", ()),
    "wenzhou": ("Wenzhou", "温州", ()),
    "xiamen": ("Xiamen", "厦门", ("amoy",)),
    "fuzhou": ("Fuzhou", "福州", ()),
    "qingdao": ("Qingdao", "青岛", ()),
    "tianjin": ("Tianjin", "天津", ()),
    "dalian": ("Dalian", "大连", ()),
    "nanjing": ("Nanjing", "南京", ("nanking",)),
    "suzhou": ("Suzhou", "苏州", ()),
    "chengdu": ("Chengdu", "成都", ()),
    "chongqing": ("Chongqing", "重庆", ()),
    "wuhan": ("Wuhan", "武汉", ()),
    "xian": ("Xi'an", "西安", ("xi an",)),
    "dongguan": ("Dongguan", "东莞", ()),
    "zhuhai": ("Zhuhai", "珠海", ()),
    "shantou": ("Shantou", "汕头", ()),
    "kunming": ("Kunming", "昆明", ()),
    "nanning": ("Nanning", "南宁", ()),
    "harbin": ("Harbin", "哈尔滨", ()),
    "shenyang": ("Shenyang", "沈阳", ()),
    "changsha": ("Changsha", "长沙", ()),
    "zhengzhou": ("Zhengzhou", "郑州", ()),
    "jinan": ("Jinan", "济南", ()),
    "hefei": ("Hefei", "合肥", ()),
    "urumqi": ("Urumqi", "乌鲁木齐", ()),
    "hong kong": ("Hong Kong", "香港", ("hongkong",)),
    "macao": ("Macao", "澳门", ("macau",)),
    "berlin": ("Berlin", "柏林", ()),
    "munich": ("Munich", "慕尼黑", ("münchen", "muenchen")),
    "frankfurt": ("Frankfurt", "法兰克福", ()),
    "brussels": ("Brussels", "布鲁塞尔", ("bruxelles", "brussel")),
    "paris": ("Paris", "巴黎", ()),
    "london": ("London", "伦敦", ()),
    "geneva": ("Geneva", "日内瓦", ("genève", "geneve", "genf")),
    "milan": ("Milan", "米兰", ("milano",)),
    "new york": ("New York", "纽约", ("new york city", "nyc")),
    "los angeles": ("Los Angeles", "洛杉矶", ()),
    "washington": ("Washington", "华盛顿", ("washington dc", "washington d.c.")),
    "tokyo": ("Tokyo", "东京", ()),
    "seoul": ("Seoul", "首尔", ()),
    "singapore": ("Singapore", "新加坡", ()),
}

_SUFFIXES = (" city", "市")


def normalize(name: str) -> str:
    """NFKC, Unicode case folding, inner spaces collapsed, a trailing "city"/"市" dropped."""
    folded = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
    for suffix in _SUFFIXES:
        if folded.endswith(suffix) and len(folded) > len(suffix):
            folded = folded[: -len(suffix)].strip()
    return folded


def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for key, (english, chinese, others) in GAZETTEER.items():
        for name in (key, english, chinese, *others):
            table[normalize(name)] = key
            table[normalize(name).replace("'", "").replace("-", " ")] = key
    return table


ALIASES = _aliases()


def city_key(name: str | None) -> str | None:
    """The matching key of a city name in either language (None for a blank name)."""
    if not name or not name.strip():
        return None
    folded = normalize(name)
    return ALIASES.get(folded) or ALIASES.get(folded.replace("'", "").replace("-", " ")) or folded


def city_label(key: str | None, typed: str | None = None) -> str:
    """A city in the reader's language when the gazetteer knows it, else as it was typed."""
    known = GAZETTEER.get(key or "")
    if known is None:
        return typed or key or ""
    return localized(known[0], known[1])
