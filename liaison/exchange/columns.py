"""How the exchange board stores sets in one column, so that matching stays one SQL
expression on either database: languages as bits, organization kinds as a delimited text."""
from __future__ import annotations

from liaison.accounts.models import OrgKind

# Languages as bits, so "they share a language" is one AND in SQL on either database.
LANGUAGE_BITS = {"en": 1, "zh": 2}


def language_mask(languages) -> int:
    mask = 0
    for code in languages:
        mask |= LANGUAGE_BITS[code]
    return mask


def mask_languages(mask: int) -> list[str]:
    return [code for code, bit in LANGUAGE_BITS.items() if mask & bit]


def kinds_csv(kinds) -> str:
    """",customs,judiciary," ("" = any kind), so "includes this kind" is one LIKE in SQL."""
    unique = sorted({OrgKind(k) for k in kinds})
    return "," + ",".join(unique) + "," if unique else ""


def csv_kinds(value: str) -> list[OrgKind]:
    return [OrgKind(k) for k in value.split(",") if k]
