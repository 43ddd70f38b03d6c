import datetime
from types import SimpleNamespace

import pytest

from core.accounts.models import Role
from tenants.lifecycle import TRANSITIONS, PemdaStatus
from tenants.staff_rules import (
    StaffAction,
    retry_pending,
    schema_drop_confirmed,
    staff_actions_for,
    staff_may_use,
)

A = StaffAction


def user(**fields):
    base = {
        "is_authenticated": True,
        "is_active": True,
        "is_staff": True,
        "is_superuser": False,
        "role": Role.PLATFORM_STAFF,
    }
    return SimpleNamespace(**{**base, **fields})


@pytest.mark.parametrize(
    ("fields", "allowed"),
    [
        ({}, True),
        ({"role": Role.EMPLOYEE, "is_superuser": True}, True),
        ({"is_staff": False}, False),  # the role alone is not enough
        ({"is_active": False}, False),
        ({"is_authenticated": False}, False),
        ({"role": Role.PROVINCIAL_ADMIN}, False),  # even with the staff flag
        ({"role": Role.TENANT_ADMIN}, False),
        ({"role": Role.EMPLOYEE}, False),  # an applicant's platform account
    ],
)
def test_only_active_platform_staff_may_use_the_staff_tools(fields, allowed):
    assert staff_may_use(user(**fields)) is allowed


def test_nobody_signed_in_may_not():
    assert staff_may_use(None) is False


EXPECTED = {
    PemdaStatus.REQUESTED: {A.ARCHIVE},
    PemdaStatus.PROVISIONING: set(),
    PemdaStatus.ACTIVE: {A.SUSPEND},  # suspended before it is archived
    PemdaStatus.FAILED: {A.RETRY, A.ARCHIVE},
    PemdaStatus.SUSPENDED: {A.REACTIVATE, A.ARCHIVE},
    PemdaStatus.ARCHIVED: {A.SCHEMA_DROP},
}


@pytest.mark.parametrize("status", PemdaStatus.values)
def test_each_status_offers_its_actions_and_only_those_the_state_machine_allows(status):
    actions = staff_actions_for(status=status, schema_present=True, archive_exported=True)
    assert actions == EXPECTED[status]
    targets = {
        A.SUSPEND: PemdaStatus.SUSPENDED,
        A.REACTIVATE: PemdaStatus.ACTIVE,
        A.ARCHIVE: PemdaStatus.ARCHIVED,
        A.RETRY: PemdaStatus.PROVISIONING,
    }
    for action in actions - {A.SCHEMA_DROP}:
        assert targets[action] in TRANSITIONS[status]


@pytest.mark.parametrize(
    ("schema_present", "archive_exported"), [(False, True), (True, False), (False, False)]
)
def test_the_data_of_an_archived_pemda_is_deleted_only_with_its_schema_and_a_checked_export(
    schema_present, archive_exported
):
    actions = staff_actions_for(
        status=PemdaStatus.ARCHIVED,
        schema_present=schema_present,
        archive_exported=archive_exported,
    )
    assert actions == frozenset()


NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
GRACE = datetime.timedelta(minutes=2)
MINUTE = datetime.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("last_retry_at", "status_changed_at", "pending"),
    [
        (None, NOW - MINUTE, False),  # never asked
        (NOW - MINUTE / 2, NOW - MINUTE, True),  # asked, not taken up yet: a second click
        (NOW - MINUTE, NOW - MINUTE / 2, False),  # taken up (and failed again) since
        (NOW - 3 * MINUTE, NOW - 4 * MINUTE, False),  # its message counts as lost
        (NOW - MINUTE / 2, None, True),
    ],
)
def test_a_retry_is_pending_until_a_worker_takes_it_up_or_the_grace_ends(
    last_retry_at, status_changed_at, pending
):
    assert (
        retry_pending(
            last_retry_at=last_retry_at,
            status_changed_at=status_changed_at,
            now=NOW,
            grace=GRACE,
        )
        is pending
    )


@pytest.mark.parametrize(
    ("typed", "confirmed"),
    [
        ("kota-jambi", True),
        (" kota-jambi ", True),
        ("Kota-Jambi", False),
        ("", False),
        ("kota", False),
    ],
)
def test_dropping_a_schema_is_confirmed_by_typing_the_address_exactly(typed, confirmed):
    assert schema_drop_confirmed(typed=typed, slug="kota-jambi") is confirmed
