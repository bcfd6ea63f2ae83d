"""Chart specs and their tables for the records pages, built from the domain's results (the
templates only loop): each part is a chart (static/js/charts.js draws it) with a table of the
same numbers beside it."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from liaison.records.organization_record import Bucket, OrganizationRecord
from liaison.records.reports import Reports


@dataclass(frozen=True)
class Part:
    id: str
    title: str
    caption: str
    spec: dict
    headers: list[str]
    rows: list[list]


def _num(value: float) -> str:
    return f"{value:g}"


def bucket_part(id_: str, title: str, caption: str, first: str, buckets: list[Bucket],
                kind: str = "bar") -> Part:
    return Part(id_, title, caption,
                {"type": kind, "labels": [b.label for b in buckets],
                 "series": [{"label": _("Hours"), "data": [b.hours for b in buckets]}]},
                [first, _("Hours"), _("Sessions"), _("People")],
                [[b.label, _num(b.hours), b.sessions, b.people] for b in buckets])


def report_parts(r: Reports) -> list[Part]:
    kinds = r.kinds
    kind_totals = [[label, _num(sum(kinds.cell(key, c) for c, _l in kinds.columns))]
                   for key, label in kinds.rows]
    return [
        Part("kinds-chart", _("Who trained whom: organization kinds"),
             _("Hours by trainer kind, stacked by trainee kind"),
             {"type": "bar", "stacked": True, "labels": [label for _k, label in kinds.rows],
              "series": [{"label": clabel,
                          "data": [kinds.cell(rkey, ckey) for rkey, _l in kinds.rows]}
                         for ckey, clabel in kinds.columns]},
             [_("Trainer kind"), _("Hours")], kind_totals),
        bucket_part("months-chart", _("Hours per month"), _("Hours of training per month"),
                    _("Month"), r.months),
        Part("coverage-chart", _("Coverage of local offices"),
             _("Share of local offices with someone trained"),
             {"type": "bar", "max": 100, "labels": [c.organization for c in r.coverage],
              "series": [{"label": _("Offices with someone trained, in percent"),
                          "data": [c.percent for c in r.coverage]}]},
             [_("Organization"), _("Offices"), _("Trained"), "%"],
             [[c.organization, c.offices, c.covered, c.percent] for c in r.coverage]),
        bucket_part("topics-chart", _("Topics"), _("Hours of training per topic"), _("Topic"),
                    r.topics),
        Part("scores-chart", _("Survey scores over time"), _("Average overall rating per month"),
             {"type": "line", "max": 5, "labels": [m for m, _a, _n in r.scores],
              "series": [{"label": _("Average overall rating (1–5)"),
                          "data": [a for _m, a, _n in r.scores]}]},
             [_("Month"), _("Average (1–5)"), _("Responses")],
             [[m, _num(a), n] for m, a, n in r.scores]),
    ]


def record_parts(record: OrganizationRecord) -> list[Part]:
    return [
        bucket_part("quarters-chart", _("Hours by quarter"), _("Hours of training per quarter"),
                    _("Quarter"), record.by_quarter),
        bucket_part("topics-chart", _("Hours by topic"), _("Hours of training per topic"),
                    _("Topic"), record.by_topic),
        bucket_part("directions-chart", _("Hours by direction"),
                    _("Hours of training by who trained whom"), _("Direction"),
                    record.by_direction),
        bucket_part("offices-chart", _("Hours by office"), _("Hours of training per office"),
                    _("Office"), record.by_office),
    ]


@dataclass(frozen=True)
class ListPage:
    """One page of an already computed list, shaped like Flask-SQLAlchemy's pagination (the
    `pagination` macro draws it)."""

    items: list
    page: int
    per_page: int
    total: int

    @classmethod
    def of(cls, rows: list, page: int, per_page: int) -> ListPage:
        pages = max(1, -(-len(rows) // per_page))
        page = min(max(page, 1), pages)
        return cls(rows[(page - 1) * per_page: page * per_page], page, per_page, len(rows))

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self):
        shown = sorted({1, 2, self.pages - 1, self.pages,
                        *range(self.page - 2, self.page + 3)} & set(range(1, self.pages + 1)))
        previous = 0
        for n in shown:
            if n - previous > 1:
                yield None
            yield n
            previous = n
