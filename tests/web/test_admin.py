"""Administration: only admins; organizations and users, roles and deactivation."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from extensions import db
from liaison.accounts.models import Organization, OrgKind, Role, User

ADMIN_PAGES = [
    ("get", "/admin/"),
    ("get", "/admin/organizations"),
    ("get", "/admin/organizations/new"),
    ("post", "/admin/organizations/new"),
    ("get", "/admin/organizations/1/edit"),
    ("get", "/admin/users"),
    ("post", "/admin/users/1/role"),
    ("post", "/admin/users/1/active"),
]


@pytest.mark.parametrize("method,url", ADMIN_PAGES)
def test_anonymous_is_sent_to_login(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/auth/login" in response.location


@pytest.mark.parametrize("role", [Role.participant, Role.organizer])
@pytest.mark.parametrize("method,url", ADMIN_PAGES)
def test_non_admins_get_403(client, make_user, login, role, method, url):
    login(make_user(role=role))
    assert getattr(client, method)(url).status_code == 403


@pytest.fixture
def admin(make_user, login):
    return login(make_user(role=Role.admin, display_name="Zhou Min"))


def test_organizations_list_shows_kind_and_parent(client, admin, make_org):
    national = make_org("National Customs Administration", kind=OrgKind.customs)
    make_org("Shanghai Customs District", kind=OrgKind.customs, parent=national)
    page = client.get("/admin/organizations").get_data(as_text=True)
    assert "Shanghai Customs District" in page and "National Customs Administration" in page
    assert "Customs" in page
    # Both names are in "Customs", and both are rows anyway: read the district's own row.
    (row,) = [r for r in re.findall(r"<tr>(.*?)</tr>", page, re.S) if "Shanghai Customs" in r]
    assert 'kind-customs">Customs</span>' in row
    assert '<td data-label="Part of">National Customs Administration</td>' in row


def test_organizations_paginate(app, client, admin, make_org):
    for n in range(app.config["PER_PAGE"] + 3):
        make_org(f"Brand {n:02d}", kind=OrgKind.rights_holder)
    first = client.get("/admin/organizations").get_data(as_text=True)
    second = client.get("/admin/organizations?page=2").get_data(as_text=True)
    assert 'class="pagination"' in first
    assert first.count("/edit") == app.config["PER_PAGE"]
    assert "Brand 22" in second and "Brand 22" not in first


def test_create_and_edit_organization(client, admin, make_org):
    national = make_org("National Customs Administration", kind=OrgKind.customs)
    response = client.post(
        "/admin/organizations/new",
        data={
            "name": "Shenzhen Customs District",
            "name_zh": "深圳海关",
            "kind": "customs",
            "parent_id": national.id,
            "city": "Shenzhen",
        },
    )
    assert response.status_code == 302
    office = db.session.scalar(
        select(Organization).where(Organization.name == "Shenzhen Customs District")
    )
    assert office.parent_id == national.id and office.name_zh == "深圳海关"
    assert office.kind == OrgKind.customs and office.city == "Shenzhen"

    form = client.get(f"/admin/organizations/{office.id}/edit").get_data(as_text=True)
    assert (
        f'<option selected value="{national.id}">' in form
        or f'value="{national.id}" selected' in form
    )
    response = client.post(
        f"/admin/organizations/{office.id}/edit",
        data={
            "name": "Shenzhen Customs",
            "name_zh": "",
            "kind": "customs",
            "parent_id": "0",
            "city": "Shenzhen, Guangdong",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    office = db.session.get(Organization, office.id)
    assert office.name == "Shenzhen Customs" and office.parent_id is None and office.name_zh is None
    assert office.city == "Shenzhen, Guangdong"


@pytest.mark.parametrize(
    "change,message",
    [
        ({"name": ""}, b"This field is required."),
        ({"name": "existing org"}, b"already exists"),
        ({"kind": ""}, b"This field is required."),
        ({"kind": "pirates"}, b"Not a valid choice"),
        ({"parent_id": "99999"}, b"Not a valid choice"),
        ({"city": "x" * 121}, b'id="city-feedback">Field cannot be longer than 120 characters.<'),
    ],
)
def test_create_organization_bad_input(client, admin, make_org, change, message):
    make_org("Existing Org")
    before = db.session.scalar(select(func.count(Organization.id)))
    data = {"name": "New Org", "kind": "customs", "parent_id": "0", "city": "", **change}
    response = client.post("/admin/organizations/new", data=data)
    assert response.status_code == 200
    assert message in response.data and b"invalid-feedback" in response.data
    assert db.session.scalar(select(func.count(Organization.id))) == before


def test_parent_cycle_is_refused(client, admin, make_org):
    national = make_org("National", kind=OrgKind.customs)
    office = make_org("Office", kind=OrgKind.customs, parent=national)
    response = client.post(
        f"/admin/organizations/{national.id}/edit",
        data={
            "name": "National",
            "kind": "customs",
            "parent_id": office.id,
        },
    )
    assert response.status_code == 200
    assert b"cannot sit under itself" in response.data
    db.session.expire_all()
    assert db.session.get(Organization, national.id).parent_id is None


def test_users_search_and_paginate(app, client, admin, make_org, make_user):
    customs = make_org("Shanghai Customs District", kind=OrgKind.customs)
    make_user(email="chen.jie@example.org", display_name="Chen Jie", org=customs)
    make_user(email="anna@brand.example", display_name="Anna Keller")
    for n in range(app.config["PER_PAGE"]):
        make_user(email=f"bulk{n}@example.org", display_name=f"Bulk {n:02d}")

    by_org = client.get("/admin/users?q=shanghai").get_data(as_text=True)
    assert "Chen Jie" in by_org and "Anna Keller" not in by_org
    by_email = client.get("/admin/users?q=BRAND.example").get_data(as_text=True)
    assert "Anna Keller" in by_email and "Chen Jie" not in by_email
    assert "Chen Jie" in client.get("/admin/users?q=chen").get_data(as_text=True)
    assert "No users match" in client.get("/admin/users?q=100%25_").get_data(as_text=True)
    everyone = client.get("/admin/users").get_data(as_text=True)
    assert 'class="pagination"' in everyone
    assert client.get("/admin/users?page=2").status_code == 200


def test_change_role_and_deactivate(client, admin, make_user):
    user = make_user(display_name="Li Na")
    assert (
        client.post(f"/admin/users/{user.id}/role", data={"role": "organizer"}).status_code == 302
    )
    assert client.post(f"/admin/users/{user.id}/active", data={"active": "0"}).status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.role == Role.organizer and not user.active
    client.post(f"/admin/users/{user.id}/active", data={"active": "1"})
    db.session.expire_all()
    assert db.session.get(User, user.id).active


def test_bad_role_changes_nothing(client, admin, make_user):
    user = make_user()
    client.post(f"/admin/users/{user.id}/role", data={"role": "superuser"})
    db.session.expire_all()
    assert db.session.get(User, user.id).role == Role.participant


def test_admin_cannot_demote_or_deactivate_self(client, admin):
    response = client.post(
        f"/admin/users/{admin.id}/role", data={"role": "participant"}, follow_redirects=True
    )
    assert b"cannot change your own role" in response.data
    response = client.post(
        f"/admin/users/{admin.id}/active", data={"active": "0"}, follow_redirects=True
    )
    assert b"cannot deactivate your own account" in response.data
    db.session.expire_all()
    me = db.session.get(User, admin.id)
    assert me.role == Role.admin and me.active


def test_unknown_user_or_org_is_404(client, admin):
    assert client.post("/admin/users/9999/role", data={"role": "admin"}).status_code == 404
    assert client.get("/admin/organizations/9999/edit").status_code == 404


def test_the_edit_page_counts_members(client, admin, make_org, make_user):
    office = make_org("Ningbo Customs District", kind=OrgKind.customs)
    for _ in range(3):
        make_user(org=office)
    page = client.get(f"/admin/organizations/{office.id}/edit").get_data(as_text=True)
    assert "3 users" in page
    empty = make_org("Quiet Association", kind=OrgKind.association)
    assert "0 users" in client.get(f"/admin/organizations/{empty.id}/edit").get_data(as_text=True)
