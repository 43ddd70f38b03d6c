"""Who sees what and who may act on what (core.org.access), for every persona."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.accounts.models import User
from core.org.access import (
    EmployeeOwnedQuerySet,
    employee_scope_q,
    object_get_for_user,
    scope_description,
)
from core.org.models import Employee, Position, Unit
from tests.personas import (
    ANALIS,
    EVERYONE,
    KABAN,
    KABID,
    KADINKES,
    KASUB,
    PPPK,
    SEKDA,
    STAF_DINKES,
)

pytestmark = pytest.mark.django_db

BKPSDMD = {KABAN, KABID, KASUB, ANALIS, PPPK}


class AccountQuerySet(EmployeeOwnedQuerySet):
    """A model that belongs to an employee: a login account, through ``employee``. Any
    module's model (an SKP, an activity) declares its owner the same way."""

    employee_field = "employee"


def user(nip_or_username: str) -> User:
    return (
        User.objects.get(nip=nip_or_username)
        if nip_or_username.isdigit()
        else (User.objects.get(username=nip_or_username))
    )


def nips(queryset) -> set[str]:
    return set(queryset.values_list("nip", flat=True))


def owners(queryset) -> set[str]:
    """The NIPs of the employees who own the rows (accounts with an employee record)."""
    return set(queryset.exclude(employee=None).values_list("employee__nip", flat=True))


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("admin", EVERYONE),
        ("pimpinan", EVERYONE),
        (SEKDA, EVERYONE),
        (KABAN, BKPSDMD),
        (KADINKES, {KADINKES, STAF_DINKES}),
        (KABID, {KABID, KASUB}),
        (KASUB, {KASUB, ANALIS, PPPK}),
        (ANALIS, {ANALIS}),
    ],
)
def test_each_role_sees_its_scope_and_an_employee_owned_model_inherits_it(org, who, sees):
    with org:
        viewer = user(who)
        assert nips(Employee.objects.visible_to(viewer)) == sees
        accounts = AccountQuerySet(model=User).visible_to(viewer)
        assert owners(accounts) == sees


@pytest.mark.parametrize(
    ("who", "appraises"),
    [
        ("admin", set()),
        (SEKDA, {KABAN, KADINKES}),
        (KABAN, {KABID}),
        (KABID, {KASUB}),
        (KASUB, {ANALIS, PPPK}),
        (ANALIS, set()),
    ],
)
def test_the_write_scope_of_an_atasan_is_the_people_they_appraise(org, who, appraises):
    with org:
        viewer = user(who)
        assert nips(Employee.objects.appraisable_by(viewer)) == appraises
        assert owners(AccountQuerySet(model=User).appraisable_by(viewer)) == appraises


def test_a_former_employee_is_nobodys_to_appraise(org):
    with org:
        Employee.objects.filter(nip=PPPK).update(is_active=False)
        assert nips(Employee.objects.appraisable_by(user(KASUB))) == {ANALIS}


@pytest.mark.parametrize("who", [ANALIS, KASUB, KABAN])
def test_everyone_owns_only_their_own_records(org, who):
    with org:
        assert nips(Employee.objects.owned_by(user(who))) == {who}
        assert owners(AccountQuerySet(model=User).owned_by(user(who))) == {who}


@pytest.mark.parametrize(("who", "manages"), [("admin", True), ("pimpinan", False), (SEKDA, False)])
def test_only_the_bkpsdmd_admin_manages_records(org, who, manages):
    with org:
        viewer = user(who)
        for queryset in (Employee.objects, Unit.objects, Position.objects):
            assert queryset.manageable_by(viewer).exists() is manages


def test_an_anonymous_user_and_an_account_without_an_employee_see_nothing(org):
    from django.contrib.auth.models import AnonymousUser

    with org:
        assert not Employee.objects.visible_to(AnonymousUser()).exists()
        assert not Employee.objects.visible_to(User.objects.get(username="pegawai")).exists()
        assert employee_scope_q(AnonymousUser()) is not None


