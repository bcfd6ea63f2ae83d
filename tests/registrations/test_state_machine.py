"""Property-based test of rules 2–6: random mixes of register, cancel, approve, decline, move,
capacity and organization-cap changes, checked after every step against the database.

Invariants (read from the database, not from the code under test): confirmed ≤ capacity,
each organization within its cap, nobody registered twice, nobody waits while a seat they fit
is free. First come, first served is checked by comparing every status with a small reference
model of the queue (`Model`), which also says who must have been told "promoted".
"""
from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from extensions import db
from liaison.accounts.models import Organization, OrgKind, Role, User
from liaison.core.errors import Conflict, ValidationFailed
from liaison.core.types import utcnow
from liaison.events.models import Event, EventKind, EventStatus
from liaison.notifications import notices
from liaison.registration import registrations as regs
from liaison.registration.models import Registration

S = regs.RegistrationStatus
USERS = 7
ORGS = 3
caps = st.one_of(st.none(), st.integers(min_value=1, max_value=4))
org_caps = st.one_of(st.none(), st.integers(min_value=1, max_value=3))
people = st.integers(min_value=0, max_value=USERS - 1)
_names = itertools.count(1)


class Model:
    """The rules as plain Python over a dict: what every status should be."""

    def __init__(self, capacity, org_cap, approval, org_of):
        self.capacity, self.org_cap, self.approval = capacity, org_cap, approval
        self.org_of = org_of
        self.status: dict[int, S] = {}
        self.place: dict[int, int] = {}
        self.clock = itertools.count()
        self.promoted: list[int] = []

    def confirmed(self, org=None) -> int:
        return sum(1 for u, s in self.status.items()
                   if s == S.confirmed and (org is None or self.org_of[u] == org))

    def fits(self, user) -> bool:
        free = self.capacity is None or self.confirmed() < self.capacity
        org_ok = self.org_cap is None or self.confirmed(self.org_of[user]) < self.org_cap
        return free and org_ok

    def promote(self) -> None:
        for user in sorted((u for u, s in self.status.items() if s == S.waitlisted),
                           key=self.place.__getitem__):
            if self.fits(user):
                self.status[user] = S.confirmed
                self.promoted.append(user)

    def register(self, user) -> None:
        if self.status.get(user) in regs.MOVABLE:
            return
        self.place[user] = next(self.clock)
        if self.approval:
            self.status[user] = S.pending
        else:
            self.status[user] = S.confirmed if self.fits(user) else S.waitlisted

    def leave(self, user, status) -> None:
        self.status[user] = status
        self.promote()


class RegistrationMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.told: list[tuple[int, str]] = []

    @initialize(capacity=caps, org_cap=org_caps, approval=st.booleans())
    def setup(self, capacity, org_cap, approval):
        n = next(_names)
        orgs = [Organization(name=f"SM org {n}-{i}", kind=OrgKind.customs) for i in range(ORGS)]
        self.organizer = User(email=f"sm{n}-organizer@example.test", display_name="Organizer",
                              password_hash="x", organization=orgs[0], role=Role.organizer)
        self.users = [
            User(email=f"sm{n}-{i}@example.test", display_name=f"P{i}", password_hash="x",
                 organization=orgs[i % ORGS], role=Role.participant)
            for i in range(USERS)
        ]
        start = utcnow().replace(microsecond=0) + timedelta(days=5)
        self.event = Event(kind=EventKind.training, title="Property", host_organization=orgs[0],
                           start_at=start, end_at=start + timedelta(hours=2),
                           timezone="Asia/Shanghai", status=EventStatus.published,
                           capacity=capacity, org_cap=org_cap, requires_approval=approval)
        self.event.organizers.append(self.organizer)
        db.session.add_all([*orgs, self.organizer, *self.users, self.event])
        db.session.commit()
        self.model = Model(capacity, org_cap, approval,
                           {i: i % ORGS for i in range(USERS)})

    # -- helpers -----------------------------------------------------------------------

    def reg(self, i) -> Registration | None:
        return regs.registration_for(self.event, self.users[i])

    def run(self, action, *errors) -> bool:
        """Run a domain call and commit; an expected refusal rolls back. True if it ran."""
        try:
            action()
        except errors:
            db.session.rollback()
            return False
        db.session.commit()
        return True

    # -- rules -------------------------------------------------------------------------

    @rule(i=people)
    def register(self, i):
        self.run(lambda: regs.register(self.event, self.users[i]))
        self.model.register(i)

    @rule(several=st.lists(people, min_size=2, max_size=5))
    def register_several(self, several):
        """A queue needs several people; one rule in seven alone builds none."""
        for i in several:
            self.register(i)

    @rule(several=st.lists(people, min_size=2, max_size=4))
    def approve_several(self, several):
        for i in several:
            self.approve(i)

    @rule(i=people, by_organizer=st.booleans())
    def cancel(self, i, by_organizer):
        reg = self.reg(i)
        if reg is None:
            return
        by = self.organizer if by_organizer else self.users[i]
        ran = self.run(lambda: regs.cancel_registration(reg, by=by), Conflict)
        expected = self.model.status[i] != S.declined
        assert ran == expected
        if ran and self.model.status[i] != S.cancelled:
            self.model.leave(i, S.cancelled)

    @rule(i=people)
    def approve(self, i):
        reg = self.reg(i)
        if reg is None:
            return
        ran = self.run(lambda: regs.approve(reg, by=self.organizer), Conflict)
        assert ran == (self.model.status[i] in regs.MOVABLE)
        if self.model.status[i] == S.pending:
            self.model.status[i] = S.confirmed if self.model.fits(i) else S.waitlisted

    @rule(i=people)
    def decline(self, i):
        reg = self.reg(i)
        if reg is None:
            return
        ran = self.run(lambda: regs.decline(reg, by=self.organizer), Conflict)
        assert ran == (self.model.status[i] != S.cancelled)
        if ran and self.model.status[i] != S.declined:
            self.model.leave(i, S.declined)

    @rule(i=people, to=st.sampled_from(regs.MOVABLE))
    def move(self, i, to):
        target = to
        reg = self.reg(i)
        if reg is None:
            return
        ran = self.run(lambda: regs.move(reg, target, by=self.organizer), Conflict)
        current = self.model.status[i]
        if current not in regs.MOVABLE or (target == S.confirmed and current != S.confirmed
                                           and not self.model.fits(i)):
            assert not ran
            return
        assert ran
        if current != target:
            self.model.status[i] = target
            if target == S.waitlisted:
                self.model.place[i] = next(self.model.clock)
            self.model.promote()

    @rule(org=st.integers(min_value=0, max_value=ORGS - 1), by_organizer=st.booleans())
    def capped_organization_queues(self, org, by_organizer):
        """The targeted step for "promotion ignores the cap": the organization's cap is one,
        all its people come (approved if the event asks for it), and then someone of another
        organization leaves, which frees a seat the capped organization may not take."""
        self.change_org_cap(1)
        members = [i for i in range(USERS) if i % ORGS == org]
        for i in members:
            self.register(i)
            if self.model.approval:
                self.approve(i)
        leaving = [i for i, s in self.model.status.items()
                   if s == S.confirmed and i % ORGS != org]
        if leaving:
            self.cancel(leaving[0], by_organizer)

    @rule(capacity=caps)
    def change_capacity(self, capacity):
        ran = self.run(lambda: regs.change_capacity(self.event, capacity), ValidationFailed)
        assert ran == (capacity is None or capacity >= self.model.confirmed())
        if ran:
            self.model.capacity = capacity
            self.model.promote()

    @rule(org_cap=org_caps)
    def change_org_cap(self, org_cap):
        ran = self.run(lambda: regs.change_org_cap(self.event, org_cap), ValidationFailed)
        most = max((self.model.confirmed(org) for org in range(ORGS)), default=0)
        assert ran == (org_cap is None or org_cap >= most)
        if ran:
            self.model.org_cap = org_cap
            self.model.promote()

    # -- invariants ----------------------------------------------------------------------

    def rows(self) -> list[tuple[Registration, int]]:
        db.session.expire_all()
        return list(db.session.execute(
            db.select(Registration, User.organization_id)
            .join(User, User.id == Registration.user_id)
            .where(Registration.event_id == self.event.id)
        ).tuples())

    @invariant()
    def seats_hold(self):
        if not hasattr(self, "event"):
            return
        rows = self.rows()
        confirmed = [org for r, org in rows if r.status == S.confirmed]
        capacity, org_cap = self.event.capacity, self.event.org_cap
        assert capacity is None or len(confirmed) <= capacity
        per_org = Counter(confirmed)
        assert org_cap is None or all(n <= org_cap for n in per_org.values())
        assert len({r.user_id for r, _ in rows}) == len(rows)  # nobody twice
        free = capacity is None or len(confirmed) < capacity
        for r, org in rows:  # nobody waits while a seat they fit is free
            if r.status == S.waitlisted:
                assert not (free and (org_cap is None or per_org[org] < org_cap)), r

    @invariant()
    def first_come_first_served(self):
        if not hasattr(self, "event"):
            return
        index = {u.id: i for i, u in enumerate(self.users)}
        actual = {index[r.user_id]: r.status for r, _ in self.rows()}
        assert actual == self.model.status
        waiting = sorted((u for u, s in self.model.status.items() if s == S.waitlisted),
                         key=self.model.place.__getitem__)
        positions = [regs.waitlist_position(self.reg(u)) for u in waiting]
        assert positions == list(range(1, len(waiting) + 1))
        promoted_ids = [reg_id for reg_id, news in self.told if news == "promoted"]
        assert promoted_ids == [self.reg(u).id for u in self.model.promoted]


@pytest.mark.slow
def test_registration_rules_hold_under_random_operations(app, monkeypatch):
    machines: list[RegistrationMachine] = []

    class Machine(RegistrationMachine):
        def __init__(self):
            super().__init__()
            machines.append(self)
            monkeypatch.setattr(
                notices, "registration_changed",
                lambda reg, news: self.told.append((reg.id, news)),
            )

    # derandomize: the same examples on every run, so a break the search can find is found
    # every time (it caught "promotion ignores the cap" in 3 runs of 11 before).
    run_state_machine_as_test(
        Machine,
        settings=settings(max_examples=25, stateful_step_count=20, deadline=None,
                          database=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow]),
    )
    assert machines


def test_promotion_respects_the_organization_cap(app, monkeypatch):
    """The kept example of the break above, step by step: capacity 2, one seat per
    organization; two people of one organization and one of another register; the other
    organization's person cancels. The waiting person's organization already holds its seat,
    so nobody is promoted."""
    machine = RegistrationMachine()
    monkeypatch.setattr(notices, "registration_changed",
                        lambda reg, news: machine.told.append((reg.id, news)))
    machine.setup(capacity=2, org_cap=1, approval=False)
    for step in (lambda: machine.register(0), lambda: machine.register(ORGS),
                 lambda: machine.register(1), lambda: machine.cancel(1, by_organizer=False)):
        step()
        machine.seats_hold()
        machine.first_come_first_served()
    assert machine.model.status == {0: S.confirmed, ORGS: S.waitlisted, 1: S.cancelled}
    machine.teardown()
