"""Request and response shapes of the membership, nomination and reserved-seat endpoints, and
their lines of the OpenAPI route table (openapi.py adds them to its own)."""
from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, Field

from blueprints.api import schemas
from liaison.accounts.models import Membership, Role


class MemberOut(BaseModel):
    id: int
    display_name: str
    display_name_zh: str | None
    email: str
    organization_id: int
    role: Role
    membership: Membership
    focal_point: bool
    active: bool


class MemberPage(schemas.Page):
    items: list[MemberOut]


class MemberQuery(schemas.Query):
    membership: Membership | None = None


class UserRef(schemas.Body):
    """POST /events/{id}/nominations, POST /registrations/{id}/substitute."""

    user_id: schemas.Id


class AllocationIn(schemas.Body):
    """POST /events/{id}/allocations."""

    organization_id: schemas.Id
    seats: schemas.Seats
    release_at: schemas.Instant = Field(
        description="When the unfilled seats become free to all (before the event starts).")


class AllocationPatch(schemas.Body):
    """PATCH /allocations/{id}: the fields sent change."""

    seats: schemas.Seats = None
    release_at: schemas.Instant = None


class AllocationOut(BaseModel):
    id: int
    event_id: int
    organization_id: int
    seats: int
    filled: int = Field(description="Seats its organization's people fill.")
    release_at: AwareDatetime
    released_at: AwareDatetime | None


class AllocationList(BaseModel):
    items: list[AllocationOut]


def operations():
    from blueprints.api.openapi import DOMAIN, REG_ACTION_ERRORS, Operation

    return (
        Operation("get", "/organizations/{organization_id}/members", "listMembers",
                  "Members of an organization (its offices' too), waiting ones first: for its "
                  "focal points (and those above) and administrators.",
                  (200, MemberPage), (403, 404, 422), query=MemberQuery,
                  tags=("organizations",)),
        Operation("post", "/members/{user_id}/verify", "verifyMember",
                  "The organization vouches for the member: they see and join what its kind "
                  "may. Its focal points and administrators.",
                  (200, MemberOut), (404, *DOMAIN), tags=("organizations",)),
        Operation("post", "/members/{user_id}/reject", "rejectMember",
                  "The organization does not vouch for the member: they see only events open "
                  "to all and lose places audiences no longer admit.",
                  (200, MemberOut), (404, *DOMAIN), tags=("organizations",)),
        Operation("post", "/events/{event_id}/nominations", "nominate",
                  "A focal point registers a verified member of their organization (or an "
                  "office below it) under the registration rules: 201 for a new place, 200 "
                  "when their active registration is returned.",
                  (201, schemas.RegistrationOut), (400, 404, *DOMAIN), body=UserRef,
                  tags=("registrations",),
                  also_ok=(200, "Already registered: the active registration.")),
        Operation("post", "/registrations/{registration_id}/substitute", "substitute",
                  "Pass the place to a colleague of the same organization, with its status "
                  "and queue position; the original registration is cancelled. A focal point "
                  "of that organization or the event's organizers.",
                  (200, schemas.RegistrationOut), (400, *REG_ACTION_ERRORS), body=UserRef,
                  tags=("registrations",)),
        Operation("get", "/events/{event_id}/allocations", "listAllocations",
                  "Seats reserved for organizations, with how many are filled.",
                  (200, AllocationList), (404,), tags=("allocations",)),
        Operation("post", "/events/{event_id}/allocations", "createAllocation",
                  "Reserve seats for an organization and its offices until a release time. "
                  "Its organizers only.",
                  (201, AllocationOut), (400, 404, *DOMAIN), body=AllocationIn,
                  tags=("allocations",)),
        Operation("patch", "/allocations/{allocation_id}", "updateAllocation",
                  "Change the seats or the release time (a released reserve is held again "
                  "with a new release time). Its event's organizers only.",
                  (200, AllocationOut), (400, 404, *DOMAIN), body=AllocationPatch,
                  tags=("allocations",)),
        Operation("delete", "/allocations/{allocation_id}", "deleteAllocation",
                  "Stop reserving: the seats are free to all and the waiting list moves up.",
                  (204, None), (404, *DOMAIN), tags=("allocations",)),
    )


RESPONSE_MODELS = (MemberOut, MemberPage, AllocationOut, AllocationList)
BODY_MODELS = (UserRef, AllocationIn, AllocationPatch)
QUERY_MODELS = (MemberQuery,)
