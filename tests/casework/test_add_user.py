"""The add_user command: the five roles, and refusals that name the field."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from casework.models import AuditEvent, User
from tests.factories import make_enterprise

pytestmark = pytest.mark.django_db

STRONG = "Nanning-Safety-2026"


def add_user(*args) -> str:
    out = io.StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


def test_add_user_creates_an_officer_with_credential_and_audits_it():
    # when
    output = add_user(
        "li.officer",
        "--role=officer",
        "--jurisdiction=450103",
        f"--password={STRONG}",
        "--credential-no=GX000123",
        "--credential-valid-from=2025-01-01",
        "--credential-valid-until=2028-12-31",
        "--name=Li Ming",
    )

    # then
    assert "li.officer" in output
    user = User.objects.get(username="li.officer")
    assert (user.role, user.jurisdiction_id, user.credential_no) == (
        "officer",
        "450103",
        "GX000123",
    )
    assert user.credential_valid_until == datetime.date(2028, 12, 31)
    assert user.check_password(STRONG)
    assert user.credential_valid_on(datetime.date(2028, 12, 31))
    assert not user.credential_valid_on(datetime.date(2029, 1, 1))
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.object_id, event.payload["role"]) == (
        "user_created",
        str(user.pk),
        "officer",
    )
    assert STRONG not in str(event.payload)


@pytest.mark.parametrize("role", ["supervisor", "legal_reviewer"])
def test_add_user_creates_staff_of_a_jurisdiction(role):
    add_user(f"staff.{role}", f"--role={role}", "--jurisdiction=450100", f"--password={STRONG}")

    user = User.objects.get(username=f"staff.{role}")
    assert (user.role, user.jurisdiction_id, user.is_staff_role, user.is_superuser) == (
        role,
        "450100",
        True,
        False,
    )


def test_add_user_creates_an_admin_without_jurisdiction_who_may_use_django_admin():
    add_user("root.admin", "--role=admin", f"--password={STRONG}")

    user = User.objects.get(username="root.admin")
    assert (user.role, user.jurisdiction_id, user.is_staff, user.is_superuser) == (
        "admin",
        None,
        True,
        True,
    )


def test_add_user_binds_an_enterprise_user_to_its_enterprise_and_its_jurisdiction():
    enterprise = make_enterprise(jurisdiction="450123")

    add_user(
        "ent.user", "--role=enterprise", f"--enterprise={enterprise.uscc}", f"--password={STRONG}"
    )

    user = User.objects.get(username="ent.user")
    assert (user.role, user.enterprise_id, user.jurisdiction_id) == (
        "enterprise",
        enterprise.pk,
        "450123",
    )
    assert user.is_enterprise_user


def refused(*args) -> str:
    before = (User.objects.count(), AuditEvent.objects.count())
    with pytest.raises(CommandError) as raised:
        add_user(*args)
    assert raised.value.returncode != 0
    assert (User.objects.count(), AuditEvent.objects.count()) == before
    return str(raised.value)


def test_an_unknown_jurisdiction_is_refused_naming_jurisdiction():
    message = refused("x1", "--role=supervisor", "--jurisdiction=999999", f"--password={STRONG}")

    assert message.startswith("jurisdiction:")
    assert "999999" in message


def test_staff_without_a_jurisdiction_is_refused_naming_jurisdiction():
    message = refused("x2", "--role=legal_reviewer", f"--password={STRONG}")

    assert "jurisdiction:" in message


def test_an_officer_without_a_credential_is_refused_naming_credential_no():
    message = refused("x3", "--role=officer", "--jurisdiction=450103", f"--password={STRONG}")

    assert "credential_no:" in message


def test_an_officer_with_a_number_but_no_validity_end_is_refused():
    message = refused(
        "x4",
        "--role=officer",
        "--jurisdiction=450103",
        f"--password={STRONG}",
        "--credential-no=GX1",
    )

    assert "credential_no:" in message


def test_a_credential_that_ends_before_it_starts_is_refused_naming_the_field():
    message = refused(
        "x5",
        "--role=officer",
        "--jurisdiction=450103",
        f"--password={STRONG}",
        "--credential-no=GX1",
        "--credential-valid-from=2027-01-01",
        "--credential-valid-until=2026-01-01",
    )

    assert "credential_valid_until:" in message


def test_a_malformed_date_is_refused_naming_the_option():
    message = refused(
        "x6",
        "--role=officer",
        "--jurisdiction=450103",
        f"--password={STRONG}",
        "--credential-no=GX1",
        "--credential-valid-until=31.12.2028",
    )

    assert "--credential-valid-until" in message


def test_an_enterprise_user_without_enterprise_is_refused_naming_enterprise():
    message = refused("x7", "--role=enterprise", f"--password={STRONG}")

    assert message.startswith("enterprise:")


def test_an_enterprise_user_of_an_unknown_enterprise_is_refused_naming_enterprise():
    message = refused(
        "x8", "--role=enterprise", "--enterprise=91450000NOSUCH0001", f"--password={STRONG}"
    )

    assert "enterprise:" in message


def test_staff_bound_to_an_enterprise_is_refused_naming_enterprise():
    enterprise = make_enterprise()

    message = refused(
        "x9",
        "--role=supervisor",
        "--jurisdiction=450103",
        f"--enterprise={enterprise.uscc}",
        f"--password={STRONG}",
    )

    assert "enterprise:" in message


def test_an_unknown_role_is_refused():
    message = refused("x10", "--role=sheriff", "--jurisdiction=450103", f"--password={STRONG}")

    assert "role" in message


def test_a_weak_password_or_a_taken_username_is_refused_naming_the_field():
    add_user("taken", "--role=supervisor", "--jurisdiction=450103", f"--password={STRONG}")

    weak = refused("fresh", "--role=supervisor", "--jurisdiction=450103", "--password=123")
    taken = refused("taken", "--role=supervisor", "--jurisdiction=450103", f"--password={STRONG}")

    assert "password:" in weak
    assert "username:" in taken


def test_several_problems_are_named_together():
    message = refused("x11", "--role=officer", "--jurisdiction=999999", "--password=123")

    assert {"jurisdiction:", "credential_no:", "password:"} <= {
        line.split(" ")[0] for line in message.splitlines()
    }
