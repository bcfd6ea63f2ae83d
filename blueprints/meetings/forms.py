"""The agenda and minutes editors post repeated rows (`item-<key>-<field>`), which WTForms
does not shape well; these classes read them into the domain's inputs and carry the typed
values and the domain's messages back to the rows, next to each field. Shapes only: the
rules are the domain's (liaison.meetings.agenda / minutes)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from liaison.meetings.agenda import AgendaItemInput
from liaison.meetings.minutes import MinutesItemInput, OutcomeInput

BLANK_AGENDA_ROWS = 2
BLANK_OUTCOME_ROWS = 2
_KEY = re.compile(r"^[a-z0-9]{1,12}$")


def _int(value: str | None) -> int | None | str:
    """A whole number, None when empty, the text itself when it is not a number (the domain
    then names the field)."""
    value = (value or "").strip()
    if not value:
        return None
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else value


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _keys(form, prefix: str, marker: str) -> list[str]:
    """Row keys in the order the rows were posted (a hidden `order` field, kept by the page's
    script when rows are dragged, wins)."""
    seen = []
    for name in form.keys():
        if name.startswith(prefix) and name.endswith(marker):
            key = name[len(prefix):-len(marker)]
            if _KEY.match(key) and key not in seen:
                seen.append(key)
    wanted = [k for k in (form.get("order") or "").split(",") if k in seen]
    return wanted + [k for k in seen if k not in wanted]


@dataclass
class Row:
    key: str
    values: dict
    errors: dict = field(default_factory=dict)


class AgendaForm:
    """Rows of the agenda editor; `move` ("<key>:up" / "<key>:down") reorders them without
    saving (the keyboard's way to reorder; the page's script drags)."""

    FIELDS = ("title", "title_zh", "presenter", "organization_id", "duration", "id")

    def __init__(self, rows: list[Row]):
        self.rows = rows
        self.errors: dict[str, str] = {}

    @classmethod
    def from_items(cls, items) -> AgendaForm:
        rows = [Row(key=f"k{item.id}", values={
            "title": item.title, "title_zh": item.title_zh or "",
            "presenter": item.presenter or "", "organization_id": item.organization_id,
            "duration": item.duration_minutes or "", "id": item.id}) for item in items]
        return cls(rows).with_blanks()

    @classmethod
    def from_post(cls, form) -> AgendaForm:
        rows = []
        for key in _keys(form, "item-", "-title"):
            values = {name: (form.get(f"item-{key}-{name}") or "").strip() for name in cls.FIELDS}
            if form.get(f"item-{key}-remove") or not any(values.values()):
                continue
            rows.append(Row(key=key, values=values))
        move = (form.get("move") or "").split(":")
        if len(move) == 2:
            keys = [r.key for r in rows]
            if move[0] in keys:
                at = keys.index(move[0])
                to = at - 1 if move[1] == "up" else at + 1
                if 0 <= to < len(rows):
                    rows[at], rows[to] = rows[to], rows[at]
        return cls(rows)

    def with_blanks(self) -> AgendaForm:
        for n in range(BLANK_AGENDA_ROWS):
            self.rows.append(Row(key=f"n{len(self.rows)}x{n}", values={}))
        return self

    def to_inputs(self) -> list[AgendaItemInput]:
        return [AgendaItemInput(
            title=r.values.get("title", ""), title_zh=r.values.get("title_zh") or None,
            presenter=r.values.get("presenter") or None,
            organization_id=_int(r.values.get("organization_id")),
            duration_minutes=_int(r.values.get("duration")), id=_int(r.values.get("id")),
        ) for r in self.rows]

    def show_errors(self, fields: dict[str, str]) -> None:
        for name, message in fields.items():
            parts = name.split(".")
            if parts[0] == "items" and len(parts) == 3 and parts[1].isdigit():
                index = int(parts[1])
                if index < len(self.rows):
                    target = "duration" if parts[2] == "duration_minutes" else parts[2]
                    self.rows[index].errors[target] = message
                    continue
            self.errors[name] = message


class MinutesForm:
    """Items of the minutes editor, each with its notes and outcome rows."""

    OUTCOME_FIELDS = ("kind", "text", "text_zh", "owner_organization_id", "owner_user_id",
                      "due_on", "action_id")

    def __init__(self, items: list[Row]):
        self.items = items  # Row.values holds the item's fields and "outcomes": list[Row]
        self.errors: dict[str, str] = {}

    @classmethod
    def from_inputs(cls, inputs: list[MinutesItemInput]) -> MinutesForm:
        items = []
        for n, item in enumerate(inputs):
            outcomes = [Row(key=f"o{m}", values={
                "kind": str(o.kind), "text": o.text, "text_zh": o.text_zh or "",
                "owner_organization_id": o.owner_organization_id,
                "owner_user_id": o.owner_user_id,
                "due_on": o.due_on.isoformat() if o.due_on else "", "action_id": o.action_id,
            }) for m, o in enumerate(item.outcomes)]
            items.append(Row(key=f"i{n}", values={
                "agenda_item_id": item.agenda_item_id, "title": item.title or "",
                "title_zh": item.title_zh or "", "notes": item.notes or "",
                "outcomes": outcomes}))
        return cls(items).with_blanks()

    @classmethod
    def from_post(cls, form) -> MinutesForm:
        items = []
        for key in _keys(form, "it-", "-title"):
            base = f"it-{key}-"
            outcomes = []
            for okey in _keys(form, f"{base}o-", "-kind"):
                values = {name: (form.get(f"{base}o-{okey}-{name}") or "").strip()
                          for name in cls.OUTCOME_FIELDS}
                if form.get(f"{base}o-{okey}-remove"):
                    continue
                if not values["text"] and not values["action_id"] and not values["text_zh"]:
                    continue  # an empty row left for adding one
                outcomes.append(Row(key=okey, values=values))
            values = {name: (form.get(base + name) or "").strip()
                      for name in ("agenda_item_id", "title", "title_zh")}
            values["notes"] = (form.get(base + "notes") or "").replace("\r\n", "\n").strip()
            values["outcomes"] = outcomes
            if form.get(base + "remove"):
                continue
            if not values["agenda_item_id"] and not values["title"] and not values["notes"] \
                    and not outcomes:
                continue
            items.append(Row(key=key, values=values))
        return cls(items)

    def with_blanks(self) -> MinutesForm:
        for item in self.items:
            outcomes = item.values["outcomes"]
            for n in range(BLANK_OUTCOME_ROWS):
                outcomes.append(Row(key=f"n{len(outcomes)}x{n}", values={"kind": "decision"}))
        self.items.append(Row(key=f"n{len(self.items)}", values={"outcomes": [
            Row(key=f"n{n}", values={"kind": "decision"}) for n in range(BLANK_OUTCOME_ROWS)]}))
        return self

    def to_inputs(self) -> list[MinutesItemInput]:
        result = []
        for item in self.items:
            v = item.values
            result.append(MinutesItemInput(
                agenda_item_id=_int(v.get("agenda_item_id")), title=v.get("title") or None,
                title_zh=v.get("title_zh") or None, notes=v.get("notes") or "",
                outcomes=[OutcomeInput(
                    kind=o.values.get("kind") or "", text=o.values.get("text") or "",
                    text_zh=o.values.get("text_zh") or None,
                    owner_organization_id=_int(o.values.get("owner_organization_id")),
                    owner_user_id=_int(o.values.get("owner_user_id")),
                    due_on=_date(o.values.get("due_on")),
                    action_id=_int(o.values.get("action_id")),
                ) for o in v["outcomes"]],
            ))
        return result

    def show_errors(self, fields: dict[str, str]) -> None:
        for name, message in fields.items():
            parts = name.split(".")
            if parts[0] == "items" and len(parts) >= 3 and parts[1].isdigit() \
                    and int(parts[1]) < len(self.items):
                item = self.items[int(parts[1])]
                if parts[2] == "outcomes" and len(parts) == 5 and parts[3].isdigit():
                    outcomes = item.values["outcomes"]
                    if int(parts[3]) < len(outcomes):
                        outcomes[int(parts[3])].errors[parts[4]] = message
                        continue
                item.errors[parts[2]] = message
                continue
            self.errors[name] = message
