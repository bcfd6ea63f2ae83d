"""What an organizer types about a registration question, before any rule is checked
(liaison/registration/questions.py checks and saves it)."""
from __future__ import annotations

from dataclasses import dataclass, field

from liaison.registration.models import Choice, QuestionKind


@dataclass
class QuestionInput:
    """What an organizer types about one question. `choices` are Choice items or text with
    one option per line, "English | 中文"."""

    kind: QuestionKind | str
    label: str
    label_zh: str | None = None
    required: bool = False
    personal: bool = False
    choices: list[Choice] | str = field(default_factory=list)
    id: int | None = None  # an existing question (PUT): kept, with its answers


def parse_choices(text: str) -> list[Choice]:
    """One option per line: "English | 中文" (the Chinese part optional)."""
    items = []
    for line in (text or "").splitlines():
        en, _sep, zh = line.partition("|")
        en, zh = " ".join(en.split()), " ".join(zh.split())
        if en or zh:
            items.append(Choice(en or zh, zh or None))
    return items
