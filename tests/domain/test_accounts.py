"""accounts, organizations and apitokens without HTTP."""
from __future__ import annotations

import pytest

from extensions import db
from liaison.accounts import apitokens, organizations, users
from liaison.accounts.models import OrgKind, Role, User
from liaison.accounts.passwords import verify_password
from liaison.core.errors import NotAllowed, ValidationFailed
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("app")


def test_sign_up_normalizes_email_and_hashes(make_org):
    user = users.sign_up("  Li.Na@Example.ORG ", "Li Na", PASSWORD, make_org().id)
    assert user.email == "li.na@example.org"
    assert verify_password(user.password_hash, PASSWORD)
    assert user.role == Role.participant and user.timezone == "Asia/Shanghai"


def test_sign_up_refuses_duplicate_email_case_insensitively(make_user, make_org):
    make_user(email="dup@example.org")
    with pytest.raises(ValidationFailed) as error:
        users.sign_up("DUP@example.org", "Other", PASSWORD, make_org().id)
    assert "email" in error.value.fields


def test_sign_up_collects_every_field_problem():
    with pytest.raises(ValidationFailed) as error:
        users.sign_up("nope", " ", "short", 12345, language="fr", timezone="Nowhere/City")
    assert set(error.value.fields) == {
        "email", "display_name", "password", "organization_id", "language", "timezone"
    }


def test_authenticate(make_user):
    user = make_user(email="a@example.org")
    assert users.authenticate("A@example.org", PASSWORD).id == user.id
    assert users.authenticate("a@example.org", "wrong password") is None
    assert users.authenticate("unknown@example.org", PASSWORD) is None
    assert users.authenticate("", PASSWORD) is None


def test_authenticate_refuses_inactive(make_user):
    make_user(email="off@example.org", active=False)
    assert users.authenticate("off@example.org", PASSWORD) is None


def test_authenticate_rehashes_weak_hashes(app, make_user):
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, salt_len=8).hash(PASSWORD)
    user = make_user(email="old@example.org")
    user.password_hash = weak
    db.session.commit()
    users.authenticate("old@example.org", PASSWORD)
    assert user.password_hash != weak
    assert verify_password(user.password_hash, PASSWORD)


def test_change_password_rotates_session_token(make_user):
    user = make_user()
    old_id = user.get_id()
    users.change_password(user, PASSWORD, "another long passphrase")
    assert user.get_id() != old_id
    assert users.user_for_session_id(old_id) is None
    assert users.user_for_session_id(user.get_id()).id == user.id
    with pytest.raises(ValidationFailed) as error:
        users.change_password(user, "not it", "yet another passphrase")
    assert "current_password" in error.value.fields


@pytest.mark.parametrize("value", ["", "abc", "1", "1:", ":x", "x:y", "999:token"])
def test_user_for_session_id_rejects_garbage(make_user, value):
    make_user()
    assert users.user_for_session_id(value) is None


def test_admin_cannot_demote_or_deactivate_self(make_user):
    admin = make_user(role=Role.admin)
    with pytest.raises(NotAllowed):
        users.set_role(admin, Role.participant, by=admin)
    with pytest.raises(NotAllowed):
        users.set_active(admin, False, by=admin)
    other = make_user()
    token = other.session_token
    users.set_active(other, False, by=admin)
    assert not other.active and other.session_token != token


def test_organizations_unique_name_and_no_cycles(make_org):
    national = organizations.create_org("National Customs", OrgKind.customs)
    office = organizations.create_org("Local Office", "customs", parent_id=national.id)
    branch = organizations.create_org("Branch", "customs", parent_id=office.id)
    with pytest.raises(ValidationFailed) as error:
        organizations.create_org("national customs", OrgKind.customs)
    assert "name" in error.value.fields
    for parent in (national, office, branch):
        with pytest.raises(ValidationFailed) as error:
            organizations.update_org(national, name="National Customs", kind="customs",
                                     parent_id=parent.id)
        assert "parent_id" in error.value.fields
    with pytest.raises(ValidationFailed) as error:
        organizations.create_org("X", "pirates")
    assert "kind" in error.value.fields
    moved = organizations.update_org(branch, name="Branch", kind="customs", parent_id=national.id)
    assert moved.parent is national


def test_api_tokens(make_user):
    user = make_user()
    token, raw = apitokens.issue_token(user, "sync")
    assert raw.startswith("lia_") and len(raw) > 40
    assert token.prefix == raw[:12] and raw not in token.token_hash and len(token.token_hash) == 64
    assert apitokens.user_for_api_token(raw).id == user.id
    assert token.last_used_at is not None
    assert apitokens.user_for_api_token(raw + "x") is None
    assert apitokens.user_for_api_token("") is None
    assert apitokens.user_for_api_token("not-a-token") is None
    apitokens.revoke_token(token)
    assert apitokens.user_for_api_token(raw) is None


def test_api_token_of_inactive_user_is_refused(make_user):
    user = make_user()
    _token, raw = apitokens.issue_token(user)
    user.active = False
    assert apitokens.user_for_api_token(raw) is None


def test_search_users_escapes_wildcards(make_user):
    make_user(email="a_b@example.org", display_name="Under Score")
    make_user(email="axb@example.org", display_name="Other")
    found = db.session.scalars(users.search_users("a_b")).all()
    assert [u.email for u in found] == ["a_b@example.org"]
    assert isinstance(found[0], User)