def test_the_object_getter_answers_404_when_unseen_and_403_when_seen_but_not_allowed(org):
    with org:
        kasub, analis, kabid = (Employee.objects.get(nip=n) for n in (KASUB, ANALIS, KABID))
        employee, access = object_get_for_user(Employee.objects, user(KASUB), analis.pk)
        assert employee == analis
        assert (access.appraise, access.own, access.manage) == (True, False, False)
        with pytest.raises(Http404):
            object_get_for_user(Employee.objects, user(KASUB), kabid.pk)  # their own atasan
        with pytest.raises(PermissionDenied):
            object_get_for_user(Employee.objects, user(KASUB), analis.pk, need="manage")
        _me, mine = object_get_for_user(Employee.objects, user(KASUB), kasub.pk, need="own")
        assert mine.own and not mine.appraise
        _any, admin = object_get_for_user(Employee.objects, user("admin"), kabid.pk, need="manage")
        assert admin.manage
        for junk in ("abc", None, 10**12):
            with pytest.raises(Http404):
                object_get_for_user(Employee.objects, user("admin"), junk)


@pytest.mark.parametrize(
    ("who", "units", "positions"),
    [
        (ANALIS, {"BKPSDMD.1.1"}, {"ANALIS"}),
        (KASUB, {"BKPSDMD.1.1"}, {"KASUB", "ANALIS"}),
        (KABAN, {"BKPSDMD", "BKPSDMD.1", "BKPSDMD.1.1"}, {"KABAN", "KABID", "KASUB", "ANALIS"}),
    ],
)
def test_units_and_positions_follow_the_people_one_sees(org, who, units, positions):
    with org:
        viewer = user(who)
        assert set(Unit.objects.visible_to(viewer).values_list("code", flat=True)) == units
        assert set(Position.objects.visible_to(viewer).values_list("code", flat=True)) == (
            positions
        )


def test_each_role_is_told_which_rule_decides_what_it_sees(org, english):
    with org:
        assert "whole Pemda" in scope_description(user("admin"))
        assert "Badan Kepegawaian" in scope_description(user(KABAN))
        assert "people you appraise" in scope_description(user(KASUB))
        assert "your own record" in scope_description(user(ANALIS))


@pytest.mark.parametrize("who", ["admin", "pimpinan", SEKDA, KABAN, KADINKES, KABID, KASUB, ANALIS])
def test_whom_one_may_appraise_is_always_among_those_one_sees(org, who):
    with org:
        viewer = user(who)
        appraisable = set(Employee.objects.appraisable_by(viewer).values_list("pk", flat=True))
        visible = set(Employee.objects.visible_to(viewer).values_list("pk", flat=True))
        assert appraisable <= visible


def test_a_head_of_opd_sees_someone_of_another_opd_they_appraise_by_hand(org):
    from core.org.services import atasan_override_set

    with org:
        admin, staf = user("admin"), Employee.objects.get(nip=STAF_DINKES)
        atasan_override_set(
            employee=staf, atasan=Employee.objects.get(nip=KABAN), reason="Tugas", by=admin
        )
        head = user(KABAN)
        assert STAF_DINKES in nips(Employee.objects.visible_to(head))
        assert STAF_DINKES in nips(Employee.objects.appraisable_by(head))
        _staf, access = object_get_for_user(Employee.objects, head, staf.pk, need="appraise")
        assert access.appraise


def test_an_atasan_whose_role_is_set_by_hand_to_employee_appraises_nobody(org, people):
    from core.accounts.models import Role
    from core.org.services import account_role_set

    with org:
        account_role_set(
            employee=Employee.objects.get(nip=KASUB), role=Role.EMPLOYEE, by=user("admin")
        )
        assert not Employee.objects.appraisable_by(user(KASUB)).exists()
    home = people["kasub"].get("/").content.decode()
    assert "Rudi Hartono" not in home  # the appraisees' card is not shown
